"""Codebook validation and decoding, on small exports written into a temporary data folder."""

import re
import threading
import time
from pathlib import Path

import duckdb
import pytest

from assets.ingest.codebook import load_codebook
from assets.ingest.decode import decode_survey
from assets.ingest.errors import CodebookError, InputError
from assets.ingest.pseudonyms import Pseudonymiser
from assets.ingest import loader
from assets.ingest.loader import interleaved, load_files
from assets.ingest.survey import survey_cells
from tests.conftest import load_survey_file

DATE_FORMS = "dd-mm-jjjj or jjjj-mm-dd, a year from 1900 to 2099"
HEADER = ('Q1,Q2,Q5\r\nDeelnemerscode,Organisatie,Cijfer\r\n'
          '{"ImportId":"QID1_TEXT"},{"ImportId":"QID2"},{"ImportId":"QID5_TEXT"}\r\n')
CODEBOOK = """
instrument: demo
programme: pmg
year: 2030
files:
  - {path: t0.csv, format: qualtrics_csv, constants: {wave: T0}}
participant: {column: Q1}
variables:
  organisation:
    column: Q2
    type: category
    required: true
    labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}
  mental_health_grade:
    column: Q5
    type: number
    scale: {min: 0, max: 10}
"""


def make_inbox(tmp_path: Path, rows: str, codebook: str = CODEBOOK) -> tuple[Path, Path]:
    folder = tmp_path / "data" / "pmg" / "2030"
    folder.mkdir(parents=True)
    (folder / "t0.csv").write_text(HEADER + rows, encoding="utf-8")
    (folder / "codebook.yaml").write_text(codebook, encoding="utf-8")
    return tmp_path / "data", folder / "codebook.yaml"


def load_and_decode(tmp_path: Path, rows: str, codebook: str = CODEBOOK):
    data, cb_path = make_inbox(tmp_path, rows, codebook)
    cb = load_codebook(cb_path, data)
    conn = duckdb.connect()
    load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], Pseudonymiser("k"))
    decode_survey(conn, cb.instrument, [cb], "raw.pmg_questionnaire_cells", "staging.pmg_questionnaire_answers")
    return conn


def test_decimal_comma_and_labels_decode(tmp_path):
    conn = load_and_decode(tmp_path, "A-1,UMCG,\"7,5\"\r\nA-2,Rijksuniversiteit Groningen,6\r\n")
    answers = conn.sql("SELECT variable, value_code, value_number FROM staging.pmg_questionnaire_answers "
                       "ORDER BY row_number, variable").fetchall()
    assert answers == [("mental_health_grade", None, 7.5), ("organisation", "UMCG", None),
                       ("mental_health_grade", None, 6.0), ("organisation", "RUG", None)]


def test_numbers_with_grouped_digits_and_one_group_read_by_the_scale(tmp_path):
    """1.234,5 and 1,234.5 are grouped; "7.000" on a 0-10 scale is seven, on a scale up to millions
    it is ambiguous (1.000 would be 1 in an English export and a thousand as a Dutch person types it)."""
    codebook = CODEBOOK + """  hours:
    column: Q6
    type: number
    scale: {min: 0, max: 2000000}
"""
    header = HEADER.replace("Q5\r\n", "Q5,Q6\r\n").replace("Cijfer\r\n", "Cijfer,Uren\r\n").replace(
        '"QID5_TEXT"}\r\n', '"QID5_TEXT"},{"ImportId":"QID6_TEXT"}\r\n')
    data, cb_path = make_inbox(tmp_path, "", codebook)
    rows = ['A-1,UMCG,"7,000","1.234,5"', 'A-2,UMCG,7.000,"1,234.5"', 'A-3,UMCG,"7,5",1.234.567',
            'A-4,UMCG,10,"1,000"', 'A-5,UMCG,6,1.000', 'A-6,UMCG,6,"12,5"', 'A-7,UMCG,6,"1.2.3"', 'A-8,UMCG,6,0.125',
            'A-9,UMCG,12.500,1']
    (cb_path.parent / "t0.csv").write_text(header + "\r\n".join(rows) + "\r\n", encoding="utf-8")
    cb = load_codebook(cb_path, data)
    conn = duckdb.connect()
    load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], Pseudonymiser("k"))
    decode_survey(conn, cb.instrument, [cb], "raw.pmg_questionnaire_cells", "staging.pmg_questionnaire_answers")
    numbers = conn.sql("SELECT row_number, variable, value_number FROM staging.pmg_questionnaire_answers "
                       "WHERE value_number IS NOT NULL ORDER BY row_number, variable").fetchall()
    assert numbers == [(4, "hours", 1234.5), (4, "mental_health_grade", 7.0), (5, "hours", 1234.5),
                       (5, "mental_health_grade", 7.0), (6, "hours", 1234567.0), (6, "mental_health_grade", 7.5),
                       (9, "hours", 12.5), (9, "mental_health_grade", 6.0), (11, "hours", 0.125),
                       (11, "mental_health_grade", 6.0)]
    q = conn.sql("SELECT row_number, cell_value, reason FROM raw.quarantine ORDER BY row_number").fetchall()
    ambiguous = ('ambiguous number for hours: "." or "," before three digits is a decimal point and a '
                 'thousands separator, and both fit')
    # 12.500 is outside 0-10 as 12,5 and as 12500: outside, not ambiguous
    assert q == [(7, "1,000", ambiguous), (8, "1.000", ambiguous),
                 (10, "1.2.3", "not a number: hours expects a number"),
                 (12, "12.500", "outside the scale 0.0-10.0 the codebook declares for mental_health_grade")]


def test_one_column_read_as_two_number_variables_gives_each_its_answer_once(tmp_path):
    """A codebook may read one column as two variables (a grade and the same grade on another
    scale): each gets the cell's number once, checked against its own scale."""
    codebook = CODEBOOK + """  grade_again:
    column: Q5
    type: number
    scale: {min: 0, max: 100}
"""
    conn = load_and_decode(tmp_path, "A-1,UMCG,\"7,5\"\r\nA-2,UMCG,50\r\n", codebook)
    answers = conn.sql("SELECT row_number, variable, value_number FROM staging.pmg_questionnaire_answers "
                       "WHERE value_number IS NOT NULL ORDER BY ALL").fetchall()
    assert answers == [(4, "grade_again", 7.5), (4, "mental_health_grade", 7.5)]
    assert conn.sql("SELECT row_number, reason FROM raw.quarantine").fetchall() == [
        (5, "outside the scale 0.0-10.0 the codebook declares for mental_health_grade")]


