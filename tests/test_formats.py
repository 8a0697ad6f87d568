"""Readers on the real exports in ../shared/realexports and on the project's own samples."""

import re
from pathlib import Path

import polars as pl
import pytest

from assets.ingest.errors import InputError
from assets.ingest.formats import (ROW, read_excel, read_maxqda_coded_segments, read_ms_forms_xlsx,
                                   read_delimited, read_qualtrics_csv, sniff_delimiter)
from tests.conftest import DATA, real_export


def test_qualtrics_three_header_rows_real_export():
    table = read_qualtrics_csv(real_export("qualtrics/qualtRics_sample.csv"))
    assert table.detail == "qualtrics: three header rows"
    row = table.frame.row(0, named=True)
    assert row["Q1"] == "2" and row["Q2"] == "Hello World!"
    assert row["ResponseId"] == "R_2YPOQ602ER1jkf1"
    assert row[ROW] == 4  # below the three header rows
    assert table.question_text["Q1"] == "This is a multiple choice question."


def test_qualtrics_legacy_two_rows_bom_trailing_comma_real_export():
    table = read_qualtrics_csv(real_export("qualtrics/qualtRics_sample_legacy.csv"))
    assert table.detail == "qualtrics: legacy two header rows"
    row = table.frame.row(0, named=True)
    assert row["ResponseID"] == "R_2YPOQ602ER1jkf1"  # BOM stripped; V1's name from row 2
    assert row["Q1"] == "2" and row["Q2"] == "Hello World!"  # as a codebook names them in either layout
    assert table.question_text["Q2"] == "This is a free text question."
    assert row[ROW] == 3
    # The delimiter that ends every line is no column.
    assert table.frame.columns[-2:] == ["LocationAccuracy", ROW]


def test_a_binary_file_under_a_text_format_is_named(tmp_path: Path):
    path = tmp_path / "pmg_t0.csv"
    path.write_bytes(real_export("spss/pyreadstat_sample.sav").read_bytes())
    with pytest.raises(InputError, match=r"^pmg_t0.csv: is not a text file but a binary one"):
        read_qualtrics_csv(path)


def test_a_stray_byte_in_a_utf8_file_is_an_error_not_mojibake(tmp_path: Path):
    # Read as Windows-1252, the whole file's "é" would become "Ã©" without a word.
    path = tmp_path / "export.csv"
    path.write_bytes('Q1,Q2\r\nCode,Naam\r\n{"ImportId":"QID1"},{"ImportId":"QID2"}\r\nA-1,Valérie Zoë\r\n'
                     .encode("utf-8") + b"B-2,Caf\xe9\r\n")
    with pytest.raises(InputError, match=r"^export.csv: line 5, character 8: byte 0xE9 cannot be read, as the file "
                                         r"is UTF-8 elsewhere \(save the export again as UTF-8\)$"):
        read_qualtrics_csv(path)


