"""Assets materialised in-process against a temporary DuckDB, on altered copies of the sample."""

import csv
import io
import shutil
from pathlib import Path

import duckdb
from dagster import AssetKey, DagsterInstance

from pipelines.definitions import ASSETS, CHECKS
from pipelines.run import run_warnings
from assets.reporting.numbers import fmt_pct
from tests.conftest import DATA, materialize_years, resources_for


def programme_graph(programme: str, checks: bool = True):
    """Every asset of a programme and (with `checks`) every check on one."""
    keys = {k for a in ASSETS for k, group in a.group_names_by_key.items() if group == programme}
    return ([a for a in ASSETS if set(a.keys) & keys]
            + [c for c in CHECKS if checks and any(k.asset_key in keys for k in c.check_keys)])


def pmg_graph():
    return programme_graph("pmg")


def copy_pmg(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA / "pmg", data / "pmg")
    return data


def copy_tib(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA / "terug_in_balans", data / "terug_in_balans")
    return data


def rewrite(path: Path, old: str, new: str) -> None:
    """`old` in the file (which must hold it) replaced by `new`."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_tabel_7_contradiction_blocks_the_report(tmp_path):
    """A grade for Positieve Gezondheid given without any T1 respondent (as the source's Tabel 7
    printed) must fail the blocking check, and the report must not be written."""
    data = copy_pmg(tmp_path)
    folder = data / "pmg" / "2023"
    codebook = folder / "codebook_questionnaire.yaml"
    codebook.write_text(codebook.read_text(encoding="utf-8").replace("    waves: [T1]", ""), encoding="utf-8")
    t0 = folder / "pmg_t0_qualtrics.csv"
    rows = list(csv.reader(io.StringIO(t0.read_text(encoding="utf-8-sig"), newline="")))
    rows[0].append("Q6"), rows[1].append("Cijfer interventie"), rows[2].append('{"ImportId":"QID6_TEXT"}')
    for row in rows[3:]:
        row.append("8" if row[17].startswith("UMCG-PG") else "")
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    t0.write_text(out.getvalue(), encoding="utf-8")

    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,), raise_on_error=False)
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["rating_only_from_t1_respondents"].passed is False
    assert "more grades than T1 respondents" in checks["rating_only_from_t1_respondents"].description
    materialized = {e.event_specific_data.materialization.asset_key
                    for e in result.all_events if e.is_step_materialization}
    assert AssetKey(["marts", "pmg_intervention_rating"]) in materialized
    assert AssetKey(["reports", "pmg"]) not in materialized
    assert not list((tmp_path / "reports" / "pmg").rglob("*.html"))


def test_missing_column_fails_the_ingest_with_one_readable_line(tmp_path):
    data = copy_pmg(tmp_path)
    t1 = data / "pmg" / "2023" / "pmg_t1_qualtrics.csv"
    t1.write_text(t1.read_text(encoding="utf-8-sig").replace("Q5,Q6\n", "Q5x,Q6\n", 1), encoding="utf-8")
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,), raise_on_error=False)
    failures = [e for e in result.all_events if e.is_step_failure]
    messages = [e.step_failure_data.error.message for e in failures]
    assert any("pmg/2023/pmg_t1_qualtrics.csv, row 1, column 'Q5': the codebook pmg/2023/codebook_questionnaire.yaml "
               "names column 'Q5', which the file does not have; did the column get renamed to 'Q5x'?" in m
               for m in messages), messages


def test_a_pseudonym_key_left_blank_fails_the_ingest_with_one_readable_line(tmp_path):
    from pipelines.resources import SourceData

    data = copy_pmg(tmp_path)
    resources = {**resources_for(tmp_path, data), "sources": SourceData(data_dir=str(data), pseudonym_key=" ")}
    result = materialize_years(pmg_graph(), resources, (2023,), raise_on_error=False)
    errors = {e.step_key: e.step_failure_data.error for e in result.all_events if e.is_step_failure}
    error = errors["raw__pmg_questionnaire_cells"]
    assert error.cls_name == "Failure" and "Failure: MHM_PSEUDONYM_KEY is not set" in error.message, error

def test_one_export_saved_over_the_other_stops_the_ingest_naming_both(tmp_path):
    """The T1 export saved as the T0 one too: loaded, every pair showed no change at all. The
    ingest stops before writing anything, naming both files; the interviews still load."""
    data = copy_pmg(tmp_path)
    folder = data / "pmg" / "2023"
    shutil.copy(folder / "pmg_t1_qualtrics.csv", folder / "pmg_t0_qualtrics.csv")
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,), raise_on_error=False)
    failed = {e.step_key: e.step_failure_data.error.message for e in result.all_events if e.is_step_failure}
    assert list(failed) == ["raw__pmg_questionnaire_cells"]
    assert ("pmg/2023/pmg_t1_qualtrics.csv: the same bytes as pmg/2023/pmg_t0_qualtrics.csv, which is loaded too"
            in failed["raw__pmg_questionnaire_cells"])
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        assert conn.sql("SELECT count(*) FROM raw.source_files WHERE instrument = 'pmg_questionnaire'"
                        ).fetchall() == [(0,)]
        assert conn.sql("SELECT count(*) FROM raw.pmg_interview_segments").fetchall()[0][0] > 0


def test_last_years_export_copied_into_a_new_years_folder_is_named(tmp_path):
    """Last year's folder copied as the new year's template, exports and all: the new year showed
    last year's answers without a word. The ingest now warns, naming both files, in its log and
    its metadata (not refused: one export declared as two years is how tests and demonstrations
    make a second edition)."""
    data = copy_pmg(tmp_path)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,)).success
    second_edition(data)
    instance = DagsterInstance.ephemeral()
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,), instance=instance)
    # `make run` ends with the run's warnings, which its log holds among hundreds of lines
    assert ("raw__pmg_questionnaire_cells: pmg/2024/pmg_t0_qualtrics.csv has the same bytes as "
            "pmg/2023/pmg_t0_qualtrics.csv (2023): one year's export copied into the other year's folder?"
            in "\n".join(run_warnings(instance, result.run_id)))
    copies = {node: result.asset_materializations_for_node(node)[0].metadata["copies_of_other_years"].value
              for node in ("raw__pmg_interview_segments", "raw__pmg_questionnaire_cells")}
    assert copies == {
        "raw__pmg_interview_segments": {
            "pmg/2024/pmg_focusinterviews_maxqda.xlsx": "pmg/2023/pmg_focusinterviews_maxqda.xlsx (2023)"},
        "raw__pmg_questionnaire_cells": {f"pmg/2024/pmg_{w}_qualtrics.csv": f"pmg/2023/pmg_{w}_qualtrics.csv (2023)"
                                         for w in ("t0", "t1")}}


def test_a_copy_of_another_year_backfilled_in_the_same_run_is_named(tmp_path):
    """Both years in one run (a single-run backfill): the copy's original was not in the warehouse
    yet when the copy was started, and nothing was named. Now each file of the pair names the
    other, in this run and the next: which one is the copy the ingest cannot tell (an older year
    may be backfilled from a newer year's folder as well as the other way round)."""
    data = copy_pmg(tmp_path)
    second_edition(data)
    pairs = {f"pmg/{y}/pmg_{w}_qualtrics.csv": f"pmg/{o}/pmg_{w}_qualtrics.csv ({o})"
             for w in ("t0", "t1") for y, o in ((2023, 2024), (2024, 2023))}
    for _ in range(2):
        result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024))
        copies = result.asset_materializations_for_node("raw__pmg_questionnaire_cells")[0].metadata
        assert copies["copies_of_other_years"].value == pairs

    # 2024's own T0 export put in (here: the same answers without the BOM): that pair is gone, from
    # both sides, although the warehouse still held the copy when 2023's T0 was started
    t0 = data / "pmg" / "2024" / "pmg_t0_qualtrics.csv"
    t0.write_text(t0.read_text(encoding="utf-8-sig"), encoding="utf-8")
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024))
    copies = result.asset_materializations_for_node("raw__pmg_questionnaire_cells")[0].metadata
    assert copies["copies_of_other_years"].value == {f: o for f, o in pairs.items() if "_t1_" in f}


