"""One run of the whole graph on the bundled sample: the marts reproduce the source reports."""

import csv
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.conftest import DATA, ROOT


def one_decimal(x: float) -> str:
    """As the report prints a mean: one decimal, half up, Dutch comma."""
    return str(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).replace(".", ",")


def test_every_asset_materialised_and_every_check_passed(full_run):
    result, _ = full_run
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    failed = {(e.asset_key.to_user_string(), e.check_name): e.description for e in evaluations if not e.passed}
    assert not failed
    assert len(evaluations) == 22
    flags = {e.check_name: e.description for e in evaluations}
    assert flags["t1_without_t0_flagged"].startswith("1 group(s) with T1 respondents who did not answer at T0")
    assert flags["questionnaire_and_interview_counts_agree"] == "4 group(s) differ, every difference explained in the codebook"


# PMG Tabel 3: organisation, group -> (N T0, N T1); "/" in the source is 0 here.
TABEL_3 = {
    ("UMCG", "Cold shower challenge 1"): (2, 4),
    ("UMCG", "Cold shower challenge 2"): (4, 0),
    ("UMCG", "Cold shower challenge 3"): (1, 1),
    ("UMCG", "Positieve Gezondheid"): (3, 0),
    ("RUG", "Training Emoties Engelstalig"): (4, 4),
    ("RUG", "Training Emoties Nederlandstalig"): (4, 3),
    ("Gemeente Groningen", "Teamcoaching hybride werken"): (2, 2),
}


def test_tabel_3_response_counts(warehouse):
    rows = warehouse.sql("SELECT organisation, group_label, n_t0, n_t1 FROM marts.pmg_response_counts "
                         "WHERE year = 2023").fetchall()
    assert {(o, g): (a, b) for o, g, a, b in rows} == TABEL_3


# Tabel 4-7: intervention -> wave -> (mean as printed, N, min, max)
TABEL_4_7 = {
    "Teamcoaching hybride werken": {"T0": ("7,0", 2, 6, 8), "T1": ("3,0", 2, 0, 6)},
    "Training Emoties": {"T0": ("6,4", 8, 4, 9), "T1": ("7,3", 7, 6, 9)},
    "Cold shower challenge": {"T0": ("7,3", 6, 5.5, 9), "T1": ("7,3", 4, 6, 8)},
    "Workshop Positieve Gezondheid": {"T0": ("7,3", 2, 6.5, 8)},
}
RATING = {
    "Teamcoaching hybride werken": ("1,0", 2, 1, 1),
    "Training Emoties": ("8,0", 8, 7, 8.5),
    "Cold shower challenge": ("7,8", 4, 7, 8),
}


def test_tabel_4_to_7_mental_health(warehouse):
    rows = warehouse.sql("SELECT intervention, wave, mean, n, min, max FROM marts.pmg_mental_health "
                         "WHERE year = 2023").fetchall()
    got: dict = {}
    for intervention, wave, mean, n, lo, hi in rows:
        got.setdefault(intervention, {})[wave] = (one_decimal(mean), n, lo, hi)
    assert got == TABEL_4_7


def test_tabel_4_to_7_intervention_rating_and_no_invented_tabel_7_grade(warehouse):
    rows = warehouse.sql("SELECT intervention, mean, n, min, max FROM marts.pmg_intervention_rating "
                         "WHERE year = 2023").fetchall()
    assert {i: (one_decimal(m), n, lo, hi) for i, m, n, lo, hi in rows} == RATING
    assert "Workshop Positieve Gezondheid" not in {r[0] for r in rows}


def test_grade_zero_is_kept_not_quarantined(warehouse):
    assert warehouse.sql("SELECT count(*) FROM staging.pmg_questionnaire_responses "
                         "WHERE mental_health_grade = 0").fetchall() == [(1,)]
    assert warehouse.sql("SELECT count(*) FROM raw.quarantine").fetchall() == [(0,)]


def test_t0_and_t1_pair_up_through_the_pseudonym(warehouse):
    paired = warehouse.sql("""
        SELECT a.intervention, count(*) FROM staging.pmg_questionnaire_responses a
        JOIN staging.pmg_questionnaire_responses b USING (year, participant_id)
        WHERE a.wave = 'T0' AND b.wave = 'T1' AND a.mental_health_grade IS NOT NULL
          AND b.mental_health_grade IS NOT NULL GROUP BY 1 ORDER BY 1""").fetchall()
    assert paired == [("Cold shower challenge", 2), ("Teamcoaching hybride werken", 2), ("Training Emoties", 7)]


def test_theme_mentions_reproduce_the_report_statements(warehouse):
    expected_file = ROOT / "tests" / "expected" / "pmg_2023_theme_mentions.csv"
    expected = list(csv.DictReader(expected_file.open(encoding="utf-8")))
    assert len(expected) >= 50
    got = {(i, w, s, t): n for i, w, s, t, n in warehouse.sql(
        "SELECT intervention, wave, section, theme, n_participants FROM marts.pmg_theme_mentions "
        "WHERE year = 2023").fetchall()}
    wrong = [(e["intervention"], e["wave"], e["theme"], e["n_participants"],
              got.get((e["intervention"], e["wave"], e["section"], e["theme"])), e["report_quote"])
             for e in expected
             if got.get((e["intervention"], e["wave"], e["section"], e["theme"])) != int(e["n_participants"])]
    assert not wrong


