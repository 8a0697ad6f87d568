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
  first five duplicated keys (at most 25 rows), which gives its sample of bad values.

The whole batch as GX sees it is the table's rows in their order (rowid). A sample lists the first
five unexpected rows in that order: each group carries its first rowid, and when that does not
settle the order one more query finds the first rows of the groups concerned.
Memory is bounded by the number of distinct values (DuckDB's aggregates spill), not rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from html import escape
from pathlib import Path

import numpy as np
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from assets.ingest.codebook import Codebook
from assets.reporting.publish import write_atomic
from checks.suites import Expectation, Suite, codebook_expectations

SAMPLE = 5  # bad values listed per expectation, as GX's partial_unexpected_list
SINGLE_COLUMN = frozenset({"ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeNull",
                           "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween",
                           "ExpectColumnValuesToMatchRegex"})
COMPOUND_UNIQUE = "ExpectCompoundColumnsToBeUnique"


@cache
def _context():
    import great_expectations as gx  # imported on first use: it takes seconds
    from great_expectations.data_context.types.base import ProgressBarsConfig

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


def _row(e: Expectation, r, unexpected_count: int, sample: list) -> dict:
    return {"expectation": e.describes, "type": e.type, "success": bool(r.success),
            "unexpected_count": int(unexpected_count), "sample": [str(x) for x in sample][:SAMPLE],
            "error": _exception_message(r.exception_info) if not r.success else None}


def _exception_message(info: dict | None) -> str | None:
    """GX's exception message: at the top of exception_info, or (a metric failed) under the metric's id."""
    info = info or {}
    if "exception_message" in info:
        return info["exception_message"]
    return next((v.get("exception_message") for v in info.values() if isinstance(v, dict)), None)


def validate_frame(frame, expectations: list[Expectation]) -> list[dict]:
    """Validate a whole pandas frame; one result dict per expectation (what run_suite reproduces)."""
    results = _gx_validate(frame, expectations, {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE})
    return [_row(e, r, r.result.get("unexpected_count") or 0, r.result.get("partial_unexpected_list") or [])
            for e, r in zip(expectations, results)]


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


Where = Callable[[str], str]  # table alias -> the batch's filter on it


def validate_batch(conn, table: str, where: Where, params: list, expectations: list[Expectation],
                   columns: tuple[str, ...]) -> list[dict]:
    """Validate one batch of `table` (rows where `where`) on compressed frames; one dict per expectation.

    Only `columns` are read, as the whole-frame path would have them.
    """
    out: dict[int, dict] = {}
    by_columns: dict[tuple[str, ...], list[int]] = {}
    for i, e in enumerate(expectations):
        if (problem := _unsupported(e)) is not None:
            out[i] = {"expectation": e.describes, "type": e.type, "success": False, "unexpected_count": 0,
                      "sample": [], "error": problem}
        elif e.type == COMPOUND_UNIQUE:
            out[i] = _validate_unique(conn, table, where, params, e, columns)
        else:
            by_columns.setdefault(_columns_needed(e, columns), []).append(i)
    for needed, indices in by_columns.items():
        rows = _validate_compressed(conn, table, where, params, needed, [expectations[i] for i in indices])
        out.update(zip(indices, rows))
    return [out[i] for i in range(len(expectations))]


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


def _validate_compressed(conn, table: str, where: Where, params: list, needed: tuple[str, ...],
                         expectations: list[Expectation]) -> list[dict]:
    """Single-column expectations that need the same columns, on one frame of their distinct values."""
    select = "".join(f"{_q(c)}, " for c in needed)
    frame = conn.sql(f"SELECT {select}count(*) AS _n, min(t.rowid) AS _first FROM {table} AS t "
                     f"WHERE {where('t')} GROUP BY ALL", params=params).df()
    results = _gx_validate(frame, expectations, {"result_format": "COMPLETE", "return_unexpected_index_query": False})
    n, first = frame["_n"].to_numpy(), frame["_first"].to_numpy()
    # The frame has the default index: GX's index labels are positions.
    unexpected = [np.asarray(r.result.get("unexpected_index_list") or [], dtype=np.int64) for r in results]
    # Groups in table order of their first row: the first SAMPLE unexpected rows all belong to the
    # first SAMPLE unexpected groups.
    heads = [idx[np.argsort(first[idx], kind="stable")[:SAMPLE]] for idx in unexpected]
    positions = [_sample_without_query(head, n) for head in heads]
    pending = [i for i, p in enumerate(positions) if p is None]
    if pending:
        order = _first_rows(conn, table, where, params, needed, {int(first[p]) for i in pending for p in heads[i]})
        position_of = {int(f): p for p, f in enumerate(first)}
        for i in pending:
            rows = sorted((row, position_of[f]) for f in first[heads[i]].tolist() for row in order[f])
            positions[i] = [p for _, p in rows[:SAMPLE]]
    out = []
    for e, r, idx, pos in zip(expectations, results, unexpected, positions):
        column = e.kwargs["column"]
        sample = list(frame[column].iloc[pos]) if column in frame.columns else []
        out.append(_row(e, r, n[idx].sum(), sample))
    return out


def _sample_without_query(head: np.ndarray, n: np.ndarray) -> list[int] | None:
    """Positions of the first SAMPLE unexpected rows when the groups' first rows settle their order.

    They do when every head group but the last has one row: those come first, then the last group's
    rows (fewer than SAMPLE groups means there are no other unexpected groups to interleave).
    """
    if len(head) and n[head[:-1]].max(initial=1) > 1:
        return None
    if not len(head):
        return []
    last = int(head[-1])
    return [int(p) for p in head[:-1]] + [last] * int(min(n[last], SAMPLE - len(head) + 1))


def _first_rows(conn, table: str, where: Where, params: list, needed: tuple[str, ...],
                groups: set[int]) -> dict[int, list[int]]:
    """The first SAMPLE rowids of each group named by its first rowid."""
    cols = ", ".join(_q(c) for c in needed)  # never empty: one group has no order to settle
    on = " AND ".join(f"r.{_q(c)} IS NOT DISTINCT FROM g.{_q(c)}" for c in needed)
    found = conn.sql(
        f"WITH g AS (SELECT {cols}, min(t.rowid) AS _first FROM {table} AS t WHERE {where('t')} GROUP BY ALL "
        f"HAVING min(t.rowid) IN ({', '.join(str(g) for g in sorted(groups))})) "
        f"SELECT g._first, r.rowid FROM {table} AS r JOIN g ON {on} WHERE {where('r')} "
        f"QUALIFY row_number() OVER (PARTITION BY g._first ORDER BY r.rowid) <= {SAMPLE}", params=params).fetchall()
    order: dict[int, list[int]] = {g: [] for g in groups}
    for group, row in found:
        order[group].append(row)
    return order


def _validate_unique(conn, table: str, where: Where, params: list, e: Expectation,
                     columns: tuple[str, ...]) -> dict:
    """Compound uniqueness: DuckDB counts the rows of duplicated keys, GX validates the first of them."""
    keys = list(e.kwargs["column_list"])
    if not set(keys) <= set(columns):  # as on the whole frame of the suite's columns: GX reports a key missing
        head = conn.sql(f"SELECT {', '.join(_q(c) for c in columns)} FROM {table} AS t WHERE {where('t')} LIMIT 1",
                        params=params).df()
        [r] = _gx_validate(head, [e], {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE})
        return _row(e, r, 0, [])
    # GX leaves out rows whose key values are all missing (or any, or none, as ignore_row_if says).
    ignore = e.kwargs.get("ignore_row_if", "all_values_are_missing")
    joiner = {"all_values_are_missing": " OR ", "any_value_is_missing": " AND "}.get(ignore)
    kept = f"({joiner.join(f't.{_q(c)} IS NOT NULL' for c in keys)})" if joiner else "true"
    select = ", ".join(f"t.{_q(c)}" for c in keys)
    select_r = ", ".join(f"r.{_q(c)}" for c in keys)
    on = " AND ".join(f"r.{_q(c)} IS NOT DISTINCT FROM d.{_q(c)}" for c in keys)
    frame = conn.sql(
        f"WITH d AS MATERIALIZED (SELECT {select}, count(*) AS _n, min(t.rowid) AS _first FROM {table} AS t "
        f"WHERE {where('t')} AND {kept} GROUP BY ALL HAVING count(*) > 1), "
        f"head AS (SELECT * FROM d ORDER BY _first LIMIT {SAMPLE}) "
        # Each head key's first SAMPLE rows, in table order: the first SAMPLE unexpected rows are among them.
        f"SELECT {select_r}, (SELECT sum(_n) FROM d) AS _duplicated "
        f"FROM {table} AS r JOIN head AS d ON {on} WHERE {where('r')} "
        f"QUALIFY row_number() OVER (PARTITION BY d._first ORDER BY r.rowid) <= {SAMPLE} ORDER BY r.rowid",
        params=params).df()
    duplicated = int(frame["_duplicated"].iloc[0]) if len(frame) else 0
    [r] = _gx_validate(frame[keys], [e], {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE})
    return _row(e, r, duplicated, r.result.get("partial_unexpected_list") or [])


def run_suite(conn, suite: Suite, codebooks: list[Codebook], page: Path | None = None,
              years: list[int] | None = None) -> AssetCheckResult:
    """Validate a table batch by batch (year or source file); optionally write an HTML page of it.

    With `years`, only the batches of those years: a yearly partition validates its own year.
    """
    batches = _batches(conn, suite, years)
    by_year = {cb.year: cb for cb in codebooks}
    rows = []
    for batch in batches:
        expectations = list(suite.expectations)
        if suite.batch_by == "year" and batch in by_year:
            expectations += codebook_expectations(suite.table, by_year[batch])
        rows += [{"batch": batch, **r} for r in validate_batch(
            conn, suite.table, _batch_filter(suite.batch_by, batch), [] if batch is None else [batch],
            expectations, suite.columns)]
    failed = [r for r in rows if not r["success"]]
    metadata = {
        "expectations": MetadataValue.md(_markdown(rows, suite.batch_by)),
        "failed": MetadataValue.int(len(failed)),
        "unexpected_total": MetadataValue.int(sum(r["unexpected_count"] for r in failed)),
        "batches": MetadataValue.json([str(b) for b in batches]),
    }
    if page is not None:
        write_atomic(page, _html(suite, rows))
        metadata["validation_report"] = MetadataValue.path(str(page))
    nothing = (f"{suite.table} is empty: nothing to validate" if years is None else
               f"{suite.table} has no rows of {', '.join(str(y) for y in years) or 'no year'}: nothing to validate")
    return AssetCheckResult(
        passed=not failed and bool(batches),
        severity=AssetCheckSeverity.ERROR if suite.blocking else AssetCheckSeverity.WARN,
        description=f"{len(rows) - len(failed)} of {len(rows)} expectations met" if batches else nothing,
        metadata=metadata,
    )


def _batch_filter(column: str, batch) -> Where:
    """Rows of one batch; rows without a batch value are a batch too, so that they are validated."""
    if batch is None:
        return lambda alias: f"{alias}.{_q(column)} IS NULL"
    return lambda alias: f"{alias}.{_q(column)} = $1"


def _batches(conn, suite: Suite, years: list[int] | None) -> list:
    """The batch values to validate, all or those of `years`."""
    column = _q(suite.batch_by)
    only = ""
    if years is not None:
        in_years = ", ".join(str(int(y)) for y in years) or "NULL"
        if suite.batch_by == "year":
            only = f"WHERE year IN ({in_years})"
        elif suite.batch_by == "source_file":  # raw tables have no year: their files have
            only = f"WHERE source_file IN (SELECT source_file FROM raw.source_files WHERE year IN ({in_years}))"
        else:
            raise ValueError(f"cannot select years of batches by {suite.batch_by}")
    return [r[0] for r in conn.execute(f"SELECT DISTINCT {column} FROM {suite.table} {only} ORDER BY 1").fetchall()]


def _markdown(rows: list[dict], batch_by: str) -> str:
    lines = [f"| {batch_by} | expectation | passed | unexpected | sample of bad values |", "|---|---|---|---|---|"]
    for r in rows:
        sample = ", ".join(r["sample"]) or (r["error"] or "")
        lines.append(f"| {r['batch']} | {r['expectation']} | {'yes' if r['success'] else '**no**'} | "
                     f"{r['unexpected_count']} | {sample[:120]} |")
    return "\n".join(lines)


def _html(suite: Suite, rows: list[dict]) -> str:
    """A self-contained validation page for the data engineer (GX Data Docs' content, without the site)."""
    cells = "".join(
        f"<tr class={'ok' if r['success'] else 'bad'}><td>{escape(str(r['batch']))}</td>"
        f"<td>{escape(r['expectation'])}<br><small>{escape(r['type'])}</small></td>"
        f"<td>{'ja' if r['success'] else 'NEE'}</td><td>{r['unexpected_count']}</td>"
        f"<td>{escape(', '.join(r['sample']) or (r['error'] or ''))}</td></tr>" for r in rows)
    return (f"<!doctype html><meta charset=utf-8><title>Validatie {suite.table}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
            "table{border-collapse:collapse}.bad{background:#fde0dc}.ok td:nth-child(3){color:#1a7f37}</style>"
            f"<h1>Validatie van <code>{suite.table}</code></h1>"
            f"<p>Great Expectations {_gx_version()}, per {suite.batch_by}; "
            f"{'blokkerend' if suite.blocking else 'waarschuwing'}.</p>"
            f"<table><tr><th>{suite.batch_by}</th><th>verwachting</th><th>voldaan</th><th>afwijkend</th>"
            f"<th>voorbeelden</th></tr>{cells}</table>")


def _gx_version() -> str:
    from importlib.metadata import version

    return version("great_expectations")