def test_an_older_year_backfilled_from_a_newer_years_folder_is_named(tmp_path):
    """The 2022 folder made from 2023's, its exports left in, and 2022 run after 2023: the copy is
    the older year's file, and it is named."""
    data = copy_pmg(tmp_path)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,)).success
    second_edition(data, 2022)
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2022,))
    copies = result.asset_materializations_for_node("raw__pmg_questionnaire_cells")[0].metadata
    assert copies["copies_of_other_years"].value == {
        f"pmg/2022/pmg_{w}_qualtrics.csv": f"pmg/2023/pmg_{w}_qualtrics.csv (2023)" for w in ("t0", "t1")}


def test_unknown_document_and_code_are_quarantined_and_warned(tmp_path):
    data = copy_pmg(tmp_path)
    codebook = data / "pmg" / "2023" / "codebook_interviews.yaml"
    text = codebook.read_text(encoding="utf-8")
    first_doc = next(line for line in text.splitlines() if line.strip().startswith('"T0 '))
    codebook.write_text(text.replace(first_doc, ""), encoding="utf-8")
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,), raise_on_error=False)
    checks_on_segments = {e.check_name: e for e in result.get_asset_check_evaluations()
                          if e.asset_key == AssetKey(["staging", "pmg_interview_segments"])}
    assert checks_on_segments["no_rows_quarantined"].passed is False
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    reasons = conn.sql("SELECT DISTINCT reason FROM raw.quarantine WHERE instrument = 'pmg_interviews'").fetchall()
    assert reasons == [("document not listed under documents: in the codebook",)]


def test_the_reports_say_how_many_rows_of_each_export_were_set_aside(tmp_path):
    """UMCG's answer worded otherwise this year, and the codebook not told: all its rows were
    quarantined, and the report said nobody had filled in the questionnaire, and nothing more. Its
    provenance now counts each file's rows set aside, and says they count in no figure."""
    from tests.test_reports import cells, parse, table

    data = copy_pmg(tmp_path)
    rewrite(data / "pmg" / "2023" / "pmg_t0_qualtrics.csv", ",UMCG,", ",UMCG (Universitair Medisch Centrum Groningen),")
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        [(set_aside,)] = conn.sql("SELECT count(DISTINCT row_number) FROM raw.quarantine "
                                  "WHERE source_file = 'pmg/2023/pmg_t0_qualtrics.csv'").fetchall()
    assert set_aside == 8  # UMCG's T0 respondents
    for name in ("rapport.html", "rapport_onderzoekers.html"):
        report = parse(tmp_path / "reports" / "pmg" / "2023" / name)
        sources = table(report, "Bronbestanden")
        rows = {cells(sources, r)["Bronbestand"]: cells(sources, r)["Apart gezet"] for r in sources["rows"]}
        assert rows == {"pmg/2023/pmg_focusinterviews_maxqda.xlsx": "0", "pmg/2023/pmg_t0_qualtrics.csv": "8",
                        "pmg/2023/pmg_t1_qualtrics.csv": "0"}
        assert "Apart gezet: 8 rij(en), voorbeeld-, test- en spamantwoorden" in report.full_text
        # said where "nobody" is read too: beside Tabel 3, and in UMCG's interventions with a wave of nobody
        assert "Let op: 8 rij(en) van de vragenlijst van dit jaar (alle organisaties samen) konden niet" in \
            report.full_text
        assert ("vóór de interventie door niemand en na de interventie door 4 deelnemers ingevuld. Van de vragenlijst "
                "van dit jaar konden 8 rij(en) niet worden verwerkt (alle organisaties samen") in report.full_text


def test_an_unexplained_count_difference_warns(tmp_path):
    data = copy_pmg(tmp_path)
    codebook = data / "pmg" / "2023" / "codebook_interviews.yaml"
    text = codebook.read_text(encoding="utf-8")
    codebook.write_text(text.replace('  "Positieve Gezondheid": >-', '  "Iets anders": >-'), encoding="utf-8")
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,), raise_on_error=False)
    check = next(e for e in result.get_asset_check_evaluations()
                 if e.check_name == "questionnaire_and_interview_counts_agree")
    assert not check.passed and check.severity.value == "WARN"
    assert check.description == "1 group(s) whose interview and questionnaire counts differ unexplained"
    assert AssetKey(["reports", "pmg"]) in {e.event_specific_data.materialization.asset_key
                                            for e in result.all_events if e.is_step_materialization}



def test_a_run_of_two_editions_keeps_each_editions_count_explanations(tmp_path):
    """Both editions' codebooks explain the same groups: a run of both years keeps every year's
    explanations, not only the first year's of each group."""
    from assets.pmg.ingest import raw_pmg_interview_segments
    from assets.pmg.staging import staging_pmg_interview_segments

    data = copy_pmg(tmp_path)
    second_edition(data)
    assert materialize_years([raw_pmg_interview_segments, staging_pmg_interview_segments],
                             resources_for(tmp_path, data), (2023, 2024)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        explained = conn.sql("SELECT year, group_label, explanation FROM staging.pmg_count_differences").fetchall()
    first = sorted(r[1:] for r in explained if r[0] == 2023)
    assert len(first) == 4 and sorted(r[1:] for r in explained if r[0] == 2024) == first

def test_last_years_count_explanation_does_not_explain_changed_counts(tmp_path):
    """The interview codebook copied as next year's, its count_differences: kept: they "explained"
    whatever the new edition's groups showed. Where a group's counts are last year's, its words may
    stand; where they changed, the check names the explanation as last year's."""
    data = copy_pmg(tmp_path)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,)).success
    second = second_edition(data)
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,))
    check = next(e for e in result.get_asset_check_evaluations()
                 if e.check_name == "questionnaire_and_interview_counts_agree")
    assert check.passed and check.description == "4 group(s) differ, every difference explained in the codebook"

    t0 = second / "pmg_t0_qualtrics.csv"
    lines = t0.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    dropped = next(i for i, line in enumerate(lines) if "Cold shower challenge 2" in line)
    t0.write_text("".join(lines[:dropped] + lines[dropped + 1:]), encoding="utf-8-sig")
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,), raise_on_error=False)
    check = next(e for e in result.get_asset_check_evaluations()
                 if e.check_name == "questionnaire_and_interview_counts_agree")
    assert not check.passed and check.description == (
        "1 group(s) whose interview and questionnaire counts differ unexplained (1 by the previous edition's "
        "words, though its counts have changed: revise count_differences: in this year's interview codebook)")
    assert "| 2024 | UMCG | Cold shower challenge | Cold shower challenge 2 | 4 | 2 |" in (
        check.metadata["differences"].value)

    # last year's codebook no longer loads (a key today's stricter checks refuse), or is archived: its
    # words are the warehouse's, staged with its interviews, and this year's run goes on
    rewrite(data / "pmg" / "2023" / "codebook_interviews.yaml", "year: 2023", "year: 2023\nlanguage: nl")
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,), raise_on_error=False)
    check = next(e for e in result.get_asset_check_evaluations()
                 if e.check_name == "questionnaire_and_interview_counts_agree")
    assert result.success and not check.passed and "1 by the previous edition's words" in check.description


