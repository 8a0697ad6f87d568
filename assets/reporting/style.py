"""The house style of every chart, and turning a figure into bytes for files and HTML."""

import base64
import io
import math
import textwrap
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")  # no display on the Dagster worker

import matplotlib as mpl  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.backend_bases import FigureCanvasBase  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from assets.reporting.page import printed  # noqa: E402

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies and in greyscale order.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
}
PALETTE = [OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "vermillion", "sky_blue", "reddish_purple",
                                  "yellow", "black")]
GREY = "#8C8C8C"
TEXT = "#222222"

RC = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: same glyphs (é, –) on every machine
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": TEXT,
    "text.color": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.grid": False,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.bbox": None,  # constrained layout already fits the figure; "tight" would draw everything twice
    "svg.hashsalt": "mhm-reports",  # stable element ids: rebuilding unchanged data gives identical SVG
    # Text as outlines: a reader's machine without the font (DejaVu Sans) would set labels in another
    # font, wider or narrower than the layout measured, and they would overlap.
    "svg.fonttype": "path",
    # Labels are names from the exports (an intervention typed by a respondent): "$...$" in one must be
    # printed as it is, not parsed as mathtext ("$\\foo$" raised, and no report was written).
    "text.parse_math": False,
}

DPI = 150  # of the charts' PNGs
# Inches: a chart this wide or less is printed at its own size in the PDF, whose text is 17 cm wide
# (assets/reporting/typeset.py); a wider one is scaled down to it, and its text with it.
CHART_MAX_WIDTH = 6.6
TITLE_CHARACTERS = 55  # of a 13 pt bold title on a line of that width
# An attribute of the SVG's root: row_breaks, where a PDF's page may cut a chart taller than it
ROW_BREAKS = "data-row-breaks"
# Another: where each plot of such a chart is ("<i>:<top>:<bottom>", fractions of its height from the
# top), the plot's group in the SVG having the id PLOT_ID + i, so that each page's window onto the
# chart can carry only the plots it shows (typeset.window_svgs)
PLOTS, PLOT_ID = "data-plots", "mhm-plot-"
# Leave out the timestamps and software versions matplotlib writes by default, so outputs are reproducible.
_SVG_METADATA = {"Date": None, "Creator": None}


@contextmanager
def house_style():
    """Apply the house style while a figure is built and saved (rcParams are read at both times)."""
    with mpl.rc_context(RC):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure not registered with pyplot, so nothing leaks between asset runs in one process."""
    return Figure(figsize=(width, height), layout="constrained")


def set_title(ax, label: str, **kwargs) -> None:
    """ax.set_title, at the top of the axes, without matplotlib placing it again at every drawing.

    Matplotlib moves a title up only when something of the axes is above it (ticks or an x label on
    top); in our charts nothing is, and the title stays at the top. Finding that out measured every
    y tick label anew at each of a chart's three drawings (layout, PNG, SVG)."""
    ax.set_title(label, y=1.0, **kwargs)  # an explicit y switches the automatic placement off


def heading(fig: Figure, title: str, legend: tuple[list, list] | None = None, ncol: int = 2,
            **legend_kwargs) -> None:
    """The chart's title across the figure's width, left-aligned above everything, and its legend
    below: over the axes alone (right of the category labels) they ran off a chart no wider than a
    page."""
    fig.suptitle("\n".join(textwrap.fill(line, TITLE_CHARACTERS) for line in title.split("\n")), x=0.01,
                 ha="left", fontweight="bold", fontsize=13)
    if legend is not None:
        fig.legend(*legend, loc="outside lower left", ncol=ncol, borderaxespad=0.2, **legend_kwargs)


