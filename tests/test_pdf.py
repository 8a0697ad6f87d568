"""The reports' PDFs (assets/reporting/typeset.py, report.typ): the blocks of the HTML typeset by
Typst, on small reports of their own."""

import io
import json
import re

import pytest
import typst
from pypdf import PdfReader

from assets.reporting import editions, typeset
from assets.reporting.editions import PENDING, finish_pdfs, write_report_editions
from assets.reporting.html import Bullets, Chart, Heading, Link, Paragraph, Table
from assets.pmg.charts import draw_mental_health
from assets.reporting.style import figure_svg
from assets.reporting.page import LANDSCAPE_WIDTH_CM, SLICE_CM, TEXT_WIDTH_CM
from assets.reporting.typeset import TypstError, report_json, report_pdf, windows, write_pdf
from pipelines.resources import ReportSettings

BANNER = "VERTROUWELIJK – onderzoekerseditie"
LONG_TABLE = Table(["Interventie", "M"], [[f"Interventie {i}", f"{i / 7:.1f}".replace(".", ",")] for i in range(400)],
                   "Tabel 3 Lang", ["* minder dan 5"], frozenset({1}))


def _svg(width_pt: float, height_pt: float) -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_pt}pt" height="{height_pt}pt" '
            f'viewBox="0 0 {width_pt} {height_pt}" version="1.1">'
            f'<rect x="10" y="10" width="{width_pt - 20}" height="{height_pt - 20}" fill="#0072B2"/></svg>').encode()


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_long_table_runs_over_pages_under_the_banner_and_nothing_is_cut_off():
    researcher = _texts(report_pdf("PMG 2023", [Paragraph("Inleiding."), LONG_TABLE], banner=BANNER))
    stakeholder = _texts(report_pdf("PMG 2023", [Paragraph("Inleiding."), LONG_TABLE]))
    assert len(researcher) > 3 and len(stakeholder) > 3
    assert all(text.startswith(BANNER) for text in researcher)
    assert not any("VERTROUWELIJK" in text for text in stakeholder)
    for pages in (researcher, stakeholder):
        assert all("Interventie M" in text for text in pages[1:])  # the header row on every page
        assert "Interventie 399 57,0" in pages[-1] and "* minder dan 5" in pages[-1]
        assert pages[-1].rstrip().endswith(f"{len(pages)} / {len(pages)}")  # page numbers


def test_every_text_is_set_as_it_is_never_read_as_typst_markup():
    """Quotes are participants' words: #, $, [, *, _, @, <, \\ and ` must come out as typed."""
    tricky = "Werkdruk #1 $5 [a] *b* _c_ @d <e> \\f `g` = h // i /* j"
    blocks = [Heading(tricky, 2), Paragraph(tricky), Paragraph(tricky, "quote"), Paragraph(tricky, "note"),
              Bullets([tricky]), Table([tricky], [[tricky]], tricky, [tricky])]
    [text] = _texts(report_pdf(tricky, blocks))
    # the title, heading, paragraph, quote, note and bullet; the table's caption, header, cell and note
    assert text.count(tricky) == 10


def test_a_table_caption_is_never_left_alone_at_the_foot_of_a_page():
    """Text of every length before a table: wherever the page ends, its caption goes with its rows."""
    table = Table(["Factor", "Niet behulpzaam", "Matig behulpzaam", "Behulpzaam", "Flink behulpzaam"],
                  [["De klik met de coach", "0%", "0%", "7%", "20%"]] * 8, "Tabel 5 Beoordeling van de factoren")
    caption_on = set()
    for words in range(770, 800):  # the table starts ever lower on the first page, then on the next
        pages = _texts(report_pdf("TiB 2024", [Paragraph(" ".join(["woord"] * words)), table]))
        for i, text in enumerate(pages):
            assert not text.rstrip().rsplit("\n", 1)[0].endswith("Tabel 5 Beoordeling van de factoren"), words
            if "Tabel 5" in text:
                caption_on.add(i)
    assert caption_on == {0, 1}  # the lengths did move the table over the page's foot


def test_a_chart_and_its_caption_stay_on_one_page_with_the_intro_before_it():
    """Wherever the page ends, a chart is not split from its caption (the caption stood alone at the
    top of the next page) and the paragraph that introduces it goes with it."""
    chart = Chart(_svg(400, 300), "Figuur 3 Beoordeling van de factoren", "grafiek")
    moved = set()
    for words in range(300, 420, 4):  # the chart starts ever lower on the first page, then on the next
        pdf = PdfReader(io.BytesIO(report_pdf("TiB 2024", [Paragraph(" ".join(["woord"] * words)),
                                                           Paragraph("Zie de grafiek."), chart])))
        [(i, page)] = [(i, p) for i, p in enumerate(pdf.pages) if "Figuur 3" in p.extract_text()]
        assert b"/Alt(grafiek)" in page.get_contents().get_data(), words  # the chart is on the caption's page
        assert "Zie de grafiek." in page.extract_text(), words
        moved.add(i)
    assert moved == {0, 1}  # the lengths did move the chart over the page's foot