def test_a_blank_line_between_rows_is_no_row(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text('Q1,Q5\nCode,Cijfer\n{"ImportId":"QID1"},{"ImportId":"QID5"}\nA-1,7\n   \nB-2,8\n', encoding="utf-8")
    table = read_qualtrics_csv(path)
    assert table.frame.select("Q1", ROW).rows() == [("A-1", 4), ("B-2", 6)] and table.short_rows == {}


def test_windows_1252_with_a_pair_utf8_would_read_as_one_letter_is_still_windows_1252():
    from assets.ingest.formats import decode_text

    text = "Q1,Q2\nP01,Het CAFÉ” was te druk\nP02,één keer\n"  # "É”" is C9 94: a UTF-8 letter
    assert decode_text(text.encode("cp1252"), "x.csv") == text


def test_as_many_stray_bytes_as_utf8_letters_is_refused_not_read_as_windows_1252():
    from assets.ingest.formats import decode_text

    with pytest.raises(InputError, match=r"line 3, character 8: byte 0xE9 cannot be read, as the file is UTF-8 elsewhere"):
        decode_text("Q1,Q2\nP01,Zoë: prima\n".encode() + b"P02,caf\xe9 stond\n", "x.csv")


def test_a_bad_byte_after_a_byte_order_mark_is_named_as_it_is_in_the_file():
    from assets.ingest.formats import decode_text

    # The byte's place, not the text around it: an export's line holds names and e-mail addresses.
    with pytest.raises(InputError, match=r"^x.csv: line 3, character 6: byte 0xFF cannot be read, as the file starts "
                                         r"with the UTF-8 byte order mark$"):
        decode_text(b"\xef\xbb\xbfQ1,Q2\nP01,abc\nP02,x\xffy\n", "x.csv")


def test_a_file_that_is_not_the_declared_export_is_said_so_without_quoting_its_cells(tmp_path: Path):
    """Without its header rows a file's first rows are answers: an error reaches the run's log and
    the console, so it says what was expected where, not what the cells hold."""
    from assets.ingest.formats import read_ms_forms_xlsx
    from assets.ingest.formats_other_surveys import read_google_forms_csv, read_surveymonkey_csv

    path = tmp_path / "export.csv"
    path.write_text("m.bakker@groningen.nl,Marlies Bakker,7\nj.jansen@umcg.nl,Jan Jansen,8\n"
                    "a.kramer@example.nl,Anna Kramer,6\n", encoding="utf-8")
    book = tmp_path / "forms.xlsx"
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["1", "m.bakker@groningen.nl", "Marlies Bakker", "7"])
    workbook.save(book)
    for read, file in ((read_qualtrics_csv, path), (read_google_forms_csv, path), (read_surveymonkey_csv, path),
                       (read_ms_forms_xlsx, book)):
        with pytest.raises(InputError) as err:
            read(file)
        assert not any(value in str(err.value) for value in ("bakker", "Bakker", "Jansen", "Kramer")), str(err.value)


def test_classic_mac_line_ends_read_as_any_other(tmp_path: Path):
    sample = DATA / "pmg" / "2023" / "pmg_t0_qualtrics.csv"
    path = tmp_path / "export.csv"
    path.write_bytes(sample.read_bytes().replace(b"\r\n", b"\r"))  # Excel for Mac's "CSV (Macintosh)"
    assert read_qualtrics_csv(path).frame.equals(read_qualtrics_csv(sample).frame)


def test_a_file_cut_inside_a_quoted_cell_quarantines_that_row_not_a_shorter_value(tmp_path: Path):
    # csv keeps what is left of the last cell: "7,5" cut after the 7 loaded as a grade of 7.
    sample = (DATA / "pmg" / "2023" / "pmg_t0_qualtrics.csv").read_bytes()
    path = tmp_path / "export.csv"
    path.write_bytes(sample[:sample.rfind(b'"7,') + 2])
    table = read_qualtrics_csv(path)
    last = table.frame[ROW].max()
    assert table.short_rows == {last: len(table.frame.columns) - 2}  # all but the cut cell
    # Cut after a closed quote, the row is whole.
    path.write_bytes(sample[:sample.rfind(b'"7,') + 5])
    assert read_qualtrics_csv(path).short_rows == {}


def test_qualtrics_sample_dutch_decimal_comma_kept_as_text():
    table = read_qualtrics_csv(DATA / "pmg" / "2023" / "pmg_t0_qualtrics.csv")
    grades = dict(zip(table.frame["Q1"], table.frame["Q5"]))
    assert grades["RUG-EN-03"] == "7,5" and grades["UMCG-CS3-01"] == "5,5"
    assert table.frame.height == 18


def test_qualtrics_semicolon_windows_1252(tmp_path: Path):
    path = tmp_path / "export.csv"
    text = ('Q1;Q5\r\nCode;Cijfer\r\n{"ImportId":"QID1"};{"ImportId":"QID5"}\r\n'
            'A-1;"7,5"\r\nB-2;Gemiddeld ±\r\n')
    path.write_bytes(text.encode("cp1252"))
    frame = read_qualtrics_csv(path).frame
    assert frame["Q5"].to_list() == ["7,5", "Gemiddeld ±"]
    assert frame[ROW].to_list() == [4, 5]


