"""Exports and codebooks come from many hands (coaches, researchers, respondents typing an
intervention's name), so each is untrusted: none may run code, read files outside the data folder,
exhaust memory, stop a report, or put markup into the Dagster UI; confidential files are not
world-readable. Each case here was an attack that worked (a security audit of the pipeline)."""

import io
import json
import os
import stat
import subprocess
import sys
import struct
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import polars as pl
import pytest
import yaml

from assets.ingest.codebook import load_codebook, parse_yaml
from assets.ingest.errors import CodebookError, InputError
from assets.ingest.formats import refuse_zip_bomb
from assets.reporting.editions import finish_pdfs, write_report_editions
from assets.reporting.html import (Bullets, Chart, Heading, Link, Paragraph, Table, page, render_html,
                                   render_markdown)
from assets.reporting.markdown import md_text
from assets.reporting.style import figure_svg, house_style, new_figure
from assets.tables import markdown_table
from checks.gx_runner import validate_frame
from checks.suites import codebook_expectations
from pipelines.resources import ReportSettings
from tests.test_codebook_and_decode import CODEBOOK, HEADER, make_inbox


def test_a_codebook_variable_name_is_a_literal_in_a_row_condition_never_code(tmp_path):
    """GX evaluates a row_condition with pandas' query(), where `@pd...` reaches Python: a variable
    named so ran a shell command as the pipeline's user."""
    marker = tmp_path / "pwned"
    name = f'x" or @pd.io.common.os.system("touch {marker}") == 0 or variable == "y'
    variable = SimpleNamespace(name=name, type="category", role="factor", waves=(),
                               labels=[SimpleNamespace(code="no"), SimpleNamespace(code="yes")])
    expectations = codebook_expectations("staging.tib_survey_answers", [SimpleNamespace(variables=[variable])])
    assert len(expectations) == 2
    frame = pd.DataFrame({"variable": [name, "other"], "value_code": ["no", "maybe"], "value_number": [1.0, 9.0]})
    results = validate_frame(frame, expectations)
    assert not marker.exists()
    assert [r["success"] for r in results] == [True, True]  # the one row of that name is in the set and the scale


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../secret.csv", "linked.csv"])
def test_a_codebook_cannot_name_a_file_outside_the_data_folder(tmp_path, path):
    secret = tmp_path / "secret.csv"
    secret.write_text("another study's export", encoding="utf-8")
    data, codebook = make_inbox(tmp_path, "", CODEBOOK.replace("path: t0.csv", f"path: {path}"))
    (codebook.parent / "linked.csv").symlink_to(secret)
    with pytest.raises(CodebookError, match="outside the data folder"):
        load_codebook(codebook, data)


def test_a_folder_link_inside_a_year_folder_to_another_study_is_refused(tmp_path):
    """A link inside a year folder is no operator's year-folder link: whoever can put a file
    link there can put a folder link there too."""
    other = tmp_path / "other_study"
    other.mkdir()
    (other / "t0.csv").write_text(HEADER + "A-1,UMCG,7\r\n", encoding="utf-8")
    data, codebook = make_inbox(tmp_path, "", CODEBOOK.replace("path: t0.csv", "path: sub/t0.csv"))
    (codebook.parent / "sub").symlink_to(other, target_is_directory=True)
    with pytest.raises(CodebookError, match="outside the data folder"):
        load_codebook(codebook, data)


def test_dotdot_after_a_folder_link_is_judged_where_the_file_system_goes(tmp_path):
    """os.path.abspath folds 'sub/..' away; the file system follows sub first, then goes up."""
    (tmp_path / "elsewhere" / "deep").mkdir(parents=True)
    (tmp_path / "elsewhere" / "t0x.csv").write_text(HEADER + "A-1,UMCG,7\r\n", encoding="utf-8")
    data, codebook = make_inbox(tmp_path, "", CODEBOOK.replace("path: t0.csv", "path: sub/../t0x.csv"))
    (codebook.parent / "sub").symlink_to(tmp_path / "elsewhere" / "deep", target_is_directory=True)
    with pytest.raises(CodebookError, match="outside the data folder"):
        load_codebook(codebook, data)  # reads elsewhere/t0x.csv


