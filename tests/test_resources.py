"""The resources: the warehouse, open for a run without keeping what the steps read or used; the report settings."""

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from dagster import build_init_resource_context

from pipelines.resources import warehouse_resource


def test_a_runs_steps_share_the_open_warehouse_and_it_is_closed_after(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with warehouse_resource(str(path)).yield_for_execution(build_init_resource_context()) as warehouse:
        with warehouse.get_connection() as conn:
            conn.execute("CREATE TABLE t AS SELECT 1 AS x")
            conn.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS y")
        with warehouse.get_connection() as conn:
            # the next step: the database's tables, not the last step's temporary ones
            assert conn.sql("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall() == [(0,)]
            assert conn.sql("SELECT x FROM t").fetchall() == [(1,)]
    reader = duckdb.connect(str(path), read_only=True)  # no connection of the run is left open
    assert reader.sql("SELECT x FROM t").fetchall() == [(1,)]
    reader.close()


def test_a_failed_steps_connection_is_closed_at_once(tmp_path):
    """DuckDBResource closes a step's connection only when the step succeeds: a failed step's stayed
    open as long as its traceback was kept (Dagster keeps it), and with it the file's lock."""
    path = str(tmp_path / "w.duckdb")
    warehouse = warehouse_resource(path)
    with pytest.raises(RuntimeError) as failed:
        with warehouse.get_connection() as conn:
            conn.execute("CREATE TABLE t AS SELECT 1 AS x")
            raise RuntimeError("the step failed")
    assert failed.value.__traceback__ is not None  # kept, as a failed step's is
    with duckdb.connect(path, read_only=True) as reader:
        assert reader.sql("SELECT x FROM t").fetchall() == [(1,)]


def test_a_step_leaves_nothing_cached_and_the_configured_limit(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    resource = warehouse_resource(str(path))
    with resource.yield_for_execution(build_init_resource_context()) as warehouse:
        with warehouse.get_connection() as conn:
            conn.execute("CREATE TABLE big AS SELECT md5(range::VARCHAR) AS s FROM range(1000000)")
            conn.execute("CHECKPOINT")
        with warehouse.get_connection() as conn:
            conn.sql("SELECT count(DISTINCT s) FROM big").fetchall()
            [(held,)] = conn.sql("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()
        with warehouse.get_connection() as conn:
            [(left,)] = conn.sql("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()
            [(limit,)] = conn.sql("SELECT current_setting('memory_limit')").fetchall()
        assert left < held / 10  # the blocks the last step read, not kept for the next
        [(configured,)] = duckdb.connect().sql(
            f"SET memory_limit = '{resource.connection_config['memory_limit']}'; "
            "SELECT current_setting('memory_limit')").fetchall()
        assert limit == configured  # the limit the run was configured with, restored


def test_what_must_not_be_half_imported_on_gx_thread_is_imported_before_it_starts():
    """sqlalchemy.orm half imported on GX's thread broke Dagster's own sqlalchemy calls on the run's
    thread (about one run in fifty). A fresh interpreter, the thread kept from starting: it is there."""
    code = ("import sys, threading; threading.Thread.start = lambda self: None\n"
            "from checks.gx_runner import warm_up, IMPORTED_FIRST\n"
            "assert not any(m in sys.modules for m in IMPORTED_FIRST), 'imported already'\n"
            "warm_up(); assert all(m in sys.modules for m in IMPORTED_FIRST)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_great_expectations_is_made_ready_on_a_thread_when_a_run_starts():
    import threading

    from checks import gx_runner
    from pipelines.resources import GreatExpectations

    with GreatExpectations().yield_for_execution(build_init_resource_context()):
        importing = [t for t in threading.enumerate() if t.name == "gx-import"]
        # Started (or done already, in a test process that validated before): the first check waits for it.
        assert importing or gx_runner._make_context.cache_info().currsize == 1
        made = gx_runner._context()
    assert gx_runner._make_context.cache_info().currsize == 1 and gx_runner._context() is made


@pytest.mark.parametrize("setting, message", [
    ({"language": "NL"}, "language 'NL': the reports are written in nl or en"),
    ({"language": "fr"}, "language 'fr'"),
    ({"reporting_minimum": 0}, "reporting_minimum 0: the smallest group a report shows, at least 1"),
])
def test_report_settings_refuse_a_language_or_minimum_the_reports_cannot_honour(tmp_path, setting, message):
    """"NL" gave Dutch text with English decimal points, a minimum of 0 hid nothing: both silently."""
    from pipelines.resources import ReportSettings

    with pytest.raises(Exception, match=re.escape(message)):
        ReportSettings(output_dir=str(tmp_path), **setting)


def test_english_reports_go_beside_the_dutch_not_over_them(tmp_path, monkeypatch):
    """An English run wrote rapport.html where the Dutch one was, and the next scheduled run put
    the Dutch back: each edition was lost in turn. English goes to <reports>/en/."""
    from pipelines.resources import ReportSettings, build_resources

    dutch = ReportSettings(output_dir=str(tmp_path)).path("pmg", "2023", "rapport.html")
    english = ReportSettings(output_dir=str(tmp_path), language="en").path("pmg", "2023", "rapport.html")
    assert dutch == tmp_path.resolve() / "pmg" / "2023" / "rapport.html"
    assert english == tmp_path.resolve() / "en" / "pmg" / "2023" / "rapport.html"
    monkeypatch.setenv("MHM_REPORT_LANGUAGE", "en")
    assert build_resources()["reports"].language == "en"


def test_a_run_says_when_it_leaves_a_cache_folder_others_can_write_alone(tmp_path):
    import os

    from pipelines.resources import SourceData

    cache = tmp_path / "cache"
    (cache / "codebooks").mkdir(parents=True, mode=0o700)
    os.chmod(cache, 0o700)
    warned = []

    class Log:
        def warning(self, message):
            warned.append(message)

    class Context:  # what setup_for_execution reads of Dagster's
        log = Log()

    def setup():
        SourceData(data_dir=str(tmp_path), pseudonym_key="k" * 40, cache_dir=str(cache)).setup_for_execution(Context())

    setup()
    assert warned == []
    os.chmod(cache / "codebooks", 0o777)
    setup()
    assert warned == [f"MHM_CACHE_DIR is not used: {cache / 'codebooks'} is writable by every user. Give the service "
                      "a cache folder of its own (the run is slower without one, not otherwise different)"]


def test_no_cache_folder_is_used_that_another_user_could_write_or_that_sits_in_one(tmp_path):
    """Cached codebooks and tables are read as trusted: a cache folder writable by every user, or
    one inside such a folder, is not used, and a run's log says so once, naming that folder."""
    import os

    from pipelines.resources import SourceData

    cache = tmp_path / "cache"
    (cache / "codebooks").mkdir(parents=True, mode=0o700)
    os.chmod(cache, 0o700)
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k" * 40, cache_dir=str(cache))
    assert sources.cache_folder("codebooks") == cache / "codebooks"
    os.chmod(cache / "codebooks", 0o777)
    assert sources.cache_folder("codebooks") is None
    os.chmod(cache, 0o777)
    assert sources.cache_folder("codebooks") is None and sources.cache_folder("unicode") is None
    warned = []
    sources.setup_for_execution(SimpleNamespace(log=SimpleNamespace(warning=warned.append)))
    assert len(warned) == 1 and warned[0].startswith(f"MHM_CACHE_DIR is not used: {cache} is writable by every user")
    os.chmod(cache / "codebooks", 0o700)
    assert sources.cache_folder("codebooks") is None  # in a folder others can write


def test_a_runs_codebooks_are_looked_up_once_per_programme_instrument_and_years(monkeypatch):
    """Within a run each lookup's codebooks are kept: another instrument or other years are looked up
    anew, and a caller changing the list it got does not change what the next one gets."""
    import pipelines.resources
    from pipelines.resources import SourceData
    from tests.conftest import DATA

    looked_up = []
    discover = pipelines.resources.discover_codebooks

    def counted(*args):
        looked_up.append(args[1:4])
        return discover(*args)

    monkeypatch.setattr(pipelines.resources, "discover_codebooks", counted)
    sources = SourceData(data_dir=str(DATA), pseudonym_key="k" * 40)
    sources.setup_for_execution(SimpleNamespace(log=SimpleNamespace(warning=print)))
    questionnaire = sources.codebooks("pmg", "pmg_questionnaire", [2023])
    assert [c.instrument for c in questionnaire] == ["pmg_questionnaire"]
    assert [c.instrument for c in sources.codebooks("pmg", "pmg_interviews", [2023])] == ["pmg_interviews"]
    assert sources.codebooks("pmg", "pmg_questionnaire", [2024]) == []
    questionnaire.clear()
    assert [c.year for c in sources.codebooks("pmg", "pmg_questionnaire", [2023])] == [2023]
    assert looked_up == [("pmg", "pmg_questionnaire", [2023]), ("pmg", "pmg_interviews", [2023]),
                         ("pmg", "pmg_questionnaire", [2024])]


def test_the_environment_configures_the_resources_and_the_defaults_are_the_documented_ones(tmp_path, monkeypatch):
    """The variables the module's docstring lists, each read, and their defaults: the smallest group
    a report shows is 5, PDFs of the organisations only on request, DuckDB bounded at 2GB."""
    from pipelines.resources import PROJECT_ROOT, ReportSettings, build_resources

    assert ReportSettings(output_dir=str(tmp_path)).reporting_minimum == 5  # as the tests' runs have it

    variables = ("MHM_WAREHOUSE", "MHM_DATA_DIR", "MHM_REPORTS_DIR", "MHM_CACHE_DIR", "MHM_REPORTING_MINIMUM",
                 "MHM_ORGANISATION_PDFS", "MHM_REPORT_LANGUAGE", "MHM_DUCKDB_MEMORY_LIMIT")
    for variable in variables:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    resources = build_resources()
    assert resources["duckdb"].database == str(PROJECT_ROOT / "warehouse" / "monitor.duckdb")
    assert resources["duckdb"].connection_config == {"memory_limit": "2GB"}
    assert resources["sources"].data_dir == str(PROJECT_ROOT / "data")
    assert resources["sources"].cache_dir == str(tmp_path / "home" / ".cache" / "mental-health-monitor")
    reports = resources["reports"]
    assert (reports.output_dir, reports.reporting_minimum, reports.organisation_pdfs, reports.language) == (
        str(PROJECT_ROOT / "reports"), 5, False, "nl")
    monkeypatch.chdir(tmp_path)  # a relative path is the current folder's
    for variable, value in zip(variables, ("w.duckdb", "in", "out", "cache", "10", "1", "en", "500MB")):
        monkeypatch.setenv(variable, value)
    resources = build_resources()
    assert resources["duckdb"].database == str(tmp_path / "w.duckdb")
    assert resources["duckdb"].connection_config == {"memory_limit": "500MB"}
    assert (resources["sources"].data_dir, resources["sources"].cache_dir) == (str(tmp_path / "in"),
                                                                               str(tmp_path / "cache"))
    reports = resources["reports"]
    assert (reports.output_dir, reports.reporting_minimum, reports.organisation_pdfs, reports.language) == (
        str(tmp_path / "out"), 10, True, "en")
    monkeypatch.setenv("MHM_ORGANISATION_PDFS", "0")
    assert build_resources()["reports"].organisation_pdfs is False


def test_the_validation_pages_are_shared_by_the_languages_and_each_edition_knows_the_others(tmp_path):
    """A report path's folder is made (0755, for the web server), an existing one's is not; the
    data engineer's pages go to one folder whatever the language; the other languages' reports are
    the other folders' (for a rerun to remove those of exports taken out)."""
    from pipelines.resources import ReportSettings

    root = tmp_path.resolve() / "reports"
    dutch, english = ReportSettings(output_dir=str(root)), ReportSettings(output_dir=str(root), language="en")
    assert english.existing("pmg", "2023", "r.html") == root / "en" / "pmg" / "2023" / "r.html"
    assert not root.exists()
    assert english.path("pmg", "2023", "r.html") == root / "en" / "pmg" / "2023" / "r.html"
    assert (root / "en" / "pmg" / "2023").is_dir() and (root / "en" / "pmg" / "2023").stat().st_mode & 0o777 == 0o755
    for settings in (dutch, english):
        assert settings.shared_path("validatie", "2023", "t.html") == root / "validatie" / "2023" / "t.html"
    assert (root / "validatie" / "2023").stat().st_mode & 0o777 == 0o755
    assert dutch.other_languages("pmg", "2023") == [root / "en" / "pmg" / "2023"]
    assert english.other_languages("pmg", "2023") == [root / "pmg" / "2023"]
