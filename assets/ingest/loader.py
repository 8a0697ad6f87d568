"""Write one export file into a raw table: in one transaction, idempotent, per-file replace.

Re-ingesting a file whose bytes and codebook are unchanged is a no-op; a changed file replaces
exactly its own rows; a failure part-way rolls back, so readers never see half a file.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from assets.ingest.codebook import Codebook, SourceFile
from assets.ingest.errors import InputError
from assets.partitions import year_filter
from warehouse.schema import ensure_schema, table


@dataclass
class LoadOutcome:
    source_file: str
    status: str  # loaded | unchanged
    n_rows: int
    n_quarantined: int
    copy_of: str | None = None  # another year's file of the same bytes: "<path> (<year>)"


# Raised whenever loading the same bytes would store something different (1: answer columns masked;
# 2: names' halves and unaccented spellings, codes typed otherwise, foreign phone numbers, every
# speaker of a segment masked; 3: a code said after other words on a line masked, a date with a
# time no longer taken for a phone number; 4: phone numbers grouped by dots or slashes, e-mail
# addresses written out, IBANs and BSNs masked, date ranges kept; 5: Qualtrics previews, tests,
# spam and a second, unfinished response, and transcript cues whose timing cannot be used,
# quarantined; 6: a name with the possessive s, "Karins", masked; 7: a transcript cue in which
# several speakers talk split into a row per voice), so the next run of a year loads its files
# once more instead of keeping what an older version stored. A file whose row has no version was
# loaded before versions were kept.
INGEST_VERSION = 7


def file_sha256(source: SourceFile) -> str:
    """Of the file's bytes. An export read with a companion (LimeSurvey's R syntax file): of the two
    files' digests, so that a changed syntax file loads the export again."""
    if source.companion is None:
        return _sha256(source.path)
    return hashlib.sha256(f"{_sha256(source.path)} {_sha256(source.companion)}".encode()).hexdigest()


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_unchanged(conn, source: SourceFile, sha256: str, codebook: Codebook, key_id: str | None) -> bool:
    ensure_schema(conn, "raw.source_files")
    hit = conn.execute(
        "SELECT 1 FROM raw.source_files WHERE source_file = ? AND sha256 = ? AND codebook_sha256 = ? "
        "AND ingest_version = ? AND pseudonym_key_id IS NOT DISTINCT FROM ?",
        [source.relative, sha256, codebook.sha256, INGEST_VERSION, key_id],
    ).fetchall()
    return bool(hit)