def test_a_year_folder_the_operator_linked_in_still_loads(tmp_path):
    """A folder link is the operator's choice (a year on a share); a file link is the export's."""
    share, _ = make_inbox(tmp_path / "share", "")
    data = tmp_path / "data"
    (data / "pmg").mkdir(parents=True)
    (data / "pmg" / "2030").symlink_to(share / "pmg" / "2030", target_is_directory=True)
    assert load_codebook(data / "pmg" / "2030" / "codebook.yaml", data).files


BOMB = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
BOMB += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]


@pytest.mark.parametrize("prefix", ["", "%FOO bar\n---\n", "%YAML 1.3\n---\n"])
def test_a_codebook_of_nested_aliases_is_refused_before_it_fills_memory(prefix):
    """373 bytes of "billion laughs" expanded past 3.9 GB in the cache and in any walk over it;
    also read by PyYAML's own loader, which takes directives libyaml refuses."""
    with pytest.raises(yaml.YAMLError, match="aliases"):
        parse_yaml((prefix + "\n".join(BOMB)).encode())


def _zip(path: Path, member: str, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, b"\0" * size)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    with pytest.raises(InputError, match="zip bomb"):
        refuse_zip_bomb(_zip(tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", 60 << 20))
    refuse_zip_bomb(_zip(tmp_path / "small.docx", "word/document.xml", 1 << 20))  # compressible, but small
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    refuse_zip_bomb(tmp_path / "old.xls")  # its own reader says what is wrong with it


def test_a_zip_bomb_that_declares_a_small_size_is_refused(tmp_path):
    """refuse_zip_bomb read the sizes the headers declare; fastexcel inflates the stream to its end
    (a 407 KB workbook so forged passed and took 1.6 GB)."""
    path = tmp_path / "forged.xlsx"
    name = "xl/sharedStrings.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, b"A" * (60 << 20))
    blob = bytearray(path.read_bytes())
    at = blob.find(name.encode())
    struct.pack_into("<I", blob, at - 30 + 22, 1000)  # local header: uncompressed size
    at = blob.find(name.encode(), at + 1)
    struct.pack_into("<I", blob, at - 46 + 24, 1000)  # central directory: uncompressed size
    path.write_bytes(bytes(blob))
    assert zipfile.ZipFile(path).infolist()[0].file_size == 1000
    with pytest.raises(InputError, match="zip bomb"):
        refuse_zip_bomb(path)


def test_text_from_the_data_is_plain_text_in_the_dagster_ui():
    """An image in the UI's markdown is fetched by every viewer (who opened the report, and when)."""
    evil = "Training ![t](https://attacker.example/t.png) [klik](javascript:x) <b>x</b> | # *y*"
    shown = r"Training \!\[t\](https://attacker.example/t.png) \[klik\](javascript:x) \<b\>x\</b\> \| \# \*y\*"
    assert md_text(evil) == shown
    assert md_text("mental_health_grade\nregel 2") == "mental_health_grade regel 2"
    # struck through or set as code, a name would read otherwise than typed
    assert md_text("~~Yoga~~ `code` _x_") == r"\~\~Yoga\~\~ \`code\` \_x\_"
    markdown = render_markdown([Heading(evil, 2), Paragraph(evil), Paragraph(evil, "quote"), Bullets([evil]),
                                Table(["a"], [[evil]], evil, [evil])])
    assert markdown.count(shown) == 7 and markdown.count("![") == 0
    assert md_text(evil[:80]) in markdown_table(pl.DataFrame({"file": [evil]}))  # cut at 80, then escaped


class _Shown(HTMLParser):
    """What a browser shows of a page: its text nodes, its tags and its images' alternative texts."""

    def __init__(self):
        super().__init__()
        self.texts, self.tags, self.alts, self.links = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs).get("href"))
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))

    def handle_data(self, data):
        self.texts.append(data)


