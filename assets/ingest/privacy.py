"""Masking what names a person in free text: direct identifiers never reach the warehouse.

Identifier columns become keyed pseudonyms (pseudonyms.py). In free text, what names a person is
masked: names and the file's participant codes here, as the export writes them; a code typed
otherwise ("gg tc 11") by code_variants.py; e-mail addresses, phone numbers, IBANs and BSNs by
contacts.py. mask_text and mask_series do all but the code variants.
"""

from __future__ import annotations

import array
import bisect
import functools
import itertools
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.ingest import contacts, disk_cache
from assets.ingest.contacts import PHONE_SEPARATORS, mask_contacts, mask_contacts_series, phone_for_polars
from assets.ingest.formats import _WHITESPACE  # what str.strip() strips


def _name_words(names) -> list[str]:
    """The names to mask as written (stripped, two characters or more), longest first (names of
    one length in no particular order: each masks the same characters as the other would)."""
    s = names if isinstance(names, pl.Series) else pl.Series(list(names), dtype=pl.String)
    s = s.cast(pl.String).drop_nulls().str.strip_chars(_WHITESPACE)
    s = s.filter(s.str.len_chars() >= 2).unique()
    return s.to_frame("w").sort(pl.col("w").str.len_chars(), descending=True)["w"].to_list()


def _names_pattern(names) -> re.Pattern | None:
    """One pattern for all names, longest first, so "Sanne de Vries" goes before "Sanne"."""
    words = _name_words(names)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def _mask(text: str | None, pattern: re.Pattern | None) -> str | None:
    if text is None:
        return None
    text = mask_contacts(text)
    return pattern.sub("[naam]", text) if pattern is not None else text


def mask_text(text: str | None, names: tuple[str, ...] = ()) -> str | None:
    """Mask e-mail addresses, phone numbers, IBANs, BSNs and the given names in free text."""
    return _mask(text, _names_pattern(names))


# How mask_series masks, by size: the regex per text up to PER_CELL_UP_TO texts x names (it costs
# ~1 microsecond a name and text, and compiling it ~60 microseconds a name); the exact path in
# Python up to EXACT_UP_TO texts (~0.1 ms a text, and ~0.7 s to index 200,000 names); above, the
# Aho-Corasick pass (~2 s of fixed cost for 200,000 names).
PER_CELL_UP_TO = 50_000
PER_CELL_NAMES = 2_000
EXACT_UP_TO = 2_000


def mask_series(values: pl.Series, names: tuple[str, ...] | pl.Series = ()) -> pl.Series:
    """mask_text for every cell of a column: the same output, cell for cell.

    The regex of _mask over ~200,000 names costs ~0.15 s a cell (Python's re tries every
    alternative at every position): days for a million cells. So each distinct text is masked
    once, and mostly in Polars: e-mail addresses, phone numbers, IBANs and BSNs only where their
    patterns occur; names by one Aho-Corasick pass over texts with their words marked, which makes the
    regex's own choice wherever no rare character or unusual name is involved; the rest (rare) by
    the regex's rules in Python."""
    strings = values.cast(pl.String)
    texts = strings.drop_nulls()
    distinct = texts.unique()
    words = _name_words(names)
    if distinct.len() * 2 > texts.len():
        # Mostly distinct texts: masking every one costs less than mapping the distinct back.
        masked = _mask_texts(texts, words)
        return strings.clone().scatter(strings.is_not_null().arg_true(), masked).alias(values.name)
    lookup = pl.DataFrame({"text": distinct, "masked": _mask_texts(distinct, words)})
    return (pl.DataFrame({"text": strings}).join(lookup, on="text", how="left", maintain_order="left")
            .get_column("masked").alias(values.name))


def _mask_texts(texts: pl.Series, words: list[str]) -> pl.Series:
    """_mask of each text (no nulls): contacts first, then names, as _mask does."""
    if len(words) <= PER_CELL_NAMES and texts.len() * max(len(words), 1) <= PER_CELL_UP_TO:
        pattern = _names_pattern(words)
        return pl.Series([_mask(t, pattern) for t in texts.to_list()], dtype=pl.String)
    texts = mask_contacts_series(texts, _phone_anywhere())
    if not words:
        return texts
    if texts.len() <= EXACT_UP_TO:
        texts = texts.to_list()
        names = _NameIndex.for_texts(words, texts)
        return pl.Series([names.mask(t) for t in texts], dtype=pl.String)
    return _mask_names(texts, words)


