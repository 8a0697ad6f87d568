"""The Great Expectations suites and domain checks notice what they are for."""

import re
from pathlib import Path

import duckdb

from assets.ingest.codebook import load_codebook
from checks.gx_runner import run_suite
from checks.suites import SUITES
from pipelines.run import check_details
from tests.conftest import DATA
from warehouse.schema import ensure_schema

P1, P2 = "p_" + "a" * 20, "p_" + "b" * 20


def responses(conn, rows):
    ensure_schema(conn, "staging.pmg_questionnaire_responses")
    if rows:
        conn.executemany("INSERT INTO staging.pmg_questionnaire_responses VALUES (2023, ?, ?, 'UMCG', 'X', 'X 1', ?, ?)",
                         rows)


def test_grade_outside_the_codebook_scale_fails_with_a_sample_of_bad_values(tmp_path: Path):
    codebook = load_codebook(DATA / "pmg" / "2023" / "codebook_questionnaire.yaml", DATA)
    conn = duckdb.connect()
    responses(conn, [(P1, "T0", 11.0, None), (P2, "T0", 7.0, None), (P1, "T1", 6.0, 0.0)])
    result = run_suite(conn, SUITES["staging.pmg_questionnaire_responses"], [codebook], tmp_path / "page.html")
    assert not result.passed and result.severity.value == "ERROR"
    table = result.metadata["expectations"].value
    assert "| 2023 | mental_health_grade within the codebook's scale 0-10 | **no** | 1 | 11.0 |" in table
    assert "| 2023 | intervention_grade within the codebook's scale 1-10 | **no** | 1 | 0.0 |" in table
    assert "NEE" in (tmp_path / "page.html").read_text(encoding="utf-8")
    # what `make run` prints under the failed check
    assert check_details(result.metadata) == [
        "2023: mental_health_grade within the codebook's scale 0-10: 1 row(s) (11.0)",
        "2023: intervention_grade within the codebook's scale 1-10: 1 row(s) (0.0)",
        f"page: {tmp_path / 'page.html'}"]


def test_duplicate_participant_and_wave_and_raw_identifiers_fail(tmp_path: Path):
    conn = duckdb.connect()
    # a participant twice in a wave: its rows are counted, not shown (they could be a raw code)
    responses(conn, [("RUG-EN-01", "T0", 7.0, None), ("RUG-EN-01", "T0", 8.0, None)])
    result = run_suite(conn, SUITES["staging.pmg_questionnaire_responses"], [], tmp_path / "responses.html")
    table = result.metadata["expectations"].value
    assert "| 2023 | one row per participant and wave | **no** | 2 | (values not shown: they may identify someone" in table
    assert "RUG-EN-01" not in table + (tmp_path / "responses.html").read_text(encoding="utf-8")

    # a participant code where a pseudonym belongs fails the check, which does not store it again
    # (its metadata is kept in the run history, its page beside the reports)
    ensure_schema(conn, "raw.pmg_questionnaire_cells")
    conn.execute("INSERT INTO raw.pmg_questionnaire_cells VALUES ('f.csv', 4, 'RUG-EN-01', 'Q2', 'UMCG')")
    result = run_suite(conn, SUITES["raw.pmg_questionnaire_cells"], [], tmp_path / "raw.html")
    table = result.metadata["expectations"].value
    assert not result.passed and "| respondents are pseudonyms, never codes or e-mail addresses | **no** | 1 |" in table
    assert "values not shown: they may identify someone" in table
    assert "RUG-EN-01" not in table + (tmp_path / "raw.html").read_text(encoding="utf-8")