def test_a_table_too_wide_for_the_page_is_set_on_a_landscape_page_with_its_heading_and_intro():
    """Thirteen columns upright ran into each other; on a page of their own turned sideways they
    fit, under the same banner, with the heading and the intro that lead to them."""
    headers = ["Organisatie", "Interventie", "Groep", "N paren", "Kleine N", "M T0", "M T1", "Gem. verschil",
               "Mediaan verschil", "Hodges-Lehmann", "Rangbiseriële r", "p", "Toets of reden geen toets"]
    wide = Table(headers, [["UMCG", "Cold shower challenge", "(alle groepen)", "2", "te klein", "7,3", "7,0", "−0,3",
                            "−0,3", "−0,3", "−0,33", "–", "geen toets: met 5 of minder veranderde paren"]],
                 "Tabel 8 Verandering", ["Een noot."], frozenset(range(3, 12)) - {4})
    blocks = [Paragraph("Eerst dit."), Heading("Verandering", 2), Heading("Per groep", 3),
              Paragraph("Hieronder de tabel."), wide, Paragraph("Daarna dit.")]
    pdf = PdfReader(io.BytesIO(report_pdf("PMG 2023", blocks, banner=BANNER)))
    shapes = [(float(p.mediabox.width) > float(p.mediabox.height), p.extract_text()) for p in pdf.pages]
    assert [landscape for landscape, _ in shapes] == [False, True, False]
    first, sideways, last = (text for _, text in shapes)
    assert "Eerst dit." in first and "Verandering" not in first
    assert sideways.startswith(BANNER)
    assert all(text in sideways for text in ("Verandering", "Per groep", "Hieronder de tabel.", "Tabel 8 Verandering",
                                             "Toets of reden", "Een noot."))
    assert "Daarna dit." in last
    # the narrower tables keep their upright page
    assert len(_texts(report_pdf("PMG 2023", [Table(headers[:9], [["x"] * 9], "Tabel 9")]))) == 1


def _lines(pdf: bytes) -> list[str]:
    return [line for text in _texts(pdf) for line in text.splitlines()]


def test_columns_are_as_wide_as_their_cells_want_where_the_page_has_the_room():
    """Tabel 3 of a year of 200 organisations: the headers wrap, each report's path stays on one line.
    The change table of such a year, sideways: each row on one line. (Fixed shares of the width set
    both over two and three lines a row.)"""
    # one long name among them may wrap: it must not narrow the column of every path
    long = ["Gemeente Groningen", "1", "8", "8", "90", "80",
            "organisaties/gemeente-groningen/rapport_onderzoekers.html"]
    paths = Table(["Organisatie", "Interventies", "N T0", "N T1", "Vragenlijst N T0", "Vragenlijst N T1", "Rapport"],
                  [long] + [[f"ORG{i:03d}", "3", "40", "40", "472", "378",
                             f"organisaties/org{i:03d}/rapport_onderzoekers.html"] for i in range(60)],
                  "Tabel 3 Organisaties", numeric=frozenset(range(1, 6)))
    lines = _lines(report_pdf("PMG 2025", [paths]))
    for i in range(60):
        assert f"ORG{i:03d} 3 40 40 472 378 organisaties/org{i:03d}/rapport_onderzoekers.html" in lines
    headers = ["Organisatie", "Interventie", "N paren", "Kleine N", "Hoger/lager/gelijk", "M T0", "M T1",
               "Gem. verschil", "Mediaan verschil", "Hodges-Lehmann", "Rangbiseriële r", "p", "Toets"]
    change = Table(headers, [[f"ORG{i:03d}", "Workshop Positieve Gezondheid", "158", "", "88/54/16", "6,6", "7,2",
                              "0,6", "0,5", "0,5", "0,31", "< 0,001" if i % 4 else "0,012", "benaderd"]
                             for i in range(40)], "Tabel 4 Verandering", numeric=frozenset(range(2, 12)) - {3},
                   row_headers=2)
    lines = _lines(report_pdf("PMG 2025", [change]))
    for i in range(40):
        p = "< 0,001" if i % 4 else "0,012"
        assert f"ORG{i:03d} Workshop Positieve Gezondheid 158 88/54/16 6,6 7,2 0,6 0,5 0,5 0,31 {p} benaderd" in lines


