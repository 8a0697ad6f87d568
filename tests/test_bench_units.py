"""Unit tests of the benchmark's parts (bench/), on crafted inputs: what the tiny run of
tests/test_bench_smoke.py cannot tell apart. The agreement must notice every differing, missing or
extra row of every mart; the ratios and memory it prints must be what they say."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from bench.agreement import MARTS, _same, compare

# --- bench/agreement.py ---------------------------------------------------------------------------

# One row per key of each mart as the warehouse holds it: (column, SQL type, value); two years
# (the script's), the theme's jdr_category NULL (outside Diagnose), the rating an integer.
ROWS = {
    "pmg_mental_health": [("organisation", "VARCHAR", "UMCG"), ("intervention", "VARCHAR", "Wandelcoaching"),
                          ("wave", "VARCHAR", "T0"), ("n", "INTEGER", 12), ("mean", "DOUBLE", 6.75),
                          ("min", "DOUBLE", 4.5), ("max", "DOUBLE", 9.0)],
    "pmg_intervention_rating": [("organisation", "VARCHAR", "RUG"), ("intervention", "VARCHAR", "Slaapcoaching"),
                                ("n", "INTEGER", 8), ("mean", "DOUBLE", 7.25), ("min", "DOUBLE", 5.0),
                                ("max", "DOUBLE", 10.0)],
    "pmg_theme_mentions": [("organisation", "VARCHAR", "UMCG"), ("intervention", "VARCHAR", "Wandelcoaching"),
                           ("wave", "VARCHAR", "T1"), ("section", "VARCHAR", "Evaluatie"),
                           ("igloo_level", "VARCHAR", "Individu"), ("jdr_category", "VARCHAR", None),
                           ("theme", "VARCHAR", "Tevredenheid"), ("n_participants", "INTEGER", 5),
                           ("n_groups", "INTEGER", 2)],
    "pmg_response_counts": [("organisation", "VARCHAR", "UMCG"), ("intervention", "VARCHAR", "Wandelcoaching"),
                            ("group_label", "VARCHAR", "Wandelcoaching 1"), ("n_t0", "INTEGER", 6),
                            ("n_t1", "INTEGER", 5), ("n_questionnaire_t0", "INTEGER", 20),
                            ("n_questionnaire_t1", "INTEGER", 17)],
    "tib_return_to_work": [("outcome", "VARCHAR", "own_employer"), ("n", "INTEGER", 24), ("pct", "DOUBLE", 80.0)],
    "tib_relapse": [("answer", "VARCHAR", "no"), ("n", "INTEGER", 28), ("pct", "DOUBLE", 93.3)],
    "tib_skills": [("skill", "VARCHAR", "Grenzen bewaken"), ("n_strengthened", "INTEGER", 21),
                   ("n_still_applied", "INTEGER", 19), ("pct_strengthened", "DOUBLE", 70.0),
                   ("pct_still_applied", "DOUBLE", 63.3)],
    "tib_factor_ratings": [("factor", "VARCHAR", "Buiten zijn"), ("rating", "INTEGER", 4), ("n", "INTEGER", 9),
                           ("pct", "DOUBLE", 30.0)],
}
YEARS = (2023, 2024)
# the pandas script's column names where they are not ours (bench/pandas_baseline.py)
THEIR_NAMES = {"n_t0": "n_T0", "n_t1": "n_T1", "n_questionnaire_t0": "n_questionnaire_T0",
               "n_questionnaire_t1": "n_questionnaire_T1",
               "outcome": "Ben je tijdens of na het traject teruggekeerd naar werk?",
               "answer": "Ben je sinds het afronden van het traject nog uitgevallen door psychische klachten?"}


def _warehouse(path, marts=ROWS, later_year=True):
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA marts")
        for name, cells in marts.items():
            columns = ", ".join(f"{c} {t}" for c, t, _ in cells)
            conn.execute(f"CREATE TABLE marts.{name} (year INTEGER, {columns})")
            for year in YEARS + ((2025,) if later_year else ()):
                conn.execute(f"INSERT INTO marts.{name} VALUES (?{', ?' * len(cells)})",
                             [year, *(v for _, _, v in cells)])
    return path


def _theirs(name, changes=None):
    """The script's frame of one mart for YEARS, as pandas_baseline builds it (its own column names and
    order, the year last, a rating as a float, a NULL as NaN); `changes`: {column: value} in YEARS[-1]."""
    rows = []
    for year in YEARS:
        row = {THEIR_NAMES.get(c, c): float(v) if c == "rating" else math.nan if v is None else v
               for c, _, v in ROWS[name]}
        if year == YEARS[-1]:
            row.update({THEIR_NAMES.get(c, c): v for c, v in (changes or {}).items()})
        rows.append({**row, "year": year})
    return pd.DataFrame(rows)


def _counts(compared=0, differ=0, missing=0, extra=0):
    return {"compared": compared, "differ": differ, "missing": missing, "extra": extra}


def test_the_crafted_marts_are_every_mart_compared():
    assert set(ROWS) == set(MARTS)
    for name, (keys, values, _) in MARTS.items():
        assert {c for c, _, _ in ROWS[name]} == set(keys + values) - {"year"}, name


def test_agreement_of_equal_marts_compares_every_row_of_the_scripts_years(tmp_path):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    assert compare(warehouse, {name: _theirs(name) for name in ROWS}) == {name: _counts(2) for name in ROWS}


@pytest.mark.parametrize("name, column", [(name, c) for name, (_, values, _) in MARTS.items() for c in values])
def test_agreement_notices_a_difference_in_every_value_compared(tmp_path, name, column):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    ours = next(v for c, _, v in ROWS[name] if c == column)
    assert compare(warehouse, {name: _theirs(name, {column: ours + 1})}) == {name: _counts(2, differ=1)}
    # a value one side has and the other has not (NaN) differs too; a millionth is no rounding
    assert compare(warehouse, {name: _theirs(name, {column: math.nan})}) == {name: _counts(2, differ=1)}
    assert compare(warehouse, {name: _theirs(name, {column: ours + 1e-6})}) == {name: _counts(2, differ=1)}


@pytest.mark.parametrize("name, column", [(name, c) for name, (keys, _, _) in MARTS.items() for c in keys
                                          if c != "year"])
def test_agreement_notices_a_row_of_another_key_as_missing_and_extra(tmp_path, name, column):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    other = 5.0 if column == "rating" else "another"
    assert compare(warehouse, {name: _theirs(name, {column: other})}) == {name: _counts(1, missing=1, extra=1)}


def test_agreement_joins_null_keys_and_a_float_rating(tmp_path):
    """The theme's NULL jdr_category and the rating 4 (pandas: 4.0) join their rows; were they not,
    both rows of each would be missing and extra."""
    warehouse = _warehouse(tmp_path / "w.duckdb")
    marts = {"pmg_theme_mentions": _theirs("pmg_theme_mentions"), "tib_factor_ratings": _theirs("tib_factor_ratings")}
    assert compare(warehouse, marts) == {name: _counts(2) for name in marts}


def test_agreement_counts_a_row_only_ours_once_something_was_counted(tmp_path):
    """A row only in the warehouse is extra if any of its counts is not 0 (the marts list every scale
    point, also one nobody gave, which the script has no row for)."""
    cells = ROWS["pmg_response_counts"]
    script = {"pmg_response_counts": _theirs("pmg_response_counts").iloc[:1]}  # 2023 only
    for n_t1, extra in ((0, 0), (1, 1)):
        crafted = [(c, (n_t1 if c == "n_t1" else 0) if c.startswith("n_") else "another" if c == "group_label" else v)
                   for c, _, v in cells]
        warehouse = _warehouse(tmp_path / f"w{n_t1}.duckdb", {"pmg_response_counts": cells})
        with duckdb.connect(str(warehouse)) as conn:
            conn.execute("INSERT INTO marts.pmg_response_counts BY NAME SELECT 2023 AS year, "
                         + ", ".join(f"? AS {c}" for c, _ in crafted), [v for _, v in crafted])
        assert compare(warehouse, script) == {"pmg_response_counts": _counts(1, extra=extra)}, n_t1


def test_agreement_skips_a_mart_the_script_has_no_rows_of(tmp_path):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    empty = _theirs("tib_skills").iloc[:0]
    assert compare(warehouse, {"tib_skills": empty, "tib_relapse": _theirs("tib_relapse")}) == {
        "tib_relapse": _counts(2)}


def test_same_is_equal_to_a_billionth_and_nan_only_to_nan():
    ours = pd.Series([1.0, 1.0, math.nan, math.nan, 2.0])
    theirs = pd.Series([1.0 + 1e-10, 1.0 + 1e-7, math.nan, 2.0, math.nan])
    assert _same(ours, theirs).tolist() == [True, False, True, False, False]