def second_edition(data: Path, year: int = 2024) -> Path:
    """A second PMG edition beside the first: the same exports, declared as `year`."""
    second = data / "pmg" / str(year)
    shutil.copytree(data / "pmg" / "2023", second)
    for codebook in second.glob("codebook_*.yaml"):
        codebook.write_text(codebook.read_text(encoding="utf-8").replace("year: 2023", f"year: {year}"),
                            encoding="utf-8")
    return second


MARTS = ["marts.pmg_response_counts", "marts.pmg_mental_health", "marts.pmg_intervention_rating",
         "marts.pmg_theme_mentions", "marts.pmg_paired_change", "marts.pmg_unpaired_change",
         "marts.pmg_theme_matrix", "marts.pmg_theme_quotes", "marts.pmg_trend"]


def snapshot(db: Path) -> dict:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return {t: conn.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in MARTS}
    finally:
        conn.close()


def test_backfill_of_two_years_gives_per_year_and_trend_marts(tmp_path):
    """Two editions backfilled one partition per run (2023, then 2024): every mart holds both years
    apart, the trend mart compares them, and the second run left the first year's rows alone. The
    same two years in one run (a single-run backfill of the range) give the same marts."""
    data = copy_pmg(tmp_path)
    second_edition(data)
    per_partition, one_run = tmp_path / "per_partition", tmp_path / "one_run"
    per_partition.mkdir(), one_run.mkdir()
    for year in (2023, 2024):
        assert materialize_years(pmg_graph(), resources_for(per_partition, data), (year,)).success
        if year == 2023:
            first_only = snapshot(per_partition / "warehouse.duckdb")
    conn = duckdb.connect(str(per_partition / "warehouse.duckdb"), read_only=True)
    per_year = conn.sql("SELECT year, intervention, wave, n, mean FROM marts.pmg_mental_health ORDER BY ALL").fetchall()
    assert [r[1:] for r in per_year if r[0] == 2023] == [r[1:] for r in per_year if r[0] == 2024] != []
    trend = conn.sql("""SELECT outcome, previous_year, change_from_previous FROM marts.pmg_trend
                        WHERE intervention = 'Training Emoties' AND year = 2024 ORDER BY outcome""").fetchall()
    assert trend == [("cijfer_interventie", 2023, 0.0), ("mentale_gezondheid_T0", 2023, 0.0),
                     ("mentale_gezondheid_T1", 2023, 0.0)]
    assert conn.sql("SELECT count(*) FROM marts.pmg_trend WHERE year = 2023 AND previous_year IS NULL").fetchall() == \
        conn.sql("SELECT count(*) FROM marts.pmg_trend WHERE year = 2023").fetchall()
    assert sorted(r[0] for r in conn.sql("SELECT DISTINCT year FROM raw.source_files").fetchall()) == [2023, 2024]
    conn.close()
    both = snapshot(per_partition / "warehouse.duckdb")
    for table in MARTS[:-1]:  # the trend spans the years; every per-year mart kept 2023 as it was
        assert [r for r in both[table] if r[0] == 2023] == first_only[table], table
    assert (tmp_path / "per_partition" / "reports" / "pmg" / "2024" / "rapport.html").exists()
    assert_reports_compare_the_editions(per_partition)

    assert materialize_years(pmg_graph(), resources_for(one_run, data), (2023, 2024)).success
    assert snapshot(one_run / "warehouse.duckdb") == both


def assert_reports_compare_the_editions(work: Path) -> None:
    """The second edition's reports set each mean beside the first's (unchanged: a copy); the
    stakeholder edition leaves out each mean either edition hides, as marts.pmg_stakeholder_hidden lists."""
    from tests.test_reports import parse, table

    conn = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    compared, shown = (conn.sql(f"""
        SELECT count(*) FROM marts.pmg_trend t WHERE year = 2024 AND previous_year = 2023 AND {condition}""").fetchall()
        for condition in ("true", """NOT EXISTS (
            SELECT 1 FROM marts.pmg_stakeholder_hidden h WHERE h.year IN (2023, 2024)
              AND h.organisation = t.organisation AND h.intervention = t.intervention
              AND CASE h.hidden_in WHEN 'marts.pmg_intervention_rating' THEN 'cijfer_interventie'
                                   WHEN 'marts.pmg_mental_health' THEN 'mentale_gezondheid_' || h.wave END
                  = t.outcome)"""))
    conn.close()
    reports = work / "reports" / "pmg"
    assert "Vergelijking met de vorige editie" not in parse(reports / "2023" / "rapport_onderzoekers.html").headings
    researcher = table(parse(reports / "2024" / "rapport_onderzoekers.html"), "naast die van de vorige editie")
    stakeholder = table(parse(reports / "2024" / "rapport.html"), "naast die van de vorige editie")
    assert [(len(researcher["rows"]),), (len(stakeholder["rows"]),)] == [compared[0], shown[0]]
    assert 0 < shown[0][0] < compared[0][0]  # the sample hides some
    assert {row[-1] for row in researcher["rows"]} == {"0,0"}
    assert all(row[3] == "2023" and row[4] == row[5] for row in researcher["rows"])  # the same mean and N
    # and each intervention's change in the same people beside the first edition's; the stakeholder
    # edition leaves out each change either edition's list of hidden figures holds
    conn = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    both, listed = (set(conn.sql(sql).fetchall()) for sql in (
        """SELECT organisation, intervention FROM marts.pmg_paired_change WHERE group_label = '(alle groepen)'
           AND hodges_lehmann IS NOT NULL GROUP BY ALL HAVING count(DISTINCT year) = 2""",
        """SELECT organisation, intervention FROM marts.pmg_stakeholder_hidden
           WHERE hidden_in = 'marts.pmg_paired_change' AND group_label = '(alle groepen)'"""))
    conn.close()
    caption = "Verandering bij dezelfde deelnemers in 2024 naast die in de vorige editie"
    changes = table(parse(reports / "2024" / "rapport_onderzoekers.html"), caption)["rows"]
    assert both and {tuple(row[:2]) for row in changes} == both
    assert all(row[2] == "2023" and row[3] == row[4] and row[5] == "0,0" for row in changes)
    public = parse(reports / "2024" / "rapport.html")
    shown = {tuple(row[:2]) for t in public.tables if caption in t["caption"] for row in t["rows"]}
    assert shown <= both - listed and (listed & both)  # the sample hides some
    assert (f"Weggelaten: veranderingen die deze of de vorige editie niet toont (minder dan 5 paren, of eruit terug "
            f"te rekenen) ({len(both) - len(shown)}).") in public.full_text


