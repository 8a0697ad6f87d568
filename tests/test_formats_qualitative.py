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
    ("01:02:03.004", 3723.004), ("02:03.5", 123.005), ("0:0:21.0", 21.0), ("garbage", None)])
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