def test_an_empty_table_does_not_pass():
    conn = duckdb.connect()
    responses(conn, [])
    result = run_suite(conn, SUITES["staging.pmg_questionnaire_responses"], [], None)
    assert not result.passed and result.description == "staging.pmg_questionnaire_responses is empty"
    # A year whose exports were loaded must have rows; a year without exports has nothing to check.
    assert not run_suite(conn, SUITES["staging.pmg_questionnaire_responses"], [], None, years=[2024]).passed
    nothing = run_suite(conn, SUITES["staging.pmg_questionnaire_responses"], [], None, years=[2024],
                        rows_expected=False)
    assert nothing.passed and nothing.description.endswith("no rows of 2024: nothing to validate (no exports of "
                                                           "those years)")


def test_a_year_whose_exports_were_loaded_but_left_no_rows_fails_beside_a_year_with_rows(tmp_path):
    """Only a run without any rows failed: a backfill of 2023 and 2024 passed with 2024 empty."""
    conn = duckdb.connect()
    responses(conn, [(P1, "T0", 7.0, None)])  # 2023 only
    suite = SUITES["staging.pmg_questionnaire_responses"]
    pages = {}

    def page(year):
        pages[year] = tmp_path / str(year) / "responses.html"
        pages[year].parent.mkdir(exist_ok=True)
        return pages[year]

    result = run_suite(conn, suite, [], years=[2023, 2024], rows_expected={2023, 2024}, year_pages=page)
    assert not result.passed and result.description.endswith("; no rows of 2024, whose exports were loaded")
    assert "geen rijen van 2024, wel ingelezen exports: mislukt" in pages[2024].read_text(encoding="utf-8")
    assert result.metadata["validation_report"].value == str(pages[2024])
    # 2024 had no exports (only the other programme's): nothing to validate there
    result = run_suite(conn, suite, [], years=[2023, 2024], rows_expected={2023}, year_pages=page)
    assert result.passed and "geen rijen van 2024: niets te valideren" in pages[2024].read_text(encoding="utf-8")


def test_validation_pages_are_written_and_linked(full_run):
    result, tmp = full_run
    pages = {p.relative_to(tmp / "reports" / "validatie").as_posix()
             for p in (tmp / "reports" / "validatie").rglob("*.html")}
    # a page per year the run replaced the table's rows of: the sample's PMG is 2023, Terug in Balans 2024
    assert pages == {"index.html", *(f"{2024 if 'tib' in t else 2023}/{t}.html" for t in SUITES)}
    suite_checks = [e for e in result.get_asset_check_evaluations() if e.check_name == "expectation_suite"]
    assert len(suite_checks) == len(SUITES)
    assert all(Path(e.metadata["validation_report"].value).exists() for e in suite_checks)
    index = (tmp / "reports" / "validatie" / "index.html").read_text(encoding="utf-8")
    assert "pmg/2023/pmg_t0_qualtrics.csv" in index and "Quarantaine (0 problemen)" in index
    assert 'href="2023/staging.pmg_questionnaire_responses.html"' in index


def test_domain_checks_look_at_the_run_years_only():
    """A run checks what it wrote: an old year's violation does not block a new year's run."""
    from checks.sql import flag_check, violations_check

    conn = duckdb.connect()
    conn.execute("CREATE TABLE v AS SELECT * FROM (VALUES (2023, 'a'), (2023, 'b'), (2025, 'c')) t(year, what)")
    sql = "SELECT year, what FROM v ORDER BY ALL"
    assert violations_check(conn, sql, "ok", "{n} bad", years=[2024]).passed
    assert violations_check(conn, sql, "ok", "{n} bad", years=[2023, 2024]).description == "2 bad"
    assert violations_check(conn, sql, "ok", "{n} bad").description == "3 bad"  # no partition: every year
    assert flag_check(conn, sql, "none", "{n} flagged", years=[2025]).description == "1 flagged"


