"""Exports of the other survey tools (assets/ingest/formats_other_surveys.py): the readers on the
real exports in ../shared/realexports and on samples built from the tools' documented layouts, and
the bundled PMG questionnaire exported from LimeSurvey, SPSS and Microsoft Forms (written by
data/generate/pmg_questionnaire_alt.py), which must give the same marts as the Qualtrics export."""

import csv
import io
import re
import shutil
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from dagster import materialize

from assets.ingest.errors import InputError
from assets.ingest.formats import ROW
from assets.ingest.formats_other_surveys import (read_google_forms_csv, read_limesurvey_csv, read_limesurvey_r,
                                                 read_limesurvey_structure, read_limesurvey_xlsx, read_r_syntax,
                                                 read_spss_sav, read_surveymonkey_csv, read_surveymonkey_xlsx,
                                                 syntax_file_of)
from tests.conftest import DATA, FIXTURES, materialize_years, real_export, resources_for
from tests.test_assets import pmg_graph

ALT = FIXTURES / "pmg_alt"


def pmg_marts(tmp: Path, data_dir: Path) -> dict[str, list[tuple]]:
    """Materialise every PMG asset and check on data_dir; every marts.pmg_* table, rows sorted."""
    result = materialize_years(pmg_graph(), resources_for(tmp, data_dir), (2023,), raise_on_error=False)
    assert result.success, f"the PMG run on {data_dir} failed"
    conn = duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' "
            "AND table_name LIKE 'pmg\\_%' ESCAPE '\\' ORDER BY 1").fetchall()]
        marts = {t: sorted(conn.execute(f"SELECT * FROM marts.{t}").fetchall(), key=repr) for t in tables}
        quarantined = conn.execute("SELECT count(*) FROM raw.quarantine WHERE instrument = 'pmg_questionnaire'"
                                   ).fetchall()[0][0]
        staging = {t: sorted(conn.execute(f"SELECT * EXCLUDE (source_file, row_number) FROM {t}").fetchall(), key=repr)
                   for t in ("staging.pmg_questionnaire_answers",)}
        staging["staging.codebook_labels"] = conn.execute("SELECT * FROM staging.codebook_labels ORDER BY ALL").fetchall()
    finally:
        conn.close()
    return {"tables": marts, "quarantined": quarantined, "staging": staging}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """One PMG run on the bundled data/ folder (the Qualtrics exports), shared by the tests below."""
    return pmg_marts(tmp_path_factory.mktemp("bundled_pmg"), DATA)


@pytest.mark.parametrize("tool", ["limesurvey", "limesurvey_r", "spss", "ms_forms"])
def test_alternative_export_gives_the_same_marts(tool, bundled, tmp_path):
    alt = pmg_marts(tmp_path, ALT / tool)
    assert bundled["tables"], "the bundled run produced no marts.pmg_* tables"
    assert sorted(alt["tables"]) == sorted(bundled["tables"])
    for table, rows in bundled["tables"].items():
        assert rows, f"marts.{table} is empty in the bundled run"
        assert alt["tables"][table] == rows, f"marts.{table} differs between {tool} and the bundled Qualtrics data"
    assert alt["quarantined"] == bundled["quarantined"]


def test_a_year_with_a_codebook_per_wave_gives_the_same_answers_and_marts(bundled, tmp_path):
    """The tool changed between T0 and T1, say: one codebook per wave, of one instrument. Each file
    is decoded by its own codebook's labels, so no answer is decoded twice (once per codebook)."""
    data = tmp_path / "data"
    shutil.copytree(DATA / "pmg" / "2023", data / "pmg" / "2023")
    codebook = data / "pmg" / "2023" / "codebook_questionnaire.yaml"
    text = codebook.read_text(encoding="utf-8")
    t0, t1 = (re.search(rf"  - path: pmg_{wave}_qualtrics.csv\n.*\n.*\n", text)[0] for wave in ("t0", "t1"))
    codebook.write_text(text.replace(t1, ""), encoding="utf-8")
    (codebook.parent / "codebook_questionnaire_t1.yaml").write_text(text.replace(t0, ""), encoding="utf-8")
    split = pmg_marts(tmp_path, data)
    assert split["tables"] == bundled["tables"] and split["quarantined"] == bundled["quarantined"]
    assert split["staging"] == bundled["staging"]


