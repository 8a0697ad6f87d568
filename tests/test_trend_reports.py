"""The reports' comparison with the previous edition: the Terug in Balans factsheet's with the
previous cohort (marts.tib_trend), the PMG report's per intervention (marts.pmg_trend), on crafted
marts of two years."""

from dataclasses import replace

import duckdb
import polars as pl
import pytest
from dagster import materialize
from dagster_duckdb import DuckDBResource

from assets.pmg import report as pmg
from assets.pmg.disclosure import disclosure
from assets.pmg.marts import pmg_trend
from assets.pmg.year_data import load_year as load_year_pmg
from assets.reporting.editions import Edition
from assets.reporting.html import Heading, Paragraph, Table
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


def _warehouse(tmp_path, tables: dict[str, list[dict]], trend) -> duckdb.DuckDBPyConnection:
    """A warehouse of the crafted rows ({table: rows}) and the trend mart `trend` made from them,
    opened read-only."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        for table, rows in tables.items():
            replace_with_frame(conn, table, frame_for(table, rows))
    assert materialize([trend], resources={"duckdb": DuckDBResource(database=str(path))}).success
    return duckdb.connect(str(path), read_only=True)


def _paired_total(year, n_pairs):
    return {"year": year, "organisation": "GGD", "intervention": "Yoga", "group_label": "(alle groepen)",
            "n_pairs": n_pairs, "mean_t0": 5.0, "mean_t1": 7.5, "mean_difference": 2.5, "is_total": True}


@pytest.fixture
def two_cohorts(tmp_path):
    """2024 and 2025: own employer 14 of 30 then 15 of 28; a skill reworded in 2025 under its code;
    "De klik met de coach" rated by 30 then 24 (flink of zeer 24 then 12), "Buiten zijn" by 4 then 20,
    "Lotgenoten" by 20 then 3."""
    conn = _warehouse(tmp_path, {f"marts.{mart}": rows for mart, rows in {
        "tib_return_to_work": _return_to_work(2024, 14, 30) + _return_to_work(2025, 15, 28),
        "tib_skills": [_skill(2024, "Grenzen bewaken", 20, 10), _skill(2025, "Grenzen aangeven", 18, 15)],
        "tib_factor_ratings": (_factor(2024, [1, 2, 3, 10, 14]) + _factor(2025, [2, 4, 6, 6, 6])
                               + _factor(2024, [1, 1, 1, 1, 0], "buiten", "Buiten zijn")
                               + _factor(2025, [4, 4, 4, 4, 4], "buiten", "Buiten zijn")
                               + _factor(2024, [4, 4, 4, 4, 4], "lotgenoten", "Lotgenoten")
                               + _factor(2025, [1, 1, 1, 0, 0], "lotgenoten", "Lotgenoten")),
        "tib_factor_summary": [{"year": 2025, "factor": "De klik met de coach", "rank": 1, "n_respondents": 24,
                                "median_rating": 3.5, "pct_flink_of_zeer": 50.0, "factor_variable": "klik"}],
    }.items()}, tib_trend)
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
        ["flink of zeer behulpzaam: De klik met de coach", "2024", "80,0% (N=30)", "50,0% (N=24)", "−30,0"],
        ["flink of zeer behulpzaam: Lotgenoten", "2024", "40,0% (N=20)", "0,0% (N=3)", "−40,0"]]
    assert table.numeric == frozenset({1, 2, 3, 4})


def test_the_stakeholder_factsheet_leaves_out_a_share_either_cohorts_edition_left_out(two_cohorts):
    """Buiten zijn: 4 raters in 2024, whose share that year's stakeholder edition did not show; beside
    this year's, the difference would give it. Lotgenoten: 3 raters this year."""
    stakeholder = _trend_table(build(load_year(two_cohorts, 2025), Edition(False, MINIMUM)))
    assert [row[0] for row in stakeholder.rows] == [
        "terugkeer naar werk: Ja, bij huidige werkgever", "terugkeer naar werk: Nee, zelfde klachten",
        "vaardigheid versterkt: Grenzen aangeven", "vaardigheid nog toegepast: Grenzen aangeven",
        "flink of zeer behulpzaam: De klik met de coach"]
    assert "Weggelaten: uitkomsten met minder dan 5 respondenten in een van beide cohorten (2)." in stakeholder.notes
    assert not any("25,0%" in cell or "+15,0" in cell or "(N=3)" in cell for row in stakeholder.rows for cell in row)
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
    # a factor named by the mart's words (not in this cohort's summary): its kind in English too
    assert "quite or very helpful: Buiten zijn" in [row[0] for row in table.rows]
    assert not any(row[0].startswith("flink of zeer") for row in table.rows)


