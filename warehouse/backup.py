"""Backups of the warehouse as Parquet, and their restore: what to keep for a decade.

A backup is DuckDB's `EXPORT DATABASE`: the schemas as SQL and one Parquet file per table, which
any later DuckDB (or Polars, Spark, R) reads, where a copy of the .duckdb file is read only by
DuckDB versions that know its storage format. Beside them, MANIFEST.json gives each table's rows
and each file's SHA-256, so a restore can tell a complete backup from a damaged one (not from one
altered along with its manifest: keep backups where only the service can write).

A backup is written into a hidden folder and renamed when complete: a folder named
`monitor-<UTC time>` is whole. Restoring imports into a new file, compares every table's rows with
the manifest, and only then puts the file in place.

    python -m warehouse.backup export --to /mnt/backup/monitor [--keep 12 --keep-years 5]
    python -m warehouse.backup verify /mnt/backup/monitor/monitor-20270201T061500Z
    python -m warehouse.backup restore /mnt/backup/monitor/monitor-20270201T061500Z --to warehouse/restored.duckdb
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

MANIFEST = "MANIFEST.json"
PREFIX = "monitor-"
NAME = re.compile(r"monitor-\d{8}T\d{6}Z")
PARTIAL = ".partial-"
FORMAT = 1


class BackupError(Exception):
    """A backup that cannot be made or restored as asked, saying which file and why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def table_rows(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """{"schema.table": rows} of every table of the warehouse (not DuckDB's own)."""
    tables = conn.sql("SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal "
                      "AND database_name = current_database() ORDER BY ALL").fetchall()
    return {f"{s}.{t}": conn.sql(f'SELECT count(*) FROM "{s}"."{t}"').fetchall()[0][0] for s, t in tables}


def _sql_text(path: Path) -> str:
    """A path as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        # some network and FUSE file systems refuse to sync a folder: what is written stays written
        if not (path.is_dir() and exc.errno in (errno.EINVAL, errno.ENOTSUP, errno.ENOSYS, errno.EBADF)):
            raise
    finally:
        os.close(fd)


def export(conn: duckdb.DuckDBPyConnection, root: Path, now: datetime | None = None) -> Path:
    """Write the warehouse `conn` is connected to into a new folder under `root`; its path."""
    now = now or datetime.now(timezone.utc)
    rows = table_rows(conn)
    if not rows:
        raise BackupError("the warehouse holds no table: nothing to back up (is MHM_WAREHOUSE the right file?)")
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = PREFIX + now.strftime("%Y%m%dT%H%M%SZ")
    final, partial = root / name, root / (PARTIAL + name)
    if final.exists():
        raise BackupError(f"{final} exists already: one backup a second")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)  # health data, pseudonymised: the service user's only, also while written
    try:
        conn.execute(f"EXPORT DATABASE {_sql_text(partial)} (FORMAT parquet, COMPRESSION zstd)")
        files = {}
        for path in sorted(partial.iterdir()):
            os.chmod(path, 0o600)
            files[path.name] = _sha256(path)
            _fsync(path)
        manifest = {"format": FORMAT, "made_at": now.isoformat(), "duckdb": duckdb.__version__,
                    "tables": rows, "files": files}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.chmod(partial / MANIFEST, 0o600)
        _fsync(partial / MANIFEST)
        _fsync(partial)
        os.rename(partial, final)  # a power cut leaves a whole backup or a hidden part, never half of one named
    except BaseException:
        # a full disk, or the run cancelled: what was written goes, or each try would fill the disk further
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _fsync(root)
    return final


def backups(root: Path) -> list[Path]:
    """The complete backups under `root` (named as export names them, with a manifest), oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if NAME.fullmatch(p.name) and (p / MANIFEST).is_file())


def prune(root: Path, keep: int, keep_years: int = 0) -> list[Path]:
    """Remove all but the newest `keep` backups and the newest of each of the last `keep_years`
    years that have backups (by the UTC date in their names), and what a backup killed a day ago
    or more left; the removed folders.
    The yearly ones outlast a run of bad runs: twelve successful runs on wrong exports would
    otherwise leave no backup from before them."""
    if keep < 1:
        raise BackupError(f"keep {keep}: at least the newest backup is kept")
    made = backups(root)
    kept = set(made[-keep:])
    newest_of_year = {p.name[len(PREFIX):len(PREFIX) + 4]: p for p in made}  # oldest first: the last wins
    kept |= {newest_of_year[y] for y in sorted(newest_of_year)[-keep_years:]} if keep_years > 0 else set()
    removed = [p for p in made if p not in kept]
    removed += [p for p in root.glob(PARTIAL + "*") if p.stat().st_mtime < time.time() - 86_400]
    for path in removed:
        shutil.rmtree(path)
    return removed