def test_text_from_the_data_is_plain_text_in_the_html_report():
    """A name or a quote with <, & or a quotation mark is shown as typed: it opens no tag (a script,
    or a table cut short) and ends no attribute (a chart's alternative text)."""
    evil = 'R&D "Team" <script>alert(1)</script></td></table> a<b'
    blocks = [Heading(evil, 2), Paragraph(f"{evil} {evil}", link=(evil, evil)), Paragraph(evil, "note"),
              Paragraph(f"<i>Team</i>: “{evil}”", "quote", ("en", evil)), Bullets([evil]),
              Table([evil, "N"], [[evil, evil]], evil, [evil]), Chart(b"<svg/>", evil, evil)]
    shown = _Shown()
    shown.feed(page(evil, render_html(blocks), banner=evil, footer=render_html([Paragraph(evil)])))
    assert not {"script", "i"} & set(shown.tags)
    assert shown.tags.count("table") == 2  # the banner's frame and the data table
    # title and h1, banner, heading, paragraph (the link, then the text after it), note, quote, bullet,
    # header, two cells, caption, note, figure, footer
    assert shown.texts.count(evil) == 15 and shown.texts.count(f" {evil}") == 1 and shown.alts == [evil]
    assert shown.links == [evil]


def test_a_linked_cell_links_in_the_html_and_is_its_text_in_the_dagster_ui_and_the_pdf():
    """An organisation's report is linked from the yearly one; its folder comes from a name in the
    data, escaped in the link as in the text. The markdown and the PDF show the text alone."""
    from markdown_it import MarkdownIt

    from assets.reporting.typeset import report_json

    evil = 'r&d-"team"-<b>/rapport.html'
    table = Table(["Organisatie", "Rapport"], [["R&D", Link(evil, evil)], ["UMCG", "umcg/rapport.html"]])
    shown = _Shown()
    shown.feed(render_html([table]))
    assert "b" not in shown.tags and shown.links == [evil] and shown.texts.count(evil) == 1
    rendered = MarkdownIt("commonmark").enable("table").render(render_markdown([table]))
    assert "<a " not in rendered and unescape(rendered).count(evil) == 1
    [typeset] = json.loads(report_json("T", [table]))["blocks"]
    assert typeset["rows"][0] == ["R&D", evil]


def test_a_backslash_in_the_data_cannot_undo_the_escaping_in_the_dagster_ui():
    """`\\[klik\\](https://...)` escaped without its backslashes read as an escaped backslash and a link."""
    from markdown_it import MarkdownIt

    evil = r"Training \[klik\](https://attacker.example/) \<b\>x\</b\> \*y\*"
    rendered = MarkdownIt("commonmark").render(render_markdown([Paragraph(evil), Table(["a"], [[evil]])]))
    assert "<a " not in rendered and "<b>" not in rendered and "<em>" not in rendered
    assert unescape(rendered).count(evil) == 2


def test_the_ui_markdown_keeps_the_reports_structure():
    """The Dagster UI's preview: a heading at its level, paragraphs apart, a note in italics, a quote
    as a quote, a table as a table with its numbers right-aligned."""
    from markdown_it import MarkdownIt

    markdown = render_markdown([Heading("Resultaten", 3), Paragraph("Eerste."), Paragraph("Tweede."),
                                Paragraph("Een noot.", "note"), Paragraph("Een citaat.", "quote"),
                                Table(["Organisatie", "N"], [["UMCG", "12"]], "Tabel 1", numeric=frozenset({1}))])
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    for part in ("<h3>Resultaten</h3>", "<p>Eerste.</p>", "<p>Tweede.</p>", "<em>Een noot.</em>",
                 "<blockquote>\n<p>Een citaat.</p>", "<th>Organisatie</th>", '<th style="text-align:right">N</th>',
                 '<td style="text-align:right">12</td>'):
        assert part in rendered, (part, rendered)


def test_dollar_signs_in_a_name_are_printed_not_parsed_as_mathematics():
    """An intervention typed as "Training $\\foo$" stopped the whole PMG report (mathtext)."""
    with house_style():
        fig = new_figure(4, 2)
        fig.subplots().set_title("Training $\\foo$")  # a chart has axes; a figure without, a layout warning
        fig.suptitle("Training $\\foo$ voor $5 en $10")
        assert figure_svg(fig)


