"""Readers for the qualitative tools: ATLAS.ti quotations, NVivo coding matrices, Teams transcripts.

Like the survey readers (formats.py) each returns a `Table` with the headings normalised and
`_row_number` pointing at a place the user can find: the spreadsheet row (ATLAS.ti, NVivo) or the
cue / utterance number (transcripts). Text stays text; the few numbers these readers have to
parse themselves to validate them are typed: a matrix's `count` (Int64) and a transcript's
`start_seconds` / `end_seconds` (Float64).

- ATLAS.ti Quotation Manager export (CSV, `;`, headings in the UI language): `document`, `code`
  (the Codes cell as exported, several codes in one cell) and `segment` (the quotation without
  ATLAS.ti's enclosing quotes), other columns kept. Code names may contain commas themselves, so
  a Codes cell is never split on ","; `split_codes` matches it against the codebook's code names.
- NVivo "Export coding matrix" (xlsx; rows `1 : Code`, columns `A : Case`, counts in the cells):
  a long frame `theme`, `case`, `count` (+ `theme_number`, `case_letter`).
- Microsoft Teams / OneDrive transcripts, `.vtt` (own parser: every cue is kept, odd timestamps
  included) and `.docx` (read as a zip: "Speaker Name   0:03" paragraphs, then what was said):
  `start_seconds`, `end_seconds`, `speaker`, `text`, `cue_id`.
"""

from __future__ import annotations

import html
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from xml.etree import ElementTree

import polars as pl

from assets.ingest.errors import InputError
from assets.ingest.formats import ROW, Table, _open_workbook, decode_text, read_delimited, refuse_zip_bomb

# --- ATLAS.ti ---------------------------------------------------------------------------

# Headings as ATLAS.ti 9-24 writes them in its UI languages (matched without case and accents).
ATLASTI_COLUMNS = {
    "document": ("Document", "Documents", "Document name", "Primary Document", "Documento", "Documentos",
                 "Dokument", "Dokumente", "Documenten", "Dokumentname"),
    "code": ("Codes", "Code", "Códigos", "Código", "Kodes", "Coderingen"),
    "segment": ("Text Content", "Quotation Content", "Content", "Quotation", "Conteúdo do Texto", "Conteúdo",
                "Contenido del texto", "Contenido", "Textinhalt", "Inhalt", "Tekstinhoud", "Inhoud",
                "Contenu du texte", "Contenu"),
}


