"""Resources, configured from the environment in this one place.

MHM_WAREHOUSE   DuckDB file (default warehouse/monitor.duckdb)
MHM_DATA_DIR    folder of exports and codebooks, <programme>/<year>/ (default data/)
MHM_REPORTS_DIR where charts and reports are written (default reports/)
MHM_PSEUDONYM_KEY  secret key of the participant pseudonyms (required; `make run` sets a sample key)
MHM_REPORTING_MINIMUM  smallest group a stakeholder report shows (default 5)
MHM_ORGANISATION_PDFS  1: also make each organisation's report as PDF (default: HTML only)
MHM_REPORT_LANGUAGE  nl (default) or en: the reports' language; English ones go to <reports>/en/
MHM_DUCKDB_MEMORY_LIMIT  memory DuckDB may use before it spills to disk (default 2GB)
MHM_CACHE_DIR   where parsed codebooks and masking tables are kept between runs (default ~/.cache/mental-health-monitor)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from dagster import ConfigurableResource, EnvVar, InitResourceContext
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr, field_validator

from assets.ingest.codebook import (PROGRAMMES, WITHDRAWN, WITHDRAWN_FILES, Codebook, discover_codebooks, withdrawn,
                                   withdrawn_file)
from assets.ingest.errors import CodebookError
from assets.ingest.disk_cache import untrusted
from assets.ingest.pseudonyms import KEY_VARIABLE, PUBLIC_SAMPLE_KEY, Pseudonymiser
from assets.reporting.publish import make_folders
from assets.reporting.texts import LANGUAGES
from checks.gx_runner import warm_up

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = PROJECT_ROOT / "data"
# The bundled sample's exports and codebooks: `sha256sum pmg/*/* terug_in_balans/*/*` in data/.
SAMPLE_MANIFEST = SAMPLE_DATA / "SAMPLE_SHA256SUMS"


def not_the_sample(data_dir: Path) -> str | None:
    """Why the programme folders of `data_dir` (every file under <programme>/, in any folder a
    codebook may sit in) are not the bundled sample's, byte for byte and nothing more (a file the
    sample lacks, or one that differs), or None when they are. By content, not by path: the README
    adds a year's real exports beside the sample in data/."""
    expected = dict(reversed(line.split("  ", 1)) for line in SAMPLE_MANIFEST.read_text(encoding="utf-8").splitlines())
    found = {p.relative_to(data_dir).as_posix(): p for programme in PROGRAMMES
             for p in sorted((data_dir / programme).rglob("*")) if p.is_file() and not p.match(WITHDRAWN_FILES)}
    for relative, path in found.items():
        if relative not in expected:
            return f"{relative} is not a file of the sample"
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected[relative]:
            return f"{relative} is not the sample's"
    return None


CACHE_FOLDERS = ("codebooks", "unicode")


