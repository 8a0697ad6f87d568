"""Parsed codebook YAML kept on disk, by content, between runs.

A ten-year interview codebook holds hundreds of themes and documents per year: libyaml takes about
0.07 s a year's codebook, every run, for files that do not change once their year is over (the
same data as JSON loads some forty times faster). The cache is keyed by the SHA-256 of the bytes
and PyYAML's version, so an edited codebook is simply another entry; it holds only what JSON gives
back exactly (no dates, no keys other than strings: such a codebook is parsed each time), and a
cache that cannot be read or written is no cache, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml


def cache_file(folder: Path, blob: bytes) -> Path:
    digest = hashlib.sha256(yaml.__version__.encode() + b"\0" + blob).hexdigest()
    return folder / f"{digest}.json"


def cached(folder: Path | None, blob: bytes) -> Any | None:
    """The parsed YAML of `blob` as kept in `folder`, or None."""
    if folder is None:
        return None
    try:
        return json.loads(cache_file(folder, blob).read_bytes())["yaml"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def keep(folder: Path | None, blob: bytes, parsed: Any) -> None:
    """Keep `parsed` (the YAML of `blob`) in `folder`, if JSON gives it back as it is."""
    if folder is None or parsed is None:
        return
    try:
        text = json.dumps({"yaml": parsed}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return  # a date, a set, NaN: not what JSON holds
    if json.loads(text)["yaml"] != parsed:
        return  # e.g. a mapping with number keys, which JSON would give back as strings
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, cache_file(folder, blob))  # whole or not at all, also for a run beside this one
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
