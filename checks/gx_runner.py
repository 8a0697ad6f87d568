"""Run a declared suite with Great Expectations (GX Core 1.x, as a library) on a warehouse table.

GX 1.x cannot validate DuckDB through its SQL datasource (duckdb-engine fails every metric), so
the table is read one year at a time, only the suite's columns, as a pandas batch.
"""

from __future__ import annotations

from functools import cache

from html import escape
from pathlib import Path

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from assets.ingest.codebook import Codebook
from assets.reporting.publish import write_atomic
from checks.suites import Expectation, Suite, codebook_expectations


@cache
def _context():
    import great_expectations as gx  # imported on first use: it takes seconds
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (context.data_sources.add_pandas("warehouse")
                        .add_dataframe_asset("table").add_batch_definition_whole_dataframe("year"))
    return gx, context, batch_definition


def validate_frame(frame, expectations: list[Expectation]) -> list[dict]:
    """Validate a pandas frame; one result dict per expectation."""
    gx, context, batch_definition = _context()
    suite = gx.ExpectationSuite(name="suite")
    for i, e in enumerate(expectations):
        # GX reports results in its own order: the index in meta ties each back to its declaration.
        suite.add_expectation(getattr(gx.expectations, e.type)(**e.kwargs, meta={"index": i}))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5})
    by_index = {int(r.expectation_config.meta["index"]): r for r in result.results}
    out = []
    for i, e in enumerate(expectations):
        r = by_index[i]
        out.append({"expectation": e.describes, "type": e.type, "success": bool(r.success),
                    "unexpected_count": int(r.result.get("unexpected_count") or 0),
                    "sample": [str(x) for x in (r.result.get("partial_unexpected_list") or [])][:5],
                    "error": (r.exception_info or {}).get("exception_message") if not r.success else None})
    return out


def run_suite(conn, suite: Suite, codebooks: list[Codebook], page: Path | None = None) -> AssetCheckResult:
    """Validate a table batch by batch (year or source file); optionally write an HTML page of it."""
    cols = ", ".join(f'"{c}"' for c in suite.columns)
    batches = [r[0] for r in conn.execute(
        f"SELECT DISTINCT {suite.batch_by} FROM {suite.table} ORDER BY 1").fetchall()]
    by_year = {cb.year: cb for cb in codebooks}
    rows = []
    for batch in batches:
        frame = conn.sql(f"SELECT {cols} FROM {suite.table} WHERE {suite.batch_by} = $1", params=[batch]).df()
        expectations = list(suite.expectations)
        if suite.batch_by == "year" and batch in by_year:
            expectations += codebook_expectations(suite.table, by_year[batch])
        rows += [{"batch": batch, **r} for r in validate_frame(frame, expectations)]
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
    return AssetCheckResult(
        passed=not failed and bool(batches),
        severity=AssetCheckSeverity.ERROR if suite.blocking else AssetCheckSeverity.WARN,
        description=(f"{len(rows) - len(failed)} of {len(rows)} expectations met" if batches
                     else f"{suite.table} is empty: nothing to validate"),
        metadata=metadata,
    )


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