class SourceData(ConfigurableResource):
    """Where the exports and their codebooks are, and the key to pseudonymise them."""

    data_dir: str
    pseudonym_key: str
    cache_dir: str | None = None  # parsed codebooks and masking tables kept between runs (None: made anew in each run)
    # Within a run, each lookup's codebooks as first read: ingest, staging and the checks of a year
    # ask for the same codebooks some 17 times, and finding them reads every codebook of the
    # programme (ten years of interview codebooks of hundreds of themes). None outside a run.
    _codebooks_of_run: dict | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._codebooks_of_run = {}
        root = Path(self.cache_dir) if self.cache_dir else None
        for folder in [root, *(root / name for name in CACHE_FOLDERS)] if root else []:
            if why := untrusted(folder):
                # its entries are read as trusted: assets/ingest/disk_cache.py leaves such a folder alone
                context.log.warning(f"MHM_CACHE_DIR is not used: {why}. Give the service a cache folder of its own "
                                    "(the run is slower without one, not otherwise different)")
                break

    def years_to_replace(self, programme: str, instrument: str, years: list[int], log=None) -> list[int]:
        """Of a run's years, those whose rows of `instrument` its ingest, staging and checks replace:
        a year whose folder holds a codebook of the instrument, or withdraws it (WITHDRAWN.txt in
        place of every codebook, or WITHDRAWN_<instrument>.txt). The others keep their rows as the
        warehouse holds them (archived exports), which `log` is told. Raises CodebookError for a
        withdrawal the folder contradicts (codebook.withdrawn)."""
        with_codebook = {codebook.year for codebook in self.codebooks(programme, instrument, years)}
        folder = Path(self.data_dir) / programme
        for year in sorted(with_codebook):
            if (folder / str(year) / withdrawn_file(instrument)).is_file():
                raise CodebookError(f"{programme}/{year}/{withdrawn_file(instrument)}", f"stands beside "
                                    f"{instrument}'s codebook, whose exports a run would load again: take out "
                                    "one or the other")
        replaced = [year for year in years
                    if withdrawn(folder / str(year), programme, instrument) or year in with_codebook]
        if log is not None and (kept := [year for year in years if year not in replaced]):
            log.info(f"{instrument} {', '.join(map(str, kept))}: no codebook of it in the year's folder (or no "
                     f"folder): its rows are kept as the warehouse holds them. To remove a year, put {WITHDRAWN} "
                     f"in its folder in place of its codebooks; to remove one instrument's, "
                     f"{withdrawn_file(instrument)}")
        return replaced

    def codebooks(self, programme: str, instrument: str, years: list[int] | None = None) -> list[Codebook]:
        """The instrument's codebooks, oldest first; with `years`, only those years' (a partition's)."""
        def discover() -> list[Codebook]:
            return discover_codebooks(Path(self.data_dir).resolve(), programme, instrument, years,
                                      self.cache_folder("codebooks"))

        if self._codebooks_of_run is None:
            return discover()
        lookup = (programme, instrument, None if years is None else tuple(years))
        if lookup not in self._codebooks_of_run:
            self._codebooks_of_run[lookup] = discover()
        return list(self._codebooks_of_run[lookup])

    def pseudonymiser(self) -> Pseudonymiser:
        """The keyed hash of this data's identifiers. Refuses the published sample key for any data
        but the bundled sample: `make run` or `make ui` on real exports (added to data/, or in
        MHM_DATA_DIR) without a key of one's own would otherwise pseudonymise them with a key anyone
        can read."""
        if self.pseudonym_key == PUBLIC_SAMPLE_KEY and (why := not_the_sample(Path(self.data_dir))):
            raise ValueError(
                f"{KEY_VARIABLE} is the public sample key, which is for the bundled sample data only, and {why} "
                f"(in {self.data_dir}): set a secret key of your own in {KEY_VARIABLE}")
        return Pseudonymiser(self.pseudonym_key)

    def cache_folder(self, name: str) -> Path | None:
        """Where `name` (one of CACHE_FOLDERS) is kept between runs; None: nowhere, also where another
        user could write the cache (setup_for_execution says so in the run's log)."""
        if not self.cache_dir or untrusted(Path(self.cache_dir)) or untrusted(Path(self.cache_dir) / name):
            return None
        return Path(self.cache_dir) / name


class ReportSettings(ConfigurableResource):
    """Where charts and reports go, and how they disclose small groups."""

    output_dir: str
    reporting_minimum: int = 5
    language: str = "nl"
    # Every organisation's report is written as HTML; as PDF only on request: at 200 organisations
    # a year that is 400 PDFs more a year, for reports most readers open in a browser.
    organisation_pdfs: bool = False

    # "NL" or "fr" gave Dutch text with English decimal points; a minimum below 1 hid nothing
    @field_validator("language")
    @classmethod
    def _known_language(cls, language: str) -> str:
        if language not in LANGUAGES:
            raise ValueError(f"language {language!r}: the reports are written in {' or '.join(LANGUAGES)}")
        return language

    @field_validator("reporting_minimum")
    @classmethod
    def _positive_minimum(cls, minimum: int) -> int:
        if minimum < 1:
            raise ValueError(f"reporting_minimum {minimum}: the smallest group a report shows, at least 1")
        return minimum

    def path(self, *parts: str) -> Path:
        """Where to write `parts` under the output folder, its folder made."""
        target = self.existing(*parts)
        make_folders(target.parent)
        return target

    def existing(self, *parts: str) -> Path:
        """`parts` under the output folder, no folder made: for what an earlier run may have left.
        Another language than Dutch writes in a folder of its own (`en/`), beside the Dutch reports:
        over them, the next scheduled run put the Dutch back without a word."""
        root = Path(self.output_dir).resolve()
        return (root if self.language == "nl" else root / self.language).joinpath(*parts)

    def other_languages(self, *parts: str) -> list[Path]:
        """`parts` in the folders of the other languages' reports."""
        root = Path(self.output_dir).resolve()
        return [(root if language == "nl" else root / language).joinpath(*parts)
                for language in LANGUAGES if language != self.language]

    def shared_path(self, *parts: str) -> Path:
        """`parts` under the output folder whatever the language (the data engineer's validation
        pages, which are the same in either), its folder made."""
        target = Path(self.output_dir).resolve().joinpath(*parts)
        make_folders(target.parent)
        return target