def test_unknown_label_and_out_of_scale_go_to_quarantine_with_reason(tmp_path):
    conn = load_and_decode(tmp_path, "A-1,UMCG,7\r\nA-2,Hanze,6\r\nA-3,UMCG,11\r\nA-4,UMCG,zeven\r\n")
    q = conn.sql("SELECT row_number, column_name, cell_value, reason FROM raw.quarantine ORDER BY row_number").fetchall()
    assert q == [
        (5, "Q2", "Hanze", "unknown answer label for organisation (not in the codebook)"),
        (6, "Q5", "11", "outside the scale 0.0-10.0 the codebook declares for mental_health_grade"),
        (7, "Q5", "zeven", "not a number: mental_health_grade expects a number"),
    ]
    kept = conn.sql("SELECT DISTINCT row_number FROM staging.pmg_questionnaire_answers").fetchall()
    assert kept == [(4,)]


def test_duplicate_participant_and_wave_keeps_the_first(tmp_path):
    conn = load_and_decode(tmp_path, "A-1,UMCG,7\r\na-1 ,UMCG,8\r\n")
    reason = conn.sql("SELECT row_number, reason FROM raw.quarantine").fetchall()
    assert reason == [(5, "duplicate response: participant already answered wave T0 (first at pmg/2030/t0.csv row 4)")]
    assert conn.sql("SELECT value_number FROM staging.pmg_questionnaire_answers "
                    "WHERE variable = 'mental_health_grade'").fetchall() == [(7.0,)]


def test_a_multi_select_option_holding_the_separator_is_one_option(tmp_path):
    """Google Forms joins the chosen options with ", ", and an option may hold ", " itself: it is
    matched whole (longest first), not split into two unknown labels that quarantined the row."""
    codebook = CODEBOOK.replace("participant: {column: Q1}", 'participant: {column: Q1}\nmulti_select_separator: ", "')
    codebook = codebook.replace("""  mental_health_grade:
    column: Q5
    type: number
    scale: {min: 0, max: 10}""", """  skills:
    column: Q5
    type: multi_select
    labels:
      - {label: "Grenzen bewaken, nee zeggen", code: grenzen}
      - {label: Beslissen, code: beslissen}
      - {label: Grenzen bewaken, code: alleen_grenzen}
      - {label: 'Rust \\1 (ritme), ook $1', code: rust}""")
    conn = load_and_decode(tmp_path, 'A-1,UMCG,"Beslissen, grenzen bewaken, NEE zeggen"\r\n'
                                     'A-2,UMCG,"Grenzen bewaken, Beslissen, Rust \\1 (ritme), ook $1"\r\n'
                                     'A-3,UMCG,"Grenzen bewaken, nee"\r\n',
                           codebook)
    assert conn.sql("SELECT row_number, value_code FROM staging.pmg_questionnaire_answers WHERE variable = 'skills' "
                    "ORDER BY ALL").fetchall() == [(4, "beslissen"), (4, "grenzen"), (5, "alleen_grenzen"),
                                                   (5, "beslissen"), (5, "rust")]  # a label's \1 and $1 are text
    assert conn.sql("SELECT row_number, cell_value, reason FROM raw.quarantine").fetchall() == [
        (6, "Grenzen bewaken, nee", "unknown answer label for skills (not in the codebook)")]


def test_a_response_sent_again_corrected_replaces_one_quarantined(tmp_path):
    """The first response does not decode ("zeven"), the second, the same person's, does: the
    second is kept, not quarantined as a duplicate of a response that was never kept."""
    conn = load_and_decode(tmp_path, "A-1,UMCG,zeven\r\nA-1,UMCG,7\r\nA-2,UMCG,11\r\nA-2,UMCG,12\r\n")
    assert conn.sql("SELECT row_number, reason FROM raw.quarantine ORDER BY row_number").fetchall() == [
        (4, "not a number: mental_health_grade expects a number"),
        (6, "outside the scale 0.0-10.0 the codebook declares for mental_health_grade"),
        (7, "outside the scale 0.0-10.0 the codebook declares for mental_health_grade")]
    assert conn.sql("SELECT row_number, value_number FROM staging.pmg_questionnaire_answers "
                    "WHERE variable = 'mental_health_grade'").fetchall() == [(5, 7.0)]


def test_missing_required_value_is_quarantined(tmp_path):
    conn = load_and_decode(tmp_path, "A-1,,7\r\n")
    assert conn.sql("SELECT reason FROM raw.quarantine").fetchall() == [("missing required value for organisation",)]


def test_missing_participant_code_is_quarantined_at_ingest(tmp_path):
    conn = load_and_decode(tmp_path, ",UMCG,7\r\nA-2,UMCG,6\r\n")
    assert conn.sql("SELECT row_number, stage, reason FROM raw.quarantine").fetchall() == [
        (4, "ingest", "no participant code: the answers cannot be attributed to anyone")]


def test_codebook_naming_a_missing_column_stops_with_file_row_and_column(tmp_path):
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace("column: Q5", "column: Q55"))
    cb = load_codebook(cb_path, data)
    with pytest.raises(InputError) as err:
        load_survey_file(duckdb.connect(), "raw.pmg_questionnaire_cells", cb, cb.files[0], Pseudonymiser("k"))
    assert str(err.value) == ("pmg/2030/t0.csv, row 1, column 'Q55': the codebook pmg/2030/codebook.yaml names "
                              "column 'Q55', which the file does not have; did the column get renamed to 'Q5'?")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_heading_the_codebook_names_twice_in_the_file_stops_the_load(tmp_path, suffix):
    """Two columns headed Q5 (a copied Qualtrics question keeps its tag; two Forms questions with
    one title): the codebook's Q5 took the first, empty here, and every grade was lost unsaid."""
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,,7\r\n")
    export = cb_path.parent / "t0.csv"
    export.write_text(HEADER.replace("Q5\r\n", "Q5,Q5\r\n").replace("Cijfer\r\n", "Cijfer,Cijfer\r\n")
                      .replace('"QID5_TEXT"}\r\n', '"QID5_TEXT"},{"ImportId":"QID6_TEXT"}\r\n') + "A-1,UMCG,,7\r\n",
                      encoding="utf-8")
    if suffix == "xlsx":  # a Forms workbook: fastexcel names the second heading Q5_1
        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(["ID", "Start time", "Completion time", "Email", "Name", "Q1", "Q2", "Q5", "Q5"])
        book.active.append(["1", None, None, None, None, "A-1", "UMCG", None, "7"])
        book.save(cb_path.parent / "t0.xlsx")
        cb_path.write_text(CODEBOOK.replace("{path: t0.csv, format: qualtrics_csv,", "{path: t0.xlsx, format: ms_forms_xlsx,"),
                           encoding="utf-8")
    cb = load_codebook(cb_path, data)
    twin = "Q5_2" if suffix == "csv" else "Q5_1"
    with pytest.raises(InputError, match=rf"pmg/2030/t0.{suffix}, row 1, column 'Q5': the heading 'Q5', which the "
                                         rf"codebook pmg/2030/codebook.yaml names, is in the file twice \(the second "
                                         rf"read as '{twin}'\)"):
        load_survey_file(duckdb.connect(), "raw.pmg_questionnaire_cells", cb, cb.files[0], Pseudonymiser("k"))


