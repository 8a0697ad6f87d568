"""The fast way charts become files (layout fixed once, one drawing, the PNG rasterised from the SVG)
gives what a plain `savefig` of the same figure gives; the batched mental-health chart draws what a
dot-by-dot drawing would."""

import io
import re

import numpy as np
import polars as pl
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_hex
from matplotlib.text import Text
from PIL import Image

from assets.pmg.charts import WAVE_COLOURS, draw_mental_health, draw_theme_matrix
from assets.reporting.chart_files import PREVIEW_BUDGET, publish_charts
from assets.reporting.chart_cache import Rendered
from assets.reporting.style import DPI, figure_svg, house_style, new_figure
from assets.reporting.typeset import svg_png
from assets.reporting.texts import texts_for
from assets.terug_in_balans.charts import draw_skills
from pipelines.resources import ReportSettings


def mental_health(n: int, waves_of=lambda i: ("T0", "T1")) -> pl.DataFrame:
    return pl.DataFrame([{"organisation": f"Org {i % 3}", "intervention": f"Interventie {i:02d}", "wave": wave,
                          "n": 3 + i, "mean": 4.0 + (i * 7 + len(wave) + (wave == "T1")) % 5, "min": 1.0, "max": 10.0}
                         for i in range(n) for wave in waves_of(i)])


def matrix(n: int) -> pl.DataFrame:
    return pl.DataFrame([{"organisation": "UMCG", "intervention": f"Interventie {i:02d}", "igloo_level": level, "jdr_category": category,
                          "n_themes": (i + j) % 4}
                         for i in range(n)
                         for j, (level, category) in enumerate([("Individu", "werk_hulpbron"),
                                                                ("Groep", "werk_stressor"),
                                                                ("Organisatie", "uitkomst")])])


def skills() -> pl.DataFrame:
    return pl.DataFrame({"skill": ["Grenzen stellen", "Ontspannen", "Hulp vragen"], "pct_strengthened": [80.0, 60.0, 40.0],
                         "pct_still_applied": [70.0, 50.0, 20.0], "n_respondents": [30, 30, 30]})


SHARE_DIFFERENT = 0.03  # of the pixels, at a quarter of the resolution; a label out of place is more