def verify(backup: Path) -> dict:
    """The backup's manifest, once every file it lists is there with its SHA-256 and no other file
    is; else BackupError naming the file."""
    try:
        manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{backup}: no {MANIFEST}, so not a complete backup of this tool") from None
    except ValueError as exc:
        raise BackupError(f"{backup / MANIFEST}: not readable as JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{backup / MANIFEST}: format {manifest.get('format')!r}, this version reads {FORMAT}")
    present = {p.name for p in backup.iterdir()} - {MANIFEST}
    for name in sorted(set(manifest["files"]) - present):
        raise BackupError(f"{backup / name}: listed in the manifest but missing")
    for name in sorted(present - set(manifest["files"])):
        raise BackupError(f"{backup / name}: not in the manifest (added after the backup was made?)")
    for name, digest in sorted(manifest["files"].items()):
        if _sha256(backup / name) != digest:
            raise BackupError(f"{backup / name}: its SHA-256 differs from the manifest's (damaged or altered)")
    return manifest


def restore(backup: Path, target: Path) -> dict[str, int]:
    """Import the verified `backup` into a new DuckDB file `target` (which must not exist); every
    table's rows are compared with the manifest before the file is put in place. The rows."""
    manifest = verify(backup)
    if target.exists():
        raise BackupError(f"{target} exists: restore into a new file, then move it into place")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.restoring-"))  # 0700
    try:
        # Imported from a copy of the files just verified, which nobody else can change meanwhile;
        # the backup's SQL runs as it is, so it may read (and write) that copy and nothing else.
        files = work / "backup"
        shutil.copytree(backup, files)
        for path in [files, *files.rglob("*")]:  # a read-only backup gives a read-only copy: ours to remove
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
        if verify(files) != manifest:
            raise BackupError(f"{backup}: changed while it was being restored")
        with duckdb.connect(str(work / target.name)) as conn:
            conn.execute("SET allowed_directories = [?]", [str(files)])
            conn.execute("SET enable_external_access = false")
            conn.execute(f"IMPORT DATABASE {_sql_text(files)}")
            rows = table_rows(conn)
        if rows != manifest["tables"]:
            differ = sorted(t for t in set(rows) | set(manifest["tables"])
                            if rows.get(t) != manifest["tables"].get(t))
            raise BackupError(f"{backup}: the restored tables differ from the manifest's rows: {', '.join(differ)}")
        os.chmod(work / target.name, 0o600)
        os.rename(work / target.name, target)
    except duckdb.Error as exc:
        raise BackupError(f"{backup}: cannot be restored ({exc.__class__.__name__}: "
                          f"{str(exc).splitlines()[0][:300]})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.backup", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("export", help="back the warehouse up into a new folder")
    made.add_argument("--warehouse", type=Path,
                      default=Path(os.environ.get("MHM_WAREHOUSE", "warehouse/monitor.duckdb")))
    made.add_argument("--to", type=Path, required=True, help="the folder that holds the backups")
    made.add_argument("--keep", type=int, help="then remove all but this many newest backups")
    made.add_argument("--keep-years", type=int, default=0,
                      help="and keep the newest backup of each of the last this many years that have backups")
    back = commands.add_parser("restore", help="restore a backup into a new DuckDB file")
    back.add_argument("backup", type=Path)
    back.add_argument("--to", type=Path, required=True, help="the new DuckDB file")
    check = commands.add_parser("verify", help="check a backup's files against its manifest (e.g. an off-site copy)")
    check.add_argument("backup", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            if not args.warehouse.exists():
                raise BackupError(f"{args.warehouse}: no such warehouse")
            try:
                conn = duckdb.connect(str(args.warehouse), read_only=True)
            except duckdb.IOException as exc:  # a run holds the file
                raise BackupError(f"{args.warehouse}: cannot be opened while a run writes it; try again after the "
                                  f"run ({str(exc).splitlines()[0]})") from None
            with conn:
                path = export(conn, args.to)
            print(f"backed up {args.warehouse} to {path}")
            for old in prune(args.to, args.keep, args.keep_years) if args.keep else []:
                print(f"removed {old}")
        elif args.command == "verify":
            manifest = verify(args.backup)
            print(f"{args.backup}: {len(manifest['files'])} files as the manifest lists them, "
                  f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values()):,} rows")
        else:
            rows = restore(args.backup, args.to)
            print(f"restored {len(rows)} tables, {sum(rows.values()):,} rows, into {args.to}")
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
