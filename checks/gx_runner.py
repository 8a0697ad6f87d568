"""Run a declared suite with Great Expectations (GX Core 1.x, as a library) on a warehouse table.

GX 1.x cannot validate DuckDB through its SQL datasource (duckdb-engine fails every metric), and at
scale a batch (one year, or one source file for raw tables) does not fit in memory as a pandas
frame. So GX validates, on pandas, compressed batches that DuckDB computes, and reports what it
would report on the whole batch (success, unexpected count, the first five bad values):

- A single-column expectation (not null, null, in set, between, regex), also under a pandas
  `row_condition`, depends only on the distinct values of its column and of the columns its
  condition names. GX validates `SELECT those columns, count(*) AS _n ... GROUP BY ALL`, one frame
  per set of columns; the unexpected count is the sum of `_n` over the rows GX finds unexpected
  (result_format COMPLETE's `unexpected_index_list`).
- ExpectCompoundColumnsToBeUnique: GX counts every row of a duplicated key as unexpected. DuckDB
  counts the rows of the keys that occur more than once, and GX validates the first rows of the
  first five duplicated keys (at most 25 rows), which gives its sample of bad values. Only rows
  whose key hash another row shares are grouped by their values: usually none (the hashes of
  millions of raw cells sort in numpy in a fraction of DuckDB's grouping of their keys).

All batches of a run are validated at once. A frame holds each combination of values once,
whatever batches it occurs in (a pseudonym in the T0 and T1 files, a row number in every file), so
GX runs once per set of columns on as few rows as there are distinct values. Each unexpected row
belongs to one batch: one more query splits the unexpected combinations by batch (usually there are
none), which gives per batch the count, the sample and the success (no unexpected row: these are
per-row expectations without `mostly`). An expectation only some batches declare (a year's
codebook) runs once on the frame, its unexpected rows counted for those batches only. Should GX
raise on the frame of all batches, each batch is validated alone, as before. The uniqueness frame
has the batch as one more key.

The whole batch as GX sees it is the table's rows in their order (rowid). A sample lists a batch's
first five unexpected rows in that order: they are among the first five rows of each unexpected
combination in that batch, which the splitting query returns.
Memory is bounded by the number of distinct values (DuckDB's aggregates spill), not rows.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Collection
from functools import cache
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from assets.ingest.codebook import Codebook
from assets.partitions import year_filter
from assets.reporting.markdown import md_text
from assets.reporting.publish import write_atomic
from checks.suites import Expectation, Suite, codebook_expectations

SAMPLE = 5  # bad values listed per expectation, as GX's partial_unexpected_list
SINGLE_COLUMN = frozenset({"ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeNull",
                           "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween",
                           "ExpectColumnValuesToMatchRegex"})
COMPOUND_UNIQUE = "ExpectCompoundColumnsToBeUnique"
HASHES_PER_PASS = 8_000_000  # 64 MB: the uniqueness pre-check's memory, whatever the table's size


_context_made = threading.Lock()


# Imported on the caller's thread before GX's: modules that change what code on other threads does
# while they are half imported. sqlalchemy.orm registers how sqlalchemy inspects any object, and the
# run's thread uses sqlalchemy (Dagster's event log) meanwhile: with GX importing it, about one run
# in fifty failed in Dagster's own code ("partially initialized module 'sqlalchemy.orm.exc'").
IMPORTED_FIRST = ("sqlalchemy.orm",)


def warm_up() -> None:
    """Import GX and make its context on a background thread, to be ready by the first check."""
    for module in IMPORTED_FIRST:
        importlib.import_module(module)  # some 0.05 s
    threading.Thread(target=_context, name="gx-import", daemon=True).start()


def _context():
    with _context_made:  # a check that comes before warm_up's thread is done waits for it
        return _make_context()


@cache
def _make_context():
    import great_expectations as gx  # imported when first needed or warmed up: it takes seconds
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch it loads (twice per validation) by hashing all its rows,
    # for a marker in the result's metadata that nothing here reads: on a frame of half a million
    # pseudonyms that was three quarters of GX's time. Frames at least this large go unfingerprinted.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (context.data_sources.add_pandas("warehouse")
                        .add_dataframe_asset("table").add_batch_definition_whole_dataframe("year"))
    return gx, context, batch_definition


def _gx_validate(frame, expectations: list[Expectation], result_format: dict) -> list:
    """GX's result of each expectation on a frame, in declaration order."""
    gx, context, batch_definition = _context()
    suite = gx.ExpectationSuite(name="suite")
    for i, e in enumerate(expectations):
        # GX reports results in its own order: the index in meta ties each back to its declaration.
        suite.add_expectation(getattr(gx.expectations, e.type)(**e.kwargs, meta={"index": i}))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format=result_format)
    by_index = {int(r.expectation_config.meta["index"]): r for r in result.results}
    return [by_index[i] for i in range(len(expectations))]


