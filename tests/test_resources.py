"""The resources: the warehouse, open for a run without keeping what the steps read or used; the report settings."""

import re
import subprocess
import sys
from pathlib import Path

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
