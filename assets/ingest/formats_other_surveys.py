"""Readers for the other survey tools researchers export from: LimeSurvey, SPSS, Google Forms,
SurveyMonkey. Same contract as `formats.py`: a `Table` of text cells (None for empty) named by
heading, plus `_row_number` as the user finds the row. Values stay as the export shows them
(labels or codes, numbers as text); turning them into values is the codebook's job.
"""

from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

from assets.ingest.errors import InputError
from assets.ingest.formats import (ROW, Records, Table, _excel_error, _open_workbook, _unique, qualtrics_layout,
                                   read_delimited, read_excel)

# --- LimeSurvey ------------------------------------------------------------------------

# Headings LimeSurvey writes for its own columns, as codes and as "full text" (English, Dutch,
# German): a response export has at least one of them (normally the response id first).
LIMESURVEY_META = {
    "id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "token", "ipaddr", "refurl",
    "response id", "date submitted", "last page", "start language", "date started", "date last action",
    "antwoord id", "antwoord-id", "datum verstuurd", "laatste pagina", "starttaal", "startdatum",
    "antwort id", "antwort-id", "datum abgeschickt", "letzte seite", "startsprache",
}
# A question-code heading: Q3, Q3[SQ001], Q3[SQ001][1], Q3[other], Q3[SQ001comment], G01Q02_filecount
_CODE_HEADING = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]\s]+\])*$")


def _limesurvey_check(path: Path, headings: list[str]) -> str:
    """Raise unless the headings hold a LimeSurvey column; say whether they are codes or text."""
    if not any(h.strip().lower() in LIMESURVEY_META for h in headings):
        raise InputError(path.name, "not a LimeSurvey response export: expected a heading 'id' or 'Response ID' "
                         "(or submitdate, lastpage, startlanguage) in row 1", row=1)
    codes = sum(bool(_CODE_HEADING.match(h.strip())) for h in headings if h.strip())
    return "question codes" if codes * 2 > len([h for h in headings if h.strip()]) else "full question text"


def read_limesurvey_csv(path: Path) -> Table:
    """LimeSurvey 'Export responses' CSV: one header row (question codes like `Q3[SQ001]`, or the
    full question text), `,` or `;` between fields, UTF-8 with or without BOM. Multiple-choice
    columns hold `Y` or nothing; LimeSurvey's NULL and an empty string both read as None."""
    records = read_delimited(path)
    if qualtrics_layout(records):  # whose StartDate heading is LimeSurvey's startdate
        raise InputError(path.name, "not a LimeSurvey response export but a Qualtrics one: its codebook's "
                         "format: should be qualtrics_csv", row=1)
    kind = _limesurvey_check(path, records.head[0])
    frame, short = records.to_frame(path, header_rows=1, name_row=0)
    return Table(frame, detail=f"limesurvey csv: {kind} as headings", short_rows=short)


def read_limesurvey_xlsx(path: Path, sheet: str | None = None) -> Table:
    """LimeSurvey 'Export responses' as Microsoft Excel: headings in row 1, answers below."""
    table = read_excel(path, [], sheet=sheet)
    headings = [c for c in table.frame.columns if c != ROW]
    kind = _limesurvey_check(path, headings)
    table.detail = f"limesurvey xlsx: {kind} as headings, {table.detail}"
    return table


def syntax_file_of(data_file: Path) -> Path:
    """The syntax file LimeSurvey writes beside an R data file: survey_<id>_R_data_file.csv ->
    survey_<id>_R_syntax_file.R."""
    stem = re.sub(r"_R_data_file$", "_R_syntax_file", data_file.stem, flags=re.IGNORECASE)
    return data_file.with_name(stem + ".R")


_R_STRING = r'"((?:[^"\\]|\\.)*)"'
_R_NAME = re.compile(r"names\(data\)\[(\d+)\]\s*<-\s*" + _R_STRING)
_R_LABEL = re.compile(r"attributes\(data\)\$variable\.labels\[(\d+)\]\s*<-\s*" + _R_STRING, re.DOTALL)
_R_VALUES = r"((?:\s*(?:" + _R_STRING.replace("(", "(?:", 1) + r"|[-+.\w]+)\s*,?)*)"
_R_FACTOR = re.compile(r"data\[,\s*(\d+)\]\s*<-\s*factor\(data\[,\s*\1\],\s*levels\s*=\s*c\(" + _R_VALUES
                       + r"\)\s*,\s*labels\s*=\s*c\(" + _R_VALUES + r"\)\s*(?:,\s*ordered\s*=\s*\w+\s*)?\)",
                       re.DOTALL)