def _mask_names(texts: pl.Series, words: list[str]) -> pl.Series:
    """The names masked, by the Aho-Corasick pass where it is exact, else by the exact path."""
    patterns, unusual = _name_patterns(words)
    marked = _mark_words(texts)
    exact = texts.str.contains(_unicode().slow)
    if unusual:
        exact = exact | marked.str.to_lowercase().str.contains_any(unusual)
    out = texts.clone()
    if (~exact).any():
        fast = marked.filter(~exact)
        if patterns:
            fast = fast.str.replace_many(patterns, [NAME], ascii_case_insensitive=True, leftmost=True)
        out = out.scatter((~exact).arg_true(), fast.str.replace_all(MARK, "", literal=True))
    if exact.any():
        rare = texts.filter(exact).to_list()
        names = _NameIndex.for_texts(words, rare)
        out = out.scatter(exact.arg_true(), [names.mask(t) for t in rare])
    return out


def _phone_anywhere() -> str:
    """contacts.PHONE for Polars' regex, with Python's own \\w, \\d and \\s (contacts.phone_for_polars)."""
    return _unicode().phone


def _build_phone_anywhere() -> str:
    word, digit, space = _python_ranges(r"\w"), _python_ranges(r"\d"), _python_ranges(r"\s")
    return phone_for_polars(not_word_or_plus=_regex_class([*word, *_ranges_of("+")], negated=True),
                            digit=_regex_class(digit),
                            separator=_regex_class([*space, *_ranges_of(PHONE_SEPARATORS)]),
                            not_word=_regex_class(word, negated=True))


# --- names: one Aho-Corasick pass ----------------------------------------------------------------
#
# The regex masks a name only between non-word characters ((?<!\w) and (?!\w)), so "Ilse" stays
# in "Ilsemarie". Aho-Corasick matches plain strings, so both sides are marked: MARK at the start
# and end of the text and on both sides of every non-word character. A name that begins and ends
# with a word character then matches, marked, exactly where the regex matches it; and
# leftmost-first over names longest first is the regex's choice too: the leftmost position, there
# the longest name. A text that already holds MARK takes the exact path (it is in _Unicode.slow).

MARK = "\x01"
NAME = "[naam]"
MAX_VARIANTS = 16   # spellings of one name by the case of its non-ASCII letters


def _is_word(ch: str) -> bool:
    """Python's \\w on one character of a str pattern."""
    return ch.isalnum() or ch == "_"


def _marked(text: str) -> str:
    if text.isascii():
        return MARK + text.translate(_ASCII_MARKS) + MARK
    return MARK + "".join(c if _is_word(c) else MARK + c + MARK for c in text) + MARK


_ASCII_MARKS = {i: MARK + chr(i) + MARK for i in range(128) if not _is_word(chr(i))}


def _mark_words(texts: pl.Series) -> pl.Series:
    """_marked for a column: Aho-Corasick over the common non-word characters, a regex (with
    Python's \\w, not Rust's) for texts holding any other."""
    u = _unicode()
    common = texts.str.replace_many(u.markable, [MARK + c + MARK for c in u.markable])
    other = texts.str.contains(u.unmarkable)
    if other.any():
        rest = texts.filter(other).str.replace_all(u.non_word, MARK + "${0}" + MARK)
        common = common.scatter(other.arg_true(), rest)
    return MARK + common + MARK


def _name_patterns(words: list[str]) -> tuple[list[str], list[str]]:
    """(marked Aho-Corasick patterns of the names, longest name first; case keys of the marked
    names those patterns do not cover: texts in which one occurs take the exact path)."""
    key = _unicode().key
    patterns, unusual = [], []
    for w in words:
        if w.isascii() and _is_word(w[0]) and _is_word(w[-1]):
            patterns.append(_marked(w.lower()))   # the pass folds ASCII case itself
            continue
        spellings = _spellings(_marked(w)) if _is_word(w[0]) and _is_word(w[-1]) and MARK not in w else None
        if spellings is None:
            unusual.append(_marked(w).translate(key))
        else:
            patterns += spellings
    return list(dict.fromkeys(patterns)), list(dict.fromkeys(unusual))


