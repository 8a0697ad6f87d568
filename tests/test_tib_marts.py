"""The Terug in Balans marts on crafted answers of four respondents, one of whom skipped the skill
questions: every answer listed (one nobody gave at 0%), every share of all respondents, each with
its interval. (The sample's cohort answered every question.)"""

import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from assets.tables import frame_for, replace_with_frame
from assets.terug_in_balans.marts import tib_relapse, tib_return_to_work, tib_skills
from assets.terug_in_balans.statistics import marts_tib_share_intervals, marts_tib_skill_mcnemar
from tests.conftest import materialize_years
from warehouse.schema import ensure_schema

LABELS = {"return_to_work": ["own_employer", "other_employer", "absent"], "relapse": ["yes", "no"],
          "skills_strengthened": ["grenzen", "ontspannen", "hulp"], "skills_still_applied": ["grenzen", "ontspannen", "hulp"]}
ANSWERS = {  # respondent: {variable: codes}
    "r1": {"return_to_work": ["own_employer"], "relapse": ["no"], "skills_strengthened": ["grenzen", "ontspannen"],
           "skills_still_applied": ["hulp"]},
    "r2": {"return_to_work": ["own_employer"], "relapse": ["no"], "skills_strengthened": ["ontspannen"],
           "skills_still_applied": ["ontspannen", "hulp"]},
    "r3": {"return_to_work": ["other_employer"], "relapse": ["yes"]},
    "r4": {"return_to_work": ["other_employer"], "relapse": ["no"]},
}


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    path = tmp_path_factory.mktemp("tib") / "warehouse.duckdb"
    labels = [{"year": 2024, "instrument": "tib_survey", "variable": variable, "position": i, "label": code.title(),
               "code": code} for variable, codes in LABELS.items() for i, code in enumerate(codes, start=1)]
    answers = [{"year": 2024, "source_file": "tib.xlsx", "row_number": int(person[1]), "participant_id": person,
                "wave": None, "variable": variable, "value_code": code}
               for person, given in ANSWERS.items() for variable, codes in given.items() for code in codes]
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "staging.codebook_labels", frame_for("staging.codebook_labels", labels))
        replace_with_frame(conn, "staging.tib_survey_answers", frame_for("staging.tib_survey_answers", answers))
    assert materialize_years([tib_return_to_work, tib_relapse, tib_skills, marts_tib_share_intervals,
                              marts_tib_skill_mcnemar], {"duckdb": DuckDBResource(database=str(path))},
                             years=(2024,)).success
    conn = duckdb.connect(str(path), read_only=True)
    yield conn
    conn.close()


def test_an_answer_nobody_gave_is_listed_at_zero(marts):
    assert marts.sql("SELECT outcome, n, n_respondents, pct FROM marts.tib_return_to_work").fetchall() == [
        ("own_employer", 2, 4, 50.0), ("other_employer", 2, 4, 50.0), ("absent", 0, 4, 0.0)]


def test_skill_shares_count_every_respondent_a_skipped_question_as_not_ticked(marts):
    assert marts.sql("SELECT skill_code, n_respondents, n_strengthened, n_still_applied FROM marts.tib_skills "
                     "ORDER BY skill_code").fetchall() == [("grenzen", 4, 1, 0), ("hulp", 4, 0, 2),
                                                           ("ontspannen", 4, 2, 1)]
    assert marts.sql("SELECT skill_code, n_respondents, m.both, strengthened_only, applied_only, neither "
                     "FROM marts.tib_skill_mcnemar AS m ORDER BY skill_code").fetchall() == [
        ("grenzen", 4, 0, 1, 0, 3), ("hulp", 4, 0, 0, 2, 2), ("ontspannen", 4, 1, 1, 0, 2)]


def test_every_share_has_its_interval_of_its_own_count_and_respondents(marts):
    shares = marts.sql("SELECT question, answer_code, n, n_respondents, ci_low_pct, pct, ci_high_pct "
                       "FROM marts.tib_share_intervals").fetchall()
    assert {(q, a): (n, of) for q, a, n, of, *_ in shares} == {
        ("return_to_work", "own_employer"): (2, 4), ("return_to_work", "other_employer"): (2, 4),
        ("return_to_work", "absent"): (0, 4), ("relapse", "yes"): (1, 4), ("relapse", "no"): (3, 4),
        ("relapse_among_returned", "yes"): (1, 4), ("relapse_among_returned", "no"): (3, 4),
        ("returned_to_work", "own_employer,other_employer"): (4, 4),
        ("skills_strengthened", "grenzen"): (1, 4), ("skills_strengthened", "ontspannen"): (2, 4),
        ("skills_strengthened", "hulp"): (0, 4), ("skills_still_applied", "grenzen"): (0, 4),
        ("skills_still_applied", "ontspannen"): (1, 4), ("skills_still_applied", "hulp"): (2, 4)}
    assert all(low <= pct <= high and pct == pytest.approx(100 * n / of) for _, _, n, of, low, pct, high in shares)