def test_qualtrics_utf16_tsv(tmp_path: Path):
    path = tmp_path / "export.tsv"
    text = 'Q1\tQ2\r\nCode\tVraag\r\n{"ImportId":"QID1"}\t{"ImportId":"QID2"}\r\nA-1\tJa\r\n'
    path.write_bytes(text.encode("utf-16"))
    assert read_qualtrics_csv(path).frame.row(0, named=True)["Q2"] == "Ja"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_qualtrics_utf16_without_byte_order_mark(tmp_path: Path, encoding: str):
    """As R's write.csv(fileEncoding = "UTF-16LE") writes it: valid UTF-8 byte for byte, a NUL
    between every two letters, so no column of the codebook was found."""
    path = tmp_path / "export.csv"
    text = 'Q1,Q2\r\nCode,Vraag\r\n{"ImportId":"QID1"},{"ImportId":"QID2"}\r\nA-1,Ja é\r\n'
    path.write_bytes(text.encode(encoding))
    assert read_qualtrics_csv(path).frame.row(0, named=True)["Q2"] == "Ja é"
    # headings mostly in another script: a fifth of the pairs hold a NUL
    russian = ",".join(f"Q{i}" for i in range(1, 31)) + "\r\n" + ",".join(
        "Как вы оцениваете своё психическое здоровье сейчас" for _ in range(30)) + "\r\n" + ",".join(
        f'{{"ImportId":"QID{i}"}}' for i in range(1, 31)) + "\r\n" + ",".join("7" for _ in range(30)) + "\r\n"
    path.write_bytes(russian.encode(encoding))
    assert read_qualtrics_csv(path).frame.row(0, named=True)["Q30"] == "7"
    # cut short by a byte: named as UTF-16 that is not, with its line
    path.write_bytes(text.encode(encoding)[:-1])
    with pytest.raises(InputError, match="export.csv: line 4, character 10: the file looks like UTF-16 without its "
                                         "byte order mark, but ends in half a character: it is cut short"):
        read_qualtrics_csv(path)


def test_binary_file_under_a_text_format_is_not_taken_for_utf16(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(InputError, match="export.csv: is not a text file but a binary one"):
        read_qualtrics_csv(path)


def test_not_qualtrics_names_what_was_expected(tmp_path: Path):
    path = tmp_path / "plain.csv"
    path.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"plain.csv, row 3: not a Qualtrics export: expected a third header row"):
        read_qualtrics_csv(path)