_R_TOKEN = re.compile(_R_STRING + r"|([-+.\w]+)")


def _r_unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text, flags=re.DOTALL)


def _r_values(text: str) -> list[str]:
    return [_r_unquote(quoted) if bare == "" else bare for quoted, bare in _R_TOKEN.findall(text)]


@dataclass(frozen=True)
class RSyntax:
    """What LimeSurvey's "R (syntax file)" says of the columns of its data file, by position
    (1 = the first column): the question code, the question text, and for list questions the
    answer codes with their labels."""

    names: dict[int, str]
    texts: dict[int, str]
    answers: dict[int, dict[str, str]]


def read_r_syntax(path: Path) -> RSyntax:
    """The `names(data)[i] <- "code"`, `attributes(data)$variable.labels[i] <- "text"` and
    `data[, i] <- factor(data[, i], levels=c(...), labels=c(...))` statements of the syntax file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path.name, f"cannot be read as a LimeSurvey R syntax file ({exc})") from None
    names = {int(i): _r_unquote(code) for i, code in _R_NAME.findall(text)}
    if not names:
        raise InputError(path.name, "not a LimeSurvey R syntax file: no line names(data)[1] <- \"id\"")
    if (gap := next((i for i in range(1, max(names) + 1) if i not in names), None)) is not None:
        raise InputError(path.name, f"names columns up to {max(names)} but not column {gap}: the syntax file "
                         "looks cut short or edited")
    answers = {}
    for i, levels, labels in _R_FACTOR.findall(text):
        codes, shown = _r_values(levels), _r_values(labels)
        if len(codes) != len(shown):
            raise InputError(path.name, f"column {i} ({names.get(int(i))}): {len(codes)} answer codes but "
                             f"{len(shown)} labels")
        answers[int(i)] = dict(zip(codes, shown))
    texts = {int(i): " ".join(html.unescape(_r_unquote(t)).split()) for i, t in _R_LABEL.findall(text)}
    return RSyntax(names, texts, answers)


def read_limesurvey_r(path: Path, syntax_path: Path) -> Table:
    """LimeSurvey's R export, a pair: the data file (CSV, full question text as headings, answer
    codes as answers) and the syntax file that names each column by its question code. The
    columns are named by their codes (`gender`, `education_primary`, `activities_exp#0`); the
    columns after the ones the syntax names (LimeSurvey's timings) keep their headings."""
    syntax = read_r_syntax(syntax_path)
    records = read_delimited(path)
    headings = records.head[0]
    _limesurvey_check(path, headings)
    if len(headings) < len(syntax.names):
        raise InputError(path.name, f"has {len(headings)} columns, but its syntax file {syntax_path.name} names "
                         f"{len(syntax.names)}: are the two files of the same export?", row=1)
    frame, short = records.to_frame(path, header_rows=1, name_row=0)
    names = _unique([syntax.names[i + 1] if i < len(syntax.names) else h.strip()
                     for i, h in enumerate(headings)])
    frame.columns = [*names, ROW]  # by position, as the syntax file names them
    texts = {names[i - 1]: syntax.texts.get(i) or headings[i - 1].strip() for i in syntax.names}
    return Table(frame, texts, f"limesurvey R export: columns named by {syntax_path.name}", short_rows=short)


def _r_structure(path: Path) -> dict[str, dict]:
    """The syntax file as read_limesurvey_structure gives a structure file: {code: {text, answers}}."""
    syntax = read_r_syntax(path)
    return {code: {"text": syntax.texts.get(i, ""), "answers": syntax.answers.get(i, {})}
            for i, code in syntax.names.items()}


def _rows(root: ET.Element, section: str) -> list[dict[str, str]]:
    """The <rows><row> of one section of a LimeSurvey structure file, as dicts of text."""
    node = root.find(section)
    if node is None:
        return []
    return [{child.tag: (child.text or "") for child in row} for row in node.iterfind("rows/row")]


def _plain(text: str) -> str:
    """Question text without LimeSurvey's HTML markup."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text or ""))).strip()


def read_limesurvey_structure(path: Path, language: str | None = None) -> dict[str, dict]:
    """Question codes, texts and answer labels from a LimeSurvey structure file (.lss survey or
    .lsg group; the 4.x+ layout with *_l10ns sections and the older one with the texts inline).

    Returns {question_code: {"text": question text, "answers": {answer_code: label}}}; array
    subquestions appear as `code[subcode]`, with their own text and the parent's answers. The
    language is the one asked for, else the survey's first (base) language. An R syntax file
    (`.R`, LimeSurvey's R export) gives its columns' codes, texts and answers in the same form."""
    if path.suffix.lower() == ".r":
        return _r_structure(path)
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputError(path.name, f"cannot be read as a LimeSurvey structure file ({exc})") from None
    if root.tag != "document" or root.find("LimeSurveyDocType") is None:
        raise InputError(path.name, "not a LimeSurvey structure file: expected <document> with <LimeSurveyDocType>")
    languages = [e.text for e in root.iterfind("languages/language") if e.text]
    language = language or (languages[0] if languages else None)

    def in_language(row: dict) -> bool:
        return language is None or row.get("language", language) == language

    questions = [r for r in _rows(root, "questions") if in_language(r)]
    subquestions = [r for r in _rows(root, "subquestions") if in_language(r)]
    texts = {r["qid"]: r.get("question", "") for r in questions + subquestions if "question" in r}  # old layout
    texts.update({r["qid"]: r.get("question", "") for r in _rows(root, "question_l10ns") if in_language(r)})

    answer_text = {r["aid"]: r.get("answer", "") for r in _rows(root, "answer_l10ns") if in_language(r)}
    answers: dict[str, dict[str, str]] = {}
    for r in sorted((r for r in _rows(root, "answers") if in_language(r)),
                    key=lambda r: (int(r.get("scale_id") or 0), int(r.get("sortorder") or 0))):
        label = r["answer"] if "answer" in r else answer_text.get(r.get("aid", ""), "")
        answers.setdefault(r["qid"], {}).setdefault(r["code"], _plain(label))

    out: dict[str, dict] = {}
    by_qid = {}
    for q in sorted(questions, key=lambda r: int(r.get("question_order") or 0)):
        by_qid[q["qid"]] = q["title"]
        out[q["title"]] = {"text": _plain(texts.get(q["qid"], "")), "answers": answers.get(q["qid"], {})}
    for s in sorted(subquestions, key=lambda r: (r.get("parent_qid", ""), int(r.get("question_order") or 0))):
        parent = by_qid.get(s.get("parent_qid", ""))
        if parent is None:
            continue
        out[f"{parent}[{s['title']}]"] = {"text": _plain(texts.get(s["qid"], "")),
                                         "answers": answers.get(s["parent_qid"], {})}
    return out


# --- SPSS ------------------------------------------------------------------------------

@dataclass
class SpssTable(Table):
    """A Table with the file's multiple-response sets: {set name: {"type", "label",
    "counted_value", "variables"}} (type "D" dichotomies, "C" categories)."""

    mr_sets: dict[str, dict] = field(default_factory=dict)


SPSS_EPOCH = datetime(1582, 10, 14)  # SPSS dates count seconds from the Gregorian calendar's start
SPSS_DATE = {"DATE", "ADATE", "EDATE", "JDATE", "SDATE", "QYR", "MOYR", "WKYR"}
SPSS_DATETIME = {"DATETIME", "YMDHMS", "DATETIMEW"}
SPSS_TIME = {"TIME", "MTIME", "DTIME"}


def _number_text(value: float) -> str:
    """A number as a person would type it: 8 (not 8.0), 7.5, -1000.3."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g")


