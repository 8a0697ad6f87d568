"""Decode raw survey cells into typed answers by the codebook, in DuckDB.

Runs as set-based SQL so it stays fast at millions of cells. A row with any value the codebook
cannot decode (unknown label, not a number, outside the declared scale, missing required value,
answer in a wave that does not ask it, second response of the same participant and wave) goes
to raw.quarantine with its reason, and none of its answers reach staging.
"""

from __future__ import annotations

import polars as pl

from assets.ingest.codebook import Codebook
from assets.ingest.loader import insert_frame
from assets.partitions import year_filter
from warehouse.schema import ensure_schema


def _codebook_frames(codebooks: list[Codebook]):
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
                               "code": lab.code, "number": lab.number, "domain": lab.domain})
    vschema = {"source_file": pl.String, "year": pl.Int32, "variable": pl.String, "column_name": pl.String,
               "type": pl.String, "min_value": pl.Float64, "max_value": pl.Float64, "required": pl.Boolean,
               "waves": pl.List(pl.String), "option_code": pl.String}
    lschema = {"year": pl.Int32, "instrument": pl.String, "variable": pl.String, "variable_text": pl.String,
               "role": pl.String, "position": pl.Int32, "label": pl.String, "code": pl.String,
               "number": pl.Float64, "domain": pl.String}
    cschema = {"source_file": pl.String, "year": pl.Int32, "variable": pl.String, "value": pl.String}
    return (pl.DataFrame(variables, schema=vschema), pl.DataFrame(labels, schema=lschema),
            pl.DataFrame(constants, schema=cschema))


DECODE_SQL = """
CREATE OR REPLACE TEMP TABLE _cells AS
SELECT c.source_file, c.row_number, c.respondent_id, v.year, v.variable, v.type, v.min_value, v.max_value,
       v.required, v.waves, v.option_code, c.column_name, nullif(trim(c.cell_value), '') AS cell
FROM {raw} c JOIN _cb_vars v USING (source_file, column_name);

-- one row per selected option for multi-select cells, the cell itself otherwise
CREATE OR REPLACE TEMP TABLE _tokens AS
SELECT source_file, row_number, respondent_id, year, variable, type, min_value, max_value, required, waves,
       column_name, cell,
       CASE WHEN type = 'multi_select' THEN nullif(trim(token), '')
            -- a split-column option is chosen by any mark but an explicit "no"
            WHEN type = 'option_column' THEN CASE WHEN cell IS NULL OR lower(cell) IN ('0', 'nee', 'no', 'n', 'false', 'onwaar')
                                                  THEN NULL ELSE option_code END
            ELSE cell END AS token
FROM (
  SELECT *, unnest(CASE WHEN type = 'multi_select' AND cell IS NOT NULL
                        THEN string_split(cell, '{sep}') ELSE [cell] END) AS token
  FROM _cells
);

CREATE OR REPLACE TEMP TABLE _decoded AS
SELECT t.*, l.code AS label_code, l.number AS label_number,
       TRY_CAST(replace(t.token, ',', '.') AS DOUBLE) AS number,
       -- Dutch day-first dates first, then ISO
       CASE WHEN t.type = 'date' THEN coalesce(TRY_STRPTIME(t.token, '%d-%m-%Y'), TRY_STRPTIME(t.token, '%d/%m/%Y'),
            TRY_STRPTIME(t.token, '%d-%m-%Y %H:%M'), TRY_STRPTIME(t.token, '%d-%m-%Y %H:%M:%S'),
            TRY_CAST(t.token AS TIMESTAMP)) END AS date_value
FROM _tokens t
LEFT JOIN _labels l ON l.year = t.year AND l.variable = t.variable
     AND lower(l.label) = lower(CASE WHEN t.type = 'option_column' THEN NULL ELSE t.token END);

-- the wave of every row: a per-file constant, or the decoded wave variable
CREATE OR REPLACE TEMP TABLE _row_wave AS
SELECT DISTINCT c.source_file, c.row_number, k.value AS wave
FROM _cells c JOIN _cb_constants k ON k.source_file = c.source_file AND k.variable = 'wave'
UNION ALL
SELECT source_file, row_number, coalesce(label_code, token) AS wave
FROM _decoded WHERE variable = 'wave' AND source_file NOT IN (SELECT source_file FROM _cb_constants WHERE variable = 'wave');

CREATE OR REPLACE TEMP TABLE _problems AS
SELECT d.source_file, d.row_number, d.column_name, d.cell AS cell_value,
  CASE
    WHEN d.cell IS NULL AND d.required THEN 'missing required value for ' || d.variable
    WHEN d.token IS NULL THEN NULL
    WHEN d.type = 'number' AND d.number IS NULL THEN 'not a number: ' || d.variable || ' expects a number'
    WHEN d.type = 'number' AND (d.number < d.min_value OR d.number > d.max_value)
      THEN 'outside the scale ' || d.min_value::VARCHAR || '-' || d.max_value::VARCHAR || ' the codebook declares for ' || d.variable
    WHEN d.type = 'date' AND d.date_value IS NULL THEN 'not a date: ' || d.variable || ' expects dd-mm-jjjj'
    WHEN d.type = 'text' AND regexp_matches(d.token, '^(=|@|[+\-][^\s\d.,])')
      THEN 'formula-like text in ' || d.variable || ': a spreadsheet would run it; check the export'
    WHEN d.type IN ('category', 'multi_select') AND d.label_code IS NULL
      THEN 'unknown answer label for ' || d.variable || ' (not in the codebook)'
    WHEN len(d.waves) > 0 AND NOT list_contains(d.waves, w.wave)
      THEN d.variable || ' answered in wave ' || coalesce(w.wave, '?') || '; the codebook asks it only in ' || array_to_string(d.waves, ', ')
  END AS reason
FROM _decoded d LEFT JOIN _row_wave w USING (source_file, row_number);
DELETE FROM _problems WHERE reason IS NULL;

-- a second response of the same participant in the same wave: keep the first, reject the rest
INSERT INTO _problems
SELECT source_file, row_number, 'participant', respondent_id,
       'duplicate response: participant already answered wave ' || wave || ' (first at ' || first_file || ' row ' || first_row || ')'
FROM (
  SELECT c.source_file, c.row_number, c.respondent_id, w.wave,
         first_value(c.source_file) OVER win AS first_file, first_value(c.row_number) OVER win AS first_row,
         row_number() OVER win AS nth
  FROM (SELECT DISTINCT source_file, row_number, respondent_id, year FROM _cells) c
  JOIN _row_wave w USING (source_file, row_number)
  WINDOW win AS (PARTITION BY c.year, c.respondent_id, w.wave ORDER BY c.source_file, c.row_number)
) WHERE nth > 1;
"""

