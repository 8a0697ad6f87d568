"""The house style of every chart, and turning a figure into bytes for files and HTML."""

import base64
import io
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")  # no display on the Dagster worker

import matplotlib as mpl  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

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
    "svg.fonttype": "none",
}

# Leave out the timestamps and software versions matplotlib writes by default, so outputs are reproducible.
_SVG_METADATA = {"Date": None, "Creator": None}
# zlib level of chart PNGs: level 6 (the default) takes half as long again for files 4% smaller.
PNG_COMPRESS_LEVEL = 3


@contextmanager
def house_style():
    """Apply the house style while a figure is built and saved (rcParams are read at both times)."""
    with mpl.rc_context(RC):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure not registered with pyplot, so nothing leaks between asset runs in one process."""
    return Figure(figsize=(width, height), layout="constrained")


def fix_layout(fig: Figure, dpi: float) -> None:
    """Run the figure's layout engine once, at the dpi it is rendered at, and keep the positions.

    `savefig` on a figure with a layout engine draws it twice (once with drawing switched off, to
    lay it out) and lays it out again for every file: three full drawings for a PNG and an SVG of
    the same figure. With the layout fixed beforehand each file is one drawing. The positions are
    fractions of the figure, so the SVG (72 dpi) takes those of the PNG; the first call decides."""
    engine = fig.get_layout_engine()
    if engine is None:
        return  # laid out already (or never meant to be)
    if not isinstance(fig.canvas, FigureCanvasAgg):
        # The canvas keeps its renderer while size and dpi stay the same, and text sizes are cached
        # per renderer: the PNG's drawing then reuses the sizes the layout measured.
        FigureCanvasAgg(fig)
    saved = fig.dpi
    # Both off, or set_layout_engine(None) would put a fresh engine back in (see its docstring).
    with house_style(), mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.dpi = dpi
        try:
            engine.execute(fig)
        finally:
            fig.dpi = saved
        fig.set_layout_engine(None)


def figure_pixels(fig: Figure, dpi: int = 150):
    """The figure drawn once by Agg, as a PIL image (RGB when every pixel is opaque, as with the
    house style's white background; RGBA otherwise). Fixes the figure's layout, see fix_layout."""
    from PIL import Image

    fix_layout(fig, dpi)
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="raw", dpi=dpi)  # the canvas as is: no PNG to encode and decode again
    raw = buf.getbuffer()
    width = int(fig.get_figwidth() * dpi)  # how Agg sizes its canvas (int of the bbox width)
    height, rest = divmod(len(raw), 4 * width)
    if rest:
        raise RuntimeError(f"{len(raw)} bytes of RGBA are not rows of {width} pixels")
    image = Image.frombuffer("RGBA", (width, height), raw, "raw", "RGBA", 0, 1)
    if image.getchannel("A").getextrema() == (255, 255):
        # Opaque: the alpha channel says nothing, and without it the PNG is smaller and quicker to write.
        return image.convert("RGB")
    return image.copy()  # its own pixels, not a view of the buffer


def pixels_png(image, dpi: int = 150) -> bytes:
    """PNG bytes of figure_pixels' image, with the dpi recorded and no software or date metadata."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


def figure_png(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG (one drawing; fixes the figure's layout, see fix_layout)."""
    return pixels_png(figure_pixels(fig, dpi), dpi)


def _resized(image, scale: float):
    from PIL import Image

    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                        Image.Resampling.LANCZOS)


def png_preview(png: bytes, scale: float) -> bytes:
    """A smaller copy of a rendered PNG (for previews in the Dagster UI): resampling the pixels costs
    milliseconds, drawing the figure again at a lower dpi costs as much as the first drawing."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return pixels_preview(image, scale)


def pixels_preview(image, scale: float) -> bytes:
    """png_preview of pixels already in memory (figure_pixels), without decoding a PNG first."""
    buf = io.BytesIO()
    _resized(image, scale).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def figure_svg(fig: Figure) -> bytes:
    """The figure as SVG, text as text (one drawing; fixes the figure's layout, see fix_layout)."""
    fix_layout(fig, 72)
    buf = io.BytesIO()
    with house_style():
        fig.savefig(buf, format="svg", metadata=_SVG_METADATA)
    return buf.getvalue()


def tints(colour: str, k: int, lightest: float = 0.18) -> list[str]:
    """k tints of one colour, light to dark: an ordered scale reads by lightness, also in greyscale."""
    from matplotlib.colors import to_hex, to_rgb

    base = to_rgb(colour)
    weights = [lightest + (1 - lightest) * i / max(k - 1, 1) for i in range(k)]
    return [to_hex(tuple(1 - w * (1 - c) for c in base)) for w in weights]


def diverging_colours(k: int) -> list[str]:
    """k colours for a Likert scale, low to high: orange tints, a neutral grey middle, blue tints.

    Orange against blue stays apart in every common colour-vision deficiency (Okabe & Ito)."""
    low, high = k // 2, k // 2
    middle = ["#CFCFCF"] if k % 2 else []
    return (list(reversed(tints(OKABE_ITO["orange"], low, 0.35))) + middle
            + tints(OKABE_ITO["blue"], high, 0.35))


def sequential_cmap():
    """White to Okabe-Ito blue: counts in a heatmap, readable in greyscale."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("mhm_blue", ["#FFFFFF", OKABE_ITO["sky_blue"], OKABE_ITO["blue"]])


def data_uri(png_bytes: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes).decode("ascii")