def _spss_temporal(value: float, kind: str) -> str:
    if kind in SPSS_DATE:
        return (SPSS_EPOCH + timedelta(seconds=value)).date().isoformat()
    if kind in SPSS_DATETIME:
        moment = SPSS_EPOCH + timedelta(seconds=value)
        return moment.isoformat(sep=" ", timespec="microseconds" if moment.microsecond else "seconds")
    seconds = round(value)
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _is_user_missing(value, ranges: list[dict]) -> bool:
    for r in ranges:
        lo, hi = r.get("lo"), r.get("hi")
        if isinstance(value, str):
            if isinstance(lo, str) and lo.rstrip() <= value.rstrip() <= (hi if isinstance(hi, str) else lo).rstrip():
                return True
        elif not isinstance(lo, str) and lo is not None and hi is not None and lo <= value <= hi:
            return True
    return False


def _same(value, counted) -> bool:
    """Whether a cell holds a dichotomy set's counted value (a number, or text for a text variable)."""
    if isinstance(value, str) or isinstance(counted, str):
        def as_text(x):
            return x.rstrip() if isinstance(x, str) else _number_text(float(x))
        return as_text(value) == as_text(counted)
    return float(value) == float(counted)


def read_spss_sav(path: Path) -> SpssTable:
    """An SPSS .sav (or .zsav) file: a value with a value label reads as its label, any other
    number as text (8, 7.5), a user-missing value (the variable's missing values or range) and a
    system-missing one as None, dates as ISO text (2023-02-06, 2023-02-06 09:01:35, 10:10:10).
    Row numbers are SPSS's case numbers (Data View shows no header row). Variable labels become
    the question text; multiple-response sets are in `mr_sets` and named in `detail`. In a
    dichotomy set's columns only the set's counted value is a mark: any other value reads as None."""
    import pyreadstat

    try:
        # pyreadstat allocates every column for the number of cases the header declares: a 1 KB
        # file that said 200,000,000 took 3 GB. Each value takes a byte of the file at least
        # (a .zsav's zlib some 1/1032 of one), so no more cases than that are read.
        _, head = pyreadstat.read_sav(str(path), metadataonly=True, output_format="dict")
        per_case = max(1, head.number_columns or 0)
        with open(path, "rb") as f:
            ratio = 1032 if f.read(4) == b"$FL3" else 1
        limit = path.stat().st_size * ratio // per_case + 1
        data, meta = pyreadstat.read_sav(str(path), user_missing=True, disable_datetime_conversion=True,
                                         output_format="dict", row_limit=limit)
    except Exception as exc:  # pyreadstat raises its own ReadstatError / PyreadstatError
        raise InputError(path.name, f"cannot be read as an SPSS .sav file ({exc.__class__.__name__}: {exc})") from None
    # A dichotomy set's columns are chosen by the set's counted value alone. Any other value, even
    # one labelled "Not selected", reads as None: the option columns' "any mark but an explicit
    # no" would otherwise count it as chosen.
    counted = {variable: s["counted_value"] for s in (getattr(meta, "mr_sets", None) or {}).values()
               if s.get("type") == "D" and s.get("counted_value") is not None
               for variable in s.get("variable_list") or []}
    columns = {}
    for name in meta.column_names:
        labels = meta.variable_value_labels.get(name, {})
        ranges = meta.missing_ranges.get(name, [])
        spss_format = re.sub(r"[\d.]+$", "", meta.original_variable_types.get(name, "")).upper()
        temporal = spss_format if spss_format in SPSS_DATE | SPSS_DATETIME | SPSS_TIME else None
        out = []
        for value in data[name]:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                out.append(None)
                continue
            if isinstance(value, str):
                value = value.rstrip()
                if value == "":
                    out.append(None)
                    continue
            if _is_user_missing(value, ranges) or (name in counted and not _same(value, counted[name])):
                out.append(None)
            elif value in labels:
                out.append(str(labels[value]))
            elif isinstance(value, str):
                out.append(value)
            elif temporal:
                out.append(_spss_temporal(float(value), temporal))
            else:
                out.append(_number_text(float(value)))
        columns[name] = pl.Series(name, out, dtype=pl.String)
    n_rows = len(next(iter(data.values()))) if data else 0
    columns[ROW] = pl.Series(ROW, range(1, n_rows + 1), dtype=pl.Int32)
    frame = pl.DataFrame(columns)
    mr_sets = {
        name: {"type": s.get("type"), "label": s.get("label") or "", "counted_value": s.get("counted_value"),
               "variables": list(s.get("variable_list") or [])}
        for name, s in (getattr(meta, "mr_sets", None) or {}).items()
    }
    wording = {k: v for k, v in meta.column_names_to_labels.items() if v}
    detail = "spss sav"
    if mr_sets:
        detail += "; multiple-response sets: " + "; ".join(
            f"{n} ({', '.join(s['variables'])})" for n, s in mr_sets.items())
    return SpssTable(frame, question_text=wording, detail=detail, mr_sets=mr_sets)


