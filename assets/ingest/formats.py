"""Readers for export files as the tools write them, into Polars frames of text.

Every reader returns a `Table`: all cells as text (None for empty), headings as the tool
wrote them, and for each data row its row number as a spreadsheet shows it (header rows
count), so errors and quarantine rows point at a place the user can find.
"""

from __future__ import annotations

import codecs
import csv
import io
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


# --- text files ------------------------------------------------------------------------

def decode_text(raw: bytes) -> str:
    """Decode by BOM (UTF-8, UTF-16 LE/BE), else UTF-8, else Windows-1252 (Dutch Excel)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(enc)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def sniff_delimiter(first_line: str) -> str:
    """The delimiter that splits the header line into the most fields (`,`, `;` or tab)."""
    counts = {d: len(next(csv.reader([first_line], delimiter=d))) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_records(path: Path) -> list[list[str]]:
    """All records of a delimited text file, with encoding and delimiter detected."""
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path.name, "the file is empty")
    text = decode_text(raw)
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
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


def read_qualtrics_csv(path: Path) -> Table:
    """Qualtrics CSV: three header rows (heading, question text, ImportId JSON) or the legacy
    two-row form (V1..Vn over the headings); delimiter and encoding as found."""
    records = read_records(path)
    short: dict[int, int] = {}
    if len(records) >= 3 and records[2] and records[2][0].strip().startswith('{"ImportId"'):
        frame = records_to_frame(path, records, header_rows=3, name_row=0, short_rows=short)
        wording = dict(zip(_unique([h.strip() for h in records[0]]), records[1]))
        return Table(frame, wording, "qualtrics: three header rows", short)
    if len(records) >= 2 and records[0] and records[0][0].strip() == "V1":
        frame = records_to_frame(path, records, header_rows=2, name_row=1, short_rows=short)
        return Table(frame, {}, "qualtrics: legacy two header rows", short)
    found = records[2][:2] if len(records) > 2 else (records[-1][:2] if records else [])
    raise InputError(path.name, "not a Qualtrics export: expected a third header row of "
                     f'{{"ImportId": ...}} cells (or legacy V1..Vn headings), found {found!r}',
                     row=min(3, len(records)) or 1)


# --- spreadsheets ----------------------------------------------------------------------

def _open_workbook(path: Path):
    if path.stat().st_size == 0:
        raise InputError(path.name, "the file is empty")
    try:
        return fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own error types for corrupt or truncated files
        raise InputError(path.name, f"cannot be read as an Excel workbook ({exc.__class__.__name__}: "
                         f"{str(exc).splitlines()[0][:200]})") from None


def read_excel(path: Path, required: list[str], sheet: str | None = None) -> Table:
    """The first sheet (or the named one) whose header row holds every required heading."""
    book = _open_workbook(path)
    candidates = [sheet] if sheet else book.sheet_names
    seen = {}
    for name in candidates:
        if name not in book.sheet_names:
            raise InputError(path.name, f"has no sheet {name!r}; sheets are {book.sheet_names}")
        data = book.load_sheet(name, dtypes="string", whitespace_as_null=True).to_polars()
        headers = [str(c).strip() for c in data.columns]
        seen[name] = headers
        if all(r in headers for r in required):
            data.columns = headers
            data = data.with_columns(pl.Series(ROW, range(2, data.height + 2), dtype=pl.Int32))
            # Rows an editor left blank at the bottom are not answers.
            content = [c for c in data.columns if c != ROW]
            data = data.filter(~pl.all_horizontal(pl.col(content).is_null()))
            if data.height == 0:
                raise InputError(path.name, f"sheet {name!r} has headings but no data rows", row=1)
            return Table(data, {}, f"excel sheet {name!r}")
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
    book = _open_workbook(path)
    problem = ""
    for name in [sheet] if sheet else book.sheet_names:
        headers = [str(c).strip() for c in book.load_sheet(name, n_rows=0).to_polars().columns]
        rename = {}
        for english, variants in MS_FORMS_META.items():
            hit = next((h for h in headers if h in variants), None)
            if hit is None:
                problem = problem or (f"not a Microsoft Forms export: no {english!r} column "
                                      f"(or {', '.join(variants[1:])}); headings are {headers[:6]}")
                break
            rename[hit] = english
        else:
            break
    else:
        raise InputError(path.name, problem, row=1)
    table = read_excel(path, list(rename), sheet=name)
    table.frame = table.frame.rename(rename)
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
        records = read_records(path)
        headers = [h.strip() for h in records[0]]
        chosen = {key: next((h for h in headers if h in variants), None) for key, variants in MAXQDA_COLUMNS.items()}
        if not all(chosen.values()):
            raise InputError(path.name, "not a MAXQDA coded-segments export: expected headings "
                             "'Document name', 'Code', 'Segment'", row=1)
        short: dict[int, int] = {}
        frame = records_to_frame(path, records, header_rows=1, name_row=0, short_rows=short)
        return Table(frame.rename({v: k for k, v in chosen.items()}), {}, "maxqda coded segments, csv", short)
    book = _open_workbook(path)
    probe = {n: [str(c).strip() for c in book.load_sheet(n, n_rows=0).to_polars().columns] for n in book.sheet_names}
    for name, headers in probe.items():
        if sheet and name != sheet:
            continue
        chosen = {key: next((h for h in headers if h in variants), None) for key, variants in MAXQDA_COLUMNS.items()}
        if all(chosen.values()):
            table = read_excel(path, list(chosen.values()), sheet=name)
            table.frame = table.frame.rename({v: k for k, v in chosen.items()})
            table.detail = f"maxqda coded segments, {table.detail}"
            return table
    raise InputError(path.name, "not a MAXQDA coded-segments export: expected headings "
                     "'Document name', 'Code', 'Segment'", row=1)


READERS = {
    "qualtrics_csv": lambda sf: read_qualtrics_csv(sf.path),
    "ms_forms_xlsx": lambda sf: read_ms_forms_xlsx(sf.path, sf.sheet),
    "maxqda_coded_segments": lambda sf: read_maxqda_coded_segments(sf.path, sf.sheet),
    # other survey tools (assets/ingest/formats_more.py), imported when a codebook names them
    "limesurvey_csv": lambda sf: _more().read_limesurvey_csv(sf.path),
    "limesurvey_xlsx": lambda sf: _more().read_limesurvey_xlsx(sf.path, sf.sheet),
    "spss_sav": lambda sf: _more().read_spss_sav(sf.path),
    "google_forms_csv": lambda sf: _more().read_google_forms_csv(sf.path),
    "surveymonkey_csv": lambda sf: _more().read_surveymonkey_csv(sf.path),
    "surveymonkey_xlsx": lambda sf: _more().read_surveymonkey_xlsx(sf.path, sf.sheet),
    # qualitative tools (assets/ingest/formats_qualitative.py)
    "atlasti_quotations": lambda sf: _qualitative().read_atlasti_quotations(sf.path),
    "teams_vtt": lambda sf: _qualitative().read_teams_vtt(sf.path),
    "teams_docx": lambda sf: _qualitative().read_teams_docx(sf.path),
}


def _more():
    from assets.ingest import formats_more

    return formats_more


def _qualitative():
    from assets.ingest import formats_qualitative

    return formats_qualitative


def read_source(source_file) -> Table:
    """Read an export with the reader of its format; errors name the file as the warehouse does."""
    try:
        return READERS[source_file.format](source_file)
    except InputError as exc:
        raise InputError(source_file.relative, exc.message, exc.row, exc.column) from None