COMPLETE = {"result_format": "COMPLETE", "return_unexpected_index_query": False}


def _gx_unexpected(frame, expectations: list[Expectation]) -> list:
    """GX's result of each expectation on a frame, with the positions of its unexpected rows.

    GX decides pass or fail first with BOOLEAN_ONLY, a third of COMPLETE's time (COMPLETE adds the
    metrics of the unexpected values, their positions and counts), and validates with COMPLETE
    again only what did not pass or raised. A passing expectation without `mostly` has no
    unexpected row, so its COMPLETE result lists none; nearly every expectation passes."""
    results = _gx_validate(frame, expectations, {"result_format": "BOOLEAN_ONLY"})
    again = [i for i, r in enumerate(results) if not r.success or _raised(r)]
    if again:
        for i, r in zip(again, _gx_validate(frame, [expectations[i] for i in again], COMPLETE)):
            results[i] = r
    return results


HIDDEN_VALUES = "(values not shown: they may identify someone; query the table)"


def _row(e: Expectation, success: bool, error: str | None, unexpected_count: int, sample: list) -> dict:
    if e.hides_values and sample:
        sample, error = [], error or HIDDEN_VALUES
    return {"expectation": e.describes, "type": e.type, "success": bool(success),
            "unexpected_count": int(unexpected_count), "sample": [str(x) for x in sample][:SAMPLE],
            "error": error if not success else None}


def _exception_message(info: dict | None) -> str | None:
    """GX's exception message: at the top of exception_info, or (a metric failed) under the metric's id."""
    info = info or {}
    if "exception_message" in info:
        return info["exception_message"]
    return next((v.get("exception_message") for v in info.values() if isinstance(v, dict)), None)


def validate_frame(frame, expectations: list[Expectation]) -> list[dict]:
    """Validate a whole pandas frame; one result dict per expectation (what run_suite reproduces)."""
    results = _gx_validate(frame, expectations, {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE})
    return [_row(e, r.success, _exception_message(r.exception_info), r.result.get("unexpected_count") or 0,
                 r.result.get("partial_unexpected_list") or [])
            for e, r in zip(expectations, results)]


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


Where = Callable[[str], str]  # table alias -> the rows' filter on it
Batch = Callable[[str], str]  # table alias -> the batch value of its row (SQL)


def validate_batch(conn, table: str, where: Where, params: list, expectations: list[Expectation],
                   columns: tuple[str, ...]) -> list[dict]:
    """Validate one batch of `table` (rows where `where`) on compressed frames; one dict per expectation.

    Only `columns` are read, as the whole-frame path would have them.
    """
    [rows] = validate_batches(conn, table, where, params, None, [None], [expectations], columns)
    return rows