def _spellings(marked: str) -> list[str] | None:
    """Every spelling of a marked name that re.IGNORECASE matches in a text without slow
    characters (ASCII letters in lowercase: the pass folds their case itself); None when there are
    more than MAX_VARIANTS. A name with a letter that only slow characters match has none."""
    options = [_char_spellings(c) for c in marked]
    count = 1
    for o in options:
        count *= len(o)
    if count > MAX_VARIANTS:
        return None
    return ["".join(chars) for chars in itertools.product(*options)]


@functools.cache
def _char_spellings(c: str) -> tuple[str, ...]:
    """The characters without slow ones that re.IGNORECASE matches to c (MARK: itself)."""
    if c == MARK:
        return (MARK,)
    u = _unicode()
    return tuple(sorted({m.lower() if m.isascii() else m for m in u.members.get(c, c) if m not in u.slow_chars}))


# --- names: the exact path ----------------------------------------------------------------------

class _NameIndex:
    """The regex's masking, by its rules, for any text: scanning left to right, at each position
    after a non-word character (or the start) the longest name that matches there and is followed
    by a non-word character (or the end); the scan goes on after it. A name can only match where
    the case keys are equal, so candidates are looked up by key and then checked one by one."""

    def __init__(self, words: list[str]):
        self.by_key: dict[str, list[str]] = {}
        for w in words:
            self.by_key.setdefault(_case_key(w), []).append(w)
        self.lengths = frozenset(len(k) for k in self.by_key)
        self.longest = max(self.lengths, default=0)
        self.first = frozenset(k[0] for k in self.by_key)

    @classmethod
    def for_texts(cls, words: list[str], texts: list[str]) -> _NameIndex:
        """The index of only those names whose case key is the case key of a stretch of one of
        these texts: the only ones it can find there (it looks each stretch up by its case key). A
        column of a few distinct answers against 100,000 participant codes then indexes a handful.
        With fewer names than characters in the texts, indexing them all costs less."""
        if not words or not texts:
            return cls([])
        if len(words) <= sum(map(len, texts)):
            return cls(words)
        names = pl.Series(words, dtype=pl.String)
        keys = names.str.to_lowercase()  # an ASCII name's case key
        other = ~names.str.contains(r"^[\x00-\x7F]*$")
        if other.any():
            keys = keys.scatter(other.arg_true(), [_case_key(w) for w in names.filter(other).to_list()])
        found = _stretches(texts, keys.str.len_chars().max())
        if found is None:  # long texts: every key that occurs anywhere in them, by one Aho-Corasick pass
            found = (pl.Series([_case_key(t) for t in texts], dtype=pl.String)
                     .str.extract_many(keys.unique().to_list(), overlapping=True).explode().drop_nulls().unique())
        return cls(names.filter(keys.is_in(pl.Series(found, dtype=pl.String))).to_list())

    def mask(self, text: str) -> str:
        if not self.by_key:
            return text
        key = _case_key(text)
        ends = [m.start() for m in _BEFORE_NON_WORD.finditer(text)]
        parts, done = [], 0
        for m in _AFTER_NON_WORD.finditer(text):
            p = m.start()
            if p < done or p == len(text) or key[p] not in self.first:
                continue
            q = self._longest_match(text, key, p, ends)
            if q is not None:
                parts += [text[done:p], NAME]
                done = q
        return "".join(parts) + text[done:]

    def _longest_match(self, text: str, key: str, p: int, ends: list[int]) -> int | None:
        """End of the longest name matching at p, if any."""
        for q in reversed(ends[bisect.bisect_right(ends, p):bisect.bisect_right(ends, p + self.longest)]):
            if q - p in self.lengths and any(_same_name(text[p:q], w) for w in self.by_key.get(key[p:q], ())):
                return q
        return None


# Where the regex's (?<!\w) and (?!\w) hold: every position a name may start, and end.
_AFTER_NON_WORD = re.compile(r"(?<!\w)")
_BEFORE_NON_WORD = re.compile(r"(?!\w)")
STRETCHES_UP_TO = 200_000