def test_a_long_text_column_wraps_before_the_short_ones_and_a_header_only_between_its_words():
    """The comparison of two cohorts: its long outcome names wrap, never a share with its N; the
    change table with its test in full (too wide for any row on one line): no header hyphenated."""
    outcomes = ["terugkeer naar werk: Ja", "opnieuw uitgevallen: Nee", "vaardigheid versterkt: Grenzen bewaken",
                "flink of zeer behulpzaam: Dat ik door iemand buiten de organisatie begeleid werd"]
    rows = [[o, "2024", "10,4% (N=10000)", "10,1% (N=10000)", "−0,3"] for o in outcomes * 6]
    comparison = Table(["Uitkomst", "Vorig cohort", "Toen", "Nu (2025)", "Verschil (procentpunt)"], rows,
                       "Tabel 7 Vergelijking", numeric=frozenset({1, 2, 3, 4}))
    lines = _lines(report_pdf("TiB 2025", [comparison]))
    for outcome in outcomes[:3]:
        assert lines.count(f"{outcome} 2024 10,4% (N=10000) 10,1% (N=10000) −0,3") == 6
    assert sum("2024 10,4% (N=10000) 10,1% (N=10000) −0,3" in line for line in lines) == 24
    headers = ["Organisatie", "Interventie", "Groep", "N paren", "Kleine N", "Hoger/lager/gelijk", "M T0", "M T1",
               "Gem. verschil", "Mediaan verschil", "Hodges-Lehmann", "Rangbiseriële r", "p", "Toets"]
    change = Table(headers, [["Gemeente Groningen", "Workshop Positieve Gezondheid", "(alle groepen)", "158",
                              "indicatief", "88/54/16", "6,6", "7,2", "0,6", "0,5", "0,5", "0,31", "< 0,001",
                              "Wilcoxon-rangtekentoets (normale benadering)"]] * 5, "Tabel 4 Verandering",
                   numeric=frozenset(range(3, 13)) - {4}, row_headers=3)
    text = "".join(_texts(report_pdf("PMG 2025", [change])))
    assert "\xad" not in text.split("Gemeente Groningen")[0]  # a soft hyphen: "N pa-ren" where it was


def test_a_word_of_capitals_shorter_than_the_longest_cells_is_not_split_where_the_page_has_room():
    """The cells Typst measures are picked by characters: one word of capitals, fewer characters than the
    longest cells but wider, once set the column's width to those cells and was hyphenated over three lines."""
    names = ["stichting de linie tilburg", "stichting de linie breda", "stichting de linie goirle",
             "WERKGEVERSSERVICEPUNT"]
    lines = _lines(report_pdf("PMG 2025", [Table(["Organisatie", "N"], [[name, "12"] for name in names], "Tabel 3",
                                                 numeric=frozenset({1}))]))
    assert "WERKGEVERSSERVICEPUNT 12" in lines and not any("\xad" in line for line in lines)


_ROOT = typeset.TEMPLATE.parents[2]
# report.typ's column-widths for each table of the report in `data`, in pt (None: a share, fr), and the
# widths of the texts in `plain` and `bold` as a table sets them
_WIDTHS = f"""#import "/{typeset.TEMPLATE.relative_to(_ROOT)}": cell-inset, cell-size, column-widths, report
#let inputs = json(bytes(sys.inputs.probe))
#let pt(w) = if type(w) == fraction {{ none }} else {{ w / 1pt }}
#context [#metadata((
  inset: cell-inset / 1pt,
  widths: report.blocks.map(b => column-widths(b, inputs.wide, inputs.width * 1pt).map(pt)),
  plain: inputs.plain.map(s => measure(text(size: cell-size, s)).width / 1pt),
  bold: inputs.bold.map(s => measure(text(size: cell-size, weight: "bold", s)).width / 1pt),
)) <probe>]
""".encode()


def _column_widths(table: Table, width: float, wide: bool = False, plain=(), bold=()) -> dict:
    inputs = json.dumps({"width": width, "wide": wide, "plain": list(plain), "bold": list(bold)})
    found = typst.query(_WIDTHS, "<probe>", field="value", one=True, root=str(_ROOT), ignore_system_fonts=True,
                        sys_inputs={"data": report_json("T", [table]), "probe": inputs})
    return json.loads(found)