@contextmanager
def _measured(fig: Figure, dpi: float):
    """Agg's renderer of `fig` at `dpi`, which text sizes are measured with; let go of afterwards.

    The figure keeps the measuring canvas (tens of MB for a large chart), in its canvas and in every
    text measured, until a full garbage collection frees the figure, its artists referring to each
    other; in a process as large as a run's those are rare."""
    canvas = FigureCanvasAgg(fig)
    saved = fig.dpi
    fig.dpi = dpi
    try:
        yield canvas.get_renderer()
    finally:
        fig.dpi = saved
        FigureCanvasBase(fig)
        for text in fig.findobj(Text):
            text._renderer = None  # what get_window_extent falls back to without a renderer; None is its start


def fix_layout(fig: Figure, dpi: float) -> None:
    """Run the figure's layout engine once, at the dpi it is rendered at, and keep the positions.

    `savefig` on a figure with a layout engine draws it twice (once with drawing switched off, to
    lay it out) and lays it out again for every file. With the layout fixed beforehand each file is
    one drawing. The positions are fractions of the figure; the first call decides."""
    with _measured(fig, dpi):
        _lay_out(fig)


def _lay_out(fig: Figure) -> None:
    """fix_layout, with the figure being measured."""
    engine = fig.get_layout_engine()
    if engine is None:
        return  # laid out already (or never meant to be)
    # Both off, or set_layout_engine(None) would put a fresh engine back in (see its docstring).
    with house_style(), mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        engine.execute(fig)
        fig.set_layout_engine(None)


def _gaps(spans: list[tuple[float, float]]) -> list[float]:
    """The middle of every gap between `spans` (low, high) that overlap no other span."""
    gaps, top = [], None
    for low, high in sorted(spans):
        if top is not None and low > top:
            gaps.append((top + low) / 2)
        top = high if top is None else max(top, high)
    return gaps


def _plot_boxes(fig: Figure, renderer) -> dict[int, object]:
    """{i: the bounding box of fig.axes[i] with all it draws}, of each plot drawn (colour bars too)."""
    with house_style():
        return {i: box for i, ax in enumerate(fig.axes) if (box := ax.get_tightbbox(renderer)) is not None}


def row_breaks(fig: Figure, renderer, page: float, boxes: dict[int, object]) -> list[float]:
    """Heights, as fractions of the figure from its top, where it can be cut without cutting text
    or a bar: between two axes stacked one under another, and between two rows of an axes taller
    than `page` (a fraction of the figure's height; half-way between its y ticks). A PDF sets a
    chart taller than a page in page-high windows, cut at these (typeset.py); cut anywhere, a row's
    label was split over two pages. An axes a page holds is not cut: a part of it is not read alone.
    `boxes`: the plots' boxes (_plot_boxes)."""
    pad = 1.5 * fig.dpi / 72  # 1.5 pt, in the renderer's pixels
    with house_style():
        height = fig.bbox.height
        candidates, tall = [], [ax for ax in fig.axes if ax.bbox.height > page * height]
        for ax in tall:
            low, high = sorted(ax.get_ylim())
            ticks = sorted(y for y in ax.get_yticks() if low <= y <= high)
            ys = [ax.transData.transform((ax.get_xlim()[0], y))[1] for y in ticks]
            candidates += [(a + b) / 2 for a, b in zip(ys, ys[1:])]
        candidates += _gaps([(b.y0, b.y1) for b in boxes.values()])
        # A gap between axes crosses none of their text: without rows to cut, the figure's own text
        # (title, legend) alone is measured; a parted chart has hundreds of labels.
        blocked = [(b.y0 - pad, b.y1 + pad) for text in fig.findobj(Text)
                   if (tall or text.axes is None) and text.get_visible() and text.get_text()
                   and (b := text.get_window_extent(renderer)).height > 0]
        blocked += [(b.y0 - pad, b.y1 + pad) for ax in tall for patch in ax.patches
                    if (b := patch.get_window_extent(renderer)).height > 0]
    return sorted({round((height - y) / height, 4) for y in candidates
                   if 0 < y < height and not any(low < y < high for low, high in blocked)})