def test_each_cohort_lists_every_answer_of_its_own_codebook(tmp_path):
    """Two cohorts whose codebooks share the answer codes: each year's mart lists all of them, with
    that year's counts of that question's respondents (one label per code and year, not per code)."""
    path = tmp_path / "warehouse.duckdb"
    codes = LABELS["return_to_work"]
    labels = [{"year": year, "instrument": "tib_survey", "variable": "return_to_work", "position": i,
               "label": code.title(), "code": code} for year in (2024, 2025) for i, code in enumerate(codes, start=1)]
    answers = [{"year": year, "source_file": f"tib{year}.xlsx", "row_number": i, "participant_id": f"{year}-{i}",
                "wave": None, "variable": "return_to_work", "value_code": code}
               for year, given in ((2024, ["own_employer", "absent"]), (2025, ["other_employer"]))
               for i, code in enumerate(given, start=1)]
    # who skipped the question is no respondent of it
    answers.append({"year": 2025, "source_file": "tib2025.xlsx", "row_number": 9, "participant_id": "2025-9",
                    "wave": None, "variable": "relapse", "value_code": "no"})
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "staging.codebook_labels", frame_for("staging.codebook_labels", labels))
        replace_with_frame(conn, "staging.tib_survey_answers", frame_for("staging.tib_survey_answers", answers))
    assert materialize_years([tib_return_to_work], {"duckdb": DuckDBResource(database=str(path))},
                             years=(2024, 2025)).success
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.sql("SELECT year, outcome, n, n_respondents FROM marts.tib_return_to_work ORDER BY year, outcome"
                        ).fetchall() == [(2024, "absent", 1, 2), (2024, "other_employer", 0, 2),
                                         (2024, "own_employer", 1, 2), (2025, "absent", 0, 1),
                                         (2025, "other_employer", 1, 1), (2025, "own_employer", 0, 1)]


def test_who_went_back_to_work_is_read_of_the_same_cohort(tmp_path):
    """One person in two cohorts (one pseudonym): back at work in 2024, still absent in 2025. Of 2025's
    relapse answers none is of someone who went back to work in 2025."""
    path = tmp_path / "warehouse.duckdb"
    labels = [{"year": year, "instrument": "tib_survey", "variable": variable, "position": i, "label": code.title(),
               "code": code} for year in (2024, 2025) for variable in ("return_to_work", "relapse")
              for i, code in enumerate(LABELS[variable], start=1)]
    answers = [{"year": year, "source_file": f"tib{year}.xlsx", "row_number": 2, "participant_id": "p",
                "wave": None, "variable": variable, "value_code": code}
               for year, back in ((2024, "own_employer"), (2025, "absent"))
               for variable, code in (("return_to_work", back), ("relapse", "no"))]
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "staging.codebook_labels", frame_for("staging.codebook_labels", labels))
        replace_with_frame(conn, "staging.tib_survey_answers", frame_for("staging.tib_survey_answers", answers))
    assert materialize_years([tib_relapse], {"duckdb": DuckDBResource(database=str(path))}, years=(2024, 2025)).success
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.sql("SELECT year, n, n_returned, n_among_returned, pct_among_returned FROM marts.tib_relapse "
                        "WHERE answer = 'no' ORDER BY year").fetchall() == [(2024, 1, 1, 1, 100.0),
                                                                           (2025, 1, 0, 0, None)]


def test_a_skill_nobody_ticked_either_time_is_listed_at_zero(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    labels = [{"year": 2024, "instrument": "tib_survey", "variable": "skills_strengthened", "position": i,
               "label": code.title(), "code": code} for i, code in enumerate(("grenzen", "rust"), start=1)]
    answers = [{"year": 2024, "source_file": "tib.xlsx", "row_number": 2, "participant_id": "r1", "wave": None,
                "variable": variable, "value_code": "grenzen"}
               for variable in ("skills_strengthened", "skills_still_applied")]
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, "staging.codebook_labels", frame_for("staging.codebook_labels", labels))
        replace_with_frame(conn, "staging.tib_survey_answers", frame_for("staging.tib_survey_answers", answers))
    assert materialize_years([tib_skills], {"duckdb": DuckDBResource(database=str(path))}, years=(2024,)).success
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.sql("SELECT skill_code, n_strengthened, n_still_applied, pct_strengthened, pct_still_applied "
                        "FROM marts.tib_skills ORDER BY skill_code").fetchall() == [
            ("grenzen", 1, 1, 100.0, 100.0), ("rust", 0, 0, 0.0, 0.0)]