# --- Google Forms ----------------------------------------------------------------------

GOOGLE_FORMS_META = {
    "Timestamp": ("Timestamp", "Tijdstempel", "Zeitstempel", "Horodateur", "Marca temporal"),
    "Email Address": ("Email Address", "E-mailadres", "E-Mail-Adresse", "Adresse e-mail",
                      "Dirección de correo electrónico", "Email address"),
}


def read_google_forms_csv(path: Path) -> Table:
    """Google Forms responses as downloaded (Responses > Download, or the linked Sheet as CSV):
    Timestamp, Email Address when the form collects it, then one column per question (a grid
    question: one per row, `Question [Row]`). A checkbox answer holds the chosen options joined
    by ", " (set `multi_select_separator: ", "` in the codebook). Dutch, German, French and
    Spanish headings of the first two columns are normalised to the English ones."""
    records = read_delimited(path)
    headings = [h.strip() for h in records.head[0]]
    if not headings or headings[0] not in GOOGLE_FORMS_META["Timestamp"]:
        raise InputError(path.name, "not a Google Forms export: expected 'Timestamp' (or Tijdstempel) as the "
                         "first heading of row 1", row=1)
    frame, short = records.to_frame(path, header_rows=1, name_row=0)
    rename = {}
    for english, variants in GOOGLE_FORMS_META.items():
        hit = next((h for h in frame.columns[:2] if h in variants), None)
        if hit is not None and hit != english:
            rename[hit] = english
    frame = frame.rename(rename)
    n = len([c for c in frame.columns if c not in (ROW, *GOOGLE_FORMS_META)])
    return Table(frame, detail=f"google forms csv: {n} questions", short_rows=short)


