"""Run a declared suite with Great Expectations (GX Core 1.x, as a library) on a warehouse table.

GX 1.x cannot validate DuckDB through its SQL datasource (duckdb-engine fails every metric), so
the table is read one year at a time, only the suite's columns, as a pandas batch.
"""

from __future__ import annotations

from functools import cache

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from assets.ingest.codebook import Codebook
from checks.suites import SUITES, Expectation, codebook_expectations


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
    for e in expectations:
        suite.add_expectation(getattr(gx.expectations, e.type)(**e.kwargs))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5})
    out = []
    for e, r in zip(expectations, result.results):
        out.append({"expectation": e.describes, "type": e.type, "success": bool(r.success),
                    "unexpected_count": int(r.result.get("unexpected_count") or 0),
                    "sample": [str(x) for x in (r.result.get("partial_unexpected_list") or [])][:5],
                    "error": (r.exception_info or {}).get("exception_message") if not r.success else None})
    return out


def run_suite(conn, table: str, codebooks: list[Codebook], blocking_severity=AssetCheckSeverity.ERROR) -> AssetCheckResult:
    suite = SUITES[table]
    cols = ", ".join(f'"{c}"' for c in suite.columns)
    years = [r[0] for r in conn.execute(f"SELECT DISTINCT year FROM {table} ORDER BY year").fetchall()]
    by_year = {cb.year: cb for cb in codebooks}
    rows = []
    for year in years:
        frame = conn.sql(f"SELECT {cols} FROM {table} WHERE year = $1", params=[year]).df()
        expectations = list(suite.expectations)
        if year in by_year:
            expectations += codebook_expectations(table, by_year[year])
        rows += [{"year": year, **r} for r in validate_frame(frame, expectations)]
    failed = [r for r in rows if not r["success"]]
    lines = ["| year | expectation | passed | unexpected | sample of bad values |", "|---|---|---|---|---|"]
    for r in rows:
        sample = ", ".join(r["sample"]) or (r["error"] or "")
        lines.append(f"| {r['year']} | {r['expectation']} | {'yes' if r['success'] else '**no**'} | "
                     f"{r['unexpected_count']} | {sample[:120]} |")
    return AssetCheckResult(
        passed=not failed and bool(years),
        severity=blocking_severity,
        description=(f"{len(rows) - len(failed)} of {len(rows)} expectations met" if years
                     else f"{table} is empty: nothing to validate"),
        metadata={
            "expectations": MetadataValue.md("\n".join(lines)),
            "failed": MetadataValue.int(len(failed)),
            "unexpected_total": MetadataValue.int(sum(r["unexpected_count"] for r in failed)),
            "years": MetadataValue.json(years),
        },
    )
