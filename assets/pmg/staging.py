"""PMG staging layer: decoded answers, one row per participant and wave, themed segments."""

import polars as pl
from dagster import Failure, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY, partition_years, year_filter
from assets.ingest.assets import decode_instrument
from assets.ingest.errors import InputError
from assets.ingest.loader import insert_frame, transaction
from assets.pmg.ingest import INTERVIEWS, QUESTIONNAIRE
from assets.tables import (POOL, YEARLY_QUERIES, contract_metadata, describe, key, replace_table, rows_of_years,
                           written_metadata)
from pipelines.resources import SourceData
from warehouse.schema import ensure_schema

ANSWERS = "staging.pmg_questionnaire_answers"
RESPONSES = "staging.pmg_questionnaire_responses"
SEGMENTS = "staging.pmg_interview_segments"
COUNT_DIFFERENCES = "staging.pmg_count_differences"


@asset(**YEARLY, key=key(ANSWERS), deps=[key(QUESTIONNAIRE)], group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(ANSWERS),
       description=describe(ANSWERS, """
Every questionnaire answer decoded by its codebook: labels to codes, Dutch decimal commas to
numbers, grades checked against the scale the codebook declares. Rows that do not decode go to
`raw.quarantine` with their reason (see the metadata) and are left out here. Also refreshes
`staging.codebook_labels` and `staging.codebook_variables` (labels, question wording and the
scales the marts carry beside their means) for the run's years."""))
def staging_pmg_questionnaire_answers(context, duckdb: DuckDBResource, sources: SourceData) -> MaterializeResult:
    return decode_instrument(context, duckdb, sources, "pmg", "pmg_questionnaire", QUESTIONNAIRE, ANSWERS)


RESPONSES_SQL = f"""
SELECT year, participant_id, wave,
       max(value_code) FILTER (WHERE variable = 'organisation') AS organisation,
       max(value_code) FILTER (WHERE variable = 'intervention') AS intervention,
       max(value_code) FILTER (WHERE variable = 'group_label') AS group_label,
       max(value_number) FILTER (WHERE variable = 'mental_health_grade') AS mental_health_grade,
       max(value_number) FILTER (WHERE variable = 'intervention_grade') AS intervention_grade
FROM {ANSWERS}
GROUP BY year, participant_id, wave
ORDER BY year, organisation, intervention, group_label, wave, participant_id
"""

YEARLY_QUERIES[RESPONSES] = RESPONSES_SQL


@asset(**YEARLY, key=key(RESPONSES), deps=[key(ANSWERS)], group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(RESPONSES),
       description=describe(RESPONSES, """
The PMG questionnaire as analysts use it: one row per participant and wave with organisation,
intervention, group, the mental-health grade and (T1) the grade for the intervention. Pairs T0
with T1 through the pseudonym."""))
def staging_pmg_questionnaire_responses(context, duckdb: DuckDBResource) -> MaterializeResult:
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        replace_table(conn, RESPONSES, RESPONSES_SQL, years=years)
        return MaterializeResult(metadata=written_metadata(conn, RESPONSES, years=years))


# Each export file joined to its codebook's documents and to its codebook's themes beforehand (small
# tables): a segment then meets two lookups by its own keys, not a product of documents and themes.
# The report's order (year, organisation, intervention, group, wave, file, row) is sorted by numbers.
FILE_DOCUMENTS_SQL = """
SELECT f.file_id, f.source_file, f.year, d.* EXCLUDE (codebook),
       dense_rank() OVER (ORDER BY f.year, d.organisation, d.intervention, d.group_label, d.wave) AS document_rank,
       dense_rank() OVER (ORDER BY f.source_file) AS file_rank
FROM _files f JOIN _documents d USING (codebook)
"""

FILE_THEMES_SQL = "SELECT f.file_id, t.* EXCLUDE (codebook) FROM _files f JOIN _themes t USING (codebook)"

SEGMENTS_SQL = f"""
SELECT * EXCLUDE (document_rank, file_rank) FROM (
  SELECT d.year, d.organisation, d.intervention, d.group_label, d.wave, s.document,
         s.speaker_id AS participant_id, t.section, t.jdr_category, t.igloo_level, t.theme,
         s.segment_text, s.source_file, s.row_number, t.theme_en, d.language, s.code_path, d.document_rank,
         d.file_rank
  FROM {INTERVIEWS} s
  JOIN _file_documents d ON d.source_file = s.source_file AND d.document = s.document
  JOIN _file_themes t ON t.file_id = d.file_id AND t.code_path = s.code_path
)
ORDER BY document_rank, file_rank, row_number
"""

UNMATCHED_SQL = f"""
SELECT s.source_file, s.row_number,
       CASE WHEN d.document IS NULL THEN 'Document name' ELSE 'Code' END AS column_name,
       CASE WHEN d.document IS NULL THEN s.document ELSE s.code_path END AS cell_value,
       CASE WHEN d.document IS NULL THEN 'document not listed under documents: in the codebook'
            ELSE 'code not listed under themes: in the codebook' END AS reason,
       'staging' AS stage, 'pmg_interviews' AS instrument
FROM {INTERVIEWS} s
JOIN _files cb ON cb.source_file = s.source_file
LEFT JOIN _documents d ON d.codebook = cb.codebook AND d.document = s.document
LEFT JOIN _themes t ON t.codebook = cb.codebook AND t.code_path = s.code_path
WHERE d.document IS NULL OR t.code_path IS NULL
ORDER BY s.source_file, s.row_number
"""