def test_rewriting_a_partition_replaces_only_that_year(tmp_path):
    """A corrected 2024 export, reloaded as partition 2024, changes 2024's rows and no other year's."""
    data = copy_pmg(tmp_path)
    second = second_edition(data)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024)).success
    before = snapshot(tmp_path / "warehouse.duckdb")
    t1 = second / "pmg_t1_qualtrics.csv"
    rows = list(csv.reader(io.StringIO(t1.read_text(encoding="utf-8-sig"), newline="")))
    grade = rows[0].index("Q5")
    for row in rows[3:]:
        row[grade] = "10"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    t1.write_text(out.getvalue(), encoding="utf-8")
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,)).success
    after = snapshot(tmp_path / "warehouse.duckdb")
    for table in MARTS[:-1]:
        assert [r for r in after[table] if r[0] == 2023] == [r for r in before[table] if r[0] == 2023], table
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    assert conn.sql("SELECT DISTINCT mean FROM marts.pmg_mental_health WHERE year = 2024 AND wave = 'T1'").fetchall() \
        == [(10.0,)]
    assert conn.sql("SELECT count(*) FROM marts.pmg_mental_health WHERE year = 2023 AND wave = 'T1' "
                    "AND mean = 10").fetchall() == [(0,)]


def withdraw(folder: Path) -> None:
    """Every participant of the year withdrew: its exports and codebooks go, WITHDRAWN.txt takes their place."""
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "WITHDRAWN.txt").write_text("Alle deelnemers hebben hun toestemming ingetrokken.\n", encoding="utf-8")


def _snapshot(tmp_path: Path, tables: list[str]) -> dict:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        return {t: conn.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def test_a_year_whose_exports_are_taken_out_keeps_its_rows_and_reports(tmp_path):
    """Exports of old years are archived or deleted in time, and the warehouse is then their only
    copy: a run of every year (as after an upgrade) emptied such a year, its reports and, backup after
    backup, the last copy of it. A year whose folder holds no codebook is now left as it is."""
    data = copy_pmg(tmp_path)
    second = second_edition(data, 2022)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2022, 2023)).success
    tables = ["raw.source_files", "raw.pmg_questionnaire_cells", "staging.pmg_questionnaire_answers",
              "staging.pmg_interview_segments", "staging.codebook_labels", "staging.pmg_count_differences", *MARTS]
    before = _snapshot(tmp_path, tables)
    reports = sorted(p.relative_to(tmp_path) for p in (tmp_path / "reports" / "pmg" / "2022").rglob("*"))

    # one instrument archived: its codebook and export gone, the questionnaire's still there
    (second / "codebook_interviews.yaml").unlink()
    (second / "pmg_focusinterviews_maxqda.xlsx").unlink()
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2022, 2023))
    assert result.success
    assert _snapshot(tmp_path, tables) == before
    # 2022's questionnaire loaded again: its counts checked against its archived codebook's words, kept
    counts = {e.check_name: e for e in result.get_asset_check_evaluations()}["questionnaire_and_interview_counts_agree"]
    rows = counts.metadata["differences"].value.splitlines()
    assert counts.passed and sum(row.startswith("| 2022 |") for row in rows) == 4
    shutil.rmtree(second)  # archived
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2022, 2023)).success
    assert _snapshot(tmp_path, tables) == before
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "reports" / "pmg" / "2022").rglob("*")) == reports
    second.mkdir()  # the folder there, empty: the same
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2022,)).success
    assert _snapshot(tmp_path, tables) == before
    # WITHDRAWN.txt beside a codebook stops the run, naming both: left there after one instrument's
    # withdrawal, it emptied the others once their codebooks were archived; so does a withdrawal
    # beside its own codebook, or of no instrument of the programme (an extension Windows hid)
    shutil.rmtree(second)
    second_edition(data, 2022)
    (second / "codebook_interviews.yaml").unlink()
    for marker, says in (("WITHDRAWN.txt", "WITHDRAWN.txt: stands beside codebook_questionnaire.yaml"),
                         ("WITHDRAWN_pmg_questionnaire.txt", "stands beside pmg_questionnaire's codebook"),
                         ("WITHDRAWN_pmg_interviews.txt.txt", "names no instrument of pmg")):
        (second / marker).write_text("De geïnterviewden trokken hun toestemming in.", encoding="utf-8")
        result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2022,), raise_on_error=False)
        failures = [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
        assert failures and all(says in m for m in failures), failures
        assert _snapshot(tmp_path, tables) == before
        (second / marker).unlink()

    def counts():
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
            return [conn.sql(f"SELECT count(*) FROM {t} WHERE year = 2022").fetchall()[0][0]
                    for t in ("staging.pmg_interview_segments", "staging.pmg_questionnaire_answers")]

    # the interviews withdrawn by name, the questionnaire kept; then the questionnaire archived too
    (second / "WITHDRAWN_pmg_interviews.txt").write_text("Toestemming ingetrokken.", encoding="utf-8")
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2022,)).success
    segments, answers = counts()
    assert segments == 0 and answers > 0
    for export in [*second.glob("codebook_*.yaml"), *second.glob("*.csv")]:
        export.unlink()
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2022,)).success
    assert counts() == [0, answers]


def test_a_withdrawn_year_leaves_no_rows_and_no_reports(tmp_path):
    """Participants of an edition withdrew: WITHDRAWN.txt in place of its exports, and rerunning that
    year's partition empties its rows and removes the reports and charts an earlier run wrote of it,
    both editions and every organisation's; the other year keeps its rows and its reports."""
    data = copy_pmg(tmp_path)
    second = second_edition(data)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024)).success
    reports = tmp_path / "reports" / "pmg"
    written = {year: sorted(p.relative_to(reports / year) for p in (reports / year).rglob("*") if p.is_file())
               for year in ("2023", "2024")}
    assert {Path("rapport_onderzoekers.html"), Path("pmg_mental_health.png"),
            Path("organisaties/umcg/rapport_onderzoekers.html")} <= set(written["2024"])

    withdraw(second)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,)).success
    assert not (reports / "2024").exists()
    assert sorted(p.relative_to(reports / "2023") for p in (reports / "2023").rglob("*") if p.is_file()) \
        == written["2023"]
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    for table in ("raw.source_files", "staging.pmg_questionnaire_answers", "staging.pmg_questionnaire_responses",
                  "staging.pmg_interview_segments", "staging.codebook_labels", "staging.pmg_count_differences",
                  *MARTS[:-1]):
        years = {r[0] for r in conn.sql(f"SELECT DISTINCT year FROM {table}").fetchall()}
        assert years == {2023}, table


