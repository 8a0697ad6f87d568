"""PNGs of the charts drawn in this process, keyed by the drawing function and its exact inputs.

The chart assets and the reports draw the same charts from the same mart rows: the researcher
edition shows every group, as the chart assets do, and a stakeholder edition that hides nothing
shows them too. A run executes in one process (in_process_executor), so a report takes the
rendering the chart asset made a moment before instead of drawing it again. The key holds a
digest of every input, so a chart is only ever reused for exactly the rows it shows.
"""

import hashlib
import io
from collections import OrderedDict
from collections.abc import Callable

import polars as pl

from assets.reporting.style import figure_png

LIMIT = 64  # PNGs kept (a large year's chart is about 1 MB)
_PNGS: OrderedDict[tuple, bytes | None] = OrderedDict()


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


def chart_key(draw: Callable, args: tuple, kwargs: dict, dpi: int) -> tuple:
    return (draw.__module__, draw.__qualname__, _digest(args, kwargs), dpi)


def remember(key: tuple, png: bytes | None) -> None:
    _PNGS[key] = png
    _PNGS.move_to_end(key)
    while len(_PNGS) > LIMIT:
        _PNGS.popitem(last=False)


def chart_png(draw: Callable, *args, dpi: int = 150, **kwargs) -> bytes | None:
    """`draw(*args, **kwargs)` rendered as PNG at `dpi`, or None when it draws nothing; drawn only
    when this process has not rendered that chart of those very inputs yet."""
    key = chart_key(draw, args, kwargs, dpi)
    if key in _PNGS:
        _PNGS.move_to_end(key)
        return _PNGS[key]
    fig = draw(*args, **kwargs)
    png = None if fig is None else figure_png(fig, dpi=dpi)
    remember(key, png)
    return png
