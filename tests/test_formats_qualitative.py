"""Readers of the qualitative tools on the real exports in ../shared/realexports and built samples."""

import zipfile
from pathlib import Path

import polars as pl
import pytest

from assets.ingest.errors import InputError
from assets.ingest.formats import ROW
from assets.ingest.formats_qualitative import (CodeSplit, explode_codes, parse_timestamp, read_atlasti_quotations,
                                               read_nvivo_coding_matrix, read_teams_docx, read_teams_vtt,
                                               split_codes)
from tests.conftest import real_export

# --- ATLAS.ti ------------------------------------------------------------------------------

SECURITY_ACCESS = "T2. Security, Privacy & Trust Management: Access Control"
SECURITY_AUTH = "T2. Security, Privacy & Trust Management: Authentication Methods"
PROTOCOL = "T1. Edge Connectivity & Communication Protocols: Communication Protocol"
TRANSMISSION = "T1. Edge Connectivity & Communication Protocols: Message Transmission"
PATH_SETTINGS = "T7. Infrastructure Automation & Configuration Management: path settings"
KNOWN = [PROTOCOL, TRANSMISSION, SECURITY_ACCESS, SECURITY_AUTH,
         "T2. Security"]  # a shorter code that is a prefix up to a comma: must not win


def test_atlasti_quotation_export_real():
    table = read_atlasti_quotations(real_export("atlasti/20250914_quotation_export.csv"))
    frame = table.frame
    assert frame.height == 394
    assert {"document", "code", "segment", "Number of Codes", "Extensão", ROW} <= set(frame.columns)
    assert set(frame["document"]) == {"[ATLAS] - Codifying Fragments"}
    rows = {r["Number"]: r for r in frame.iter_rows(named=True)}
    first = rows["1:1"]
    assert first[ROW] == 2
    assert first["segment"] == "Check the publishing and receiving messages via MQTTBox."  # ATLAS.ti's quotes dropped
    third = rows["1:3"]
    assert third["segment"].startswith("The specified account (depends on username/password)")
    split = split_codes(third["code"], KNOWN)
    assert split.codes == (PROTOCOL, SECURITY_ACCESS, SECURITY_AUTH)  # the comma inside a code name kept whole
    assert split.unknown == ()
    assert len(split.codes) == int(third["Number of Codes"])


def test_atlasti_unknown_remainder_is_reported_real():
    frame = read_atlasti_quotations(real_export("atlasti/20250914_quotation_export.csv")).frame
    row = frame.filter(frame["Number"] == "1:4").row(0, named=True)
    assert row["segment"] == "ca, key, cert: Paths for authentication."
    split = split_codes(row["code"], KNOWN)
    assert split.codes == (SECURITY_AUTH,)
    assert split.unknown == (PATH_SETTINGS,)
    # an in-vivo code (the quotation itself, in quotes, commas and all) is matched whole too
    first = frame.filter(frame["Number"] == "1:1").row(0, named=True)
    in_vivo = '"Check the publishing and receiving messages via MQTTBox."'
    assert split_codes(first["code"], [in_vivo, PROTOCOL, TRANSMISSION]).codes == (in_vivo, PROTOCOL, TRANSMISSION)


def test_split_codes_longest_match_and_separators():
    known = ["Werk, druk", "Werk", "Steun: collega's, leiding", "Steun: collega's"]
    got = split_codes("Werk, druk, Steun: collega's, leiding", known)
    assert got.codes == ("Werk, druk", "Steun: collega's, leiding")
    assert split_codes("Werk\nSteun: collega's", known).codes == ("Werk", "Steun: collega's")
    assert split_codes("Werkdruk", known).unknown == ("Werkdruk",)  # a known code must end at a separator
    got = split_codes("Nieuw, onbekend, Werk", known)
    assert got.codes == ("Werk",) and got.unknown == ("Nieuw, onbekend",)  # never split on a bare comma
    assert split_codes(None, known) == split_codes("  ", known) == CodeSplit((), ())


