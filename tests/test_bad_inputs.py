"""Every case of the bad-input corpus (tests/fixtures/bad_inputs, written by make_bad_inputs.py):
the good rows load and each bad one is in raw.quarantine with its reason, or the run stops with one
readable line naming file, row and column. The README's table "Bad input" lists the same cases."""

import shutil
from pathlib import Path

import duckdb
import pytest

from assets.ingest.codebook import load_codebook
from assets.ingest.decode import decode_survey
from assets.ingest.errors import InputError
from assets.ingest.pseudonyms import Pseudonymiser
from tests.conftest import FIXTURES, load_survey_file

CORPUS = FIXTURES / "bad_inputs"
RAW, STAGING = "raw.pmg_questionnaire_cells", "staging.pmg_questionnaire_answers"


def run_case(case: str, tmp_path: Path):
    """Ingest and decode one case as the pipeline does; returns the connection."""
    data = tmp_path / "data"
    shutil.copytree(CORPUS / case, data / "pmg" / "2030")
    codebook = load_codebook(data / "pmg" / "2030" / "codebook.yaml", data)
    conn = duckdb.connect()
    for source in codebook.files:
        load_survey_file(conn, RAW, codebook, source, Pseudonymiser("k"))
    decode_survey(conn, codebook.instrument, [codebook], RAW, STAGING)
    return conn


def quarantine(conn) -> list[tuple]:
    return conn.sql("SELECT row_number, column_name, cell_value, reason FROM raw.quarantine "
                    "ORDER BY row_number").fetchall()


def loaded_rows(conn) -> list[int]:
    return [r for r, in conn.sql(f"SELECT DISTINCT row_number FROM {STAGING} ORDER BY 1").fetchall()]


def answer(conn, variable: str, row: int = 4):
    rows = conn.sql(f"SELECT value_code, value_number FROM {STAGING} WHERE variable = $1 AND row_number = $2",
                    params=[variable, row]).fetchall()
    return rows[0] if rows else None


STOPS = {
    "empty_file": "pmg/2030/export.csv: the file is empty",
    "header_only": "export.csv, row 3: has its 3 header row(s) but no data rows",
    "missing_required_column": ("pmg/2030/export.csv, row 1, column 'Q1': the codebook pmg/2030/codebook.yaml "
                                "names column 'Q1', which the file does not have"),
    "renamed_column": ("pmg/2030/export.csv, row 1, column 'Q5': the codebook pmg/2030/codebook.yaml names column "
                       "'Q5', which the file does not have; did the column get renamed to 'Q5_NEW'?"),
    "row_with_too_many_fields": ("export.csv, row 6, column 'RecipientEmail': 6 fields where the header has 5: "
                                 "is the delimiter or quoting wrong?"),
    "codebook_names_missing_column": ("pmg/2030/export.csv, row 1, column 'Q8': the codebook pmg/2030/codebook.yaml "
                                      "names column 'Q8', which the file does not have"),
    "codebook_not_yaml": "pmg/2030/codebook.yaml, row 3: not valid YAML (expected ',' or ']'",
}


