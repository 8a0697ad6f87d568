"""What screen readers, zoom and weak eyes need of the reports (WCAG 2.1 AA, which public bodies
such as the Gemeente Groningen must meet): row and column headers, tables that scroll in their own
box instead of the page at 320 CSS px, readable labels on charts, a page language everywhere, and
the researcher PDF's banner read as text."""

import io
import re
import zlib

import numpy as np
import pytest
from pypdf import PdfReader

from assets.reporting.html import Table, page, render_html
from assets.reporting.style import OKABE_ITO, TEXT, contrast, diverging_colours, sequential_cmap, text_on
from assets.reporting.typeset import report_pdf
from assets.reporting.html import Paragraph
from checks.gx_runner import _html
from checks.suites import SUITES

BANNER = "VERTROUWELIJK – onderzoekerseditie"


def test_a_table_names_its_rows_and_columns_and_scrolls_in_a_named_box():
    html = render_html([Table(["Organisatie", "N"], [["UMCG", "12"], ["RUG", "7"]], "Tabel 3 Respondenten")])
    assert '<th scope="col">Organisatie</th>' in html and '<th scope="row">UMCG</th><td class="num">' not in html
    assert '<th scope="row">UMCG</th><td>12</td>' in html
    box = html.split("\n", 1)[0]
    assert 'class="table-wrap"' in box and 'role="region"' in box and 'tabindex="0"' in box
    label = box.split('aria-labelledby="')[1].split('"')[0]
    assert f'<caption id="{label}">Tabel 3 Respondenten</caption>' in html
    assert html.rstrip().endswith("</div>")
    # no caption: still scrollable by keyboard, but no region without a name
    bare = render_html([Table(["a"], [["1"]])])
    assert 'tabindex="0"' in bare and "role=" not in bare


def test_a_row_named_by_several_columns_has_a_row_header_in_each(full_run):
    """A PMG row is named by organisation, intervention and group together: "7,2" in the paired
    table is read out with all three, not with the organisation alone."""
    html = render_html([Table(["Organisatie", "Interventie", "Groep", "N"], [["RUG", "Training", "Team A", "7"]],
                              "Tabel 5", row_headers=3)])
    assert ('<th scope="row">RUG</th><th scope="row">Training</th><th scope="row">Team A</th><td>7</td>'
            in html)
    _, tmp = full_run
    report = (tmp / "reports" / "pmg" / "2023" / "rapport_onderzoekers.html").read_text(encoding="utf-8")
    paired = next(t for t in report.split("<table")[1:] if "dezelfde deelnemers" in t.split("</caption>")[0])
    first_row = paired.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count('scope="row"') == 3 and first_row.index("<td") > first_row.rindex('scope="row"')


def test_the_researcher_frame_is_no_data_table_and_does_not_widen_the_page():
    html = page("PMG 2023", "<p>x</p>", banner=BANNER)
    assert '<table class="frame" role="presentation">' in html
    assert ".frame{width:100%;border-collapse:collapse;table-layout:fixed}" in html


def _structure(node, out: list) -> list:
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure(child, out)
    elif isinstance(node, dict):
        if "/S" in node:
            out.append(str(node["/S"]))
        if "/K" in node:
            _structure(node["/K"], out)
    return out


def test_the_researcher_pdf_has_its_banner_read_as_text_once():
    """A page header is an artifact, which a screen reader skips: on the first page the banner is
    a paragraph of the document, before the title; the pages after still show it in the header."""
    def elements(banner):
        pdf = PdfReader(io.BytesIO(report_pdf("PMG 2023", [Paragraph("Inleiding.")], banner=banner)))
        return _structure(pdf.trailer["/Root"]["/StructTreeRoot"], [])[:3]

    assert elements(BANNER) == ["/Document", "/P", "/H1"]
    assert elements(None)[:2] == ["/Document", "/H1"]


@pytest.mark.parametrize("fill", [*(sequential_cmap()(v) for v in np.linspace(0, 1, 41)), *diverging_colours(5),
                                  *diverging_colours(4), *diverging_colours(7), *OKABE_ITO.values()])