def test_alt_folders_hold_the_interview_files_byte_for_byte():
    for tool in ("limesurvey", "limesurvey_r", "spss", "ms_forms"):
        for name in ("codebook_interviews.yaml", "pmg_focusinterviews_maxqda.xlsx"):
            assert (ALT / tool / "pmg" / "2023" / name).read_bytes() == (DATA / "pmg" / "2023" / name).read_bytes()


# --- LimeSurvey ------------------------------------------------------------------------

def test_limesurvey_csv_question_codes_real_export():
    table = read_limesurvey_csv(real_export("limesurvey/UU_name-face_results_codes.csv"))
    assert table.detail == "limesurvey csv: question codes as headings"
    frame = table.frame
    assert frame.height == 65
    first = frame.row(0, named=True)
    assert first["id"] == "6" and first[ROW] == 2  # below the one header row
    assert first["submitdate"] == "1980-01-01 00:00:00"  # date stamping off: kept as exported
    assert first["leeftijd"] == "22" and first["Geslacht"] == "man" and first["opleiding"] == "VWO"
    assert first["Geslacht[other]"] is None and first["Score"] is None  # empty and NULL both None
    assert first["vr1004"] == "Jelle" and first["Eindvraag"] == "Nee"
    last = frame.row(frame.height - 1, named=True)
    assert last["id"] == "73" and last[ROW] == 66
    assert last["Geslacht"] == "vrouw" and last["opleiding"] == "Other" and last["opleiding[other]"] == "WO DUITSLAND"
    assert frame.filter(frame["vr1010"] == "Valérie").height > 0  # UTF-8 without BOM


def test_limesurvey_csv_full_text_headings_bom_real_export():
    table = read_limesurvey_csv(real_export("limesurvey/survey_998192_R_data_file.csv"))
    assert table.detail == "limesurvey csv: full question text as headings"
    frame = table.frame
    assert frame.columns[0] == "Response ID"  # BOM stripped
    assert frame.height == 7 and frame[ROW].to_list() == list(range(2, 9))
    by_id = {r["Response ID"]: r for r in frame.iter_rows(named=True)}
    assert by_id["1"]["Date submitted"] == "2021-09-24 11:39:34"
    assert by_id["4"]["Date submitted"] is None  # not submitted: NULL
    assert by_id["4"]["How do you identify?"] == "man" and by_id["4"]["How old are you?"] == "66"
    assert by_id["5"]["How do you identify?"] == "-oth-" and by_id["5"]["How do you identify? [Other]"] == "4444"
    assert by_id["9"]["Describe yourselves [Emotional Stability]"] == "4"
    assert by_id["1"]["Total time"] == "339.28"  # numbers stay text as exported


def test_limesurvey_r_export_real_pair():
    """LimeSurvey's R export: the data file's columns are named by the syntax file's question codes
    (subquestions as code_sub, dual scales as code#0), the columns it does not name (timings) keep
    their headings, and the question text stays with each code."""
    data = real_export("limesurvey/survey_998192_R_data_file.csv")
    syntax = syntax_file_of(data)
    assert syntax.name == "survey_998192_R_syntax_file.R"
    table = read_limesurvey_r(data, syntax)
    frame = table.frame
    assert frame.columns[:4] == ["id", "submitdate", "lastpage", "startlanguage"]
    assert {"gender", "gender_other", "education_primary", "activities_exp#0", "order_5", "Total time"} <= set(frame.columns)
    assert frame.height == 7 and frame[ROW].to_list() == list(range(2, 9))
    by_id = {r["id"]: r for r in frame.iter_rows(named=True)}
    assert by_id["5"]["gender"] == "-oth-" and by_id["5"]["gender_other"] == "4444"  # answer codes, as exported
    assert by_id["4"]["education_primary"] == "0" and by_id["5"]["education_primary"] == "1"
    assert by_id["9"]["activities_exp#0"] == "3" and by_id["9"]["order_1"] == "tita"
    assert by_id["1"]["Total time"] == "339.28"
    assert table.question_text["gender"] == "How do you identify?"
    assert table.question_text["gender_other"] == "[Other] How do you identify?"