def test_which_reader_names_a_repeated_heading_how():
    from assets.ingest.survey import _twin

    assert _twin("Q5", ["Q5", "Q5_2"], {"Q5"}, "surveymonkey_xlsx") == "Q5_2"  # its header rows go through _unique
    assert _twin("Q5", ["Q5", "Q5_1"], {"Q5"}, "ms_forms_xlsx") == "Q5_1"  # fastexcel's own naming
    assert _twin("Q5", ["Q5", "Q5_1"], {"Q5"}, "limesurvey_xlsx") == "Q5_1"
    assert _twin("Q5", ["Q5", "Q5_2"], {"Q5", "Q5_2"}, "qualtrics_csv") is None  # a column the codebook names itself
    assert _twin("Q5", ["Q5", "Q5_1", "Q5_2"], {"Q5"}, "qualtrics_csv") is None  # a total and its items
    assert _twin("Q5", ["Q5", "Q5_2"], {"Q5"}, "spss_sav") is None


def test_a_scale_total_beside_its_items_is_no_repeated_heading(tmp_path):
    """Q5 beside Q5_1 and Q5_2 (a total and its items, as SPSS and Qualtrics name them): not a
    heading twice, though a repeated Q5 is read as Q5_2 too."""
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7,3,4\r\n")
    (cb_path.parent / "t0.csv").write_text(
        HEADER.replace("Q5\r\n", "Q5,Q5_1,Q5_2\r\n").replace("Cijfer\r\n", "Cijfer,Item 1,Item 2\r\n")
        .replace('"QID5_TEXT"}\r\n', '"QID5_TEXT"},{"ImportId":"QID5_1"},{"ImportId":"QID5_2"}\r\n')
        + "A-1,UMCG,7,3,4\r\n", encoding="utf-8")
    cb = load_codebook(cb_path, data)
    conn = duckdb.connect()
    load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], Pseudonymiser("k"))
    assert conn.sql("SELECT cell_value FROM raw.pmg_questionnaire_cells WHERE column_name = 'Q5'").fetchall() == [("7",)]


def test_a_column_named_by_its_question_text_is_pointed_to_its_heading(tmp_path):
    # As codebooks of the legacy Qualtrics layout had to, when its second row gave the headings.
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace("column: Q5", "column: Cijfer"))
    cb = load_codebook(cb_path, data)
    with pytest.raises(InputError, match=r"names column 'Cijfer', which the file does not have; that is the "
                                         r"question text of column 'Q5': name the column 'Q5'"):
        load_survey_file(duckdb.connect(), "raw.pmg_questionnaire_cells", cb, cb.files[0], Pseudonymiser("k"))


def test_codebook_that_is_not_yaml(tmp_path):
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", "instrument: demo\nfiles: [unclosed\n")
    with pytest.raises(CodebookError, match=r"pmg/2030/codebook.yaml, row 3: not valid YAML"):
        load_codebook(cb_path, data)


@pytest.mark.parametrize("change,message", [
    (("type: number", "type: numeric"), "row 16: variables.mental_health_grade.type is 'numeric'; expected one of"),
    (("    scale: {min: 0, max: 10}\n", ""), "row 14: variables.mental_health_grade: a number variable needs scale"),
    (("programme: pmg", "programme: other"), "programme is 'other'"),
    (("path: t0.csv", "path: t9.csv"), "row 6: files[0]: file 't9.csv' does not exist next to the codebook"),
    (("constants: {wave: T0}", "constants: {}"), "the wave must be a variable"),
    # A typo is an error, not a key ignored: `requried` would leave empty organisations unquarantined.
    (("required: true", "requried: true"), "row 12: variables.organisation: unknown key 'requried' (did you mean "
                                           "'required'? known are column, columns,"),
    (("participant: {column: Q1}", "participant: {column: Q1, anonimous: {}}"), "participant: unknown key "
                                                                               "'anonimous' (did you mean 'anonymous'?"),
    (("programme: pmg", "programme: pmg\nvariabels: {}"), "codebook: unknown key 'variabels' (did you mean "
                                                          "'variables'?"),
    (("format: qualtrics_csv,", "format: qualtrics_csv, sheeet: 1,"), "row 6: files[0]: unknown key 'sheeet'"),
    (("{min: 0, max: 10}", "{min: 10, max: 0}"), "row 17: variables.mental_health_grade.scale: min 10 is not below "
                                                  "max 0"),
    (("{min: 0, max: 10}", "{min: 0, max: tien}"), "row 17: variables.mental_health_grade.scale.max is 'tien'; "
                                                   "expected a number"),
    (("{min: 0, max: 10}", "{min: 0, maximum: 10}"), "row 17: variables.mental_health_grade.scale: unknown key "
                                                     "'maximum'"),
    # the row of the key at fault, also where its name is written elsewhere too
    (("{min: 0, max: 10}", "{min: 0, max: 10, labels: x}"), "row 17: variables.mental_health_grade.scale: unknown "
                                                            "key 'labels'"),
    (("labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}", "labels:\n      - {label: UMCG}\n      - {label: RUG, cde: x}"),
     "row 15: variables.organisation.labels[1]: unknown key 'cde'"),
    # a variable whose name holds a dot: the path's names are joined back into the key
    (("mental_health_grade:\n    column: Q5\n    type: number\n    scale: {min: 0, max: 10}",
      "mental_health_grade:\n    column: Q5\n    type: number\n    scale: {min: 0, max: 10}\n"
      "  stress.t0:\n    column: Q2\n    type: number\n    scale: {min: 0, max: tien}"),
     "row 21: variables.stress.t0.scale.max is 'tien'; expected a number"),
    # YAML's booleans: an unquoted No or no is False, which no answer matches
    (("labels: {UMCG: UMCG,", "labels: {No: UMCG,"), "row 13: variables.organisation.labels: a label or code reads "
                                                     "as False (YAML takes an unquoted yes, no, on, off, true or false"),
    (("labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}", "labels:\n      - {label: Nee, code: no}"),
     "row 14: variables.organisation.labels[0]: a label or code reads as False"),
    (("    scale: {min: 0, max: 10}\n", "    scale: {min: 0, max: 10}\n    waves: {T1: ja}\n"),
     "row 18: variables.mental_health_grade.waves is {'T1': 'ja'}; expected a list of names, as [T1]"),
    # a wave no file has, a role no table knows, a label without its code, a number that is none:
    # each dropped a question, a factor or an organisation's name without a word
    (("    scale: {min: 0, max: 10}\n", "    scale: {min: 0, max: 10}\n    waves: [t0]\n"),
     "row 18: variables.mental_health_grade.waves: 't0' is not a wave of this codebook's files; did you mean 'T0'?"),
    (("    scale: {min: 0, max: 10}\n", "    scale: {min: 0, max: 10}\n    role: Factor\n"),
     "row 18: variables.mental_health_grade.role is 'Factor'; expected one of ['factor']"),
    (("labels: {UMCG: UMCG,", "labels: {UMCG: ,"), "row 13: variables.organisation.labels: the label 'UMCG' has no code"),
    (("labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}", "labels:\n      - {label: UMCG, code: }"),
     "row 14: variables.organisation.labels[0]: the label 'UMCG' has no code"),
    (("labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}", "labels:\n      - {label: UMCG, code: u, number: een}"),
     "row 14: variables.organisation.labels[0].number is 'een'; expected a number"),
    # labels are matched ignoring case: one label, two codes
    (("labels: {UMCG: UMCG,", "labels: {UMCG: UMCG, umcg: UMCG-2,"), "row 13: variables.organisation: the label 'umcg' "
                                                                     "is coded both 'UMCG' and 'UMCG-2'"),
])
def test_codebook_validation_messages(tmp_path, change, message):
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace(*change))
    with pytest.raises(CodebookError, match=re.escape(message)):
        load_codebook(cb_path, data)