def test_the_researcher_edition_is_not_world_readable_and_a_web_server_needs_no_group(tmp_path):
    """Researcher editions 0640, stakeholder ones 0644; under the service's UMask=0027 the report
    folders are 0755 all the same, so a web server reads the stakeholder reports without being put
    in the service's group (which would give it the warehouse and every researcher edition)."""
    old = os.umask(0o027)
    try:
        out = write_report_editions(ReportSettings(output_dir=str(tmp_path / "reports")), "pmg", 2023, "PMG 2023",
                                    lambda edition: [Paragraph("x")], [], folder=("organisaties", "umcg"), pdfs=False)
    finally:
        os.umask(old)

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)
    assert mode(out["rapport_onderzoekers.html"]) == 0o640
    assert mode(out["rapport.html"]) == 0o644
    folder = out["rapport.html"].parent
    assert [mode(f) for f in (folder, *list(folder.parents)[:4])] == [0o755] * 5  # up to reports/


def test_the_researcher_pdf_is_no_more_readable_than_its_html(tmp_path):
    out = write_report_editions(ReportSettings(output_dir=str(tmp_path / "reports")), "pmg", 2023, "PMG 2023",
                                lambda edition: [Paragraph("x")], [])
    finish_pdfs([out])
    assert stat.S_IMODE(out["rapport_onderzoekers.pdf"].stat().st_mode) == 0o640
    assert stat.S_IMODE(out["rapport.pdf"].stat().st_mode) == 0o644


# --- second audit: inputs that hung the pipeline or aborted its process -------------------------

def test_a_docx_member_compressed_by_bzip2_is_refused_before_it_is_inflated(tmp_path):
    """A bzip2 member was measured by its declared size (1,000 bytes), and zipfile inflated it whole:
    1.9 KB of .docx took 4 GB and 12 s before it failed; twice the spaces, twice that."""
    import bz2

    from assets.ingest.formats_qualitative import docx_paragraphs

    path = tmp_path / "t.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("word/document.xml"), b"<w:document/>", compress_type=zipfile.ZIP_BZIP2)
    with pytest.raises(InputError, match="compressed otherwise than by Deflate"):
        docx_paragraphs(path)
    assert len(bz2.compress(b" " * (1 << 24))) < 100  # what such a member can hold


