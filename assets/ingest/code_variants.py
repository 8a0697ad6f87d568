"""Participant codes typed otherwise in free text ("GG TC 11", "gg-tc-011" for GG-TC-11), masked
as names are: the exact spellings are masked with the names (privacy.py), these by their letters
and numbers."""

import functools
import re
from collections.abc import Iterable

import polars as pl

from assets.ingest.privacy import NAME

# A code's skeleton: its letters without case and its numbers without leading zeros, joined by
# SEPARATOR, whatever stood between them. Two spellings of one code have the same skeleton.
_SUBRUNS = re.compile(r"\d+|[^\W\d_]+")
SEPARATOR = "\x1f"
# Letters and digits joined by at most three separators ("GG - TC - 11"): where a code in another
# spelling can stand.
MOST_SEPARATORS = 3
_CODE_SPAN = re.compile(r"[^\W_]+(?:[\s\-_./]{1,%d}[^\W_]+)*" % MOST_SEPARATORS)


def _skeleton(parts: Iterable[str]) -> str:
    return SEPARATOR.join((p.lstrip("0") or "0") if p.isdigit() else p.lower() for p in parts)


def code_spellings(codes: Iterable[str]) -> dict[str, set[tuple[str, ...]]]:
    """{skeleton: the separators the codes of that skeleton write between their parts} of the codes
    that have letters and a number (A-1, GG-TC-11, P03). A code of digits alone is left to the
    exact masking: its skeleton would be any number."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for code in codes:
        parts = list(_SUBRUNS.finditer(code))
        kinds = {p.group(0).isdigit() for p in parts}
        if len(parts) >= 2 and kinds == {True, False}:
            out.setdefault(_skeleton(p.group(0) for p in parts), set()).add(_separators(code, parts))
    return out


def _separators(text: str, parts: list) -> tuple[str, ...]:
    return tuple(text[a.end():b.start()] for a, b in zip(parts, parts[1:]))


def _written_as_code(text: str, parts: list, separators: set[tuple[str, ...]]) -> bool:
    """Whether these parts of a text, whose skeleton is a code's, are that code typed otherwise:
    with the code's own separators (in any case, with any leading zeros: "gg-tc-011"), or in
    capitals with other separators between parts ("GG TC 11", "GG - TC - 11"). Not "rug en 2" or
    "zie p. 3", which are Dutch before they are RUG-EN-02 or P03."""
    between = _separators(text, parts)
    if not separators or between in separators:  # no code of this skeleton: no match
        return bool(separators)
    letters = [p.group(0) for p in parts if not p.group(0).isdigit()]
    return all(w.isupper() for w in letters) and all(len(s) <= MOST_SEPARATORS for s in between)


class ParticipantCodes:
    """A file's participant codes, each with its first part (its first letters or digits, as a
    skeleton writes them), worked out once, when a text first needs it, for all of the file's text
    columns."""

    def __init__(self, codes: pl.Series):
        self.codes = codes

    @functools.cached_property
    def by_first_part(self) -> pl.DataFrame:
        # as _SUBRUNS reads them: "ÖZ-12" begins with "öz" (in ASCII alone, "z", and it was never masked)
        first = pl.col("code").str.extract(r"^[\W_]*(\d+|[^\W\d_]+)", 1)
        first = pl.when(first.str.contains(r"^\d")).then(first.str.strip_chars_start("0").replace("", "0")) \
            .otherwise(first.str.to_lowercase())
        return self.codes.drop_nulls().to_frame("code").with_columns(first=first)


def mask_code_variants(texts: pl.Series, codes: ParticipantCodes) -> pl.Series:
    """The participant `codes` masked as "[naam]" where a text writes one otherwise (other case,
    separators or leading zeros: "GG TC 11", "gg-tc-011" for GG-TC-11; _written_as_code says
    which). Only texts with a digit are looked at (Polars picks them), each distinct text once, and
    only codes whose first part such a text holds."""
    strings = texts.cast(pl.String)
    distinct = strings.drop_nulls().unique()
    candidates = distinct.filter(distinct.str.contains(r"\d"))
    if candidates.is_empty():
        return texts
    words = {_skeleton([w]) for text in candidates.to_list() for w in _SUBRUNS.findall(text)}
    first = pl.col("first")
    plausible = codes.by_first_part.filter(first.is_in(list(words)))["code"]
    spellings = code_spellings(plausible.to_list())
    if not spellings:
        return texts
    lengths = sorted({k.count(SEPARATOR) + 1 for k in spellings}, reverse=True)
    changed = {}
    for text in candidates.to_list():
        spans = []
        for span in _CODE_SPAN.finditer(text):
            stretch = span.group(0)
            parts = list(_SUBRUNS.finditer(stretch))
            # where a code may start and end: not inside a word ("P3x" holds no P3)
            starts = {p.start() for p in parts if p.start() == 0 or not stretch[p.start() - 1].isalnum()}
            ends = {p.end() for p in parts if p.end() == len(stretch) or not stretch[p.end()].isalnum()}
            i = 0
            while i < len(parts):
                taken = next((n for n in lengths if i + n <= len(parts) and parts[i].start() in starts
                              and parts[i + n - 1].end() in ends
                              and _written_as_code(stretch, parts[i:i + n], spellings.get(
                                  _skeleton(p.group(0) for p in parts[i:i + n]), set()))), 0)
                if taken:
                    spans.append((span.start() + parts[i].start(), span.start() + parts[i + taken - 1].end()))
                i += taken or 1
        if spans:
            out, last = [], 0
            for start, end in spans:
                out += [text[last:start], NAME]
                last = end
            changed[text] = "".join(out) + text[last:]
    if not changed:
        return texts
    mapping = pl.DataFrame({"text": list(changed), "masked": list(changed.values())}, schema={"text": pl.String,
                                                                                           "masked": pl.String})
    return (strings.to_frame("text").join(mapping, on="text", how="left", maintain_order="left")
            .select(pl.coalesce("masked", "text")).to_series().alias(texts.name))