def test_r_syntax_answer_labels_real_file():
    syntax = read_r_syntax(real_export("limesurvey/survey_998192_R_syntax_file.R"))
    assert len(syntax.names) == 51 and syntax.names[51] == "order_5"
    assert syntax.answers[9] == {"no": "Over my dead body", "yes": "Yes please"}
    assert syntax.answers[13] == {"1": "Yes", "0": "Not selected"}  # levels written as numbers
    assert syntax.answers[23]["7"] == "7 in zeer ruime mate"
    assert syntax.texts[22] == '{if((age.NAOK > 65) && (gender.NAOK == "man"), 1,0)}'  # \" unescaped
    structure = read_limesurvey_structure(real_export("limesurvey/survey_998192_R_syntax_file.R"))
    assert structure["gender"] == {"text": "How do you identify?", "answers": {"man": "Man", "woman": "Woman"}}


def test_r_syntax_ordered_factor(tmp_path: Path):
    """LimeSurvey writes a dual-scale array's factors with ordered=TRUE."""
    path = tmp_path / "survey_1_R_syntax_file.R"
    path.write_text('names(data)[1] <- "id"\nnames(data)[2] <- "ds#0"\n'
                    'data[, 2] <- factor(data[, 2], levels=c(1,2),labels=c("Laag", "Hoog"), ordered=TRUE)\n',
                    encoding="utf-8")
    assert read_r_syntax(path).answers == {2: {"1": "Laag", "2": "Hoog"}}


