"""Pseudonyms and masking: direct identifiers never reach the warehouse.

Participant codes, e-mail addresses and names are replaced by a keyed hash (HMAC-SHA256) whose
key comes from the environment, so the same person gets the same pseudonym in every wave and
file, and nobody without the key can recompute it from a guessed code.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl

KEY_VARIABLE = "MHM_PSEUDONYM_KEY"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Dutch numbers: 0 or +31/0031 then nine digits, in any grouping with spaces, dashes or brackets.
PHONE = re.compile(r"(?<![\w+])(?:\+31|0031|0)(?:[\s\-()]{0,3}\d){9}(?!\w)")


class Pseudonymiser:
    def __init__(self, key: str):
        if not key or not key.strip():
            raise ValueError(
                f"{KEY_VARIABLE} is not set: the pseudonymisation key must come from the environment "
                "(`make run` sets a documented sample key for the bundled synthetic data)"
            )
        self._key = key.encode("utf-8")

    def __call__(self, identifier: str | None) -> str | None:
        if identifier is None or not str(identifier).strip():
            return None
        normalised = " ".join(str(identifier).split()).casefold()
        return "p_" + hmac.new(self._key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:20]

    def series(self, values: pl.Series) -> pl.Series:
        uniques = values.unique().drop_nulls().to_list()
        mapping = {u: self(u) for u in uniques}
        return values.replace_strict(mapping, default=None, return_dtype=pl.String)


def _names_pattern(names) -> re.Pattern | None:
    """One pattern for all names, longest first, so "Sanne de Vries" goes before "Sanne"."""
    words = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def _mask(text: str | None, pattern: re.Pattern | None) -> str | None:
    if text is None:
        return None
    text = EMAIL.sub("[e-mail]", text)
    text = PHONE.sub("[telefoon]", text)
    return pattern.sub("[naam]", text) if pattern is not None else text


def mask_text(text: str | None, names: tuple[str, ...] = ()) -> str | None:
    """Mask e-mail addresses, phone numbers and the given names in free text."""
    return _mask(text, _names_pattern(names))


def mask_series(values: pl.Series, names: tuple[str, ...] = ()) -> pl.Series:
    pattern = _names_pattern(names)
    return values.map_elements(lambda t: _mask(t, pattern), return_dtype=pl.String)


NOT_NAMES = {"van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "la", "le", "du", "da", "di", "von",
             "zu", "el", "al", "bin", "gast", "guest", "extern", "external", "organizer", "organisator"}
NAME_PART = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def name_variants(speakers: list[str]) -> tuple[str, ...]:
    """What to mask for these speakers: each name as written, "Last, First" also as "First Last",
    and every part of two letters or more that is not a particle; longest first."""
    out: set[str] = set()
    for speaker in speakers:
        full = " ".join(str(speaker).split())
        if not full:
            continue
        out.add(full)
        if "," in full:
            last, _, first = full.partition(",")
            out.add(f"{first.strip()} {last.strip()}".strip())
        out.update(p for p in NAME_PART.findall(full) if len(p) >= 2 and p.casefold() not in NOT_NAMES)
    return tuple(sorted(out, key=lambda n: (-len(n), n)))