def test_quarantine_check_warns_of_the_run_years_only():
    """raw.quarantine has no year: a quarantined row is of its file's year, and an old year's rows
    warn in that year's run, not in every run after it."""
    from checks.sql import quarantine_check

    conn = duckdb.connect()
    ensure_schema(conn, "raw.source_files", "raw.quarantine")
    for year, name in ((2023, "pmg/2023/t0.csv"), (2024, "pmg/2024/t0.csv")):
        conn.execute("INSERT INTO raw.source_files (source_file, programme, instrument, year) "
                     "VALUES (?, 'pmg', 'pmg_questionnaire', ?)", [name, year])
    conn.execute("INSERT INTO raw.quarantine (source_file, instrument, row_number, column_name, reason, stage) "
                 "VALUES ('pmg/2023/t0.csv', 'pmg_questionnaire', 4, 'Q2', 'not on the scale', 'ingest')")
    assert not quarantine_check(conn, "pmg_questionnaire", [2023]).passed
    later = quarantine_check(conn, "pmg_questionnaire", [2024])
    assert later.passed and later.description == "no input rows quarantined"
    every_year = quarantine_check(conn, "pmg_questionnaire")
    assert every_year.metadata["violations"].value == 1 and "pmg/2023/t0.csv" in every_year.metadata["rows"].value
    assert quarantine_check(conn, "tib_survey", [2023]).passed


def _domain_check(monkeypatch, module, check, db: str):
    from dagster import build_asset_check_context
    from dagster_duckdb import DuckDBResource

    monkeypatch.setattr(module, "partition_years", lambda context: [2023])
    return check(build_asset_check_context(resources={"duckdb": DuckDBResource(database=db)}))


def test_n_check_finds_a_mart_row_without_participants_and_a_group_missing_from_the_mart(tmp_path, monkeypatch):
    """Both ways: a mart N with no one behind it in staging, and a staging group the mart lacks.
    The second had no year of its own (the mart's side was NULL), so the run's years hid it."""
    import checks.pmg as domain

    db = str(tmp_path / "w.duckdb")
    conn = duckdb.connect(db)
    ensure_schema(conn, "staging.pmg_questionnaire_responses", "marts.pmg_mental_health")
    conn.executemany("INSERT INTO staging.pmg_questionnaire_responses VALUES (2023, ?, 'T0', 'UMCG', ?, 'G', 7, NULL)",
                     [(P1, "X"), (P2, "Z")])
    conn.execute("INSERT INTO marts.pmg_mental_health (year, organisation, intervention, wave, n) "
                 "VALUES (2023, 'UMCG', 'X', 'T0', 1), (2023, 'UMCG', 'Y', 'T0', 3)")
    conn.close()
    result = _domain_check(monkeypatch, domain, domain.n_equals_distinct_participants, db)
    assert not result.passed and result.metadata["violations"].value == 2
    rows = result.metadata["rows"].value
    assert "| 2023 | UMCG | Y | T0 | 3 |  |" in rows and "| 2023 | UMCG | Z | T0 |  | 1 |" in rows


def test_the_quarantine_check_says_where_and_why_not_the_cell():
    """The check's rows are shown in the UI: a cell that did not decode is still someone's answer."""
    from checks.sql import quarantine_check

    conn = duckdb.connect()
    ensure_schema(conn, "raw.quarantine", "raw.source_files")
    conn.execute("INSERT INTO raw.source_files (source_file, year) VALUES ('pmg/2023/t0.csv', 2023)")
    conn.execute("INSERT INTO raw.quarantine VALUES ('pmg/2023/t0.csv', 5, 'Q7', 'Jan de Vries, 0612345678', "
                 "'unknown answer label for team (not in the codebook)', 'staging', 'pmg_questionnaire')")
    result = quarantine_check(conn, "pmg_questionnaire", [2023])
    rows = result.metadata["rows"].value
    assert not result.passed and "| 2023 | pmg/2023/t0.csv | 5 | Q7 | unknown answer label for team" in rows
    assert "Jan de Vries" not in rows


