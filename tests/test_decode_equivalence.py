"""The fast decode (each distinct cell text decoded once, rows sorted by numbers) against the
straightforward one it replaced (every cell decoded, joined and sorted by its text): same answers in
the same order, same quarantine, on exports built to hit every rule and every kind of file."""

import random

import duckdb

from assets.ingest.codebook import Codebook, Label, SourceFile, Variable
from assets.ingest.decode import _codebook_frames, decode_survey
from warehouse.schema import ensure_schema

RAW, TARGET = "raw.pmg_questionnaire_cells", "staging.pmg_questionnaire_answers"

# The decode as it was: per cell, in SQL over the cells themselves (kept here as the reference).
REFERENCE_DECODE_SQL = r"""
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
LEFT JOIN _labels l ON l.source_file = t.source_file AND l.variable = t.variable
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
    WHEN d.type = 'date' AND d.date_value IS NULL
      THEN 'not a date: ' || d.variable || ' expects dd-mm-jjjj or jjjj-mm-dd, a year from 1900 to 2099'
    WHEN d.type = 'text' AND regexp_matches(d.token, '^(=|@|[+\-][^\s\d.,])')
      THEN 'formula-like text in ' || d.variable || ': a spreadsheet would run it; check the export'
    WHEN d.type IN ('category', 'multi_select') AND d.label_code IS NULL
      THEN 'unknown answer label for ' || d.variable || ' (not in the codebook)'
    WHEN len(d.waves) > 0 AND NOT list_contains(d.waves, w.wave)
      THEN d.variable || ' answered in wave ' || coalesce(w.wave, '?') || '; the codebook asks it only in ' || array_to_string(d.waves, ', ')
  END AS reason
FROM _decoded d LEFT JOIN _row_wave w USING (source_file, row_number);
DELETE FROM _problems WHERE reason IS NULL;

-- a second response of the same participant in the same wave: keep the first that decodes, reject the rest
INSERT INTO _problems
SELECT source_file, row_number, 'participant', respondent_id,
       'duplicate response: participant already answered wave ' || wave || ' (first at ' || first_file || ' row ' || first_row || ')'
FROM (
  SELECT c.source_file, c.row_number, c.respondent_id, w.wave,
         first_value(c.source_file) OVER win AS first_file, first_value(c.row_number) OVER win AS first_row,
         row_number() OVER win AS nth
  FROM (SELECT DISTINCT source_file, row_number, respondent_id, year FROM _cells
        WHERE (source_file, row_number) NOT IN (SELECT source_file, row_number FROM _problems)) c
  JOIN _row_wave w USING (source_file, row_number)
  WINDOW win AS (PARTITION BY c.year, c.respondent_id, w.wave ORDER BY c.source_file, c.row_number)
) WHERE nth > 1;
"""