def test_a_label_on_a_chart_colour_reaches_4_5_to_1(fill):
    """Dark text or white, whichever contrasts more; where neither reaches 4.5:1, a halo of the other."""
    style = text_on(fill)
    if "path_effects" in style:  # the text against its halo, which is the other of the two
        [halo] = style["path_effects"]
        assert contrast(style["color"], halo._gc["foreground"]) >= 4.5
        assert contrast(style["color"], fill) < 4.5 and contrast(halo._gc["foreground"], fill) < 4.5
    else:
        assert contrast(style["color"], fill) >= 4.5


def test_a_validation_page_says_its_language_and_fits_a_phone():
    html = _html(next(iter(SUITES.values())), [])
    assert html.startswith("<!doctype html><html lang=nl>") and 'name=viewport' in html


def test_every_chart_says_where_its_figures_are(full_run):
    """A chart's alternative text names the chart and the table that holds its figures (WCAG 1.1.1,
    for an image too complex to say in a sentence); the table is in the same report."""
    import re

    _, tmp = full_run
    reports = [tmp / "reports" / "pmg" / "2023" / name for name in ("rapport.html", "rapport_onderzoekers.html")]
    reports += [tmp / "reports" / "terug_in_balans" / "2024" / "rapport.html"]
    for report in reports:
        html = report.read_text(encoding="utf-8")
        alts = re.findall(r'<img src="[^"]*" alt="([^"]*)"', html)
        assert alts, report
        for alt in alts:
            tables = re.findall(r"Tabel (\d+)", alt)
            assert tables or alt.endswith("in de tabellen hierboven."), alt
            for no in tables:
                assert re.search(rf'<caption id="\w+">Tabel {no} ', html), (report.name, alt)


def test_a_quote_in_another_language_than_the_reports_is_marked_so(full_run):
    """The codebook says the interviews were held in Dutch, the Engelstalig group's in English: the
    Dutch researcher edition marks the English quotes (WCAG 3.1.2), the English edition the Dutch."""
    import re

    import duckdb

    _, tmp = full_run
    conn = duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True)
    languages = dict(conn.sql("SELECT group_label, any_value(language) FROM marts.pmg_theme_quotes "
                              "GROUP BY ALL").fetchall())
    conn.close()
    assert languages["Training Emoties Engelstalig"] == "en" and set(languages.values()) == {"nl", "en"}
    html = (tmp / "reports" / "pmg" / "2023" / "rapport_onderzoekers.html").read_text(encoding="utf-8")
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", html)
    english = [q for q in quotes if "Training Emoties Engelstalig)" in q]
    assert english and all(re.search(r'<span lang="en">[^<]+</span>', q) for q in english)
    assert not any("lang=" in q for q in quotes if q not in english)


def test_the_pdf_sets_a_foreign_quote_in_its_language():
    """The part in another language is a span tagged with it; the document stays Dutch."""
    quote = Paragraph("“I feel calmer” (Rust, Engelstalig)", "quote", ("en", "I feel calmer"))
    pdf = report_pdf("PMG 2023", [quote])
    streams = b"".join(zlib.decompress(m.group(1)) for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S)
                       if m.group(1)[:1] == b"x")  # the structure tree sits in compressed object streams
    assert re.search(rb"/Lang ?\(en\)", streams) and re.search(rb"/Lang ?\(nl\)", pdf)
    assert "I feel calmer" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_language_that_is_no_language_tag_is_refused_with_its_row(tmp_path):
    import shutil

    from assets.ingest.codebook import load_codebook
    from assets.ingest.errors import CodebookError
    from tests.conftest import DATA

    folder = tmp_path / "pmg" / "2023"
    shutil.copytree(DATA / "pmg" / "2023", folder)
    codebook = folder / "codebook_interviews.yaml"
    codebook.write_text(codebook.read_text(encoding="utf-8").replace("language: nl", "language: Nederlands", 1),
                        encoding="utf-8")
    with pytest.raises(CodebookError, match="'Nederlands'; expected a language tag") as error:
        load_codebook(codebook, tmp_path)
    assert "row " in str(error.value)