def _fold(heading: str) -> str:
    decomposed = unicodedata.normalize("NFKD", heading.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _unquote(text: str | None) -> str | None:
    """ATLAS.ti writes a quotation's text in double quotes: "Check the ...". Drop that one pair."""
    if text is None:
        return None
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
        stripped = stripped[1:-1].strip()
    return stripped or None


def read_atlasti_quotations(path: Path) -> Table:
    """ATLAS.ti Quotation Manager export (CSV; delimiter, BOM and encoding as found)."""
    frame, short = read_delimited(path).to_frame(path, header_rows=1, name_row=0)
    folded = {_fold(h): h for h in frame.columns if h != ROW}
    chosen = {key: next((folded[_fold(v)] for v in variants if _fold(v) in folded), None)
              for key, variants in ATLASTI_COLUMNS.items()}
    missing = [key for key, heading in chosen.items() if heading is None]
    if missing:
        raise InputError(path.name, "not an ATLAS.ti quotation export: expected headings 'Document', 'Codes' "
                         "and 'Text Content' (or their translations) in row 1", row=1, column=", ".join(missing))
    clash = [k for k in chosen if k in frame.columns and chosen[k] != k]
    frame = frame.drop(clash).rename({v: k for k, v in chosen.items() if v != k})
    frame = frame.with_columns(pl.col("segment").map_elements(_unquote, return_dtype=pl.String),
                               pl.col("document").str.strip_chars())
    return Table(frame, {}, f"atlas.ti quotations, headings {chosen}", short)


@dataclass(frozen=True)
class CodeSplit:
    codes: tuple[str, ...]  # known codes found in the cell, in the cell's order, as the codebook spells them
    unknown: tuple[str, ...]  # what is left: text between separators that matches no known code


_SEPARATORS = ",;\n"
_SPACE = " \t\r\u00a0"


def split_codes(cell: str | None, known_codes: Iterable[str]) -> CodeSplit:
    """Split an ATLAS.ti Codes cell ("T2. Security, Privacy & Trust: Access Control, T1. ...")
    into the known code names it holds.

    Code names may contain commas, so the cell is never split on ",": at each position the
    longest known code that starts there and ends at a separator (",", ";", a line break) or at
    the end of the cell is taken. Text that no known code matches runs up to the next separator
    after which a known code starts, and is returned in `unknown` (whole: "a, b" unmatched is one
    unknown piece, since whether it is one code or two cannot be told)."""
    if cell is None or not cell.strip():
        return CodeSplit((), ())
    known = sorted({c.strip() for c in known_codes if c and c.strip()}, key=len, reverse=True)
    text = cell.replace("\r\n", "\n")
    n = len(text)

    def skip(pos: int) -> int:
        while pos < n and (text[pos] in _SEPARATORS or text[pos] in _SPACE):
            pos += 1
        return pos

    def at_boundary(end: int) -> bool:
        while end < n and text[end] in _SPACE:
            end += 1
        return end == n or text[end] in _SEPARATORS

    def match(pos: int) -> str | None:
        for code in known:
            if text.startswith(code, pos) and at_boundary(pos + len(code)):
                return code
        return None

    codes: list[str] = []
    unknown: list[str] = []
    pos = skip(0)
    while pos < n:
        code = match(pos)
        if code is not None:
            if code not in codes:
                codes.append(code)
            pos = skip(pos + len(code))
            continue
        end = n
        for j in range(pos + 1, n):
            if text[j] in _SEPARATORS and match(skip(j)) is not None:
                end = j
                break
        piece = text[pos:end].strip(_SEPARATORS + _SPACE)
        if piece:
            unknown.append(" ".join(piece.split()))
        pos = skip(end)
    return CodeSplit(tuple(codes), tuple(unknown))


def explode_codes(frame: pl.DataFrame, known_codes: Iterable[str]) -> tuple[pl.DataFrame, list[dict]]:
    """One row per known code of each row's `code` cell (rows with an empty cell kept once, code
    None), and the unknown remainders as {ROW, "code": piece} records."""
    known = tuple(known_codes)
    splits = [split_codes(cell, known) for cell in frame["code"].to_list()]
    unknown = [{ROW: r, "code": piece} for r, s in zip(frame[ROW].to_list(), splits) for piece in s.unknown]
    lists = [list(s.codes) if s.codes else ([None] if not s.unknown else []) for s in splits]
    exploded = (frame.with_columns(pl.Series("code", lists, dtype=pl.List(pl.String)))
                .filter(pl.col("code").list.len() > 0).explode("code"))
    return exploded, unknown


# --- NVivo ------------------------------------------------------------------------------

NVIVO_ROW = re.compile(r"^\s*(\d+)\s*:\s*(.*\S)\s*$")
NVIVO_COLUMN = re.compile(r"^\s*([A-Z]{1,3})\s*:\s*(.*\S)\s*$")


def _count(value: str | None, path: Path, row: int, column: str) -> int | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = float("nan")
    if number != number or number < 0 or number != int(number):
        raise InputError(path.name, "a coding-matrix cell must be a count (a whole number); this one is not",
                         row=row, column=column)
    return int(number)


def read_nvivo_coding_matrix(path: Path, sheet: str | None = None) -> Table:
    """NVivo "Export coding matrix" workbook: a header row of `A : Case` columns above rows
    `1 : Code` with a count in every cell, as a long frame theme x case (one row per cell)."""
    book = _open_workbook(path)
    for name in [sheet] if sheet else book.sheet_names:
        if name not in book.sheet_names:
            raise InputError(path.name, f"has no sheet {name!r}; sheets are {book.sheet_names}")
        grid = book.load_sheet(name, header_row=None, dtypes="string").to_polars()
        rows = grid.rows()
        header_at = next((i for i, r in enumerate(rows)
                          if any(c is not None and NVIVO_COLUMN.match(str(c)) for c in r[1:])), None)
        if header_at is None:
            continue
        cases = {j: NVIVO_COLUMN.match(str(c)) for j, c in enumerate(rows[header_at]) if j and c is not None}
        cases = {j: m for j, m in cases.items() if m}
        out = []
        for i, r in enumerate(rows[header_at + 1:], start=header_at + 2):  # spreadsheet rows count from 1
            label = r[0]
            if label is None or not str(label).strip():
                continue
            m = NVIVO_ROW.match(str(label))
            if not m:
                raise InputError(path.name, "a coding-matrix row must start with 'n : Code'; this one does not",
                                 row=i, column="A")
            for j, cm in cases.items():
                out.append({"theme_number": m.group(1), "theme": m.group(2), "case_letter": cm.group(1),
                            "case": cm.group(2), "count": _count(r[j], path, i, str(rows[header_at][j])), ROW: i})
        if not out:
            raise InputError(path.name, f"sheet {name!r} has the case headings but no '1 : Code' rows",
                             row=header_at + 1)
        frame = pl.DataFrame(out, schema={"theme_number": pl.String, "theme": pl.String, "case_letter": pl.String,
                                          "case": pl.String, "count": pl.Int64, ROW: pl.Int32})
        return Table(frame, {}, f"nvivo coding matrix, sheet {name!r}, {len(cases)} case(s)")
    raise InputError(path.name, "not an NVivo coding-matrix export: no sheet has a header row of "
                     "'A : Case' columns", row=1)


# --- Teams transcripts ------------------------------------------------------------------

UTTERANCE_SCHEMA = {"cue_id": pl.String, "start_seconds": pl.Float64, "end_seconds": pl.Float64,
                    "speaker": pl.String, "text": pl.String, ROW: pl.Int32, "voice_in_cue": pl.Int32}

TIMING = re.compile(r"^\s*(?P<start>\S+)\s+-->\s+(?P<end>\S+)")
# A cue's timing line: a time (digits, however odd) --> anything, then at most cue settings
# (align:start). A spoken line with an arrow in it ("van werk --> thuis") is text.
CUE_LINE = re.compile(r"^\s*-?\d\S*\s+-->\s+\S+(?:\s+[\w-]+:\S+)*\s*$")
TIMESTAMP = re.compile(r"^(?:(?P<h>-?\d+):)?(?P<m>-?\d+):(?P<s>-?\d+)(?:[.,](?P<f>-?\d+))?$")
# The name's spaces are trimmed where it is read (_voice_name): a pattern that split a run of spaces
# between `\s+`, `*?` and `\s*` took minutes for a cue of "<v" and a few thousand spaces.
VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?=\s)([^>]*)>")
TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[^>]*>")


