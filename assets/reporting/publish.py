"""Files written atomically: a reader (browser, web server, sync client) never sees half a file.

Not fsync'ed: every file written here is derived from the warehouse and rewritten by rerunning the
partition, and a year at 200 organisations writes thousands of reports, where an fsync each took
longer than building them. The rename keeps readers from ever seeing half a file."""

import os
import tempfile
from pathlib import Path


def make_folders(folder: Path) -> None:
    """Make `folder` and its missing parents 0755 whatever the umask (UMask=0027 keeps the warehouse
    from other users): a web server then reads the 0644 reports as any user, and the 0640 ones not,
    without being put in the service's group (which would give it the warehouse too)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(exist_ok=True)
        os.chmod(made, 0o755)


def write_atomic(path: Path, data: bytes | str, public: bool = True) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename; readable by
    everyone (0644) when `public`, else by the owner and its group alone (0640: the researcher
    edition, with quotes and every small group, and the validation pages, with quarantined values)."""
    path = Path(path)
    make_folders(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # Same folder: os.replace is only atomic within one file system.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        # mkstemp creates 0600; published reports are meant to be readable like any other file.
        os.chmod(tmp, 0o644 if public else 0o640)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
