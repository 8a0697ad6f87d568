"""Parsed codebook YAML kept on disk, by content, between runs.

A ten-year interview codebook holds hundreds of themes and documents per year: libyaml takes about
0.07 s a year's codebook, every run, for files that do not change once their year is over (the
same data as JSON loads some forty times faster). The cache is keyed by the SHA-256 of the bytes,
PyYAML's version and the parsing code, so an edited codebook is simply another entry; it holds only
what JSON gives back exactly (no dates, no keys other than strings: such a codebook is parsed each
time), and a cache that cannot be read or written is no cache, never an error
(assets/ingest/disk_cache.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assets.ingest import disk_cache


# What parsing accepts is decided in codebook.py (its loaders refuse a key given twice) and what is
# kept here: the bytes of both are part of the key, so no entry parsed under an earlier rule is
# found after an upgrade. A version number raised by hand was once forgotten, and a codebook with a
# key given twice loaded from the cache.
RULES = Path(__file__).with_name("codebook.py").read_bytes() + Path(__file__).read_bytes()


def cache_file(folder: Path, blob: bytes) -> Path:
    return disk_cache.entry(folder, yaml.__version__.encode(), RULES, blob)


def cached(folder: Path | None, blob: bytes) -> Any | None:
    """The parsed YAML of `blob` as kept in `folder`, or None."""
    return None if folder is None else disk_cache.read(cache_file(folder, blob))


def keep(folder: Path | None, blob: bytes, parsed: Any) -> None:
    """Keep `parsed` (the YAML of `blob`) in `folder`, if JSON gives it back as it is."""
    if folder is not None:
        disk_cache.write(cache_file(folder, blob), parsed)