def test_r_syntax_with_more_answer_codes_than_labels_is_refused(tmp_path: Path):
    path = tmp_path / "survey_1_R_syntax_file.R"
    path.write_text('names(data)[1] <- "id"\nnames(data)[2] <- "org"\n'
                    'data[, 2] <- factor(data[, 2], levels=c("A1","A2","A3"),labels=c("UMCG", "RUG"))\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"column 2 \(org\): 3 answer codes but 2 labels"):
        read_r_syntax(path)


def test_limesurvey_r_pair_that_does_not_belong_together(tmp_path: Path):
    data = tmp_path / "survey_1_R_data_file.csv"
    data.write_text('"Response ID","Wat is je code?"\n"1","P01"\n', encoding="utf-8")
    syntax = tmp_path / "survey_1_R_syntax_file.R"
    syntax.write_text('names(data)[1] <- "id"\nnames(data)[2] <- "code"\nnames(data)[3] <- "grade"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"has 2 columns, but its syntax file survey_1_R_syntax_file.R names 3"):
        read_limesurvey_r(data, syntax)
    syntax.write_text('names(data)[1] <- "id"\nnames(data)[3] <- "grade"\n', encoding="utf-8")
    with pytest.raises(InputError, match="not column 2"):
        read_limesurvey_r(data, syntax)
    syntax.write_text("# not a syntax file\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a LimeSurvey R syntax file"):
        read_limesurvey_r(data, syntax)


def test_limesurvey_r_codebook_finds_or_names_the_syntax_file(tmp_path: Path):
    from assets.ingest.codebook import load_codebook
    from assets.ingest.errors import CodebookError
    from assets.ingest.loader import file_sha256

    folder = tmp_path / "pmg" / "2023"
    shutil.copytree(ALT / "limesurvey_r" / "pmg" / "2023", folder)
    codebook = folder / "codebook_questionnaire.yaml"
    t0, t1 = load_codebook(codebook, tmp_path).files
    assert t0.companion == folder / "survey_471156_R_syntax_file.R"  # by LimeSurvey's name
    assert t1.companion == folder / "survey_471157_R_syntax_file.R"  # by syntax:

    # A changed syntax file (a question renamed) must load the export again: the file's digest covers both.
    before = file_sha256(t0)
    t0.companion.write_text(t0.companion.read_text(encoding="utf-8").replace('"groep"', '"groepsnaam"'),
                            encoding="utf-8")
    assert file_sha256(t0) != before

    # syntax: is a path relative to the codebook, as every path of a codebook, whatever folder the data file is in
    (folder / "exports").mkdir()
    for name in ("survey_471157_R_data_file.csv", "survey_471157_R_syntax_file.R"):
        (folder / name).rename(folder / "exports" / name)
    original = codebook.read_text(encoding="utf-8")
    codebook.write_text(original.replace("path: survey_471157", "path: exports/survey_471157")
                        .replace("syntax: survey_471157", "syntax: exports/survey_471157"), encoding="utf-8")
    assert load_codebook(codebook, tmp_path).files[1].companion == folder / "exports" / "survey_471157_R_syntax_file.R"
    from pipelines.sensors import missing_exports
    assert missing_exports(folder) == []
    for name in ("survey_471157_R_data_file.csv", "survey_471157_R_syntax_file.R"):
        (folder / "exports" / name).rename(folder / name)
    codebook.write_text(original, encoding="utf-8")

    (folder / "survey_471157_R_syntax_file.R").rename(folder / "elsewhere.R")
    with pytest.raises(CodebookError, match=r"R syntax file 'survey_471157_R_syntax_file.R' .* does not exist") as err:
        load_codebook(codebook, tmp_path)
    assert err.value.row == 13  # the syntax: line
    text = codebook.read_text(encoding="utf-8").replace("syntax: survey_471157_R_syntax_file.R", "syntax: elsewhere.R")
    codebook.write_text(text.replace("format: limesurvey_r           #", "format: limesurvey_csv\n    syntax: x.R  #"),
                        encoding="utf-8")
    with pytest.raises(CodebookError, match="only a limesurvey_r export has a syntax file"):
        load_codebook(codebook, tmp_path)


def test_limesurvey_structure_real_lsg():
    structure = read_limesurvey_structure(real_export("limesurvey/limonaid_limesurvey_group_1370.lsg"))
    assert structure["questionCode1"]["text"] == "Description Question 1 (radio type)"
    assert structure["questionCode1"]["answers"] == {"1": "Answer option 1", "2": "Answer option 2",
                                                     "3": "Answer option 3"}
    assert structure["questionCode2"]["text"] == "Question 2 (array) description"
    assert structure["questionCode2[subQuestion2]"]["text"] == "Sub question 2"
    assert structure["questionCode2[subQuestion3]"]["answers"]["3"] == "Answer option 3"
    assert list(structure)[:2] == ["questionCode1", "questionCode2"]


def test_limesurvey_structure_old_layout(tmp_path: Path):
    """Before LimeSurvey 4 the texts stood in the question and answer rows themselves."""
    path = tmp_path / "survey.lss"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><document><LimeSurveyDocType>Survey</LimeSurveyDocType>'
        "<languages><language>nl</language><language>en</language></languages>"
        "<questions><rows>"
        "<row><qid>1</qid><parent_qid>0</parent_qid><type>L</type><title>org</title>"
        "<question><![CDATA[<p>Bij welke organisatie <b>werk</b>&nbsp;je?</p>]]></question>"
        "<language>nl</language></row>"
        "<row><qid>1</qid><parent_qid>0</parent_qid><type>L</type><title>org</title>"
        "<question><![CDATA[Where do you work?]]></question><language>en</language></row>"
        "</rows></questions><answers><rows>"
        "<row><qid>1</qid><code>A1</code><answer><![CDATA[UMCG &amp; UCG]]></answer><sortorder>1</sortorder>"
        "<language>nl</language></row>"
        "<row><qid>1</qid><code>A2</code><answer>Rijksuniversiteit Groningen</answer><sortorder>2</sortorder>"
        "<language>nl</language></row>"
        "<row><qid>1</qid><code>A2</code><answer>University of Groningen</answer><sortorder>2</sortorder>"
        "<language>en</language></row>"
        "</rows></answers></document>", encoding="utf-8")
    assert read_limesurvey_structure(path) == {
        "org": {"text": "Bij welke organisatie werk je?",
                "answers": {"A1": "UMCG & UCG", "A2": "Rijksuniversiteit Groningen"}}}  # HTML's entities read
    assert read_limesurvey_structure(path, language="en")["org"]["answers"] == {"A2": "University of Groningen"}


def test_limesurvey_semicolon_multiple_choice_y(tmp_path: Path):
    path = tmp_path / "results-survey123.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (
        '"id";"submitdate";"Q1";"Q2[SQ001]";"Q2[SQ002]";"Q3"\n'
        '"1";"2023-01-01 10:00:00";"A1";"Y";"";"7,5"\n'
        '"2";"";"A2";"";"Y";""\n').encode("utf-8"))
    table = read_limesurvey_csv(path)
    assert table.detail == "limesurvey csv: question codes as headings"
    assert table.frame["Q2[SQ001]"].to_list() == ["Y", None]
    assert table.frame["Q2[SQ002]"].to_list() == [None, "Y"]
    assert table.frame["Q3"].to_list() == ["7,5", None]


