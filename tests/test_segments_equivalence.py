"""Interview segments placed by looking up each file's documents and themes (fast) against the
join over whole codebooks it replaced: the same rows in the same order."""

import random

import duckdb
import polars as pl

from assets.pmg.ingest import INTERVIEWS
from assets.pmg.staging import (FILE_DOCUMENTS_SQL, FILE_THEMES_SQL, SEGMENTS_SQL, UNMATCHED_SQL,
                                count_explanations)
from warehouse.schema import ensure_schema

# The query as it was (kept here as the reference).
REFERENCE_SQL = f"""
SELECT cb.year, d.organisation, d.intervention, d.group_label, d.wave, s.document,
       s.speaker_id AS participant_id, t.section, t.jdr_category, t.igloo_level, t.theme,
       s.segment_text, s.source_file, s.row_number, t.theme_en, d.language, s.code_path
FROM {INTERVIEWS} s
JOIN _files cb ON cb.source_file = s.source_file
JOIN _documents d ON d.codebook = cb.codebook AND d.document = s.document
JOIN _themes t ON t.codebook = cb.codebook AND t.code_path = s.code_path
ORDER BY cb.year, d.organisation, d.intervention, d.group_label, d.wave, s.source_file, s.row_number
"""


def _warehouse(seed: int):
    rng = random.Random(seed)
    codebooks = {"pmg/2029/cb.yaml": 2029, "pmg/2030/cb.yaml": 2030, "pmg/2030/cb_extra.yaml": 2030}
    # a file listed by two codebooks, and one codebook with two files
    files = [("pmg/2029/a.csv", "pmg/2029/cb.yaml"), ("pmg/2030/b.csv", "pmg/2030/cb.yaml"),
             ("pmg/2030/c.csv", "pmg/2030/cb.yaml"), ("pmg/2030/c.csv", "pmg/2030/cb_extra.yaml")]
    documents, themes = [], []
    for cb in codebooks:
        for i in range(8):  # some documents share organisation, intervention, group and wave
            documents.append((cb, f"doc {i}", rng.choice(["UMCG", "RUG", "Hanze"]), rng.choice(["Yoga", "Coaching"]),
                              rng.choice(["Groep A", "Groep B", None]), rng.choice(["T0", "T1"]),
                              rng.choice(["nl", "en", None])))
        for i in range(6):
            themes.append((cb, f"Diagnose\\Code {i}", f"thema {i % 4}", "Diagnose", rng.choice(["werk_stressor", None]),
                           "Individu", rng.choice([f"theme {i % 4}", None])))
    conn = duckdb.connect()
    ensure_schema(conn, INTERVIEWS)
    cells = [(f, r, f"doc {rng.randint(0, 9)}", f"p{rng.randint(1, 9)}", f"Diagnose\\Code {rng.randint(0, 7)}",
              f"tekst {rng.random()}") for f, _ in files for r in rng.sample(range(2, 200), 60)]
    rng.shuffle(cells)
    conn.executemany(f"INSERT INTO {INTERVIEWS} (source_file, row_number, document, speaker_id, code_path, "
                     "segment_text) VALUES (?, ?, ?, ?, ?, ?)", cells)
    frames = {
        "_files": pl.DataFrame([(f, cb, codebooks[cb]) for f, cb in files], orient="row",
                               schema={"source_file": pl.String, "codebook": pl.String, "year": pl.Int32}
                               ).with_row_index("file_id"),
        "_documents": pl.DataFrame(documents, orient="row", schema=["codebook", "document", "organisation",
                                                                    "intervention", "group_label", "wave",
                                                                    "language"]),
        "_themes": pl.DataFrame(themes, orient="row", schema=["codebook", "code_path", "theme", "section",
                                                              "jdr_category", "igloo_level", "theme_en"]),
    }
    for name, frame in frames.items():
        conn.register(name, frame.to_arrow())
    conn.execute(f"CREATE TEMP TABLE _file_documents AS {FILE_DOCUMENTS_SQL}")
    conn.execute(f"CREATE TEMP TABLE _file_themes AS {FILE_THEMES_SQL}")
    return conn


def test_segments_by_file_lookups_equal_the_join_over_codebooks():
    for seed in range(5):
        conn = _warehouse(seed)
        reference, fast = conn.sql(REFERENCE_SQL).fetchall(), conn.sql(SEGMENTS_SQL).fetchall()
        assert len(fast) > 100
        assert sorted(fast, key=repr) == sorted(reference, key=repr)
        # in the report's order; rows equal in every sort key may come either way
        def key(r):
            return r[:5] + r[12:14]
        assert [key(r) for r in fast] == [key(r) for r in reference]