# --- PMG: each intervention's means beside its previous edition's ------------------------------------

def _grade(year, organisation, wave, mean, n=12, scale=(0.0, 10.0)):
    return {"year": year, "organisation": organisation, "intervention": "Yoga", "wave": wave, "n": n, "mean": mean,
            "min": 3.0, "max": 9.0, "scale_min": scale[0], "scale_max": scale[1]}


def _count(year, organisation):
    return {"year": year, "organisation": organisation, "intervention": "Yoga", "group_label": "Groep 1",
            "n_t0": 6, "n_t1": 6, "n_questionnaire_t0": 12, "n_questionnaire_t1": 12, "n_interviews_t0": 1,
            "n_interviews_t1": 1, "smallest_interview": 6, "largest_interview": 6}


@pytest.fixture
def two_editions(tmp_path):
    """Yoga at RUG and UMCG in 2023 and 2024. RUG: T0 6.0 then 6.5 (of 3 people in 2024), T1 on a
    scale of 1-10 in 2024 (0-10 before), its grade 7.0 then 7.25 asked otherwise; UMCG: T1 7.0 then
    6.0, whose 2023 mean that year's stakeholder edition hid (secondary)."""
    conn = _warehouse(tmp_path, {
        "marts.pmg_mental_health": [
            _grade(2023, "RUG", "T0", 6.0), _grade(2024, "RUG", "T0", 6.5, n=3),
            _grade(2023, "RUG", "T1", 7.0), _grade(2024, "RUG", "T1", 7.5, scale=(1.0, 10.0)),
            _grade(2023, "UMCG", "T1", 7.0), _grade(2024, "UMCG", "T1", 6.0)],
        "marts.pmg_intervention_rating": [
            {**_grade(year, "RUG", None, mean), "wave": None} for year, mean in ((2023, 7.0), (2024, 7.25))],
        "marts.pmg_response_counts": [_count(year, o) for year in (2023, 2024) for o in ("RUG", "UMCG")],
        "marts.pmg_stakeholder_hidden": [
            {"year": 2023, "organisation": "UMCG", "intervention": "Yoga", "hidden_in": "marts.pmg_mental_health",
             "wave": "T1", "reason": "secondary", "n": 12, "reporting_minimum": MINIMUM}],
        "staging.codebook_variables": [
            {"year": year, "instrument": "pmg_questionnaire", "variable": "intervention_grade", "type": "number",
             "variable_text": text, "text_given": True}
            for year, text in ((2023, "Welk cijfer geeft u de interventie?"),
                               (2024, "Welk cijfer geeft u de interventie als geheel?"))],
    }, pmg_trend)
    yield conn
    conn.close()


def _pmg_trend_table(data, edition, compact=False) -> tuple[list, Table | None]:
    blocks = pmg.trend_blocks(data, edition, disclosure(data, edition), 7, compact)
    tables = [b for b in blocks if isinstance(b, Table)]
    return blocks, tables[0] if tables else None


