"""Shared fixtures: a test key for pseudonyms, paths, and one full materialisation per session."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

# Whatever key the shell has: the public sample key would be refused for the tests' altered exports.
os.environ["MHM_PSEUDONYM_KEY"] = "test-key-only-for-the-test-suite"
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# MHM_REAL_EXPORTS points a clone elsewhere at the real exports (they sit beside the main checkout)
REAL_EXPORTS = Path(os.environ.get("MHM_REAL_EXPORTS") or ROOT.parent / "shared" / "realexports")
FIXTURES = Path(__file__).with_name("fixtures")


def real_export(relative: str) -> Path:
    path = REAL_EXPORTS / relative
    if not path.exists():
        pytest.skip(f"real export {relative} not available: ../shared/realexports/ is absent on this machine")
    return path


def resources_for(tmp: Path, data_dir: Path = DATA, cache_dir: Path | None = None) -> dict:
    from pipelines.resources import GreatExpectations, ReportSettings, SourceData, warehouse_resource

    return {
        "duckdb": warehouse_resource(str(tmp / "warehouse.duckdb")),
        "sources": SourceData(data_dir=str(data_dir), pseudonym_key=os.environ["MHM_PSEUDONYM_KEY"],
                              cache_dir=str(cache_dir) if cache_dir else None),
        "reports": ReportSettings(output_dir=str(tmp / "reports")),
        "gx": GreatExpectations(),
    }


def load_survey_file(conn, target: str, codebook, source, pseudonymise):
    """One survey export loaded as an ingest asset loads it (loader.load_files), for tests of a file."""
    from assets.ingest.loader import load_files
    from assets.ingest.survey import survey_cells

    [outcome] = load_files(conn, target, [(codebook, source)],
                           lambda cb, sf: survey_cells(cb, sf, pseudonymise))
    return outcome


# The bundled sample: PMG 2023 and the Terug in Balans cohort of 2024.
SAMPLE_YEARS = (2023, 2024)


def materialize_years(assets, resources: dict, years=SAMPLE_YEARS, **kwargs):
    """`dagster.materialize` of the given year partitions: one partition, or a range in one run
    (as `make run` and a single-run backfill do)."""
    from dagster import materialize

    from pipelines.run import range_tags

    if len(years) == 1:
        return materialize(assets, resources=resources, partition_key=str(years[0]), **kwargs)
    return materialize(assets, resources=resources, tags=range_tags(list(years)), **kwargs)


@pytest.fixture(scope="session")
def full_run(tmp_path_factory):
    """The whole graph, every asset and check, materialised once on the bundled sample data."""
    from pipelines.definitions import ASSETS, CHECKS

    tmp = tmp_path_factory.mktemp("full_run")
    result = materialize_years([*ASSETS, *CHECKS], resources_for(tmp), raise_on_error=False)
    return result, tmp


@pytest.fixture
def warehouse(full_run):
    """A read-only connection to the full run's warehouse, closed after each test (DuckDB allows
    no read-write connection beside it)."""
    result, tmp = full_run
    assert result.success, "the full materialisation failed; see the captured log"
    conn = duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True)
    yield conn
    conn.close()