def test_theme_mentions_carry_jdr_and_igloo(warehouse):
    rows = warehouse.sql("SELECT DISTINCT section, jdr_category IS NULL, igloo_level FROM marts.pmg_theme_mentions").fetchall()
    assert {s for s, _, _ in rows} == {"Diagnose", "Interventieverwachtingen", "Verandering", "Evaluatie", "Advies"}
    assert all(not null for s, null, _ in rows if s == "Diagnose")
    assert {lvl for _, _, lvl in rows} <= {"Individu", "Groep", "Leider", "Organisatie", "Omgeving"}


def test_terug_in_balans_return_to_work_and_relapse(warehouse):
    rtw = dict(warehouse.sql("SELECT outcome, pct FROM marts.tib_return_to_work WHERE year = 2024").fetchall())
    assert rtw == {"own_employer": 80.0, "other_employer": 10.0, "still_absent": 10.0}
    relapse = dict(warehouse.sql("SELECT answer, pct FROM marts.tib_relapse WHERE year = 2024").fetchall())
    assert relapse["no"] > 90 and relapse["no"] + relapse["yes"] == pytest.approx(100)
    assert warehouse.sql("SELECT DISTINCT n_respondents FROM marts.tib_return_to_work").fetchall() == [(30,)]


def test_terug_in_balans_skills_as_the_factsheet_describes(warehouse):
    skills = warehouse.sql("SELECT skill, pct_strengthened, pct_still_applied FROM marts.tib_skills "
                           "WHERE year = 2024 ORDER BY pct_strengthened DESC").fetchall()
    by_skill = {s: (a, b) for s, a, b in skills}
    assert [s for s, _, _ in skills[:5]] == ["Grenzen bewaken", "Beslissen", "Zelfvertrouwen", "Zelfbeeld",
                                             "Emotioneel bewustzijn"]
    strengthened, applied = by_skill["Grenzen bewaken"]
    assert strengthened == 80.0 and abs(applied - strengthened) < 5  # "vrijwel op hetzelfde niveau"
    assert by_skill["Beslissen"][0] == by_skill["Beslissen"][1]  # "blijft stabiel"
    for skill in ("Zelfvertrouwen", "Zelfbeeld", "Emotioneel bewustzijn"):  # "iets teruglopen"
        assert 0 < by_skill[skill][0] - by_skill[skill][1] <= 10


def test_terug_in_balans_factor_ranking_follows_the_text(warehouse):
    ranked = [f for f, in warehouse.sql("""
        SELECT factor FROM marts.tib_factor_ratings WHERE year = 2024
        GROUP BY factor ORDER BY sum(pct) FILTER (WHERE rating >= 4) DESC""").fetchall()]
    assert ranked == [
        "De klik met de coach", "De persoonlijke aandacht van de coach",
        "De oefeningen die me inzicht gaven in mijn gedrag", "Buiten zijn",
        "De snelheid waarmee ik geholpen ben door SPAT Verandert",
        "Dat de oefeningen een combinatie waren van fysiek, mentaal en emotioneel",
        "Dat ik door iemand buiten de organisatie begeleid werd",
    ]
    assert warehouse.sql("SELECT DISTINCT n_respondents FROM marts.tib_factor_ratings").fetchall() == [(30,)]


def _sample_identifiers() -> set[str]:
    """Every participant code, name and e-mail address in the bundled exports."""
    from assets.ingest.formats import read_maxqda_coded_segments, read_ms_forms_xlsx, read_qualtrics_csv

    found: set[str] = set()
    for wave in ("t0", "t1"):
        f = read_qualtrics_csv(DATA / "pmg" / "2023" / f"pmg_{wave}_qualtrics.csv").frame
        found |= set(f["Q1"]) | set(f["RecipientEmail"])
        found |= {f"{a} {b}" for a, b in zip(f["RecipientFirstName"], f["RecipientLastName"])}
    forms = read_ms_forms_xlsx(DATA / "terug_in_balans" / "2024" / "terug_in_balans_enquete_forms.xlsx").frame
    found |= set(forms["Email"]) | set(forms["Name"])
    segments = read_maxqda_coded_segments(DATA / "pmg" / "2023" / "pmg_focusinterviews_maxqda.xlsx").frame
    found |= set(segments["segment"].str.extract(r"^([^:]+):", 1).drop_nulls())
    return {x.lower() for x in found if x}