def test_the_pmg_report_sets_each_mean_beside_the_previous_editions(two_editions):
    blocks, table = _pmg_trend_table(load_year_pmg(two_editions, 2024, trend=True), Edition(True, MINIMUM))
    assert blocks[0] == Heading("Vergelijking met de vorige editie", 2)
    assert table.caption == "Tabel 7 Gemiddelden van 2024 naast die van de vorige editie"
    assert table.headers == ["Organisatie", "Interventie", "Uitkomst", "Vorige editie", "Toen", "Nu (2024)",
                             "Verschil"]
    assert table.rows == [
        ["RUG", "Yoga", "Cijfer interventie †", "2023", "M=7,0 (N=12)", "M=7,3 (N=12)", "+0,3"],
        ["RUG", "Yoga", "Ervaren mentale gezondheid T0", "2023", "M=6,0 (N=12)", "M=6,5 (N=3)", "+0,5"],
        # another scale: no difference
        ["RUG", "Yoga", "Ervaren mentale gezondheid T1", "2023", "M=7,0 (N=12)", "M=7,5 (N=12)", "–"],
        ["UMCG", "Yoga", "Ervaren mentale gezondheid T1", "2023", "M=7,0 (N=12)", "M=6,0 (N=12)", "−1,0"]]
    assert "† De vraag is anders verwoord dan in de vorige editie: het verschil kan ook aan de vraag liggen." \
        in table.notes and table.row_headers == 3


def test_the_stakeholder_pmg_report_leaves_out_a_mean_this_or_the_previous_edition_hid(two_editions):
    """RUG's T0 of 3 people this year; UMCG's T1 hidden in 2023's stakeholder edition, which this
    year's mean and the difference would give back."""
    _, table = _pmg_trend_table(load_year_pmg(two_editions, 2024, trend=True), Edition(False, MINIMUM))
    assert [row[:3] for row in table.rows] == [["RUG", "Yoga", "Cijfer interventie †"],
                                               ["RUG", "Yoga", "Ervaren mentale gezondheid T1"]]
    assert table.notes[-1] == ("Weggelaten: gemiddelden die deze of de vorige editie niet toont (minder dan 5 "
                               "respondenten, of eruit terug te rekenen) (2).")
    blocks, table = _pmg_trend_table(load_year_pmg(two_editions, 2024, trend=True), Edition(False, 13))
    assert table is None and blocks[-1].text == "Geen gemiddelde dat deze en de vorige editie allebei tonen."


def _paired(year, organisation, n_pairs, hodges_lehmann):
    return {"year": year, "organisation": organisation, "intervention": "Yoga", "group_label": "(alle groepen)",
            "n_pairs": n_pairs, "mean_t0": 6.0, "mean_t1": 6.0 + hodges_lehmann, "mean_difference": hodges_lehmann,
            "hodges_lehmann": hodges_lehmann, "is_total": True}


@pytest.fixture
def paired_editions(tmp_path):
    """Yoga's change in the same people in 2023 and 2024 (both waves of 12 each year; the mental-health
    question worded otherwise in 2024). RUG: +1,0 then +0,5; UMCG: the same, its 2023 change listed in
    that year's marts.pmg_stakeholder_hidden; UU: 4 pairs in 2023 (below the minimum; not listed); VU:
    T1 on another scale in 2024; AMC: 3 pairs in 2024."""
    organisations = ("AMC", "RUG", "UMCG", "UU", "VU")
    pairs = {(2023, "UU"): 4, (2024, "AMC"): 3}
    conn = _warehouse(tmp_path, {
        "marts.pmg_mental_health": [
            _grade(year, o, wave, 6.5, scale=(1.0, 10.0) if (o, year, wave) == ("VU", 2024, "T1") else (0.0, 10.0))
            for year in (2023, 2024) for o in organisations for wave in ("T0", "T1")],
        "marts.pmg_response_counts": [_count(year, o) for year in (2023, 2024) for o in organisations],
        "marts.pmg_paired_change": [_paired(year, o, pairs.get((year, o), 12), 1.0 if year == 2023 else 0.5)
                                    for year in (2023, 2024) for o in organisations],
        "marts.pmg_stakeholder_hidden": [
            {"year": 2023, "organisation": "UMCG", "intervention": "Yoga", "hidden_in": "marts.pmg_paired_change",
             "group_label": "(alle groepen)", "reason": "secondary", "n": 12, "reporting_minimum": MINIMUM},
            # a group's change, and a mean: not the total's change
            {"year": 2023, "organisation": "RUG", "intervention": "Yoga", "hidden_in": "marts.pmg_paired_change",
             "group_label": "Groep 1", "reason": "below_minimum", "n": 3, "reporting_minimum": MINIMUM},
            {"year": 2023, "organisation": "VU", "intervention": "Yoga", "hidden_in": "marts.pmg_mental_health",
             "wave": "T1", "reason": "secondary", "n": 12, "reporting_minimum": MINIMUM}],
        "staging.codebook_variables": [
            {"year": year, "instrument": "pmg_questionnaire", "variable": "mental_health_grade", "type": "number",
             "variable_text": text, "text_given": True}
            for year, text in ((2023, "Hoe beoordeelt u uw mentale gezondheid?"),
                               (2024, "Hoe beoordeelt u uw mentale gezondheid over de afgelopen twee weken?"))],
    }, pmg_trend)
    yield conn
    conn.close()