def test_a_failed_blocking_suite_refreshes_the_data_quality_page(tmp_path: Path, monkeypatch):
    """A blocking suite that fails keeps reports.data_quality (downstream of its table) from running,
    so the page the data engineer is sent to showed the last run's files and quarantine, and lacked
    the link to this run's failed page. The failing check writes it instead."""
    import dataclasses

    from assets.data_quality import data_quality_report
    from checks import expectation_suites
    from checks.suites import Expectation
    from tests.conftest import materialize_years, resources_for
    from tests.test_assets import copy_tib, programme_graph

    real_run_suite = expectation_suites.run_suite
    never = Expectation("ExpectColumnValuesToBeNull", {"column": "participant_id"}, "an impossible expectation")

    def failing_on_answers(conn, suite, *args, **kwargs):
        if suite.table == "staging.tib_survey_answers":
            suite = dataclasses.replace(suite, expectations=(*suite.expectations, never))
        return real_run_suite(conn, suite, *args, **kwargs)

    monkeypatch.setattr(expectation_suites, "run_suite", failing_on_answers)
    result = materialize_years([*programme_graph("terug_in_balans"), data_quality_report],
                               resources_for(tmp_path, copy_tib(tmp_path)), (2024,), raise_on_error=False)
    suites = {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()
              if e.check_name == "expectation_suite"}
    assert not suites["staging/tib_survey_answers"].passed
    written = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "reports/data_quality" not in written
    index = (tmp_path / "reports" / "validatie" / "index.html").read_text(encoding="utf-8")
    assert 'href="2024/staging.tib_survey_answers.html"' in index
    assert "terug_in_balans/2024/" in index  # the run's files


def test_a_withdrawn_years_validation_pages_are_replaced_and_old_range_folders_removed(tmp_path):
    """A page per run's range ("2016-2025/") was replaced only by a run of that range: after a
    withdrawal it kept showing the year's values. Each year now has its own pages, which the year's
    next run replaces, and the old range folders go."""
    from assets.data_quality import data_quality_report
    from tests.conftest import materialize_years, resources_for
    from tests.test_assets import copy_tib, programme_graph, withdraw

    data = copy_tib(tmp_path)
    validatie = tmp_path / "reports" / "validatie"
    (validatie / "2016-2025").mkdir(parents=True)
    (validatie / "2016-2025" / "staging.tib_survey_answers.html").write_text("an old range's page", encoding="utf-8")
    graph = [*programme_graph("terug_in_balans"), data_quality_report]
    assert materialize_years(graph, resources_for(tmp_path, data), (2024,)).success
    page = validatie / "2024" / "staging.tib_survey_answers.html"
    assert "<td>2024</td>" in page.read_text(encoding="utf-8")
    assert not (validatie / "2016-2025").exists()
    withdraw(data / "terug_in_balans" / "2024")  # every participant withdrew
    assert materialize_years(graph, resources_for(tmp_path, data), (2024,)).success
    text = page.read_text(encoding="utf-8")
    assert "geen rijen van 2024: niets te valideren" in text and "<td>2024</td>" not in text


# --- the domain checks fail on what they are for, on crafted rows ------------------------------

def test_one_grade_more_than_t1_respondents_fails_and_a_rated_group_missing_from_the_mart_too(tmp_path, monkeypatch):
    import checks.pmg as domain

    db = str(tmp_path / "w.duckdb")
    with duckdb.connect(db) as conn:
        ensure_schema(conn, "staging.pmg_questionnaire_responses", "marts.pmg_intervention_rating")
        conn.executemany("INSERT INTO staging.pmg_questionnaire_responses VALUES (2023, ?, 'T1', 'UMCG', ?, 'G', 7, 8)",
                         [(P1, "X"), (P2, "X"), (P1, "Z")])
        conn.execute("INSERT INTO marts.pmg_intervention_rating (year, organisation, intervention, n) "
                     "VALUES (2023, 'UMCG', 'X', 3)")
    assert not _domain_check(monkeypatch, domain, domain.rating_only_from_t1_respondents, db).passed
    result = _domain_check(monkeypatch, domain, domain.rating_n_equals_distinct_participants, db)
    assert not result.passed and "| 2023 | UMCG | Z |" in result.metadata["rows"].value