def test_column_widths_fill_the_width_given_and_never_go_below_a_columns_longest_word():
    """column-widths itself, at four widths: all cells on one line (at their width as set), the long lines
    of nine in ten, the longest words only, and less than those (shares of the page)."""
    names = [f"ORG{i:03d}" for i in range(19)] + ["Gemeente Groningen en omstreken"]
    answers = ["ja"] * 19 + ["Arbeidsongeschiktheidsverzekering"]  # one long word: the column is never narrower
    table = Table(["Naam", "Rangbiseriële r", "Antwoord", "Opmerking"],
                  [[name, "0,31", answer, f"de workshop gaf veel nieuwe inzichten, nummer {i}"]
                   for i, (name, answer) in enumerate(zip(names, answers))], "Tabel 1", numeric=frozenset({1}))
    texts = {"plain": ["Gemeente Groningen en omstreken", "Groningen", "Arbeidsongeschiktheidsverzekering",
                       "de workshop gaf veel nieuwe inzichten, nummer 19"],
             "bold": ["Rangbiseriële r", "Rangbiseriële"]}
    found = {width: _column_widths(table, width, **texts) for width in (600, 500, 350, 300)}
    inset, plain, bold = 2 * found[600]["inset"], found[600]["plain"], found[600]["bold"]
    # room for every cell: each column as wide as its longest cell or whole header, as set (9pt, the header bold)
    [at_600] = found[600]["widths"]
    assert at_600 == pytest.approx([plain[0] + inset, bold[0] + inset, plain[2] + inset, plain[3] + inset])
    [spread] = _column_widths(table, 600, wide=True)["widths"]
    assert sum(spread) == pytest.approx(600) and spread[0] > at_600[0]  # a wide table spans the page
    for width in (500, 350):
        [widths] = found[width]["widths"]
        assert sum(widths) == pytest.approx(width)  # the cells' insets within the width too
        assert widths[1] >= bold[1] + inset - 1e-6 and widths[2] >= plain[2] + inset - 1e-6  # the longest words
    # room for the longest words only: the room left to the long lines of nine in ten, not to the one long name
    assert found[350]["widths"][0][0] == pytest.approx(plain[1] + inset)
    # not even that: shares of the page, never a table wider than the page
    assert found[300]["widths"] == [[None] * 4]


def test_the_room_left_goes_first_to_the_column_that_wants_least_more_not_to_the_narrowest():
    """Two rows of twenty with a longer name, two with a longer intervention: the intervention wants 6pt
    more, the name 39pt; with 20pt to give, the intervention gets its 6pt (its rows on one line) and the
    name the rest, though the name is the narrower column."""
    names = [f"ORG{i:03d}" for i in range(18)] + ["Gemeente Groningen"] * 2
    interventions = ["Workshop Positieve Gezondheid"] * 18 + ["Workshop Positieve Gezondheid B"] * 2
    table = Table(["Naam", "Interventie"], [list(row) for row in zip(names, interventions)], "Tabel 4")
    found = _column_widths(table, 200, plain=["Groningen", "Workshop Positieve Gezondheid B"])
    inset, (word, intervention) = 2 * found["inset"], found["plain"]
    [[name_width, intervention_width]] = found["widths"]
    assert intervention_width == pytest.approx(intervention + inset) and name_width > word + inset


def test_a_column_of_counts_is_never_narrower_than_its_counts_which_do_not_break():
    """Typst breaks no line after a slash or hyphen before a digit: "188/154/116" taken as three words
    once left the column of a change table's counts 29pt for 43pt of them, over the column beside it."""
    assert typeset.longest([["188/154/116", "2023-2024", "pmg/2024/deel-2.xlsx"]], 3)[0]["words"] == ["188/154/116"]
    assert [part["words"] for part in typeset.longest([["x", "2023-2024", "pmg/2024/deel-2.xlsx"]], 3)[1:]] == [
        ["2023-2024"], ["pmg/2024/", "deel-2.xlsx"]]
    table = Table(["Hoger/lager/gelijk", "Opmerking", "Toelichting"],
                  [["188/154/116", "werkdruk hoog", "de workshop gaf veel nieuwe inzichten"]] * 10, "Tabel 4",
                  numeric=frozenset({0}))
    for width in range(150, 260, 10):
        found = _column_widths(table, width, plain=["188/154/116"])
        [[counts, *_]] = found["widths"]
        assert counts is None or counts >= found["plain"][0] + 2 * found["inset"] - 1e-6, width
    assert _column_widths(table, 170)["widths"][0][0] is not None  # widths, not shares, at 170pt


def test_the_pdf_measures_the_long_cells_of_a_column_and_those_nine_in_ten_do_not_pass():
    rows = [["Gemeente Groningen", "1"]] + [[f"ORG{i:03d}", "12345"] for i in range(19)]
    organisations, numbers = typeset.longest(rows, 2)
    assert organisations == {"cells": ["Gemeente Groningen", "ORG018", "ORG017"],
                             "typical": ["ORG017", "ORG016", "ORG015"], "words": ["ORG018", "Gemeente", "Groningen"]}
    assert numbers == {"cells": ["12345", "1"], "typical": ["12345", "1"], "words": ["1", "12345"]}
    assert typeset.longest([], 2) == [{"cells": [], "typical": [], "words": []}] * 2
    # no row, no text, more columns than a page holds: each set, none of them an error
    for headers, rows in ((["Organisatie", "N"], []), ([""] * 12, [[""] * 12]),
                          ([f"Kolom {i}" for i in range(90)], [[f"waarde{i}" for i in range(90)]])):
        assert len(_texts(report_pdf("PMG 2025", [Table(headers, rows, "Tabel 9")]))) in (1, 2)
    [cell] = typeset.longest([["organisaties/org001/rapport_onderzoekers.html"]], 1)
    assert cell["words"] == ["org001/", "organisaties/", "rapport_onderzoekers.html"]  # a path breaks after "/"


