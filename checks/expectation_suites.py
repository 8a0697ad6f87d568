"""One Great Expectations asset check per declared suite (checks/suites.py), on the table's asset.

Each writes its validation page to <reports>/validatie/<table>.html and links it in its metadata.
"""

from dagster import AssetCheckResult, asset_check
from dagster_duckdb import DuckDBResource

from assets.tables import key
from checks.gx_runner import run_suite
from checks.suites import SUITES, Suite
from pipelines.resources import ReportSettings, SourceData


def _suite_check(suite: Suite):
    @asset_check(asset=key(suite.table), name="expectation_suite", blocking=suite.blocking,
                 description=f"Great Expectations suite of {suite.table}: "
                             + "; ".join(e.describes for e in suite.expectations)
                             + ("; plus the scales and labels its codebooks declare" if suite.codebooks else ""))
    def _check(duckdb: DuckDBResource, sources: SourceData, reports: ReportSettings) -> AssetCheckResult:
        codebooks = sources.codebooks(*suite.codebooks) if suite.codebooks else []
        with duckdb.get_connection() as conn:
            return run_suite(conn, suite, codebooks, reports.path("validatie", f"{suite.table}.html"))

    return _check


EXPECTATION_SUITE_CHECKS = [_suite_check(s) for s in SUITES.values()]
