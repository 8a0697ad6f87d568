"""Readers for export files as the tools write them, into Polars frames of text.

Every reader returns a `Table`: all cells as text (None for empty), headings as the tool
wrote them, and for each data row its row number as a spreadsheet shows it (header rows
count), so errors and quarantine rows point at a place the user can find.
"""

from __future__ import annotations

import codecs
import csv
import functools
import html
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from assets.ingest.errors import InputError

ROW = "_row_number"


@dataclass
class Table:
    frame: pl.DataFrame  # text columns named by heading, plus ROW
    question_text: dict[str, str] = field(default_factory=dict)  # heading -> wording, where the export has it
    detail: str = ""  # what the reader recognised, for the file registry and errors
    short_rows: dict[int, int] = field(default_factory=dict)  # row -> fields found, for rows cut short
    # row -> [(heading, the error Excel shows)] of its cells holding an error value (#N/A, #DIV/0!),
    # which read as empty: such a row is quarantined, not loaded as a question left unanswered.
    cell_errors: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    # row -> (column, value, reason) of rows the reader found unusable (a transcript cue whose timing
    # cannot be read): quarantined by the loader, never loaded.
    rejected: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    # every speaker a transcript names, also a voice without words (its name is masked in the others')
    speakers: list[str] = field(default_factory=list)

    def first_error(self, columns: set[str]) -> dict[int, tuple[str, str]]:
        """row -> (heading, error) of each row's first error cell among `columns` (those a loader reads)."""
        first = {}
        for row, cells in self.cell_errors.items():
            if hit := next(((c, shown) for c, shown in cells if c in columns), None):
                first[row] = hit
        return first


# --- text files ------------------------------------------------------------------------

