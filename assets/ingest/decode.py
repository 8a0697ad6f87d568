"""Decode raw survey cells into typed answers by the codebook, in DuckDB.

Runs as set-based SQL so it stays fast at millions of cells: each distinct cell text of a column is
decoded once (an export repeats a few thousand answers a million times), the cells then only look
their value up, and the answers are sorted by numbered files and values, not by their text. A row with any value the codebook
cannot decode (unknown label, not a number, outside the declared scale, missing required value,
answer in a wave that does not ask it, second response of the same participant and wave) goes
to raw.quarantine with its reason, and none of its answers reach staging.
"""

from __future__ import annotations

import polars as pl

from assets.ingest.codebook import Codebook
from assets.ingest.loader import insert_frame, transaction
from assets.partitions import year_filter
from warehouse.schema import ensure_schema


def _codebook_frames(codebooks: list[Codebook]):
    """(variables per file and column, labels per file, constants per file, the labels of
    staging.codebook_labels). A year may have several codebooks of one instrument (the tool
    changed between waves): each file is decoded by its own codebook's labels, and the year's
    labels are listed once, in the first codebook's order."""
    variables, labels, constants = [], [], []
    for cb in codebooks:
        for sf in cb.files:
            for v in cb.variables:
                # a multi-select split over columns: one entry per column, typed by the option it selects
                columns = [(v.column, v.type, None)] if v.column else [(c, "option_column", code)
                                                                       for c, code in v.option_columns]
                for column, vtype, option in columns:
                    variables.append({
                        "source_file": sf.relative, "year": cb.year, "variable": v.name, "column_name": column,
                        "type": vtype, "min_value": v.min, "max_value": v.max, "required": v.required,
                        "waves": list(v.waves), "option_code": option,
                    })
            for name, value in sf.constants.items():
                constants.append({"source_file": sf.relative, "year": cb.year, "variable": name, "value": value})
        for v in cb.variables:
            for i, lab in enumerate(v.labels, start=1):
                labels.append({"year": cb.year, "instrument": cb.instrument, "variable": v.name,
                               "variable_text": v.text, "role": v.role, "position": i, "label": lab.label,
                               "code": lab.code, "number": lab.number, "domain": lab.domain,
                               "label_en": lab.label_en, "domain_en": lab.domain_en, "variable_text_en": v.text_en,
                               "source_files": [sf.relative for sf in cb.files]})
    vschema = {"source_file": pl.String, "year": pl.Int32, "variable": pl.String, "column_name": pl.String,
               "type": pl.String, "min_value": pl.Float64, "max_value": pl.Float64, "required": pl.Boolean,
               "waves": pl.List(pl.String), "option_code": pl.String}
    lschema = {"year": pl.Int32, "instrument": pl.String, "variable": pl.String, "variable_text": pl.String,
               "role": pl.String, "position": pl.Int32, "label": pl.String, "code": pl.String,
               "number": pl.Float64, "domain": pl.String, "label_en": pl.String, "domain_en": pl.String,
               "variable_text_en": pl.String, "source_files": pl.List(pl.String)}
    cschema = {"source_file": pl.String, "year": pl.Int32, "variable": pl.String, "value": pl.String}
    labels = pl.DataFrame(labels, schema=lschema)
    per_file = (labels.explode("source_files").rename({"source_files": "source_file"})
                .select("source_file", "variable", "label", "code", "number"))
    variable = ["year", "instrument", "variable"]
    listed = (labels.drop("source_files").unique([*variable, "label"], keep="first", maintain_order=True)
              .with_columns(pl.col("variable_text", "role", "variable_text_en").first().over(variable),
                            position=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over(variable)))
    return pl.DataFrame(variables, schema=vschema), per_file, pl.DataFrame(constants, schema=cschema), listed


def _questions(codebooks: list[Codebook]) -> pl.DataFrame:
    """staging.codebook_variables: each year's variables once, as its first codebook declares them."""
    rows = [{"year": cb.year, "instrument": cb.instrument, "variable": v.name, "variable_text": v.text,
             "type": v.type, "role": v.role, "scale_min": v.min, "scale_max": v.max, "variable_text_en": v.text_en,
             "text_given": v.text is not None and v.text != v.column}
            for cb in codebooks for v in cb.variables]
    schema = {"year": pl.Int32, "instrument": pl.String, "variable": pl.String, "variable_text": pl.String,
              "type": pl.String, "role": pl.String, "scale_min": pl.Float64, "scale_max": pl.Float64,
              "variable_text_en": pl.String, "text_given": pl.Boolean}
    return pl.DataFrame(rows, schema=schema).unique(["year", "instrument", "variable"], keep="first",
                                                    maintain_order=True)


