"""One Great Expectations asset check per declared suite (checks/suites.py), on the table's asset.

Each validates the years of its run's partitions and writes a validation page per year to
<reports>/validatie/<year>/<table>.html, linked in its metadata: a year's next run replaces its
page (a correction, a withdrawal). A blocking check that fails also refreshes the data-quality
page (reports.data_quality, which it keeps from running).
"""

from functools import partial
from pathlib import Path

from dagster import AssetCheckExecutionContext, AssetCheckResult, asset_check
from dagster_duckdb import DuckDBResource

from assets.data_quality import write_data_quality_page
from assets.ingest.errors import InputError
from assets.partitions import partition_years
from assets.tables import POOL, key
from checks.gx_runner import run_suite
from checks.suites import SUITES, Suite
from pipelines.resources import GreatExpectations, ReportSettings, SourceData


def _suite_check(suite: Suite):
    @asset_check(pool=POOL, asset=key(suite.table), name="expectation_suite", blocking=suite.blocking,
                 description=f"Great Expectations suite of {suite.table}: "
                             + "; ".join(e.describes for e in suite.expectations)
                             + ("; plus the scales and labels its codebooks declare" if suite.codebooks else ""))
    def _check(context: AssetCheckExecutionContext, duckdb: DuckDBResource, sources: SourceData,
               reports: ReportSettings, gx: GreatExpectations) -> AssetCheckResult:
        # `gx` is not called: asking for it has a run with suite checks import GX as the run starts.
        years = partition_years(context)  # the run's partitions: the years its assets just wrote
        exports = suite.exports or suite.codebooks
        if exports:  # not a year the run kept as it was: its codebook, which adds expectations, is gone
            try:
                years = sources.years_to_replace(*exports, years)
            except InputError as exc:  # a withdrawal the folder contradicts: the ingest says so too
                return AssetCheckResult(passed=False, description=str(exc))
        codebooks = sources.codebooks(*suite.codebooks, years) if suite.codebooks else []
        # A year in which this programme had no exports (only the other programme ran) has nothing
        # to validate; a year with exports but no rows does fail, also beside years with rows.
        expected = {codebook.year for codebook in sources.codebooks(*exports, years)} if exports else True
        with duckdb.get_connection() as conn:
            result = run_suite(conn, suite, codebooks, years=years, rows_expected=expected,
                               year_pages=partial(_page, reports, suite.table))
            if suite.blocking and not result.passed:
                write_data_quality_page(conn, reports)
        return result

    return _check


def _page(reports: ReportSettings, table: str, year: int) -> Path:
    return reports.shared_path("validatie", str(year), f"{table}.html")


EXPECTATION_SUITE_CHECKS = [_suite_check(s) for s in SUITES.values()]
