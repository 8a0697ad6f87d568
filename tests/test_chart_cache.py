"""The per-process chart cache: a report reuses a chart asset's rendering exactly when the inputs are equal."""

import base64
import io

import duckdb
import polars as pl

from assets.reporting.chart_cache import chart_key, rendered_chart


def _draw(frame: pl.DataFrame, lang: str):
    return None


def _names(numbers) -> list[str]:
    return [f"an intervention name longer than a string view holds inline, no. {i}" for i in numbers]


def test_equal_frames_share_a_key_however_they_were_made():
    # A chart asset filters ten years' rows of a mart down to one; the report queries that year
    # on its own. Polars' string views of the filtered frame still point into all ten years' bytes.
    conn = duckdb.connect()
    conn.sql("""CREATE TABLE matrix AS SELECT (i // 10)::INTEGER AS year,
                ['werk_hulpbron', 'persoonlijke_hulpbron', 'persoonlijke_stressor', 'uitkomst'][i % 4 + 1] AS jdr_category
                FROM range(100) t(i)""")
    filtered = conn.sql("SELECT * FROM matrix ORDER BY year, jdr_category").pl().filter(pl.col("year") == 3)
    queried = conn.sql("SELECT * FROM matrix WHERE year = 3 ORDER BY year, jdr_category").pl()
    assert filtered.equals(queried)
    assert chart_key(_draw, (filtered, "nl"), {}) == chart_key(_draw, (queried, "nl"), {})


def test_different_rows_order_or_arguments_get_different_keys():
    frame = pl.DataFrame({"intervention": _names(range(3)), "n": [1, 2, 3]})
    key = chart_key(_draw, (frame, "nl"), {})
    assert chart_key(_draw, (frame.reverse(), "nl"), {}) != key
    assert chart_key(_draw, (frame.with_columns(n=pl.col("n") + 1), "nl"), {}) != key
    assert chart_key(_draw, (frame, "en"), {}) != key
    assert chart_key(_draw, (frame, "nl"), {"dpi": 300}) != key


def test_a_chart_is_drawn_once_per_inputs():
    calls = []

    def draw(frame):
        calls.append(frame.height)
        return None

    frame = pl.DataFrame({"intervention": _names(range(2))})
    assert rendered_chart(draw, frame) is None
    assert rendered_chart(draw, frame.filter(pl.lit(True))) is None
    assert calls == [2]


def test_a_report_embeds_the_svg_and_previews_a_small_png():
    from PIL import Image

    from assets.reporting.html import Chart, render_html, render_markdown
    from assets.reporting.style import new_figure

    def draw(frame):
        fig = new_figure(4, 2)
        fig.add_subplot().bar(range(frame.height), frame["n"].to_list())
        return fig

    chart = rendered_chart(draw, pl.DataFrame({"n": [3, 1, 2]}))
    assert b"<svg" in chart.svg
    block = Chart(chart.svg, "Figuur 1", "staafdiagram", preview=lambda: chart.preview(1 / 3))
    assert 'src="data:image/svg+xml;base64,' in render_html([block])
    uri = render_markdown([block]).split("](data:image/png;base64,", 1)[1].split(")", 1)[0]
    with Image.open(io.BytesIO(base64.b64decode(uri))) as image:
        assert image.size == (200, 100)   # 4 x 2 inches at a third of 150 dpi


def _draw_other(frame: pl.DataFrame, lang: str):
    return None


def test_another_drawing_function_or_other_keywords_get_another_key():
    """Two charts drawn from the same rows (a module's bar chart and its table of the rows), or
    one chart with its switches the other way round, are two pictures."""
    frame = pl.DataFrame({"intervention": _names(range(3)), "n": [1, 2, 3]})
    key = chart_key(_draw, (frame, "nl"), {})
    assert chart_key(_draw_other, (frame, "nl"), {}) != key
    same_name = type(_draw)(_draw.__code__, {"__name__": "assets.pmg.charts"}, "_draw")
    same_name.__qualname__ = _draw.__qualname__
    assert same_name.__module__ == "assets.pmg.charts" and chart_key(same_name, (frame, "nl"), {}) != key
    assert chart_key(_draw, (frame,), {"hide": True, "sort": False}) != chart_key(_draw, (frame,),
                                                                                  {"hide": False, "sort": True})
    assert chart_key(_draw, (frame, 1, 23), {}) != chart_key(_draw, (frame, 12, 3), {})


def test_a_chart_of_another_function_is_drawn_not_taken_from_the_cache():
    frame = pl.DataFrame({"n": [1, 2]})
    drawn = []

    def bars(frame):
        drawn.append("bars")

    def table(frame):
        drawn.append("table")

    rendered_chart(bars, frame)
    rendered_chart(table, frame)
    assert drawn == ["bars", "table"]