class GreatExpectations(ConfigurableResource):
    """Great Expectations, which the expectation-suite checks validate with. Importing it takes
    seconds (a third of a new year's checks): a run with suite checks starts that on a background
    thread as the run starts, beside the ingest steps, instead of in its first check."""

    def setup_for_execution(self, context: InitResourceContext) -> None:
        warm_up()


def _env_path(variable: str, default: Path) -> str:
    return str(Path(os.environ.get(variable) or default).resolve())


class Warehouse(DuckDBResource):
    """DuckDBResource whose database stays open for the whole run.

    DuckDBResource connects anew in every step, and closing a step's connection, the file's last,
    shuts the database down: a checkpoint of what the step wrote, then the next step starts the
    database again (about 0.1 s a step, 55 steps in a year's run). One connection held from the
    run's resource setup to its teardown keeps the database instance open: a step's
    `get_connection` then joins it (DuckDB's instance cache, same file and configuration) in well
    under a millisecond, still with its own transactions and temporary tables, and the log is
    checkpointed when it outgrows DuckDB's checkpoint_threshold or at the end of the run. What the
    steps read or used is given back after each step (see _release_memory)."""

    _anchor: Any = PrivateAttr(default=None)

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[Warehouse]:
        with self._closed_after() as anchor:
            self._anchor = anchor
            try:
                yield self
            finally:
                self._anchor = None

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._closed_after() as conn:
            yield conn
        if self._anchor is not None:
            self._release_memory()

    @contextmanager
    def _closed_after(self) -> Iterator[duckdb.DuckDBPyConnection]:
        # DuckDBResource closes a connection only when the step using it succeeds: a failed step's
        # stayed open in this process until garbage collection, and with it the file's lock and
        # the database a read-only connection of the same process then could not open.
        with super().get_connection() as conn:
            try:
                yield conn
            except BaseException:
                conn.close()
                raise

    def _release_memory(self) -> None:
        # A closed database gave all its memory back; an open one keeps, after a step, the blocks
        # it read (counted in duckdb_memory(), up to memory_limit) and, in its allocator, what the
        # step's queries freed (not counted: 590 MB of RSS beside 34 MB of blocks after one GROUP BY
        # of a year's answers), while the next steps fill Polars frames, GX and matplotlib. Setting
        # the limit gives both back: DuckDB evicts what 1 MB does not hold and flushes its
        # allocator (5-50 ms after a step that used memory, the release itself). It keeps its
        # limit when something is still in use.
        limit = self.connection_config.get("memory_limit") or self._anchor.sql(
            "SELECT current_setting('memory_limit')").fetchall()[0][0]
        try:
            self._anchor.execute("SET memory_limit = '1MB'")
        except duckdb.OutOfMemoryException:
            return
        self._anchor.execute(f"SET memory_limit = '{limit}'")


def warehouse_resource(database: str) -> Warehouse:
    """The warehouse connection. DuckDB takes 80% of RAM by default; a bound keeps the whole run
    (Python, Polars and GX beside it) within the machine, spilling large joins to disk instead."""
    return Warehouse(database=database,
                     connection_config={"memory_limit": os.environ.get("MHM_DUCKDB_MEMORY_LIMIT", "2GB")})


def build_resources() -> dict:
    return {
        "duckdb": warehouse_resource(_env_path("MHM_WAREHOUSE", PROJECT_ROOT / "warehouse" / "monitor.duckdb")),
        "sources": SourceData(
            data_dir=_env_path("MHM_DATA_DIR", SAMPLE_DATA),
            pseudonym_key=EnvVar(KEY_VARIABLE),
            cache_dir=_env_path("MHM_CACHE_DIR", Path.home() / ".cache" / "mental-health-monitor"),
        ),
        "reports": ReportSettings(
            output_dir=_env_path("MHM_REPORTS_DIR", PROJECT_ROOT / "reports"),
            reporting_minimum=int(os.environ.get("MHM_REPORTING_MINIMUM", "5")),
            organisation_pdfs=os.environ.get("MHM_ORGANISATION_PDFS", "") == "1",
            language=os.environ.get("MHM_REPORT_LANGUAGE", "nl"),
        ),
        "gx": GreatExpectations(),
    }
