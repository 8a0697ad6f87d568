"""Charts drawn in this process, keyed by the drawing function and its exact inputs.

The chart assets and the reports draw the same charts from the same mart rows: the mental-health
chart asset draws what the stakeholder edition shows, the other chart assets draw what both
editions show, and an edition that hides nothing shows the same picture as the other. A run
executes in one process (in_process_executor), so a report takes the rendering the chart asset
made a moment before instead of drawing it again. The key holds a digest of every input, so a
chart is only ever reused for exactly the rows it shows.
"""

import hashlib
import io
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from assets.reporting.style import DPI, figure_svg
from assets.reporting.typeset import svg_png

LIMIT = 64  # charts kept (a large year's chart is about 0.4 MB of SVG)


@dataclass(frozen=True)
class Rendered:
    """A chart as SVG: what the reports embed, and what any PNG of it is rasterised from."""

    svg: bytes

    def preview(self, scale: float) -> bytes:
        """A small PNG of the chart, `scale` times the chart assets' size."""
        return svg_png(self.svg, DPI * scale)


_CHARTS: OrderedDict[tuple, Rendered | None] = OrderedDict()


def _digest(args: tuple, kwargs: dict) -> str:
    h = hashlib.sha256()
    for value in (*args, *sorted(kwargs.items())):
        if isinstance(value, pl.DataFrame):
            buf = io.BytesIO()
            # Schema and values in row order. The oldest format writes strings as one contiguous
            # buffer: Polars' string views of a filtered frame otherwise carry the bytes of rows
            # filtered out, and equal frames would not share a key.
            value.write_ipc(buf, compat_level=pl.CompatLevel.oldest())
            h.update(buf.getvalue())
        else:
            h.update(repr(value).encode())
        h.update(b"\0")
    return h.hexdigest()


def chart_key(draw: Callable, args: tuple, kwargs: dict) -> tuple:
    return (draw.__module__, draw.__qualname__, _digest(args, kwargs))


def remember(key: tuple, rendered: Rendered | None) -> None:
    _CHARTS[key] = rendered
    _CHARTS.move_to_end(key)
    while len(_CHARTS) > LIMIT:
        _CHARTS.popitem(last=False)


def rendered_chart(draw: Callable, *args, **kwargs) -> Rendered | None:
    """`draw(*args, **kwargs)` rendered, or None when it draws nothing; drawn (as SVG only) when
    this process has not rendered that chart of those very inputs yet."""
    key = chart_key(draw, args, kwargs)
    if key in _CHARTS:
        _CHARTS.move_to_end(key)
        return _CHARTS[key]
    fig = draw(*args, **kwargs)
    rendered = None if fig is None else Rendered(figure_svg(fig))
    remember(key, rendered)
    return rendered
