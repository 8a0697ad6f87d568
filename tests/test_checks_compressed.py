"""GX on compressed batches (checks/gx_runner.py) reports what GX reports on the whole batch."""

import random

import duckdb
import pandas as pd
import pytest

from checks.gx_runner import run_suite, validate_batch, validate_frame
from checks.suites import PSEUDONYM, Expectation, Suite
from warehouse.schema import ensure_schema

COLUMNS = ("year", "source_file", "row_number", "participant_id", "wave", "variable", "value_code",
           "grade", "intervention_grade", "points")


def e(type_: str, **kwargs) -> Expectation:
    return Expectation(type_, kwargs, f"{type_} {kwargs}")


EXPECTATIONS = [
    *(e("ExpectColumnValuesToNotBeNull", column=c) for c in COLUMNS),
    e("ExpectColumnValuesToBeNull", column="intervention_grade", row_condition="wave not in ['T1']",
      condition_parser="pandas"),
    e("ExpectColumnValuesToBeNull", column="grade", row_condition='variable=="never"', condition_parser="pandas"),
    e("ExpectColumnValuesToBeInSet", column="wave", value_set=["T0", "T1"]),
    e("ExpectColumnValuesToBeInSet", column="value_code", value_set=["a", "b"],
      row_condition='variable=="x"', condition_parser="pandas"),
    e("ExpectColumnValuesToBeInSet", column="value_code", value_set=["a", "b", "c", "d"]),
    e("ExpectColumnValuesToBeBetween", column="grade", min_value=0, max_value=10),
    e("ExpectColumnValuesToBeBetween", column="points", min_value=1, max_value=5,
      row_condition='variable=="y"', condition_parser="pandas"),
    e("ExpectColumnValuesToBeBetween", column="intervention_grade", min_value=1, max_value=10),
    e("ExpectColumnValuesToMatchRegex", column="participant_id", regex=PSEUDONYM),
    e("ExpectColumnValuesToMatchRegex", column="variable", regex="^[xyz]$"),
    e("ExpectCompoundColumnsToBeUnique", column_list=["year", "participant_id", "wave"]),
    e("ExpectCompoundColumnsToBeUnique", column_list=["source_file", "row_number"]),
    e("ExpectCompoundColumnsToBeUnique", column_list=["wave", "points"], ignore_row_if="any_value_is_missing"),
    e("ExpectCompoundColumnsToBeUnique", column_list=["wave", "points"], ignore_row_if="never"),
    e("ExpectColumnValuesToNotBeNull", column="not_read"),  # not among the columns read: GX reports it missing
]


def planted_table(conn, rows_per_year: int = 2500) -> None:
    """Two years of rows with every kind of bad value planted, interleaved so samples need row order."""
    rng = random.Random(6)
    pseudonyms = [f"p_{rng.getrandbits(80):020x}" for _ in range(300)]
    rows = []
    for i in range(2 * rows_per_year):
        year = 2023 + i % 2
        roll = rng.random()
        participant = (None if roll < 0.02 else f"RUG-EN-{rng.randrange(4):02d}" if roll < 0.05
                       else "P_" + "A" * 20 if roll < 0.06 else rng.choice(pseudonyms))
        wave = rng.choices(["T0", "T1", "T2", None], weights=[48, 48, 3, 1])[0]
        variable = rng.choices(["x", "y", "z", "w", None], weights=[40, 40, 15, 3, 2])[0]
        value_code = rng.choices(["a", "b", "c", "e", None], weights=[40, 40, 10, 5, 5])[0]
        grade = rng.choices([round(rng.uniform(0, 10), 1), 11.5, -1.0, None], weights=[90, 3, 3, 4])[0]
        intervention_grade = (rng.choice([None, 7.0, 0.0]) if wave != "T1" or rng.random() < 0.05
                              else rng.choice([6.0, 8.0, 12.0, None]))
        points = rng.choices([rng.randint(1, 5), 0, 7, None], weights=[90, 3, 3, 4])[0]
        source_file, row_number = f"f{year}.csv", i // 2 + 4
        if rng.random() < 0.03:
            row_number -= rng.randint(1, 3)  # a duplicated file row
        if rng.random() < 0.01:
            source_file = row_number = None  # all key values missing: GX leaves the row out
        rows.append((year, source_file, row_number, participant, wave, variable, value_code, grade,
                     intervention_grade, points))
    frame = pd.DataFrame(rows, columns=COLUMNS)  # noqa: F841 (read by DuckDB below)
    conn.execute("CREATE TABLE t (year INTEGER, source_file VARCHAR, row_number INTEGER, participant_id VARCHAR, "
                 "wave VARCHAR, variable VARCHAR, value_code VARCHAR, grade DOUBLE, intervention_grade DOUBLE, "
                 "points INTEGER, not_read VARCHAR)")
    conn.execute(f"INSERT INTO t ({', '.join(COLUMNS)}) SELECT * FROM frame")