def test_a_quoted_label_number_is_a_number(tmp_path):
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace(
        "labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}",
        'labels:\n      - {label: UMCG, code: u, number: "5"}\n      - {label: RUG, code: r, number: 4.5}'))
    [org] = [v for v in load_codebook(cb_path, data).variables if v.name == "organisation"]
    assert [label.number for label in org.labels] == [5.0, 4.5]


def test_one_wave_without_brackets_is_a_list_of_one(tmp_path):
    """`waves: T1` was read letter by letter, ('T', '1'): the question was asked in no file, and its
    answers were never read."""
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace(
        "    scale: {min: 0, max: 10}\n", "    scale: {min: 0, max: 10}\n    waves: T0\n"))
    [grade] = [v for v in load_codebook(cb_path, data).variables if v.name == "mental_health_grade"]
    assert grade.waves == ("T0",)


def test_a_codebook_saved_in_another_encoding_than_utf8_names_itself_and_the_line(tmp_path):
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace(
        "    type: number\n", "    type: number\n    text: Cijfer, geëvalueerd\n"))
    cb_path.write_bytes(cb_path.read_text(encoding="utf-8").encode("cp1252"))
    with pytest.raises(CodebookError, match=r"pmg/2030/codebook.yaml, row 17: byte 0xEB is not UTF-8: save the "
                                            r"codebook as UTF-8"):
        load_codebook(cb_path, data)


def test_yaml_merge_keys_still_work_and_a_key_twice_on_one_line_is_refused():
    from assets.ingest.codebook import parse_yaml

    assert parse_yaml(b"a: &a {k: 1, m: 2}\nb:\n  <<: *a\n  k: 3\n") == {"a": {"k": 1, "m": 2}, "b": {"k": 3, "m": 2}}
    with pytest.raises(Exception, match=r"'max' is given twice"):
        parse_yaml(b"scale: {min: 0, max: 10, max: 5}\n")


def test_a_key_given_twice_is_an_error_not_the_last_one_winning(tmp_path):
    codebook = CODEBOOK + "  organisation: {column: Q2, type: text}\n"
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", codebook)
    with pytest.raises(CodebookError, match=r"pmg/2030/codebook.yaml, row 18: not valid YAML "
                                            r"\('organisation' is given twice \(also on line 9\)\)"):
        load_codebook(cb_path, data, cache_dir=tmp_path / "cache")


@pytest.mark.parametrize("folder,year,message", [
    ("2030", 2030, None),
    # Last year's codebook copied in, its year: line left: this year's exports filed under last year.
    ("2030", 2029, r"pmg/2030/codebook.yaml, row 4: year: 2029, but the codebook is in the folder 2030/"),
    ("2042", 2030, r"pmg/2042/codebook.yaml, row 4: year: 2030, but the codebook is in the folder 2042/"),
    # make run, the schedule and the sensor run the years folders are named by: elsewhere only by chance.
    ("2030-voorjaar", 2030, r"pmg/2030-voorjaar/codebook.yaml: is in the folder 2030-voorjaar/, which is not "
                            r"named by a year: a year's exports and codebooks go in pmg/<year>/"),
    ("2029-2030", 2029, r"is in the folder 2029-2030/, which is not named by a year"),
    ("oud", 2030, r"is in the folder oud/, which is not named by a year"),
])
def test_a_codebook_is_in_its_years_folder(tmp_path, folder, year, message):
    from assets.ingest.codebook import discover_codebooks

    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace("year: 2030", f"year: {year}"))
    cb_path.parent.rename(cb_path.parent.with_name(folder))
    if message is None:
        assert [cb.year for cb in discover_codebooks(data, "pmg", "demo", [year])] == [year]
        return
    # Also when a partition's codebooks are looked up: not skipped, unparsed, as another year's.
    for years in (None, [year], [2030]):
        with pytest.raises(CodebookError, match=message):
            discover_codebooks(data, "pmg", "demo", years)


def test_one_codebook_listing_an_export_twice_is_an_error(tmp_path):
    codebook = CODEBOOK.replace("  - {path: t0.csv, format: qualtrics_csv, constants: {wave: T0}}\n",
                                "  - {path: t0.csv, format: qualtrics_csv, constants: {wave: T0}}\n"
                                "  - {path: t0.csv, format: qualtrics_csv, constants: {wave: T1}}\n")
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n", codebook)
    with pytest.raises(CodebookError, match=r"files\[1\]: 't0.csv' is listed already \(files\[0\]\)"):
        load_codebook(cb_path, data)


def test_two_codebooks_of_one_export_are_an_error(tmp_path):
    from assets.ingest.codebook import discover_codebooks

    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n")
    (cb_path.parent / "codebook_kopie.yaml").write_text(CODEBOOK, encoding="utf-8")
    with pytest.raises(CodebookError, match=r"pmg/2030/codebook_kopie.yaml: lists pmg/2030/t0.csv, which "
                                            r"pmg/2030/codebook.yaml lists too"):
        discover_codebooks(data, "pmg", "demo", [2030])


def test_an_excel_error_cell_quarantines_its_row_not_loaded_as_unanswered(tmp_path):
    import shutil

    import openpyxl

    sample = Path(__file__).resolve().parents[1] / "data" / "terug_in_balans" / "2024"
    folder = tmp_path / "terug_in_balans" / "2024"
    shutil.copytree(sample, folder)
    workbook = folder / "terug_in_balans_enquete_forms.xlsx"
    book = openpyxl.load_workbook(workbook)
    sheet = book.active
    headings = [c.value for c in sheet[1]]
    question = "Ben je tijdens of na het traject teruggekeerd naar werk?"
    sheet.cell(row=3, column=headings.index(question) + 1).value = "#N/A"
    sheet.cell(row=4, column=headings.index("Name") + 1).value = "#REF!"  # not read: no matter
    book.save(workbook)
    cb = load_codebook(folder / "codebook_survey.yaml", tmp_path)
    conn = duckdb.connect()
    load_survey_file(conn, "raw.tib_survey_cells", cb, cb.files[0], Pseudonymiser("k"))
    assert conn.sql("SELECT row_number, column_name, cell_value, reason FROM raw.quarantine").fetchall() == [
        (3, question, "#N/A", "Excel error value #N/A in the cell: Excel could not compute it, so there is no answer")]
    rows = {r for (r,) in conn.sql("SELECT DISTINCT row_number FROM raw.tib_survey_cells").fetchall()}
    assert 3 not in rows and 4 in rows