@pytest.mark.parametrize("k", [4, 5, 6, 7])
def test_neighbouring_points_of_a_likert_bar_are_told_apart_without_colour(k):
    """Each boundary between two points has 3:1 (WCAG 1.4.11): the neighbours differ so much, or
    the edge drawn between them differs so much from one of them. (At 6 or 7 points the two
    darkest blues came to 1.8:1, the edge to 2.6:1.)"""
    from assets.terug_in_balans.charts import EDGE

    colours = diverging_colours(k)
    for a, b in zip(colours, colours[1:]):
        assert max(contrast(a, b), contrast(EDGE, a), contrast(EDGE, b)) >= 3, (a, b)


def test_an_english_report_says_it_is_english_in_its_html_and_its_pdf(tmp_path):
    """A screen reader reads an English edition with an English voice only when the page and the PDF say so."""
    from assets.reporting.editions import finish_pdfs, write_report_editions
    from pipelines.resources import ReportSettings

    out = write_report_editions(ReportSettings(output_dir=str(tmp_path / "reports"), language="en"), "pmg", 2023,
                                "PMG 2023", lambda edition: [Paragraph("Every figure.")], [])
    finish_pdfs([out])
    for html, pdf in (("rapport.html", "rapport.pdf"), ("rapport_onderzoekers.html", "rapport_onderzoekers.pdf")):
        assert '<html lang="en">' in out[html].read_text(encoding="utf-8")
        assert re.search(rb"/Lang ?\(en\)", out[pdf].read_bytes()) and not re.search(rb"/Lang ?\(nl\)",
                                                                                      out[pdf].read_bytes())


def test_a_quote_tagged_with_a_region_still_gives_a_pdf():
    """The codebook accepts en-GB (its own comment's example); Typst's text(lang:) does not."""
    from assets.ingest.codebook import LANGUAGE_TAG

    assert LANGUAGE_TAG.fullmatch("en-GB")
    assert report_pdf("PMG 2023", [Paragraph("“I feel calmer” (x)", "quote", ("en-GB", "I feel calmer"))])


def test_report_folders_let_a_web_server_in_without_the_services_group(tmp_path):
    """operations.md sets UMask=0027 and put www-data in the group mhm to pass the 0750 folders:
    then it read the 0640 researcher editions and the 0640 warehouse as well."""
    import os
    import stat

    from assets.reporting.publish import write_atomic

    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "reports" / "pmg" / "2023" / "rapport.html", "x")
        write_atomic(tmp_path / "reports" / "pmg" / "2023" / "rapport_onderzoekers.html", "x", public=False)
    finally:
        os.umask(old)
    def mode(*parts):
        return stat.S_IMODE((tmp_path / "reports" / os.path.join(*parts)).stat().st_mode)
    assert mode("pmg") == mode("pmg", "2023") == 0o755
    assert mode("pmg", "2023", "rapport.html") == 0o644 and mode("pmg", "2023", "rapport_onderzoekers.html") == 0o640


@pytest.mark.parametrize("interventions", [3, 12, 30, 60])  # a panel each up to twelve, then a row each
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_theme_matrix_writes_no_text_below_8_pt_and_none_over_another(interventions, lang):
    """Zoom does not enlarge a chart's text: its labels and numbers were 6.5 to 7.5 pt. Larger, they
    must still not run into each other, also with long names ("Overarching context" beside
    "Organisation"; a panel title of a long intervention and organisation name)."""
    import itertools
    import random

    import polars as pl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from assets.ingest.codebook import IGLOO_LEVELS
    from assets.pmg.charts import GRID_CATEGORIES, MAX_PANELS, draw_theme_matrix
    from assets.reporting.page import TEXT_WIDTH_CM

    pick = random.Random(1)
    rows = [{"intervention": f"Training Emoties Engelstalig voor leidinggevenden {i}",
             "organisation": f"Gemeente Groningen {i % 7}", "igloo_level": level, "jdr_category": category,
             "n_themes": pick.randint(1, 12)}
            for i in range(interventions) for level in IGLOO_LEVELS for category in GRID_CATEGORIES
            if pick.random() < 0.5]
    fig = draw_theme_matrix(pl.DataFrame(rows), lang)
    if interventions <= MAX_PANELS:  # printed at its size: two panels abreast printed 8 pt labels at 4 pt
        assert fig.get_figwidth() * 2.54 <= TEXT_WIDTH_CM
    FigureCanvasAgg(fig).draw()  # tick labels and their places exist once drawn
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    sizes = {t.get_text(): t.get_fontsize() for t in texts}
    assert len(sizes) > 20 and min(sizes.values()) >= 8, sorted(sizes.items(), key=lambda kv: kv[1])[:5]
    renderer = fig.canvas.get_renderer()
    words = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if not t.get_text().strip().isdigit()]
    overlapping = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(words, 2) if box_a.overlaps(box_b)]
    assert not overlapping, overlapping[:3]