REFERENCE_ANSWERS_SQL = """
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


def reference_decode(conn, codebooks):
    variables, labels, constants, _ = _codebook_frames(codebooks)
    conn.register("_cb_vars", variables.to_arrow())
    conn.register("_labels", labels.to_arrow())
    conn.register("_cb_constants", constants.to_arrow())
    ensure_schema(conn, RAW, TARGET, "raw.quarantine")
    for statement in REFERENCE_DECODE_SQL.format(raw=RAW, sep=codebooks[0].multi_select_separator).split(";\n"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"INSERT INTO {TARGET} BY NAME {REFERENCE_ANSWERS_SQL}")
    conn.execute("INSERT INTO raw.quarantine BY NAME SELECT source_file, row_number, column_name, cell_value, reason, "
                 "'staging' AS stage, 'demo' AS instrument FROM _problems ORDER BY source_file, row_number, column_name")


def _file(name, **constants):
    return SourceFile(path=None, relative=f"pmg/2030/{name}", format="qualtrics_csv", constants=constants)


def _codebooks(separator=";"):
    grades = tuple(Label(str(i), str(i), float(i)) for i in range(1, 6))
    variables = (
        Variable("organisation", "category", "Q2", required=True,
                 labels=(Label("UMCG", "UMCG"), Label("Rijksuniversiteit Groningen", "RUG"), Label("rug", "RUG"))),
        Variable("wave", "category", "QW", labels=(Label("Voor", "T0"), Label("Na", "T1"))),
        Variable("mental_health_grade", "number", "Q5", min=0, max=10),
        Variable("intervention_grade", "number", "Q6", min=0, max=10, waves=("T1",)),
        Variable("started", "date", "Q7"),
        Variable("tips", "text", "Q8"),
        Variable("skills", "multi_select", "Q9", labels=(Label("Rust", "rust"), Label("Focus", "focus"),
                                                         Label("Plannen", "plannen"))),
        Variable("split", "multi_select", option_columns=(("Q10_1", "a"), ("Q10_2", "b"))),
        Variable("factor", "category", "Q11", labels=grades, role="factor"),
    )
    files = (_file("t0.csv", wave="T0"), _file("t1.csv", wave="T1", site="Noord"), _file("mixed.csv"))
    second = (_file("b.csv", wave="T0", site="Zuid"),)
    common = dict(path=None, sha256="", programme="pmg", instrument="demo", multi_select_separator=separator)
    return [Codebook(relative="pmg/2030/codebook.yaml", year=2030, files=files, variables=variables, **common),
            Codebook(relative="pmg/2029/codebook.yaml", year=2029, files=second, variables=variables[:1] + variables[2:],
                     **common)]


CELLS = {
    "Q2": ["UMCG", "umcg ", "Rijksuniversiteit Groningen", "RUG", "Hanze", "", None],
    "QW": ["Voor", "Na", "na", "Tussen", None, ""],
    "Q5": ["7", "7,5", " 8 ", "11", "-1", "zeven", "", None, "10.0"],
    "Q6": ["6", "9,5", "", None, "12"],
    "Q7": ["03-04-2024", "3/4/2024", "2024-05-06", "31-02-2024", "03-04-2024 09:15", "gisteren", None],
    "Q8": ["Prima", "=SUM(A1)", "@home", "+31 6", "-niet", "- ok", "+5", "", None],
    "Q9": ["Rust;Focus", "rust; focus;", "Plannen", "Rust;Slapen", ";", "", None],
    "Q10_1": ["1", "0", "nee", "x", "", None],
    "Q10_2": ["ja", "No", "ONWAAR", None],
    "Q11": ["1", "3", "5", "6", None],
}


def _raw_cells(seed, clean=False):
    """Random rows for every file (some participants answering twice), cells in shuffled order.
    `clean`: participants all distinct and only good answers, as a real export mostly is."""
    rng = random.Random(seed)
    columns = {"t0.csv": ["Q2", "Q5", "Q7", "Q8", "Q9", "Q10_1", "Q10_2", "Q11"],
               "t1.csv": ["Q2", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10_1", "Q10_2", "Q11"],
               "mixed.csv": ["Q2", "QW", "Q5", "Q6", "Q9"], "b.csv": ["Q2", "Q5", "Q6", "Q11", "Q99"]}
    cells = []
    for name, cols in columns.items():
        for row in range(4, 4 + rng.randint(15, 40)):
            participant = f"p{rng.randint(1, 25 if not clean else 10_000)}"
            for col in cols:
                if rng.random() < 0.05 and not clean:
                    continue  # a cell the export left out (the row may still have others)
                values = CELLS.get(col, ["x"])
                if clean:
                    value = rng.choice(values[:2]) if col in ("Q5", "Q9") else values[0]
                else:  # mostly a good answer, so that rows survive beside the rejected ones
                    value = rng.choice(values[:2] if rng.random() < 0.9 else values)
                cells.append((f"pmg/2030/{name}" if name != "b.csv" else "pmg/2029/b.csv", row, participant, col, value))
    rng.shuffle(cells)
    return cells


def _decoded_by_both(cells, separator=";"):
    out = []
    for decode in (reference_decode, lambda conn, cbs: decode_survey(conn, cbs[0].instrument, cbs, RAW, TARGET)):
        conn = duckdb.connect()
        ensure_schema(conn, RAW)
        conn.executemany(f"INSERT INTO {RAW} VALUES (?, ?, ?, ?, ?)", cells)
        decode(conn, _codebooks(separator))
        out.append(conn)
    return out


def _same(old, new, sql):
    rows_old, rows_new = old.sql(sql).fetchall(), new.sql(sql).fetchall()
    assert sorted(rows_old, key=repr) == sorted(rows_new, key=repr)
    return rows_new


def test_fast_decode_equals_the_straightforward_one_on_every_rule():
    for seed in range(6):
        old, new = _decoded_by_both(_raw_cells(seed))
        answers = _same(old, new, f"SELECT * FROM {TARGET}")
        problems = _same(old, new, "SELECT * FROM raw.quarantine")
        # written in the same order: year, file, row, variable, code
        order = f"SELECT year, source_file, row_number, variable, value_code FROM {TARGET}"
        assert old.sql(order).fetchall() == new.sql(order).fetchall()
        reasons = {r[4].split(":")[0].split(" for ")[0] for r in problems}
        assert len(answers) > 50 and len(reasons) >= 6, reasons


def test_fast_decode_equals_the_straightforward_one_on_clean_exports():
    old, new = _decoded_by_both(_raw_cells(7, clean=True))
    answers = _same(old, new, f"SELECT * FROM {TARGET}")
    _same(old, new, "SELECT * FROM raw.quarantine")
    assert {a[4] for a in answers} >= {"T0", "T1"} and any(a[5] == "site" for a in answers)


def test_fast_decode_with_another_separator():
    cells = [(f, r, p, c, v.replace(";", "|") if c == "Q9" and v else v) for f, r, p, c, v in _raw_cells(3)]
    old, new = _decoded_by_both(cells, separator="|")
    _same(old, new, f"SELECT * FROM {TARGET}")
    _same(old, new, "SELECT * FROM raw.quarantine")
