"""A yearly table's query reads its sources for the run's years only.

A new year's run is meant to cost that year, however many years the warehouse holds. DuckDB
filters a query's sources on year only where the filter can pass (not into either side of a FULL
JOIN, for one): there a query must say `{years}` where it reads a source, or a run of the eleventh
year reads all eleven (marts.pmg_response_counts did; its step took five times as long after ten
years as after one)."""

import json

import duckdb
import pytest

import pipelines.definitions  # noqa: F401 - defines every asset, and so fills YEARLY_QUERIES
from assets.partitions import for_years
from assets.tables import YEARLY_QUERIES
from warehouse.schema import ensure_schema, tables

RUN_YEAR, OTHER_YEAR = 2023, 2024


def _scans(node: dict) -> list[tuple[str, int]]:
    """(table, rows the scan passed on) of every table scan in a DuckDB JSON profile."""
    found = []
    if node.get("type") == "TABLE_SCAN":
        found.append((node["extra_info"].get("Table", "?"), node["intermediate_rows"]))
    for child in node.get("children", []) + node.get("operator", []):
        found += _scans(child)
    return found


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """Every contract table with 3 rows of the run's year and 50 of another year, every other
    column 1, 'x' or true (NULLs would let DuckDB prove a filtered source empty and skip its scan)."""
    conn = duckdb.connect(str(tmp_path_factory.mktemp("scoping") / "w.duckdb"))
    ensure_schema(conn)
    fill = {"VARCHAR": "'x'", "BOOLEAN": "true", "VARCHAR[]": "['x']", "TIMESTAMP": "'2024-01-01'"}
    for qualified, t in tables().items():
        if "year" in t.column_names:
            values = ", ".join("{year}" if c.name == "year" else f"{fill.get(c.type, 1)}::{c.type}" for c in t.columns)
            for year, n in ((RUN_YEAR, 3), (OTHER_YEAR, 50)):
                conn.execute(f"INSERT INTO {qualified} SELECT {values.format(year=year)} FROM range({n})")
    yield conn
    conn.close()


def test_the_registry_holds_the_yearly_queries():
    assert {"marts.pmg_response_counts", "marts.pmg_theme_quotes", "marts.tib_skills",
            "staging.pmg_questionnaire_responses"} <= set(YEARLY_QUERIES)
    assert "marts.pmg_trend" not in YEARLY_QUERIES  # spans the years


def scans_of(conn, qualified: str, profile) -> list[tuple[str, int]]:
    """The table scans of the query as replace_table runs it for the run's year: {years} filled
    in, the result filtered on year. (A source the optimiser proves empty is not scanned at all.)"""
    sql = f"SELECT * FROM ({for_years(YEARLY_QUERIES[qualified], [RUN_YEAR])}) WHERE year IN ({RUN_YEAR})"
    conn.execute("PRAGMA enable_profiling = 'json'")
    conn.execute(f"PRAGMA profiling_output = '{profile}'")
    try:
        conn.execute(sql).fetchall()
    finally:
        conn.execute("PRAGMA disable_profiling")
    return _scans(json.loads(profile.read_text()))


def test_the_profile_shows_the_scans(warehouse, tmp_path):
    """Else the test below would pass whatever the queries read."""
    assert ("w.staging.pmg_interview_segments", 3) in scans_of(warehouse, "marts.pmg_theme_mentions",
                                                               tmp_path / "profile.json")


@pytest.mark.parametrize("qualified", sorted(YEARLY_QUERIES))
def test_a_yearly_query_reads_only_the_run_years(qualified, warehouse, tmp_path):
    scans = scans_of(warehouse, qualified, tmp_path / "profile.json")
    assert [(table, rows) for table, rows in scans if rows > 3] == []


def test_the_partitions_are_the_years_from_2015_to_the_current_one():
    """docs/operations.md: a partition per year, from 2015 to the current year, its window the
    calendar year; the current year from 1 January, so exports arriving during the year load."""
    from datetime import datetime

    from assets.partitions import YEARS

    for now in (datetime(2026, 1, 2), datetime(2026, 6, 30), datetime(2026, 12, 31)):
        assert YEARS.get_partition_keys(current_time=now) == [str(y) for y in range(2015, 2027)], now
    window = YEARS.time_window_for_partition_key("2024")
    assert (window.start.date().isoformat(), window.end.date().isoformat()) == ("2024-01-01", "2025-01-01")


def test_a_backfills_run_writes_every_year_of_its_range_and_only_those():
    from types import SimpleNamespace

    from assets.partitions import for_years, partition_years, year_filter

    assert partition_years(SimpleNamespace(partition_keys=["2023", "2024", "2025"])) == [2023, 2024, 2025]
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t AS SELECT 2020 + i AS year, 2030 + i AS cohort FROM range(6) r(i)")

    def selected(years, column="year"):
        return [y for (y,) in conn.sql(f"SELECT year FROM t WHERE {year_filter(years, column)} ORDER BY 1").fetchall()]

    assert selected([2021, 2023]) == [2021, 2023] and selected([2034], "cohort") == [2024]
    assert selected([]) == [] and selected(None) == list(range(2020, 2026))
    sql = for_years("SELECT year FROM t WHERE {years} ORDER BY 1", [2022, 2025])
    assert [y for (y,) in conn.sql(sql).fetchall()] == [2022, 2025]


def test_a_frame_of_other_years_than_the_runs_is_refused_before_anything_is_deleted():
    """A year's run replaces its own rows: a frame holding another year would put that year's rows
    beside the ones already there (they are not deleted), so it is refused, and nothing changes."""
    from assets.tables import frame_for, replace_with_frame

    table = "marts.tib_trend"
    conn = duckdb.connect()
    ensure_schema(conn, table)
    row = {"outcome": "x", "n_respondents": 1, "pct": 1.0, "outcome_key": "x"}
    replace_with_frame(conn, table, frame_for(table, [{**row, "year": OTHER_YEAR}]), [OTHER_YEAR])
    with pytest.raises(ValueError, match="years outside the run's"):
        replace_with_frame(conn, table, frame_for(table, [{**row, "year": y} for y in (RUN_YEAR, OTHER_YEAR)]),
                           [RUN_YEAR])
    assert conn.sql(f"SELECT year FROM {table}").fetchall() == [(OTHER_YEAR,)]
    replace_with_frame(conn, table, frame_for(table, [{**row, "year": RUN_YEAR}]).clear(), [RUN_YEAR])
    assert conn.sql(f"SELECT year FROM {table}").fetchall() == [(OTHER_YEAR,)]