def parse_timestamp(value: str) -> float | None:
    """Seconds of a WebVTT timestamp, also as Teams 2022 wrote them: unpadded fields and the
    fraction as unpadded milliseconds ("0:0:10.20" is 10.020 s), each field with its own sign
    ("0:0:-6.-820" is -6.820 s: kept negative, never dropped). None when it is not a time."""
    m = TIMESTAMP.match(value.strip())
    if not m:
        return None
    fraction = m.group("f") or "0"
    digits = fraction.lstrip("-")
    if len(digits) <= 3:  # milliseconds, padded ("020") or not ("20")
        part = int(fraction) / 1000
    else:  # a longer decimal fraction
        part = (-1 if fraction.startswith("-") else 1) * float("0." + digits)
    seconds = int(m.group("h") or 0) * 3600 + int(m.group("m")) * 60 + int(m.group("s")) + part
    return round(seconds, 3)


def _said(stretch: str) -> str | None:
    """Text without tags, its lines joined by spaces (they are wraps, not paragraphs)."""
    return " ".join(html.unescape(TAG.sub("", stretch)).split()) or None


def _voice_name(voice: re.Match) -> str | None:
    """The name of a `<v Name>` tag, read as HTML as the words are ("Ren&eacute;e")."""
    return " ".join(html.unescape(voice.group(1)).split()) or None