def decode_text(raw: bytes, name: str) -> str:
    """Decode by BOM (UTF-8, UTF-16 LE/BE), else UTF-8, else Windows-1252 (Dutch Excel).

    A file that is UTF-8 but for a few bytes is refused rather than read as Windows-1252, which
    would turn every é of it into Ã© without a word; so is a file that is no text at all (a
    workbook or an SPSS file under a text format). `name` is the file, for the error."""
    for bom, enc, label in ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
                            (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16")):
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(enc)
            except UnicodeDecodeError as exc:
                raise _undecodable(raw, name, exc.start + len(bom), "utf-8" if label == "UTF-8" else "latin-1",
                                   f"starts with the {label} byte order mark") from None
    if enc := _utf16_without_bom(raw):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError as exc:
            before = raw[:exc.start].decode(enc, "replace")  # the place counted in UTF-16's characters
            line, character = before.count("\n") + 1, len(before) - before.rfind("\n")
            what = ("ends in half a character: it is cut short" if exc.start >= len(raw) - 1
                    else "holds bytes UTF-16 cannot read")
            raise InputError(name, f"line {line}, character {character}: the file looks like UTF-16 without its "
                             f"byte order mark, but {what}; export it again") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\0" in raw:  # in no text export; in every workbook (a zip) and SPSS file
            raise InputError(name, "is not a text file but a binary one (a workbook or an SPSS file, or UTF-16 "
                             "without its byte order mark?): check the format: its codebook gives it") from None
        # Decided by the majority: Windows-1252 text can hold a pair UTF-8 would read as one letter
        # ("É”"), and UTF-8 text a stray byte of another encoding.
        utf8_letters = len(_UTF8_MULTIBYTE.findall(raw))
        if utf8_letters >= raw.decode("utf-8", "replace").count("\ufffd"):  # a tie: refused, never mojibake
            raise _undecodable(raw, name, exc.start, "utf-8", "is UTF-8 elsewhere (save the export again as "
                               "UTF-8)") from None
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as other:
            raise _undecodable(raw, name, other.start, "latin-1", "is not text in UTF-8, UTF-16 or "
                               "Windows-1252") from None


def _utf16_without_bom(raw: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" where the file's head is UTF-16 text without a byte order mark
    (R's write.csv with fileEncoding = "UTF-16LE" writes it so), else None. Such text is valid
    UTF-8 byte for byte, a NUL between every two letters: read as UTF-8, no column was found.
    Told by where the NULs fall: on one side of the byte pairs only, the high byte of each ASCII
    character (a fifth of them at least: a Russian export's headings are mostly Cyrillic). A file of
    an odd length (cut short) is taken for UTF-16 all the same, and its decoding names the line."""
    head = raw[:4096]
    head = head[:len(head) // 2 * 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if odd >= 0.2 * pairs and even <= odd / 20:
        return "utf-16-le"
    if even >= 0.2 * pairs and odd <= even / 20:
        return "utf-16-be"
    return None


# A character of two to four bytes as only UTF-8 writes it.
_UTF8_MULTIBYTE = re.compile(rb"[\xC2-\xDF][\x80-\xBF]|[\xE0-\xEF][\x80-\xBF]{2}|[\xF0-\xF4][\x80-\xBF]{3}")


def _undecodable(raw: bytes, name: str, at: int, shown_as: str, why: str) -> InputError:
    """The error for the byte at `at` of `raw`: its line and its place in the line (decoded as
    `shown_as`). Not the text around it: that is an export's row, names and e-mail addresses in it,
    and the message reaches the run's log and the console."""
    # A line, not a row: a quoted cell may span lines, and the records cannot be read to count them.
    line = raw.count(b"\n", 0, at) + 1
    start = raw.rfind(b"\n", 0, at) + 1
    character = len(raw[start:at].decode(shown_as, "replace")) + 1
    return InputError(name, f"line {line}, character {character}: byte 0x{raw[at]:02X} cannot be read, as the "
                      f"file {why}")


# Records after the header that the delimiter is sniffed from.
SNIFFED_RECORDS = 20
_TEXT = re.compile(r"[^\r\n]")


def sniff_delimiter(text: str) -> str:
    """The delimiter (`,`, `;` or tab) of a delimited text, from its first records: the one that
    splits every record into as many fields as the header, and into the most; where none does
    (a short record), the one that splits the header into the most. A tie goes to the comma.

    Dutch Excel quotes no comma in a `;` file: by its header alone, "Deelnemer;Hoe gaat het, kort
    gezegd?" held more fields split at the comma, and the file was read as comma-separated."""
    head, end = text, -1
    for _ in range(SNIFFED_RECORDS + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            break
    cut = end >= 0 and _TEXT.search(text, end + 1) is not None  # records after the ones read
    if cut:
        head = text[:end]
    head = head.replace("\r", "")  # a stray CR is for the reader to refuse, by line
    scores = {}
    for d in (",", ";", "\t"):
        try:
            records = [r for r in csv.reader(head.split("\n"), delimiter=d) if r]
        except csv.Error:  # a field past csv's size limit (a wide header split by another delimiter)
            records = [[head]]
        rest = records[1:-1] if cut else records[1:]  # the last may go on past the cut
        n = len(records[0]) if records else 1
        scores[d] = (n > 1 and all(len(r) == n for r in rest), n, d == ",")
    return max(scores, key=scores.get)


# Appended as a last line: a file cut inside a quoted cell swallows it into that cell. A private-use
# character, which no export holds.
_END = "\ue000"


def _python_records(raw: bytes, name: str) -> list[list[str]]:
    text = decode_text(raw, name)
    if "\r" in text and "\n" not in text:  # classic Mac line ends (Excel for Mac's "CSV (Macintosh)")
        text = text.replace("\r", "\n")
    delimiter = sniff_delimiter(text)
    marked = _END not in text
    reader = csv.reader(io.StringIO(text + "\n" + _END + "\n" if marked else text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputError(name, f"line {reader.line_num}: cannot be read as delimited text ({exc})") from None
    if marked:
        if records and records[-1] == [_END]:
            records.pop()
        elif records:
            # csv took what was left for the last cell, up to the end: a cut "7,5" would load as 7.
            # Without that cell the record is short, so it is quarantined as a truncated row.
            records[-1] = records[-1][:-1]
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    return records


def records_to_frame(path: Path, records: list[list[str]], header_rows: int, name_row: int,
                     short_rows: dict[int, int] | None = None) -> pl.DataFrame:
    """Data rows below `header_rows` as a text frame, headings from row `name_row` (0-based).

    A row with more fields than headings means the columns cannot be trusted: stop. A row with
    fewer (a truncated file, an unclosed quote) is recorded in `short_rows` for quarantine."""
    names = _unique([h.strip() for h in records[name_row]])
    width = len(names)
    if len(records) <= header_rows:
        raise InputError(path.name, f"has its {header_rows} header row(s) but no data rows", row=header_rows)
    columns: list[list[str | None]] = [[] for _ in names]
    row_numbers = []
    for i, rec in enumerate(records[header_rows:], start=header_rows + 1):
        if len(rec) <= 1 and not "".join(rec).strip():
            continue  # a blank line between rows (or one of spaces): no response, and not a row cut short
        if len(rec) > width and any(c.strip() for c in rec[width:]):
            raise InputError(path.name, f"{len(rec)} fields where the header has {width}: "
                             "is the delimiter or quoting wrong?", row=i, column=names[-1])
        if len(rec) < width and short_rows is not None:
            short_rows[i] = len(rec)
        for j in range(width):
            cell = rec[j] if j < len(rec) else ""
            columns[j].append(cell if cell.strip() != "" else None)
        row_numbers.append(i)
    data = {name: pl.Series(name, col, dtype=pl.String) for name, col in zip(names, columns)}
    data[ROW] = pl.Series(ROW, row_numbers, dtype=pl.Int32)
    return pl.DataFrame(data)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = n or "column"
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return out


# The characters Python's str.strip() removes (str.isspace()): Polars' strip_chars() without
# arguments leaves U+001C..U+001F, so the fast reader names them all.
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# The first UTF-8 bytes of those characters: a cell that is blank but not empty starts with one.
_WHITESPACE_LEAD_BYTES = sorted({c.encode("utf-8")[0] for c in _WHITESPACE})


@dataclass
class Records:
    """The records of a delimited text file, read by one of two readers with the same result.

    Fast: Polars parses the file into `grid` (one text column per field, every record exactly as
    wide as the first). Exact: Python's csv module gives `rows`, lists of any length, which is
    what locates a ragged row or an unclosed quote. `head` is the first three records either way."""
    head: list[list[str]]
    count: int  # records, trailing blank ones dropped
    grid: pl.DataFrame | None = None
    rows: list[list[str]] | None = None

    def to_frame(self, path: Path, header_rows: int, name_row: int) -> tuple[pl.DataFrame, dict[int, int]]:
        """As records_to_frame: (data rows as a text frame with ROW, short rows)."""
        short: dict[int, int] = {}
        if self.rows is not None:
            return records_to_frame(path, self.rows, header_rows, name_row, short), short
        names = _unique([h.strip() for h in self.head[name_row]])
        if self.count <= header_rows:
            raise InputError(path.name, f"has its {header_rows} header row(s) but no data rows", row=header_rows)
        data = self.grid.slice(header_rows)  # empty cells are null already, but for a quoted "" one
        # A whitespace-only cell is empty too: only a column with a cell "" or led by such a byte can have one.
        lead = pl.all().cast(pl.Binary).bin.get(0, null_on_oob=True)
        spaced = data.select((lead.is_in(_WHITESPACE_LEAD_BYTES) | (pl.all().str.len_bytes() == 0)).any()).row(0)
        frame = data.select(
            *[(pl.when(pl.col(c).str.strip_chars(_WHITESPACE) != "").then(pl.col(c)) if any_space else pl.col(c)).alias(n)
              for c, any_space, n in zip(data.columns, spaced, names)],
            pl.int_range(header_rows + 1, header_rows + 1 + data.height, dtype=pl.Int32).alias(ROW),
        )
        return frame, short


def read_delimited(path: Path, fast: bool = True) -> Records:
    """The records of a delimited text file, encoding and delimiter detected.

    Polars reads a regular file; anything it might read differently from Python's csv module
    (a record shorter or longer than the first, an unclosed quote, a lone carriage return, a
    UTF-16 or non-UTF-8 file, a field beyond csv's size limit) goes to the exact reader."""
    raw = path.read_bytes()
    # Excel writes an empty sheet as a byte order mark alone. (The file's head first: no copy of a large file.)
    if not raw[:4096].removeprefix(codecs.BOM_UTF8).strip() and not raw[4096:].strip():
        raise InputError(path.name, "the file is empty")
    grid = _polars_grid(raw) if fast else None
    if grid is None:
        rows = _python_records(raw, path.name)
        return Records([list(r) for r in rows[:3]], len(rows), rows=rows)
    return Records([[cell or "" for cell in r] for r in grid.head(3).rows()], grid.height, grid=grid)


def _polars_grid(raw: bytes) -> pl.DataFrame | None:
    """Every record as a frame of text columns, or None where the exact reader must decide."""
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_bom(body):
        return None
    try:
        text = body.decode("utf-8")  # else decode_text falls back to Windows-1252
    except UnicodeDecodeError:
        return None
    end = text.find("\n")
    if end < 0 and "\r" in text:
        return None  # classic Mac line ends
    delimiter = sniff_delimiter(text)
    # Blank lines at the end are records csv drops; one LF ends the last record.
    if not body.endswith(b"\n") or body.endswith((b"\n\n", b"\n\r\n", b"\r\r\n")):
        body, text = body.rstrip(b"\r\n") + b"\n", text.rstrip("\r\n") + "\n"
    try:
        grid = pl.read_csv(body, has_header=False, separator=delimiter, infer_schema=False,
                           raise_if_empty=True, truncate_ragged_lines=False)  # empty cells null
    except Exception:  # a record longer than the first, an unclosed quote, ...
        return None
    if grid.width < 2:
        return None  # csv reads a blank line as a record of no fields, Polars as one empty field
    if not _regular(text, delimiter, grid.width):  # else Polars may have padded a short record
        return None
    if len(body) > csv.field_size_limit():
        columns = [pl.col(c) for c in grid.columns]
        if grid.select(pl.max_horizontal([c.str.len_chars().max() for c in columns])).item() > csv.field_size_limit():
            return None  # csv refuses such a field
    # Records whose cells are all blank, at the end, are not records (as _python_records).
    if grid.height and not any(cell and cell.strip() for cell in grid.row(grid.height - 1)):
        blank = grid.select(pl.all_horizontal(pl.all().is_null() | (pl.all().str.strip_chars(_WHITESPACE) == "")))
        filled = blank.to_series().not_().arg_true()
        grid = grid.head(int(filled[-1]) + 1 if len(filled) else 0)
    return grid


def _regular(text: str, delimiter: str, width: int) -> bool:
    """Whether every record has `width` fields and ends in LF or CRLF, and every field is either
    unquoted without quote, CR or LF, or wholly quoted with its quotes doubled. In such a file csv
    and Polars cannot differ: Polars pads a short record (csv: a short row), and reads a quote in an
    unquoted field, text after a closing quote or a lone CR otherwise than csv does."""
    d = {"\t": r"\t"}.get(delimiter, delimiter)
    field = f'(?:"(?:[^"]|"")*"|[^"{d}\\r\\n]*)'
    try:
        return bool(pl.Series([text]).str.contains(f"\\A(?:{field}(?:{d}{field}){{{width - 1}}}\\r?\\n)*\\z").item())
    except Exception:  # a pattern too large for the regex engine (thousands of columns)
        return False


def qualtrics_layout(records: Records) -> str | None:
    """"three header rows" (the third of {"ImportId": ...} cells), "legacy" (V1..Vn over the
    headings), or None: not a Qualtrics export."""
    head, n = records.head, records.count
    if n >= 3 and head[2] and head[2][0].strip().startswith('{"ImportId"'):
        return "three header rows"
    if (n >= 2 and head[0] and head[0][0].strip() == "V1"
            and head[1] and head[1][0].strip() in ("ResponseID", "ResponseId")):  # V1: always the response's id
        return "legacy"
    return None


def read_qualtrics_csv(path: Path, fast: bool = True) -> Table:
    """Qualtrics CSV: three header rows (heading, question text, ImportId JSON) or the legacy
    two-row form (V1..Vn over the headings); delimiter and encoding as found."""
    records = read_delimited(path, fast)
    head, n = records.head, records.count
    layout = qualtrics_layout(records)
    if layout == "three header rows":
        frame, short = records.to_frame(path, header_rows=3, name_row=0)
        wording = dict(zip(_unique([h.strip() for h in head[0]]), head[1]))
        return Table(frame, wording, "qualtrics: three header rows", short)
    if layout == "legacy":
        return _legacy_qualtrics(path, records)
    # What the row holds is not quoted: in a file that is no Qualtrics export it is an answer, a name perhaps.
    raise InputError(path.name, "not a Qualtrics export: expected a third header row of "
                     f'{{"ImportId": ...}} cells (or legacy V1..Vn headings); row {min(3, n) or 1} has none',
                     row=min(3, n) or 1)


LEGACY_NUMBERED = re.compile(r"V\d+")


def _legacy_qualtrics(path: Path, records: Records) -> Table:
    """The legacy layout: row 1 names the questions (Q1, Q2_1, ...) as the three-row layout does,
    but numbers Qualtrics' own columns V1..Vn, whose names (ResponseID, StartDate, ...) are in
    row 2, above the question texts. So a column is named as a codebook names it either way."""
    frame, short = records.to_frame(path, header_rows=2, name_row=0)
    first = [h.strip() for h in records.head[0]]
    second = [h.strip() for h in records.head[1]] + [""] * len(first)
    names = _unique([s if LEGACY_NUMBERED.fullmatch(f) and s else f for f, s in zip(first, second)])
    frame.columns = [*names, ROW]
    wording = {n: s for n, f, s in zip(names, first, second) if s and not LEGACY_NUMBERED.fullmatch(f)}
    # Qualtrics ends every line of this layout with a delimiter: a column without heading or cell.
    unnamed = [n for n, f, s in zip(names, first, second) if not f and not s and frame[n].null_count() == frame.height]
    return Table(frame.drop(unnamed), wording, "qualtrics: legacy two header rows", short)


# --- spreadsheets ----------------------------------------------------------------------

# A workbook or .docx is a zip: a few MB can unpack to tens of GB (a "zip bomb"), which the readers
# hold in memory whole (1.5 MB of .xlsx took 4.6 GB). Exports compress text some 5-20 times.
ZIP_MAX_RATIO, ZIP_RATIO_FROM, ZIP_MAX_BYTES = 100, 50 << 20, 4 << 30


def _unpacked_size(f, member: zipfile.ZipInfo, limit: int) -> int:
    """What `member` really inflates to (up to just past `limit`), whatever size its headers declare:
    the readers (fastexcel's zip crate) inflate the stream to its end, not to the declared size."""
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    f.seek(member.header_offset)
    header = f.read(30)
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header")
    name_and_extra = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    f.seek(member.header_offset + 30 + name_and_extra)
    inflate, left, total = zlib.decompressobj(-15), member.compress_size, 0
    while left > 0 and not inflate.eof and total <= limit:
        buf = f.read(min(left, 1 << 16))
        if not buf:
            break
        left -= len(buf)
        while buf and total <= limit:
            total += len(inflate.decompress(buf, 1 << 20))
            buf = inflate.unconsumed_tail
    return total


def refuse_zip_bomb(path: Path) -> dict[str, int]:
    """Raise InputError when a zip's members unpack to far more than a real export could (measured
    by inflating them, as a forged header can declare any size); else {member: bytes unpacked}
    ({} for a file that is no zip)."""
    try:
        with zipfile.ZipFile(path) as z, open(path, "rb") as f:
            members = z.infolist()
            if any(m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for m in members):
                # bzip2, LZMA, Deflate64, ...: no Office tool writes them, and a member so compressed
                # would be measured by its declared size alone (zipfile inflates a bzip2 one whole).
                raise InputError(path.name, "holds a member compressed otherwise than by Deflate (bzip2, LZMA?): "
                                 "not an export an Office tool wrote; not read")
            sizes = [_member_size(f, m) for m in members]
    except (zipfile.BadZipFile, OSError):
        return {}  # not a zip (an .xls): its reader says what is wrong with it
    measured = [(m, size) for m, size in zip(members, sizes) if size is not None]
    total = sum(size for _, size in measured)
    if total > ZIP_MAX_BYTES or any(size > max(ZIP_RATIO_FROM, ZIP_MAX_RATIO * m.compress_size)
                                    for m, size in measured):
        raise InputError(path.name, f"unpacks to {total:,} bytes or more from {path.stat().st_size:,}: not an export "
                         "a tool wrote (a zip bomb?); not read")
    return {m.filename: size for m, size in measured}


def _member_size(f, member: zipfile.ZipInfo) -> int | None:
    """What `member` unpacks to, or None where it is damaged (a thumbnail): the other members are
    still measured, and the reader says what is wrong if it needs this one."""
    try:
        return _unpacked_size(f, member, max(ZIP_RATIO_FROM, ZIP_MAX_RATIO * member.compress_size))
    except (zipfile.BadZipFile, zlib.error):
        return None


# The reader (calamine, in fastexcel) holds a sheet as a grid from its first to its last filled cell,
# 32 bytes a cell. One value typed far right or far down (Ctrl+Right then a key: cell XFD1) makes
# 2,000 rows of 17 columns a grid of 16,384 columns: 1 GB; A1 and XFD1048576 ask for 512 GB, and
# the run's process aborts without a word. A filled cell takes 10 bytes of XML or more, so a grid
# far larger than the sheet's XML could fill is mostly empty. The sheet's <dimension> (written by
# Excel, LibreOffice and the export tools) says its extent at no cost. Where that extent is too
# large, missing, or too small to be true (a writer's placeholder "A1" over a sheet of megabytes),
# the cells with a value are read to find the filled extent (<dimension> also counts cells that
# carry only a format, which the reader skips).
GRID_FREE_CELLS, GRID_MAX_EMPTY_RATIO, CELL_XML_BYTES, PLACEHOLDER_BYTES = 2_000_000, 50, 10, 10_000
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref\s*=\s*["\']'
                       rb'([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?["\']')
# A cell's or a row's opening tag: "<" cannot occur inside a tag, so each try ends at the next "<"
# (linear, however many unclosed tags); its reference is read from it apart.
# Quoted values are skipped whole: a ">" in one (legal XML) ended the tag early, and the cell's
# reference after it went unread.
QUOTED = rb'(?:[^<>"\']|"[^"<]*"|\'[^\'<]*\')'
PREFIX = rb'(?:[\w.-]+:)?'  # a namespace prefix, as XML allows it
TAG = re.compile(rb'<' + PREFIX + rb'(c|row)(?:\s' + QUOTED + rb'*?)?(/?)>')
TAG_START = re.compile(rb'<' + PREFIX + rb'(?:c|row)(?=[\s/>])')
NO_VALUE = re.compile(rb'(?:\s|<' + PREFIX + rb'f(?:\s[^<>]*)?(?:/>|>[^<]*</' + PREFIX + rb'f>)|<' + PREFIX
                      + rb'v\s*/>|<' + PREFIX + rb'v>(?:</' + PREFIX + rb'v>))*</' + PREFIX + rb'c\s*>')
REFERENCE = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]{0,3})([0-9]{1,7})["\']')  # the reader takes "a1" too
RELATIONSHIP = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*>')
SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*>')
ATTRIBUTE = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
TAIL_BYTES = 4 << 20  # of a tag cut at a piece's end, what is read again with the next piece


# Bytes of sheet XML searched for a cell beyond the extent the sheet declares: a survey export of
# some thousands of rows, in about 10 ms. A larger sheet that declares a believable extent is
# trusted: the search took 50 ms a sheet of 10,000 rows, a third of the ingest's time.
SEARCHED_UP_TO = 4 << 20


def _widest(letters: int, digits: int) -> int:
    """The cells of the grid from A1 to the farthest cell of that many letters and digits."""
    return min(sum(26 ** n for n in range(1, letters + 1)), 16_384) * min(10 ** digits - 1, 1_048_576)


def _reaches_beyond(z: zipfile.ZipFile, member: str, letters: int, digits: int) -> bool:
    """Whether a cell of the sheet names a column of more letters, or a row of more digits, than
    its declared extent's last cell. The reader goes by the cells, not the declaration: a sheet
    declaring A1:Q2 could hold XFD1048576."""
    far = re.compile(rb'\sr\s*=\s*["\'](?:[A-Za-z]{%d,}[0-9]|[A-Za-z]{0,3}[0-9]{%d,}["\'])'
                     % (letters + 1, digits + 1))  # a row's reference too: its cells may name none
    tail = b""
    with z.open(member) as f:
        while chunk := f.read(1 << 20):
            if far.search(tail + chunk):
                return True
            tail = chunk[-64:]  # a reference cut at the piece's end
    return False


def _carried(text: bytes, last_start: int, start: re.Pattern) -> bytes:
    """What of a piece's end is read again with the next piece: from its last "<", when no match took
    that tag and it is cut (no ">" after it) or one of the tags read (whose ">" may stand in a quoted
    value). Raises ValueError for a tag longer than TAIL_BYTES: its start would be lost."""
    cut = text.rfind(b"<")
    if cut < 0 or cut == last_start or (text.find(b">", cut) >= 0 and not start.match(text, cut)):
        return b""
    if len(text) - cut > TAIL_BYTES:
        raise ValueError(f"a tag of more than {TAIL_BYTES:,} bytes")
    return text[cut:]


def _reference(tag: bytes) -> tuple[bytes, bytes] | None:
    """(column letters, row digits) of a cell's or row's tag, or None. The pattern alone where it
    finds one "r=": more, and one may stand inside another attribute's value, to hide the real one."""
    found = REFERENCE.findall(tag)
    if len(found) <= 1:
        return found[0] if found else None
    value = next((a or b for name, a, b in ATTRIBUTE.findall(tag) if name == b"r"), b"")
    whole = REFERENCE.fullmatch(b" r='" + value + b"'")
    return whole.groups() if whole else None


def _column_number(letters: bytes) -> int:
    n = 0
    for letter in letters:
        n = n * 26 + letter - 64
    return n


def _attributes(tag: bytes) -> dict[str, str]:
    return {name.decode().split(":")[-1]: html.unescape((a or b).decode("utf-8", "replace"))
            for name, a, b in ATTRIBUTE.findall(tag)}


def _sheet_members(z: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its worksheet member}, as far as workbook.xml and its relationships say."""
    try:
        targets = {a.get("Id"): a.get("Target", "") for a in map(_attributes, RELATIONSHIP.findall(
            z.read("xl/_rels/workbook.xml.rels")))}
        sheets = [_attributes(tag) for tag in SHEET.findall(z.read("xl/workbook.xml"))]
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error):
        return {}
    # a target is relative to xl/ ("worksheets/sheet1.xml") or from the package's root ("/xl/...")
    return {s.get("name", ""): targets[s["id"]][1:] if targets[s["id"]].startswith("/")
            else posixpath.normpath(posixpath.join("xl", targets[s["id"]]))
            for s in sheets if s.get("id") in targets}


def _filled_extent(z: zipfile.ZipFile, member: str) -> tuple[str, int]:
    """The last cell with content (as "XFD2000") and the cells of the grid from the first to it,
    read in pieces. A cell without a reference is placed by the reader in its row."""
    cols, rows, row_now, tail = set(), set(), 0, b""
    with z.open(member) as f:
        while chunk := f.read(1 << 20):
            text, last_start = tail + chunk, -1
            for match in TAG.finditer(text):
                kind, empty = match.groups()
                last_start = match.start()
                found = _reference(match.group())
                if kind == b"row":
                    row_now = int(found[1]) if found else row_now + 1
                # "<c r="XFD1" s="3"/>": a format alone, which the reader skips; so is a cell whose
                # value is empty, or a formula's without a stored result
                elif not empty and not NO_VALUE.match(text, match.end()):
                    col, row = found if found else (b"", b"%d" % row_now)
                    if col:
                        cols.add(col.upper())
                    rows.add(int(row))
            tail = _carried(text, last_start, TAG_START)
    if not rows:
        return "A1", 1
    numbers = [_column_number(col) for col in cols] or [1]  # distinct columns: a few, however many rows
    first_col, last_col = min(numbers), max(numbers)
    return f"{_column_letters(last_col)}{max(rows)}", (last_col - first_col + 1) * (max(rows) - min(rows) + 1)


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _worksheets(z: zipfile.ZipFile, unpacked: dict[str, int]) -> list[str]:
    """Every member that is a worksheet, wherever the package keeps it."""
    found = []
    for member in unpacked:
        if member.endswith(".xml"):
            with z.open(member) as f:
                if re.search(rb"<(?:\w+:)?worksheet\b", f.read(4096)):
                    found.append(member)
    return found


# OpenDocument (.ods, as LibreOffice saves a workbook) writes a run of like cells as one tag with a
# count (table:number-columns-repeated, -rows-repeated), so a few bytes can place a value at any
# distance; the reader fills the run out. LibreOffice ends each row and the sheet with a run of
# empty cells to the sheet's edge: a run with no value in it is no extent.
ODS_TAG = re.compile(rb'<(?:(/)' + PREFIX + rb'(table-row|table)\s*>'
                     rb'|' + PREFIX + rb'(table-row|table-cell|covered-table-cell|table)(?=[\s/>])(' + QUOTED
                     + rb'*?)(/?)>)')
# as the reader parses a count: "+3000" and leading zeros too
ODS_REPEATED = re.compile(rb'number-(rows|columns)-repeated\s*=\s*["\']\s*\+?0*([0-9]{1,10})\s*["\']')
# Every cell's opening tag, counted apart: one that ODS_TAG does not read (a "<" inside its attributes,
# which XML forbids and the reader takes) would hide its run.
ODS_CELL = re.compile(rb'<' + PREFIX + rb'(?:covered-)?table-cell(?=[\s/>])')
ODS_START = re.compile(rb'<' + PREFIX + rb'(?:table-row|table-cell|covered-table-cell|table)(?=[\s/>])')
ODS_CELL_END = re.compile(rb'\s*</' + PREFIX + rb'(?:covered-)?table-cell\s*>')


def _repeated(attributes: bytes) -> int:
    found = ODS_REPEATED.findall(attributes) if b"repeated" in attributes else []
    if len(found) > 1:  # one may stand inside another attribute's value: read the table namespace's
        counts = [(a or b).strip().lstrip(b"+") for name, a, b in ATTRIBUTE.findall(attributes)
                  if re.fullmatch(rb"table:number-(rows|columns)-repeated", name)]
        return int(counts[0]) if counts and counts[0].isdigit() else 1
    return int(found[0][1]) if found else 1


@functools.lru_cache(maxsize=8)  # each sheet a workbook reads asks; the answer is the file's
def _ods_extents(path: Path, size: int, modified_ns: int) -> dict[str, tuple[str, int, int]]:
    """{sheet name: (its last cell with a value, as "XFD2000"; the cells of the grid from the first
    to it; the bytes of its XML)} of an OpenDocument spreadsheet, read in pieces. Raises ValueError
    where its XML cannot be read so (a tag longer than TAIL_BYTES, a cell tag with "<" inside)."""
    with zipfile.ZipFile(path) as z:
        return _read_ods_extents(z)


def _read_ods_extents(z: zipfile.ZipFile) -> dict[str, tuple[str, int, int]]:
    extents, name, start, tail, offset, depth, read, tagged = {}, "", 0, b"", 0, 0, 0, 0
    rows = cols = None  # (first, last) with a value, from 0, of the sheet
    row, repeat_rows, col, first, last = 0, 1, 0, None, -1  # the row's position; its cells with a value
    with z.open("content.xml") as f:
        while chunk := f.read(1 << 20):
            text, last_start = tail + chunk, -1
            base = offset - len(tail)
            for match in ODS_TAG.finditer(text):
                closing, closed, kind, attributes, empty = match.groups()
                kind, last_start = kind or closed, match.start()
                if kind == b"table-cell" or kind == b"covered-table-cell":
                    read += 1
                    across = _repeated(attributes)
                    # a cell written open ("<table:table-cell>...") holds text, unless it closes at once;
                    # one closed in its tag only a format, unless it states a value in its attributes
                    if (b"value-type" in attributes
                            or not empty and not ODS_CELL_END.match(text, match.end())):
                        first = col if first is None else first
                        last = col + across - 1
                    col += across
                elif kind == b"table-row":
                    if not closing:
                        repeat_rows, col, first, last = _repeated(attributes), 0, None, -1
                    if closing or empty:
                        if first is not None:
                            end_row = row + repeat_rows - 1
                            rows = (min(rows[0], row), end_row) if rows else (row, end_row)
                            cols = (min(cols[0], first), max(cols[1], last)) if cols else (first, last)
                        row += repeat_rows
                elif closing:  # a sheet; one inside another's cell (a subtable) counts with its host
                    depth -= 1
                    if depth == 0:
                        cells = (cols[1] - cols[0] + 1) * (rows[1] - rows[0] + 1) if rows else 1
                        end = f"{_column_letters(cols[1] + 1)}{rows[1] + 1}" if rows else "A1"
                        extents[name] = (end, cells, base + match.end() - start)
                elif not empty:
                    depth += 1
                    if depth == 1:
                        name = _attributes(attributes).get("name", "")
                        start, rows, cols, row = base + match.start(), None, None, 0
            tail = _carried(text, last_start, ODS_START)
            tagged += len(ODS_CELL.findall(text, 0, len(text) - len(tail)))
            offset += len(chunk)
    if tagged != read:
        raise ValueError(f"{tagged - read:,} cell tag(s) that are no XML (a '<' inside a tag?)")
    return extents


def _refuse(path: Path, sheet: str, last: str, cells: int) -> None:
    raise InputError(path.name, f"sheet {sheet!r} reaches to cell {last} ({cells:,} cells, nearly all empty): a "
                     "value far from the data? Delete the columns right of the data and the rows below it, save, "
                     "and run again")


def _refuse_far_ods_cells(path: Path, sheet: str) -> None:
    try:
        stat = path.stat()
        extents = _ods_extents(path, stat.st_size, stat.st_mtime_ns)
    except (zipfile.BadZipFile, OSError, zlib.error, KeyError):
        return  # the reader says what is wrong with the file
    except ValueError as error:  # read whole, such a sheet might be a grid of any size
        raise InputError(path.name, f"its content.xml is not an OpenDocument spreadsheet a tool wrote ({error}); "
                         "not read") from None
    for name, (last, cells, xml_bytes) in extents.items():
        if (name == sheet or sheet not in extents) and cells > max(
                GRID_FREE_CELLS, GRID_MAX_EMPTY_RATIO * xml_bytes // CELL_XML_BYTES):
            _refuse(path, name, last, cells)


def refuse_far_cells(path: Path, unpacked: dict[str, int], sheet: str) -> None:
    """Raise InputError, naming the sheet and its last cell, when the sheet's filled extent is a grid
    far larger than its XML could fill: a stray value far from the data."""
    if path.suffix.lower() == ".ods":
        return _refuse_far_ods_cells(path, sheet)
    try:
        with zipfile.ZipFile(path) as z:
            members = _sheet_members(z)
            named = {member: name for name, member in members.items()}
            # a sheet the workbook's index does not place: every worksheet answers for it
            for member in [members[sheet]] if members.get(sheet) in unpacked else _worksheets(z, unpacked):
                allowed = max(GRID_FREE_CELLS, GRID_MAX_EMPTY_RATIO * unpacked[member] // CELL_XML_BYTES)
                with z.open(member) as f:
                    declared = DIMENSION.search(f.read(4096))  # <dimension> comes before the cells
                if declared:
                    first_col, first_row, last_col, last_row = declared.groups()
                    last_col, last_row = last_col or first_col, last_row or first_row
                    cells = ((_column_number(last_col) - _column_number(first_col) + 1)
                             * (int(last_row) - int(first_row) + 1))
                    if cells <= allowed and cells * PLACEHOLDER_BYTES >= unpacked[member] and (
                            unpacked[member] > SEARCHED_UP_TO
                            # a cell within the declared count of letters and digits reaches at most
                            # ZZ...99 (the whole grid from A1): where that is too far, the cells are read
                            or (_widest(len(last_col), len(last_row)) <= allowed
                                and not _reaches_beyond(z, member, len(last_col), len(last_row)))):
                        continue
                last, cells = _filled_extent(z, member)
                if cells > allowed:
                    _refuse(path, named.get(member, member), last, cells)
    except (zipfile.BadZipFile, OSError, zlib.error, KeyError):
        return  # the reader says what is wrong with the file
    except ValueError as error:
        raise InputError(path.name, f"a sheet's XML is not one a tool wrote ({error}); not read") from None


class _CheckedWorkbook:
    """fastexcel's workbook, whose sheets are checked for stray far cells as they are loaded (a sheet
    never read is never refused)."""

    def __init__(self, path: Path, book, unpacked: dict[str, int]):
        self.path, self.book, self.unpacked = path, book, unpacked
        self.sheet_names = book.sheet_names

    def load_sheet(self, name: str, **options):
        refuse_far_cells(self.path, self.unpacked, name)
        try:
            return self.book.load_sheet(name, **options)
        except Exception as exc:  # calamine's errors (a damaged sheet, its cell limit) name no file
            raise InputError(self.path.name, f"sheet {name!r} cannot be read ({_reader_error(exc)})") from None


def _open_workbook(path: Path) -> _CheckedWorkbook:
    if path.stat().st_size == 0:
        raise InputError(path.name, "the file is empty")
    unpacked = refuse_zip_bomb(path)
    try:
        return _CheckedWorkbook(path, fastexcel.read_excel(path), unpacked)
    except Exception as exc:  # fastexcel raises its own error types for corrupt or truncated files
        raise InputError(path.name, f"cannot be read as an Excel workbook ({_reader_error(exc)})") from None


def _reader_error(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


# calamine's names of Excel's error values -> the text Excel shows.
EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!", "Ref": "#REF!",
                "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}


class _Workbook:
    """A workbook whose sheets are each parsed once, as text (whitespace-only cells null): a sheet
    probed for its headings is the sheet then read."""

    def __init__(self, path: Path):
        self.path = path
        self.book = _open_workbook(path)
        self.sheet_names = self.book.sheet_names
        self._sheets: dict[str, pl.DataFrame] = {}
        self._errors: dict[str, dict[tuple[int, int], str]] = {}

    def sheet(self, name: str) -> pl.DataFrame:
        if name not in self.sheet_names:  # the codebook's sheet, renamed in the workbook
            raise InputError(self.path.name, f"has no sheet {name!r}; sheets are {self.sheet_names}")
        if name not in self._sheets:
            batch, errors = (self.book.load_sheet(name, dtypes="string", whitespace_as_null=True)
                             .to_arrow_with_errors())
            self._sheets[name] = pl.from_arrow(batch)
            self._errors[name] = {error.offset_position: _excel_error(error.detail)
                                  for error in (errors.errors if errors is not None else ())}
        return self._sheets[name]

    def errors(self, name: str) -> dict[tuple[int, int], str]:
        """{(data row from 0, column): the error Excel shows} of the sheet's error cells."""
        self.sheet(name)
        return self._errors[name]

    def headings(self, name: str) -> list[str]:
        return [str(c).strip() for c in self.sheet(name).columns]


def _excel_error(detail: str) -> str:
    code = re.search(r"Error\((\w+)\)", detail)
    return EXCEL_ERRORS.get(code.group(1), f"#{code.group(1).upper()}") if code else "#ERROR"


def read_excel(path: Path, required: list[str], sheet: str | None = None, workbook: _Workbook | None = None) -> Table:
    """The first sheet (or the named one) whose header row holds every required heading."""
    book = workbook or _Workbook(path)
    candidates = [sheet] if sheet else book.sheet_names
    seen = {}
    for name in candidates:
        if name not in book.sheet_names:
            raise InputError(path.name, f"has no sheet {name!r}; sheets are {book.sheet_names}")
        headers = book.headings(name)
        seen[name] = headers
        if all(r in headers for r in required):
            data = book.sheet(name).clone()
            data.columns = headers
            data = data.with_columns(pl.Series(ROW, range(2, data.height + 2), dtype=pl.Int32))
            # Rows an editor left blank at the bottom are not answers.
            content = [c for c in data.columns if c != ROW]
            data = data.filter(~pl.all_horizontal(pl.col(content).is_null()))
            errors: dict[int, list[tuple[str, str]]] = {}
            for (row, column), shown in sorted(book.errors(name).items()):
                errors.setdefault(row + 2, []).append((headers[column], shown))
            if data.height == 0 and not errors:
                raise InputError(path.name, f"sheet {name!r} has headings but no data rows", row=1)
            return Table(data, {}, f"excel sheet {name!r}", cell_errors=errors)
    missing = {n: [r for r in required if r not in h] for n, h in seen.items()}
    raise InputError(path.name, f"no sheet has the expected headings {required}; missing per sheet: {missing}",
                     row=1, column=next(iter(next(iter(missing.values()))), None))


MS_FORMS_META = {
    "ID": ("ID", "Id"),
    "Start time": ("Start time", "Begintijd"),
    "Completion time": ("Completion time", "Tijd van voltooien", "Tijdstip van voltooien"),
    "Email": ("Email", "E-mail"),
    "Name": ("Name", "Naam"),
}


def read_ms_forms_xlsx(path: Path, sheet: str | None = None) -> Table:
    """Microsoft Forms results workbook: ID, Start time, Completion time, Email, Name (Dutch
    headings accepted and normalised to English), then one column per question."""
    book = _Workbook(path)
    problem = ""
    for name in [sheet] if sheet else book.sheet_names:
        headers = book.headings(name)
        rename = {}
        for english, variants in MS_FORMS_META.items():
            hit = next((h for h in headers if h in variants), None)
            if hit is None:
                problem = problem or (f"not a Microsoft Forms export: no {english!r} column "
                                      f"(or {', '.join(variants[1:])}) in row 1 of sheet {name!r}")
                break
            rename[hit] = english
        else:
            break
    else:
        raise InputError(path.name, problem, row=1)
    table = read_excel(path, list(rename), sheet=name, workbook=book)
    table.frame = table.frame.rename(rename)
    table.cell_errors = {r: [(rename.get(h, h), shown) for h, shown in cells] for r, cells in table.cell_errors.items()}
    table.detail = f"ms forms {table.detail}"
    return table


MAXQDA_COLUMNS = {
    "document": ("Document name", "Dokumentname"),
    "code": ("Code",),
    "segment": ("Segment",),
}


def read_maxqda_coded_segments(path: Path, sheet: str | None = None) -> Table:
    """MAXQDA 'Export coded segments' as a workbook or CSV (English or German headings)."""
    if path.suffix.lower() in {".csv", ".txt"}:
        records = read_delimited(path)
        headers = [h.strip() for h in records.head[0]]
        chosen = {key: next((h for h in headers if h in variants), None) for key, variants in MAXQDA_COLUMNS.items()}
        if not all(chosen.values()):
            raise InputError(path.name, "not a MAXQDA coded-segments export: expected headings "
                             "'Document name', 'Code', 'Segment'", row=1)
        frame, short = records.to_frame(path, header_rows=1, name_row=0)
        return Table(frame.rename({v: k for k, v in chosen.items()}), {}, "maxqda coded segments, csv", short)
    book = _Workbook(path)
    for name in [sheet] if sheet else book.sheet_names:
        headers = book.headings(name)
        chosen = {key: next((h for h in headers if h in variants), None) for key, variants in MAXQDA_COLUMNS.items()}
        if all(chosen.values()):
            table = read_excel(path, list(chosen.values()), sheet=name, workbook=book)
            table.frame = table.frame.rename({v: k for k, v in chosen.items()})
            table.detail = f"maxqda coded segments, {table.detail}"
            return table
    raise InputError(path.name, "not a MAXQDA coded-segments export: expected headings "
                     "'Document name', 'Code', 'Segment'", row=1)


READERS = {
    "qualtrics_csv": lambda sf: read_qualtrics_csv(sf.path),
    "ms_forms_xlsx": lambda sf: read_ms_forms_xlsx(sf.path, sf.sheet),
    "maxqda_coded_segments": lambda sf: read_maxqda_coded_segments(sf.path, sf.sheet),
    # other survey tools (assets/ingest/formats_other_surveys.py), imported when a codebook names them
    "limesurvey_csv": lambda sf: _other_surveys().read_limesurvey_csv(sf.path),
    "limesurvey_xlsx": lambda sf: _other_surveys().read_limesurvey_xlsx(sf.path, sf.sheet),
    "limesurvey_r": lambda sf: _other_surveys().read_limesurvey_r(sf.path, sf.companion),
    "spss_sav": lambda sf: _other_surveys().read_spss_sav(sf.path),
    "google_forms_csv": lambda sf: _other_surveys().read_google_forms_csv(sf.path),
    "surveymonkey_csv": lambda sf: _other_surveys().read_surveymonkey_csv(sf.path),
    "surveymonkey_xlsx": lambda sf: _other_surveys().read_surveymonkey_xlsx(sf.path, sf.sheet),
    # qualitative tools (assets/ingest/formats_qualitative.py)
    "atlasti_quotations": lambda sf: _qualitative().read_atlasti_quotations(sf.path),
    "teams_vtt": lambda sf: _qualitative().read_teams_vtt(sf.path),
    "teams_docx": lambda sf: _qualitative().read_teams_docx(sf.path),
}


def _other_surveys():
    from assets.ingest import formats_other_surveys

    return formats_other_surveys


def _qualitative():
    from assets.ingest import formats_qualitative

    return formats_qualitative


def read_source(source_file) -> Table:
    """Read an export with the reader of its format; errors name the file as the warehouse does."""
    try:
        return READERS[source_file.format](source_file)
    except InputError as exc:
        raise InputError(source_file.relative, exc.message, exc.row, exc.column) from None