def test_the_cells_measured_are_the_texts_set_whatever_a_cell_holds():
    """A number, a link and a free text with a form feed: measured as the PDF sets them (the form feed left out)."""
    table = Table(["N", "Citaat", "Rapport"], [[12, "een\x0cform feed", Link("org/rapport.html", "org/rapport.html")]],
                  "Tabel 1")
    [block] = json.loads(report_json("T", [table]))["blocks"]
    assert block["longest"] == [{"cells": ["12"], "typical": ["12"], "words": ["12"]},
                                {"cells": ["eenform feed"], "typical": ["eenform feed"], "words": ["feed", "eenform"]},
                                {"cells": ["org/rapport.html"], "typical": ["org/rapport.html"],
                                 "words": ["org/", "rapport.html"]}]


def test_a_sha256_in_a_table_is_set_in_two_halves_that_fit_the_page():
    sha = "1a6e2a79c5e64e979a7647a9fc352fb0d8b0e5ab4cbb22c6c2a4b9b70d1f44e2"
    [text] = _texts(report_pdf("Bronnen", [Table(["Bronbestand", "Rijen", "SHA-256"],
                                                 [["terug_in_balans/2024/terug_in_balans_enquete_forms.xlsx", "30", sha]])]))
    assert f"{sha[:32]}\n{sha[32:]}" in text


@pytest.mark.parametrize("quote", ["Ik voel me 😊 beter", "同事很好", "een NUL\x00 en een form feed\x0c"])
def test_a_quote_with_characters_no_font_has_still_gives_a_tagged_pdf(tmp_path, quote):
    """Free text holds emoji, other scripts and control characters; the PDF is made all the same."""
    path = tmp_path / "rapport.pdf"
    write_pdf(path, "PMG 2023", [Paragraph(f"“{quote}” (werkdruk; Groep 1)", "quote"), Table(["Citaat"], [[quote]])])
    reader = PdfReader(path)
    assert "/StructTreeRoot" in reader.trailer["/Root"] and "werkdruk" in reader.pages[0].extract_text()


def test_the_pdf_is_tagged_titled_in_dutch_and_gives_a_chart_its_alternative_text(tmp_path):
    path = tmp_path / "rapport.pdf"
    write_pdf(path, "PMG 2023", [Chart(_svg(400, 300), "Figuur 1 Grafiek", "staafdiagram van de cijfers")])
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"] == "nl"
    assert reader.metadata.title == "PMG 2023"
    assert b"<pdfuaid:part>1</pdfuaid:part>" in path.read_bytes()  # PDF/UA-1
    assert _alternative_texts(root["/StructTreeRoot"]) == ["staafdiagram van de cijfers"]


def _alternative_texts(node) -> list[str]:
    """Every /Alt in the structure tree under `node`, in reading order."""
    node = node.get_object()
    if isinstance(node, list):
        return [alt for child in node for alt in _alternative_texts(child)]
    if not isinstance(node, dict):
        return []
    return ([str(node["/Alt"])] if "/Alt" in node else []) + (_alternative_texts(node["/K"]) if "/K" in node else [])


def test_the_same_report_gives_the_same_bytes():
    """A rerun of the same data changes nothing, the PDFs included: no date, no random id."""
    blocks = [Paragraph("Inleiding."), LONG_TABLE, Chart(_svg(400, 300), "Figuur 1", "grafiek")]
    assert report_pdf("PMG 2023", blocks, banner=BANNER) == report_pdf("PMG 2023", blocks, banner=BANNER)


def test_a_chart_taller_than_a_page_is_set_in_page_high_slices():
    height_cm = 3.2 * SLICE_CM
    width_pt = TEXT_WIDTH_CM / 2.54 * 72  # as wide as the text: wider, it goes on a landscape page
    chart = Chart(_svg(width_pt, width_pt * height_cm / TEXT_WIDTH_CM), "Figuur 1 Lang", "lange grafiek")
    pdf = report_pdf("PMG 2023", [chart, Paragraph("Na de grafiek.")])
    pages = _texts(pdf)
    assert len(pages) == 4 and "Figuur 1 Lang" in pages[-1] and "Na de grafiek." in pages[-1]
    # a screen reader hears the chart once: the other windows are artifacts
    assert _alternative_texts(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]) == ["lange grafiek"]


def test_a_tall_chart_is_cut_at_its_row_breaks_with_each_page_at_least_half_full():
    # the lowest break on the page (21 of 5, 15, 21 cm), then none in the lower half: at the page's height
    cut = windows(50.0, 22.5, b'<svg data-row-breaks="0.1 0.3 0.42 0.5 0.95" width="1pt">')
    assert [v for window in cut for v in window] == pytest.approx([0.0, 21.0, 21.0, 22.5, 43.5, 6.5])
    assert windows(50.0, 22.5, b'<svg data-row-breaks="0.1" width="1pt">') == [(0.0, 22.5), (22.5, 22.5), (45.0, 5.0)]
    assert windows(50.0, 22.5, b'<svg width="1pt">') == [(0.0, 22.5), (22.5, 22.5), (45.0, 5.0)]
    assert windows(20.0, 22.5, b'<svg data-row-breaks="0.5" width="1pt">') == [(0.0, 20.0)]