def _stretches(texts: list[str], longest: int) -> list[str] | None:
    """The case keys of every stretch of these texts where _NameIndex looks a name up (from a
    position a name may start to one it may end, at most `longest` long); None if there are more
    than STRETCHES_UP_TO."""
    out: list[str] = []
    for text in texts:
        key = _case_key(text)
        ends = [m.start() for m in _BEFORE_NON_WORD.finditer(text)]
        for m in _AFTER_NON_WORD.finditer(text):
            p = m.start()
            first, last = bisect.bisect_right(ends, p), bisect.bisect_right(ends, p + longest)
            if len(out) + last - first > STRETCHES_UP_TO:
                return None
            out += [key[p:q] for q in ends[first:last]]
    return out


def _case_key(text: str) -> str:
    """text, each character replaced by its case key (for ASCII: its lowercase)."""
    return text.lower() if text.isascii() else text.translate(_unicode().key)


def _same_name(segment: str, word: str) -> bool:
    """Whether re.IGNORECASE lets this name match exactly this segment."""
    if segment.isascii() and word.isascii():
        return segment.lower() == word.lower()
    return re.fullmatch(re.escape(word), segment, re.IGNORECASE) is not None


# --- what Unicode case folding means to Python's re and to Polars --------------------------------

@dataclass(frozen=True)
class _Unicode:
    key: dict[int, str]         # str.translate table: each character to one representative of the
    #                             characters re.IGNORECASE connects it to (its case key)
    members: dict[str, str]     # cased character -> all characters of its class
    slow_chars: frozenset[str]  # characters the Aho-Corasick pass is not exact for
    slow: str                   # ... as a class of Polars' regex
    markable: list[str]         # common non-word characters, marked by Aho-Corasick
    unmarkable: str             # class: the non-word characters that are not
    non_word: str               # class: every non-word character (Python's \W)
    phone: str                  # PHONE for Polars' regex (_phone_anywhere)

    def to_json(self) -> dict:
        return {"key": {str(point): c for point, c in self.key.items()}, "members": self.members,
                "slow_chars": sorted(self.slow_chars), "slow": self.slow, "markable": self.markable,
                "unmarkable": self.unmarkable, "non_word": self.non_word, "phone": self.phone}

    @classmethod
    def from_json(cls, kept: dict) -> _Unicode:
        return cls(**{**kept, "key": {int(point): c for point, c in kept["key"].items()},
                      "slow_chars": frozenset(kept["slow_chars"])})


@functools.cache
def _all_characters() -> str:
    """Every code point a Polars string can hold (no surrogates), in order."""
    points = array.array("I", itertools.chain(range(0xD800), range(0xE000, 0x110000)))
    return points.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")


@functools.cache
def _python_ranges(pattern: str) -> tuple[tuple[int, int], ...]:
    """The code point ranges this one-character Python pattern matches (their \\w and \\d differ
    from those of Polars' regex)."""
    ranges = []
    for m in re.finditer(pattern + "+", _all_characters()):
        first, last = _code_point(m.start()), _code_point(m.end() - 1)
        if first < 0xD800 < last:   # a run across the surrogates is two runs
            ranges += [(first, 0xD7FF), (0xE000, last)]
        else:
            ranges.append((first, last))
    return tuple(ranges)


def _code_point(index: int) -> int:
    """The code point at this index of _all_characters()."""
    return index if index < 0xD800 else index + 0x800


def _ranges_of(chars: Iterable[str]) -> list[tuple[int, int]]:
    ranges: list[list[int]] = []
    for p in sorted(set(map(ord, chars))):
        if ranges and ranges[-1][1] == p - 1:
            ranges[-1][1] = p
        else:
            ranges.append([p, p])
    return [(a, b) for a, b in ranges]


def _regex_class(ranges: Iterable[tuple[int, int]], negated: bool = False) -> str:
    """Rust regex syntax for a class of inclusive code point ranges."""
    inner = "".join(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges)
    return ("[^" if negated else "[") + inner + "]"


def _cased(chars: str) -> set[str]:
    """Characters that have a case mapping, and the characters they map to: the only ones that
    re.IGNORECASE can match to a character other than themselves."""
    out: set[str] = set()
    for i in range(0, len(chars), 256):
        chunk = chars[i:i + 256]
        # A block whose mappings leave it unchanged holds no cased character: most of Unicode.
        if chunk.lower() == chunk and chunk.upper() == chunk and chunk.casefold() == chunk:
            continue
        for c in chunk:
            mapped = c.lower() + c.upper() + c.casefold()
            if mapped != c * 3:
                out.add(c)
                out.update(mapped)
    return out


