"""A report as a list of blocks, rendered as one self-contained HTML page or as markdown for the Dagster UI.

Self-contained: CSS inline, charts as base64 data: URIs, and a Content-Security-Policy that forbids
any network fetch, so a report opened from a mail attachment or a USB stick looks the same and
leaks nothing. Both renderers take the same blocks, so the markdown preview cannot drift from the HTML.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html import escape

from assets.reporting.markdown import md_text
from assets.reporting.style import data_uri


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = ""  # "" | "note" | "quote"
    # (language, the part of `text` in it): a quote in another language than the report's, which
    # a screen reader is told to read in that language (WCAG 3.1.2)
    foreign: tuple[str, str] | None = None
    # (a part of `text`, where it links to: a path relative to the report): a link in the HTML
    link: tuple[str, str] | None = None


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""
    notes: list[str] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()  # column indexes to right-align
    row_headers: int = 1  # leading columns that together name a row (organisation, intervention, group)


def without_column(table: Table, header: str) -> Table:
    """`table` without its column `header` (as it is, if it has none): the numbers right-aligned
    and the row headers as they were."""
    if header not in table.headers:
        return table
    i = table.headers.index(header)
    return replace(table, headers=[h for j, h in enumerate(table.headers) if j != i],
                   rows=[[v for j, v in enumerate(row) if j != i] for row in table.rows],
                   numeric=frozenset(j - (j > i) for j in table.numeric if j != i),
                   row_headers=table.row_headers - (i < table.row_headers))


@dataclass(frozen=True)
class Chart:
    svg: bytes  # vector, text as outlines: sharp in print and at any zoom, the same on every machine
    caption: str
    alt: str
    # A small PNG for the markdown preview, made only when markdown is rendered (only the
    # stakeholder edition's is); None leaves the image out there.
    preview: Callable[[], bytes] | None = None


class Link(str):
    """A table cell that the HTML links to `href`, a path relative to the report; the markdown and
    the PDF show its text."""

    href: str

    def __new__(cls, text: str, href: str):
        link = super().__new__(cls, text)
        link.href = href
        return link


Block = Heading | Paragraph | Bullets | Table | Chart
SVG = "image/svg+xml"

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#222;margin:0;line-height:1.5}
.frame{width:100%;border-collapse:collapse;table-layout:fixed}
.frame>thead>tr>td,.frame>tbody>tr>td{padding:0;border:0}
main,footer{max-width:58rem;margin:0 auto;padding:0 1.5rem}
.banner{background:#B00020;color:#fff;font-weight:700;text-align:center;padding:.4rem;letter-spacing:.05em;
  position:sticky;top:0}
h1{font-size:1.8rem;margin:1.5rem 0 .5rem}h2{font-size:1.4rem;margin-top:2.2rem;border-bottom:2px solid #0072B2}
h3{font-size:1.15rem;margin-top:1.6rem}h4{font-size:1rem;margin-bottom:.3rem}
.table-wrap{overflow-x:auto;margin:.8rem 0 1rem}.table-wrap:focus-visible{outline:2px solid #0072B2}
table.data{border-collapse:collapse;margin:0 0 .3rem;font-size:.95rem}
table.data caption{caption-side:top;text-align:left;font-weight:600;padding-bottom:.3rem;position:sticky;left:0;
  max-width:calc(100vw - 3rem)}
table.data th,table.data td{border-bottom:1px solid #ccc;padding:.25rem .6rem;text-align:left;vertical-align:top}
table.data thead th{border-bottom:2px solid #555}table.data tbody th{font-weight:400}
table.data .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.notes{font-size:.85rem;color:#555;margin:.2rem 0 0}
.note{color:#555;font-style:italic}
blockquote{margin:.4rem 0 .4rem 1rem;padding-left:.8rem;border-left:3px solid #56B4E9;color:#333}
figure{margin:1.2rem 0}figure img{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#444}
footer{font-size:.85rem;color:#444;border-top:1px solid #ccc;margin-top:3rem;padding-bottom:2rem}
footer code{word-break:break-all}
@media print{.banner{position:static;-webkit-print-color-adjust:exact;print-color-adjust:exact}
  h2,h3{break-after:avoid}table.data,figure{break-inside:avoid}}
"""

