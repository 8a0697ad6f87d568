"""Keyed pseudonyms: participant codes, e-mail addresses and names become HMAC-SHA256 of a key
from the environment, so the same person gets the same pseudonym in every wave and file, and
nobody without the key can recompute it from a guessed code."""

import functools
import hashlib
import hmac

import polars as pl

KEY_VARIABLE = "MHM_PSEUDONYM_KEY"
# The key `make run` and `make ui` set when none is given: published in the README, so pseudonyms
# made with it can be recomputed by anyone. SourceData refuses it for any data but the bundled sample.
PUBLIC_SAMPLE_KEY = "sample-key-not-for-real-data"
STRONG_KEY_BYTES = 32  # secrets.token_urlsafe(32), which the README gives, makes 43

# A code whose normalised form (whitespace collapsed, casefolded) is its ASCII lowercase.
PLAIN_CODE = r"^[!-~]+$"


@functools.lru_cache(maxsize=4)
def _key_id(key: bytes) -> str:
    # scrypt, as for passwords, so that the id is no cheap way to try guessed keys: about 50 ms,
    # once per process (each ingest asset makes a Pseudonymiser of its own)
    return hashlib.scrypt(key, salt=b"mhm pseudonym key id", n=2**14, r=8, p=1, dklen=8).hex()


class Pseudonymiser:
    def __init__(self, key: str):
        if not key or not key.strip():
            raise ValueError(
                f"{KEY_VARIABLE} is not set: the pseudonymisation key must come from the environment "
                "(`make run` sets a documented sample key for the bundled synthetic data)"
            )
        self._key = key.encode("utf-8")
        # HMAC (RFC 2104) spelled out: sha256((K ^ opad) + sha256((K ^ ipad) + message)), K the key
        # (hashed if longer than a block) padded to a block. Two plain hashes cost half of what
        # hmac.digest costs a call.
        block = self._key if len(self._key) <= 64 else hashlib.sha256(self._key).digest()
        block = block.ljust(64, b"\0")
        self._pads = (bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block))

    @property
    def short_key(self) -> bool:
        """Whether the key is shorter than STRONG_KEY_BYTES (the public sample key aside): participant
        codes follow a pattern (gg-tc-01), so a short key is found by trying keys against the
        pseudonyms, and with it every pseudonym is a name again."""
        return len(self._key) < STRONG_KEY_BYTES and self._key != PUBLIC_SAMPLE_KEY.encode("utf-8")

    @property
    def key_id(self) -> str:
        """Names the key without giving it away: a file keyed with another key has other pseudonyms
        for the same people, so it is loaded again."""
        return _key_id(self._key)

    def __call__(self, identifier: str | None) -> str | None:
        if identifier is None or not str(identifier).strip():
            return None
        normalised = " ".join(str(identifier).split()).casefold()
        return "p_" + hmac.new(self._key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:20]

    def series(self, values: pl.Series) -> pl.Series:
        """self(v) for every value, each distinct value hashed once."""
        uniques = values.drop_nulls().unique()
        if uniques.dtype != pl.String:
            mapping = {u: self(u) for u in uniques.to_list()}
            return values.replace_strict(mapping, default=None, return_dtype=pl.String)
        return values.replace_strict(uniques, self.pseudonyms(uniques), default=None, return_dtype=pl.String)

    def pseudonyms(self, codes: pl.Series) -> pl.Series:
        """self(c) of each code of a text column, in bulk: a code of printable ASCII without spaces
        (nearly all) normalises to its lowercase, in Polars, and is hashed in a tight loop; any
        other takes __call__ itself."""
        plain = codes.str.contains(PLAIN_CODE).fill_null(False)
        out = pl.Series(codes.name, [None] * codes.len(), dtype=pl.String)
        if plain.any():
            sha256, inner, outer = hashlib.sha256, *self._pads
            messages = codes.filter(plain).str.to_lowercase().cast(pl.Binary).to_list()
            hashed = pl.Series([sha256(outer + sha256(inner + m).digest()).digest()[:10] for m in messages],
                               dtype=pl.Binary)
            out = out.scatter(plain.arg_true(), "p_" + hashed.bin.encode("hex"))
        if not plain.all():
            out = out.scatter((~plain).arg_true(), [self(c) for c in codes.filter(~plain).to_list()])
        return out