def test_limesurvey_xlsx(tmp_path: Path):
    path = tmp_path / "results-survey123.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("results")
    sheet.write_row(0, 0, ["id", "submitdate", "Q1", "Q2[SQ001]", "Q3"])
    sheet.write_row(1, 0, [1, "2023-01-01 10:00:00", "A1", "Y", 7.5])
    sheet.write_row(2, 0, [2, None, "A2", None, "6,5"])
    book.close()
    table = read_limesurvey_xlsx(path)
    assert table.frame["Q3"].to_list() == ["7.5", "6,5"]
    assert table.frame["id"].to_list() == ["1", "2"] and table.frame[ROW].to_list() == [2, 3]
    assert table.frame["Q2[SQ001]"].to_list() == ["Y", None]
    assert table.detail.startswith("limesurvey xlsx: question codes as headings")


def test_not_limesurvey_names_what_was_expected(tmp_path: Path):
    path = tmp_path / "plain.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"plain.csv, row 1: not a LimeSurvey response export"):
        read_limesurvey_csv(path)


@pytest.mark.parametrize("relative", ["qualtrics/qualtRics_sample.csv", "qualtrics/qualtRics_sample_legacy.csv"])
def test_a_qualtrics_export_is_no_limesurvey_export(relative: str):
    # Its StartDate heading is LimeSurvey's startdate: read as LimeSurvey, its question-text and
    # ImportId rows would be two responses.
    with pytest.raises(InputError, match=r"row 1: not a LimeSurvey response export but a Qualtrics one"):
        read_limesurvey_csv(real_export(relative))


def test_a_limesurvey_export_whose_first_question_is_v1_is_no_legacy_qualtrics_export(tmp_path: Path):
    path = tmp_path / "results.csv"
    path.write_text("V1,V2,submitdate\nA1,A2,2024-03-01 10:00:00\nA3,A1,2024-03-02 11:00:00\n", encoding="utf-8")
    assert read_limesurvey_csv(path).frame["V1"].to_list() == ["A1", "A3"]


# --- SPSS ------------------------------------------------------------------------------