def test_reloading_an_identical_file_changes_nothing_and_a_changed_file_replaces_its_rows(tmp_path):
    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\nA-2,UMCG,6\r\n")
    cb = load_codebook(cb_path, data)
    conn = duckdb.connect()
    key = Pseudonymiser("k")
    first = load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], key)
    again = load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], key)
    assert (first.status, again.status) == ("loaded", "unchanged")
    assert conn.sql("SELECT count(*) FROM raw.pmg_questionnaire_cells").fetchall() == [(4,)]
    # Loaded by an older version of the ingest (before versions were kept): loaded once more.
    conn.execute("UPDATE raw.source_files SET ingest_version = NULL")
    assert load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], key).status == "loaded"
    assert load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], key).status == "unchanged"
    assert conn.sql("SELECT count(*) FROM raw.pmg_questionnaire_cells").fetchall() == [(4,)]
    cb.files[0].path.write_text(HEADER + "A-1,UMCG,8\r\n", encoding="utf-8")
    cb = load_codebook(cb_path, data)
    assert load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], key).status == "loaded"
    assert conn.sql("SELECT cell_value FROM raw.pmg_questionnaire_cells WHERE column_name = 'Q5'").fetchall() == [("8",)]
    assert conn.sql("SELECT count(*) FROM raw.source_files").fetchall() == [(1,)]


def test_identifiers_are_never_stored(tmp_path):
    rows = "A-1,UMCG,7\r\n"
    conn = load_and_decode(tmp_path, rows)
    text = str(conn.sql("SELECT * FROM raw.pmg_questionnaire_cells").fetchall())
    assert "A-1" not in text
    assert Pseudonymiser("k")("A-1") in text


SPLIT_HEADER = ('Q1,Q3_1,Q3_2,Q3_3,Q9\r\nCode,Vaardigheden - Grenzen,Vaardigheden - Beslissen,Vaardigheden - Rust,Datum\r\n'
                '{"ImportId":"QID1_TEXT"},{"ImportId":"QID3_1"},{"ImportId":"QID3_2"},{"ImportId":"QID3_3"},'
                '{"ImportId":"QID9_TEXT"}\r\n')
SPLIT_CODEBOOK = """
instrument: demo
programme: pmg
year: 2030
files:
  - {path: t0.csv, format: qualtrics_csv, constants: {wave: T0}}
participant: {column: Q1}
variables:
  skills:
    type: multi_select
    columns: {Q3_1: grenzen_bewaken, Q3_2: beslissen, Q3_3: ontspannen}
  started:
    column: Q9
    type: date
"""


def test_multi_select_split_over_columns_and_dutch_dates(tmp_path):
    folder = tmp_path / "data" / "pmg" / "2030"
    folder.mkdir(parents=True)
    (folder / "t0.csv").write_text(SPLIT_HEADER + "A-1,1,,1,03-04-2024\r\nA-2,0,Beslissen,,2024-05-06\r\n"
                                   "A-3,,,,31-02-2024\r\nA-4,,,,03-10-24\r\n", encoding="utf-8")
    (folder / "codebook.yaml").write_text(SPLIT_CODEBOOK, encoding="utf-8")
    cb = load_codebook(folder / "codebook.yaml", tmp_path / "data")
    conn = duckdb.connect()
    load_survey_file(conn, "raw.pmg_questionnaire_cells", cb, cb.files[0], Pseudonymiser("k"))
    decode_survey(conn, cb.instrument, [cb], "raw.pmg_questionnaire_cells", "staging.pmg_questionnaire_answers")
    answers = conn.sql("SELECT row_number, variable, value_code FROM staging.pmg_questionnaire_answers "
                       "ORDER BY row_number, variable, value_code").fetchall()
    assert answers == [(4, "skills", "grenzen_bewaken"), (4, "skills", "ontspannen"), (4, "started", "2024-04-03"),
                       (5, "skills", "beslissen"), (5, "started", "2024-05-06")]
    # 03-10-24 is no date of the year 24 (nor of 3 October 24): the year is written in four digits
    assert conn.sql("SELECT row_number, reason FROM raw.quarantine ORDER BY row_number").fetchall() == [
        (6, f"not a date: started expects {DATE_FORMS}"), (7, f"not a date: started expects {DATE_FORMS}")]


def test_not_a_number_and_not_infinity_either(tmp_path):
    """"NaN" read as a number larger than any scale: it was quarantined as outside the scale."""
    conn = load_and_decode(tmp_path, "A-1,UMCG,NaN\r\nA-2,UMCG,-inf\r\nA-3,UMCG,7\r\n")
    assert conn.sql("SELECT row_number, reason FROM raw.quarantine ORDER BY row_number").fetchall() == [
        (4, "not a number: mental_health_grade expects a number"), (5, "not a number: mental_health_grade expects a number")]


def test_anonymous_ms_forms_responses_are_separate_respondents(tmp_path):
    import xlsxwriter

    folder = tmp_path / "data" / "terug_in_balans" / "2030"
    folder.mkdir(parents=True)
    book = xlsxwriter.Workbook(folder / "forms.xlsx")
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, ["ID", "Start time", "Completion time", "Email", "Name", "Vraag"])
    for r, (email, answer) in enumerate([("anonymous", "Ja"), ("anonymous", "Nee"), ("a@x.nl", "Ja"),
                                         ("anonymous", "Ja"), ("anonymous", "Nee")], start=1):
        sheet.write_row(r, 1, ["3/4/24 9:00:00", "3/4/24 9:05:00", email, "", answer])
        # Anonymous responses without their ID (none, or an error value) cannot be told apart.
        if r <= 3:
            sheet.write_number(r, 0, r)
    sheet.write_formula(5, 0, "=NA()", None, "#N/A")
    sheet.write_formula(3, 0, "=NA()", None, "#N/A")  # a named respondent's ID is not used: no matter
    book.close()
    (folder / "codebook.yaml").write_text("""
instrument: demo
programme: terug_in_balans
year: 2030
files: [{path: forms.xlsx, format: ms_forms_xlsx, constants: {wave: nameting}}]
participant: {column: Email, anonymous: {values: [anonymous], key_column: ID}}
identifiers: [ID, Name, Start time, Completion time]
variables:
  answer: {column: Vraag, type: category, labels: {Ja: "yes", Nee: "no"}}
""", encoding="utf-8")
    cb = load_codebook(folder / "codebook.yaml", tmp_path / "data")
    conn = duckdb.connect()
    load_survey_file(conn, "raw.tib_survey_cells", cb, cb.files[0], Pseudonymiser("k"))
    decode_survey(conn, cb.instrument, [cb], "raw.tib_survey_cells", "staging.tib_survey_answers")
    assert conn.sql("SELECT row_number, column_name, cell_value, reason FROM raw.quarantine ORDER BY 1").fetchall() == [
        (5, "ID", None, "anonymous response without its ID: it cannot be told apart from the other anonymous responses"),
        (6, "ID", "#N/A", "Excel error value #N/A in the cell: Excel could not compute it, so there is no answer")]
    assert conn.sql("SELECT count(DISTINCT participant_id) FROM staging.tib_survey_answers").fetchall() == [(3,)]
    assert conn.sql("SELECT count(*) FROM raw.tib_survey_cells WHERE respondent_id IS NULL").fetchall() == [(0,)]