def test_empty_file_is_an_error(tmp_path: Path):
    path = tmp_path / "empty.csv"
    for content in (b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"):  # Excel saves an empty sheet as a BOM alone
        path.write_bytes(content)
        with pytest.raises(InputError, match="empty.csv: the file is empty"):
            read_qualtrics_csv(path)


def test_row_with_too_many_fields_names_the_row(tmp_path: Path):
    path = tmp_path / "wide.csv"
    path.write_text('Q1,Q2\nx,y\n{"ImportId":"QID1"},{"ImportId":"QID2"}\nA,B\nC,D,E\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"wide.csv, row 5, column 'Q2': 3 fields where the header has 2: is the delimiter"):
        read_qualtrics_csv(path)


def test_blank_fields_after_the_last_heading_are_no_reason_to_stop(tmp_path: Path):
    # A delimiter Excel leaves after a row's last cell: no field holds anything, so the columns are sound.
    path = tmp_path / "export.csv"
    path.write_text('Q1,Q2\nx,y\n{"ImportId":"QID1"},{"ImportId":"QID2"}\nA,B,\nC,D, ,\n', encoding="utf-8")
    assert read_qualtrics_csv(path).frame.rows() == [("A", "B", 4), ("C", "D", 5)]


def test_legacy_qualtrics_with_its_id_spelled_response_id_and_a_short_second_row(tmp_path: Path):
    path = tmp_path / "legacy.csv"
    path.write_text("V1,V2,Q1,Q2\nResponseId,StartDate,Hoe gaat het?\nR_1,2015-01-01,7,8\n", encoding="utf-8")
    table = read_qualtrics_csv(path)
    assert table.detail == "qualtrics: legacy two header rows"
    assert table.frame.columns == ["ResponseId", "StartDate", "Q1", "Q2", ROW]
    assert table.frame.rows() == [("R_1", "2015-01-01", "7", "8", 3)]


@pytest.mark.parametrize("line,expected", [("a;b;c", ";"), ("a,b,c", ","), ("a\tb", "\t"), ('"x;y",b,c', ","),
                                           ("a,b;c", ",")])  # a tie goes to the comma
def test_sniff_delimiter(line, expected):
    assert sniff_delimiter(line) == expected


@pytest.mark.parametrize("text,expected", [
    # Dutch Excel quotes no comma in a ';' file: by the header alone, the comma split it the most
    ("Deelnemer;Hoe gaat het, kort gezegd, met u?\r\nP01;7\r\nP02;Goed, dank u\r\n", ";"),
    ("Deelnemer;Cijfer (0-10, 10 = goed)\nP1;7,5\nP2;8\n", ";"),
    # a short record in a comma file: no delimiter splits every record alike, the header decides
    ("a,b,c\n1,2\n3,4,5\n", ","),
    # the records after the twentieth are not read; the one cut there is not counted
    ("ID;Vraag, een;Vraag, twee\n" + "x;1;2\n" * 19 + 'x;"1\n,,,";2\n' + "y,z\n" * 5, ";"),
])
def test_sniff_delimiter_from_the_first_records(text, expected):
    assert sniff_delimiter(text) == expected


@pytest.mark.parametrize("fast", [True, False])
def test_a_semicolon_file_with_commas_in_its_headings_is_read_by_the_semicolon(tmp_path: Path, fast: bool):
    path = tmp_path / "excel_nl.csv"
    path.write_bytes("\ufeffDeelnemer;Hoe gaat het, kort gezegd, met u?\r\nP01;7,5\r\nP02;8\r\n".encode())
    records = read_delimited(path, fast=fast)
    assert records.head == [["Deelnemer", "Hoe gaat het, kort gezegd, met u?"], ["P01", "7,5"], ["P02", "8"]]


def test_ms_forms_sample_multi_select_and_metadata():
    table = read_ms_forms_xlsx(DATA / "terug_in_balans" / "2024" / "terug_in_balans_enquete_forms.xlsx")
    frame = table.frame
    assert frame.height == 30
    assert frame.columns[:5] == ["ID", "Start time", "Completion time", "Email", "Name"]
    first = frame.row(0, named=True)
    skills = first["Welke vaardigheden zijn versterkt door het Terug in Balans traject?"]
    assert skills.endswith(";") and "Grenzen bewaken;" in skills
    assert first[ROW] == 2


@pytest.mark.parametrize("completed", ["Tijd van voltooien", "Tijdstip van voltooien"])
def test_ms_forms_dutch_headings_are_normalised(tmp_path: Path, completed: str):
    import xlsxwriter

    path = tmp_path / "forms_nl.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Blad1")
    sheet.write_row(0, 0, ["Id", "Begintijd", completed, "E-mail", "Naam", "Vraag"])
    sheet.write_row(1, 0, [1, "1-3-2024 09:00", "1-3-2024 09:05", "anonymous", "", "a;b;"])
    sheet.write_row(2, 0, [2, "1-3-2024 09:10", "1-3-2024 09:15", None, "", "a;"])
    sheet.write_formula(2, 3, "=NA()", None, "#N/A")
    book.close()
    table = read_ms_forms_xlsx(path)
    assert table.frame.columns[:5] == ["ID", "Start time", "Completion time", "Email", "Name"]
    assert table.frame.row(0, named=True)["Vraag"] == "a;b;"
    # an error cell is named by the column's English heading, as the loader asks for it
    assert table.cell_errors == {3: [("Email", "#N/A")]}


def test_maxqda_sample_has_documents_codes_and_speaker_prefixes():
    path = DATA / "pmg" / "2023" / "pmg_focusinterviews_maxqda.xlsx"
    if not path.exists():
        pytest.skip("interview sample not generated yet")
    frame = read_maxqda_coded_segments(path).frame
    assert {"document", "code", "segment"} <= set(frame.columns)
    assert frame["segment"].str.contains(r"^[A-Z]+-[A-Z0-9]+-\d+: ").all()
    assert frame["code"].str.contains("\\\\").all()


def test_maxqda_data_on_second_sheet(tmp_path: Path):
    import xlsxwriter

    path = tmp_path / "segments.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Info").write_row(0, 0, ["Exported by MAXQDA"])
    sheet = book.add_worksheet("Codierte Segmente")
    sheet.write_row(0, 0, ["Farbe", "Dokumentgruppe", "Dokumentname", "Code", "Segment"])
    sheet.write_row(1, 0, ["#f00", "UMCG", "T0 groep", "Diagnose\\Sport", "P-1: Ik sport graag."])
    book.close()
    frame = read_maxqda_coded_segments(path).frame
    assert frame.row(0, named=True)["document"] == "T0 groep"
    assert frame.row(0, named=True)[ROW] == 2