def _paired_trend_table(data, edition) -> tuple[list, Table | None]:
    blocks = pmg.trend_blocks(data, edition, disclosure(data, edition), 7)
    tables = [b for b in blocks if isinstance(b, Table) and "Verandering bij dezelfde deelnemers" in b.caption]
    return blocks, tables[0] if tables else None


def test_the_pmg_report_sets_each_change_in_the_same_people_beside_the_previous_editions(paired_editions):
    blocks, table = _paired_trend_table(load_year_pmg(paired_editions, 2024, trend=True), Edition(True, MINIMUM))
    assert table.caption == "Tabel 8 Verandering bij dezelfde deelnemers in 2024 naast die in de vorige editie"
    assert table.headers == ["Organisatie", "Interventie", "Vorige editie", "Toen", "Nu (2024)", "Verschil"]
    assert table.rows == [["AMC", "Yoga", "2023 †", "HL=+1,0 (N=12)", "HL=+0,5 (N=3)", "−0,5"],
                          ["RUG", "Yoga", "2023 †", "HL=+1,0 (N=12)", "HL=+0,5 (N=12)", "−0,5"],
                          ["UMCG", "Yoga", "2023 †", "HL=+1,0 (N=12)", "HL=+0,5 (N=12)", "−0,5"],
                          ["UU", "Yoga", "2023 †", "HL=+1,0 (N=4)", "HL=+0,5 (N=12)", "−0,5"],
                          ["VU", "Yoga", "2023 †", "HL=+1,0 (N=12)", "HL=+0,5 (N=12)", "–"]]  # T1 on another scale
    assert table.notes == [
        "HL = de Hodges-Lehmann-schatting van de verandering T1 − T0 bij wie beide keren een cijfer gaf, alle "
        "groepen samen; N = aantal paren. Verschil: Nu min Toen, beschrijvend en niet getoetst; – waar de schaal "
        "sinds de vorige editie veranderde.",
        "† De vraag is anders verwoord dan in de vorige editie: het verschil kan ook aan de vraag liggen."]
    assert table.numeric == frozenset({2, 3, 4, 5}) and table.row_headers == 2
    # after the means' table; each organisation's report its own row
    assert blocks[-1] is table and blocks[-2].caption.startswith("Tabel 7 Gemiddelden")
    mine = load_year_pmg(paired_editions, 2024, trend=True).for_organisation("UMCG")
    assert [row[0] for row in _paired_trend_table(mine, Edition(True, MINIMUM))[1].rows] == ["UMCG"]
    # the first edition has nothing to set beside; without the previous edition's rows, nor has this one
    assert _paired_trend_table(load_year_pmg(paired_editions, 2023, trend=True), Edition(True, MINIMUM))[1] is None
    data = load_year_pmg(paired_editions, 2024, trend=True)
    assert _paired_trend_table(replace(data, parts={"previous": {}}), Edition(True, MINIMUM))[1] is None


def test_a_change_is_marked_reworded_only_where_its_question_was(paired_editions):
    """The mark and its note follow each row's T1 question: RUG's alone worded otherwise, then none."""
    data = load_year_pmg(paired_editions, 2024, trend=True)
    reworded = pl.col("organisation") == "RUG"
    _, table = _paired_trend_table(replace(data, trend=data.trend.with_columns(question_reworded=reworded)),
                                   Edition(True, MINIMUM))
    assert [row[2] for row in table.rows] == ["2023", "2023 †", "2023", "2023", "2023"]
    assert table.notes[-1].startswith("† De vraag is anders verwoord")
    _, table = _paired_trend_table(replace(data, trend=data.trend.with_columns(question_reworded=pl.lit(False))),
                                   Edition(True, MINIMUM))
    assert {row[2] for row in table.rows} == {"2023"} and not any("†" in note for note in table.notes)
    # nor in the stakeholder edition, where RUG's row is shown and the rewording note is of shown rows only
    only_uu = replace(data, trend=data.trend.with_columns(question_reworded=pl.col("organisation") == "UU"))
    _, table = _paired_trend_table(only_uu, Edition(False, MINIMUM))
    assert [row[2] for row in table.rows] == ["2023", "2023"] and not any("†" in note for note in table.notes)