def test_split_codes_other_separators_spaces_repeats_and_short_unknowns():
    """";" separates codes as "," does, spaces (a no-break one too) may stand on either side of a
    separator, a code given twice is one segment, not two, and an unknown piece of one letter ends
    at its separator (it swallowed the known code after it)."""
    known = ["Werk", "Steun: collega's"]
    both = CodeSplit(("Werk", "Steun: collega's"), ())
    assert split_codes("Werk; Steun: collega's", known) == both
    assert split_codes("Werk ,\u00a0Steun: collega's\u00a0", known) == both
    assert split_codes("Werk, Steun: collega's, Werk", known) == both
    assert split_codes("X, Werk", known) == CodeSplit(("Werk",), ("X",))
    assert split_codes("Werk, Nieuw  iets;", known) == CodeSplit(("Werk",), ("Nieuw iets",))


def test_explode_codes_one_row_per_known_code():
    import polars as pl

    frame = pl.DataFrame({"code": ["A, b, C", None, "Z"], ROW: [2, 3, 4]})
    exploded, unknown = explode_codes(frame, ["A, b", "C"])
    assert exploded.select("code", ROW).rows() == [("A, b", 2), ("C", 2), (None, 3)]
    assert unknown == [{ROW: 4, "code": "Z"}]


def test_atlasti_headings_required(tmp_path: Path):
    path = tmp_path / "quotes.csv"
    path.write_text("Number;Name\n1:1;x\n", encoding="utf-8")
    with pytest.raises(InputError, match="quotes.csv, row 1.*not an ATLAS.ti quotation export"):
        read_atlasti_quotations(path)


def test_atlasti_headings_are_matched_without_case_or_accents(tmp_path: Path):
    path = tmp_path / "quotes.csv"
    path.write_text('DOCUMENTO;codigos;Conteudo do texto\nT0 groep 1;Werk;"""P01: Ja."""\n', encoding="utf-8")
    frame = read_atlasti_quotations(path).frame
    assert frame.select("document", "code", "segment").rows() == [("T0 groep 1", "Werk", "P01: Ja.")]