def test_no_identifier_reaches_any_table(warehouse):
    identifiers = _sample_identifiers()
    assert len(identifiers) > 60
    tables = warehouse.sql("SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()
    leaks = []
    for (table,) in tables:
        text = str(warehouse.sql(f"SELECT * FROM {table}").fetchall()).lower()
        leaks += [(table, ident) for ident in identifiers if ident in text]
    assert len(tables) >= 17
    assert not leaks


def test_masked_free_text(warehouse):
    tips = [t for t, in warehouse.sql("SELECT value_code FROM staging.tib_survey_answers WHERE variable = 'tips'").fetchall()]
    assert any("[telefoon]" in t and "[e-mail]" in t for t in tips)
    assert "Meer terugkomdagen zouden helpen. Groet, [naam]" in tips  # the respondent's own first name
    assert "Declaraties graag op [rekeningnummer]; mijn BSN is [bsn]." in tips
    quotes = " ".join(t for t, in warehouse.sql("SELECT segment_text FROM staging.pmg_interview_segments").fetchall())
    assert "@" not in quotes and "[e-mail]" in quotes


def test_rerun_on_the_same_input_changes_nothing(full_run):
    from pipelines.definitions import ASSETS, CHECKS
    from tests.conftest import materialize_years, resources_for

    result, tmp = full_run
    import duckdb

    def snapshot():
        conn = duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True)
        marts = {t: conn.sql(f"SELECT * FROM marts.{t}").fetchall() for t, in conn.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()}
        loaded = conn.sql("SELECT source_file, sha256, loaded_at FROM raw.source_files ORDER BY 1").fetchall()
        conn.close()
        return marts, loaded

    before = snapshot()
    again = materialize_years([*ASSETS, *CHECKS], resources_for(tmp))
    assert again.success
    assert snapshot() == before  # identical marts, and no file reloaded (loaded_at unchanged)


def test_the_ui_shows_a_tables_rows_per_year_not_its_rows(full_run):
    """Stakeholders read the Dagster UI: a table asset's metadata had the table's first rows, with
    groups of two people and quotes the stakeholder reports hide. Now its rows per year; the full run
    is a range of years, whose total is no partition's row count."""
    result, _ = full_run
    tables = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key.path[0] in ("raw", "staging", "marts"):
            tables.setdefault(materialization.asset_key.to_user_string(), []).append(materialization.metadata)
    # every table but four an asset writes beside its own: raw.source_files and raw.quarantine (the
    # ingests), staging.codebook_labels and staging.codebook_variables (the decoding)
    assert len(tables) == 26
    for name, metadata in tables.items():
        # a trend is no partition: its row count is its own
        total = "dagster/row_count" if name.endswith("_trend") else "rows_in_run"
        assert {total, "rows_by_year"} <= set(metadata[0]) and "preview" not in metadata[0], name
        assert "dagster/row_count" not in metadata[0] or total == "dagster/row_count", name
    counts = tables["marts/pmg_mental_health"][0]["rows_by_year"].value
    assert counts.splitlines()[2:] == ["| 2023 | 7 |", "| 2024 | 0 |"]


def test_every_table_holds_one_row_per_its_documented_key(warehouse):
    """The contract says what one row of each table is (tables.yaml key:); the data agree."""
    from warehouse.schema import tables

    keyed = [t for t in tables().values() if t.key]
    assert len(keyed) == len(tables()) - 1  # raw.quarantine: a row per problem
    empty = []
    for t in keyed:
        columns = ", ".join(f'"{k}"' for k in t.key)
        rows, duplicated = warehouse.sql(f"""SELECT count(*), count(*) - count(DISTINCT ({columns}))
                                             FROM {t.qualified}""").fetchall()[0]
        assert duplicated == 0, (t.qualified, rows, duplicated)
        empty += [t.qualified] if rows == 0 else []
    assert empty == ["raw.interview_utterances"]  # the sample has no transcripts


def test_marts_columns_are_null_only_where_the_contract_says(warehouse):
    """A marts column without null_when: in tables.yaml is never NULL; the sample agrees (and holds
    NULLs in some of those that may be, so the check is not vacuous)."""
    from warehouse.schema import tables

    marts = [t for t in tables().values() if t.states_nulls]
    assert marts and all(t.schema == "marts" for t in marts)
    unexpected, seen_null = [], set()
    for t in marts:
        counts = warehouse.sql("SELECT " + ", ".join(f'count(*) - count("{c.name}")' for c in t.columns)
                               + f" FROM {t.qualified}").fetchall()[0]
        for column, nulls in zip(t.columns, counts):
            if nulls and column.null_when is None:
                unexpected.append((t.qualified, column.name, nulls))
            elif nulls:
                seen_null.add(f"{t.name}.{column.name}")
    assert not unexpected
    assert {"pmg_paired_change.p_value", "pmg_theme_mentions.jdr_category", "tib_trend.previous_year"} <= seen_null


def test_trend_marts_start_with_the_first_year(warehouse):
    rows = dict(warehouse.sql("SELECT outcome, pct FROM marts.tib_trend WHERE year = 2024").fetchall())
    assert rows["terugkeer naar werk: Ja, bij huidige werkgever"] == 80.0
    assert rows["vaardigheid versterkt: Grenzen bewaken"] == 80.0
    assert warehouse.sql("SELECT count(*) FROM marts.tib_trend WHERE previous_year IS NOT NULL").fetchall() == [(0,)]