def test_a_rerun_in_one_language_removes_the_other_languages_reports_of_other_exports(tmp_path):
    """Only the run's language is rewritten: a withdrawal or a correction rerun in Dutch left the
    English reports of the old exports, withdrawn answers and quotes included. A year's folder of
    the other language made from other exports is removed; one of the same exports is kept."""
    from pipelines.resources import ReportSettings

    data = copy_pmg(tmp_path)
    second = second_edition(data)
    dutch = resources_for(tmp_path, data)
    english = {**dutch, "reports": ReportSettings(output_dir=str(tmp_path / "reports"), language="en")}
    nl, en = tmp_path / "reports" / "pmg", tmp_path / "reports" / "en" / "pmg"
    assert materialize_years(pmg_graph(), dutch, (2023, 2024)).success
    assert materialize_years(pmg_graph(), english, (2023, 2024)).success
    assert (en / "2024" / "organisaties" / "umcg" / "rapport_onderzoekers.html").is_file()
    (en / "2024" / ".exports_sha256").unlink()  # as a folder written before folders recorded it
    assert materialize_years(pmg_graph(), dutch, (2023, 2024)).success  # the same exports: both kept
    assert all((folder / year / "rapport.html").is_file() for folder in (nl, en) for year in ("2023", "2024"))

    withdraw(second)  # 2024's participants withdrew
    assert materialize_years(pmg_graph(), dutch, (2024,)).success
    assert not (nl / "2024").exists() and not (en / "2024").exists()  # recorded or not: no data left

    t0 = data / "pmg" / "2023" / "pmg_t0_qualtrics.csv"  # 2023 corrected (here: saved without its BOM)
    t0.write_text(t0.read_text(encoding="utf-8-sig"), encoding="utf-8")
    assert materialize_years(pmg_graph(), dutch, (2023,)).success
    assert not (en / "2023").exists() and (nl / "2023" / "rapport.html").is_file()
    assert not (tmp_path / "reports" / "en").exists()  # no empty folders left behind
    # the data engineer's validation pages are the same in either language: one folder
    assert not (tmp_path / "reports" / "en" / "validatie").exists()
    assert (tmp_path / "reports" / "validatie" / "2023" / "staging.pmg_questionnaire_responses.html").is_file()


def _source_files(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute("CREATE SCHEMA raw")
    conn.execute("CREATE TABLE raw.source_files (programme VARCHAR, year INTEGER, source_file VARCHAR, "
                 "sha256 VARCHAR, codebook_sha256 VARCHAR, pseudonym_key_id VARCHAR, ingest_version INTEGER)")
    conn.executemany("INSERT INTO raw.source_files VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return conn


def test_what_a_years_reports_are_made_from_is_its_exports_codebooks_pseudonym_key_and_ingest():
    """The record that decides whether the other language's reports of a year are kept: the same
    exports in another order are the same; another pseudonym key (every pseudonym changed) or ingest
    version is not, and neither is another programme's or year's."""
    from assets.reporting.editions import exports_of

    rows = [("pmg", 2024, "t0.csv", "a", "c", "key1", 3), ("pmg", 2024, "t1.csv", "b", "c", "key1", 3),
            ("tib", 2024, "t0.csv", "x", "y", "key1", 3), ("pmg", 2023, "t0.csv", "z", "c", "key1", 3)]
    made_of = exports_of(_source_files(rows), "pmg", 2024)
    assert exports_of(_source_files(rows[::-1]), "pmg", 2024) == made_of
    for changed in ({5: "key2"}, {6: 4}, {3: "b2"}, {4: "c2"}):
        other = [tuple(changed.get(i, v) for i, v in enumerate(row)) for row in rows[:1]] + rows[1:]
        assert exports_of(_source_files(other), "pmg", 2024) != made_of, changed
    assert exports_of(_source_files(rows[:2]), "pmg", 2024) == made_of


def test_a_withdrawn_years_reports_go_and_what_else_its_folder_holds_stays(tmp_path):
    """Only the files the reports are made of are removed: a chart of a later step, or a file put
    there by hand, keeps the year's folder (and does not fail the run)."""
    from pipelines.resources import ReportSettings
    from assets.reporting.editions import remove_year_reports

    reports = ReportSettings(output_dir=str(tmp_path / "reports"))
    folder = tmp_path / "reports" / "pmg" / "2024"
    (folder / "organisaties" / "umcg").mkdir(parents=True)
    for name in ("rapport.html", "rapport.pdf", "rapport_onderzoekers.html", "rapport_onderzoekers.pdf",
                 ".exports_sha256", "organisaties/umcg/rapport.html", "notities.txt"):
        (folder / name).write_text("x")
    assert sorted(remove_year_reports(reports, "pmg", 2024)) == sorted([
        "rapport.html", "rapport.pdf", "rapport_onderzoekers.html", "rapport_onderzoekers.pdf", ".exports_sha256",
        "organisaties"])
    assert [p.name for p in folder.iterdir()] == ["notities.txt"]


def test_a_programme_folder_that_is_not_there_removes_nothing(tmp_path):
    """MHM_DATA_DIR mistyped, or the share not mounted: the run emptied every table and removed every
    report of the programme, and succeeded. A year without its folder keeps its rows and reports."""
    data = copy_pmg(tmp_path)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,)).success
    reports = sorted(p for p in (tmp_path / "reports").rglob("*") if p.is_file())
    before = _snapshot(tmp_path, ["raw.source_files", *MARTS[:-1]])
    assert materialize_years(pmg_graph(), resources_for(tmp_path, tmp_path / "not-mounted"), (2023,)).success
    assert _snapshot(tmp_path, ["raw.source_files", *MARTS[:-1]]) == before
    assert sorted(p for p in (tmp_path / "reports").rglob("*") if p.is_file()) == reports


def test_an_answer_code_with_two_labels_is_counted_once_in_the_marts(tmp_path):
    """A codebook may give one code two labels (a reworded answer, a synonym): the Terug in Balans
    marts list the code once, in its first label's wording, with its answers counted once."""
    data = copy_tib(tmp_path)
    first = '      - {label: "Ja, bij huidige werkgever", code: own_employer, label_en: "Yes, with my current employer"}\n'
    rewrite(data / "terug_in_balans" / "2024" / "codebook_survey.yaml", first,
            first + '      - {label: "Ja, bij mijn werkgever", code: own_employer}\n')
    assert materialize_years(programme_graph("terug_in_balans", checks=False), resources_for(tmp_path, data),
                             (2024,)).success
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    rows = conn.sql("SELECT outcome, outcome_label, n FROM marts.tib_return_to_work ORDER BY ALL").fetchall()
    answered = conn.sql("SELECT count(*) FROM staging.tib_survey_answers WHERE variable = 'return_to_work' "
                        "AND value_code = 'own_employer'").fetchall()[0][0]
    assert [r[0] for r in rows] == ["other_employer", "own_employer", "still_absent"]
    assert ("own_employer", "Ja, bij huidige werkgever", answered) in rows and answered > 0
    assert conn.sql("SELECT count(*) FROM staging.codebook_labels WHERE variable = 'return_to_work'").fetchall() \
        == [(4,)]