def _interviewed(conn, rows) -> None:
    ensure_schema(conn, "staging.pmg_interview_segments", "marts.pmg_theme_mentions")
    conn.executemany("INSERT INTO staging.pmg_interview_segments (year, organisation, intervention, wave, "
                     "participant_id, section, igloo_level, theme) VALUES (2023, ?, 'X', 'T1', ?, 'Diagnose', "
                     "'Groep', 't')", rows)


def test_a_theme_counting_more_people_than_its_own_organisations_interviews_fails(tmp_path, monkeypatch):
    """2 interviewed at UMCG, 3 counted; RUG's interviews of an intervention of the same name do not
    make up the difference."""
    import checks.pmg as domain

    db = str(tmp_path / "w.duckdb")
    with duckdb.connect(db) as conn:
        _interviewed(conn, [("UMCG", P1), ("UMCG", P2), ("RUG", "p_" + "c" * 20), ("RUG", "p_" + "d" * 20)])
        conn.execute("INSERT INTO marts.pmg_theme_mentions (year, organisation, intervention, wave, section, "
                     "igloo_level, theme, n_participants) VALUES (2023, 'UMCG', 'X', 'T1', 'Diagnose', 'Groep', 't', 3)")
    assert not _domain_check(monkeypatch, domain, domain.mentions_within_interview_participants, db).passed


def test_a_theme_in_staging_missing_from_the_mart_fails(tmp_path, monkeypatch):
    import checks.pmg as domain

    db = str(tmp_path / "w.duckdb")
    with duckdb.connect(db) as conn:
        _interviewed(conn, [("UMCG", P1)])
    result = _domain_check(monkeypatch, domain, domain.theme_n_equals_distinct_participants, db)
    assert not result.passed and "in staging" in result.metadata["rows"].value


def test_tib_shares_not_summing_to_100_or_to_the_respondents_fail(tmp_path, monkeypatch):
    import checks.terug_in_balans as tib

    for name, rows in (("pct", [(2023, "a", "A", 10, 20, 49.5), (2023, "b", "B", 10, 20, 50.0)]),
                       ("n", [(2023, "a", "A", 10, 21, 50.0), (2023, "b", "B", 10, 21, 50.0)])):
        db = str(tmp_path / f"{name}.duckdb")
        with duckdb.connect(db) as conn:
            ensure_schema(conn, "marts.tib_relapse")
            conn.executemany("INSERT INTO marts.tib_relapse (year, answer, answer_label, n, n_respondents, pct) "
                             "VALUES (?, ?, ?, ?, ?, ?)", rows)
        assert not _domain_check(monkeypatch, tib, tib.relapse_shares, db).passed, name


def test_a_tib_n_other_than_its_distinct_respondents_fails_either_way(tmp_path, monkeypatch):
    import checks.terug_in_balans as tib

    for mart_n in (1, 3):  # 2 respondents in staging
        db = str(tmp_path / f"w{mart_n}.duckdb")
        with duckdb.connect(db) as conn:
            ensure_schema(conn, "marts.tib_relapse", "staging.tib_survey_answers")
            conn.executemany("INSERT INTO staging.tib_survey_answers (year, participant_id, variable, value_code) "
                             "VALUES (2023, ?, 'relapse', 'no')", [(P1,), (P2,)])
            conn.execute("INSERT INTO marts.tib_relapse (year, answer, n, n_respondents, pct) "
                         "VALUES (2023, 'no', ?, ?, 100)", [mart_n, mart_n])
        assert not _domain_check(monkeypatch, tib, tib.relapse_n, db).passed, mart_n


