"""The trend marts on crafted rows: the change since the previous edition has its sign, follows one
organisation's intervention, and is not given across a changed scale. (The sample's second edition
is a copy of the first: every change there is 0.)"""

import duckdb
import pytest
from dagster import materialize
from dagster_duckdb import DuckDBResource

from assets.pmg.marts import pmg_trend
from assets.tables import frame_for, replace_with_frame
from assets.terug_in_balans.marts import tib_trend
from warehouse.schema import ensure_schema


def _grade(year, organisation, wave, mean, scale=(0.0, 10.0)):
    return {"year": year, "organisation": organisation, "intervention": "Mindfulness", "wave": wave, "n": 8,
            "mean": mean, "min": 1.0, "max": 9.0, "scale_min": scale[0], "scale_max": scale[1]}


def _trend(path, asset, table: str, columns: str, where: str = "true") -> list[tuple]:
    assert materialize([asset], resources={"duckdb": DuckDBResource(database=str(path))}).success
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.sql(f"SELECT {columns} FROM {table} WHERE {where} ORDER BY ALL").fetchall()


def test_the_pmg_trend_is_each_organisations_own_change_with_its_sign(tmp_path):
    """Two organisations run an intervention of the same name: each row's change is its own mean
    minus its own previous edition's, never the other organisation's."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "marts.pmg_mental_health", frame_for("marts.pmg_mental_health", [
            _grade(2023, "UMCG", "T1", 6.0), _grade(2024, "UMCG", "T1", 7.5),
            _grade(2023, "RUG", "T1", 8.0), _grade(2024, "RUG", "T1", 5.0),
            # 2025: UMCG's scale starts at 1 instead of 0 (its top the same), RUG's is as before
            _grade(2025, "UMCG", "T1", 7.0, (1.0, 10.0)), _grade(2025, "RUG", "T1", 5.5)]))
    assert _trend(path, pmg_trend, "marts.pmg_trend", "organisation, year, previous_year, change_from_previous") == [
        ("RUG", 2023, None, None), ("RUG", 2024, 2023, -3.0), ("RUG", 2025, 2024, 0.5),
        ("UMCG", 2023, None, None), ("UMCG", 2024, 2023, 1.5), ("UMCG", 2025, 2024, None)]



def test_the_pmg_trend_gives_no_change_across_either_end_of_a_changed_scale_but_across_an_unknown_one(tmp_path):
    """A scale whose bottom moves down, then one whose top moves: no change either time. A year
    without a scale (staged before scales were kept) is taken to be on the previous one."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "marts.pmg_mental_health", frame_for("marts.pmg_mental_health", [
            _grade(2023, "Hanze", "T0", 6.0, (1.0, 10.0)), _grade(2024, "Hanze", "T0", 7.0, (0.0, 10.0)),
            _grade(2025, "Hanze", "T0", 4.0, (0.0, 5.0)), _grade(2026, "Hanze", "T0", 4.5, (None, None))]))
    assert _trend(path, pmg_trend, "marts.pmg_trend", "year, previous_year, change_from_previous") == [
        (2023, None, None), (2024, 2023, None), (2025, 2024, None), (2026, 2025, 0.5)]

def _return_to_work(year, pct):
    return {"year": year, "outcome": "same_employer", "outcome_label": "Ja, bij dezelfde werkgever",
            "n": round(pct * 0.3), "n_respondents": 30, "pct": pct}


def test_the_tib_trend_is_this_cohorts_share_minus_the_previous_ones(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "marts.tib_return_to_work", frame_for("marts.tib_return_to_work", [
            _return_to_work(2023, 40.0), _return_to_work(2024, 60.0), _return_to_work(2025, 50.0)]))
    rows = _trend(path, tib_trend, "marts.tib_trend", "year, previous_year, change_from_previous",
                  "outcome_key = 'return_to_work:same_employer'")
    assert rows == [(2023, None, None), (2024, 2023, pytest.approx(20.0)), (2025, 2024, pytest.approx(-10.0))]


def test_the_tib_trend_gives_each_skill_its_strengthened_and_its_still_applied_share(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "marts.tib_skills", frame_for("marts.tib_skills", [
            {"year": 2024, "domain": "Cognitief", "skill": "Grenzen bewaken", "n_respondents": 10, "n_strengthened": 8,
             "n_still_applied": 7, "pct_strengthened": 80.0, "pct_still_applied": 70.0, "skill_code": "grenzen"}]))
    assert _trend(path, tib_trend, "marts.tib_trend", "outcome_key, pct") == [
        ("skills_still_applied:grenzen", 70.0), ("skills_strengthened:grenzen", 80.0)]


def test_skill_rows_written_before_their_codes_take_the_code_their_years_codebook_gives(tmp_path):
    """Rows from before tib_skills kept skill_code: a skill's series follows the code its own year's
    codebook gives its wording (the same words may be another code in another year), else the one
    code any year gives those words, else the words themselves."""
    def skill(year, name):
        return {"year": year, "domain": "Cognitief", "skill": name, "n_respondents": 10, "n_strengthened": 5,
                "n_still_applied": 4, "pct_strengthened": 50.0, "pct_still_applied": 40.0, "skill_code": None}

    def label(year, name, code):
        return {"year": year, "instrument": "tib_survey", "variable": "skills_strengthened", "position": 1,
                "label": name, "code": code}

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "marts.tib_skills", frame_for("marts.tib_skills", [
            skill(2023, "Grenzen bewaken"), skill(2024, "Grenzen bewaken"), skill(2024, "Rust nemen"),
            skill(2025, "Grenzen bewaken")]))
        replace_with_frame(conn, "staging.codebook_labels", frame_for("staging.codebook_labels", [
            label(2023, "Grenzen bewaken", "grenzen"), label(2023, "Rust nemen", "rust"),
            label(2024, "Grenzen bewaken", "grenzen_2024")]))
    assert _trend(path, tib_trend, "marts.tib_trend", "year, outcome_key",
                  "outcome_key LIKE 'skills_strengthened:%'") == [
        (2023, "skills_strengthened:grenzen"), (2024, "skills_strengthened:grenzen_2024"),
        (2024, "skills_strengthened:rust"),
        # no codebook of 2025, and two codes of those words in others: no series of either, its own
        (2025, "skills_strengthened:Grenzen bewaken")]