def validate_batches(conn, table: str, scope: Where, params: list, batch_by: str | None, batches: list,
                     expectations: list[list[Expectation]], columns: tuple[str, ...]) -> list[list[dict]]:
    """Validate every batch of `table` (its rows where `scope`) at once; per batch one dict per expectation.

    A batch is the rows whose column `batch_by` holds one of `batches` (in ORDER BY order, NULL last;
    without `batch_by`, all rows in scope are one batch), checked with `expectations[b]`. Each frame
    GX validates holds the distinct values of every batch with the batch as one more column, so GX
    runs once per set of columns, not once per batch; each batch's count and sample are what GX
    reports on that batch alone. An expectation several batches share runs once: a per-row
    expectation's result on a row does not depend on the other rows.
    """
    batch: Batch = (lambda a: f"{a}.{_q(batch_by)}") if batch_by else (lambda a: "NULL")
    single = len(batches) == 1  # GX's frames hold that batch alone: its results are the batch's
    position_of = {value: b for b, value in enumerate(batches)} if batch_by else {None: 0}
    # Each distinct expectation once, with the batches that declare it.
    applies: dict[str, tuple[Expectation, list[int]]] = {}
    for b, declared in enumerate(expectations):
        for e in declared:
            entry = applies.setdefault(repr(e), (e, []))[1]
            if not entry or entry[-1] != b:
                entry.append(b)
    out: dict[tuple[str, int], dict] = {}
    by_columns: dict[tuple[str, ...], list[str]] = {}
    for key, (e, bs) in applies.items():
        if (problem := _unsupported(e)) is not None:
            out.update({(key, b): {"expectation": e.describes, "type": e.type, "success": False,
                                   "unexpected_count": 0, "sample": [], "error": problem} for b in bs})
        elif e.type == COMPOUND_UNIQUE:
            found = _validate_unique(conn, table, scope, params, batch, single, e, bs, position_of, columns)
            out.update({(key, b): r for b, r in found.items()})
        else:
            by_columns.setdefault(_columns_needed(e, columns), []).append(key)
    for needed, keys in by_columns.items():
        found = _validate_compressed(conn, table, scope, params, batch, single, position_of, needed,
                                     [applies[k] for k in keys])
        out.update({(k, b): r for k, rows in zip(keys, found) for b, r in rows.items()})
    # A result GX could not compute on all batches at once (an error that may depend on the values):
    # each batch alone, as GX on that batch would report it.
    for (key, b), r in list(out.items()):
        if r.pop("_alone", False):
            alone = _alone(scope, params, batch_by, batches[b])
            out[key, b] = validate_batch(conn, table, *alone, [applies[key][0]], columns)[0]
    return [[out[repr(e), b] for e in declared] for b, declared in enumerate(expectations)]


def _alone(scope: Where, params: list, batch_by: str, value) -> tuple[Where, list]:
    """The filter and parameters of one batch."""
    if value is None:
        return (lambda a: f"({scope(a)}) AND {a}.{_q(batch_by)} IS NULL"), params
    return (lambda a: f"({scope(a)}) AND {a}.{_q(batch_by)} = ${len(params) + 1}"), [*params, value]


def _unsupported(e: Expectation) -> str | None:
    if "mostly" in e.kwargs:
        return "mostly is not supported on compressed batches"
    if e.type in SINGLE_COLUMN or (e.type == COMPOUND_UNIQUE and "row_condition" not in e.kwargs):
        return None
    condition = " with a row_condition" if e.type == COMPOUND_UNIQUE else ""
    return f"{e.type}{condition} cannot be validated on a compressed batch"