# Why a row is rejected, first reason first; {wave} is the row's wave (NULL: not known).
REASON = """CASE
    WHEN d.cell IS NULL AND d.required THEN 'missing required value for ' || d.variable
    WHEN d.token IS NULL THEN NULL
    WHEN d.number_ambiguous THEN 'ambiguous number for ' || d.variable
      || ': "." or "," before three digits is a decimal point and a thousands separator, and both fit'
    WHEN d.type = 'number' AND d.number IS NULL THEN 'not a number: ' || d.variable || ' expects a number'
    WHEN d.type = 'number' AND (d.number < d.min_value OR d.number > d.max_value)
      THEN 'outside the scale ' || d.min_value::VARCHAR || '-' || d.max_value::VARCHAR || ' the codebook declares for ' || d.variable
    WHEN d.type = 'date' AND d.date_value IS NULL
      THEN 'not a date: ' || d.variable || ' expects dd-mm-jjjj or jjjj-mm-dd, a year from 1900 to 2099'
    WHEN d.type = 'text' AND regexp_matches(d.token, '^(=|@|[+\\-][^\\s\\d.,])')
      THEN 'formula-like text in ' || d.variable || ': a spreadsheet would run it; check the export'
    WHEN d.type IN ('category', 'multi_select') AND d.label_code IS NULL
      THEN 'unknown answer label for ' || d.variable || ' (not in the codebook)'
    WHEN len(d.waves) > 0 AND NOT list_contains(d.waves, {wave})
      THEN d.variable || ' answered in wave ' || coalesce({wave}, '?') || '; the codebook asks it only in ' || array_to_string(d.waves, ', ')
  END"""

# A raw cell and its decoded value(s): the same file, column and cell text.
CELL_OF_VALUE = ("d.source_file = c.source_file AND d.column_name = c.column_name "
                 "AND d.cell_value IS NOT DISTINCT FROM c.cell_value")