# --- SurveyMonkey ----------------------------------------------------------------------

SURVEYMONKEY_FIRST = ("Respondent ID", "RespondentID", "Respondent-ID")


def _surveymonkey_headings(top: list[str], sub: list[str]) -> tuple[list[str], dict[str, str]]:
    """Headings from SurveyMonkey's two header rows: a question's text stands over its first
    column only and row 2 names each column's option ("Response" for a single-column question).
    A one-column question (or metadata column) is named by its text; each column of a wider
    question `Question text | Option`."""
    width = max(len(top), len(sub))
    top = [(c or "").strip() for c in top] + [""] * (width - len(top))
    sub = [(c or "").strip() for c in sub] + [""] * (width - len(sub))
    groups: list[list[int]] = []
    for j in range(width):
        if top[j] or not groups:
            groups.append([j])
        else:
            groups[-1].append(j)
    names = [""] * width
    for cols in groups:
        question = top[cols[0]]
        if len(cols) == 1:
            names[cols[0]] = question or sub[cols[0]]
        else:
            for k, j in enumerate(cols, start=1):
                names[j] = f"{question} | {sub[j] or f'column {k}'}"
    names = _unique(names)
    wording = {n: top[g[0]] for g in groups for n in (names[j] for j in g) if top[g[0]]}
    return names, wording


def _surveymonkey_table(path: Path, records: Records, kind: str) -> Table:
    head = records.head
    if not head or not head[0] or (head[0][0] or "").strip() not in SURVEYMONKEY_FIRST:
        raise InputError(path.name, "not a SurveyMonkey export: expected 'Respondent ID' as the first heading of "
                         "row 1", row=1)
    if records.count < 2:
        raise InputError(path.name, "a SurveyMonkey export has two header rows; the second is missing", row=2)
    names, wording = _surveymonkey_headings(head[0], head[1])
    # The first row's headings become the names from both header rows.
    records = replace(records, head=[names, *head[1:]],
                      rows=None if records.rows is None else [names, *records.rows[1:]])
    frame, short = records.to_frame(path, header_rows=2, name_row=0)
    return Table(frame, question_text=wording, detail=f"surveymonkey {kind}: two header rows", short_rows=short)


def read_surveymonkey_csv(path: Path) -> Table:
    """SurveyMonkey 'All individual responses' CSV (expanded layout)."""
    return _surveymonkey_table(path, read_delimited(path), "csv")


def read_surveymonkey_xlsx(path: Path, sheet: str | None = None) -> Table:
    """SurveyMonkey 'All individual responses' as an Excel workbook (first sheet unless named)."""
    book = _open_workbook(path)
    name = sheet or book.sheet_names[0]
    if name not in book.sheet_names:
        raise InputError(path.name, f"has no sheet {name!r}; sheets are {book.sheet_names}")
    sheet_data = book.load_sheet(name, header_row=None, dtypes="string", whitespace_as_null=True)
    batch, errors = sheet_data.to_arrow_with_errors()
    records = [["" if c is None else str(c) for c in row] for row in pl.from_arrow(batch).rows()]
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    table = _surveymonkey_table(path, Records(records[:3], len(records), rows=records), f"xlsx sheet {name!r}")
    # An error cell (#N/A) reads as empty: kept apart, so that its row is quarantined, not loaded as unanswered.
    headings = [c for c in table.frame.columns if c != ROW]
    for error in (errors.errors if errors is not None else ()):
        row, column = error.offset_position
        if row >= 2 and column < len(headings):  # below the two header rows
            table.cell_errors.setdefault(row + 1, []).append((headings[column], _excel_error(error.detail)))
    return table