def test_anonymous_responses_of_two_files_with_one_id_are_two_respondents(tmp_path):
    """Forms numbers each form's responses from 1: ID 1 of the before and of the after form are not one
    person. "anonymous" is told in any case or spacing (a hand-edited cell)."""
    import xlsxwriter

    folder = tmp_path / "data" / "terug_in_balans" / "2030"
    folder.mkdir(parents=True)
    for name, emails in (("t0.xlsx", [" Anonymous ", " Anonymous "]), ("t1.xlsx", ["anonymous"])):
        book = xlsxwriter.Workbook(folder / name)
        sheet = book.add_worksheet("Sheet1")
        sheet.write_row(0, 0, ["ID", "Start time", "Completion time", "Email", "Name", "Vraag"])
        for i, email in enumerate(emails, start=1):
            sheet.write_row(i, 0, [i, "3/4/24 9:00:00", "3/4/24 9:05:00", email, "", "Ja"])
        book.close()
    (folder / "codebook.yaml").write_text("""
instrument: demo
programme: terug_in_balans
year: 2030
files:
  - {path: t0.xlsx, format: ms_forms_xlsx, constants: {wave: voormeting}}
  - {path: t1.xlsx, format: ms_forms_xlsx, constants: {wave: nameting}}
participant: {column: Email, anonymous: {values: [anonymous], key_column: ID}}
identifiers: [Name, Start time, Completion time]
variables:
  answer: {column: Vraag, type: category, labels: {Ja: "yes", Nee: "no"}}
""", encoding="utf-8")
    cb = load_codebook(folder / "codebook.yaml", tmp_path / "data")
    conn = duckdb.connect()
    for source in cb.files:
        load_survey_file(conn, "raw.tib_survey_cells", cb, source, Pseudonymiser("k"))
    assert conn.sql("SELECT count(DISTINCT respondent_id) FROM raw.tib_survey_cells").fetchall() == [(3,)]


def test_the_file_registry_counts_every_row_read_the_quarantined_too(tmp_path):
    data, cb_path = make_inbox(tmp_path, ",UMCG,7\r\nA-2,UMCG,6\r\n")
    cb = load_codebook(cb_path, data)
    outcome = load_survey_file(duckdb.connect(), "raw.pmg_questionnaire_cells", cb, cb.files[0], Pseudonymiser("k"))
    assert (outcome.n_rows, outcome.n_quarantined) == (2, 1)


def test_labels_from_a_limesurvey_structure_file(tmp_path):
    from tests.conftest import real_export

    lsg = real_export("limesurvey/limonaid_limesurvey_group_1370.lsg")
    data, cb_path = make_inbox(tmp_path, "A-1,1,7\r\n", CODEBOOK.replace(
        "    labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}",
        "    labels: {structure: group.lsg, question: questionCode1}"))
    (cb_path.parent / "group.lsg").write_bytes(lsg.read_bytes())
    cb = load_codebook(cb_path, data)
    assert [(lab.label, lab.code) for lab in cb.variable("organisation").labels][:2] == [
        ("1", "Answer option 1"), ("2", "Answer option 2")]


