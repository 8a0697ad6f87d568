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


def mask_text(text: str | None, names: tuple[str, ...] = ()) -> str | None:
    """Mask e-mail addresses, phone numbers and the given names in free text."""
    if text is None:
        return None
    text = EMAIL.sub("[e-mail]", text)
    text = PHONE.sub("[telefoon]", text)
    for name in names:
        if len(name) >= 2:
            text = re.sub(rf"\b{re.escape(name)}\b", "[naam]", text, flags=re.IGNORECASE)
    return text


def mask_series(values: pl.Series, names: tuple[str, ...] = ()) -> pl.Series:
    return values.map_elements(lambda t: mask_text(t, names), return_dtype=pl.String)
