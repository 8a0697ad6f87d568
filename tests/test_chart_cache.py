"""The per-process chart cache: a report reuses a chart asset's PNG exactly when the inputs are equal."""

import duckdb
import polars as pl

from assets.reporting.chart_cache import chart_key, chart_png


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
    assert chart_key(_draw, (filtered, "nl"), {}, 150) == chart_key(_draw, (queried, "nl"), {}, 150)


def test_different_rows_order_or_arguments_get_different_keys():
    frame = pl.DataFrame({"intervention": _names(range(3)), "n": [1, 2, 3]})
    key = chart_key(_draw, (frame, "nl"), {}, 150)
    assert chart_key(_draw, (frame.reverse(), "nl"), {}, 150) != key
    assert chart_key(_draw, (frame.with_columns(n=pl.col("n") + 1), "nl"), {}, 150) != key
    assert chart_key(_draw, (frame, "en"), {}, 150) != key
    assert chart_key(_draw, (frame, "nl"), {}, 300) != key


def test_a_chart_is_drawn_once_per_inputs():
    calls = []

    def draw(frame):
        calls.append(frame.height)
        return None

    frame = pl.DataFrame({"intervention": _names(range(2))})
    assert chart_png(draw, frame) is None
    assert chart_png(draw, frame.filter(pl.lit(True))) is None
    assert calls == [2]