def test_a_factor_answer_without_a_number_is_counted_and_left_out_of_the_scale(tmp_path):
    """A scale point the codebook gives no number (n.v.t.) is counted in marts.tib_factor_ratings (the
    shares add up to 100) and left out of the median and the share of 4 and 5, in the summary and
    the trend alike."""
    data = copy_tib(tmp_path)
    rewrite(data / "terug_in_balans" / "2024" / "codebook_survey.yaml",
            '    - {label: Niet behulpzaam, code: "1", number: 1, label_en: Not helpful}\n',
            '    - {label: Niet behulpzaam, code: nvt}\n')
    result = materialize_years(programme_graph("terug_in_balans"), resources_for(tmp_path, data), (2024,),
                               raise_on_error=False)
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["shares_sum_to_100"] and all(checks.values()), checks
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    factor = "Dat ik door iemand buiten de organisatie begeleid werd"
    rows = conn.sql(f"SELECT rating, n, n_respondents, pct FROM marts.tib_factor_ratings WHERE factor = '{factor}'"
                    " ORDER BY rating NULLS FIRST").fetchall()
    assert rows[0][:3] == (None, 1, 30) and sum(r[3] for r in rows) == 100.0
    summary = conn.sql("SELECT n_respondents, pct_flink_of_zeer FROM marts.tib_factor_summary "
                       f"WHERE factor = '{factor}'").fetchall()[0]
    flink_of_zeer = sum(r[1] for r in rows if r[0] is not None and r[0] >= 4)
    assert summary == (29, 100.0 * flink_of_zeer / 29)
    trend = conn.sql("SELECT n_respondents, pct FROM marts.tib_trend "
                     f"WHERE outcome = 'flink of zeer behulpzaam: {factor}'").fetchall()
    assert trend == [summary]
    conn.close()
    # the report: the point last in the distribution, its note, the same share as the summary, the
    # median's scale of the numbered points, and the chart without it
    from tests.test_reports import parse, table
    report = parse(tmp_path / "reports" / "terug_in_balans" / "2024" / "rapport_onderzoekers.html")
    ratings = table(report, "Beoordeling van de factoren")
    assert ratings["headers"][-2:] == ["Niet behulpzaam", "Flink + zeer"]
    row = next(r for r in ratings["rows"] if r[0] == factor)
    assert row[-1] == fmt_pct(summary[1], 0, "nl") != fmt_pct(100.0 * flink_of_zeer / 30, 0, "nl")
    # the two highest points need not add up to ‘Flink + zeer’ (of the 29 on the scale): not said they do
    assert "Geen punt van de schaal (Niet behulpzaam): telt mee in N en in de aandelen per antwoord, niet in " \
           "‘Flink + zeer’ (het aandeel van wie een punt van de schaal koos" in report.full_text
    assert "kunnen 1 punt van hun opgetelde afrondingen verschillen" not in report.full_text
    ranked = table(report, "Factoren gerangschikt")
    assert "Mediaan (2 – 5)" in ranked["headers"]
    assert "N: wie een punt van de schaal koos (wie Niet behulpzaam antwoordde niet meegeteld)." in report.full_text


def test_a_reworded_skill_or_factor_continues_its_trend_by_its_code(tmp_path):
    """A next cohort's codebook words a skill ("Grenzen stellen") and a factor otherwise, with the
    same code and variable: the trend goes on from the first cohort instead of starting two new
    series, and the marts carry the codes an analyst joins cohorts on."""
    graph = programme_graph("terug_in_balans", checks=False)
    data = copy_tib(tmp_path)
    later = data / "terug_in_balans" / "2025"
    shutil.copytree(data / "terug_in_balans" / "2024", later)
    codebook = later / "codebook_survey.yaml"
    skill = ("      - {label: Grenzen bewaken, code: grenzen_bewaken, domain: Cognitieve vaardigheden, "
             "label_en: Guarding boundaries, domain_en: Cognitive skills}\n")
    factor = "  factor_klik_coach:\n"
    text = codebook.read_text(encoding="utf-8").replace("year: 2024", "year: 2025")
    assert skill in text and factor in text
    # the new wording first (the marts' wording), the export's old one still decoding
    text = text.replace(skill, skill.replace("Grenzen bewaken", "Grenzen stellen") + skill)
    codebook.write_text(text.replace(factor, factor + "    text: De klik met mijn coach\n"), encoding="utf-8")
    assert materialize_years(graph, resources_for(tmp_path, data), (2024, 2025)).success
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    trend = conn.sql("""SELECT outcome_key, year, outcome, previous_year, change_from_previous FROM marts.tib_trend
                        WHERE outcome_key IN ('skills_strengthened:grenzen_bewaken', 'flink_of_zeer:factor_klik_coach')
                        ORDER BY outcome_key, year""").fetchall()
    assert [r[1:] for r in trend if r[0].startswith("skills")] == [
        (2024, "vaardigheid versterkt: Grenzen bewaken", None, None),
        (2025, "vaardigheid versterkt: Grenzen stellen", 2024, 0.0)]
    assert [r[1:] for r in trend if r[0].startswith("flink")][1][1:] == (
        "flink of zeer behulpzaam: De klik met mijn coach", 2024, 0.0)
    # every series but none continues, and the factor's share is the factor summary's to the last bit
    assert conn.sql("SELECT count(*) FROM marts.tib_trend WHERE year = 2025 AND previous_year IS NULL").fetchall() \
        == [(0,)]
    assert conn.sql("""SELECT count(*) FROM marts.tib_trend t JOIN marts.tib_factor_summary s
                       ON t.outcome = 'flink of zeer behulpzaam: ' || s.factor AND t.year = s.year
                       WHERE t.pct IS DISTINCT FROM s.pct_flink_of_zeer""").fetchall() == [(0,)]
    for mart in ("tib_skills", "tib_skill_mcnemar"):
        assert conn.sql(f"SELECT DISTINCT skill_code FROM marts.{mart} WHERE skill LIKE 'Grenzen%'").fetchall() \
            == [("grenzen_bewaken",)]
    assert conn.sql("SELECT DISTINCT factor_variable FROM marts.tib_factor_summary WHERE factor LIKE '%klik%'"
                    ).fetchall() == [("factor_klik_coach",)]
    before = conn.sql("SELECT * FROM marts.tib_trend ORDER BY ALL").fetchall()
    conn.close()
    # the second cohort's factsheet sets every share beside the first's, the reworded in its new words
    from tests.test_reports import parse, table

    compared = table(parse(tmp_path / "reports" / "terug_in_balans" / "2025" / "rapport_onderzoekers.html"),
                     "naast die van het vorige cohort")
    assert len(compared["rows"]) == len([r for r in before if r[1] == 2025])
    assert ["vaardigheid versterkt: Grenzen stellen", "2024"] in [row[:2] for row in compared["rows"]]
    assert {row[-1] for row in compared["rows"]} == {"0,0"} and all(row[2] == row[3] for row in compared["rows"])
    # a warehouse from before the codes: its 2024 rows have none until 2024 is run again, and the
    # yearly run of 2025 alone follows the series by the codebook's codes
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    conn.execute("UPDATE marts.tib_skills SET skill_code = NULL WHERE year = 2024")
    conn.execute("UPDATE marts.tib_factor_ratings SET factor_variable = NULL WHERE year = 2024")
    conn.close()
    assert materialize_years(graph, resources_for(tmp_path, data), (2025,)).success
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    assert conn.sql("SELECT * FROM marts.tib_trend ORDER BY ALL").fetchall() == before
    conn.close()
    # older still: 2024's codebook was never loaded either (no codebook tables then). A series
    # worded as in another year's codebook goes on; the reworded ones cannot be told apart.
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    conn.execute("UPDATE marts.tib_skills SET skill_code = NULL WHERE year = 2024")
    conn.execute("UPDATE marts.tib_factor_ratings SET factor_variable = NULL WHERE year = 2024")
    for table in ("codebook_labels", "codebook_variables"):
        conn.execute(f"DELETE FROM staging.{table} WHERE year = 2024")
    conn.close()
    assert materialize_years(graph, resources_for(tmp_path, data), (2025,)).success
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    after = conn.sql("""SELECT outcome_key, previous_year FROM marts.tib_trend WHERE year = 2025
                        ORDER BY ALL""").fetchall()
    conn.close()
    broken = [key for key, previous in after if previous is None]
    assert broken == ["flink_of_zeer:factor_klik_coach"] and len(after) > 20