def coarse(rgb: np.ndarray) -> np.ndarray:
    """Grey, at a quarter of the resolution: edges drawn half a pixel apart look the same."""
    image = Image.fromarray(rgb).convert("L")
    return np.asarray(image.resize((image.width // 4, image.height // 4), Image.Resampling.BOX)).astype(int)


def plain_png(fig, dpi: int) -> np.ndarray:
    """What matplotlib's own savefig makes of a figure that still has its constrained layout."""
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="png", dpi=dpi)
    return np.asarray(Image.open(buf).convert("RGB"))


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_the_png_is_what_a_plain_savefig_draws():
    """Rasterised from the SVG, not drawn by Agg: the same size, and the same picture where edges
    are smoothed apart (matplotlib hints its text, resvg does not; hatching starts elsewhere)."""
    for draw in (lambda: draw_mental_health(mental_health(6)), lambda: draw_theme_matrix(matrix(5)),
                 lambda: draw_skills(skills())):
        expected = plain_png(draw(), DPI)
        got = pixels(svg_png(figure_svg(draw()), DPI))
        # Agg rounds a size of 457.5 pixels down, resvg up
        assert all(abs(g - e) <= 1 for g, e in zip(got.shape, expected.shape))
        height, width = min(got.shape[0], expected.shape[0]), min(got.shape[1], expected.shape[1])
        difference = np.abs(coarse(got[:height, :width]) - coarse(expected[:height, :width]))
        assert (difference > 64).mean() < SHARE_DIFFERENT


def test_the_png_records_its_dpi_and_nothing_else():
    png = svg_png(figure_svg(draw_skills(skills())), 130)
    with Image.open(io.BytesIO(png)) as image:
        assert round(image.info["dpi"][0]) == 130
        assert set(image.info) == {"dpi"}  # no software, no date
        assert np.asarray(image.convert("RGBA"))[..., 3].min() == 255  # opaque, on white


def test_svg_with_the_layout_fixed_holds_the_same_elements_as_a_plain_svg():
    def texts(svg: bytes) -> list[str]:
        # Text is drawn as outlines; matplotlib writes each text's string in a comment before them.
        return sorted(re.findall(r'<g id="text_\d+">\s*<!-- (.*?) -->', svg.decode(), re.S))

    fast = figure_svg(draw_theme_matrix(matrix(4)))
    buf = io.BytesIO()
    with house_style():
        draw_theme_matrix(matrix(4)).savefig(buf, format="svg")
    plain = buf.getvalue()
    assert texts(fast) == texts(plain) and texts(fast)
    assert fast.count(b"<image") == plain.count(b"<image") == 5  # four panels and the colour bar
    assert fast.decode().count("<path") == plain.decode().count("<path")


def _breaks(svg: bytes) -> list[float]:
    return [float(b) for b in re.search(rb'<svg [^>]*data-row-breaks="([^"]*)"', svg)[1].split()]


def test_a_chart_taller_than_a_page_is_drawn_in_parts_cut_between_them_and_nowhere_through_rows():
    """The mental-health chart of 30 interventions is drawn in four parts of a page each; the row
    breaks a PDF cuts it at (its SVG's data-row-breaks) are the three between them, and cross no
    label and no dot: on the chart's own pixels each break's line is blank but for the light grid,
    while between two breaks a part's ink is."""
    fig = draw_mental_health(mental_health(30))
    svg = figure_svg(fig)
    grey = np.asarray(Image.open(io.BytesIO(svg_png(svg, DPI))).convert("L")).astype(int)
    lines = [round(b * grey.shape[0]) for b in _breaks(svg)]
    assert [len(ax.get_yticks()) for ax in fig.axes] == [8, 8, 7, 7] and len(lines) == 3
    assert all(grey[line].min() > 200 for line in lines)  # the grid is #DDDDDD (221); text, dots and lines darker
    assert all(grey[above:below].min() < 100 for above, below in zip([0, *lines], [*lines, grey.shape[0]]))
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert labels == [f"Interventie {i:02d}\n(Org {i % 3})" for i in range(30)]  # each once, in order
    # a dot and its label for each wave of each intervention, on its own row of its part
    assert [len(c.get_offsets()) for ax in fig.axes for c in ax.collections] == [8, 8, 8, 8, 7, 7, 7, 7]
    assert sum(len(ax.texts) for ax in fig.axes) == 60
    assert all(sorted({int(y) for c in ax.collections for _, y in c.get_offsets()}) == list(range(len(ax.get_yticks())))
               for ax in fig.axes)


def test_each_part_of_a_chart_printed_in_parts_has_its_scale_above():
    """Every part of a chart cut over pages shows the scale above it, and the last the axis below
    too: a page in the middle showed dots and no scale. A chart that fits on a page has it below only."""
    def scales(fig) -> list[tuple[bool, bool]]:
        return [(all(t.label2.get_visible() for t in ax.xaxis.get_major_ticks()),
                 all(t.label1.get_visible() for t in ax.xaxis.get_major_ticks())) for ax in fig.axes]

    assert scales(draw_mental_health(mental_health(30))) == [(True, False)] * 3 + [(True, True)]
    assert scales(draw_mental_health(mental_health(5))) == [(False, True)]


def _spans(fig) -> list[tuple[float, float]]:
    """Each plot's (top, bottom) as fractions of the figure from its top."""
    return [(1 - ax.get_position().y1, 1 - ax.get_position().y0) for ax in fig.axes]


def test_a_theme_matrix_taller_than_a_page_is_drawn_in_parts_each_with_its_headings_and_scale():
    """The theme matrix of 40 interventions (a row each, landscape) is drawn in four parts of a page
    each, each with the IGLOO levels above it, the JD-R categories below it and its colour scale, and
    cut between them alone: cut between rows of one plot, the pages between the first and the last
    showed cells without headings."""
    fig = draw_theme_matrix(matrix(40))
    breaks = _breaks(figure_svg(fig))
    parts = [ax for ax in fig.axes if ax.images]
    assert [ax.images[0].get_array().shape[0] for ax in parts] == [10] * 4 and len(breaks) == 3
    assert all(not any(top < b < bottom for top, bottom in _spans(fig)) for b in breaks)
    levels = texts_for("nl")("Individu")
    for ax in parts:
        assert levels in [t.get_text() for t in ax.texts]
        assert len([t for t in ax.get_xticklabels() if t.get_text()]) == 5 * 5  # five categories at five levels
    assert len(fig.axes) == 8  # a colour scale beside each part
    labels = [t.get_text() for ax in parts for t in ax.get_yticklabels()]
    assert labels == [f"Interventie {i:02d} (UMCG)" for i in range(40)]


def test_a_plot_a_page_holds_is_cut_between_plots_alone_and_a_taller_one_between_its_rows():
    """The theme matrix of 12 interventions (a panel each, each less than a page) is cut only between
    its panels, a panel never split. One plot taller than a page (a chart no code of ours draws
    today) is cut between its rows, through none of their labels."""
    stacked = draw_theme_matrix(matrix(12))
    breaks = _breaks(figure_svg(stacked))
    assert len(breaks) >= 11 and all(not any(top < b < bottom for top, bottom in _spans(stacked)) for b in breaks)
    with house_style():
        tall = new_figure(6.6, 30)
        ax = tall.subplots()
        ax.barh(range(40), range(1, 41), height=0.5)
        ax.set_yticks(range(40), [f"rij {i}" for i in range(40)])
    breaks = _breaks(figure_svg(tall))
    assert len(breaks) == 39
    # each row's height as a fraction of the figure from its top, as the breaks are
    rows = sorted(1 - ax.transData.transform((0, y))[1] / tall.bbox.height for y in range(40))
    assert all(a < b < c for a, b, c in zip(rows, breaks, rows[1:]))


def test_drawing_twice_gives_the_same_svg_and_the_same_png():
    fig = draw_mental_health(mental_health(5))
    first = figure_svg(fig)
    assert figure_svg(fig) == first
    assert svg_png(first, DPI) == svg_png(first, DPI)


def test_the_svg_lets_go_of_the_layout_canvas_at_once():
    # Not when a full garbage collection frees the figure: those are rare in a run's large process,
    # and a report drawing chart after chart grew by a canvas each time.
    fig = draw_mental_health(mental_health(5))
    figure_svg(fig)
    held = [t for t in fig.findobj(Text) if isinstance(t._renderer, RendererAgg)]
    assert not held and not isinstance(getattr(fig.canvas, "renderer", None), RendererAgg)


def test_a_preview_is_the_chart_at_a_lower_resolution():
    svg = figure_svg(draw_skills(skills()))
    full, preview = svg_png(svg, DPI), Rendered(svg).preview(0.4)
    with Image.open(io.BytesIO(full)) as image, Image.open(io.BytesIO(preview)) as small:
        assert abs(small.width - image.width * 0.4) <= 1 and abs(small.height - image.height * 0.4) <= 1


def test_mental_health_draws_one_dot_and_one_label_per_wave_and_intervention():
    # The first intervention has only a T1: the legend still lists T1 first, as the first row shows it.
    df = mental_health(7, waves_of=lambda i: ("T1",) if i == 0 else ("T0", "T1") if i % 3 else ("T0",))
    fig = draw_mental_health(df)
    ax = fig.axes[0]
    dots = {}
    for collection in ax.collections:
        colour = tuple(collection.get_facecolor()[0])
        for x, y in collection.get_offsets():
            dots.setdefault((float(x), int(y)), []).append(colour)
    rows = df.select("organisation", "intervention").unique(maintain_order=True).rows()
    expected = {}
    for r in df.iter_rows(named=True):
        y = rows.index((r["organisation"], r["intervention"]))
        expected.setdefault((r["mean"], y), []).append(r["wave"])
    assert sorted(dots) == sorted(expected)
    assert all(len(dots[k]) == len(expected[k]) for k in expected)
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == df.height
    assert all(f"(N={n})" in " ".join(labels) for n in df["n"])
    t = texts_for("nl")
    assert [x.get_text() for x in fig.legends[0].get_texts()] == [t("wave_T1"), t("wave_T0")]
    # T1 dots are drawn after T0 dots (on top where the means coincide), each wave in its colour.
    assert [c.get_label() for c in ax.collections] == [t("wave_T0"), t("wave_T1")]
    assert [to_hex(c.get_facecolor()[0]) for c in ax.collections] == [WAVE_COLOURS["T0"].lower(),
                                                                       WAVE_COLOURS["T1"].lower()]


def test_publish_writes_every_year_and_previews_the_newest_within_budget(tmp_path):
    reports = ReportSettings(output_dir=str(tmp_path))
    drawn = []

    def draw(year):
        drawn.append(year)
        return None if year == 2019 else draw_skills(skills())

    result = publish_charts(reports, "terug_in_balans", "tib_skills",
                            {year: (lambda y=year: draw(y)) for year in (2018, 2019, 2020, 2021)})
    assert sorted(drawn) == [2018, 2019, 2020, 2021]
    for year in (2018, 2020, 2021):
        with Image.open(tmp_path / "terug_in_balans" / str(year) / "tib_skills.png") as png:
            assert round(png.info["dpi"][0]) == DPI  # the file at full resolution, not the preview's
        assert (tmp_path / "terug_in_balans" / str(year) / "tib_skills.svg").exists()
    assert not (tmp_path / "terug_in_balans" / "2019").exists()
    metadata = result.metadata
    assert metadata["years"].value == 3
    assert metadata["path"].value.endswith("2021/tib_skills.png")
    assert {k for k in metadata if k.startswith("path_")} == {"path_2018", "path_2020", "path_2021"}
    preview = metadata["preview"].value
    shown = re.findall(r"\*\*(\d{4})\*\*", preview)
    assert shown[0] == "2021" and shown == sorted(shown, reverse=True)
    uris = re.findall(r"data:image/png;base64,[^)]*", preview)
    assert len(uris) == len(shown) and (len(shown) == 1 or sum(map(len, uris)) <= PREVIEW_BUDGET)



def test_a_year_with_nothing_left_to_draw_loses_an_earlier_runs_chart(tmp_path):
    """Its rows are gone (withdrawn, or now below the reporting minimum): the chart of the old rows goes too."""
    reports = ReportSettings(output_dir=str(tmp_path))
    publish_charts(reports, "terug_in_balans", "tib_skills", {2019: lambda: draw_skills(skills())})
    folder = tmp_path / "terug_in_balans" / "2019"
    assert {p.name for p in folder.iterdir()} == {"tib_skills.png", "tib_skills.svg"}
    (folder / "tib_factors.png").write_bytes(b"another chart")
    publish_charts(reports, "terug_in_balans", "tib_skills", {2019: lambda: None})
    assert [p.name for p in folder.iterdir()] == ["tib_factors.png"]

def test_a_run_of_several_years_shares_the_preview_budget_among_them(tmp_path):
    """Dagster stores a run's metadata once per partition: a backfill of ten years stored its
    preview of ten years ten times. The budget is shared; the newest year is always previewed."""
    figures = {year: (lambda: draw_skills(skills())) for year in (2018, 2019, 2020, 2021)}
    reports = ReportSettings(output_dir=str(tmp_path))

    def previews(copies):
        result = publish_charts(reports, "terug_in_balans", "tib_skills", figures, copies=copies)
        return re.findall(r"data:image/png;base64,[^)]*", result.metadata["preview"].value)

    one = previews(1)
    assert len(one) == 4 and len(one[0]) * 4 <= PREVIEW_BUDGET  # one year's run shows them all
    shared = previews(4)
    assert 1 <= len(shared) < 4 and sum(map(len, shared)) <= PREVIEW_BUDGET // 4
    assert len(previews(1000)) == 1