def test_atlasti_missing_headings_are_named(tmp_path: Path):
    path = tmp_path / "quotes.csv"
    path.write_text("Document;Name\nT0;x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_atlasti_quotations(path)
    assert caught.value.column == "code, segment"


# --- NVivo ---------------------------------------------------------------------------------

def test_nvivo_coding_matrix_real():
    table = read_nvivo_coding_matrix(real_export("nvivo/novelqualcodes_Int01_ID731.xlsx"))
    frame = table.frame
    assert frame.height == 18 and set(frame["case"]) == {"Int01_ID731"} and set(frame["case_letter"]) == {"A"}
    cells = {r["theme"]: r for r in frame.iter_rows(named=True)}
    assert cells["Doesn't often think about insects"]["count"] == 2
    assert cells["Doesn't often think about insects"][ROW] == 2
    assert cells["Doesn't often think about insects"]["theme_number"] == "1"
    assert cells["Insects are economically important"]["count"] == 1
    assert cells["Insects are beautiful"]["count"] == 0
    assert cells["Sees only some insects as pests"]["theme_number"] == "18"
    assert cells["Sees only some insects as pests"][ROW] == 19
    assert frame["count"].sum() == 6


def _nvivo_matrix(path: Path, rows: list[list]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_nvivo_coding_matrix_rows_after_a_blank_one_and_a_decimal_comma(tmp_path: Path):
    path = _nvivo_matrix(tmp_path / "matrix.xlsx", [[None, "A : Anna", "B : Bert"], ["1 : Werkdruk", 2, "3,0"],
                                                      [None, None, None], ["2 : Steun", 0, 1]])
    frame = read_nvivo_coding_matrix(path).frame
    assert frame.select("theme", "case", "count", ROW).rows() == [
        ("Werkdruk", "Anna", 2, 2), ("Werkdruk", "Bert", 3, 2), ("Steun", "Anna", 0, 4), ("Steun", "Bert", 1, 4)]


@pytest.mark.parametrize("cell", [-1, 1.5, "veel"])
def test_nvivo_coding_matrix_cell_that_is_no_count_is_refused_where_it_is(tmp_path: Path, cell):
    path = _nvivo_matrix(tmp_path / "matrix.xlsx", [[None, "A : Anna", "B : Bert"], ["1 : Werkdruk", 2, cell]])
    with pytest.raises(InputError,
                       match=r"matrix.xlsx, row 2, column 'B : Bert': a coding-matrix cell must be a count"):
        read_nvivo_coding_matrix(path)


def test_nvivo_coding_matrix_without_code_rows_is_refused(tmp_path: Path):
    path = _nvivo_matrix(tmp_path / "matrix.xlsx", [["Matrix", None], [None, "A : Anna"]])
    with pytest.raises(InputError, match=r"matrix.xlsx, row 2: sheet .* has the case headings but no '1 : Code' rows"):
        read_nvivo_coding_matrix(path)


# --- Teams .vtt ----------------------------------------------------------------------------

def _timing_lines(path: Path) -> int:
    return sum("-->" in line for line in path.read_text(encoding="utf-8-sig").splitlines())


def test_teams_vtt_current_real():
    path = real_export("teams_vtt/TeamsPremium.vtt")
    frame = read_teams_vtt(path).frame
    assert frame.height == _timing_lines(path) == 17
    assert frame[ROW].to_list() == list(range(1, 18))
    first = frame.row(0, named=True)
    assert first["cue_id"] == "fbbdef90-042d-4d6b-86d5-8c9c38e7021c/9-0"
    assert (first["start_seconds"], first["end_seconds"]) == (6.62, 9.9)
    assert (first["speaker"], first["text"]) == ("Charles", "I'm 10123.")
    second = frame.row(1, named=True)  # <v Name> spanning two lines
    assert second["speaker"] == "Charles" and second["text"] == "Hi I'm heading off. OK. Lovely. See you later."
    assert set(frame["speaker"]) == {"Charles", "Janaki"}
    assert frame["text"].str.contains("<").sum() == 0


def test_teams_vtt_2022_unpadded_and_negative_times_real():
    path = real_export("teams_vtt/Test teams transcription_2022-11-15-from Teams.vtt")
    frame = read_teams_vtt(path).frame
    assert frame.height == _timing_lines(path) == 178
    assert set(frame["speaker"]) == {"Hurst, Peter", "Wright, Steve"}  # "Last, First" kept whole
    negative = frame.filter(frame["start_seconds"] < 0)
    assert negative.height == 1
    cue = negative.row(0, named=True)
    assert cue[ROW] == 2 and cue["start_seconds"] == -6.82 and cue["end_seconds"] == 8.97
    assert cue["speaker"] == "Wright, Steve" and cue["text"].startswith("Thing where like I'm like")
    third = frame.row(2, named=True)  # "0:0:10.20": unpadded milliseconds
    assert third["start_seconds"] == 10.02 and third["end_seconds"] == 14.49
    assert frame["start_seconds"].null_count() == 0 and frame["end_seconds"].null_count() == 0


def test_teams_vtt_onedrive_bom_no_speakers_real():
    path = real_export("teams_vtt/Test OneDrive Transcription 2022-11.vtt")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = read_teams_vtt(path).frame
    assert frame.height == _timing_lines(path) == 271
    assert frame["speaker"].null_count() == 271
    assert frame.row(0, named=True)["cue_id"] == "0a8e2f7c-5ccd-48e4-b7fa-1ea4c0496138-0"
    assert frame.row(0, named=True)["text"] == "Recording."
    multi = frame.row(3, named=True)  # a cue over two lines
    assert multi["text"] == "OK, so has been as we talked about just before. This project"
    assert (multi["start_seconds"], multi["end_seconds"]) == (17.84, 21.587)


@pytest.mark.parametrize("value,seconds", [
    ("00:00:06.620", 6.62), ("0:0:10.20", 10.02), ("0:0:-6.-820", -6.82), ("0:1:2.110", 62.11),
    ("01:02:03.004", 3723.004), ("02:03.5", 123.005), ("0:0:21.0", 21.0), ("garbage", None),
    ("00:00:01,500", 1.5), ("0:0:1.-5000", 0.5), ("0:0:1.2500", 1.25)])
def test_parse_timestamp(value, seconds):
    assert parse_timestamp(value) == seconds


def test_vtt_cue_with_unreadable_or_reversed_time_is_rejected_with_its_reason(tmp_path: Path):
    """Loaded without times (or ending before it starts), such a cue left no trace; now the
    loader quarantines it (tests/test_qualitative_ingest.py) with the timing line and where it is."""
    path = tmp_path / "odd.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v A>Een.</v>\n\n2\n00:05:0x.910 --> yy\n"
                    "<v B>Twee.</v>\n\n3\n00:07:10.310 --> 00:06:00.000\n<v A>Drie.</v>\n\n4\n"
                    "0:0:-6.-820 --> 0:0:2.0\n<v A>Vier.</v>\n", encoding="utf-8")
    table = read_teams_vtt(path)
    assert table.frame["text"].to_list() == ["Een.", "Twee.", "Drie.", "Vier."]  # the reader reads them all
    assert table.rejected == {
        2: ("timing", "00:05:0x.910 --> yy",
            "cue on line 8: its timing cannot be read as 'start --> end'; correct it in the file to load the cue"),
        3: ("timing", "00:07:10.310 --> 00:06:00.000",
            "cue on line 12 ends (360 s) before it starts (430.31 s); correct it in the file to load the cue")}
    assert "2 with a timing that cannot be used" in table.detail


def test_vtt_a_spoken_line_with_an_arrow_is_text_not_a_cue(tmp_path: Path):
    """Taken for a timing line, it began a cue of its own, quarantined with the words on it."""
    path = tmp_path / "arrow.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start\n<v A>Van werk --> thuis,\nzei Joost Bakker.</v>\n",
                    encoding="utf-8")
    table = read_teams_vtt(path)
    assert table.frame["text"].to_list() == ["Van werk --> thuis, zei Joost Bakker."] and not table.rejected


