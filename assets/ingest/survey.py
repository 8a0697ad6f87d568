"""Load a survey export into a raw cells table, as its codebook declares it.

Only the columns the codebook declares are kept (an undeclared column might hold anything, a
name included); the participant column is replaced by its pseudonym; the identifier columns
the codebook lists are read only to be dropped; free text is masked.
"""

from __future__ import annotations

import difflib
import threading
import weakref

import polars as pl

from assets.ingest.codebook import Codebook, SourceFile
from assets.ingest.errors import InputError
from assets.ingest.formats import ROW, read_source
from assets.ingest.loader import quarantine_frame
from assets.ingest.code_variants import ParticipantCodes, mask_code_variants
from assets.ingest.privacy import mask_series, name_variants
from assets.ingest.pseudonyms import Pseudonymiser


def check_columns(codebook: Codebook, source: SourceFile, headings: list[str],
                  question_text: dict[str, str] | None = None) -> None:
    """Every column the codebook names must be in the file: otherwise stop, naming it."""
    declared = codebook.columns_for(source) | set(codebook.identifier_columns)
    asked_by = {" ".join(text.split()): heading for heading, text in (question_text or {}).items() if text}
    for column in sorted(codebook.columns_for(source)):
        # A heading twice (a question copied in Qualtrics keeps its export tag; two Forms questions
        # with one title): the readers name the second `Q5_2` (text files) or `Q5_1` (workbooks), and
        # the codebook's column would take the first, which may be the empty one, without a word.
        # Items of a scale are named so too (who5, who5_1 ... who5_5): a second twin tells them apart.
        if twin := _twin(column, headings, declared, source.format):
            raise InputError(source.relative, f"the heading {column!r}, which the codebook {codebook.relative} names, "
                             f"is in the file twice (the second read as {twin!r}): give the two columns different "
                             "headings in the export", row=1, column=column)
        if column not in headings:
            unknown = [h for h in headings if h not in declared]
            close = ([h for h in unknown if h.casefold().startswith(column.casefold())]
                     or difflib.get_close_matches(column, unknown, n=1, cutoff=0.5))
            hint = f"; did the column get renamed to {close[0]!r}?" if close else ""
            if (heading := asked_by.get(" ".join(column.split()))) and heading != column:
                hint = f"; that is the question text of column {heading!r}: name the column {heading!r}"
            raise InputError(source.relative, f"the codebook {codebook.relative} names column {column!r}, "
                             f"which the file does not have{hint}", row=1, column=column)


FASTEXCEL_HEADINGS = {"ms_forms_xlsx", "limesurvey_xlsx"}  # SurveyMonkey's two header rows go through _unique


def _twin(column: str, headings: list[str], declared: set[str], fmt: str) -> str | None:
    """The heading a reader gave the second of two columns headed `column`, if the file has one:
    `column_1` from the workbooks whose headings fastexcel reads (a third would be `_2`),
    `column_2` from the others (formats._unique, which has no `_1`). An SPSS file cannot repeat
    a variable's name."""
    if fmt == "spss_sav":
        return None
    first, other = ("_1", "_2") if fmt in FASTEXCEL_HEADINGS else ("_2", "_1")
    twin = column + first
    return twin if twin in headings and twin not in declared and column + other not in headings else None


def _anonymous(codebook: Codebook, pcol: str) -> pl.Expr:
    """Whether a row's participant cell says "no identity" (Forms: anonymous), in any case or spacing."""
    return pl.col(pcol).str.strip_chars().str.to_lowercase().is_in([v.strip().lower() for v in codebook.anonymous_values])


# Qualtrics' Status (a number, or in a choice-text export its words) of what is no respondent's
# answer; 0 (IP Address), 4 (Imported) and 16 (Offline) are answers.
QUALTRICS_NOT_ANSWERS = {"1": "Survey Preview", "2": "Survey Test", "8": "Spam", "9": "Survey Preview Spam",
                         "12": "Imported Spam", "17": "Offline Survey Preview"}