def _finishes(code: str) -> None:
    """Run `code` in a fresh interpreter: it must finish, within HANG_SECONDS. A guard against a hang,
    not a measure of speed: before their fixes these inputs took hours or days; now each takes
    a second or less."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_SECONDS,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]


HANG_SECONDS = 120


def test_a_transcript_line_of_spaces_does_not_hang_the_speaker_patterns(tmp_path):
    """A paragraph "a", 3,000 spaces, "x" took 50 s in the speaker-line pattern (cubic in the spaces);
    a cue "<v" and 3,000 spaces 14 s in the voice pattern. 20,000 would take days. Both read as before."""
    from assets.ingest.formats_qualitative import SPEAKER_LINE, SPEAKER_LINE_LOOSE, parse_vtt

    _finishes("from assets.ingest.formats_qualitative import SPEAKER_LINE, SPEAKER_LINE_LOOSE, parse_vtt\n"
              "line = 'a' + ' ' * 20_000 + 'x'\n"
              "assert SPEAKER_LINE.match(line) is None and SPEAKER_LINE_LOOSE.match(line) is None\n"
              "parse_vtt('WEBVTT\\n\\n00:00:01.000 --> 00:00:02.000\\n<v ' + ' ' * 20_000 + 'x\\n')")
    for text, name in [("Anna de Vries   0:03", "Anna de Vries"), ("Anna\t0:03", "Anna"), ("Anna \u00a00:03", "Anna"),
                       ("Anna\u00a00:03", "Anna"), ("Jansen-Bakker, M.  1:02:03 ", "Jansen-Bakker, M.")]:
        assert SPEAKER_LINE.match(text)["name"] == name
    assert SPEAKER_LINE.match("Anna 0:03") is None and SPEAKER_LINE_LOOSE.match("Anna 0:03")["name"] == "Anna"
    assert parse_vtt("WEBVTT\n\n00:00.000 --> 00:01.000\n<v.loud   Anna  de Vries >Ja.\n").speakers == ["Anna de Vries"]
    assert parse_vtt("WEBVTT\n\n00:00.000 --> 00:01.000\n<v Anna>Ja.</v>\n\n00:01.000 --> 00:02.000\n<v   x\n"
                     ).speakers == ["Anna"]


def test_a_transcript_of_many_cues_does_not_take_hours():
    """Each cue copied the rest of the file's lines: 200,000 cues (6 MB) took 31 s, 800,000 some
    eight minutes, two million an hour."""
    _finishes("from assets.ingest.formats_qualitative import parse_vtt\n"
              "table = parse_vtt('WEBVTT\\n\\n' + '00:00:00.000 --> 00:00:01.000\\n' * 800_000)\n"
              "assert table.frame.height == 800_000")


def test_an_spss_header_declaring_millions_of_cases_allocates_no_more_than_the_file_holds(tmp_path):
    """pyreadstat allocates each column for the cases the header declares: a 1 KB .sav that said
    200,000,000 took 3 GB (ten columns, 16 GB)."""
    import pyreadstat

    path = tmp_path / "forged.sav"
    pyreadstat.write_sav(pd.DataFrame({"Q1": [1.0, 2.0, 3.0], "Q2": ["a", "b", "c"]}), str(path))
    raw = bytearray(path.read_bytes())
    raw[80:84] = struct.pack("<i", 200_000_000)
    path.write_bytes(bytes(raw))
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000,) * 2)\n"
            "from pathlib import Path; from assets.ingest.formats_other_surveys import read_spss_sav\n"
            "try: read_spss_sav(Path(sys.argv[1]))\nexcept Exception as e: print(e)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert "expected number of rows" in out.stdout, out.stdout + out.stderr


def test_yaml_merge_keys_cannot_multiply_a_codebook():
    """`<<: [*a, *a]` forty times over doubles the merged entries each line, before the alias check
    sees the (small) result: 586 bytes took 1.5 s, 1,100 bytes days."""
    _finishes("import yaml; from assets.ingest.codebook import parse_yaml\n"
              "text = 'a0: &a0 {k: 1}\\n' + ''.join(f'a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}]}}\\n' "
              "for i in range(1, 40))\n"
              "try: parse_yaml(text.encode())\n"
              "except yaml.YAMLError as e: assert 'merge keys' in str(e)\n"
              "else: raise AssertionError('read')")


def test_a_codebooks_speaker_codes_pattern_cannot_backtrack_for_hours(tmp_path):
    """speaker_codes was matched by Python's backtracking engine against each segment's prefix: with
    (a|a)*b a prefix of 28 a's took 12 s, each a more twice that (a prefix may be 40 long). Polars'
    engine matches in linear time; a pattern only Python's engine reads is refused."""
    from tests.test_qualitative_ingest import _segments_with

    _finishes("import tempfile; from pathlib import Path\n"
              "from tests.test_qualitative_ingest import _segments_with\n"
              "with tempfile.TemporaryDirectory() as tmp:\n"
              "    assert _segments_with(Path(tmp), ['a' * 38 + ': tekst'], speaker_codes='(a|a)*b') == []")
    with pytest.raises(CodebookError, match="only Python's regular expressions"):
        _segments_with(tmp_path, ["P1: tekst"], speaker_codes="(?=P)P\\d")


def test_a_header_line_past_csvs_field_limit_is_read(tmp_path):
    """sniff_delimiter split the header by ';' as one field past csv's limit (128 KB): a wide export
    stopped the run with a csv.Error, not an error naming the file."""
    from assets.ingest.formats import sniff_delimiter

    assert sniff_delimiter(",".join(f"Q{i}" for i in range(30_000))) == ","
