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


def names_in(values) -> set[str]:
    """Names as an identifier column holds them, and their capitalised parts ("Sanne de Vries" ->
    "Sanne de Vries", "Sanne", "Vries"), so a first or last name said on its own is masked too."""
    out: set[str] = set()
    for value in values:
        if not value or "@" in value or any(ch.isdigit() for ch in value):
            continue
        out.add(value.strip())
        out.update(part for part in value.replace(",", " ").split() if len(part) >= 3 and part[0].isupper())
    return out
