"""Values kept on disk between runs, one JSON file each, written whole or not at all.

An entry's name is a digest of everything its value was derived from, so a stale entry is never
read: changed inputs give another name. Only what JSON gives back exactly is kept (a value that
does not come back as it went in is simply not cached), and a cache that cannot be read or
written is no cache, never an error. Entries unread for UNUSED_DAYS go when another is written.

An entry is read as trusted (a parsed codebook is not checked as YAML again; the masking's tables
decide what is masked), so a folder another user owns or can write is no cache either.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import tempfile
import time
from pathlib import Path
from typing import Any


def entry(folder: Path, *parts: bytes) -> Path:
    """The file of the value derived from `parts` (each part delimited, so ("ab", "c") != ("a", "bc"))."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)
    return folder / f"{digest.hexdigest()}.json"


# An entry no run has read for this long goes when a new one is written: each edited codebook and
# each upgrade of the parsing code leaves one behind, and a year's run reads the ones still in use.
UNUSED_DAYS = 400


def untrusted(path: Path) -> str | None:
    """Why another user could have written `path` (a folder or an entry), or None: it is the
    running user's and writable by no one else (a group counts when someone else is in it)."""
    try:
        st = path.stat()
    except OSError:
        return None  # not there (yet): what the run makes is its own
    if st.st_uid != os.getuid():
        return f"{path} belongs to another user (uid {st.st_uid})"
    if st.st_mode & 0o002:
        return f"{path} is writable by every user"
    if st.st_mode & 0o070 and _has_acl(path):
        return f"{path} has an access control list, which may let other users write it"
    if st.st_mode & 0o020:
        try:
            group = grp.getgrgid(st.st_gid)
        except KeyError:
            return f"{path} is writable by group {st.st_gid}, which this machine does not list"
        try:
            me = pwd.getpwuid(os.getuid()).pw_name
        except KeyError:  # a container's user without a name
            me = None
        # members listed in the group, and users whose own group it is (not listed in it)
        others = {m for m in group.gr_mem if m != me} | {u.pw_name for u in pwd.getpwall()
                                                           if u.pw_gid == st.st_gid and u.pw_uid != os.getuid()}
        if others:
            return f"{path} is writable by the group {group.gr_name}, of {', '.join(sorted(others)[:3])}"
    return None


def _has_acl(path: Path) -> bool:
    try:
        return "system.posix_acl_access" in os.listxattr(path)
    except OSError:  # no extended attributes here: no ACL either
        return False


def read(path: Path | None) -> Any | None:
    """The value kept in `path`, or None. Reading marks the entry as in use."""
    if path is None or untrusted(path.parent) or untrusted(path):
        return None
    try:
        value = json.loads(path.read_bytes())["value"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.utime(path)
    except OSError:
        pass
    return value


def _prune(folder: Path) -> None:
    """Remove the entries unread for UNUSED_DAYS, and what a killed writer left a day ago or more."""
    now = time.time()
    for pattern, days in (("*.json", UNUSED_DAYS), (".*.tmp", 1)):
        for old in folder.glob(pattern):
            try:
                if old.stat().st_mtime < now - days * 86_400:
                    old.unlink()
            except OSError:  # gone already (a run beside this one), or not ours to remove
                pass


def write(path: Path | None, value: Any) -> None:
    """Keep `value` in `path`, if JSON gives it back as it is."""
    if path is None or value is None or untrusted(path.parent):
        return
    try:
        text = json.dumps({"value": value}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return  # a date, a set, NaN: not what JSON holds
    if json.loads(text)["value"] != value:
        return  # e.g. a mapping with number keys, which JSON would give back as strings
    tmp = None
    try:
        for folder in reversed([path.parent, *path.parent.parents]):  # each one made is the user's alone
            if not folder.exists():
                folder.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)  # whole or not at all, also for a run beside this one
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return
    _prune(path.parent)