# The banner sits in a <thead>: browsers repeat a table header on every printed page (readers print
# the HTML too), without overlapping the text the way a position:fixed header does. A page without
# a banner has no frame: a browser lays a document inside one table cell out again for every
# printed page, about a third of the printing time of a long report.
PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
{robots}<title>{title}</title>
<style>{css}</style>
</head>
<body>
{content}
</body>
</html>
"""
CONTENT = """<main>
<h1>{title}</h1>
{body}
</main>
<footer>
{footer}
</footer>"""
FRAME = """<table class="frame" role="presentation">{head}<tbody><tr><td>
{content}
</td></tr></tbody></table>"""


def html_table(headers: list[str], rows: list[list[str]], caption: str = "", notes: list[str] = (),
               numeric: frozenset[int] = frozenset(), row_headers: int = 1) -> str:
    def cell(tag: str, i: int, text: str, scope: str = "") -> str:
        cls = ' class="num"' if i in numeric else ""
        scope = f' scope="{scope}"' if scope else ""
        if isinstance(text, Link):
            return f'<{tag}{cls}{scope}><a href="{escape(text.href)}">{escape(str(text))}</a></{tag}>'
        return f"<{tag}{cls}{scope}>{escape(str(text))}</{tag}>"

    # A wide table scrolls in its own box at 320 CSS px (WCAG 1.4.10), not the page; the box is
    # focusable so a keyboard can scroll it, and named by the caption for a screen reader (an id
    # from the caption's text: the same report gives the same bytes).
    ident = "t" + hashlib.sha1(caption.encode("utf-8")).hexdigest()[:10] if caption else ""
    region = f' role="region" aria-labelledby="{ident}"' if caption else ""  # a region needs a name
    parts = [f'<div class="table-wrap"{region} tabindex="0">', '<table class="data">']
    if caption:
        parts.append(f'<caption id="{ident}">{escape(caption)}</caption>')
    parts.append("<thead><tr>" + "".join(cell("th", i, h, "col") for i, h in enumerate(headers)) + "</tr></thead>")
    parts.append("<tbody>")
    # The leading columns name the row (organisation, intervention and group; an answer, a skill, a
    # file): row headers, so a screen reader says which row a number belongs to (WCAG 1.3.1, H63).
    parts += ["<tr>" + "".join(cell("th", i, v, "row") if i < row_headers else cell("td", i, v)
                               for i, v in enumerate(row)) + "</tr>" for row in rows]
    parts.append("</tbody></table>")
    if notes:
        parts.append('<div class="notes">' + "<br>".join(escape(n) for n in notes) + "</div>")
    parts.append("</div>")
    return "\n".join(parts)


def split_foreign(paragraph: Paragraph) -> tuple[str, str, str]:
    """(before, the part in another language, after) of a paragraph's text; ("", "", text) without one."""
    if paragraph.foreign and (at := paragraph.text.find(paragraph.foreign[1])) >= 0:
        part = paragraph.foreign[1]
        return paragraph.text[:at], part, paragraph.text[at + len(part):]
    return "", "", paragraph.text


def _paragraph_html(paragraph: Paragraph) -> str:
    if paragraph.link and (at := paragraph.text.find(paragraph.link[0])) >= 0:
        text, (part, href) = paragraph.text, paragraph.link
        return (f'{escape(text[:at])}<a href="{escape(href)}">{escape(part)}</a>'
                f'{escape(text[at + len(part):])}')
    before, part, after = split_foreign(paragraph)
    if not part:
        return escape(after)
    return f'{escape(before)}<span lang="{escape(paragraph.foreign[0])}">{escape(part)}</span>{escape(after)}'


def _block_html(block: Block) -> str:
    match block:
        case Heading(text, level):
            return f"<h{level}>{escape(text)}</h{level}>"
        case Paragraph(_, "quote"):
            return f"<blockquote>{_paragraph_html(block)}</blockquote>"
        case Paragraph(_, kind):
            cls = f' class="{kind}"' if kind else ""
            return f"<p{cls}>{_paragraph_html(block)}</p>"
        case Bullets(items):
            return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
        case Table():
            return html_table(block.headers, block.rows, block.caption, block.notes, block.numeric, block.row_headers)
        case Chart(svg, caption, alt, _):
            return (f'<figure><img src="{data_uri(svg, SVG)}" alt="{escape(alt)}">'
                    f"<figcaption>{escape(caption)}</figcaption></figure>")
    raise TypeError(f"not a report block: {block!r}")


def render_html(blocks: list[Block]) -> str:
    return "\n".join(_block_html(b) for b in blocks)


def page(title: str, body: str, banner: str | None = None, footer: str = "", lang: str = "nl") -> str:
    """A whole HTML document; `body` and `footer` are HTML (render_html output), the rest is plain text."""
    content = CONTENT.format(title=escape(title), body=body, footer=footer)
    if banner:
        head = f'<thead><tr><td><div class="banner">{escape(banner)}</div></td></tr></thead>'
        content = FRAME.format(head=head, content=content)
    robots = '<meta name="robots" content="noindex, nofollow">\n' if banner else ""
    return PAGE.format(lang=escape(lang), title=escape(title), css=CSS, robots=robots, content=content)


def _block_markdown(block: Block) -> str:
    match block:
        case Heading(text, level):
            return f"{'#' * level} {md_text(text)}"
        case Paragraph(text, "quote"):
            return f"> {md_text(text)}"
        case Paragraph(text, "note"):
            return f"_{md_text(text)}_"
        case Paragraph(text, _):
            return md_text(text)
        case Bullets(items):
            return "\n".join(f"- {md_text(i)}" for i in items)
        case Table():
            lines = [f"**{md_text(block.caption)}**", ""] if block.caption else []
            lines.append("| " + " | ".join(md_text(h) for h in block.headers) + " |")
            lines.append("|" + "".join("---:|" if i in block.numeric else "---|" for i in range(len(block.headers))))
            lines += ["| " + " | ".join(md_text(v) for v in row) + " |" for row in block.rows]
            if block.notes:
                lines += [""] + [f"<sub>{md_text(n)}</sub>  " for n in block.notes]
            return "\n".join(lines)
        case Chart(_, caption, alt, preview):
            image = f"![{md_text(alt)}]({data_uri(preview())})\n\n" if preview else ""
            return f"{image}_{md_text(caption)}_"
    raise TypeError(f"not a report block: {block!r}")


def render_markdown(blocks: list[Block]) -> str:
    return "\n\n".join(_block_markdown(b) for b in blocks)