def test_vtt_cue_in_which_several_speak_is_a_row_per_voice(tmp_path: Path):
    """WebVTT allows several voices in a cue; each one's words were given to the first."""
    path = tmp_path / "voices.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Anna de Boer>Klopt dat,</v>\n"
                    "<v Bert Smit>Ja, Anna.</v> <v Anna de Boer>Dank je.</v>\n\n"
                    "2\n00:00:05.000 --> 00:00:06.000\nIntro <v Bert Smit>Goed.</v>\n\n"
                    "3\n00:00:07.000 --> 00:00:08.000\n<v Anna de Boer></v>\n", encoding="utf-8")
    table = read_teams_vtt(path)
    assert table.frame.select("speaker", "text", ROW, "voice_in_cue").rows() == [
        ("Anna de Boer", "Klopt dat,", 1, 1), ("Bert Smit", "Ja, Anna.", 1, 2), ("Anna de Boer", "Dank je.", 1, 3),
        (None, "Intro", 2, 1), ("Bert Smit", "Goed.", 2, 2),
        ("Anna de Boer", None, 3, 1)]
    assert table.frame.filter(pl.col(ROW) == 1)["start_seconds"].to_list() == [1.0] * 3
    assert table.detail == "webvtt, 3 cues"


def test_vtt_voice_names_are_read_as_html_as_the_words_are(tmp_path: Path):
    """"Ren&eacute;e" in a voice and "Renée" in the words: the name to mask is the one said."""
    path = tmp_path / "escaped.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ren&eacute;e Bakker>Ik ben Ren&eacute;e.</v>\n",
                    encoding="utf-8")
    table = read_teams_vtt(path)
    assert table.frame.select("speaker", "text").rows() == [("Renée Bakker", "Ik ben Renée.")]
    assert table.speakers == ["Renée Bakker"]


