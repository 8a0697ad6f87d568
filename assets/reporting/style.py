"""The house style of every chart, and turning a figure into bytes for files and HTML."""

import base64
import io
import struct
import zlib
from contextlib import contextmanager

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display on the Dagster worker

import matplotlib as mpl  # noqa: E402
from matplotlib.backend_bases import FigureCanvasBase  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

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
}

# Leave out the timestamps and software versions matplotlib writes by default, so outputs are reproducible.
_SVG_METADATA = {"Date": None, "Creator": None}
# zlib level of chart PNGs: level 6 (zlib's default) takes two and a half times as long, for files
# 10-20% smaller.
PNG_COMPRESS_LEVEL = 3


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


class _Pixels:
    """Where savefig(format="raw") writes the canvas: kept as an array, copied once. Through a
    BytesIO, PIL's alpha check and its RGB conversion it took five times as long (0.2 s for a large
    chart)."""

    def seek(self, *args) -> int:  # savefig takes any object with seek and write for a file
        return 0

    def write(self, canvas) -> int:
        rgba = np.asarray(canvas)  # a view of Agg's buffer, rows x columns x RGBA
        # Opaque (as with the house style's white background): the alpha channel says nothing, and
        # without it the PNG is smaller and quicker to write.
        self.array = _rgb(rgba) if rgba[..., 3].min() == 255 else rgba.copy()
        return rgba.nbytes


# An RGBA pixel seen as one 3-byte item, its alpha left out: numpy copies those whole, three times
# as fast as it copies rgba[..., :3] byte by byte.
_RGB_OF_RGBA = np.dtype({"names": ["rgb"], "formats": ["V3"], "offsets": [0], "itemsize": 4})


def _rgb(rgba: np.ndarray) -> np.ndarray:
    height, width, _ = rgba.shape
    packed = np.ascontiguousarray(rgba.reshape(height, width * 4).view(_RGB_OF_RGBA)["rgb"])
    return packed.view(np.uint8).reshape(height, width, 3)


def figure_pixels(fig: Figure, dpi: int = 150) -> np.ndarray:
    """The figure drawn once by Agg: rows x columns x RGB (uint8) when every pixel is opaque, as with
    the house style's white background; x RGBA otherwise. Fixes the figure's layout, see fix_layout."""
    fix_layout(fig, dpi)
    pixels = _Pixels()
    with house_style():
        fig.savefig(pixels, format="raw", dpi=dpi)  # the canvas as is: no PNG to encode and decode again
    # Let go of Agg's buffer (tens of MB for a large chart) now. The figure kept it, in its canvas
    # and in every text drawn (Text.draw keeps its renderer), until a full garbage collection freed
    # the figure, its artists referring to each other; in a process as large as a run's those are
    # rare, and a report drawing chart after chart grew by a buffer each time.
    FigureCanvasBase(fig)
    for text in fig.findobj(Text):
        text._renderer = None  # what get_window_extent falls back to without a renderer; None is its start
    return pixels.array


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixels_png(pixels: np.ndarray, dpi: int = 150) -> bytes:
    """PNG bytes of figure_pixels' array, with the dpi recorded and no software or date metadata.

    Encoded here rather than by PIL, which tries all five PNG filters on every row and keeps the
    best: that took three times as long as zlib itself. Every row filtered "up" (minus the row
    above) compresses a chart about as well (files within 2%): a chart is mostly flat colour."""
    height, width, channels = pixels.shape
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = 2  # filter type Up
    body = rows[:, 1:].reshape(height, width, channels)
    body[0] = pixels[0]
    np.subtract(pixels[1:], pixels[:-1], out=body[1:])  # modulo 256, as PNG's Up filter is
    colour_type = {3: 2, 4: 6}[channels]  # RGB, RGBA
    per_metre = round(dpi / 0.0254)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", zlib.compress(rows, PNG_COMPRESS_LEVEL)),
        _chunk(b"IEND", b""),
    ])


def figure_png(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG (one drawing; fixes the figure's layout, see fix_layout)."""
    return pixels_png(figure_pixels(fig, dpi), dpi)


def _resized(image, scale: float) -> bytes:
    from PIL import Image

    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                         Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def png_preview(png: bytes, scale: float) -> bytes:
    """A smaller copy of a rendered PNG (for previews in the Dagster UI): resampling the pixels costs
    milliseconds, drawing the figure again at a lower dpi costs as much as the first drawing."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return _resized(image, scale)


def pixels_preview(pixels: np.ndarray, scale: float) -> bytes:
    """png_preview of pixels already in memory (figure_pixels), without decoding a PNG first."""
    from PIL import Image

    return _resized(Image.fromarray(pixels), scale)


def figure_svg(fig: Figure) -> bytes:
    """The figure as SVG, text as outlines (one drawing; fixes the figure's layout, see fix_layout)."""
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


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