def test_spss_labels_user_missing_dates_mr_sets_real_export():
    table = read_spss_sav(real_export("spss/pyreadstat_simple_alltypes_mrsets.sav"))
    frame = table.frame
    # value labels; 4 and 9 have none; 8 is a declared user-missing value
    assert frame["x"].to_list() == ["red", "green", "blue", "4", None, "9"]
    # -9 lies in the missing range -999..0; 999 is a missing value although labelled "skipped"
    assert frame["z"].to_list() == [None, None, "1.234", None, "3.14159", None]
    assert frame["y"].to_list()[:4] == ["2000-01-01", "2000-01-02", "1950-12-24", "1776-07-04"]
    assert frame["quarter"].to_list()[0] == "2014-10-01"
    assert frame["str"].to_list()[3:5] == ["NA", None]  # "NA" is text; an empty string is None
    # bool1-3 form the dichotomy set "mymrset" counting 1: any other value is no mark
    assert frame["bool1"].to_list() == ["1", "1", None, None, None, "1"]
    assert frame[ROW].to_list() == [1, 2, 3, 4, 5, 6]  # SPSS case numbers
    assert table.question_text["x"] == "Numeric variable with value labels"
    assert table.mr_sets["mymrset"] == {"type": "D", "label": "My multiple response set", "counted_value": 1,
                                        "variables": ["bool1", "bool2", "bool3"]}
    assert table.mr_sets["categorical_array"]["variables"] == ["ca_subvar_1", "ca_subvar_2", "ca_subvar_3"]
    assert "mymrset (bool1, bool2, bool3)" in table.detail


def test_spss_dichotomy_set_marks_only_its_counted_value_whatever_the_labels(monkeypatch):
    """A label on the uncounted value ("Not selected") is no mark: the option columns count any
    mark but an explicit no as chosen, so it would have counted as chosen."""
    import pyreadstat

    read_sav = pyreadstat.read_sav

    def labelled(*args, **kwargs):
        data, meta = read_sav(*args, **kwargs)
        meta.variable_value_labels["bool1"] = {0: "Not selected", 1: "Selected"}
        return data, meta

    monkeypatch.setattr(pyreadstat, "read_sav", labelled)
    table = read_spss_sav(real_export("spss/pyreadstat_simple_alltypes_mrsets.sav"))
    assert table.frame["bool1"].to_list() == ["Selected", "Selected", None, None, None, "Selected"]
    assert table.frame["x"].to_list()[:3] == ["red", "green", "blue"]  # outside the set: as ever


def test_spss_ordinal_labels_and_temporal_formats_real_export():
    frame = read_spss_sav(real_export("spss/pyreadstat_sample.sav")).frame
    assert frame["mylabl"].to_list() == ["Male", "Female", "Male", "Female", "Male"]
    assert frame["myord"].to_list() == ["low", "medium", "high", "low", "low"]
    assert frame["mynum"].to_list() == ["1.1", "1.2", "-1000.3", "-1.4", "1000.3"]
    assert frame["mydate"].to_list() == ["2018-05-06", "1880-05-06", "1960-01-01", "1583-01-01", None]
    assert frame["dtime"].to_list()[0] == "2018-05-06 10:10:10"
    assert frame["mytime"].to_list() == ["10:10:10", "23:10:10", "00:00:00", "16:10:10", None]


def test_spss_pmg_sample_user_missing_grade_is_none():
    frame = read_spss_sav(FIXTURES / "pmg_alt" / "spss" / "pmg" / "2023" / "pmg_t1.sav").frame
    grades = dict(zip(frame["deelnemer"], frame["cijfer_mg"]))
    assert grades["RUG-NL-04"] is None  # 99 "Geen antwoord", declared user-missing
    assert grades["GG-TC-02"] == "0" and grades["RUG-EN-03"] == "7.5"
    assert set(frame["organisatie"]) == {"UMCG", "Rijksuniversiteit Groningen", "Gemeente Groningen"}