@pytest.mark.parametrize("case", sorted(STOPS))
def test_cases_that_stop_with_one_readable_line(case, tmp_path):
    with pytest.raises(InputError) as err:
        run_case(case, tmp_path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(STOPS[case]) or message.endswith(STOPS[case]) or STOPS[case] in message, message


def test_truncated_file_loads_the_good_rows_and_quarantines_the_cut_one(tmp_path):
    conn = run_case("truncated_file", tmp_path)
    assert quarantine(conn) == [(6, "Q5", None, "row has 2 of 5 fields: the file looks truncated here")]
    assert loaded_rows(conn) == [4, 5]


@pytest.mark.parametrize("case,reason,row", [
    ("unknown_label", "unknown answer label for organisation (not in the codebook)", 6),
    ("out_of_range_grade", "outside the scale 0.0-10.0 the codebook declares for mental_health_grade", 6),
    ("duplicate_participant_and_wave",
     "duplicate response: participant already answered wave T0 (first at pmg/2030/export.csv row 4)", 6),
])
def test_bad_values_are_quarantined_and_the_rest_loads(case, reason, row, tmp_path):
    conn = run_case(case, tmp_path)
    q = quarantine(conn)
    assert [(r, why) for r, _, _, why in q] == [(row, reason)]
    assert loaded_rows(conn) == [4, 5]


def test_formula_like_text_is_quarantined_but_a_dash_in_prose_is_not(tmp_path):
    conn = run_case("formula_like_text", tmp_path)
    q = quarantine(conn)
    assert [(r, c) for r, c, _, _ in q] == [(6, "Q7"), (7, "Q7")]
    assert q[0][2].startswith("=HYPERLINK(") and q[1][2].startswith("+cmd")
    assert all(why.startswith("formula-like text in toelichting") for *_, why in q)
    assert loaded_rows(conn) == [4, 5, 8]


@pytest.mark.parametrize("case,variable,expected", [
    ("windows_1252", "toelichting", ("Café en geïrriteerd", None)),
    ("semicolon_delimiter", "mental_health_grade", (None, 7.5)),
    ("semicolon_delimiter", "toelichting", ("Gaat goed, echt", None)),
    ("decimal_comma", "mental_health_grade", (None, 6.5)),
    ("email_in_free_text", "toelichting", ("Mail me: [e-mail] of bel [telefoon]", None)),
])
def test_cases_that_load_correctly(case, variable, expected, tmp_path):
    conn = run_case(case, tmp_path)
    assert quarantine(conn) == []
    assert answer(conn, variable) == expected


def test_extra_unknown_column_is_ignored_and_recorded(tmp_path):
    conn = run_case("extra_unknown_column", tmp_path)
    assert quarantine(conn) == [] and loaded_rows(conn) == [4, 5]
    assert conn.sql("SELECT ignored_columns FROM raw.source_files").fetchall() == [(["Q99"],)]
    assert conn.sql(f"SELECT count(*) FROM {RAW} WHERE column_name = 'Q99'").fetchall() == [(0,)]


def test_xlsx_with_data_on_the_second_sheet(tmp_path):
    conn = run_case("xlsx_data_on_second_sheet", tmp_path)
    assert quarantine(conn) == []
    assert answer(conn, "mental_health_grade", row=2) == (None, 7.0)


def test_identifiers_of_the_corpus_never_stored(tmp_path):
    conn = run_case("email_in_free_text", tmp_path)
    text = str(conn.sql(f"SELECT * FROM {RAW}").fetchall()) + str(conn.sql(f"SELECT * FROM {STAGING}").fetchall())
    assert "a@umcg.nl" not in text and "A-1" not in text and "j.jansen" not in text


def test_every_case_in_the_corpus_is_tested():
    tested = set(STOPS) | {"truncated_file", "unknown_label", "out_of_range_grade", "duplicate_participant_and_wave",
                           "formula_like_text", "windows_1252", "semicolon_delimiter", "decimal_comma",
                           "email_in_free_text", "extra_unknown_column", "xlsx_data_on_second_sheet"}
    assert tested == {p.name for p in CORPUS.iterdir() if p.is_dir()}


def test_qualtrics_previews_tests_spam_and_a_second_unfinished_response_are_quarantined(tmp_path):
    """Kept, a preview or an unfinished response that came first pushed the participant's finished
    answer out as a duplicate, and changed the means without a word. An unfinished response is
    still counted where it is the participant's only one; a quarantined row's code is still
    masked in the others' text."""
    case = tmp_path / "data" / "pmg" / "2030"
    case.mkdir(parents=True)
    shutil.copy(CORPUS / "duplicate_participant_and_wave" / "codebook.yaml", case / "codebook.yaml")
    head = ["Status,Progress,Finished,Q1,Q2,Q5,Q7,RecipientEmail",
            "Antwoordtype,Voortgang,Voltooid,Deelnemerscode,Organisatie,Cijfer mentale gezondheid,Toelichting,E-mail",
            ",".join(f'"{{""ImportId"":""c{i}""}}"' for i in range(8))]
    rows = ["1,100,1,A-1,UMCG,2,,a@umcg.nl",                  # 4 Survey Preview, before A-1's answer
            "0,40,0,A-2,UMCG,,,b@umcg.nl",                    # 5 unfinished, before A-2's finished answer
            "0,100,1,A-1,UMCG,7,,a@umcg.nl",                  # 6
            "0,100,1, a-2 ,UMCG,6,Ik sprak met A-9 erover,b@umcg.nl",  # 7
            "Spam,100,True,A-9,UMCG,9,,c@umcg.nl",            # 8 a choice-text export's words
            "Survey Test,100,True,A-4,UMCG,9,,d@umcg.nl",     # 9
            "IP Address,100,True,A-5,UMCG,8,,e@umcg.nl",      # 10
            "4,100,1,A-6,UMCG,5,,f@umcg.nl",                  # 11 imported: an answer
            "0,60,0,A-7,UMCG,4,,g@umcg.nl",                   # 12 unfinished, A-7's only response
            "0,50,False,A-6,UMCG,3,,f@umcg.nl",               # 13 unfinished, in a choice-text export's words
            "Spam,100,True,A-8,UMCG,9,,h@umcg.nl",            # 14 spam is no finished response of A-8's...
            "0,30,0,A-8,UMCG,5,,h@umcg.nl"]                   # 15 ...so this one, A-8's only, is counted
    (case / "export.csv").write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    codebook = load_codebook(case / "codebook.yaml", tmp_path / "data")
    conn = duckdb.connect()
    for source in codebook.files:
        load_survey_file(conn, RAW, codebook, source, Pseudonymiser("k"))
    decode_survey(conn, codebook.instrument, [codebook], RAW, STAGING)
    assert quarantine(conn) == [
        (4, "Status", "1", "not an answer: Qualtrics marks the response 'Survey Preview' (previews, tests and spam "
                           "are not counted)"),
        (5, "Finished", "0", "unfinished response (Finished 0) of a participant who finished one (row 7): that one "
                             "is counted"),
        (8, "Status", "Spam", "not an answer: Qualtrics marks the response 'Spam' (previews, tests and spam are not "
                              "counted)"),
        (9, "Status", "Survey Test", "not an answer: Qualtrics marks the response 'Survey Test' (previews, tests "
                                     "and spam are not counted)"),
        (13, "Finished", "False", "unfinished response (Finished False) of a participant who finished one (row 11): "
                                  "that one is counted"),
        (14, "Status", "Spam", "not an answer: Qualtrics marks the response 'Spam' (previews, tests and spam are not "
                               "counted)")]
    assert loaded_rows(conn) == [6, 7, 10, 11, 12, 15]  # the participants' real answers, not quarantined as duplicates
    assert answer(conn, "mental_health_grade", 6) == (None, 7.0)
    [(text,)] = conn.sql(f"SELECT cell_value FROM {RAW} WHERE row_number = 7 AND column_name = 'Q7'").fetchall()
    assert "A-9" not in text and text.startswith("Ik sprak met [")


def test_a_status_column_of_another_tools_export_is_an_answer_not_a_qualtrics_mark():
    """An SPSS or LimeSurvey file's own Status (employment status coded 1, 2, 8) and Finished are answers."""
    from types import SimpleNamespace

    import polars as pl

    from assets.ingest.survey import qualtrics_not_answers

    frame = pl.DataFrame({"_row_number": [1, 2, 3], "Status": ["1", "8", "2"], "Finished": ["0", "1", "1"],
                          "code": ["A-1", "A-1", "A-2"]})
    assert qualtrics_not_answers(SimpleNamespace(format="spss_sav", relative="t0.sav"), frame, "code") == []
    assert len(qualtrics_not_answers(SimpleNamespace(format="qualtrics_csv", relative="t0.csv"), frame, "code")) == 3


def test_an_export_gone_since_its_codebook_was_read_is_named(tmp_path):
    """Taken away (or locked) between reading the codebooks and loading: a traceback of the hash."""
    from types import SimpleNamespace

    from assets.ingest.codebook import SourceFile
    from assets.ingest.loader import same_bytes

    year = SimpleNamespace(year=2030)
    kept = tmp_path / "t0.csv"
    kept.write_text("x", encoding="utf-8")
    gone = SourceFile(path=tmp_path / "t1.csv", relative="pmg/2030/t1.csv", format="qualtrics_csv")
    with pytest.raises(InputError, match=r"^t1.csv: cannot be read \(No such file or directory\)$"):
        same_bytes([(year, SourceFile(path=kept, relative="pmg/2030/t0.csv", format="qualtrics_csv")),
                          (year, gone)])


def _workbook_with_a_stray_cell(path: Path, rows: int, far: tuple[int, int] | None, formatted_only: bool = False,
                                 on_the_other_sheet: bool = False) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    other = book.add_worksheet("Toelichting")
    other.write(0, 0, "Export van Microsoft Forms")
    sheet = book.add_worksheet("Antwoorden")
    stray_on = other if on_the_other_sheet else sheet
    for r in range(max(rows, far[0] + 1 if far else 0)):  # row by row: constant_memory writes no row twice
        if r < rows:
            sheet.write_row(r, 0, [f"kolom {c}" if r == 0 else f"{r}-{c}" for c in range(17)])
        if far and r == far[0]:
            if formatted_only:  # a cell given a colour, nothing typed in it
                stray_on.write_blank(*far, None, book.add_format({"bg_color": "yellow"}))
            else:
                stray_on.write(*far, "x")  # Ctrl+Right, then a key: typed into XFD1
    book.close()
    return path


def test_a_value_typed_far_right_of_the_data_is_refused_naming_the_sheet_and_cell(tmp_path):
    """The reader holds a sheet as a grid from its first to its last filled cell: one value in XFD1
    made 2,000 rows of 17 columns a grid of 16,384 columns (1 GB)."""
    from assets.ingest.formats import read_excel

    stray = _workbook_with_a_stray_cell(tmp_path / "enquete.xlsx", 2000, (0, 16383))
    with pytest.raises(InputError, match=r"enquete.xlsx: sheet 'Antwoorden' reaches to cell XFD2000 "
                                         r"\(32,768,000 cells, nearly all empty\)"):
        read_excel(stray, ["kolom 0"], sheet="Antwoorden")
    clean = _workbook_with_a_stray_cell(tmp_path / "schoon.xlsx", 2000, None)
    assert read_excel(clean, ["kolom 0"], sheet="Antwoorden").frame.height == 1999
    # far down: 17 columns of 1,048,576 rows for 20 rows of data
    down = _workbook_with_a_stray_cell(tmp_path / "lang.xlsx", 20, (1_048_575, 0))
    with pytest.raises(InputError, match="reaches to cell Q1048576"):
        read_excel(down, ["kolom 0"], sheet="Antwoorden")


def test_a_far_cell_with_a_format_alone_or_on_a_sheet_not_read_is_no_reason_to_refuse(tmp_path):
    """A cell with a colour and no value counts in the sheet's <dimension> (XFD2000 here), but the
    reader skips it; and a stray value on a sheet the codebook does not read costs nothing."""
    from assets.ingest.formats import read_excel

    coloured = _workbook_with_a_stray_cell(tmp_path / "kleur.xlsx", 2000, (0, 16383), formatted_only=True)
    assert read_excel(coloured, ["kolom 0"], sheet="Antwoorden").frame.width == 18  # 17 columns and the row
    elsewhere = _workbook_with_a_stray_cell(tmp_path / "elders.xlsx", 2000, (1500, 16383), on_the_other_sheet=True)
    assert read_excel(elsewhere, ["kolom 0"], sheet="Antwoorden").frame.height == 1999
    with pytest.raises(InputError, match="sheet 'Toelichting' reaches to cell XFD1501"):
        read_excel(elsewhere, ["kolom 0"], sheet="Toelichting")


def test_a_far_cell_in_a_sheet_that_declares_no_extent_is_found(tmp_path):
    """Without <dimension> (it is optional), the cells with a value say the extent."""
    import re
    import zipfile

    from assets.ingest.formats import read_excel

    stray = _workbook_with_a_stray_cell(tmp_path / "enquete.xlsx", 2000, (0, 16383))
    bare = tmp_path / "zonder_dimensie.xlsx"
    with zipfile.ZipFile(stray) as src, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            out.writestr(item, data)
    assert b"<dimension" not in zipfile.ZipFile(bare).read("xl/worksheets/sheet2.xml")
    with pytest.raises(InputError, match="sheet 'Antwoorden' reaches to cell XFD2000"):
        read_excel(bare, ["kolom 0"], sheet="Antwoorden")


def test_two_cells_at_opposite_corners_stop_the_workbook_not_the_run(tmp_path):
    """A1 and XFD1048576: 6 KB that the reader took for a grid of 512 GB, and the run's process
    aborted, naming no file. Run in its own interpreter, as an abort would take pytest with it."""
    import subprocess
    import sys

    corners = tmp_path / "hoeken.xlsx"
    _workbook_with_a_stray_cell(corners, 1, (1_048_575, 16_383))
    code = ("import sys; from pathlib import Path; from assets.ingest.formats import read_excel; "
            "from assets.ingest.errors import InputError\n"
            "try:\n    read_excel(Path(sys.argv[1]), [], sheet='Antwoorden')\nexcept InputError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code, str(corners)], capture_output=True, text=True, timeout=300,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]
    assert "hoeken.xlsx: sheet 'Antwoorden' reaches to cell XFD1048576 (17,179,869,184 cells" in out.stdout


def test_a_sheet_of_unclosed_cell_tags_is_read_in_linear_time(tmp_path):
    """Where a sheet declares no extent its cells are read; 5 MB of "<c " without ">" made the
    cell pattern try every tag to the end of its piece (quadratic: hours). It must finish."""
    import subprocess
    import sys
    import zipfile

    path = tmp_path / "open_tags.xlsx"
    with zipfile.ZipFile(_workbook_with_a_stray_cell(tmp_path / "base.xlsx", 2, None)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<dimension ref=\"A1:Q2\"/>", b"").replace(b"</sheetData>", b"<c r" * 1_000_000
                                                                             + b"</sheetData>")
            out.writestr(item, data)
    code = ("import sys; from pathlib import Path\n"
            "from assets.ingest.formats import refuse_far_cells, refuse_zip_bomb\n"
            "p = Path(sys.argv[1]); refuse_far_cells(p, refuse_zip_bomb(p), 'Antwoorden'); print('read')")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0 and out.stdout.strip() == "read", out.stderr[-2000:]


def _workbook_with_sheet_xml(path: Path, cells: bytes, dimension: bytes | None = b"A1:Q2",
                             sheet_name: str = "Antwoorden", absolute_target: bool = False) -> Path:
    """A workbook whose second sheet's XML holds `cells` as its sheetData, as a crafted or an odd
    writer's file would (xlsxwriter writes the rest)."""
    import zipfile

    base = _workbook_with_a_stray_cell(path.with_suffix(".base.xlsx"), 2, None)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data, name = src.read(item), item.filename
            if name == "xl/worksheets/sheet2.xml":
                head = data[:data.index(b"<sheetData>")].replace(b'<dimension ref="A1:Q2"/>', b"" if dimension is None
                                                                  else b'<dimension ref="' + dimension + b'"/>')
                data = head + b"<sheetData>" + cells + b"</sheetData></worksheet>"
                name = "worksheets/sheet2.xml" if absolute_target else name
            elif name == "xl/workbook.xml":
                data = data.replace(b'name="Antwoorden"', b'name="' + sheet_name.replace("&", "&amp;").encode() + b'"')
            elif name == "xl/_rels/workbook.xml.rels" and absolute_target:
                data = data.replace(b'Target="worksheets/sheet2.xml"', b'Target="/worksheets/sheet2.xml"')
            elif name == "[Content_Types].xml" and absolute_target:
                data = data.replace(b"/xl/worksheets/sheet2.xml", b"/worksheets/sheet2.xml")
            out.writestr(name, data)
    return path


ROWS = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>kolom 0</t></is></c></row>' % (r, r) for r in (1, 2))


@pytest.mark.parametrize("case, cells, dimension, options", [
    # attributes past any fixed bound: the far cell is found all the same
    ("long attributes", ROWS + b'<row r="3"><c r="XFD1048576" ' + b'x="y" ' * 80 + b't="inlineStr"><is><t>x</t></is>'
                                  b'</c></row>', None, {}),
    # a writer's placeholder extent over a sheet it does not describe
    ("placeholder", ROWS + b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(3, 2000))
     + b'<row r="2000"><c r="XFD2000"><v>1</v></c></row>', b"A1", {}),
    # a cell without a reference, placed in its row by the reader
    ("row only", ROWS + b'<row r="3"><c r="XFD3"><v>1</v></c></row>'
     + b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>', None, {}),
    # a sheet name written with an entity, and a part kept outside xl/
    ("entity", ROWS + b'<row r="3"><c r="XFD1048576"><v>1</v></c></row>', None, {"sheet_name": "R&D"}),
    ("outside xl", ROWS + b'<row r="3"><c r="XFD1048576"><v>1</v></c></row>', None, {"absolute_target": True}),
])
def test_a_far_cell_is_found_however_the_sheet_is_written(tmp_path, case, cells, dimension, options):
    """(The check is called itself: were it to miss, the reader would abort the test process.)"""
    from assets.ingest.formats import _open_workbook, refuse_far_cells, refuse_zip_bomb

    path = _workbook_with_sheet_xml(tmp_path / "enquete.xlsx", cells, dimension, **options)
    book = _open_workbook(path)
    sheet = options.get("sheet_name", "Antwoorden")
    assert book.sheet_names == ["Toelichting", sheet]
    book.load_sheet("Toelichting")  # the other sheet is read as it is
    with pytest.raises(InputError, match=rf"enquete.xlsx: sheet '{sheet}' reaches to cell "):
        refuse_far_cells(path, refuse_zip_bomb(path), sheet)


def test_a_far_cell_cut_by_a_pieces_end_is_found(tmp_path):
    """The cells are read a megabyte at a time: a tag cut at the end of one piece, however long, is
    read whole with the next."""
    import zipfile

    from assets.ingest.formats import refuse_far_cells, refuse_zip_bomb

    far = b'<c r="XFD1048576" ' + b'x="y" ' * 150 + b">"  # a tag of 1 KB, longer than a fixed overlap
    cut = []
    for shift in range(0, 3000, 200):
        text = b"x" * ((1 << 20) - 3000 + shift)
        filler = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
        path = _workbook_with_sheet_xml(tmp_path / f"enquete{shift}.xlsx", ROWS + filler + b'<row r="4">' + far
                                        + b"<v>1</v></c></row>", None)
        at = zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml").index(far)
        cut.append(at < 1 << 20 < at + len(far))
        with pytest.raises(InputError, match="reaches to cell XFD1048576"):
            refuse_far_cells(path, refuse_zip_bomb(path), "Antwoorden")
    assert any(cut)  # the tag did straddle a piece's end



def test_a_sheet_named_with_an_ampersand_is_checked_alone(tmp_path):
    """workbook.xml writes "R&amp;D"; the reader gives "R&D". Read as written, the name matched no
    sheet, and every sheet was checked in its place: a far cell on another sheet refused this one."""
    import xlsxwriter

    from assets.ingest.formats import read_excel

    path = tmp_path / "enquete.xlsx"
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("Toelichting")
    notes.write(0, 0, "Export van Microsoft Forms")
    notes.write(2000, 16383, "x")
    data = book.add_worksheet("R&D")
    for r in range(20):
        data.write_row(r, 0, [f"kolom {c}" if r == 0 else f"{r}-{c}" for c in range(17)])
    book.close()
    assert read_excel(path, ["kolom 0"], sheet="R&D").frame.height == 19
    with pytest.raises(InputError, match="sheet 'Toelichting' reaches to cell XFD2001"):
        read_excel(path, [], sheet="Toelichting")


def test_a_damaged_part_elsewhere_in_the_workbook_does_not_switch_the_checks_off(tmp_path):
    """One member that does not inflate (a thumbnail) made the zip check give up on the whole file,
    and with it the far-cell check: the reader, which never opens the thumbnail, then aborted."""
    import zipfile

    from assets.ingest.formats import refuse_far_cells, refuse_zip_bomb

    far = b'<row r="3"><c r="XFD1048576"><v>1</v></c></row>'
    path = _workbook_with_sheet_xml(tmp_path / "enquete.xlsx", ROWS + far, None)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("docProps/thumbnail.jpeg", b"plaatje " * 4000)
    data = bytearray(path.read_bytes())
    at = data.rindex(b"docProps/thumbnail.jpeg", 0, data.rindex(b"PK\x01\x02"))  # the local header's name
    data[at + 40:at + 60] = b"\xff" * 20  # inside its deflated bytes
    path.write_bytes(bytes(data))
    sizes = refuse_zip_bomb(path)
    assert "docProps/thumbnail.jpeg" not in sizes and "xl/worksheets/sheet2.xml" in sizes
    with pytest.raises(InputError, match="reaches to cell XFD1048576"):
        refuse_far_cells(path, sizes, "Antwoorden")


def _ods(path: Path, rows: str, sheet: str = "Antwoorden") -> Path:
    """An OpenDocument spreadsheet as LibreOffice saves one: each row and the sheet end in a run of
    empty cells to the sheet's edge (one tag with a count, as are runs of like cells)."""
    import zipfile

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    edge = ('<table:table-row table:style-name="ro1" table:number-rows-repeated="1048570">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.3">'
               f'<office:body><office:spreadsheet><table:table table:name="{sheet}" table:style-name="ta1">'
               f'<table:table-column table:number-columns-repeated="16384"/>{rows}{edge}'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


def _ods_row(values: list[str], repeated: int = 1, gap: int = 0, far: str | None = None) -> str:
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                    for v in values)
    if gap:
        cells += f'<table:table-cell table:style-name="ce1" table:number-columns-repeated="{gap}"/>'
    if far:
        cells += f'<table:table-cell office:value-type="string"><text:p>{far}</text:p></table:table-cell>'
    cells += '<table:table-cell table:number-columns-repeated="16000"/>'
    attributes = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{attributes}>{cells}</table:table-row>"


def test_an_opendocument_sheet_is_read_and_a_far_value_in_it_refused(tmp_path):
    """LibreOffice's .ods writes a run of cells as one tag with a count, so 800 bytes placed a value
    16,000 columns right of 5,500 rows: the reader filled the run out, 5.5 GB and 15 s (measured),
    or stopped at its cell limit with an error naming no file. The runs of empty cells LibreOffice
    ends every row and sheet with are no extent."""
    from assets.ingest.formats import read_excel

    header = _ods_row(["ID", "Vraag"])
    clean = _ods(tmp_path / "enquete.ods", header + _ods_row(["1", "7"]) + _ods_row(["2", "8"]))
    table = read_excel(clean, ["ID", "Vraag"])
    assert table.frame.select("ID", "Vraag").rows() == [("1", "7"), ("2", "8")]
    far_right = _ods(tmp_path / "rechts.ods", _ods_row(["ID", "Vraag"], gap=16000, far="x")
                     + '<table:table-row table:number-rows-repeated="5500"><table:table-cell/></table:table-row>'
                     + _ods_row(["1", "7"]))
    assert far_right.stat().st_size < 2000
    with pytest.raises(InputError, match=r"rechts.ods: sheet 'Antwoorden' reaches to cell WQM5502 "
                                         r"\(88,048,506 cells, nearly all empty\)"):
        read_excel(far_right, ["ID", "Vraag"])
    # a value repeated down a million rows is a million values: the grid is that large
    far_down = _ods(tmp_path / "omlaag.ods", header + _ods_row(["1", "7"], repeated=1_000_000))
    with pytest.raises(InputError, match="sheet 'Antwoorden' reaches to cell B1000001"):
        read_excel(far_down, ["ID", "Vraag"])


def test_a_sheet_the_reader_cannot_load_is_named_with_its_file(tmp_path):
    """calamine's error on a damaged sheet said "Error while loading sheet Antwoorden", no file."""
    import zipfile

    from assets.ingest.formats import read_excel

    good = _workbook_with_a_stray_cell(tmp_path / "goed.xlsx", 3, None)
    damaged = tmp_path / "beschadigd.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[:len(data) // 2]  # cut off, as by a copy that did not finish
            out.writestr(item, data)
    with pytest.raises(InputError, match=r"beschadigd.xlsx: sheet 'Antwoorden' cannot be read \(CalamineError: "):
        read_excel(damaged, ["kolom 0"], sheet="Antwoorden")


@pytest.mark.parametrize("case", ["a '<' in a tag", "a tag of 5 MB", "a style named repeated",
                                  "empty cells written open"])
def test_an_opendocument_sheet_the_check_cannot_read_is_refused_and_one_it_can_is_read(tmp_path, case):
    """What the reader (quick-xml) takes and the check did not: a "<" inside a tag hid the run of the
    far cell's tag, as did a tag longer than the piece the check keeps (3 GB each, measured). A style
    name with "repeated" in it stopped the check with a TypeError; empty cells written
    "<cell></cell>" were taken for values, and a sheet of two columns refused."""
    from assets.ingest.formats import read_excel

    far = '<table:table-cell table:number-columns-repeated="16000"{extra}/>' \
          '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    rows = _ods_row(["ID", "Vraag"]) + "".join(_ods_row([str(r), "7"]) for r in range(3000))
    if case == "a '<' in a tag":
        rows = rows.replace("</table:table-row>", far.format(extra=' table:style-name="a<b"') + "</table:table-row>", 1)
    elif case == "a tag of 5 MB":
        rows = rows.replace("</table:table-row>", far.format(extra=" x=\"" + "y" * (5 << 20) + "\"")
                            + "</table:table-row>", 1)
    elif case == "a style named repeated":
        rows = rows.replace("<table:table-cell table:number-columns-repeated=\"16000\"/>",
                            "<table:table-cell table:style-name=\"repeatedHeader\"/>")
    else:
        rows = rows.replace("<table:table-cell table:number-columns-repeated=\"16000\"/>",
                            "<table:table-cell table:number-columns-repeated=\"16000\">\n  </table:table-cell>")
    path = _ods(tmp_path / "enquete.ods", rows)
    if case in ("a '<' in a tag", "a tag of 5 MB"):
        with pytest.raises(InputError, match="enquete.ods: its content.xml is not an OpenDocument spreadsheet a tool"):
            read_excel(path, ["ID", "Vraag"])
    else:
        assert read_excel(path, ["ID", "Vraag"]).frame.height == 3000


@pytest.mark.parametrize("attribute", ['x="a>b"', "x=' r=\"A1\"'"])
def test_a_far_cell_behind_a_quoted_attribute_is_found(tmp_path, attribute):
    """A ">" inside a quoted value (legal XML) ended the tag for the check, and a reference written
    inside another attribute's value was read for the cell's own: the reader placed the cell far
    away all the same (5,000 rows of 1,000 columns from 6 KB, measured)."""
    from assets.ingest.formats import refuse_far_cells, refuse_zip_bomb

    far = b'<row r="3"><c ' + attribute.encode() + b' r="XFD1048576"><v>1</v></c></row>'
    xlsx = _workbook_with_sheet_xml(tmp_path / "enquete.xlsx", ROWS + far, None)
    with pytest.raises(InputError, match="reaches to cell XFD1048576"):
        refuse_far_cells(xlsx, refuse_zip_bomb(xlsx), "Antwoorden")
    ods_attribute = attribute.replace(' r="A1"', ' table:number-columns-repeated="1"')
    run = (f'<table:table-cell {ods_attribute} table:number-columns-repeated="16000"/>'
           '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>')
    header = _ods_row(["ID", "Vraag"]).replace("</table:table-row>", run + "</table:table-row>", 1)
    ods = _ods(tmp_path / "enquete.ods", header + "".join(_ods_row([str(r), "7"]) for r in range(3000)))
    with pytest.raises(InputError, match="reaches to cell"):
        refuse_far_cells(ods, refuse_zip_bomb(ods), "Antwoorden")


def test_a_tag_with_a_quoted_greater_than_across_a_pieces_end_is_read_whole(tmp_path):
    """The sheet is read in pieces of 1 MiB; a tag cut at a piece's end is read again with the next.
    Whether it was cut was told by a ">" after its "<", which may stand inside a quoted value: the
    tag's start, "<c x="a>", was taken for whole, and its reference beyond the end went unread."""
    import io
    import zipfile

    from assets.ingest.formats import _filled_extent, _read_ods_extents

    def zipped(name: str, before: bytes, tag: bytes, after: bytes) -> zipfile.ZipFile:
        at = (1 << 20) - before.index(b"PAD") - tag.index(b">") - 2  # the quoted ">" just before the end
        data = before.replace(b"PAD", b" " * at) + tag + after
        assert data.index(tag) + tag.index(b">") < 1 << 20 < data.index(tag) + len(tag)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(name, data)
        return zipfile.ZipFile(buf)

    xlsx = zipped("sheet.xml", b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>PAD',
                  b'<c x="a>b" r="XFD1048576">', b"<v>1</v></c></row></sheetData></worksheet>")
    assert _filled_extent(xlsx, "sheet.xml")[0] == "XFD1048576"
    ods = zipped("content.xml", b'<office:body><table:table table:name="Blad1"><table:table-row><table:table-cell '
                                b'office:value-type="string"><text:p>1</text:p></table:table-cell>PAD',
                 b'<table:table-cell table:style-name="a>b" table:number-columns-repeated="16000"/>',
                 b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
                 b"</table:table-row></table:table></office:body>")
    assert _read_ods_extents(ods)["Blad1"][0] == "WQL1"


@pytest.mark.parametrize("cell", [b'<c r="xfd1048576"><v>1</v></c>', b'<x-y:c r="XFD1048576"><v>1</v></x-y:c>',
                                  b'<c x=\' r="A1"\' r="XFD1048576" q:r="A1"><v>1</v></c>'])
def test_a_far_cell_the_reader_places_as_written_is_found(tmp_path, cell):
    """The reader takes a reference in lower case, an element prefix with a hyphen, and the
    attribute r beside a prefixed q:r: each placed the cell far away while the check read it near."""
    from assets.ingest.formats import refuse_far_cells, refuse_zip_bomb

    xlsx = _workbook_with_sheet_xml(tmp_path / "enquete.xlsx", ROWS + b'<row r="3">' + cell + b"</row>", None)
    with pytest.raises(InputError, match="reaches to cell XFD1048576"):
        refuse_far_cells(xlsx, refuse_zip_bomb(xlsx), "Antwoorden")


def test_an_opendocument_count_written_with_a_plus_is_read_as_the_reader_reads_it(tmp_path):
    from assets.ingest.formats import read_excel

    far = _ods_row(["ID", "Vraag"], gap=16000, far="x").replace('"16000"', '"+16000"', 1)
    path = _ods(tmp_path / "enquete.ods", far + "".join(_ods_row([str(r), "7"]) for r in range(3000)))
    with pytest.raises(InputError, match="reaches to cell"):
        read_excel(path, ["ID", "Vraag"])


def test_a_far_cell_under_a_small_declared_extent_is_found(tmp_path):
    """The reader goes by the cells, not by <dimension>: a sheet declaring A1:Q2 with a cell at
    AAA5000 was trusted, and read as a grid of 5,000 rows of 703 columns (XFD1048576: 512 GB)."""
    from assets.ingest.formats import read_excel, refuse_far_cells, refuse_zip_bomb

    far = b'<row r="5000"><c r="AAA5000"><v>1</v></c></row>'
    crafted = _workbook_with_sheet_xml(tmp_path / "enquete.xlsx", ROWS + far, b"A1:Q2")
    with pytest.raises(InputError, match="reaches to cell AAA5000"):
        refuse_far_cells(crafted, refuse_zip_bomb(crafted), "Antwoorden")
    honest = _workbook_with_sheet_xml(tmp_path / "eerlijk.xlsx", ROWS, b"A1:Q2")
    assert read_excel(honest, ["kolom 0"], sheet="Antwoorden").frame.height == 1


@pytest.mark.parametrize("cell", [b'<c r="XFD1048576"><v></v></c>', b'<c r="XFD1048576"></c>',
                                  b'<c r="XFD1048576"><v/></c>', b'<c r="XFD1048576" t="s"><v></v></c>',
                                  b'<c r="XFD1048576"><f>1+1</f></c>'])
def test_a_far_cell_without_a_value_is_no_reason_to_refuse(tmp_path, cell):
    """The reader skips a cell whose value is empty and a formula without a stored result (measured):
    such a cell far away was counted as filled, and a sheet of two rows refused."""
    from assets.ingest.formats import read_excel

    path = _workbook_with_sheet_xml(tmp_path / "enquete.xlsx", ROWS + b'<row r="1048576">' + cell + b"</row>", None)
    assert read_excel(path, ["kolom 0"], sheet="Antwoorden").frame.height == 1


def test_a_far_cell_with_an_empty_inline_string_is_refused(tmp_path):
    """An inline string, even empty, the reader keeps: its cell sets the grid's extent."""
    from assets.ingest.formats import refuse_far_cells, refuse_zip_bomb

    cell = b'<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>'
    path = _workbook_with_sheet_xml(tmp_path / "enquete.xlsx", ROWS + b'<row r="1048576">' + cell + b"</row>", None)
    with pytest.raises(InputError, match="reaches to cell XFD1048576"):
        refuse_far_cells(path, refuse_zip_bomb(path), "Antwoorden")


@pytest.mark.parametrize("far, declared", [(b'<row r="1048576"><c><v>1</v></c></row>', b"A1:Q2"),
                                           (b'<row r="999"><c r="ZZZ999"><v>1</v></c></row>', b"A1:AAA100")])
def test_a_far_row_or_a_cell_of_as_many_letters_under_a_declared_extent_is_found(tmp_path, far, declared):
    """A row's reference whose cells name none, and a cell of as many letters and digits as the
    declared last one (ZZZ999 under AAA100: 999 rows of 18,278 columns), passed the search."""
    from assets.ingest.formats import refuse_far_cells, refuse_zip_bomb

    wide = b'<row r="1">' + b"".join(b'<c r="%s1"><v>1</v></c>' % bytes([65 + i]) for i in range(17)) + b"</row>"
    path = _workbook_with_sheet_xml(tmp_path / "enquete.xlsx", wide + far, declared)
    with pytest.raises(InputError, match="reaches to cell"):
        refuse_far_cells(path, refuse_zip_bomb(path), "Antwoorden")