def test_another_pseudonym_key_loads_the_whole_year_again_and_names_the_years_left(tmp_path, monkeypatch):
    """MHM_PSEUDONYM_KEY changed, and one 2024 export with it: every 2024 export is loaded again,
    not only the changed one, so T0 and T1 keep one pseudonym per person and the pairs are found.
    The run warns that 2023 was pseudonymised with the other key."""
    from dagster import DagsterInstance

    data = copy_pmg(tmp_path)
    second = second_edition(data)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024)).success
    before = snapshot(tmp_path / "warehouse.duckdb")["marts.pmg_paired_change"]
    t1 = second / "pmg_t1_qualtrics.csv"
    t1.write_bytes(t1.read_bytes() + b"\r\n")  # the same rows, other bytes: loaded again

    monkeypatch.setenv("MHM_PSEUDONYM_KEY", "another-key")
    with DagsterInstance.ephemeral() as instance:
        result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,), instance=instance)
        assert result.success
        warnings = [e.user_message for e in instance.all_logs(result.run_id) if "another MHM_PSEUDONYM_KEY" in
                    e.user_message]
    assert any("pmg_questionnaire: the exports of 2023 were pseudonymised" in w for w in warnings), warnings
    assert snapshot(tmp_path / "warehouse.duckdb")["marts.pmg_paired_change"] == before
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    ids = {year: {r[0] for r in conn.sql(f"SELECT participant_id FROM staging.pmg_questionnaire_responses "
                                         f"WHERE year = {year}").fetchall()} for year in (2023, 2024)}
    assert ids[2023] and not ids[2023] & ids[2024]  # the same people, under the other key's pseudonyms
    assert conn.sql("SELECT count(DISTINCT pseudonym_key_id) FROM raw.source_files").fetchall() == [(2,)]


def test_a_year_loaded_before_keys_were_recorded_is_named_and_one_kept_without_exports_is_not_to_run_again(
        tmp_path):
    """A year whose rows record no key (loaded before keys were kept) may hold another key's
    pseudonyms: named, to run again. Once its exports are gone (archived) no run can load it
    again: it is said so, not named as a year to run."""
    data = copy_pmg(tmp_path)
    second_edition(data)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute("UPDATE raw.source_files SET pseudonym_key_id = NULL WHERE year = 2023")

    def said():
        with DagsterInstance.ephemeral() as instance:
            result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,), instance=instance)
            assert result.success
            # the run's own year in its metadata, not every year the table holds
            decoded = result.asset_materializations_for_node("staging__pmg_questionnaire_answers")[0].metadata
            assert "2024" in decoded["rows_by_year"].value and "2023" not in decoded["rows_by_year"].value
            return [e.user_message for e in instance.all_logs(result.run_id) if "pmg_questionnaire: " in
                    e.user_message and "2023" in e.user_message]

    assert any("the exports of 2023 were pseudonymised with another MHM_PSEUDONYM_KEY" in m for m in said())
    shutil.rmtree(data / "pmg" / "2023")
    messages = said()
    assert not any("run those years again" in m for m in messages), messages
    assert any("2023, kept without their exports, have the pseudonyms of another key" in m for m in messages)

def test_a_question_added_to_the_codebook_is_decoded_and_checked_without_blocking_the_year(tmp_path):
    """A new question (here a second reading of Q5) is no column of staging.pmg_questionnaire_responses:
    its answers are in staging.pmg_questionnaire_answers, and the suite checks the columns it has."""
    data = copy_pmg(tmp_path)
    codebook = data / "pmg" / "2023" / "codebook_questionnaire.yaml"
    codebook.write_text(codebook.read_text(encoding="utf-8") + (
        "  workload:\n    column: Q5\n    type: number\n    scale: {min: 0, max: 10}\n"), encoding="utf-8")
    result = materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023,), raise_on_error=False)
    failed = [(e.asset_key.to_user_string(), e.check_name) for e in result.get_asset_check_evaluations()
              if not e.passed]
    assert result.success and failed == []
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    assert conn.sql("SELECT count(*) FROM staging.pmg_questionnaire_answers WHERE variable = 'workload'"
                    ).fetchall() == conn.sql("SELECT count(*) FROM staging.pmg_questionnaire_answers "
                                             "WHERE variable = 'mental_health_grade'").fetchall()


def test_a_scale_changed_between_editions_is_carried_and_not_differenced(tmp_path):
    """2024 asks mental health on 1-5: its marts carry that scale, the trend gives no change from
    2023's 0-10 means, and the report and chart say 1 – 5."""
    data = copy_pmg(tmp_path)
    second = second_edition(data)
    codebook = second / "codebook_questionnaire.yaml"
    text = codebook.read_text(encoding="utf-8")
    assert text.count("scale: {min: 0, max: 10}") == 1
    codebook.write_text(text.replace("scale: {min: 0, max: 10}", "scale: {min: 1, max: 5}").replace(
        "text: Cijfer mentale gezondheid", "text: Cijfer mentale gezondheid (afgelopen twee weken)"), encoding="utf-8")
    for wave in ("t0", "t1"):
        export = second / f"pmg_{wave}_qualtrics.csv"
        rows = list(csv.reader(io.StringIO(export.read_text(encoding="utf-8-sig"), newline="")))
        grade = rows[0].index("Q5")
        for row in rows[3:]:
            row[grade] = "3" if row[grade] else ""
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        export.write_text(out.getvalue(), encoding="utf-8")
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024)).success
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    assert conn.sql("SELECT DISTINCT year, scale_min, scale_max FROM marts.pmg_mental_health ORDER BY 1").fetchall() \
        == [(2023, 0.0, 10.0), (2024, 1.0, 5.0)]
    trend = conn.sql("SELECT outcome, previous_year, change_from_previous FROM marts.pmg_trend WHERE year = 2024 "
                     "AND intervention = 'Training Emoties' ORDER BY outcome").fetchall()
    assert trend == [("cijfer_interventie", 2023, 0.0), ("mentale_gezondheid_T0", 2023, None),
                     ("mentale_gezondheid_T1", 2023, None)]
    # the question was worded otherwise too: flagged where the wording changed, unknown in the first year
    assert conn.sql("SELECT DISTINCT year, outcome, question_reworded FROM marts.pmg_trend ORDER BY ALL").fetchall() == [
        (2023, "cijfer_interventie", None), (2023, "mentale_gezondheid_T0", None),
        (2023, "mentale_gezondheid_T1", None), (2024, "cijfer_interventie", False),
        (2024, "mentale_gezondheid_T0", True), (2024, "mentale_gezondheid_T1", True)]
    report = (tmp_path / "reports" / "pmg" / "2024" / "rapport_onderzoekers.html").read_text(encoding="utf-8")
    assert "M = gemiddeld cijfer (mentale gezondheid 1 – 5, cijfer voor de interventie 1 – 10)" in report
    earlier = (tmp_path / "reports" / "pmg" / "2023" / "rapport_onderzoekers.html").read_text(encoding="utf-8")
    assert "M = gemiddeld cijfer (mentale gezondheid 0 – 10, cijfer voor de interventie 1 – 10)" in earlier