DECODE_SQL = """
-- the files in the order the answers are written (year, file), numbered: sorting by numbers is cheap
CREATE OR REPLACE TEMP TABLE _vars AS
SELECT *, dense_rank() OVER (ORDER BY year, source_file) AS file_rank FROM _cb_vars;

-- Each distinct cell text of a codebook column, decoded once: a million rows repeat a few thousand
-- distinct answers, so labels, casts, dates and checks run per distinct text, not per cell.
CREATE OR REPLACE TEMP TABLE _decoded_values AS
WITH joined_labels AS (
  -- options whose label holds the separator ("Grenzen bewaken, nee zeggen" in a Google Forms cell
  -- joined by ", "), longest first: kept whole when a cell is split into its options
  SELECT source_file, variable, list(label ORDER BY length(label) DESC, label) AS labels
  FROM _labels WHERE contains(label, '{sep}') GROUP BY ALL
), cells AS (
  SELECT c.source_file, c.column_name, c.cell_value, v.year, v.file_rank, v.variable, v.type, v.min_value, v.max_value,
         v.required, v.waves, v.option_code, nullif(trim(c.cell_value), '') AS cell, j.labels AS joined_labels
  FROM (SELECT DISTINCT source_file, column_name, cell_value FROM {raw}
        WHERE (source_file, column_name) IN (SELECT source_file, column_name FROM _vars)) c
  JOIN _vars v USING (source_file, column_name)
  LEFT JOIN joined_labels j ON j.source_file = c.source_file AND j.variable = v.variable AND v.type = 'multi_select'
), tokens AS (
  -- one row per selected option for multi-select cells, the cell itself otherwise
  SELECT * EXCLUDE (token, joined_labels),
         CASE WHEN type = 'multi_select' THEN nullif(trim(replace(token, chr(31), '{sep}')), '')
              -- a split-column option is chosen by any mark but an explicit "no"
              WHEN type = 'option_column' THEN CASE WHEN cell IS NULL OR lower(cell) IN ('0', 'nee', 'no', 'n', 'false', 'onwaar')
                                                    THEN NULL ELSE option_code END
              ELSE cell END AS token
  FROM (SELECT *, unnest(CASE WHEN type = 'multi_select' AND cell IS NOT NULL
                              THEN string_split(CASE WHEN joined_labels IS NULL THEN cell ELSE list_reduce(
                                     list_prepend(cell, joined_labels),
                                     -- the label's backslashes doubled: in the replacement they would be \\1
                                     lambda kept, label: regexp_replace(kept, regexp_escape(label),
                                         replace(replace(label, '\\', '\\\\'), '{sep}', chr(31)), 'gi')) END,
                                   '{sep}')
                              ELSE [cell] END) AS token FROM cells)
), number_readings AS (
  -- a number as written: digits grouped by "." with a decimal comma (1.234,5; 1.234.567) or by ","
  -- with a decimal point (1,234.5; 1,234,567); otherwise a comma is a decimal comma. One "." or ","
  -- before exactly three digits (1.000) reads both ways: the reading within the scale is taken, a
  -- number within it either way is quarantined as ambiguous, one outside it either way as outside
  SELECT *, CASE WHEN regexp_matches(token, '^[+-]?[1-9][0-9]{{0,2}}(\\.[0-9]{{3}})+,[0-9]+$')
                        OR regexp_matches(token, '^[+-]?[1-9][0-9]{{0,2}}(\\.[0-9]{{3}}){{2,}}$')
                   THEN TRY_CAST(replace(replace(token, '.', ''), ',', '.') AS DOUBLE)
                 WHEN regexp_matches(token, '^[+-]?[1-9][0-9]{{0,2}}(,[0-9]{{3}})+\\.[0-9]+$')
                        OR regexp_matches(token, '^[+-]?[1-9][0-9]{{0,2}}(,[0-9]{{3}}){{2,}}$')
                   THEN TRY_CAST(replace(token, ',', '') AS DOUBLE)
                 ELSE TRY_CAST(replace(token, ',', '.') AS DOUBLE) END AS as_written,
            TRY_CAST(regexp_replace(token, '[.,]', '') AS DOUBLE) AS as_grouped,
            regexp_matches(token, '^[+-]?[1-9][0-9]{{0,2}}[.,][0-9]{{3}}$') AS one_group
  FROM tokens WHERE type = 'number'
), numbers AS (
  SELECT *, CASE WHEN NOT isfinite(as_written) THEN NULL  -- "NaN", "inf": not a number, not outside the scale
                 WHEN NOT one_group OR NOT grouped_fits THEN as_written
                 WHEN NOT written_fits THEN as_grouped END AS number,
            one_group AND written_fits AND grouped_fits AS number_ambiguous
  FROM (SELECT *,
               as_written BETWEEN coalesce(min_value, as_written) AND coalesce(max_value, as_written) AS written_fits,
               as_grouped BETWEEN coalesce(min_value, as_grouped) AND coalesce(max_value, as_grouped) AS grouped_fits
        FROM number_readings)
), decoded AS (
  SELECT t.*, l.code AS label_code, l.number AS label_number,
         n.number, coalesce(n.number_ambiguous, false) AS number_ambiguous,
         -- Dutch day-first dates first, then ISO; with the year in four digits (19xx, 20xx): "03-10-22"
         -- would read as the year 22, and TRY_CAST takes it for 3 October 22 too
         CASE WHEN t.type = 'date' AND regexp_matches(t.token, '(^|[^0-9])(19|20)[0-9][0-9]([^0-9]|$)')
              THEN coalesce(TRY_STRPTIME(t.token, '%d-%m-%Y'), TRY_STRPTIME(t.token, '%d/%m/%Y'),
                            TRY_STRPTIME(t.token, '%d-%m-%Y %H:%M'), TRY_STRPTIME(t.token, '%d-%m-%Y %H:%M:%S'),
                            TRY_CAST(t.token AS TIMESTAMP)) END AS date_value,
         k.source_file IS NOT NULL AS wave_is_constant, k.value AS file_wave
  FROM tokens t
  LEFT JOIN numbers n ON t.type = 'number' AND n.source_file = t.source_file AND n.column_name = t.column_name
       AND n.variable = t.variable AND n.cell_value IS NOT DISTINCT FROM t.cell_value
       AND n.token IS NOT DISTINCT FROM t.token
  LEFT JOIN _labels l ON l.source_file = t.source_file AND l.variable = t.variable
       AND lower(l.label) = lower(CASE WHEN t.type = 'option_column' THEN NULL ELSE t.token END)
  LEFT JOIN _cb_constants k ON k.source_file = t.source_file AND k.variable = 'wave'
)
-- a file of one wave (a constant) is checked here against that wave; other files row by row below
SELECT d.*, CASE WHEN d.wave_is_constant THEN {reason_in_file_wave} END AS reason,
       CASE WHEN d.type = 'number' THEN NULL
            WHEN d.type = 'date' THEN strftime(d.date_value, '%Y-%m-%d')
            WHEN d.type = 'option_column' THEN d.token
            ELSE coalesce(d.label_code, d.token) END AS value_code,
       CASE WHEN d.type = 'number' THEN d.number ELSE d.label_number END AS value_number
FROM decoded d;

-- the order of the answers within a row (variable, then code), numbered as well
CREATE OR REPLACE TEMP TABLE _answer_order AS
SELECT variable, value_code, dense_rank() OVER (ORDER BY variable, value_code) AS answer_rank
FROM (SELECT variable, value_code FROM _decoded_values UNION SELECT variable, value FROM _cb_constants);

CREATE OR REPLACE TEMP TABLE _values AS
SELECT v.*, o.answer_rank
FROM _decoded_values v
JOIN _answer_order o ON o.variable = v.variable AND o.value_code IS NOT DISTINCT FROM v.value_code;

-- the wave of every row of a file without a wave constant: its decoded wave variable
CREATE OR REPLACE TEMP TABLE _row_wave AS
SELECT c.source_file, c.row_number, coalesce(d.label_code, d.token) AS wave
FROM {raw} c JOIN _values d ON {cell_of_value}
WHERE d.variable = 'wave' AND NOT d.wave_is_constant;

-- every row once with its wave; a row of a file without a wave constant needs its wave variable
-- (rows told apart by the file's number, not its name: a cheaper key among a million rows)
CREATE OR REPLACE TEMP TABLE _rows AS
SELECT f.source_file, r.row_number, r.respondent_id, f.year, r.file_rank, coalesce(k.value, w.wave) AS wave
FROM (SELECT DISTINCT v.file_rank, c.row_number, c.respondent_id
      FROM {raw} c JOIN _vars v USING (source_file, column_name)) r
JOIN (SELECT DISTINCT source_file, year, file_rank FROM _vars) f USING (file_rank)
LEFT JOIN _cb_constants k ON k.source_file = f.source_file AND k.variable = 'wave'
LEFT JOIN _row_wave w ON w.source_file = f.source_file AND w.row_number = r.row_number
WHERE k.source_file IS NOT NULL OR w.source_file IS NOT NULL;

CREATE OR REPLACE TEMP TABLE _problems AS
SELECT c.source_file, c.row_number, c.column_name, d.cell AS cell_value, d.reason
FROM {raw} c JOIN _values d ON {cell_of_value}
WHERE d.wave_is_constant AND d.reason IS NOT NULL
UNION ALL
SELECT c.source_file, c.row_number, c.column_name, d.cell AS cell_value, {reason_in_row_wave} AS reason
FROM {raw} c JOIN _values d ON {cell_of_value} AND NOT d.wave_is_constant
LEFT JOIN _row_wave w ON w.source_file = c.source_file AND w.row_number = c.row_number;
DELETE FROM _problems WHERE reason IS NULL;

-- a second response of the same participant in the same wave: keep the first, reject the rest
-- (ranked only where a participant answered a wave more than once: the rest cannot be a duplicate);
-- among the rows that decode: a response corrected and sent again replaces one quarantined already
INSERT INTO _problems
WITH valid AS (
  SELECT * FROM _rows WHERE (source_file, row_number) NOT IN (SELECT source_file, row_number FROM _problems)
)
SELECT source_file, row_number, 'participant', respondent_id,
       'duplicate response: participant already answered wave ' || wave || ' (first at ' || first_file || ' row ' || first_row || ')'
FROM (
  SELECT r.source_file, r.row_number, r.respondent_id, r.wave,
         first_value(r.source_file) OVER win AS first_file, first_value(r.row_number) OVER win AS first_row,
         row_number() OVER win AS nth
  FROM valid r
  SEMI JOIN (SELECT year, respondent_id, wave FROM valid GROUP BY ALL HAVING count(*) > 1) g
       ON g.year IS NOT DISTINCT FROM r.year AND g.respondent_id IS NOT DISTINCT FROM r.respondent_id
       AND g.wave IS NOT DISTINCT FROM r.wave
  WINDOW win AS (PARTITION BY r.year, r.respondent_id, r.wave ORDER BY r.source_file, r.row_number)
) WHERE nth > 1;
"""