def _ignorecase_classes(cased: set[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(what each cased character matches under re.IGNORECASE, asked of re itself;
    the class those matches connect it to, per character)."""
    universe = "".join(sorted(cased))
    matches = {c: set(re.findall(re.escape(c), universe, re.IGNORECASE)) | {c} for c in universe}
    parent = {c: c for c in universe}

    def root(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for c, targets in matches.items():
        for t in targets:
            parent[root(t)] = root(c)
    classes: dict[str, set[str]] = {}
    for c in universe:
        classes.setdefault(root(c), set()).add(c)
    return matches, {c: classes[root(c)] for c in universe}


def _polars_lowercase(chars: str) -> dict[str, list[str]]:
    """Polars' lowercase of each character that it changes, alone and between letters (final
    sigma depends on context), as [alone, 'a'+c+'a', 'a'+c, c+'a']."""
    chunks = pl.Series([chars[i:i + 256] for i in range(0, len(chars), 256)])
    changed = chunks.filter(chunks.str.to_lowercase() != chunks).to_list()
    single = pl.Series([c for chunk in changed for c in chunk], dtype=pl.String)
    single = single.filter(single.str.to_lowercase() != single)
    contexts = pl.DataFrame({"c": single}).select(
        pl.col("c").str.to_lowercase(), ("a" + pl.col("c") + "a").str.to_lowercase().alias("m"),
        ("a" + pl.col("c")).str.to_lowercase().alias("e"), (pl.col("c") + "a").str.to_lowercase().alias("s"))
    return {c: list(row) for c, row in zip(single.to_list(), contexts.iter_rows())}


# Blocks whose non-word characters are common in free text (Latin punctuation, general
# punctuation, currency, symbols, arrows, CJK punctuation, variation selectors, emoji).
MARKABLE_BLOCKS = [(0x0000, 0x02FF), (0x2000, 0x2BFF), (0x3000, 0x303F), (0xFE00, 0xFE0F), (0x1F000, 0x1FAFF)]


_TABLES_LOCK = threading.Lock()
_tables: _Unicode | None = None


def prepare_tables(folder: Path | None) -> None:
    """Have the Unicode tables ready for masking: read from `folder` where an earlier process kept
    them (a millisecond), else built (~0.25 s of one core, which each ingest asset's first file
    would wait for) and kept there. Cheap once they are ready."""
    _unicode(folder)


def _unicode(folder: Path | None = None) -> _Unicode:
    global _tables
    if _tables is not None:  # asked for every rare text: no lock once they are there
        return _tables
    # Two files parsed side by side wait for one build instead of each making it.
    with _TABLES_LOCK:
        if _tables is None:
            path = None if folder is None else disk_cache.entry(folder, *_tables_inputs())
            kept = disk_cache.read(path)
            try:
                _tables = _Unicode.from_json(kept) if isinstance(kept, dict) else None
            except (AttributeError, KeyError, TypeError, ValueError):
                _tables = None  # an entry of another shape: built anew and written over
            if _tables is None:
                _tables = _build_unicode()
                disk_cache.write(path, _tables.to_json())
        return _tables


def _tables_inputs() -> tuple[bytes, ...]:
    """What the tables are derived from: Python's Unicode and re, Polars' lowercase, this code and
    the phone pattern's."""
    return (sys.version.encode(), unicodedata.unidata_version.encode(), pl.__version__.encode(),
            Path(__file__).read_bytes(), Path(contacts.__file__).read_bytes())


def _build_unicode() -> _Unicode:
    """The tables, from every code point (~0.25 s). A character's case key is one representative of its
    class: the characters re.IGNORECASE connects it to. It is 'slow' (texts holding it take the
    exact path) unless matching within its class is all-to-all, the class is all word or all
    non-word characters, it is not a non-ASCII kin of an ASCII letter (the pass folds ASCII case
    only), and Polars' to_lowercase gives its key in every context. Rare: the dotless and dotted
    i, long s, Kelvin sign, final sigma, characters newer than this Python's Unicode, MARK."""
    everything = _all_characters()
    matches, classes = _ignorecase_classes(_cased(everything))
    lowered = _polars_lowercase(everything)
    key: dict[int, str] = {}
    slow = {MARK}
    for c, members in classes.items():
        votes = [lowered.get(m, [m])[0] for m in members]
        rep = max(sorted(v for v in set(votes) if v in members), key=votes.count, default=min(members))
        if rep != c:
            key[ord(c)] = rep
        complete = all(members <= matches[m] for m in members)
        one_kind = len({_is_word(m) for m in members}) == 1
        ascii_kin = not c.isascii() and any(m.isascii() for m in members)
        if not (complete and one_kind) or ascii_kin:
            slow.add(c)
    for c, lower in lowered.items():
        k = key.get(ord(c), c)
        if lower != [k, "a" + k + "a", "a" + k, k + "a"]:
            slow.add(c)
    slow.update(c for c in classes if c not in lowered and key.get(ord(c), c) != c)
    word = _python_ranges(r"\w")
    markable = [chr(p) for a, b in MARKABLE_BLOCKS for p in range(a, b + 1)
                if not _is_word(chr(p)) and chr(p) != MARK]
    return _Unicode(
        key=key, members={c: "".join(sorted(m)) for c, m in classes.items()},
        slow_chars=frozenset(slow), slow=_regex_class(_ranges_of(slow)), markable=markable,
        unmarkable=_regex_class(sorted([*word, *_ranges_of(markable)]), negated=True),
        non_word=_regex_class(word, negated=True), phone=_build_phone_anywhere())


NOT_NAMES = {"van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "la", "le", "du", "da", "di", "von",
             "zu", "el", "al", "bin", "gast", "guest", "extern", "external", "organizer", "organisator"}
# Words a half of a double name ("Anne-Wil", "de Boer-Groot") or a name without its accents ("Thé")
# may be, which free text uses every day: such a half or spelling is not masked alone (the whole
# name and its other parts are).
COMMON_WORDS = {"wil", "groot", "klein", "jong", "oud", "lang", "kort", "hoog", "laag", "goed", "vos", "the", "to"}
NAME_PART = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def name_variants(speakers: list[str]) -> tuple[str, ...]:
    """What to mask for these speakers: each name as written, "Last, First" also as "First Last",
    and every part of two letters or more that is not a particle, each half of a double name
    ("Jansen-Bakker": "Jansen", "Bakker") too, and each part with the possessive s ("Karins");
    each of these also as typed without its accents
    ("Ayse" for "Ayşe") and in both Unicode forms of an accented letter (composed, as most
    keyboards type it, and decomposed, as macOS names files); longest first."""
    out: set[str] = set()
    for speaker in speakers:
        full = " ".join(str(speaker).split())
        if not full:
            continue
        out.add(full)
        if "," in full:
            last, _, first = full.partition(",")
            out.add(f"{first.strip()} {last.strip()}".strip())
        for part in NAME_PART.findall(full):
            halves = [h for h in part.split("-") if h != part and h.casefold() not in COMMON_WORDS]
            parts = [p for p in (part, *halves) if len(p) >= 2 and p.casefold() not in NOT_NAMES]
            # the Dutch possessive ("Karins team", "Joosts idee") is a word of its own; with an
            # apostrophe ("Anna's") the name before it is masked already. Not of short names: "Bo"
            # and "Job" would mask "bos" and "jobs"
            out.update(parts, (f"{p}s" for p in parts if len(p) >= 4 and p[-1] not in "sSxXzZ"
                               and f"{p}s".casefold() not in NOT_NAMES | COMMON_WORDS))
    # a spelling without accents is no particle or everyday word either ("Vân" is not "van", "Tô" not "to")
    out |= {variant for name in out for variant in _spelled_otherwise(name)
            if variant.casefold() not in NOT_NAMES | COMMON_WORDS}
    return tuple(sorted(out, key=lambda n: (-len(n), n)))


def _spelled_otherwise(name: str) -> set[str]:
    if name.isascii():
        return set()
    decomposed = unicodedata.normalize("NFD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return {unicodedata.normalize("NFC", name), decomposed, plain} - {name}