def test_a_speakers_name_where_a_pseudonym_belongs_fails_and_is_not_shown(tmp_path):
    conn = duckdb.connect()
    ensure_schema(conn, "raw.pmg_interview_segments")
    conn.execute("INSERT INTO raw.pmg_interview_segments VALUES ('f.xlsx', 1, 'doc', 'Sanne de Vries', 'a\\b', 'x'), "
                 "('f.xlsx', 2, 'doc', 'p_0123', 'a\\b', 'x')")  # a name, and a pseudonym cut short
    result = run_suite(conn, SUITES["raw.pmg_interview_segments"], [], tmp_path / "page.html")
    table = result.metadata["expectations"].value
    assert not result.passed and "| speakers are pseudonyms | **no** | 2 |" in table
    assert "Sanne" not in table + (tmp_path / "page.html").read_text(encoding="utf-8")


def test_tib_answers_keep_pseudonyms_and_factor_scores_on_their_scale(tmp_path):
    codebook = load_codebook(DATA / "terug_in_balans" / "2024" / "codebook_survey.yaml", DATA)
    conn = duckdb.connect()
    ensure_schema(conn, "staging.tib_survey_answers")
    conn.execute("INSERT INTO staging.tib_survey_answers (year, participant_id, variable, value_code) "
                 "VALUES (2024, 'RUG-EN-01', 'return_to_work', NULL)")
    result = run_suite(conn, SUITES["staging.tib_survey_answers"], [codebook], None, years=[2024])
    assert not result.passed and "| respondents are pseudonyms | **no** | 1 |" in result.metadata["expectations"].value
    conn.execute("DELETE FROM staging.tib_survey_answers")
    conn.execute("INSERT INTO staging.tib_survey_answers (year, participant_id, variable, value_code, value_number) "
                 "VALUES (2024, ?, 'factor_klik_coach', '5', 6)", [P1])
    result = run_suite(conn, SUITES["staging.tib_survey_answers"], [codebook], None, years=[2024])
    assert not result.passed and "factor_klik_coach on the 5-point scale | **no** | 1 |" in (
        result.metadata["expectations"].value)


def test_the_data_quality_page_lists_files_and_quarantine_in_order_escaped_and_links_each_years_pages(tmp_path):
    """What the data engineer reads first after a run: every file and every quarantined row in a
    fixed order, a value as written (markup shown, not run; no value left blank, not "None"), the
    newest year's pages first, old range folders gone; readable by the owner and group alone."""
    from assets.data_quality import write_data_quality_page
    from pipelines.resources import ReportSettings

    conn = duckdb.connect()
    ensure_schema(conn, "raw.source_files", "raw.quarantine")
    for name in ("pmg/2024/t1.csv", "pmg/2023/t0.csv"):
        conn.execute("INSERT INTO raw.source_files (source_file, instrument, format, n_rows, sha256) "
                     "VALUES (?, 'demo', 'qualtrics_csv', 3, 'abc')", [name])
    conn.execute("""INSERT INTO raw.quarantine (source_file, row_number, column_name, cell_value, reason, stage)
                    VALUES ('pmg/2023/t0.csv', 5, 'Q6', NULL, 'missing', 'ingest'),
                           ('pmg/2023/t0.csv', 5, 'Q5', '<b>8</b>', 'not a grade', 'ingest'),
                           ('pmg/2023/t0.csv', 4, 'Q7', 'x', 'not a grade', 'ingest')""")
    validatie = tmp_path / "validatie"
    for folder, page in (("2023", "raw.a.html"), ("2024", "raw.a.html"), ("2024", "raw.b.html"),
                         ("2016-2025", "raw.a.html")):
        (validatie / folder).mkdir(parents=True, exist_ok=True)
        (validatie / folder / page).write_text("a suite's page", encoding="utf-8")
    (validatie / "LEESMIJ.txt").write_text("kept", encoding="utf-8")

    page, files, quarantined = write_data_quality_page(conn, ReportSettings(output_dir=str(tmp_path)))
    html = page.read_text(encoding="utf-8")
    assert page == validatie / "index.html" and page.stat().st_mode & 0o777 == 0o640
    assert files["source_file"].to_list() == ["pmg/2023/t0.csv", "pmg/2024/t1.csv"]
    assert quarantined.select("row_number", "column_name").rows() == [(4, "Q7"), (5, "Q5"), (5, "Q6")]
    assert "<h2>Ingelezen bestanden (2)</h2>" in html and "<h2>Quarantaine (3 problemen)</h2>" in html
    assert "<td>&lt;b&gt;8&lt;/b&gt;</td>" in html and "<b>8" not in html
    assert "<td>Q6</td><td></td><td>missing</td>" in html and "None" not in html
    assert re.findall(r'<li><a href="([^"]+)">', html) == ["2024/raw.b.html", "2024/raw.a.html", "2023/raw.a.html"]
    assert ">2024: raw.b</a>" in html
    assert not (validatie / "2016-2025").exists() and (validatie / "LEESMIJ.txt").exists()
    assert (validatie / "2023" / "raw.a.html").exists()