ANSWERS_SQL = """
SELECT * EXCLUDE (file_rank, answer_rank) FROM (
  SELECT d.year, c.source_file, c.row_number, c.respondent_id AS participant_id,
         coalesce(d.file_wave, w.wave) AS wave, d.variable, d.value_code, d.value_number, d.file_rank, d.answer_rank
  FROM {raw} c JOIN _values d ON {cell_of_value}
  LEFT JOIN _row_wave w ON w.source_file = c.source_file AND w.row_number = c.row_number
  WHERE d.token IS NOT NULL AND d.variable <> 'wave' AND (d.wave_is_constant OR w.source_file IS NOT NULL)
    AND (c.source_file, c.row_number) NOT IN (SELECT source_file, row_number FROM _problems)
  UNION ALL
  SELECT r.year, r.source_file, r.row_number, r.respondent_id, r.wave, k.variable, k.value, NULL, r.file_rank, o.answer_rank
  FROM _rows r JOIN _cb_constants k ON k.source_file = r.source_file AND k.variable <> 'wave'
  JOIN _answer_order o ON o.variable = k.variable AND o.value_code IS NOT DISTINCT FROM k.value
  WHERE (r.source_file, r.row_number) NOT IN (SELECT source_file, row_number FROM _problems)
)
-- year, file, row, variable, code: as numbers
ORDER BY file_rank, row_number, answer_rank
"""