def test_the_pdf_cuts_a_drawn_chart_between_its_rows():
    from tests.test_chart_rendering import mental_health

    svg = figure_svg(draw_mental_health(mental_health(40)))
    [chart] = json.loads(report_json("PMG 2023", [Chart(svg, "Figuur 1", "grafiek")]))["blocks"]
    breaks = [float(b) * chart["height_cm"] for b in re.search(rb'data-row-breaks="([^"]*)"', svg)[1].split()]
    assert len(chart["windows"]) > 2
    for top, height in chart["windows"][:-1]:
        assert height <= SLICE_CM and min(abs(top + height - b) for b in breaks) < 1e-9
    assert len(_texts(report_pdf("PMG 2023", [Chart(svg, "Figuur 1 Lang", "grafiek")]))) == len(chart["windows"])


def _pdf(data: str, **options) -> bytes | list[bytes]:
    """What Typst makes of report.typ's data, in this process."""
    import typst

    return typst.compile(str(typeset.TEMPLATE), sys_inputs={"data": data}, ignore_system_fonts=True, **options)


def _pdf_pages(data: str) -> list:
    import numpy as np
    from PIL import Image

    return [np.asarray(Image.open(io.BytesIO(png)).convert("RGB")) for png in _pdf(data, format="png", ppi=60)]


@pytest.mark.parametrize("chart", ["mental_health", "theme_matrix"])
def test_each_window_onto_a_tall_chart_draws_only_its_plots_and_the_pages_look_the_same(chart):
    """Typst draws an SVG anew in every window: each carries the plots it shows, not the whole chart."""
    import numpy as np

    from assets.pmg.charts import draw_theme_matrix
    from tests.test_chart_rendering import matrix, mental_health

    fig = draw_mental_health(mental_health(40)) if chart == "mental_health" else draw_theme_matrix(matrix(40))
    svg = figure_svg(fig)
    data = json.loads(report_json("PMG 2023", [Chart(svg, "Figuur 1", "grafiek")]))
    [shown] = [b for block in data["blocks"] for b in block.get("blocks", [block]) if b["kind"] == "chart"]
    parts = [part.encode() for part in shown["svgs"]]
    assert len(parts) == len(shown["windows"]) > 2 and "svg" not in shown
    plots = set(re.findall(rb'<g id="(mhm-plot-\d+)"', svg))
    assert len(plots) >= len(parts)  # every part its plot (and the matrix its colour scales)
    for part in parts:
        assert len(part) < len(svg) / 2 and set(re.findall(rb'<g id="(mhm-plot-\d+)"', part)) < plots
        # every glyph and marker a window draws is defined in it, if first drawn by a plot left out
        assert set(re.findall(rb'xlink:href="#([^"]+)"', part)) <= set(re.findall(rb' id="([^"]+)"', part))
    # each plot is in the window(s) it shows in, and all of them in one or another
    assert set().union(*(re.findall(rb'<g id="(mhm-plot-\d+)"', part) for part in parts)) == plots
    # the pages as they were with the whole chart in every window, to the pixel
    whole = {**data, "blocks": json.loads(json.dumps(data["blocks"]).replace(
        json.dumps(shown["svgs"]), json.dumps([svg.decode()] * len(parts))))}
    assert json.dumps(whole) != json.dumps(data)
    pruned, drawn_whole = _pdf_pages(json.dumps(data)), _pdf_pages(json.dumps(whole))
    assert len(pruned) == len(drawn_whole) >= len(parts)  # (a landscape chart after the title's page)
    assert all(np.array_equal(a, b) for a, b in zip(pruned, drawn_whole))
    assert all((page < 200).any() for page in pruned)  # a page with ink, not a blank one twice
    assert len(_pdf(json.dumps(data))) < len(_pdf(json.dumps(whole))) / 2