def _cue_voices(lines: list[str]) -> list[tuple[str | None, str | None]]:
    """(speaker, text) of each voice of a cue, in order: "Last, First" kept whole, None for words
    before any `<v Name>`. Teams writes one voice per cue; WebVTT allows several
    (`<v Anna>Ja.</v> <v Bert>Nee.</v>`), and each one's words are theirs. A cue without words
    is one voice without text."""
    joined = "\n".join(lines)
    voices = list(VOICE.finditer(joined))
    starts = [0] + [v.start() for v in voices]
    ends = starts[1:] + [len(joined)]
    speakers = [None] + [_voice_name(v) for v in voices]
    parts = [(who, _said(joined[a:b])) for who, a, b in zip(speakers, starts, ends)]
    said = [(who, text) for who, text in parts if text is not None]
    return said or [(speakers[1] if voices else None, None)]


def parse_vtt(text: str, name: str = "transcript.vtt") -> Table:
    """Every cue of a WebVTT transcript: one per timing line (a time `-->` a time, maybe cue
    settings), whatever its timestamps look like.

    A cue's text runs from its timing line to the next blank line (or the next timing line, if a
    blank line is missing); the line right above a timing line is its cue id."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not lines[0].strip().startswith("WEBVTT"):
        raise InputError(name, "not a WebVTT transcript: the first line is not 'WEBVTT'", row=1)
    timings = [i for i, line in enumerate(lines) if CUE_LINE.match(line)]
    if not timings:
        raise InputError(name, "a WebVTT transcript without any cue ('start --> end' line)", row=1)
    rows, rejected = [], {}
    for number, i in enumerate(timings, start=1):
        cue_id = lines[i - 1].strip() if i > 1 and lines[i - 1].strip() and not CUE_LINE.match(lines[i - 1]) else None
        body = []
        for j in range(i + 1, len(lines)):  # not lines[i + 1:]: a copy of the rest per cue is quadratic
            line = lines[j]
            if not line.strip() or CUE_LINE.match(line):
                break
            body.append(line)
        m = TIMING.match(lines[i])
        start = parse_timestamp(m.group("start")) if m else None
        end = parse_timestamp(m.group("end")) if m else None
        timing = f"{m['start']} --> {m['end']}"  # the times only: never words of the cue
        if start is None or end is None:
            rejected[number] = ("timing", timing, f"cue on line {i + 1}: its timing cannot be read as "
                                "'start --> end'; correct it in the file to load the cue")
        elif end < start:
            rejected[number] = ("timing", timing, f"cue on line {i + 1} ends ({end:g} s) before it starts "
                                f"({start:g} s); correct it in the file to load the cue")
        for voice, (speaker, said) in enumerate(_cue_voices(body), start=1):
            rows.append({"cue_id": cue_id, "start_seconds": start, "end_seconds": end, "speaker": speaker,
                         "text": said, ROW: number, "voice_in_cue": voice})
    detail = f"webvtt, {len(timings)} cues" + (f", {len(rejected)} with a timing that cannot be used" if rejected else "")
    speakers = sorted({name for v in VOICE.finditer(text) if (name := _voice_name(v))})
    return Table(pl.DataFrame(rows, schema=UTTERANCE_SCHEMA), {}, detail, rejected=rejected, speakers=speakers)


def read_teams_vtt(path: Path) -> Table:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path.name, "the file is empty")
    return parse_vtt(decode_text(raw, path.name), path.name)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The name ends in a letter and the whitespace after it is one run (a tab, a no-break space or two
# characters or more): one way to split a line, so the time taken grows with the line's length,
# not its cube ("a", 3,000 spaces and "x" took 50 s with a lazy name before an ambiguous run).
SPEAKER_LINE = re.compile(r"^(?P<name>\S(?:.*\S)?)(?:[\t\u00a0]|\s(?=\s))\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
SPEAKER_LINE_LOOSE = re.compile(r"^(?P<name>\S(?:.*\S)?)\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s*$")


def docx_paragraphs(path: Path) -> list[str]:
    """The text of every paragraph of a .docx body, in order (tabs and line breaks kept)."""
    refuse_zip_bomb(path)
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml")
    except zipfile.BadZipFile:
        raise InputError(path.name, "cannot be read as a .docx (not a zip archive)") from None
    except KeyError:
        raise InputError(path.name, "cannot be read as a .docx (no word/document.xml inside)") from None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise InputError(path.name, f"cannot be read as a .docx (word/document.xml is damaged: {error})") from None
    out = []
    for p in root.iter(f"{W}p"):
        parts = []
        for el in p.iter():
            if el.tag == f"{W}t" and el.text:
                parts.append(el.text)
            elif el.tag == f"{W}tab":
                parts.append("\t")
            elif el.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
        out.append("".join(parts))
    return out


def _clock(value: str) -> float:
    seconds = 0
    for field in value.split(":"):
        seconds = seconds * 60 + int(field)
    return float(seconds)


def read_teams_docx(path: Path) -> Table:
    """Teams transcript downloaded as Word: a preamble (title, date, duration), then for each
    utterance a paragraph "Speaker Name   0:03" (h:mm:ss past the hour) and the paragraph(s) said.
    The older layout ("0:0:0.0 --> 0:0:2.560", speaker, text) is read too. An utterance ends
    where the next starts."""
    if path.stat().st_size == 0:
        raise InputError(path.name, "the file is empty")
    paragraphs = docx_paragraphs(path)
    rows: list[dict] = []
    current: dict | None = None
    pattern = SPEAKER_LINE if any(SPEAKER_LINE.match(p) for p in paragraphs) else SPEAKER_LINE_LOOSE
    expect_speaker = False
    preamble = 0
    for para in paragraphs:
        line = para.strip()
        timing = TIMING.match(line) if "-->" in line else None
        if timing:
            current = {"cue_id": None, "start_seconds": parse_timestamp(timing.group("start")),
                       "end_seconds": parse_timestamp(timing.group("end")), "speaker": None, "lines": []}
            rows.append(current)
            expect_speaker = True
            continue
        if expect_speaker and line:
            current["speaker"] = " ".join(line.split())
            expect_speaker = False
            continue
        head = pattern.match(line)
        if head:
            current = {"cue_id": None, "start_seconds": _clock(head.group("time")), "end_seconds": None,
                       "speaker": " ".join(head.group("name").split()), "lines": []}
            rows.append(current)
        elif current is not None:
            if line:
                current["lines"].append(line)
        elif line:
            preamble += 1
    if not rows:
        raise InputError(path.name, "not a Teams transcript: no paragraph like 'Speaker Name   0:03' "
                         f"({len(paragraphs)} paragraph(s) read)", row=1)
    for this, following in zip(rows, rows[1:] + [None]):
        if this["end_seconds"] is None and following is not None:
            this["end_seconds"] = following["start_seconds"]
    frame = pl.DataFrame([{"cue_id": r["cue_id"], "start_seconds": r["start_seconds"], "end_seconds": r["end_seconds"],
                           "speaker": r["speaker"], "text": " ".join(" ".join(r["lines"]).split()) or None, ROW: n,
                           "voice_in_cue": 1}
                          for n, r in enumerate(rows, start=1)], schema=UTTERANCE_SCHEMA)
    return Table(frame, {}, f"teams docx, {frame.height} utterances, {preamble} preamble paragraph(s)")