def test_a_question_without_its_wording_is_not_taken_for_a_reworded_one(tmp_path):
    """A codebook without `text:` falls back to the column heading ("Q5"): against last year's
    wording that read as a reworded question. Whether it was reworded is unknown: NULL."""
    data = copy_pmg(tmp_path)
    second = second_edition(data)
    rewrite(second / "codebook_questionnaire.yaml", "    text: Cijfer mentale gezondheid\n", "")
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        assert conn.sql("SELECT DISTINCT outcome, question_reworded FROM marts.pmg_trend WHERE year = 2024 "
                        "ORDER BY ALL").fetchall() == [("cijfer_interventie", False), ("mentale_gezondheid_T0", None),
                                                      ("mentale_gezondheid_T1", None)]
        assert conn.sql("SELECT year, variable_text, text_given FROM staging.codebook_variables "
                        "WHERE variable = 'mental_health_grade' ORDER BY year").fetchall() == [
            (2023, "Cijfer mentale gezondheid", True), (2024, "Q5", False)]


def test_a_warehouse_from_before_the_scales_runs_one_year_and_keeps_its_trend(tmp_path):
    """A warehouse made before staging.codebook_variables and the marts' scale columns existed:
    a mart materialised alone still builds, and the next year's trend still gives its change
    (an old year's unknown scale is taken to be the same)."""
    from assets.tables import key

    data = copy_pmg(tmp_path)
    second_edition(data)
    resources = resources_for(tmp_path, data)
    assert materialize_years(pmg_graph(), resources, (2023,)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute("DROP TABLE staging.codebook_variables")
        for mart in ("marts.pmg_mental_health", "marts.pmg_intervention_rating"):
            conn.execute(f"UPDATE {mart} SET scale_min = NULL, scale_max = NULL")
    alone = [a for a in ASSETS if key("marts.pmg_mental_health") in a.keys]  # "Materialize selected" in the UI
    assert materialize_years(alone, resources, (2023,)).success
    assert materialize_years(pmg_graph(), resources, (2024,)).success
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    trend = conn.sql("SELECT outcome, previous_year, change_from_previous FROM marts.pmg_trend WHERE year = 2024 "
                     "AND intervention = 'Training Emoties' ORDER BY outcome").fetchall()
    assert trend == [("cijfer_interventie", 2023, 0.0), ("mentale_gezondheid_T0", 2023, 0.0),
                     ("mentale_gezondheid_T1", 2023, 0.0)]
    # 2023's wording was never kept: whether 2024 asked otherwise is unknown, not "no"
    assert conn.sql("SELECT DISTINCT question_reworded FROM marts.pmg_trend WHERE year = 2024").fetchall() == [(None,)]


def test_tib_skill_shares_count_respondents_who_ticked_no_skill(tmp_path):
    from dagster import materialize
    from dagster_duckdb import DuckDBResource

    from assets.terug_in_balans.marts import tib_skills
    from warehouse.schema import ensure_schema

    db = str(tmp_path / "w.duckdb")
    conn = duckdb.connect(db)
    ensure_schema(conn, "staging.tib_survey_answers", "staging.codebook_labels")
    conn.execute("INSERT INTO staging.codebook_labels (year, instrument, variable, role, position, label, code) "
                 "VALUES (2024, 'tib_survey', 'skills_strengthened', 'skill', 1, 'Grenzen bewaken', 'grenzen')")
    conn.executemany("INSERT INTO staging.tib_survey_answers (year, source_file, row_number, participant_id, variable, "
                     "value_code) VALUES (2024, 'f', ?, ?, ?, ?)",
                     [(1, "p_a", "skills_strengthened", "grenzen"), (2, "p_b", "return_to_work", "own_employer")])
    conn.close()
    assert materialize([tib_skills], resources={"duckdb": DuckDBResource(database=db)}, partition_key="2024").success
    conn = duckdb.connect(db, read_only=True)
    assert conn.sql("SELECT n_respondents, n_strengthened, pct_strengthened FROM marts.tib_skills").fetchall() == \
        [(2, 1, 50.0)]


def test_a_run_of_one_year_keeps_the_other_years_staging_quarantine(tmp_path):
    data = copy_pmg(tmp_path)
    second_edition(data)
    t0 = data / "pmg" / "2023" / "pmg_t0_qualtrics.csv"
    rows = list(csv.reader(io.StringIO(t0.read_text(encoding="utf-8-sig"), newline="")))
    rows[3][rows[0].index("Q5")] = "11"   # outside the 0-10 scale: quarantined at staging
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    t0.write_text(out.getvalue(), encoding="utf-8")

    def staging_quarantine():
        conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
        try:
            return conn.sql("SELECT source_file, row_number, reason FROM raw.quarantine WHERE stage = 'staging' "
                            "ORDER BY ALL").fetchall()
        finally:
            conn.close()

    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2023, 2024)).success
    before = staging_quarantine()
    assert any(r[0] == "pmg/2023/pmg_t0_qualtrics.csv" for r in before)
    assert materialize_years(pmg_graph(), resources_for(tmp_path, data), (2024,)).success
    assert staging_quarantine() == before


def test_the_rows_set_aside_that_may_be_respondents_leave_out_previews_and_second_responses():
    """A Qualtrics preview, a test or an unfinished second response is set aside on purpose: "those
    respondents may be missing" is said only of rows that may be someone's answers."""
    from assets.pmg.year_data import questionnaire_rows_set_aside
    from warehouse.schema import ensure_schema

    conn = duckdb.connect()
    ensure_schema(conn, "raw.quarantine", "raw.source_files")
    for source_file, programme, year in (("pmg/2023/t0.csv", "pmg", 2023), ("pmg/2024/t0.csv", "pmg", 2024)):
        conn.execute("INSERT INTO raw.source_files (source_file, programme, instrument, year) "
                     "VALUES (?, ?, 'pmg_questionnaire', ?)", [source_file, programme, year])
    problems = [("pmg/2023/t0.csv", 4, "Status", "pmg_questionnaire"),       # a preview
                ("pmg/2023/t0.csv", 5, "Finished", "pmg_questionnaire"),     # a second, unfinished response
                ("pmg/2023/t0.csv", 5, "Q2", "pmg_questionnaire"),           # ... with another problem too
                ("pmg/2023/t0.csv", 9, "Q2", "pmg_questionnaire"),           # an answer the codebook lacks
                ("pmg/2023/t0.csv", 9, "Q5", "pmg_questionnaire"),           # the same row, once
                ("pmg/2024/t0.csv", 3, "Q2", "pmg_questionnaire")]           # another year
    conn.executemany("INSERT INTO raw.quarantine (source_file, row_number, column_name, instrument) "
                     "VALUES (?, ?, ?, ?)", problems)
    assert questionnaire_rows_set_aside(conn, 2023) == 1
    assert questionnaire_rows_set_aside(conn, 2025) == 0