def test_vtt_time_tags_are_no_words_and_old_mac_line_ends_are_lines(tmp_path: Path):
    """A cue's inline time tags ("<00:00:01.500>") are markup; lines ended by a bare CR are lines,
    and a cue right under the header has no cue id (not "WEBVTT")."""
    path = tmp_path / "tags.vtt"
    path.write_bytes(b"WEBVTT\r00:00:01.000 --> 00:00:02.000\r<v Anna>Ja <00:00:01.500>nee.\r\r"
                     b"00:00:02.000 --> 00:00:03.000\r<v Bert>Goed.\r")
    table = read_teams_vtt(path)
    assert table.frame.select("cue_id", "speaker", "text", ROW).rows() == [
        (None, "Anna", "Ja nee.", 1), (None, "Bert", "Goed.", 2)]


def test_vtt_cues_without_a_blank_line_between_and_of_no_length(tmp_path: Path):
    """A missing blank line does not put the next timing line among the words; a cue that ends
    as it starts is loaded, not rejected; a timing with a leading minus is a cue too."""
    path = tmp_path / "dense.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Een.\n00:00:02.000 --> 00:00:02.000\n<v B>Twee.\n"
                    "\n-0:0:3.0 --> 0:0:4.0\n<v A>Drie.\n", encoding="utf-8")
    table = read_teams_vtt(path)
    assert table.frame.select("speaker", "text", ROW).rows() == [("A", "Een.", 1), ("B", "Twee.", 2), ("A", "Drie.", 3)]
    assert table.rejected == {}


def test_an_empty_vtt_says_so(tmp_path: Path):
    path = tmp_path / "leeg.vtt"
    path.write_bytes(b" \n")
    with pytest.raises(InputError, match="leeg.vtt: the file is empty"):
        read_teams_vtt(path)


def test_a_vtt_without_cues_is_refused(tmp_path: Path):
    path = tmp_path / "empty.vtt"
    path.write_text("WEBVTT\n\nNOTE nog niets opgenomen\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty.vtt, row 1: a WebVTT transcript without any cue"):
        read_teams_vtt(path)


def test_not_a_vtt(tmp_path: Path):
    path = tmp_path / "notes.vtt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="notes.vtt, row 1: not a WebVTT transcript"):
        read_teams_vtt(path)


# --- Teams .docx ---------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _paragraph(*runs: str) -> str:
    body = ""
    for run in runs:
        if run == "\t":
            body += "<w:r><w:tab/></w:r>"
        elif run in ("\n", "\r"):  # a line break, as Word writes it (<w:br/>) or as some tools do (<w:cr/>)
            body += "<w:r><w:br/></w:r>" if run == "\n" else "<w:r><w:cr/></w:r>"
        else:
            body += f'<w:r><w:t xml:space="preserve">{run}</w:t></w:r>'
    return f"<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr>{body}</w:p>"