def qualtrics_not_answers(source: SourceFile, frame: pl.DataFrame, pcol: str) -> list[dict]:
    """Quarantine rows for what a Qualtrics export holds besides respondents' answers: previews,
    tests and spam (Status), and a response never finished (Finished 0 or False) by a participant
    who finished another in the file. Kept, such a row that came first pushed the participant's
    finished answer out as a duplicate. An unfinished response is counted where it is all there is."""
    if source.format != "qualtrics_csv":
        return []
    text = {**QUALTRICS_NOT_ANSWERS, **{name.lower(): name for name in QUALTRICS_NOT_ANSWERS.values()}}
    problems, seen = [], set()

    def among(column: str, values) -> list[str]:
        # the column's few distinct values that are among `values`: a million rows are not lower-cased
        return [v for v in frame[column].cast(pl.String).unique().drop_nulls().to_list() if v.strip().lower() in values]

    if "Status" in frame.columns and (flagged := among("Status", text)):
        for r, value in frame.filter(pl.col("Status").is_in(flagged)).select(ROW, "Status").iter_rows():
            seen.add(r)
            problems.append({"source_file": source.relative, "row_number": r, "column_name": "Status",
                             "cell_value": value, "reason": f"not an answer: Qualtrics marks the response "
                             f"'{text[value.strip().lower()]}' (previews, tests and spam are not counted)"})
    if "Finished" in frame.columns and pcol in frame.columns and (no := among("Finished", {"0", "false"})):
        unfinished = pl.col("Finished").is_in(no)
        rows = frame.filter(~pl.col(ROW).is_in(list(seen)))
        code = pl.col(pcol).str.strip_chars().str.to_lowercase().alias("code")
        if (cut_short := rows.filter(unfinished).select(ROW, code, "Finished")).height:
            finished = (rows.filter(~unfinished).select(ROW, code).drop_nulls("code")
                        .group_by("code").agg(pl.col(ROW).min().alias("finished_row")))
            for r, _, value, first in cut_short.join(finished, on="code").sort(ROW).iter_rows():
                problems.append({"source_file": source.relative, "row_number": r, "column_name": "Finished",
                                 "cell_value": value, "reason": f"unfinished response (Finished {value}) of a "
                                 f"participant who finished one (row {first}): that one is counted"})
    return problems