def test_discovery_parses_only_the_instruments_codebooks(tmp_path):
    """Another instrument's codebook is skipped on its `instrument:` line, unparsed (so a broken one
    fails its own instrument's ingest, not every other); a quoted or commented line is read too."""
    from assets.ingest.codebook import discover_codebooks

    source = Path(__file__).resolve().parents[1] / "data" / "pmg" / "2023" / "codebook_questionnaire.yaml"
    for year, instrument_line in ((2023, 'instrument: "pmg_questionnaire"  # the short questionnaire'),
                                  (2024, "instrument: pmg_questionnaire")):
        folder = tmp_path / "pmg" / str(year)
        folder.mkdir(parents=True)
        text = source.read_text(encoding="utf-8").replace("instrument: pmg_questionnaire", instrument_line)
        (folder / "codebook_questionnaire.yaml").write_text(text.replace("year: 2023", f"year: {year}"),
                                                            encoding="utf-8")
        for export in source.parent.glob("pmg_t*"):
            (folder / export.name).write_bytes(export.read_bytes())
    (tmp_path / "pmg" / "2024" / "codebook_interviews.yaml").write_text(
        "instrument: pmg_interviews\nthemes: [unclosed\n", encoding="utf-8")
    found = discover_codebooks(tmp_path, "pmg", "pmg_questionnaire")
    assert [cb.year for cb in found] == [2023, 2024]
    # A partition's lookup reads only its year's codebooks: 2023's, broken, does not stop 2024's.
    broken = tmp_path / "pmg" / "2023" / "codebook_questionnaire.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "variables: [unclosed\n", encoding="utf-8")
    assert [cb.year for cb in discover_codebooks(tmp_path, "pmg", "pmg_questionnaire", [2024])] == [2024]
    with pytest.raises(CodebookError, match="not valid YAML"):
        discover_codebooks(tmp_path, "pmg", "pmg_questionnaire", [2023])
    with pytest.raises(CodebookError, match="not valid YAML"):
        discover_codebooks(tmp_path, "pmg", "pmg_interviews")


def _four_file_codebook(tmp_path):
    files = {"t0.csv": "A-1,UMCG,7\r\n", "t1.csv": "A-1,UMCG,8\r\n", "t2.csv": "A-2,UMCG,6\r\n",
             "t3.csv": "A-3,UMCG,5\r\n"}
    data, cb_path = make_inbox(tmp_path, files.pop("t0.csv"))
    for name, rows in files.items():
        (cb_path.parent / name).write_text(HEADER + rows, encoding="utf-8")
    codebook = CODEBOOK.replace("  - {path: t0.csv, format: qualtrics_csv, constants: {wave: T0}}\n", "".join(
        f"  - {{path: t{i}.csv, format: qualtrics_csv, constants: {{wave: T{min(i, 1)}}}}}\n" for i in range(4)))
    cb_path.write_text(codebook, encoding="utf-8")
    return load_codebook(cb_path, data)


def test_files_load_in_order_and_a_bad_file_stops_the_ones_after_it(tmp_path):
    """load_files parses two small files at once while writing another, writes them in order, and
    a file that fails leaves the files before it loaded and none after it."""
    cb = _four_file_codebook(tmp_path)
    conn, key = duckdb.connect(), Pseudonymiser("k")
    parsed, running, lock = [], [], threading.Lock()
    both_started = threading.Barrier(2, timeout=30)

    def parse(codebook, source):
        with lock:
            running.append(source.relative)
            assert len(running) <= 2, running   # two parses at a time, no more
            parsed.append(source.path.name)
        try:
            if source.path.name in ("t0.csv", "t1.csv"):
                both_started.wait()  # t0 and t1 parse side by side, or this times out
            if source.path.name == "t2.csv":
                raise InputError(source.relative, "not readable", row=2, column="Q5")
            return survey_cells(codebook, source, key)
        finally:
            with lock:
                running.remove(source.relative)

    jobs = [(cb, sf) for sf in cb.files]
    outcomes = []
    with pytest.raises(InputError, match="not readable"):
        for outcome in load_files(conn, "raw.pmg_questionnaire_cells", jobs, parse):
            outcomes.append(outcome)
    assert [o.source_file.rsplit("/", 1)[-1] for o in outcomes] == ["t0.csv", "t1.csv"]
    assert sorted(parsed[:2]) == ["t0.csv", "t1.csv"] and parsed[2] == "t2.csv"
    loaded = conn.sql("SELECT source_file FROM raw.source_files ORDER BY 1").fetchall()
    assert [Path(f).name for (f,) in loaded] == ["t0.csv", "t1.csv"]
    assert [o.status for o in load_files(conn, "raw.pmg_questionnaire_cells", jobs[:2], parse)] == ["unchanged"] * 2


def test_large_files_parse_one_at_a_time(tmp_path, monkeypatch):
    """Above PARALLEL_PARSE_BYTES in flight, a file waits for the parse before it."""
    monkeypatch.setattr(loader, "PARALLEL_PARSE_BYTES", 0)
    cb = _four_file_codebook(tmp_path)
    conn, key = duckdb.connect(), Pseudonymiser("k")
    running, most, lock = [], [], threading.Lock()

    def parse(codebook, source):
        with lock:
            running.append(source.relative)
            most.append(len(running))
        time.sleep(0.05)  # time for a second parse to start, were it allowed
        with lock:
            running.remove(source.relative)
        return survey_cells(codebook, source, key)

    outcomes = list(load_files(conn, "raw.pmg_questionnaire_cells", [(cb, sf) for sf in cb.files], parse))
    assert [o.status for o in outcomes] == ["loaded"] * 4
    assert max(most) == 1


def test_interleaved_puts_another_codebooks_file_between_a_codebooks_files():
    a, b, c = object(), object(), object()
    files = [(a, "a1"), (a, "a2"), (b, "b1"), (b, "b2"), (b, "b3"), (c, "c1"), (c, "c2")]
    assert [f for _, f in interleaved(files)] == ["a1", "b1", "a2", "b2", "b3", "c1", "c2"]


@pytest.mark.parametrize("change,message", [
    (("UMCG: UMCG,", "UMCG: umcg,"), "row 13: variables.organisation: the label 'UMCG' is coded 'umcg' here and 'UMCG' "
                                     "in pmg/2030/codebook.yaml: one year's codebooks must code an answer alike"),
    (("{min: 0, max: 10}", "{min: 1, max: 5}"), "row 14: variables.mental_health_grade is a number on 1-5 here, a "
                                                "number on 0-10 in pmg/2030/codebook.yaml"),
    # a reversed scale: the same answer, another number to average
    (("labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}",
      "labels:\n      - {label: UMCG, code: UMCG, number: 2}\n      - {label: Rijksuniversiteit Groningen, code: RUG}"),
     "row 13: variables.organisation: the answer 'UMCG' counts as 2.0 here and None in pmg/2030/codebook.yaml"),
])
def test_two_codebooks_of_one_year_must_ask_a_question_alike(tmp_path, change, message):
    """One codebook per wave (the tool changed between T0 and T1): an answer coded two ways would
    count as two answers, and a question on two scales has no one mean."""
    from assets.ingest.codebook import discover_codebooks

    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\n")
    (cb_path.parent / "t1.csv").write_text(HEADER + "A-1,UMCG,8\r\n", encoding="utf-8")
    second = CODEBOOK.replace("path: t0.csv", "path: t1.csv").replace("{wave: T0}", "{wave: T1}")
    (cb_path.parent / "codebook_t1.yaml").write_text(second, encoding="utf-8")
    assert len(discover_codebooks(data, "pmg", "demo")) == 2  # alike: both
    (cb_path.parent / "codebook_t1.yaml").write_text(second.replace(*change), encoding="utf-8")
    with pytest.raises(CodebookError, match=re.escape(f"pmg/2030/codebook_t1.yaml, {message}")):
        discover_codebooks(data, "pmg", "demo")


def _interview_inbox(tmp_path) -> tuple[Path, str]:
    sample = Path(__file__).resolve().parents[1] / "data" / "pmg" / "2023"
    data = tmp_path / "data"
    (data / "pmg" / "2023").mkdir(parents=True)
    for name in ("pmg_focusinterviews_maxqda.xlsx", "codebook_interviews.yaml"):
        (data / "pmg" / "2023" / name).write_bytes((sample / name).read_bytes())
    return data, (sample / "codebook_interviews.yaml").read_text(encoding="utf-8")


def test_an_interview_codebook_gives_a_theme_one_english_name(tmp_path):
    """theme_en is what the English reports print for a theme (not for a code path): two names for
    one theme would print one of them wrongly. The sample's codebook names each theme in English."""
    data, text = _interview_inbox(tmp_path)
    codebook = data / "pmg" / "2023" / "codebook_interviews.yaml"
    themes = load_codebook(codebook, data).themes
    assert themes["Diagnose\\Werk gerelateerde hulpbronnen\\Inhoud van het werk"].theme_en == "Content of the work"
    assert {t.theme_en for t in themes.values() if t.theme == "Inhoud van het werk"} == {"Content of the work"}
    second = "theme_en: Content of the work"
    first_at = text.index(second)
    codebook.write_text(text[:text.index(second, first_at + 1)] + "theme_en: Job content"
                        + text[text.index(second, first_at + 1) + len(second):], encoding="utf-8")
    line = text[:text.index(second, first_at + 1)].count("\n") + 1
    with pytest.raises(CodebookError, match=re.escape(
            f"row {line}: themes['Diagnose\\\\Werk gerelateerde stressfactoren\\\\Inhoud van het werk'].theme_en: "
            "'Job content', but 'Content of the work' under 'Diagnose\\\\Werk gerelateerde hulpbronnen\\\\Inhoud van "
            "het werk' for the same theme 'Inhoud van het werk': give it one English name")):
        load_codebook(codebook, data)


def test_two_themes_of_one_english_name_are_refused(tmp_path):
    """Listed twice under one name in the English edition, and a participant who raised both counted twice."""
    from assets.ingest.codebook import discover_codebooks

    data, text = _interview_inbox(tmp_path)
    codebook = data / "pmg" / "2023" / "codebook_interviews.yaml"
    codebook.write_text(text.replace("theme_en: Autonomy", "theme_en: Job control"), encoding="utf-8")
    with pytest.raises(CodebookError, match=re.escape(
            "themes['Diagnose\\\\Werk gerelateerde hulpbronnen\\\\Regelmogelijkheden'].theme_en: 'Job control' is "
            "also the English name of the theme 'Autonomie' under 'Diagnose\\\\Werk gerelateerde hulpbronnen\\\\"
            "Autonomie': give each theme its own")):
        discover_codebooks(data, "pmg", "pmg_interviews")


def test_two_interview_codebooks_of_one_year_must_name_a_theme_alike(tmp_path):
    """One codebook per wave: the report prints one English name per theme and year."""
    from assets.ingest.codebook import discover_codebooks

    data, text = _interview_inbox(tmp_path)
    folder = data / "pmg" / "2023"
    (folder / "t1.xlsx").write_bytes((folder / "pmg_focusinterviews_maxqda.xlsx").read_bytes())
    second = text.replace("path: pmg_focusinterviews_maxqda.xlsx", "path: t1.xlsx")
    (folder / "codebook_interviews_t1.yaml").write_text(second, encoding="utf-8")
    assert len(discover_codebooks(data, "pmg", "pmg_interviews")) == 2  # alike: both
    (folder / "codebook_interviews_t1.yaml").write_text(second.replace("theme_en: Autonomy", "theme_en: Self-direction"),
                                                        encoding="utf-8")
    with pytest.raises(CodebookError, match=re.escape(
            "the theme 'Autonomie' is 'Self-direction' here and 'Autonomy' in pmg/2023/codebook_interviews.yaml")):
        discover_codebooks(data, "pmg", "pmg_interviews")
    # the first names Regelmogelijkheden nothing; the second gives it the first's name of Autonomie
    (folder / "codebook_interviews.yaml").write_text(text.replace("    theme_en: Job control\n", ""), encoding="utf-8")
    (folder / "codebook_interviews_t1.yaml").write_text(
        second.replace("    theme_en: Autonomy\n", "").replace("theme_en: Job control", "theme_en: Autonomy"),
        encoding="utf-8")
    with pytest.raises(CodebookError, match=re.escape(
            "'Autonomy' names the theme 'Regelmogelijkheden' here and 'Autonomie' in pmg/2023/codebook_interviews.yaml")):
        discover_codebooks(data, "pmg", "pmg_interviews")


def test_a_number_is_read_with_thousands_where_only_that_reading_fits_the_scale(tmp_path):
    """"1.500" on a 100-5000 scale is 1500: 1.5 is outside it (the rule: the reading that fits)."""
    conn = load_and_decode(tmp_path, 'A-1,UMCG,1.500\r\nA-2,UMCG,"2,500"\r\n',
                           CODEBOOK.replace("{min: 0, max: 10}", "{min: 100, max: 5000}"))
    assert conn.sql("SELECT row_number, value_number FROM staging.pmg_questionnaire_answers "
                    "WHERE value_number IS NOT NULL ORDER BY 1").fetchall() == [(4, 1500.0), (5, 2500.0)]
    assert conn.sql("SELECT count(*) FROM raw.quarantine").fetchall() == [(0,)]


@pytest.mark.parametrize("scale,message", [
    ("{min: 5, max: 5}", "min 5 is not below max 5"),
    ("{min: 0}", "a number variable needs scale"),  # without a max every large number would pass
    ("{max: 10}", "a number variable needs scale"),
    ("{min: 0, max: yes}", "expected a number"),  # YAML's yes is True, which Python takes for 1
])
def test_a_scale_needs_a_minimum_below_a_maximum_both_numbers(tmp_path, scale, message):
    data, cb = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace("{min: 0, max: 10}", scale))
    with pytest.raises(CodebookError, match=re.escape(message)):
        load_codebook(cb, data)