@pytest.mark.parametrize("chart", ["pmg_mental_health", "pmg_mental_health_long_names", "tib_skills",
                                   "tib_skills_long_names", "tib_factor_ratings", "tib_return_to_work"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_chart_is_printed_at_its_size_with_no_text_below_8_pt_and_none_over_another(chart, lang, warehouse):
    """The PDF sets a chart across the text's 17 cm: charts 8.5 to 11 inches wide were printed at 60
    to 80% of their size, their 8 to 10 pt labels at 5 to 8 pt. Drawn that wide at most, their titles
    and legends ran off the figure unless set across it."""
    import itertools

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from assets.pmg.charts import draw_mental_health
    from assets.reporting.page import TEXT_WIDTH_CM
    from assets.terug_in_balans.charts import draw_factor_diverging, draw_return_and_relapse, draw_skills

    def rows(sql):
        return warehouse.sql(sql).pl()

    fig = {
        "pmg_mental_health": lambda: draw_mental_health(rows(
            "SELECT * FROM marts.pmg_mental_health WHERE year = 2023 ORDER BY organisation, intervention, wave"), lang),
        "pmg_mental_health_long_names": lambda: draw_mental_health(rows(
            "SELECT * REPLACE (intervention || ' Engelstalig voor leidinggevenden en medewerkers' AS intervention, "
            "organisation || ' Stadsdeel Noord-Oost' AS organisation) FROM marts.pmg_mental_health "
            "WHERE year = 2023 ORDER BY organisation, intervention, wave"), lang),
        "tib_skills": lambda: draw_skills(rows("SELECT * FROM marts.tib_skills WHERE year = 2024"), lang),
        "tib_skills_long_names": lambda: draw_skills(rows(
            "SELECT * REPLACE (skill || ' in werk en thuis, ook onder tijdsdruk en met een volle agenda' AS skill) "
            "FROM marts.tib_skills WHERE year = 2024"), lang),
        "tib_factor_ratings": lambda: draw_factor_diverging(rows(
            "SELECT * FROM marts.tib_factor_ratings WHERE year = 2024 ORDER BY factor, rating"), lang),
        "tib_return_to_work": lambda: draw_return_and_relapse(
            rows("SELECT * FROM marts.tib_return_to_work WHERE year = 2024"),
            rows("SELECT * FROM marts.tib_relapse WHERE year = 2024"),
            rows("SELECT * FROM marts.tib_share_intervals WHERE year = 2024"), lang),
    }[chart]()
    assert fig.get_figwidth() * 2.54 <= TEXT_WIDTH_CM
    FigureCanvasAgg(fig).draw()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert min(t.get_fontsize() for t in texts) >= 8
    renderer = fig.canvas.get_renderer()
    figure = fig.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    assert all(figure.x0 - 1 <= b.x0 and b.x1 <= figure.x1 + 1 for _, b in boxes), \
        [(s, b.x0, b.x1) for s, b in boxes if b.x0 < figure.x0 - 1 or b.x1 > figure.x1 + 1]
    overlapping = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]
    assert not overlapping, overlapping[:3]