def count_explanations(codebooks) -> pl.DataFrame:
    """(year, group_label, explanation, codebook): the interview codebooks' words on why a group's
    interview and questionnaire counts differ. A group two codebooks of one year explain is given
    the first's words, as its documents are the first's."""
    return pl.DataFrame([{"year": cb.year, "group_label": group, "explanation": words, "codebook": cb.relative}
                         for cb in codebooks for group, words in cb.count_differences.items()],
                        schema={"year": pl.Int32, "group_label": pl.String, "explanation": pl.String,
                                "codebook": pl.String}
                        ).unique(["year", "group_label"], keep="first", maintain_order=True)


@asset(**YEARLY, key=key(SEGMENTS), deps=[key(INTERVIEWS)], group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(SEGMENTS),
       description=describe(SEGMENTS, """
Coded interview segments placed in the report's frame: each interview document gets its
organisation, intervention, group and wave, and each code its section (Diagnose ... Advies),
JD-R category and IGLOO level, all from the interview codebook. A document or code the codebook
does not know goes to `raw.quarantine`. Also refreshes `staging.pmg_count_differences` (the
codebook's words on why a group's interview and questionnaire counts differ) for the run's years."""))
def staging_pmg_interview_segments(context, duckdb: DuckDBResource, sources: SourceData) -> MaterializeResult:
    run_years = partition_years(context)
    try:
        years = sources.years_to_replace("pmg", "pmg_interviews", run_years)
        codebooks = sources.codebooks("pmg", "pmg_interviews", run_years)  # none of a kept year
    except InputError as exc:
        raise Failure(description=str(exc)) from None
    files = pl.DataFrame([{"source_file": sf.relative, "codebook": cb.relative, "year": cb.year}
                          for cb in codebooks for sf in cb.files],
                         schema={"source_file": pl.String, "codebook": pl.String, "year": pl.Int32}).with_row_index("file_id")
    documents = pl.DataFrame([{"codebook": cb.relative, "document": doc, **{k: ctx.get(k) for k in
                               ("organisation", "intervention", "group_label", "wave", "language")}}
                              for cb in codebooks for doc, ctx in cb.documents.items()],
                             schema={c: pl.String for c in ("codebook", "document", "organisation", "intervention",
                                                            "group_label", "wave", "language")})
    themes = pl.DataFrame([{"codebook": cb.relative, "code_path": t.code_path, "theme": t.theme, "section": t.section,
                            "jdr_category": t.jdr_category, "igloo_level": t.igloo_level, "theme_en": t.theme_en}
                           for cb in codebooks for t in cb.themes.values()],
                          schema={c: pl.String for c in ("codebook", "code_path", "theme", "section", "jdr_category",
                                                         "igloo_level", "theme_en")})
    differences = count_explanations(codebooks)
    with duckdb.get_connection() as conn:
        ensure_schema(conn, INTERVIEWS, SEGMENTS, COUNT_DIFFERENCES, "raw.quarantine")
        for name, frame in (("_files", files), ("_documents", documents), ("_themes", themes)):
            conn.register(name, frame.to_arrow())
        conn.execute(f"CREATE OR REPLACE TEMP TABLE _file_documents AS {FILE_DOCUMENTS_SQL}")
        conn.execute(f"CREATE OR REPLACE TEMP TABLE _file_themes AS {FILE_THEMES_SQL}")
        with transaction(conn):
            conn.execute(f"DELETE FROM {SEGMENTS} WHERE {year_filter(years)}")
            conn.execute(f"INSERT INTO {SEGMENTS} BY NAME {SEGMENTS_SQL}")
            conn.execute("DELETE FROM raw.quarantine WHERE instrument = 'pmg_interviews' AND stage = 'staging' "
                         f"AND {rows_of_years('raw.quarantine', years)}")
            conn.execute(f"INSERT INTO raw.quarantine BY NAME {UNMATCHED_SQL}")
            conn.execute(f"DELETE FROM {COUNT_DIFFERENCES} WHERE {year_filter(years)}")
            insert_frame(conn, COUNT_DIFFERENCES, differences)
        unmatched = conn.execute("SELECT count(*) FROM raw.quarantine WHERE instrument = 'pmg_interviews' "
                                 f"AND stage = 'staging' AND {rows_of_years('raw.quarantine', years)}").fetchall()[0][0]
        meta = written_metadata(conn, SEGMENTS, years=run_years)
    if unmatched:
        context.log.warning(f"{unmatched} segment(s) quarantined: document or code not in the codebook")
    return MaterializeResult(metadata={**meta, "segments_quarantined": MetadataValue.int(unmatched)})