@contextmanager
def transaction(conn) -> Iterator[None]:
    """The block's writes as one transaction: committed when it ends, rolled back when it raises
    (a run's termination too: KeyboardInterrupt is a BaseException), so nothing is half-written."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def insert_frame(conn, qualified: str, frame: pl.DataFrame, constants: dict | None = None) -> None:
    """Append a frame to a documented table, columns in the contract's order; `constants` gives
    columns that hold one value in every row (DuckDB inserts a constant without copying it per row)."""
    constants = constants or {}
    cols = table(qualified).column_names
    view = f"_insert_{qualified.replace('.', '_')}"
    conn.register(view, frame.select([c for c in cols if c not in constants]).to_arrow())
    try:
        quoted = ", ".join(f'"{c}"' for c in cols)
        values = ", ".join("?" if c in constants else f'"{c}"' for c in cols)
        conn.execute(f"INSERT INTO {qualified} ({quoted}) SELECT {values} FROM {view}",
                     [constants[c] for c in cols if c in constants])
    finally:
        conn.unregister(view)


def replace_file_rows(
    conn,
    target: str,
    source: SourceFile,
    codebook: Codebook,
    sha256: str,
    rows: pl.DataFrame,
    n_rows: int,
    quarantine: pl.DataFrame,
    ignored_columns: list[str],
    key_id: str | None = None,
) -> LoadOutcome:
    """Replace the rows of one file in `target` (and its ingest quarantine) atomically."""
    ensure_schema(conn, "raw.source_files", "raw.quarantine", target)
    with transaction(conn):
        conn.execute(f"DELETE FROM {target} WHERE source_file = ?", [source.relative])
        conn.execute("DELETE FROM raw.quarantine WHERE source_file = ? AND stage = 'ingest'", [source.relative])
        conn.execute("DELETE FROM raw.source_files WHERE source_file = ?", [source.relative])
        # Every row of a file names it: one constant, not a column of copies.
        insert_frame(conn, target, rows, {"source_file": source.relative})
        if quarantine.height:
            insert_frame(conn, "raw.quarantine", quarantine)
        registry = pl.DataFrame({
            "source_file": [source.relative], "programme": [codebook.programme],
            "instrument": [codebook.instrument], "year": [codebook.year], "format": [source.format],
            "codebook": [codebook.relative], "sha256": [sha256], "codebook_sha256": [codebook.sha256],
            "size_bytes": [source.path.stat().st_size], "n_rows": [n_rows],
            "ignored_columns": [sorted(ignored_columns)],
            "loaded_at": [datetime.now(timezone.utc).replace(tzinfo=None)], "ingest_version": [INGEST_VERSION],
            "pseudonym_key_id": [key_id],
        }, schema_overrides={"year": pl.Int32, "n_rows": pl.Int32, "size_bytes": pl.Int64,
                             "ignored_columns": pl.List(pl.String), "ingest_version": pl.Int32,
                             "pseudonym_key_id": pl.String})
        insert_frame(conn, "raw.source_files", registry)
    return LoadOutcome(source.relative, "loaded", n_rows, quarantine.height)


# Two files parse at once while a third is written, as long as the two are small: at this size a
# parse holds several times its file's bytes in Polars frames (ten million responses make files
# of 130 to 240 MB, which then parse one at a time).
PARSERS = 2
PARALLEL_PARSE_BYTES = 96 * 1024 * 1024


def load_files(conn, target: str, files: list[tuple[Codebook, SourceFile]], parse,
               key_id: str | None = None) -> Iterator[LoadOutcome]:
    """Load each (codebook, source) unless its bytes, codebook and pseudonym key (`key_id`) are
    unchanged since the last load; `parse(codebook, source)` returns (rows, quarantine, rows read,
    ignored columns) and runs only when needed.

    While one file is written, the next ones are parsed on other threads: Polars' and fastexcel's
    reading and DuckDB's writing let go of the GIL, so on two cores one file's pseudonyms and
    masking (Python) run beside the others' reading and inserts instead of after them. Two files
    of one codebook (a year's T0 and T1 exports) are not parsed side by side where another
    codebook's file can go between them (`interleaved`), so the second finds the first's
    pseudonyms. A failing file stops the files after it."""
    known, twins = same_bytes(files)
    loading = sorted({codebook.year for codebook, _ in files})

    def start() -> _Pending:
        codebook, source = queue.popleft()
        sha = known.get(source.relative) or file_sha256(source)
        unchanged = is_unchanged(conn, source, sha, codebook, key_id)  # makes raw.source_files where missing
        # another year's file of this load (a backfill of both) is not in the warehouse yet
        twin = twins.get(source.relative) or copy_of_another_year(conn, sha, codebook, loading)
        if unchanged:
            return _Pending(codebook, source, sha, None, twin)
        return _Pending(codebook, source, sha, parser.submit(parse, codebook, source), twin)

    def room_beside(current: _Pending) -> bool:
        """Whether the next file may parse now, beside the files parsed and not yet written."""
        return bool(queue) and len(ahead) < PARSERS and \
            sum(p.bytes_held for p in (current, *ahead)) + queue[0][1].path.stat().st_size <= PARALLEL_PARSE_BYTES

    queue = deque(interleaved(files))
    ahead: deque[_Pending] = deque()
    with ThreadPoolExecutor(max_workers=PARSERS, thread_name_prefix="parse") as parser:
        try:
            while queue or ahead:
                current = ahead.popleft() if ahead else start()
                while room_beside(current):
                    ahead.append(start())
                if current.parsed is None:
                    yield LoadOutcome(current.source.relative, "unchanged", 0, 0, current.copy_of)
                    continue
                rows, quarantine, n_rows, ignored = current.parsed.result()
                if queue and not ahead:  # the next file parses while this one is written
                    ahead.append(start())
                outcome = replace_file_rows(conn, target, current.source, current.codebook, current.sha256,
                                            rows, n_rows, quarantine, ignored, key_id)
                yield replace(outcome, copy_of=current.copy_of)
        finally:
            parser.shutdown(cancel_futures=True)  # a failed file: what was queued after it is not parsed


def same_bytes(files: list[tuple[Codebook, SourceFile]]) -> tuple[dict[str, str], dict[str, str]]:
    """Stop, naming both, where two files of one year are the same bytes (a copy saved under a
    second name, or the T1 export saved over the T0 one): loaded twice, every answer in it counted
    twice or as two waves of no change. Files of two years with the same bytes are not stopped
    (see copy_of_another_year), but named. Hashes only files whose size another file shares;
    returns those digests, {relative path: SHA-256}, and the other year's file of each such file,
    {relative path: "<path> (<year>)"}."""
    by_size: dict[int, list[tuple[Codebook, SourceFile]]] = {}
    digests, first, twins = {}, {}, {}
    try:
        for codebook, source in files:  # a LimeSurvey R export with its syntax file: compared as its digest pair
            by_size.setdefault(source.path.stat().st_size, []).append((codebook, source))
        for group in (g for g in by_size.values() if len(g) > 1):
            alike: dict[str, list[tuple[str, int]]] = {}
            for codebook, source in group:
                digests[source.relative] = sha = file_sha256(source)
                if (other := first.setdefault((codebook.year, sha), source.relative)) != source.relative:
                    raise InputError(source.relative, f"the same bytes as {other}, which is loaded too: the same "
                                     "export listed twice (a copy under another name, or one wave's export saved "
                                     "over the other's); take one out or export the other again")
                alike.setdefault(sha, []).append((source.relative, codebook.year))
            for members in alike.values():
                for relative, year in members:
                    if twin := next((f"{r} ({y})" for r, y in members if y != year), None):
                        twins[relative] = twin
    except OSError as error:  # taken away or locked since the codebooks named it
        raise InputError(Path(error.filename or "?").name, f"cannot be read ({error.strerror})") from None
    return digests, twins


@dataclass
class _Pending:
    """A file load_files has started: its parse (None: unchanged, nothing to parse)."""
    codebook: Codebook
    source: SourceFile
    sha256: str
    parsed: Future | None
    copy_of: str | None = None

    @property
    def bytes_held(self) -> int:
        return 0 if self.parsed is None else self.source.path.stat().st_size


def interleaved(files: list[tuple[Codebook, SourceFile]]) -> list[tuple[Codebook, SourceFile]]:
    """The files of each two consecutive codebooks alternately: [a1, a2, b1, b2] -> [a1, b1, a2, b2]."""
    by_codebook: dict[int, list] = {}
    for codebook, source in files:
        by_codebook.setdefault(id(codebook), []).append((codebook, source))
    groups = list(by_codebook.values())
    out = []
    for first, second in zip(groups[::2], groups[1::2] + [[]]):
        for i in range(max(len(first), len(second))):
            out += first[i:i + 1] + second[i:i + 1]
    return out


def copy_of_another_year(conn, sha256: str, codebook: Codebook, loading: list[int]) -> str | None:
    """Another year's file of these bytes the warehouse holds, as "<path> (<year>)", or None. A year's
    folder copied as another's template, exports and all, gives that year the other's answers: the
    ingest names both files. Which of the two is the copy it cannot tell (the newer year's folder is
    not always the copy: an older year may be backfilled from a newer one), so the warning names the
    pair, from either side. Not refused: tests and demonstrations declare one export as two years.
    The years `loading` are left out: the warehouse holds their last load, which this one replaces
    (a copy since replaced by that year's own export is no copy any more); same_bytes compares
    their files as they are now."""
    hit = conn.execute(f"SELECT source_file, year FROM raw.source_files WHERE sha256 = ? AND instrument = ? "
                       f"AND year <> ? AND NOT ({year_filter(loading)}) ORDER BY year LIMIT 1",
                       [sha256, codebook.instrument, codebook.year]).fetchall()
    return f"{hit[0][0]} ({hit[0][1]})" if hit else None


def loaded_files(conn, instrument: str, years: list[int]) -> list[str]:
    """The files of these years the warehouse holds rows of, for this instrument."""
    ensure_schema(conn, "raw.source_files")
    return [r[0] for r in conn.execute(
        f"SELECT source_file FROM raw.source_files WHERE instrument = ? AND {year_filter(years)} ORDER BY 1",
        [instrument]).fetchall()]


def drop_vanished_files(conn, target: str, instrument: str, current: set[str], years: list[int]) -> list[str]:
    """Remove rows of these years' files this instrument no longer lists (a file taken out of the inbox)."""
    ensure_schema(conn, "raw.source_files", "raw.quarantine", target)
    gone = sorted(set(loaded_files(conn, instrument, years)) - current)
    if gone:
        with transaction(conn):
            for sf in gone:
                conn.execute(f"DELETE FROM {target} WHERE source_file = ?", [sf])
                conn.execute("DELETE FROM raw.quarantine WHERE source_file = ?", [sf])
                conn.execute("DELETE FROM raw.source_files WHERE source_file = ?", [sf])
    return gone


def quarantine_frame(instrument: str, stage: str, records: list[dict]) -> pl.DataFrame:
    schema = {"source_file": pl.String, "row_number": pl.Int32, "column_name": pl.String,
              "cell_value": pl.String, "reason": pl.String}
    frame = pl.DataFrame(records, schema=schema) if records else pl.DataFrame(schema=schema)
    return frame.with_columns(stage=pl.lit(stage), instrument=pl.lit(instrument))