def test_the_stakeholder_pmg_report_leaves_out_a_change_either_edition_left_out(paired_editions):
    """UMCG's 2023 change is in that year's list; UU's 4 pairs of 2023 are below the minimum, which the
    previous edition's plan at this minimum says (the list does not); AMC's 3 pairs are this edition's:
    all three left out, and a note says so."""
    data = load_year_pmg(paired_editions, 2024, trend=True)
    assert data.parts["previous_paired_hidden"] == {(2023, "UMCG", "Yoga")}
    _, table = _paired_trend_table(data, Edition(False, MINIMUM))
    assert [row[0] for row in table.rows] == ["RUG", "VU"]
    assert table.notes[-1] == ("Weggelaten: veranderingen die deze of de vorige editie niet toont (minder dan 5 "
                               "paren, of eruit terug te rekenen) (3).")
    # at a minimum of 4 UU's is shown; UMCG's stays out by the list, AMC's by this edition
    assert [row[0] for row in _paired_trend_table(data, Edition(False, 4))[1].rows] == ["RUG", "UU", "VU"]
    # a minimum above every change: none shown, the note alone
    blocks, table = _paired_trend_table(data, Edition(False, 13))
    assert table is None and blocks[-1].text.endswith("(minder dan 13 paren, of eruit terug te rekenen) (5).")
    # the previous edition's plan unknown: nothing shown
    plan = disclosure(data, Edition(False, MINIMUM))
    assert pmg._paired_trend(data, Edition(False, MINIMUM), plan, {}, 8) == [
        Paragraph("Weggelaten: veranderingen die deze of de vorige editie niet toont (minder dan 5 paren, of eruit "
                  "terug te rekenen) (5).", "note")]


def test_an_organisation_report_leaves_out_a_change_the_previous_editions_list_holds(paired_editions):
    """UMCG's 2023 change is in that year's list only (its plan at this minimum shows it): its own
    report read the list from the year's parts, which for_organisation did not pass on."""
    data = load_year_pmg(paired_editions, 2024, trend=True)
    mine = data.for_organisation("UMCG")
    assert mine.parts["previous_paired_hidden"] == {(2023, "UMCG", "Yoga")}
    blocks, table = _paired_trend_table(mine, Edition(False, MINIMUM))
    assert table is None and blocks[-1] == Paragraph(
        "Weggelaten: veranderingen die deze of de vorige editie niet toont (minder dan 5 paren, of eruit terug te "
        "rekenen) (1).", "note")
    assert not any("HL=+1,0" in cell for b in blocks if isinstance(b, Table) for row in b.rows for cell in row)
    # RUG's, on no list, is shown in its own report
    assert [row[0] for row in _paired_trend_table(data.for_organisation("RUG"), Edition(False, MINIMUM))[1].rows] \
        == ["RUG"]
    # a year whose list was not loaded: unknown, so nothing shown (as of a plan not worked out)
    unknown = replace(data, parts={"previous": data.parts["previous"]})
    blocks, table = _paired_trend_table(unknown, Edition(False, MINIMUM))
    assert table is None and blocks[-1].text.endswith("(5).")
    assert _paired_trend_table(unknown, Edition(True, MINIMUM))[1] is not None


def test_a_first_edition_compares_nothing_and_a_compact_year_points_to_the_organisation_reports(two_editions):
    assert pmg.trend_blocks(load_year_pmg(two_editions, 2023, trend=True), Edition(True, MINIMUM), None, 7) == []
    blocks, table = _pmg_trend_table(load_year_pmg(two_editions, 2024, trend=True), Edition(True, MINIMUM), True)
    assert table is None and blocks[-1].text == ("Per interventie staat de vergelijking met haar vorige editie in het "
                                                 "rapport van haar organisatie.")
    # each organisation's report its own rows
    mine = load_year_pmg(two_editions, 2024, trend=True).for_organisation("UMCG")
    _, table = _pmg_trend_table(mine, Edition(True, MINIMUM))
    assert [row[0] for row in table.rows] == ["UMCG"]