def write_teams_docx(path: Path, paragraphs: list[tuple[str, ...]]) -> None:
    """A minimal .docx as Word reads it: content types, package relationships and the body."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W_NS}"><w:body>'
                + "".join(_paragraph(*p) for p in paragraphs)
                + '<w:sectPr/></w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document)


def test_teams_docx_transcript(tmp_path: Path):
    path = tmp_path / "Focusinterview T0-20230314_100102-Meeting Recording.docx"
    write_teams_docx(path, [
        ("Focusinterview T0",), ("14 maart 2023, 10:01",), ("32m 5s",),
        ("Marieke de Vries started transcription",),
        ("Marieke de Vries   0:03",), ("Welkom allemaal. We beginnen om 10:30 met de tweede ronde.",),
        ("Joost Bakker   0:15",), ("Ik merk minder stress.",), ("Vooral 's ochtends.",),
        ("Marieke de Vries", "\t", "1:02:07",), ("Dank je wel.",),
    ])
    table = read_teams_docx(path)
    rows = table.frame.rows(named=True)
    assert [(r["speaker"], r["start_seconds"], r["end_seconds"], r[ROW]) for r in rows] == [
        ("Marieke de Vries", 3.0, 15.0, 1), ("Joost Bakker", 15.0, 3727.0, 2), ("Marieke de Vries", 3727.0, None, 3)]
    assert rows[0]["text"] == "Welkom allemaal. We beginnen om 10:30 met de tweede ronde."  # a time in the text is text
    assert rows[1]["text"] == "Ik merk minder stress. Vooral 's ochtends."
    assert "4 preamble" in table.detail


def test_teams_docx_older_layout_with_timings(tmp_path: Path):
    path = tmp_path / "old.docx"
    write_teams_docx(path, [("0:0:0.0 --> 0:0:2.560",), ("Bakker, Joost",), ("Goedemorgen.",),
                            ("0:0:3.10 --> 0:0:5.0",), ("Visser, Sanne",), ("Hoi.",)])
    rows = read_teams_docx(path).frame.rows(named=True)
    assert [(r["speaker"], r["start_seconds"], r["end_seconds"], r["text"]) for r in rows] == [
        ("Bakker, Joost", 0.0, 2.56, "Goedemorgen."), ("Visser, Sanne", 3.01, 5.0, "Hoi.")]


def test_teams_docx_speaker_names_with_odd_spacing_are_one_speaker(tmp_path: Path):
    """Two spaces inside a name made another speaker, so another pseudonym for the same person; a
    blank paragraph between an older layout's timing and its speaker made the name the words said."""
    path = tmp_path / "spaces.docx"
    write_teams_docx(path, [("Marieke  de Vries   0:03",), ("Ja.",), ("Marieke de Vries   0:05",),
                            ("Nee", "\r", "toch.",)])
    rows = read_teams_docx(path).frame.select("speaker", "text").rows()
    assert rows == [("Marieke de Vries", "Ja."), ("Marieke de Vries", "Nee toch.")]
    write_teams_docx(path, [("0:0:0.0 --> 0:0:2.560",), ("",), ("Bakker,  Joost",), ("Goedemorgen.",)])
    assert read_teams_docx(path).frame.select("speaker", "text").rows() == [("Bakker, Joost", "Goedemorgen.")]


def test_teams_docx_with_one_space_before_the_time(tmp_path: Path):
    path = tmp_path / "single.docx"
    write_teams_docx(path, [("Marieke de Vries 0:03",), ("Welkom.",), ("Joost Bakker 0:15",), ("Dank.",)])
    rows = read_teams_docx(path).frame.select("speaker", "start_seconds", "text").rows()
    assert rows == [("Marieke de Vries", 3.0, "Welkom."), ("Joost Bakker", 15.0, "Dank.")]


def test_a_word_document_that_is_no_transcript_is_refused(tmp_path: Path):
    path = tmp_path / "notulen.docx"
    write_teams_docx(path, [("Notulen",), ("Aanwezig: iedereen.",)])
    with pytest.raises(InputError, match=r"notulen.docx, row 1: not a Teams transcript: .*\(2 paragraph\(s\) read\)"):
        read_teams_docx(path)
    (tmp_path / "leeg.docx").write_bytes(b"")
    with pytest.raises(InputError, match="leeg.docx: the file is empty"):
        read_teams_docx(tmp_path / "leeg.docx")


def test_teams_docx_with_a_damaged_document_is_named(tmp_path: Path):
    path = tmp_path / "damaged.docx"
    write_teams_docx(path, [("Joost Bakker   0:15",), ("Ik merk minder stress.",)])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data[:160] if name == "word/document.xml" else data)
    with pytest.raises(InputError, match=r"damaged.docx: cannot be read as a .docx \(word/document.xml is damaged"):
        read_teams_docx(path)


def test_teams_docx_not_a_zip(tmp_path: Path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="broken.docx: cannot be read as a .docx"):
        read_teams_docx(path)