def test_the_data_quality_assets_metadata_counts_the_quarantine_without_its_values_or_hashes(tmp_path):
    """The run's metadata, which the Dagster UI shows to whoever opens it, says where and why, not
    what: an answer that did not decode is still someone's answer."""
    from dagster import materialize

    from assets.data_quality import data_quality_report
    from pipelines.resources import ReportSettings, warehouse_resource

    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        ensure_schema(conn, "raw.source_files", "raw.quarantine")
        conn.execute("INSERT INTO raw.source_files (source_file, instrument, sha256) VALUES ('pmg/2023/t0.csv', "
                     "'demo', 'c0ffee')")
        conn.execute("INSERT INTO raw.quarantine (source_file, row_number, column_name, cell_value, reason, stage) "
                     "VALUES ('pmg/2023/t0.csv', 4, 'Q5', 'zeven-en-een-half', 'not a grade', 'ingest'), "
                     "('pmg/2023/t0.csv', 5, 'Q5', 'acht?', 'not a grade', 'ingest')")
    result = materialize([data_quality_report], resources={
        "duckdb": warehouse_resource(str(tmp_path / "w.duckdb")), "reports": ReportSettings(output_dir=str(tmp_path))})
    meta = result.asset_materializations_for_node("reports__data_quality")[0].metadata
    assert meta["quarantined"].value == 2 and "not a grade" in meta["quarantine"].value
    assert "pmg/2023/t0.csv" in meta["files"].value and "c0ffee" not in meta["files"].value
    assert not any(v in meta["quarantine"].value for v in ("zeven-en-een-half", "acht?"))


def test_validation_pages_are_not_for_every_user_and_a_failed_warning_suite_warns_naming_its_failing_year(tmp_path):
    """The pages list bad values (0640, as the warehouse's readers); a suite that does not block
    fails at WARN; the page shown is the failing year's, not the newest; the total counts failed rows."""
    import dataclasses

    from dagster import AssetCheckSeverity

    conn = duckdb.connect()
    responses(conn, [(P1, "T0", 7.0, None), (P1, "T0", 8.0, None)])  # 2023: a participant twice in a wave
    suite = dataclasses.replace(SUITES["staging.pmg_questionnaire_responses"], blocking=False)

    def page(year):
        (tmp_path / str(year)).mkdir(exist_ok=True)
        return tmp_path / str(year) / "responses.html"

    result = run_suite(conn, suite, [], tmp_path / "all.html", years=[2023, 2024], rows_expected={2023},
                       year_pages=page)
    assert not result.passed and result.severity == AssetCheckSeverity.WARN
    assert result.metadata["validation_report"].value == str(page(2023))
    assert result.metadata["unexpected_total"].value == 2
    for written in (tmp_path / "all.html", page(2023), page(2024)):
        assert written.stat().st_mode & 0o777 == 0o640, written