def test_spss_compressed_zsav_keeps_every_case(tmp_path: Path):
    """A .zsav's zlib packs a case in far less than a byte a value: its cases are not cut at the file's size."""
    import pandas
    import pyreadstat

    path = tmp_path / "pmg_t0.zsav"
    pyreadstat.write_sav(pandas.DataFrame({"grade": [7.0] * 20_000, "wave": [1.0] * 20_000}), str(path), compress=True)
    frame = read_spss_sav(path).frame
    assert frame.height == 20_000 and frame[ROW][-1] == 20_000 and set(frame["grade"]) == {"7"}


def test_spss_negative_time_keeps_its_sign():
    from assets.ingest.formats_other_surveys import _spss_temporal

    assert _spss_temporal(-5400.0, "TIME") == "-01:30:00" and _spss_temporal(5400.0, "TIME") == "01:30:00"


# --- Google Forms ----------------------------------------------------------------------

def test_google_forms_csv_checkbox_answers(tmp_path: Path):
    path = tmp_path / "PMG vragenlijst (Responses) - Form Responses 1.csv"
    path.write_text(
        '"Timestamp","Email Address","Wat is je deelnemerscode?","Welke onderdelen vond je nuttig?","Cijfer"\n'
        '"2022/10/03 9:00:00 AM GMT+2","a.b@umcg.nl","UMCG-PG-01","Oefeningen, Groepsgesprek","7,5"\n'
        '"2022/10/03 9:05:12 AM GMT+2","c.d@umcg.nl","UMCG-PG-02","","8"\n', encoding="utf-8")
    table = read_google_forms_csv(path)
    assert table.detail == "google forms csv: 3 questions"
    rows = table.frame.rows(named=True)
    assert rows[0]["Welke onderdelen vond je nuttig?"] == "Oefeningen, Groepsgesprek"
    assert rows[0]["Timestamp"] == "2022/10/03 9:00:00 AM GMT+2" and rows[0][ROW] == 2
    assert rows[1]["Welke onderdelen vond je nuttig?"] is None and rows[1]["Cijfer"] == "8"


def test_google_forms_dutch_headings_normalised(tmp_path: Path):
    path = tmp_path / "responses.csv"
    path.write_text("Tijdstempel,E-mailadres,Vraag\n3-10-2022 09:00:00,x@y.nl,Ja\n", encoding="utf-8")
    frame = read_google_forms_csv(path).frame
    assert frame.columns == ["Timestamp", "Email Address", "Vraag", ROW]


def test_not_google_forms(tmp_path: Path):
    path = tmp_path / "other.csv"
    path.write_text("Datum,Vraag\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a Google Forms export"):
        read_google_forms_csv(path)


# --- SurveyMonkey ----------------------------------------------------------------------

SURVEYMONKEY_ROWS = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
     "Last Name", "Custom Data 1", "Bij welke organisatie werk je?", "Welke onderdelen vond je nuttig?", "", "",
     "Welk cijfer geef je de training?", "Opmerkingen"],
    ["", "", "", "", "", "", "", "", "", "Response", "Oefeningen", "Groepsgesprek", "Other (please specify)",
     "Response", "Open-Ended Response"],
    ["114166458302", "256473829", "10/03/2022 09:00:00 AM", "10/03/2022 09:03:10 AM", "192.0.2.1", "", "", "", "",
     "UMCG", "Oefeningen", "", "meer pauzes", "8", "Prima, dank"],
    ["114166461177", "256473829", "10/03/2022 10:12:00 AM", "10/03/2022 10:14:41 AM", "192.0.2.2", "", "", "", "",
     "Gemeente Groningen", "", "Groepsgesprek", "", "7,5", ""],
]
SURVEYMONKEY_HEADINGS = [
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
    "Last Name", "Custom Data 1", "Bij welke organisatie werk je?",
    "Welke onderdelen vond je nuttig? | Oefeningen", "Welke onderdelen vond je nuttig? | Groepsgesprek",
    "Welke onderdelen vond je nuttig? | Other (please specify)", "Welk cijfer geef je de training?", "Opmerkingen"]


