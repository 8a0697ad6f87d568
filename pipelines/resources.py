"""Resources, configured from the environment in this one place.

MHM_WAREHOUSE   DuckDB file (default warehouse/monitor.duckdb)
MHM_DATA_DIR    folder of exports and codebooks, <programme>/<year>/ (default data/)
MHM_REPORTS_DIR where charts and reports are written (default reports/)
MHM_PSEUDONYM_KEY  secret key of the participant pseudonyms (required; `make run` sets a sample key)
MHM_REPORTING_MINIMUM  smallest group a stakeholder report shows (default 5)
MHM_ORGANISATION_PDFS  1: also print each organisation's report as PDF (default: HTML only)
MHM_DUCKDB_MEMORY_LIMIT  memory DuckDB may use before it spills to disk (default 2GB)
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource, EnvVar
from dagster_duckdb import DuckDBResource

from assets.ingest.codebook import Codebook, discover_codebooks
from assets.ingest.privacy import KEY_VARIABLE, Pseudonymiser

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class SourceData(ConfigurableResource):
    """Where the exports and their codebooks are, and the key to pseudonymise them."""

    data_dir: str
    pseudonym_key: str

    def codebooks(self, programme: str, instrument: str, years: list[int] | None = None) -> list[Codebook]:
        """The instrument's codebooks, oldest first; with `years`, only those years' (a partition's)."""
        return discover_codebooks(Path(self.data_dir).resolve(), programme, instrument, years)

    def pseudonymiser(self) -> Pseudonymiser:
        return Pseudonymiser(self.pseudonym_key)


class ReportSettings(ConfigurableResource):
    """Where charts and reports go, and how they disclose small groups."""

    output_dir: str
    reporting_minimum: int = 5
    language: str = "nl"
    # Every organisation's report is written as HTML; as PDF only on request: at 200 organisations
    # a year, chromium would spend minutes per year printing reports most readers open in a browser.
    organisation_pdfs: bool = False

    def path(self, *parts: str) -> Path:
        target = Path(self.output_dir).resolve().joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target


def _env_path(variable: str, default: Path) -> str:
    return str(Path(os.environ.get(variable) or default).resolve())


def warehouse_resource(database: str) -> DuckDBResource:
    """The warehouse connection. DuckDB takes 80% of RAM by default; a bound keeps the whole run
    (Python, Polars and GX beside it) within the machine, spilling large joins to disk instead."""
    return DuckDBResource(database=database,
                          connection_config={"memory_limit": os.environ.get("MHM_DUCKDB_MEMORY_LIMIT", "2GB")})


def build_resources() -> dict:
    return {
        "duckdb": warehouse_resource(_env_path("MHM_WAREHOUSE", PROJECT_ROOT / "warehouse" / "monitor.duckdb")),
        "sources": SourceData(
            data_dir=_env_path("MHM_DATA_DIR", PROJECT_ROOT / "data"),
            pseudonym_key=EnvVar(KEY_VARIABLE),
        ),
        "reports": ReportSettings(
            output_dir=_env_path("MHM_REPORTS_DIR", PROJECT_ROOT / "reports"),
            reporting_minimum=int(os.environ.get("MHM_REPORTING_MINIMUM", "5")),
            organisation_pdfs=os.environ.get("MHM_ORGANISATION_PDFS", "") == "1",
        ),
    }