def whole_batch(conn, year: int) -> list[dict]:
    """The reference: GX on the whole batch as one pandas frame (what run_suite did before)."""
    frame = conn.sql(f"SELECT {', '.join(COLUMNS)} FROM t WHERE year = $1", params=[year]).df()
    return validate_frame(frame, EXPECTATIONS)


@pytest.mark.parametrize("year", [2023, 2024])
def test_compressed_batches_report_what_gx_reports_on_the_whole_batch(year):
    conn = duckdb.connect()
    planted_table(conn)
    compressed = validate_batch(conn, "t", lambda a: f"{a}.year = $1", [year], EXPECTATIONS, COLUMNS)
    reference = whole_batch(conn, year)
    for got, want in zip(compressed, reference, strict=True):
        assert (got["success"], got["unexpected_count"], got["sample"]) == (
            want["success"], want["unexpected_count"], want["sample"]), want["expectation"]
        assert (got["error"] is None) == (want["error"] is None), want["expectation"]
    # The planted values fail every expectation but the never-true condition and the year.
    passing = {r["expectation"] for r in reference if r["success"]}
    assert passing == {EXPECTATIONS[0].describes, EXPECTATIONS[11].describes}
    assert reference[-1]["error"] and not reference[-1]["success"]


def test_compressed_uniqueness_counts_every_row_of_a_duplicated_key():
    conn = duckdb.connect()
    conn.execute("CREATE TABLE u AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (1, 'a'), (3, NULL), (1, 'a'), "
                 "(3, NULL), (NULL, NULL), (NULL, NULL)) v(k, s)")
    unique = [e("ExpectCompoundColumnsToBeUnique", column_list=["k", "s"])]
    [got] = validate_batch(conn, "u", lambda a: "true", [], unique, ("k", "s"))
    [want] = validate_frame(conn.sql("SELECT k, s FROM u").df(), unique)
    assert got["unexpected_count"] == want["unexpected_count"] == 5  # three (1, a) and two (3, NULL)
    assert got["sample"] == want["sample"]


def test_years_select_the_batches_of_a_partition():
    conn = duckdb.connect()
    planted_table(conn, rows_per_year=50)
    by_year = Suite("t", COLUMNS, tuple(EXPECTATIONS[:3]))
    result = run_suite(conn, by_year, [], None, years=[2024])
    assert result.metadata["batches"].value == ["2024"]
    assert "| 2023 |" not in result.metadata["expectations"].value
    result = run_suite(conn, by_year, [], None, years=[2030])
    assert not result.passed and "nothing to validate" in result.description

    ensure_schema(conn, "raw.source_files")
    conn.execute("INSERT INTO raw.source_files (source_file, year) VALUES ('f2023.csv', 2023), ('f2024.csv', 2024)")
    by_file = Suite("t", COLUMNS, tuple(EXPECTATIONS[:3]), batch_by="source_file")
    assert run_suite(conn, by_file, [], None, years=[2023]).metadata["batches"].value == ["f2023.csv"]
    result = run_suite(conn, by_file, [], None)  # rows without a source file are validated too
    assert result.metadata["batches"].value == ["f2023.csv", "f2024.csv", "None"]
    assert "| None | ExpectColumnValuesToNotBeNull {'column': 'source_file'} | **no** |" in (
        result.metadata["expectations"].value)