def survey_cells(codebook: Codebook, source: SourceFile, pseudonymise: Pseudonymiser):
    """Parse one export into (cells, quarantine, n_rows, ignored columns)."""
    parsed = read_source(source)
    frame = parsed.frame
    headings = [c for c in frame.columns if c != ROW]
    check_columns(codebook, source, headings, parsed.question_text)
    pcol = codebook.participant_column
    identifiers = set(codebook.identifier_columns) | {pcol}
    declared = codebook.columns_for(source)
    ignored = [h for h in headings if h not in declared and h not in identifiers]
    value_columns = sorted(declared - {pcol})
    text_columns = [v.column for v in codebook.variables if v.type == "text" and v.column in declared]
    # Only what is stored or needed to store it: the rest is never copied.
    needed = [ROW, pcol, *value_columns, *sorted(set(codebook.identifier_columns) & set(headings))]
    if codebook.anonymous_values and codebook.anonymous_key in headings:
        needed.append(codebook.anonymous_key)
    not_answers = qualtrics_not_answers(source, frame, pcol)
    frame = frame.select(list(dict.fromkeys(needed)))
    every_row = frame  # a quarantined row's codes and names are still masked in the others' text

    width = len(headings)
    problems = [
        {"source_file": source.relative, "row_number": r, "column_name": headings[min(n, width - 1)],
         "cell_value": None, "reason": f"row has {n} of {width} fields: the file looks truncated here"}
        for r, n in sorted(parsed.short_rows.items())
    ]
    errors = parsed.first_error({pcol, *value_columns})
    if codebook.anonymous_values and (key := codebook.anonymous_key) in frame.columns:
        # The ID tells an anonymous response apart (below); an error in it matters on those rows only.
        anonymous_rows = set(frame.filter(_anonymous(codebook, pcol))[ROW].to_list())
        for r, error in parsed.first_error({key}).items():
            if r not in errors and r in anonymous_rows:
                errors[r] = error
    problems += [
        {"source_file": source.relative, "row_number": r, "column_name": column, "cell_value": shown,
         "reason": f"Excel error value {shown} in the cell: Excel could not compute it, so there is no answer"}
        for r, (column, shown) in sorted(errors.items()) if r not in parsed.short_rows
    ]
    problems += [p for p in not_answers if p["row_number"] not in parsed.short_rows and p["row_number"] not in errors]
    skipped = [*parsed.short_rows, *errors, *(p["row_number"] for p in not_answers)]
    if skipped:
        frame = frame.filter(~pl.col(ROW).is_in(skipped))
    problems += [
        {"source_file": source.relative, "row_number": r, "column_name": pcol, "cell_value": None,
         "reason": "no participant code: the answers cannot be attributed to anyone"}
        for r in frame.filter(pl.col(pcol).is_null())[ROW].to_list()
    ]
    if codebook.anonymous_values and (key := codebook.anonymous_key) in frame.columns:
        unkeyed = _anonymous(codebook, pcol) & pl.col(key).is_null()
        problems += [
            {"source_file": source.relative, "row_number": r, "column_name": key, "cell_value": None,
             "reason": f"anonymous response without its {key}: it cannot be told apart from the other anonymous "
                       "responses"}
            for r in frame.filter(unkeyed)[ROW].to_list()
        ]
        frame = frame.filter(~unkeyed)
    quarantine = quarantine_frame(codebook.instrument, "ingest", problems)
    frame = frame.filter(pl.col(pcol).is_not_null())

    # Names the file itself reveals (identifier columns) and participant codes, said in free text:
    # of every row, also the quarantined (someone whose only response was cut short is still named).
    codes = every_row[pcol].drop_nulls().unique()
    no_identity = {"anonymous", "anoniem", *(v.strip().lower() for v in codebook.anonymous_values)}
    revealed = [codes.filter(~codes.str.strip_chars().str.to_lowercase().is_in(list(no_identity)))]
    for column in set(codebook.identifier_columns) & set(every_row.columns):
        values = every_row[column].drop_nulls().unique()
        # Not names: e-mail addresses and values with a digit (str.isdigit, which Polars has not:
        # in Python only for the values beyond ASCII that have no ASCII digit).
        values = values.filter(~values.str.contains("@", literal=True) & ~values.str.contains("[0-9]"))
        ascii_only = values.str.contains(r"^[\x00-\x7f]*$")
        values = values.filter(ascii_only).to_list() + \
            [v for v in values.filter(~ascii_only).to_list() if not any(c.isdigit() for c in v)]
        revealed.append(pl.Series(pcol, name_variants(values), dtype=pl.String))
    names = pl.concat(revealed)  # a column, not a tuple: 100,000 codes are not copied into Python
    participant_codes = ParticipantCodes(codes)
    identity = frame[pcol]
    if codebook.anonymous_values:
        # Each anonymous response is its own respondent: key it by file and response id instead.
        key = codebook.anonymous_key
        if key is None or key not in frame.columns:
            raise InputError(source.relative, f"participant.anonymous.key_column {key!r} is not a column of the file",
                             row=1, column=key)
        identity = frame.select(pl.when(_anonymous(codebook, pcol)).then(pl.lit(source.relative + "#") + pl.col(key))
                                .otherwise(pl.col(pcol)).alias(pcol))[pcol]
    frame = frame.with_columns(
        pseudonyms(pseudonymise, identity, codebook.relative).alias("respondent_id"),
        *[mask_code_variants(mask_series(frame[c], names), participant_codes).alias(c) for c in text_columns],
        *[mask_answers(frame[c], names, labels, codebook.multi_select_separator if multi else None,
                       participant_codes).alias(c)
          for c, (labels, multi) in _answer_columns(codebook, value_columns, text_columns).items()
          if frame[c].dtype == pl.String],
    )
    cells = (
        frame.select(ROW, "respondent_id", *value_columns)
        .unpivot(index=[ROW, "respondent_id"], on=value_columns, variable_name="column_name", value_name="cell_value")
        .rename({ROW: "row_number"})
        .with_columns(source_file=pl.lit(source.relative))
    )
    # Row by row, columns in order (a sort by row and column, without sorting): the unpivot gives
    # column by column, which DuckDB stores in about twice the space and inserts more slowly.
    n, k = frame.height, len(value_columns)
    if n and k:
        i = pl.int_range(n * k, eager=True)
        cells = cells[(i % k) * n + i // k]
    return cells, quarantine, parsed.frame.height, ignored


def _answer_columns(codebook: Codebook, value_columns: list[str], text_columns: list[str]) -> dict:
    """{column: (its variable's labels, lowercased; whether it is a multi-select)} of every stored
    column that is not free text."""
    variables = {v.column: v for v in codebook.variables if v.column}
    out = {}
    for column in value_columns:
        if column in text_columns:
            continue
        v = variables.get(column)
        labels = frozenset(x.lower() for lab in (v.labels if v else ()) for x in (lab.label, lab.code))
        out[column] = (labels, v is not None and v.type == "multi_select")
    return out


# A grade or a date (day or year first, a time of day as DuckDB's TIMESTAMP reads it), which no
# name, e-mail address or phone number (nine digits and more) can be.
PLAIN_NUMBER_OR_DATE = (r"^\s*(?:[+-]?\d{1,8}(?:[.,]\d+)?"
                        r"|(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
                        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?)\s*$")


def mask_answers(values: pl.Series, names: pl.Series, labels: frozenset[str], separator: str | None,
                 codes: ParticipantCodes | None = None) -> pl.Series:
    """Answers of a column that is not free text, with e-mail addresses, phone numbers, IBANs, BSNs and
    names in them masked as free text is. Such a column holds a label, a number, a date or a mark,
    but an export can put typed text in it too (Forms writes an "Other" answer into the choice's
    cell), and that text would otherwise reach raw.*_cells and raw.quarantine as it was typed. The
    codebook's labels are left as they are (a label may be a word that is also a name: "Anders"), so
    every answer decodes as before; masking a number, date or mark changes nothing. Each distinct
    answer once."""
    distinct = values.drop_nulls().unique()
    token = pl.element().str.strip_chars().str.to_lowercase()
    if separator:
        # a label that holds the separator ("grenzen bewaken, nee zeggen") is one option, as decoding reads it
        lowered = distinct.str.to_lowercase()
        for label in sorted((lab for lab in labels if separator in lab), key=len, reverse=True):
            lowered = lowered.str.replace_all(label, label.replace(separator, "\x1f"), literal=True)
        token = token.str.replace_all("\x1f", separator, literal=True)
        is_label = lowered.str.split(separator).list.eval((token == "") | token.is_in(list(labels))).list.all()
    else:
        is_label = distinct.str.strip_chars().str.to_lowercase().is_in(list(labels))
    others = distinct.filter(~is_label & ~distinct.str.contains(PLAIN_NUMBER_OR_DATE))
    if others.is_empty():  # nearly always: masking's setup (the names' automaton) is not free
        return values
    masked = mask_series(others, names)
    if codes is not None:
        masked = mask_code_variants(masked, codes)
    changed = others != masked
    if not changed.any():
        return values
    mapping = pl.DataFrame({"text": others.filter(changed), "masked": masked.filter(changed)})
    return (values.to_frame("text").join(mapping, on="text", how="left", maintain_order="left")
            .select(pl.coalesce("masked", "text")).to_series().alias(values.name))


# The participant codes and pseudonyms of the last file of the last few codebooks each
# pseudonymiser saw: a T1 export repeats most participants of its year's T0 export, whose codes then
# need no second keyed hash. A few, not one: load_files parses two codebooks' files side by side.
_LAST_FILE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LAST_FILE_LOCK = threading.Lock()
CODEBOOKS_REMEMBERED = 2


def pseudonyms(pseudonymise: Pseudonymiser, identity: pl.Series, codebook: str) -> pl.Series:
    """`pseudonymise.series(identity)`, hashing only the codes the previous file of `codebook` did not have."""
    codes = identity.drop_nulls().unique().to_frame("code")
    with _LAST_FILE_LOCK:
        known = _remembered(pseudonymise).get(codebook)
    fresh = codes if known is None else codes.join(known, on="code", how="anti")
    mapping = fresh.with_columns(pseudonym=pseudonymise.series(fresh["code"]))
    if known is not None:
        mapping = pl.concat([known.join(codes, on="code", how="semi"), mapping])
    with _LAST_FILE_LOCK:
        remembered = _remembered(pseudonymise)
        remembered.pop(codebook, None)
        remembered[codebook] = mapping
        while len(remembered) > CODEBOOKS_REMEMBERED:
            del remembered[next(iter(remembered))]
    return identity.to_frame("code").join(mapping, on="code", how="left", maintain_order="left")["pseudonym"]


def _remembered(pseudonymise: Pseudonymiser) -> dict:
    """{codebook: codes and pseudonyms of its last file} of this pseudonymiser; a pseudonymiser
    that cannot be weakly referenced remembers nothing."""
    try:
        return _LAST_FILE.setdefault(pseudonymise, {})
    except TypeError:
        return {}