def test_a_segment_whose_document_or_code_only_another_codebook_of_its_year_lists_is_quarantined():
    """Two codebooks of one year, each with its own file: a segment is placed by its own file's
    codebook, and one it cannot place is quarantined naming the cell at fault, never dropped
    unsaid because the other codebook knows the name. A file of no codebook of the run is not read."""
    conn = duckdb.connect()
    ensure_schema(conn, INTERVIEWS)
    conn.executemany(f"INSERT INTO {INTERVIEWS} (source_file, row_number, document, speaker_id, code_path, "
                     "segment_text) VALUES (?, ?, ?, 'p1', ?, 'tekst')",
                     [("pmg/2030/b.csv", 2, "doc A", "Code 1"), ("pmg/2030/b.csv", 3, "doc B", "Code 1"),
                      ("pmg/2030/b.csv", 4, "doc A", "Code 2"), ("pmg/2030/c.csv", 5, "doc Z", "Code 9"),
                      ("pmg/2029/a.csv", 6, "doc Z", "Code 9")])
    frames = {
        "_files": pl.DataFrame({"source_file": ["pmg/2030/b.csv", "pmg/2030/c.csv"],
                                "codebook": ["pmg/2030/cb.yaml", "pmg/2030/cb_extra.yaml"], "year": [2030, 2030]},
                               schema={"source_file": pl.String, "codebook": pl.String, "year": pl.Int32}
                               ).with_row_index("file_id"),
        "_documents": pl.DataFrame([("pmg/2030/cb.yaml", "doc A"), ("pmg/2030/cb_extra.yaml", "doc B")], orient="row",
                                   schema=["codebook", "document"]).with_columns(
            organisation=pl.lit("UMCG"), intervention=pl.lit("Yoga"), group_label=pl.lit("Groep A"), wave=pl.lit("T0"),
            language=pl.lit("nl")),
        "_themes": pl.DataFrame([("pmg/2030/cb.yaml", "Code 1"), ("pmg/2030/cb_extra.yaml", "Code 2")], orient="row",
                                schema=["codebook", "code_path"]).with_columns(
            theme=pl.lit("thema"), section=pl.lit("Diagnose"), jdr_category=pl.lit(None, pl.String),
            igloo_level=pl.lit("Individu"), theme_en=pl.lit(None, pl.String)),
    }
    for name, frame in frames.items():
        conn.register(name, frame.to_arrow())
    conn.execute(f"CREATE TEMP TABLE _file_documents AS {FILE_DOCUMENTS_SQL}")
    conn.execute(f"CREATE TEMP TABLE _file_themes AS {FILE_THEMES_SQL}")
    assert [(r[12], r[13]) for r in conn.sql(SEGMENTS_SQL).fetchall()] == [("pmg/2030/b.csv", 2)]
    # the stage and instrument a rerun's staging deletes its own rows by
    assert conn.sql(f"SELECT DISTINCT stage, instrument FROM ({UNMATCHED_SQL})").fetchall() == [
        ("staging", "pmg_interviews")]
    assert conn.sql(f"SELECT source_file, row_number, column_name, cell_value, reason FROM ({UNMATCHED_SQL})"
                    ).fetchall() == [
        ("pmg/2030/b.csv", 3, "Document name", "doc B", "document not listed under documents: in the codebook"),
        ("pmg/2030/b.csv", 4, "Code", "Code 2", "code not listed under themes: in the codebook"),
        ("pmg/2030/c.csv", 5, "Document name", "doc Z", "document not listed under documents: in the codebook")]


def test_a_group_two_codebooks_of_a_year_explain_has_the_first_codebooks_words_and_each_year_its_own():
    from types import SimpleNamespace

    codebooks = [SimpleNamespace(year=2030, relative="pmg/2030/a.yaml",
                                 count_differences={"Groep A": "Een deelnemer kwam later.", "Groep B": "Geen T1."}),
                 SimpleNamespace(year=2030, relative="pmg/2030/b.yaml",
                                 count_differences={"Groep A": "Twee vielen uit.", "Groep C": "Eén ziek."}),
                 SimpleNamespace(year=2031, relative="pmg/2031/a.yaml", count_differences={"Groep A": "Anders."})]
    assert count_explanations(codebooks).rows() == [
        (2030, "Groep A", "Een deelnemer kwam later.", "pmg/2030/a.yaml"),
        (2030, "Groep B", "Geen T1.", "pmg/2030/a.yaml"), (2030, "Groep C", "Eén ziek.", "pmg/2030/b.yaml"),
        (2031, "Groep A", "Anders.", "pmg/2031/a.yaml")]