def test_the_stakeholder_pmg_report_leaves_out_a_mean_the_previous_edition_hides_at_this_minimum(tmp_path):
    """2023: Yoga's T0 of 4 people, all 4 among T1's 12: at the minimum of 5 its T1 mean is hidden
    too (secondary: beside their change it gives T0 back). marts.pmg_stakeholder_hidden of 2023 was
    written at a minimum of 3 (nothing hidden): the comparison showed 2023's T1, M=7,0 (N=12)."""
    conn = _warehouse(tmp_path, {
        "marts.pmg_mental_health": [_grade(2023, "GGD", "T0", 5.0, n=4), _grade(2023, "GGD", "T1", 7.0),
                                    _grade(2024, "GGD", "T0", 6.0), _grade(2024, "GGD", "T1", 6.5)],
        "marts.pmg_intervention_rating": [],
        "marts.pmg_response_counts": [_count(year, "GGD") for year in (2023, 2024)],
        "marts.pmg_paired_change": [_paired_total(2023, 4)],
        "marts.pmg_stakeholder_hidden": [],
    }, pmg_trend)
    with conn:
        data = load_year_pmg(conn, 2024, trend=True)
        before = load_year_pmg(conn, 2023)
    assert disclosure(before, Edition(False, MINIMUM)).cell("GGD", "Yoga", "T1") == "**"
    blocks, table = _pmg_trend_table(data, Edition(False, MINIMUM))
    assert table is None and blocks[-1].text == "Geen gemiddelde dat deze en de vorige editie allebei tonen."
    # each organisation's report as well; the researchers' edition shows both
    assert _pmg_trend_table(data.for_organisation("GGD"), Edition(False, MINIMUM))[1] is None
    assert len(_pmg_trend_table(data, Edition(True, MINIMUM))[1].rows) == 2


def test_the_stakeholder_pmg_report_leaves_out_a_mean_this_edition_hides_and_all_it_cannot_judge(tmp_path):
    """2024: Yoga's T0 of 4 people, all among T1's 12: T0 is below the minimum and T1 hidden too
    (secondary), though 12 gave it. Without the previous edition's plan nothing is shown."""
    conn = _warehouse(tmp_path, {
        "marts.pmg_mental_health": [_grade(2023, "GGD", "T0", 6.0), _grade(2023, "GGD", "T1", 6.5),
                                    _grade(2024, "GGD", "T0", 5.0, n=4), _grade(2024, "GGD", "T1", 7.0)],
        "marts.pmg_response_counts": [_count(year, "GGD") for year in (2023, 2024)],
        "marts.pmg_paired_change": [_paired_total(2024, 4)],
    }, pmg_trend)
    with conn:
        data = load_year_pmg(conn, 2024, trend=True)
    stakeholder = Edition(False, MINIMUM)
    assert disclosure(data, stakeholder).cell("GGD", "Yoga", "T1") == "**"
    blocks, table = _pmg_trend_table(data, stakeholder)
    assert table is None and blocks[-1].text == "Geen gemiddelde dat deze en de vorige editie allebei tonen."
    assert [row[2] for row in _pmg_trend_table(data, Edition(True, MINIMUM))[1].rows] == [
        "Ervaren mentale gezondheid T0", "Ervaren mentale gezondheid T1"]
    # T0 of 12 (nothing hidden this year), but the previous edition's plan unknown: nothing shown
    whole = data.mental_health.with_columns(n=pl.lit(12).cast(data.mental_health.schema["n"]))
    assert _pmg_trend_table(replace(data, mental_health=whole, parts={"previous": {}}), stakeholder)[1] is None
    known = {"previous": data.parts["previous"]}
    assert len(_pmg_trend_table(replace(data, mental_health=whole, parts=known), stakeholder)[1].rows) == 2
