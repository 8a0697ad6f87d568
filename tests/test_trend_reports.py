"""The Terug in Balans factsheet's comparison with the previous cohort (marts.tib_trend), on crafted
marts of two cohorts."""

import duckdb
import pytest
from dagster import materialize
from dagster_duckdb import DuckDBResource

from assets.reporting.editions import Edition
from assets.reporting.html import Heading, Table
from assets.tables import frame_for, replace_with_frame
from assets.terug_in_balans.marts import tib_trend
from assets.terug_in_balans.report import build, load_year
from warehouse.schema import ensure_schema

MINIMUM = 5


def _return_to_work(year, own, n):
    return [{"year": year, "outcome": "own_employer", "outcome_label": "Ja, bij huidige werkgever", "n": own,
             "n_respondents": n, "pct": 100 * own / n},
            {"year": year, "outcome": "still_absent", "outcome_label": "Nee, zelfde klachten", "n": n - own,
             "n_respondents": n, "pct": 100 * (n - own) / n}]


def _skill(year, name, strengthened, applied, n=30):
    return {"year": year, "domain": "Cognitief", "skill": name, "n_respondents": n, "n_strengthened": strengthened,
            "n_still_applied": applied, "pct_strengthened": 100 * strengthened / n,
            "pct_still_applied": 100 * applied / n, "skill_code": "grenzen"}


def _factor(year, counts, variable="klik", name="De klik met de coach"):
    n = sum(counts)
    return [{"year": year, "factor": name, "rating": rating, "rating_label": str(rating), "n": k, "n_respondents": n,
             "pct": 100 * k / n, "factor_variable": variable} for rating, k in zip(range(1, 6), counts)]


@pytest.fixture
def two_cohorts(tmp_path):
    """2024 and 2025: own employer 14 of 30 then 15 of 28; a skill reworded in 2025 under its code;
    "De klik met de coach" rated by 30 then 24 (flink of zeer 24 then 12), "Buiten zijn" by 4 then 20."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        for mart, rows in {
            "tib_return_to_work": _return_to_work(2024, 14, 30) + _return_to_work(2025, 15, 28),
            "tib_skills": [_skill(2024, "Grenzen bewaken", 20, 10), _skill(2025, "Grenzen aangeven", 18, 15)],
            "tib_factor_ratings": (_factor(2024, [1, 2, 3, 10, 14]) + _factor(2025, [2, 4, 6, 6, 6])
                                   + _factor(2024, [1, 1, 1, 1, 0], "buiten", "Buiten zijn")
                                   + _factor(2025, [4, 4, 4, 4, 4], "buiten", "Buiten zijn")),
            "tib_factor_summary": [{"year": 2025, "factor": "De klik met de coach", "rank": 1, "n_respondents": 24,
                                    "median_rating": 3.5, "pct_flink_of_zeer": 50.0, "factor_variable": "klik"}],
        }.items():
            replace_with_frame(conn, f"marts.{mart}", frame_for(f"marts.{mart}", rows))
    assert materialize([tib_trend], resources={"duckdb": DuckDBResource(database=str(path))}).success
    conn = duckdb.connect(str(path), read_only=True)
    yield conn
    conn.close()


def _trend_table(blocks) -> Table | None:
    found = [b for b in blocks if isinstance(b, Table) and "naast die van het vorige cohort" in b.caption]
    return found[0] if found else None


def test_the_factsheet_sets_each_share_beside_the_previous_cohorts_with_the_difference(two_cohorts):
    table = _trend_table(build(load_year(two_cohorts, 2025), Edition(True, MINIMUM)))
    assert table.headers == ["Uitkomst", "Vorig cohort", "Toen", "Nu (2025)", "Verschil (procentpunt)"]
    assert table.caption.startswith("Tabel ") and table.caption.endswith("Aandelen van het cohort 2025 naast die van "
                                                                         "het vorige cohort")
    # in the factsheet's order: return to work, skills strengthened and still applied, factors; a
    # series by its code, named in this cohort's words (the skill was "Grenzen bewaken" in 2024)
    assert table.rows == [
        ["terugkeer naar werk: Ja, bij huidige werkgever", "2024", "46,7% (N=30)", "53,6% (N=28)", "+6,9"],
        ["terugkeer naar werk: Nee, zelfde klachten", "2024", "53,3% (N=30)", "46,4% (N=28)", "−6,9"],
        ["vaardigheid versterkt: Grenzen aangeven", "2024", "66,7% (N=30)", "60,0% (N=30)", "−6,7"],
        ["vaardigheid nog toegepast: Grenzen aangeven", "2024", "33,3% (N=30)", "50,0% (N=30)", "+16,7"],
        # a factor named from this cohort's summary, else by the mart's words
        ["flink of zeer behulpzaam: Buiten zijn", "2024", "25,0% (N=4)", "40,0% (N=20)", "+15,0"],
        ["flink of zeer behulpzaam: De klik met de coach", "2024", "80,0% (N=30)", "50,0% (N=24)", "−30,0"]]
    assert table.numeric == frozenset({1, 2, 3, 4})


def test_the_stakeholder_factsheet_leaves_out_a_share_either_cohorts_edition_left_out(two_cohorts):
    """Buiten zijn: 4 raters in 2024, whose share that year's stakeholder edition did not show; beside
    this year's, the difference would give it."""
    stakeholder = _trend_table(build(load_year(two_cohorts, 2025), Edition(False, MINIMUM)))
    assert [row[0] for row in stakeholder.rows] == [
        "terugkeer naar werk: Ja, bij huidige werkgever", "terugkeer naar werk: Nee, zelfde klachten",
        "vaardigheid versterkt: Grenzen aangeven", "vaardigheid nog toegepast: Grenzen aangeven",
        "flink of zeer behulpzaam: De klik met de coach"]
    assert "Weggelaten: uitkomsten met minder dan 5 respondenten in een van beide cohorten (1)." in stakeholder.notes
    assert not any("25,0%" in cell or "+15,0" in cell for row in stakeholder.rows for cell in row)
    # a minimum above every cohort: the heading, and why there is no table
    blocks = build(load_year(two_cohorts, 2025), Edition(False, 31))
    assert _trend_table(blocks) is None
    assert "Geen uitkomst had in beide cohorten minstens 31 respondenten." in [getattr(b, "text", "") for b in blocks]


def test_the_first_cohort_has_no_comparison_and_the_english_factsheet_names_the_kinds_in_english(two_cohorts):
    blocks = build(load_year(two_cohorts, 2024), Edition(True, MINIMUM))
    assert _trend_table(blocks) is None and Heading("Vergelijking met het vorige cohort", 2) not in blocks
    english = build(load_year(two_cohorts, 2025), Edition(True, MINIMUM, "en"))
    [table] = [b for b in english if isinstance(b, Table) and "beside those of the previous cohort" in b.caption]
    assert table.rows[0][0] == "return to work: Ja, bij huidige werkgever" and table.rows[0][2] == "46.7% (N=30)"
    assert table.headers[-1] == "Difference (percentage points)"
