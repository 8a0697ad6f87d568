"""What Typst (the `typst` package, pinned) makes: the PDF of a report, from the blocks of its HTML,
and the PNG of a chart, from its SVG.

Typst is a compiler in the Python package, not a program on the machine: every file is made the same
way on any machine, with the fonts Typst carries (system fonts are ignored). PDFs are tagged for
screen readers and checked against PDF/UA-1 (a title, a language, alternative text for every
chart). Each file is made in a short-lived process of its own (typst_compile.py says why), beside
this one's work on the next report or chart.
"""

import json
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from assets.reporting.html import Block, Bullets, Chart, Heading, Paragraph, Table, split_foreign
from assets.reporting.publish import write_atomic

TEMPLATE = Path(__file__).with_name("report.typ")
RASTER = Path(__file__).with_name("raster.typ")
COMPILER = Path(__file__).with_name("typst_compile.py")
TIMEOUT_SECONDS = 300  # a yearly report at 200 organisations takes under a second


# The text's width on A4 (report.typ centres it) and the height of a chart's slice: a chart taller
# than a page with its caption (60 interventions of the mental-health chart make over a metre) is
# set in page-high slices, as a browser prints it; Typst does not break an image across pages.
TEXT_WIDTH_CM, SLICE_CM = 17.0, 22.5
WIDE_COLUMNS = 10  # a table this wide is set on a landscape page
# A chart wider than the text (the theme matrix of more than 12 interventions, one row each, is 11
# inches) on a landscape page too: across the text it was printed at 60%, its 8 pt at 5 pt. The
# landscape text is 29.7 - 4 cm wide; its slices leave room for the caption under the banner.
LANDSCAPE_WIDTH_CM, LANDSCAPE_SLICE_CM = 25.7, 12.5


class TypstError(RuntimeError):
    """Typst could not typeset a report; the message is Typst's."""


_SVG_SIZE = re.compile(rb'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"')


def _size_cm(svg: bytes) -> tuple[float, float] | None:
    """The chart's own width and height, from its SVG's size (matplotlib writes it in pt)."""
    size = _SVG_SIZE.search(svg[:2000])
    return (float(size[1]) * 2.54 / 72, float(size[2]) * 2.54 / 72) if size else None


def _wide(block) -> bool:
    return isinstance(block, Table) and len(block.headers) >= WIDE_COLUMNS or (
        isinstance(block, Chart) and (size := _size_cm(block.svg)) is not None and size[0] > TEXT_WIDTH_CM + 0.5)


# Control characters (a NUL or a form feed from a free-text answer) have no glyph in any font, and
# PDF/UA-1 refuses a glyph it cannot show: they are left out, as a browser shows nothing for them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value) -> str:
    return _CONTROL.sub("", str(value))


def _block(block: Block, landscape: bool = False) -> dict:
    """What report.typ sets of `block`; a chart across the text, or `landscape` at its own size where
    that page allows."""
    match block:
        case Heading(text, level):
            return {"kind": "heading", "text": _text(text), "level": level}
        case Paragraph(text, kind):
            before, part, after = split_foreign(block)
            if part:  # the part in another language, set in that language (tagged so in the PDF)
                return {"kind": kind or "paragraph", "text": _text(text), "before": _text(before), "part": _text(part),
                        "after": _text(after),
                        # Typst takes the language alone (en of en-GB); the codebook allows a BCP 47 tag
                        "lang": block.foreign[0].split("-")[0].lower()}
            return {"kind": kind or "paragraph", "text": _text(text)}
        case Bullets(items):
            return {"kind": "bullets", "items": [_text(i) for i in items]}
        case Table():
            return {"kind": "table", "headers": [_text(h) for h in block.headers],
                    "rows": [[_text(v) for v in row] for row in block.rows], "caption": _text(block.caption),
                    "notes": [_text(n) for n in block.notes], "numeric": sorted(block.numeric)}
        case Chart(svg, caption, alt, _):
            size = _size_cm(svg)
            width = min(size[0], LANDSCAPE_WIDTH_CM) if landscape and size else TEXT_WIDTH_CM
            return {"kind": "chart", "svg": svg.decode("utf-8"), "caption": _text(caption), "alt": _text(alt),
                    "width_cm": width, "height_cm": width * size[1] / size[0] if size else None,
                    "slice_cm": LANDSCAPE_SLICE_CM if landscape else SLICE_CM}
    raise TypeError(f"not a report block: {block!r}")


def _on_pages(blocks: list[Block]) -> list[dict]:
    """The blocks as report.typ sets them: a table of WIDE_COLUMNS or more, or a chart wider than
    the text, on a landscape page of its own, with the heading and intro right before it (upright,
    its headings ran into each other; alone, the heading and intro were left on a page of their own)."""
    out: list[dict] = []
    for block in blocks:
        if not _wide(block):
            out.append(_block(block))
            continue
        lead = [out.pop()] if out and out[-1]["kind"] == "paragraph" else []
        while out and out[-1]["kind"] == "heading":  # a section's and its subsection's headings
            lead.insert(0, out.pop())
        out.append({"kind": "landscape", "blocks": [*lead, _block(block, landscape=True) | {"wide": True}]})
    return out


def report_json(title: str, blocks: list[Block], footer: list[Block] = (), banner: str | None = None,
                lang: str = "nl") -> str:
    """What report.typ reads: the title, the banner (None: no banner), the blocks and the footer."""
    return json.dumps({"title": _text(title), "lang": lang, "banner": banner, "blocks": _on_pages(blocks),
                       "footer": [_block(b) for b in footer],
                       "text_width_cm": TEXT_WIDTH_CM}, ensure_ascii=False)


def _typst(template: Path, data: str | bytes, *args: str) -> bytes:
    """typst_compile.py's output for `template` with `data`; raises TypstError with Typst's message."""
    done = subprocess.run([sys.executable, "-I", str(COMPILER), str(template), *args], capture_output=True,
                          input=data.encode("utf-8") if isinstance(data, str) else data,
                          timeout=TIMEOUT_SECONDS, check=False)
    if done.returncode != 0 or not done.stdout:
        raise TypstError(done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}")
    return done.stdout


def report_pdf(title: str, blocks: list[Block], footer: list[Block] = (), banner: str | None = None,
               lang: str = "nl") -> bytes:
    """The report as PDF bytes; raises TypstError with Typst's message if it cannot be made."""
    return _typst(TEMPLATE, report_json(title, blocks, footer, banner, lang))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def svg_png(svg: bytes, dpi: float) -> bytes:
    """The chart's SVG as a PNG at `dpi`, with the dpi recorded (a word processor then places it at
    its size, not 96 dpi's) and no other metadata.

    Rasterised by Typst (resvg) from the SVG already drawn, rather than drawn a second time by
    matplotlib's Agg: a large chart took 1.0 s that way, 0.35 s this way."""
    png = _typst(RASTER, svg, f"{dpi:g}")
    per_metre = round(dpi / 0.0254)
    header = 8 + 25  # the signature, then IHDR, which must come first
    return png[:header] + _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)) + png[header:]


def write_pdf(path: Path, title: str, blocks: list[Block], footer: list[Block] = (), banner: str | None = None,
              lang: str = "nl", public: bool = True) -> None:
    """Write the report's PDF to `path` whole or not at all (an older PDF stays until the new one is there)."""
    write_atomic(path, report_pdf(title, blocks, footer, banner, lang), public)