ANSWERS_SQL = """
SELECT d.year, d.source_file, d.row_number, d.respondent_id AS participant_id, w.wave, d.variable,
       CASE WHEN d.type = 'number' THEN NULL
            WHEN d.type = 'date' THEN strftime(d.date_value, '%Y-%m-%d')
            WHEN d.type = 'option_column' THEN d.token
            ELSE coalesce(d.label_code, d.token) END AS value_code,
       CASE WHEN d.type = 'number' THEN d.number ELSE d.label_number END AS value_number
FROM _decoded d JOIN _row_wave w USING (source_file, row_number)
WHERE d.token IS NOT NULL AND d.variable <> 'wave'
  AND (d.source_file, d.row_number) NOT IN (SELECT source_file, row_number FROM _problems)
UNION ALL
SELECT c.year, c.source_file, c.row_number, c.respondent_id, w.wave, k.variable, k.value, NULL
FROM (SELECT DISTINCT source_file, row_number, respondent_id, year FROM _cells) c
JOIN _row_wave w USING (source_file, row_number)
JOIN _cb_constants k ON k.source_file = c.source_file AND k.variable <> 'wave'
WHERE (c.source_file, c.row_number) NOT IN (SELECT source_file, row_number FROM _problems)
ORDER BY 1, 2, 3, 6, 7
"""


def decode_survey(conn, codebooks: list[Codebook], raw: str, target: str,
                  years: list[int] | None = None) -> dict[str, int]:
    """Rebuild these years' rows of `target` from `raw` by their codebooks, in one transaction; returns counts."""
    instrument = codebooks[0].instrument if codebooks else None
    ensure_schema(conn, raw, target, "raw.quarantine", "staging.codebook_labels")
    variables, labels, constants = _codebook_frames(codebooks)
    conn.register("_cb_vars", variables.to_arrow())
    conn.register("_labels", labels.to_arrow())
    conn.register("_cb_constants", constants.to_arrow())
    files_of_years = ("true" if years is None else
                      f"source_file IN (SELECT source_file FROM raw.source_files WHERE {year_filter(years)})")
    separators = {cb.multi_select_separator for cb in codebooks} or {";"}
    if len(separators) > 1:
        raise ValueError(f"codebooks of {instrument} disagree on multi_select_separator: {separators}")
    conn.execute("BEGIN TRANSACTION")
    try:
        for statement in DECODE_SQL.format(raw=raw, sep=separators.pop().replace("'", "''")).split(";\n"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"DELETE FROM {target} WHERE {year_filter(years)}")
        conn.execute(f"INSERT INTO {target} BY NAME {ANSWERS_SQL}")
        conn.execute(f"DELETE FROM raw.quarantine WHERE instrument = ? AND stage = 'staging' "
                     f"AND {files_of_years}", [instrument])
        conn.execute(
            "INSERT INTO raw.quarantine BY NAME SELECT source_file, row_number, column_name, cell_value, reason, "
            "'staging' AS stage, ? AS instrument FROM _problems ORDER BY source_file, row_number, column_name",
            [instrument])
        conn.execute(f"DELETE FROM staging.codebook_labels WHERE instrument = ? AND {year_filter(years)}",
                     [instrument])
        insert_frame(conn, "staging.codebook_labels", labels)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        for view in ("_cb_vars", "_labels", "_cb_constants"):
            conn.unregister(view)
    n_answers = conn.execute(f"SELECT count(*) FROM {target} WHERE {year_filter(years)}").fetchall()[0][0]
    n_rejected = conn.execute(
        "SELECT count(DISTINCT (source_file, row_number)) FROM raw.quarantine WHERE instrument = ? "
        f"AND stage = 'staging' AND {files_of_years}", [instrument]).fetchall()[0][0]
    return {"answers": n_answers, "rows_quarantined": n_rejected}