def figure_svg(fig: Figure) -> bytes:
    """The figure as SVG, text as outlines (one drawing; fixes the figure's layout, see fix_layout).

    Laid out at the PNG's resolution: the PNG is this SVG rasterised, and text measured at 72 dpi
    (hinted to a coarser grid) placed labels a few pixels off where a PNG drawn at DPI has them."""
    width_cm, height_cm = (inches * 2.54 for inches in fig.get_size_inches())
    _, printed_height, most = printed(width_cm, height_cm)
    with _measured(fig, DPI) as renderer:  # one renderer: each text is measured once for all three
        _lay_out(fig)
        breaks = plots = None
        if printed_height > most:
            boxes = _plot_boxes(fig, renderer)
            breaks = " ".join(f"{b:g}" for b in row_breaks(fig, renderer, most / printed_height, boxes))
            plots = " ".join(_plot_spans(fig, boxes))
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="svg", metadata=_SVG_METADATA)
    svg = buf.getvalue()
    return svg if breaks is None else svg.replace(
        b"<svg ", f'<svg {ROW_BREAKS}="{breaks}" {PLOTS}="{plots}" '.encode(), 1)


def _plot_spans(fig: Figure, boxes: dict[int, object]) -> list[str]:
    """"<i>:<top>:<bottom>" of each plot of `boxes` (_plot_boxes), as fractions of the figure's
    height from its top (rounded outwards); gives each plot the id PLOT_ID + i."""
    height, spans = fig.bbox.height, []
    for i, box in boxes.items():
        fig.axes[i].set_gid(f"{PLOT_ID}{i}")
        top, bottom = (height - box.y1) / height, (height - box.y0) / height
        spans.append(f"{i}:{math.floor(top * 1e4) / 1e4:g}:{math.ceil(bottom * 1e4) / 1e4:g}")
    return spans


def tints(colour: str, k: int, lightest: float = 0.18) -> list[str]:
    """k tints of one colour, light to dark: an ordered scale reads by lightness, also in greyscale."""
    from matplotlib.colors import to_hex, to_rgb

    base = to_rgb(colour)
    weights = [lightest + (1 - lightest) * i / max(k - 1, 1) for i in range(k)]
    return [to_hex(tuple(1 - w * (1 - c) for c in base)) for w in weights]


def diverging_colours(k: int) -> list[str]:
    """k colours for a Likert scale, low to high: orange tints, a neutral grey middle, blue tints.

    Orange against blue stays apart in every common colour-vision deficiency (Okabe & Ito). From
    three blues on (6 or 7 points) the darkest is a shade of the blue: its tint beside full blue
    reached 1.8:1, where neighbouring points need 3:1 (WCAG 1.4.11)."""
    low, high = k // 2, k // 2
    middle = ["#CFCFCF"] if k % 2 else []
    blues = tints(OKABE_ITO["blue"], high, 0.35)
    if high >= 3:
        blues[-1] = to_hex(tuple(0.6 * c for c in to_rgb(OKABE_ITO["blue"])))
    return list(reversed(tints(OKABE_ITO["orange"], low, 0.35))) + middle + blues


def sequential_cmap():
    """White to Okabe-Ito blue: counts in a heatmap, readable in greyscale."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("mhm_blue", ["#FFFFFF", OKABE_ITO["sky_blue"], OKABE_ITO["blue"]])


def _luminance(colour) -> float:
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(fill) -> dict:
    """Text properties for a label set on `fill`: TEXT or white, whichever contrasts more. Where
    neither reaches 4.5:1 (mid-tones, luminance about 0.18 to 0.25), a thin halo in the other
    colour, as the contrast is then the text's against its halo (WCAG 1.4.3)."""
    dark, light = contrast(TEXT, fill), contrast("#FFFFFF", fill)
    colour, other = (TEXT, "#FFFFFF") if dark >= light else ("#FFFFFF", TEXT)
    if max(dark, light) >= 4.5:
        return {"color": colour}
    return {"color": colour, "path_effects": [patheffects.withStroke(linewidth=2, foreground=other)]}


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