def _check_surveymonkey(table):
    frame = table.frame
    assert frame.columns == SURVEYMONKEY_HEADINGS + [ROW]
    rows = frame.rows(named=True)
    assert rows[0]["Respondent ID"] == "114166458302" and rows[0][ROW] == 3  # below two header rows
    assert rows[0]["Welke onderdelen vond je nuttig? | Oefeningen"] == "Oefeningen"
    assert rows[0]["Welke onderdelen vond je nuttig? | Other (please specify)"] == "meer pauzes"
    assert rows[1]["Welke onderdelen vond je nuttig? | Oefeningen"] is None
    assert rows[1]["Welk cijfer geef je de training?"] == "7,5"
    assert table.question_text["Welke onderdelen vond je nuttig? | Groepsgesprek"] == "Welke onderdelen vond je nuttig?"


def test_surveymonkey_csv_two_header_rows(tmp_path: Path):
    path = tmp_path / "Sheet_1.csv"
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(SURVEYMONKEY_ROWS)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    table = read_surveymonkey_csv(path)
    assert table.detail == "surveymonkey csv: two header rows"
    _check_surveymonkey(table)


def test_surveymonkey_xlsx_two_header_rows(tmp_path: Path):
    path = tmp_path / "Data_All_221003.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Sheet")
    for i, row in enumerate(SURVEYMONKEY_ROWS):
        for j, cell in enumerate(row):
            if cell and i >= 2 and j in (0, 1, 13) and cell.isdigit():
                sheet.write_number(i, j, int(cell))  # SurveyMonkey writes ids and numbers as numbers
            elif cell:
                sheet.write_string(i, j, cell)
    book.close()
    table = read_surveymonkey_xlsx(path)
    assert table.detail == "surveymonkey xlsx sheet 'Sheet': two header rows"
    _check_surveymonkey(table)
    assert table.frame["Welk cijfer geef je de training?"].to_list() == ["8", "7,5"]


def test_surveymonkey_with_one_header_row_only_says_the_second_is_missing(tmp_path: Path):
    path = tmp_path / "Sheet_1.csv"
    path.write_text("Respondent ID,Vraag\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"Sheet_1.csv, row 2: a SurveyMonkey export has two header rows"):
        read_surveymonkey_csv(path)


def test_surveymonkey_xlsx_error_cells_are_told_apart_from_empty_ones(tmp_path: Path):
    """A cell Excel could not compute (#N/A) reads as empty, as in every workbook; it is listed
    with its row as the spreadsheet numbers it, so that the loader quarantines the row."""
    path = tmp_path / "Data_All_221003.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Sheet")
    for i, row in enumerate(SURVEYMONKEY_ROWS):
        sheet.write_row(i, 0, row)
    sheet.write_formula(3, 13, "=NA()", None, "#N/A")  # the second respondent's grade
    sheet.write_formula(2, 10, "=1/0", None, "#DIV/0!")
    book.close()
    table = read_surveymonkey_xlsx(path)
    assert table.frame["Welk cijfer geef je de training?"].to_list() == ["8", None]
    assert table.cell_errors == {4: [("Welk cijfer geef je de training?", "#N/A")],
                                 3: [("Welke onderdelen vond je nuttig? | Oefeningen", "#DIV/0!")]}
    assert table.first_error({"Welk cijfer geef je de training?"}) == {4: ("Welk cijfer geef je de training?", "#N/A")}


def test_surveymonkey_xlsx_that_is_no_workbook_says_so_in_one_line(tmp_path: Path):
    path = tmp_path / "Data_All_221003.xlsx"
    path.write_text("ID,Vraag\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_surveymonkey_xlsx(path)
    assert str(error.value).startswith("Data_All_221003.xlsx: cannot be read as an Excel workbook (")
    assert "\n" not in str(error.value) and str(tmp_path) not in str(error.value)


def test_not_surveymonkey(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text("ID,Vraag\n,Response\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a SurveyMonkey export"):
        read_surveymonkey_csv(path)