@pytest.mark.parametrize("chart", ["mental_health", "theme_matrix"])
def test_a_tall_chart_covers_nothing_of_the_text_above_it(chart):
    """The windows onto a tall chart join without space between them. The first joined the intro
    above it so too, and the chart's white ground hid the descenders of the intro's last line.
    Every pixel the page has with the chart's windows left empty is the same with the chart."""
    import numpy as np

    from assets.pmg.charts import draw_theme_matrix
    from tests.test_chart_rendering import matrix, mental_health

    fig = draw_mental_health(mental_health(40)) if chart == "mental_health" else draw_theme_matrix(matrix(40))
    svg = figure_svg(fig)
    lead = [Heading("Thema's naar IGLOO-niveau", 2), Paragraph("Waar de thema's zitten, per jaar: gjpqy. " * 12)]
    data = json.loads(report_json("PMG 2023", [*lead, Chart(svg, "Figuur 1", "grafiek")], banner=BANNER))
    size = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    empty = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size[1].decode()}pt" height="{size[2].decode()}pt" '
             f'viewBox="0 0 {size[1].decode()} {size[2].decode()}" version="1.1"></svg>')
    [shown] = [b for block in data["blocks"] for b in block.get("blocks", [block]) if b["kind"] == "chart"]
    left_empty = {**data, "blocks": json.loads(json.dumps(data["blocks"]).replace(
        json.dumps(shown["svgs"]), json.dumps([empty] * len(shown["svgs"]))))}
    drawn, without = _pdf_pages(json.dumps(data)), _pdf_pages(json.dumps(left_empty))
    assert len(drawn) == len(without) > 2
    for page, bare in zip(drawn, without):
        ink = (bare < 250).any(axis=2)
        assert ink.any() and np.array_equal(page[ink], bare[ink])


def test_a_plot_left_out_of_a_window_leaves_its_definitions_and_nothing_else():
    from assets.reporting.typeset import window_svgs

    svg = (b'<svg data-plots="0:0:0.5 1:0.5:1 2:0.9:1" width="1pt">'
           b'<g id="figure_1"><g id="mhm-plot-0"><g id="a"><defs><path id="G1" d="M0"/></defs>'
           b'<use xlink:href="#G1"/></g><g id="empty"/></g>'
           b'<g id="mhm-plot-1"><use xlink:href="#G1"/><g id="mhm-plot-2"><rect/></g></g>'
           b'<g id="legend"><rect/></g></g></svg>')
    top, bottom = window_svgs(svg, [(0.0, 0.5), (0.5, 1.0)])
    # the first window: the lower plot (with the inset in it) left out
    assert top == (b'<svg data-plots="0:0:0.5 1:0.5:1 2:0.9:1" width="1pt">'
                   b'<g id="figure_1"><g id="mhm-plot-0"><g id="a"><defs><path id="G1" d="M0"/></defs>'
                   b'<use xlink:href="#G1"/></g><g id="empty"/></g>'
                   b'<g id="legend"><rect/></g></g></svg>')
    # the second: the upper plot's glyph kept, for the lower one draws it too
    assert bottom == (b'<svg data-plots="0:0:0.5 1:0.5:1 2:0.9:1" width="1pt">'
                      b'<g id="figure_1"><defs><path id="G1" d="M0"/></defs>'
                      b'<g id="mhm-plot-1"><use xlink:href="#G1"/><g id="mhm-plot-2"><rect/></g></g>'
                      b'<g id="legend"><rect/></g></g></svg>')
    # a chart that names no plots is the whole chart in each window
    assert window_svgs(b'<svg width="1pt"><g id="x"/></svg>', [(0, 0.5), (0.5, 1)]) == [
        b'<svg width="1pt"><g id="x"/></svg>'] * 2


def test_typsts_own_message_comes_back_when_it_cannot_typeset(tmp_path, monkeypatch):
    broken = tmp_path / "report.typ"
    broken.write_text('#let report = json(bytes(sys.inputs.data))\n#text(size: "groot")[x]\n')
    monkeypatch.setattr(typeset, "TEMPLATE", broken)
    with pytest.raises(TypstError, match="expected length"):
        report_pdf("PMG 2023", [Paragraph("x")])


def _reports(tmp_path) -> ReportSettings:
    return ReportSettings(output_dir=str(tmp_path / "reports"))


def test_both_editions_get_their_pdf_beside_their_html(tmp_path):
    out = write_report_editions(_reports(tmp_path), "pmg", 2023, "PMG 2023",
                                lambda edition: [Paragraph("onderzoekers" if edition.researcher else "iedereen")],
                                [Paragraph("Verantwoording")])
    finish_pdfs([out])
    assert PENDING not in out
    for html, pdf, words in (("rapport_onderzoekers.html", "rapport_onderzoekers.pdf", "onderzoekers"),
                             ("rapport.html", "rapport.pdf", "iedereen")):
        assert out[pdf] == out[html].with_name(pdf)
        [text] = _texts(out[pdf].read_bytes())
        assert words in text and "Verantwoording" in text and ("VERTROUWELIJK" in text) == (words == "onderzoekers")


