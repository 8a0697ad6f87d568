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
from assets.reporting.page import TEXT_WIDTH_CM, landscape, printed
from assets.reporting.style import PLOT_ID, PLOTS, ROW_BREAKS

TEMPLATE = Path(__file__).with_name("report.typ")
RASTER = Path(__file__).with_name("raster.typ")
COMPILER = Path(__file__).with_name("typst_compile.py")
TIMEOUT_SECONDS = 300  # a yearly report at 200 organisations takes under a second


WIDE_COLUMNS = 10  # a table this wide is set on a landscape page


class TypstError(RuntimeError):
    """Typst could not typeset a report; the message is Typst's."""


_SVG_SIZE = re.compile(rb'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"')
_ROW_BREAKS = re.compile(rb'<svg[^>]*?' + ROW_BREAKS.encode() + rb'="([^"]*)"')
_PLOTS = re.compile(rb'<svg[^>]*?' + PLOTS.encode() + rb'="([^"]*)"')
_GROUP_TAG = re.compile(rb"<g\b[^>]*?(/?)>|</g>")
_DEFS = re.compile(rb"<defs>.*?</defs>", re.S)


def _size_cm(svg: bytes) -> tuple[float, float] | None:
    """The chart's own width and height, from its SVG's size (matplotlib writes it in pt)."""
    size = _SVG_SIZE.search(svg[:2000])
    return (float(size[1]) * 2.54 / 72, float(size[2]) * 2.54 / 72) if size else None


def windows(height_cm: float, slice_cm: float, svg: bytes) -> list[tuple[float, float]]:
    """The (top, height) in cm of each page's window onto a chart `height_cm` high: at most `slice_cm`
    each, ending at the lowest of the chart's row breaks (style.row_breaks) that leaves the window
    at least half full, else (a chart without them) at `slice_cm`."""
    found = _ROW_BREAKS.search(svg[:4000])
    cuts = [float(b) * height_cm for b in found[1].split()] if found else []
    out, top = [], 0.0
    while height_cm - top > slice_cm:
        end = max((c for c in cuts if top + slice_cm / 2 <= c <= top + slice_cm), default=top + slice_cm)
        out.append((top, end - top))
        top = end
    return [*out, (top, height_cm - top)]


def _group(svg: bytes, group_id: str) -> tuple[int, int] | None:
    """Where the group of this id starts and ends in `svg`."""
    start = svg.find(f'<g id="{group_id}"'.encode())
    if start < 0:
        return None
    depth = 0
    for tag in _GROUP_TAG.finditer(svg, start):
        if not tag[1]:  # <g .../> opens and closes nothing
            depth += -1 if tag[0] == b"</g>" else 1
            if depth == 0:
                return start, tag.end()
    return None


def window_svgs(svg: bytes, spans: list[tuple[float, float]]) -> list[bytes]:
    """The chart's SVG once for each window `spans` (top, bottom: fractions of its height from the
    top), without the plots that lie wholly outside it (style.PLOTS) but with the glyphs and markers
    they define, which a later plot draws too.

    Typst draws an SVG anew wherever it is shown: a chart set in eight page-high windows, whole in
    each, was drawn eight times over in the PDF (3.6 of a report's 4.9 MB, and half its typesetting)."""
    found = _PLOTS.search(svg[:4000])
    plots = []
    for span in (found[1].decode().split() if found else []):
        i, top, bottom = span.split(":")
        if (where := _group(svg, f"{PLOT_ID}{i}")) is not None:
            plots.append((*where, float(top), float(bottom)))
    plots.sort()
    out = []
    for low, high in spans:
        pieces, at = [], 0
        for start, end, top, bottom in plots:
            if start < at:
                continue  # a plot within one left out (an inset)
            if bottom <= low or top >= high:  # nothing of it in the window
                pieces += [svg[at:start], *_DEFS.findall(svg, start, end)]
                at = end
        out.append(b"".join([*pieces, svg[at:]]))
    return out


def _wide(block) -> bool:
    return isinstance(block, Table) and len(block.headers) >= WIDE_COLUMNS or (
        isinstance(block, Chart) and (size := _size_cm(block.svg)) is not None and landscape(size[0]))


# Control characters (a NUL or a form feed from a free-text answer) have no glyph in any font, and
# PDF/UA-1 refuses a glyph it cannot show: they are left out, as a browser shows nothing for them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value) -> str:
    return _CONTROL.sub("", str(value))


# Where a line may break in a cell: at a space, and after a hyphen or a slash (a path's parts), but not
# before a digit, as Typst does not: "88/54/16" (a change table's counts) and "2023-2024" are one word each.
_WORDS = re.compile(r"(?:[^\s/-]|[/-]\d)+[/-]?")
CANDIDATES = 3  # of each kind, by characters: report.typ measures these as set
TYPICAL = 0.9  # of a column's cells, the share a column should set on one line where it can


def longest(rows: list[list[str]], n: int) -> list[dict]:
    """Per column, for report.typ to measure: its longest cells, its typical long cells (around
    the TYPICAL quantile by length: one long name must not narrow every other column) and its
    longest words. Measuring every cell of a 400-row table cost Typst half a second a report."""
    out = []
    for i in range(n):
        cells = sorted((row[i] for row in rows), key=len)
        at = int(TYPICAL * (len(cells) - 1))
        typical = list(dict.fromkeys(reversed(cells[:at + 1])))[:CANDIDATES]
        words = {w for cell in set(cells) for w in _WORDS.findall(cell)}
        out.append({"cells": list(dict.fromkeys(reversed(cells)))[:CANDIDATES], "typical": typical,
                    "words": sorted(words, key=lambda w: (len(w), w))[-CANDIDATES:]})
    return out


def _block(block: Block) -> dict:
    """What report.typ sets of `block`; a chart as page.printed says."""
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
            rows = [[_text(v) for v in row] for row in block.rows]
            return {"kind": "table", "headers": [_text(h) for h in block.headers], "rows": rows,
                    "caption": _text(block.caption), "notes": [_text(n) for n in block.notes],
                    "numeric": sorted(block.numeric), "longest": longest(rows, len(block.headers))}
        case Chart(svg, caption, alt, _):
            size = _size_cm(svg)
            width, height, most = printed(*size) if size else (TEXT_WIDTH_CM, None, None)
            cuts = windows(height, most, svg) if size else []
            chart = {"kind": "chart", "caption": _text(caption), "alt": _text(alt), "width_cm": width,
                     "height_cm": height, "windows": cuts}
            if len(cuts) <= 1:
                return chart | {"svg": svg.decode("utf-8")}
            spans = [(top / height, (top + part) / height) for top, part in cuts]
            return chart | {"svgs": [part.decode("utf-8") for part in window_svgs(svg, spans)]}
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
        out.append({"kind": "landscape", "blocks": [*lead, _block(block) | {"wide": True}]})
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