def test_two_codebooks_of_one_year_whose_scales_differ_in_the_maximum_alone_are_refused(tmp_path):
    from assets.ingest.codebook import discover_codebooks

    data, cb = make_inbox(tmp_path, "A-1,UMCG,7\r\n")
    (cb.parent / "t1.csv").write_text(HEADER + "A-1,UMCG,8\r\n", encoding="utf-8")
    second = CODEBOOK.replace("path: t0.csv", "path: t1.csv").replace("{wave: T0}", "{wave: T1}")
    (cb.parent / "codebook_t1.yaml").write_text(second.replace("{min: 0, max: 10}", "{min: 0, max: 100}"),
                                                encoding="utf-8")
    with pytest.raises(CodebookError, match="one year's codebooks must ask it alike"):
        discover_codebooks(data, "pmg", "demo")


@pytest.mark.parametrize("variable,message", [
    ("  skills:\n    column: Q5\n    type: multi_select\n", "a multi_select variable needs labels"),
    ("  skills:\n    type: category\n    columns: {Q5: yoga}\n", "is for multi_select variables"),
])
def test_a_variable_is_refused_without_what_its_type_needs(tmp_path, variable, message):
    codebook = CODEBOOK.replace("  mental_health_grade:\n    column: Q5\n    type: number\n"
                                "    scale: {min: 0, max: 10}\n", variable)
    data, cb = make_inbox(tmp_path, "A-1,UMCG,7\r\n", codebook)
    with pytest.raises(CodebookError, match=re.escape(message)):
        load_codebook(cb, data)


def test_a_label_numbered_yes_is_refused(tmp_path):
    data, cb = make_inbox(tmp_path, "A-1,UMCG,7\r\n", CODEBOOK.replace(
        "labels: {UMCG: UMCG, Rijksuniversiteit Groningen: RUG}", "labels:\n      - {label: UMCG, code: u, number: yes}"))
    with pytest.raises(CodebookError, match=re.escape("number is True; expected a number")):
        load_codebook(cb, data)


def test_a_constant_given_on_one_file_only_is_refused(tmp_path):
    codebook = CODEBOOK.replace("  - {path: t0.csv, format: qualtrics_csv, constants: {wave: T0}}",
                                "  - {path: t0.csv, format: qualtrics_csv, constants: {wave: T0, site: A}}\n"
                                "  - {path: t1.csv, format: qualtrics_csv, constants: {wave: T1}}")
    codebook += "  site:\n    type: text\n"
    data, cb = make_inbox(tmp_path, "A-1,UMCG,7\r\n", codebook)
    (cb.parent / "t1.csv").write_text(HEADER + "A-1,UMCG,8\r\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="give a column, or a constant for it on every file"):
        load_codebook(cb, data)