def _columns_needed(e: Expectation, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The expectation's column and every column its row_condition names, in the suite's order.

    A column named only inside a string literal is included too: harmless, it only groups finer.
    """
    condition = e.kwargs.get("row_condition") or ""
    return tuple(c for c in columns if c == e.kwargs["column"]
                 or re.search(rf"(?<![\w.]){re.escape(c)}(?!\w)", condition))


def _raised(r) -> bool:
    """Whether GX raised an exception computing the expectation (at the top, or under a metric's id)."""
    info = r.exception_info or {}
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _missing(value) -> bool:
    return value is not None and bool(np.ndim(value) == 0 and pd.isna(value))


def _validate_compressed(conn, table: str, scope: Where, params: list, batch: Batch, single: bool,
                         position_of: dict, needed: tuple[str, ...],
                         items: list[tuple[Expectation, list[int]]]) -> list[dict[int, dict]]:
    """Single-column expectations that need the same columns, on one frame of their distinct values.

    The frame holds each combination of values once, whatever batches it occurs in (a pseudonym in
    the T0 and T1 files, a row number in every file): GX decides per combination, and DuckDB splits
    the unexpected ones by batch (_by_batch). For each expectation (with the batches it applies
    to), its result dict per batch.
    """
    select = "".join(f"{_q(c)}, " for c in needed)
    # HAVING: without columns to group by, no row (not one of count 0) when nothing is in scope.
    frame = conn.sql(f"SELECT {select}count(*) AS _n, min(t.rowid) AS _first FROM {table} AS t "
                     f"WHERE {scope('t')} GROUP BY ALL HAVING count(*) > 0", params=params).df()
    expectations = [e for e, _ in items]
    results = _gx_unexpected(frame, expectations)
    # The frame has the default index: GX's index labels are positions.
    unexpected = [np.asarray(r.result.get("unexpected_index_list") or [], dtype=np.int64) for r in results]
    split = _by_batch(conn, table, scope, params, batch, position_of, needed, frame["_first"].to_numpy(),
                      np.unique(np.concatenate([np.zeros(0, np.int64), *unexpected])))
    all_missing: dict[str, set[int]] = {}  # per string column, the batches where it is always missing
    out = []
    for j, ((e, bs), r) in enumerate(zip(items, results)):
        column, raised = e.kwargs["column"], _raised(r)
        counts, samples = split.of(unexpected[j], bs)
        by_batch = {}
        for b in bs:
            if single or not raised:
                sample = list(frame[column].iloc[samples[b]]) if column in frame.columns else []
                if (not single and any(_missing(v) for v in sample)
                        and isinstance(frame[column].dtype, pd.StringDtype)):
                    if column not in all_missing:
                        all_missing[column] = _always_missing(conn, table, scope, params, batch, position_of, column)
                    if b in all_missing[column]:
                        sample = [None if _missing(v) else v for v in sample]
                success = bool(r.success) if single else counts[b] == 0
                by_batch[b] = _row(e, success, _exception_message(r.exception_info), counts[b], sample)
            elif column not in frame.columns:  # GX reports the column missing, whatever the batch
                by_batch[b] = _row(e, False, _exception_message(r.exception_info), counts[b], [])
            else:
                by_batch[b] = {"_alone": True}
        out.append(by_batch)
    return out


def _always_missing(conn, table: str, scope: Where, params: list, batch: Batch, position_of: dict,
                    column: str) -> set[int]:
    """The batches in which `column` is NULL on every row.

    DuckDB gives a VARCHAR column pandas' string dtype (missing: NaN), but object (missing: None)
    when all its values are NULL, as they may be in one batch and not in others: GX's sample of
    that batch alone lists None.
    """
    found = conn.sql(f"SELECT {batch('t')} FROM {table} AS t WHERE {scope('t')} GROUP BY ALL "
                     f"HAVING count(t.{_q(column)}) = 0", params=params).fetchall()
    return {position_of[value] for (value,) in found}


class _Split:
    """The unexpected groups of a frame split by batch: per (group, batch) its rows and first rows."""

    def __init__(self, group: np.ndarray, b: np.ndarray, n: np.ndarray, rows: list[list[int]], size: int):
        first = np.array([r[0] for r in rows], dtype=np.int64)
        # In batch order, then table order of each entry's first row: a batch's first SAMPLE
        # unexpected rows all belong to its first SAMPLE unexpected entries.
        order = np.lexsort((first, b))
        self.group, self.b, self.n = group[order], b[order], n[order]
        self.rows = [rows[i] for i in order.tolist()]
        self.size = size

    def of(self, unexpected: np.ndarray, batches: list[int]) -> tuple[dict[int, int], dict[int, list[int]]]:
        """Per batch, the rows in the frame's `unexpected` groups: their count, and the frame
        positions of the first SAMPLE of them in table order."""
        bad = np.zeros(self.size, dtype=bool)
        bad[unexpected] = True
        keep = bad[self.group]
        group, b, n = self.group[keep], self.b[keep], self.n[keep]
        rows = [r for r, k in zip(self.rows, keep.tolist()) if k]
        counts, samples = {}, {}
        for batch in batches:
            lo, hi = np.searchsorted(b, batch), np.searchsorted(b, batch, side="right")
            counts[batch] = int(n[lo:hi].sum())
            head = sorted((row, int(group[i])) for i in range(lo, min(hi, lo + SAMPLE)) for row in rows[i])
            samples[batch] = [p for _, p in head[:SAMPLE]]
        return counts, samples


def _by_batch(conn, table: str, scope: Where, params: list, batch: Batch, position_of: dict,
              needed: tuple[str, ...], first: np.ndarray, groups: np.ndarray) -> _Split:
    """Where the rows of some groups of a frame are: per group and batch, their count and first rowids.

    A group is named by its position in the frame, whose `first` rowid has its values. Usually no
    group is unexpected and DuckDB is not asked.
    """
    found: list = []
    if len(groups):
        on = " AND ".join([f"r.{_q(c)} IS NOT DISTINCT FROM g.{_q(c)}" for c in needed] or ["true"])
        cols = "".join(f", t.{_q(c)}" for c in needed)
        found = conn.sql(
            f"WITH g AS (SELECT t.rowid AS _g{cols} FROM {table} AS t "
            f"WHERE t.rowid IN (SELECT unnest(${len(params) + 1}::BIGINT[]))) "
            f"SELECT g._g, {batch('r')} AS _batch, count(*) AS _n, min(r.rowid, {SAMPLE}) AS _rows "
            f"FROM {table} AS r JOIN g ON {on} WHERE {scope('r')} GROUP BY ALL",
            params=[*params, first[groups].tolist()]).fetchall()
    position_in_frame = {int(f): p for p, f in zip(groups.tolist(), first[groups].tolist())}
    return _Split(np.array([position_in_frame[g] for g, _, _, _ in found], dtype=np.int64),
                  np.array([position_of[value] for _, value, _, _ in found], dtype=np.int64),
                  np.array([n for _, _, n, _ in found], dtype=np.int64),
                  [sorted(rows) for _, _, _, rows in found], len(first))


def _validate_unique(conn, table: str, scope: Where, params: list, batch: Batch, single: bool, e: Expectation,
                     batches: list[int], position_of: dict, columns: tuple[str, ...]) -> dict[int, dict]:
    """Compound uniqueness per batch: DuckDB counts the rows of duplicated keys, GX validates the first of them.

    GX validates one frame: each batch's first rows of its first duplicated keys, the batch one more key.
    """
    keys = list(e.kwargs["column_list"])
    if not set(keys) <= set(columns):  # as on the whole frame of the suite's columns: GX reports a key missing
        head = conn.sql(f"SELECT {', '.join(_q(c) for c in columns)} FROM {table} AS t WHERE {scope('t')} LIMIT 1",
                        params=params).df()
        [r] = _gx_validate(head, [e], {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE})
        return {b: _row(e, bool(r.success), _exception_message(r.exception_info), 0, []) for b in batches}
    # GX leaves out rows whose key values are all missing (or any, or none, as ignore_row_if says).
    ignore = e.kwargs.get("ignore_row_if", "all_values_are_missing")
    joiner = {"all_values_are_missing": " OR ", "any_value_is_missing": " AND "}.get(ignore)
    kept = f"({joiner.join(f't.{_q(c)} IS NOT NULL' for c in keys)})" if joiner else "true"
    select = ", ".join(f"t.{_q(c)}" for c in keys)
    select_r = ", ".join(f"r.{_q(c)}" for c in keys)
    shared = _shared_hashes(conn, table, scope, params, batch, kept, select)
    if not len(shared):
        # The frame the query below gives then: no rows, the same columns and types.
        frame = conn.sql(f"SELECT {batch('t')} AS _batch, {select}, NULL::HUGEINT AS _duplicated "
                         f"FROM {table} AS t LIMIT 0").df()
    else:
        # Only rows whose key hash is shared can have a duplicated key: grouping by the values
        # (which tells collisions apart) needs no other row.
        candidate = {a: f"hash({batch(a)}, {', '.join(f'{a}.{_q(c)}' for c in keys)}) IN "
                        f"(SELECT unnest(${len(params) + 1}::UBIGINT[]))" for a in ("t", "r")}
        on = " AND ".join([f"{batch('r')} IS NOT DISTINCT FROM d._batch",
                           *(f"r.{_q(c)} IS NOT DISTINCT FROM d.{_q(c)}" for c in keys)])
        frame = conn.sql(
            f"WITH d AS MATERIALIZED (SELECT {batch('t')} AS _batch, {select}, count(*) AS _n, "
            f"min(t.rowid) AS _first FROM {table} AS t WHERE {scope('t')} AND {kept} AND {candidate['t']} "
            f"GROUP BY ALL HAVING count(*) > 1), "
            f"head AS (SELECT * FROM d QUALIFY row_number() OVER (PARTITION BY _batch ORDER BY _first) <= {SAMPLE}), "
            f"total AS (SELECT _batch, sum(_n) AS _duplicated FROM d GROUP BY ALL) "
            # Each head key's first SAMPLE rows, in table order: the first SAMPLE unexpected rows are among them.
            f"SELECT d._batch, {select_r}, total._duplicated FROM {table} AS r JOIN head AS d ON {on} "
            f"JOIN total ON total._batch IS NOT DISTINCT FROM d._batch "
            f"WHERE {scope('r')} AND {candidate['r']} "
            f"QUALIFY row_number() OVER (PARTITION BY d._first ORDER BY r.rowid) <= {SAMPLE} "
            f"ORDER BY r.rowid", params=[*params, shared.tolist()]).df()
    b_of = np.array([position_of[None if pd.isna(v) else v] for v in frame["_batch"]], dtype=np.int64)
    duplicated = dict(zip(b_of.tolist(), frame["_duplicated"].tolist()))
    # The batch as one more key (first, so that it is dropped from the values GX lists in front).
    small = frame[keys].assign(_b=b_of)[["_b", *keys]]
    with_batch = Expectation(e.type, {**e.kwargs, "column_list": ["_b", *keys]}, e.describes)
    [r] = _gx_unexpected(small, [with_batch])
    listed: dict[int, list] = {b: [] for b in batches}
    for p, value in sorted(zip(r.result.get("unexpected_index_list") or [], r.result.get("unexpected_list") or [])):
        b = int(b_of[p])
        if b in listed and len(listed[b]) < SAMPLE:
            listed[b].append({k: v for k, v in value.items() if k != "_b"})
    # A missing text value reads None in a frame where the column has no value, else NaN; the small
    # frame holds a few rows of the batch: what the batch alone holds decides.
    types = conn.sql(f"SELECT {select} FROM {table} AS t LIMIT 0").types
    text = {k for k, t in zip(keys, types) if str(t) == "VARCHAR"}
    always_missing = {k: _always_missing(conn, table, scope, params, batch, position_of, k)
                      for k in sorted(text) if any(pd.isna(v[k]) for found in listed.values() for v in found)}
    out = {}
    for b in batches:
        if _raised(r) and not single:
            out[b] = {"_alone": True}
            continue
        sample = [{k: v if k not in always_missing or not pd.isna(v) else None if b in always_missing[k]
                   else float("nan") for k, v in value.items()} for value in listed[b]]
        count = 0 if _raised(r) else int(duplicated.get(b, 0))  # GX counts nothing when it raises
        out[b] = _row(e, bool(r.success) if single else count == 0, _exception_message(r.exception_info),
                      count, sample)
    return out


def _shared_hashes(conn, table: str, scope: Where, params: list, batch: Batch, kept: str, select: str) -> np.ndarray:
    """The 64-bit hashes of the batch and key that more than one row in scope has.

    Equal keys hash alike: a key that occurs twice in a batch has one of these hashes, and none
    means no duplicate at all. Sorting the hashes in numpy takes a fraction of DuckDB's grouping
    of millions of keys (raw cells); a pass holds at most HASHES_PER_PASS of them, the passes
    taking the hashes by their remainder.
    """
    [(rows,)] = conn.sql(f"SELECT count(*) FROM {table}").fetchall()
    passes = max(1, -(-rows // HASHES_PER_PASS))
    hashed = f"SELECT hash({batch('t')}, {select}) AS h FROM {table} AS t WHERE {scope('t')} AND {kept}"
    shared = [np.zeros(0, dtype=np.uint64)]
    for i in range(passes):
        part = hashed if passes == 1 else f"SELECT h FROM ({hashed}) WHERE h % {passes} = {i}"
        h = np.sort(conn.sql(part, params=params).fetchnumpy()["h"])
        shared.append(np.unique(h[1:][h[1:] == h[:-1]]))
    return np.concatenate(shared)


def run_suite(conn, suite: Suite, codebooks: list[Codebook], page: Path | None = None,
              years: list[int] | None = None, rows_expected: bool | Collection[int] = True,
              year_pages: Callable[[int], Path] | None = None) -> AssetCheckResult:
    """Validate a table batch by batch (year or source file); optionally write an HTML page of it.

    With `years`, only the batches of those years: a yearly partition validates its own year.
    No batch at all fails, unless `rows_expected` is False (no exports of those years to load);
    given as the years whose exports were loaded, each of those without a batch fails.
    With `years` and `year_pages`, a page per year (`year_pages(year)`) of that year's batches
    instead of one page: a year's next run replaces its page, a year left without rows too.
    """
    scope = _scope(suite, years)
    batches = _batches(conn, suite, scope)
    by_year: dict[int, list[Codebook]] = {}
    for codebook in codebooks:
        by_year.setdefault(codebook.year, []).append(codebook)
    declared = [[*suite.expectations, *(codebook_expectations(suite.table, by_year[batch])
                                        if suite.batch_by == "year" and batch in by_year else [])]
                for batch in batches]
    found = validate_batches(conn, suite.table, scope, [], suite.batch_by, batches, declared,
                             suite.columns) if batches else []
    rows = [{"batch": batch, **r} for batch, results in zip(batches, found) for r in results]
    failed = [r for r in rows if not r["success"]]
    metadata = {
        "expectations": MetadataValue.md(_markdown(rows, suite.batch_by)),
        "failed": MetadataValue.int(len(failed)),
        "unexpected_total": MetadataValue.int(sum(r["unexpected_count"] for r in failed)),
        "batches": MetadataValue.json([str(b) for b in batches]),
    }
    if page is not None:
        write_atomic(page, _html(suite, rows), public=False)
        metadata["validation_report"] = MetadataValue.path(str(page))
    expected = (set(years or []) if rows_expected is True else set() if rows_expected is False
                else set(rows_expected))
    year_of = _years_of_batches(conn, suite, years) if years else {}
    empty = sorted(expected - {year_of.get(b) for b in batches}) if years else []
    if year_pages is not None and years:
        metadata.update(_write_year_pages(suite, rows, years, year_of, set(empty), year_pages))
    if not batches and years is None:
        description = f"{suite.table} is empty" + (": nothing to validate" if rows_expected is False else "")
    elif not batches:
        description = f"{suite.table} has no rows of {', '.join(str(y) for y in years) or 'no year'}" + (
            f", though the exports of {', '.join(map(str, empty))} were loaded" if empty
            else ": nothing to validate (no exports of those years)")
    else:
        description = f"{len(rows) - len(failed)} of {len(rows)} expectations met"
        if empty:
            description += f"; no rows of {', '.join(map(str, empty))}, whose exports were loaded"
    return AssetCheckResult(
        passed=not failed and (bool(batches) or not rows_expected) and not empty,
        severity=AssetCheckSeverity.ERROR if suite.blocking else AssetCheckSeverity.WARN,
        description=description,
        metadata=metadata,
    )


def _files_of_years(years: list[int]) -> str:
    """The query of the source files of `years`, with their year: the batches of a raw table."""
    return f"SELECT source_file, year FROM raw.source_files WHERE {year_filter(years)}"


def _years_of_batches(conn, suite: Suite, years: list[int]) -> dict:
    """{batch: its year} of the batches of `years`."""
    if suite.batch_by == "year":
        return {year: year for year in years}
    return dict(conn.execute(_files_of_years(years)).fetchall())


def _scope(suite: Suite, years: list[int] | None) -> Where:
    """The rows of the batches to validate: all, or those of `years`."""
    if years is None:
        return lambda alias: "true"
    column = _q(suite.batch_by)
    if suite.batch_by == "year":
        return lambda alias: year_filter(years, f"{alias}.{column}")
    if suite.batch_by == "source_file":  # raw tables have no year: their files have
        return lambda alias: f"{alias}.{column} IN (SELECT source_file FROM ({_files_of_years(years)}))"
    raise ValueError(f"cannot select years of batches by {suite.batch_by}")


def _batches(conn, suite: Suite, scope: Where) -> list:
    """The batch values in scope, in the order validate_batches numbers them (rows without one last)."""
    return [r[0] for r in conn.execute(f"SELECT DISTINCT t.{_q(suite.batch_by)} FROM {suite.table} AS t "
                                       f"WHERE {scope('t')} ORDER BY 1 ASC NULLS LAST").fetchall()]


def _markdown(rows: list[dict], batch_by: str) -> str:
    lines = [f"| {batch_by} | expectation | passed | unexpected | sample of bad values |", "|---|---|---|---|---|"]
    for r in rows:
        sample = ", ".join(r["sample"]) or (r["error"] or "")
        sample = md_text(sample[:120])
        lines.append(f"| {md_text(r['batch'])} | {md_text(r['expectation'])} | {'yes' if r['success'] else '**no**'} | "
                     f"{r['unexpected_count']} | {sample} |")
    return "\n".join(lines)


def _write_year_pages(suite: Suite, rows: list[dict], years: list[int], year_of: dict, empty: set[int],
                      year_pages: Callable[[int], Path]) -> dict:
    """Each year's page of `rows`; the metadata naming them (the newest failing year's first).
    `empty`: the years whose exports were loaded but that have no rows (a failure)."""
    pages = {}
    for year in sorted(years, reverse=True):
        pages[year] = year_pages(year)
        mine = [r for r in rows if year_of.get(r["batch"]) == year]
        note = (None if mine else f"geen rijen van {year}, wel ingelezen exports: mislukt" if year in empty
                else f"geen rijen van {year}: niets te valideren")
        write_atomic(pages[year], _html(suite, mine, note), public=False)
    failing = [year_of.get(r["batch"]) for r in rows if not r["success"]] + list(empty)
    shown = max((y for y in failing if y is not None), default=max(years))
    metadata = {"validation_report": MetadataValue.path(str(pages[shown]))}
    if len(pages) > 1:
        metadata["validation_pages"] = MetadataValue.md("\n".join(f"- {y}: `{p}`" for y, p in pages.items()))
    return metadata


def _html(suite: Suite, rows: list[dict], nothing: str | None = None) -> str:
    """A self-contained validation page for the data engineer (GX Data Docs' content, without the site)."""
    cells = "".join(
        f"<tr class={'ok' if r['success'] else 'bad'}><td>{escape(str(r['batch']))}</td>"
        f"<td lang=en>{escape(r['expectation'])}<br><small>{escape(r['type'])}</small></td>"
        f"<td>{'ja' if r['success'] else 'NEE'}</td><td>{r['unexpected_count']}</td>"
        f"<td>{escape(', '.join(r['sample']) or (r['error'] or ''))}</td></tr>" for r in rows)
    return (f"<!doctype html><html lang=nl><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'><title>Validatie {suite.table}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
            "div{overflow-x:auto}h1{overflow-wrap:anywhere}"
            "table{border-collapse:collapse}.bad{background:#fde0dc}.ok td:nth-child(3){color:#1a7f37}</style>"
            f"<h1>Validatie van <code>{suite.table}</code></h1>"
            f"<p>Great Expectations {_gx_version()}, per {suite.batch_by}; "
            f"{'blokkerend' if suite.blocking else 'waarschuwing'}.</p>"
            f"<div><table><tr><th>{suite.batch_by}</th><th>verwachting</th><th>voldaan</th><th>afwijkend</th>"
            f"<th>voorbeelden</th></tr>{cells}</table></div>" + (f"<p>{escape(nothing)}</p>" if nothing else ""))


def _gx_version() -> str:
    from importlib.metadata import version

    return version("great_expectations")