def test_a_pdf_that_fails_says_why_leaves_no_stale_pdf_and_keeps_the_html(tmp_path, monkeypatch):
    reports = _reports(tmp_path)
    build = lambda edition: [Paragraph("tekst")]  # noqa: E731
    first = write_report_editions(reports, "pmg", 2023, "PMG 2023", build, [])
    finish_pdfs([first])
    assert first["rapport.pdf"].exists()

    def broken(*args, **kwargs):
        raise RuntimeError("error: unknown font family\n  ┌─ report.typ:12")

    monkeypatch.setattr(typeset, "report_pdf", broken)
    again = write_report_editions(reports, "pmg", 2023, "PMG 2023", build, [])
    finish_pdfs([again])
    assert again["rapport.pdf"] == "niet gemaakt: Typst gaf een fout (error: unknown font family ┌─ report.typ:12)"
    assert not first["rapport.pdf"].exists() and again["rapport.html"].exists()
    assert not [p for p in again["rapport.html"].parent.iterdir() if p.name.endswith(".tmp")]


def test_a_report_whose_writing_fails_halfway_leaves_the_earlier_one_whole(tmp_path, monkeypatch):
    """A disk full halfway through: readers keep the earlier report, and no temporary file is left."""
    import errno
    import os

    from assets.reporting import publish

    path = publish.write_atomic(tmp_path / "rapport.html", "het rapport van gisteren")
    fdopen = os.fdopen

    class DiskFull:
        def __init__(self, fd, mode):
            self.file = fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *error):
            self.file.close()

        def write(self, data):
            self.file.write(data[:len(data) // 2])
            self.file.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish.os, "fdopen", DiskFull)
    with pytest.raises(OSError, match="No space"):
        publish.write_atomic(path, "het rapport van vandaag, dat langer is")
    assert path.read_text(encoding="utf-8") == "het rapport van gisteren"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]



def test_a_report_is_made_beside_its_place_and_renamed_into_it(tmp_path, monkeypatch):
    """os.replace is atomic within one file system only (and fails across two): the temporary file
    is made in the report's own folder, not in the system's temporary folder."""
    from pathlib import Path

    from assets.reporting import publish

    renamed, replace = [], publish.os.replace

    def spy(source, target):
        renamed.append((Path(source).parent, Path(target)))
        replace(source, target)

    monkeypatch.setattr(publish.os, "replace", spy)
    path = publish.write_atomic(tmp_path / "pmg" / "2023" / "rapport.html", "het rapport")
    assert renamed == [(path.parent, path)] and path.read_text(encoding="utf-8") == "het rapport"

def test_without_pdfs_none_is_made_and_none_of_an_earlier_run_is_left(tmp_path):
    reports = _reports(tmp_path)
    build = lambda edition: [Paragraph("tekst")]  # noqa: E731
    finish_pdfs([write_report_editions(reports, "pmg", 2023, "PMG 2023", build, [], folder=("organisaties", "umcg"))])
    out = write_report_editions(reports, "pmg", 2023, "PMG 2023", build, [], folder=("organisaties", "umcg"),
                                pdfs=False)
    assert out["rapport.pdf"] == "niet gemaakt: niet gevraagd (MHM_ORGANISATION_PDFS=1 maakt ze)"
    assert not list(out["rapport.html"].parent.glob("*.pdf"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_banner_text_follows_the_report_language(tmp_path, lang):
    reports = ReportSettings(output_dir=str(tmp_path / "reports"), language=lang)
    out = write_report_editions(reports, "pmg", 2023, "PMG 2023", lambda edition: [Paragraph("x")], [])
    finish_pdfs([out])
    [text] = _texts(out["rapport_onderzoekers.pdf"].read_bytes())
    assert text.startswith(editions.text(lang, "researcher_banner"))


def test_a_chart_wider_than_the_text_is_set_on_a_landscape_page_at_its_size():
    """The theme matrix of many interventions is 11 inches wide: across the 17 cm of an upright
    page it was printed at 60%, its 8 pt labels at 5 pt. Sideways it keeps 92% of its size."""
    wide = Chart(_svg(11 * 72, 6 * 72), "Figuur 2 Thema's", "brede grafiek")
    blocks = [Paragraph("Eerst dit."), Heading("Thema's", 2), Paragraph("Hieronder de grafiek."), wide,
              Paragraph("Daarna dit.")]
    parts = typeset._on_pages(blocks)
    assert [b["kind"] for b in parts] == ["paragraph", "landscape", "paragraph"]
    [chart] = [b for b in parts[1]["blocks"] if b["kind"] == "chart"]
    assert chart["width_cm"] == LANDSCAPE_WIDTH_CM and chart["width_cm"] / (11 * 2.54) > 0.9
    pdf = PdfReader(io.BytesIO(report_pdf("PMG 2023", blocks)))
    shapes = [(float(p.mediabox.width) > float(p.mediabox.height), p.extract_text()) for p in pdf.pages]
    assert [landscape for landscape, _ in shapes] == [False, True, False]
    assert "Hieronder de grafiek." in shapes[1][1] and "Figuur 2 Thema's" in shapes[1][1]
    narrow = Chart(_svg(6.6 * 72, 4 * 72), "Figuur 1", "smalle grafiek")
    assert typeset._on_pages([narrow])[0]["kind"] == "chart"  # no wider than the text: upright