@pytest.mark.parametrize("read", [read_ms_forms_xlsx, read_maxqda_coded_segments])
def test_a_sheet_the_codebook_names_and_the_workbook_lacks_is_named(tmp_path: Path, read):
    """A renamed sheet gave fastexcel's own traceback (Forms) or "not a MAXQDA export" (MAXQDA)."""
    import xlsxwriter

    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Form1 (2)").write_row(0, 0, ["ID", "Email"])
    book.close()
    with pytest.raises(InputError, match=re.escape("export.xlsx: has no sheet 'Form1'; sheets are ['Form1 (2)']")):
        read(path, sheet="Form1")


def test_excel_error_cells_are_told_apart_from_empty_ones(tmp_path: Path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Cijfer", "Toelichting"])
    sheet.append(["1", "#N/A", "prima"])
    sheet.append(["#REF!", "7", "#DIV/0!"])
    book.save(tmp_path / "forms.xlsx")
    assert sheet["B2"].data_type == "e"  # stored as Excel's error value, as Excel writes it
    table = read_excel(tmp_path / "forms.xlsx", ["ID", "Cijfer"])
    assert table.frame.select("Cijfer", "Toelichting").rows() == [(None, "prima"), ("7", None)]
    assert table.cell_errors[3] == [("ID", "#REF!"), ("Toelichting", "#DIV/0!")]
    # Rows as a spreadsheet numbers them (the headings are row 1), for quarantine.
    assert table.cell_errors[2] == [("Cijfer", "#N/A")]
    # A loader asks for the first error among the columns it reads: one in a column left of them hides none.
    assert table.first_error({"Toelichting"}) == {3: ("Toelichting", "#DIV/0!")}


def test_workbook_cells_and_rows_of_spaces_are_empty_and_headings_trimmed(tmp_path: Path):
    import xlsxwriter

    path = tmp_path / "forms.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Form1")
    sheet.write_row(0, 0, ["ID", "Cijfer ", " Toelichting"])  # Forms keeps a title's trailing space
    sheet.write_row(1, 0, ["1", "7", "  "])
    sheet.write_row(2, 0, [" ", " ", "   "])  # a row of spaces left at the bottom: no response
    book.close()
    table = read_excel(path, ["ID", "Cijfer", "Toelichting"])
    assert table.frame.columns == ["ID", "Cijfer", "Toelichting", ROW]
    assert table.frame.rows() == [("1", "7", None, 2)]


def test_a_sheet_whose_only_row_holds_an_error_value_is_that_row_not_no_rows(tmp_path: Path):
    import xlsxwriter

    path = tmp_path / "forms.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Form1")
    sheet.write_row(0, 0, ["ID", "Cijfer"])
    sheet.write_formula(1, 1, "=NA()", None, "#N/A")
    book.close()
    table = read_excel(path, ["ID", "Cijfer"])
    assert table.frame.height == 0 and table.cell_errors == {2: [("Cijfer", "#N/A")]}  # quarantined by the loader


def test_excel_without_expected_headings_says_what_is_missing(tmp_path: Path):
    path = tmp_path / "other.xlsx"
    pl.DataFrame({"x": [1]}).write_excel(path)
    with pytest.raises(InputError, match="other.xlsx, row 1: not a MAXQDA coded-segments export"):
        read_maxqda_coded_segments(path)


def test_maxqda_csv_with_german_headings_and_arrow_paths(tmp_path: Path):
    path = tmp_path / "segments.csv"
    path.write_bytes("\ufeffFarbe;Dokumentgruppe;Dokumentname;Code;Anfang;Ende;Segment\r\n"
                     "#f00;UMCG;T0 groep;Diagnose > Sport;3;3;\"P-1: Ik sport; graag.\"\r\n".encode("utf-8"))
    row = read_maxqda_coded_segments(path).frame.row(0, named=True)
    assert (row["document"], row["code"], row["segment"], row[ROW]) == (
        "T0 groep", "Diagnose > Sport", "P-1: Ik sport; graag.", 2)