TEMP_TABLES = ("_vars", "_decoded_values", "_answer_order", "_values", "_row_wave", "_rows", "_problems")


def decode_survey(conn, instrument: str, codebooks: list[Codebook], raw: str, target: str,
                  years: list[int] | None = None) -> dict[str, int]:
    """Rebuild these years' rows of `target` from `raw` by their codebooks (of `instrument`), in
    one transaction; returns counts. A year of `years` without codebooks (withdrawn) loses its rows."""
    ensure_schema(conn, raw, target, "raw.quarantine", "staging.codebook_labels", "staging.codebook_variables")
    variables, labels, constants, listed = _codebook_frames(codebooks)
    conn.register("_cb_vars", variables.to_arrow())
    conn.register("_labels", labels.to_arrow())
    conn.register("_cb_constants", constants.to_arrow())
    files_of_years = ("true" if years is None else
                      f"source_file IN (SELECT source_file FROM raw.source_files WHERE {year_filter(years)})")
    separators = {cb.multi_select_separator for cb in codebooks} or {";"}
    if len(separators) > 1:
        raise ValueError(f"codebooks of {instrument} disagree on multi_select_separator: {separators}")
    try:
        with transaction(conn):
            sql = DECODE_SQL.format(raw=raw, sep=separators.pop().replace("'", "''"), cell_of_value=CELL_OF_VALUE,
                                    reason_in_file_wave=REASON.format(wave="d.file_wave"),
                                    reason_in_row_wave=REASON.format(wave="w.wave"))
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"DELETE FROM {target} WHERE {year_filter(years)}")
            conn.execute(f"INSERT INTO {target} BY NAME {ANSWERS_SQL.format(raw=raw, cell_of_value=CELL_OF_VALUE)}")
            conn.execute(f"DELETE FROM raw.quarantine WHERE instrument = ? AND stage = 'staging' "
                         f"AND {files_of_years}", [instrument])
            conn.execute(
                "INSERT INTO raw.quarantine BY NAME SELECT source_file, row_number, column_name, cell_value, reason, "
                "'staging' AS stage, ? AS instrument FROM _problems ORDER BY source_file, row_number, column_name",
                [instrument])
            conn.execute(f"DELETE FROM staging.codebook_labels WHERE instrument = ? AND {year_filter(years)}",
                         [instrument])
            insert_frame(conn, "staging.codebook_labels", listed)
            conn.execute(f"DELETE FROM staging.codebook_variables WHERE instrument = ? AND {year_filter(years)}",
                         [instrument])
            insert_frame(conn, "staging.codebook_variables", _questions(codebooks))
    finally:
        for view in ("_cb_vars", "_labels", "_cb_constants"):
            conn.unregister(view)
        for temp in TEMP_TABLES:  # a million rows of them: not kept for the rest of the connection
            conn.execute(f"DROP TABLE IF EXISTS {temp}")
    n_answers = conn.execute(f"SELECT count(*) FROM {target} WHERE {year_filter(years)}").fetchall()[0][0]
    n_rejected = conn.execute(
        "SELECT count(DISTINCT (source_file, row_number)) FROM raw.quarantine WHERE instrument = ? "
        f"AND stage = 'staging' AND {files_of_years}", [instrument]).fetchall()[0][0]
    return {"answers": n_answers, "rows_quarantined": n_rejected}
