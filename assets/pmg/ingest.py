"""PMG raw layer: the questionnaire and focus-interview exports as loaded."""

from dagster import MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY
from assets.ingest.assets import ingest_instrument
from assets.ingest.interviews import parse_interview_file
from assets.ingest.survey import survey_cells
from assets.tables import POOL, contract_metadata, describe, key
from pipelines.resources import SourceData

QUESTIONNAIRE = "raw.pmg_questionnaire_cells"
INTERVIEWS = "raw.pmg_interview_segments"


@asset(**YEARLY, key=key(QUESTIONNAIRE), group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(QUESTIONNAIRE),
       description=describe(QUESTIONNAIRE, """
PMG short questionnaire (T0 and T1) as its survey tool exported it (Qualtrics, LimeSurvey,
Microsoft or Google Forms, SurveyMonkey, SPSS: the codebook's `format:`), for every year whose
folder holds a `codebook_*.yaml` with instrument `pmg_questionnaire`. Participant codes are replaced by
keyed pseudonyms and names, e-mail and IP addresses are dropped before anything is written.
An unchanged file is skipped; a changed file replaces its own rows in one transaction."""))
def raw_pmg_questionnaire_cells(context, duckdb: DuckDBResource, sources: SourceData) -> MaterializeResult:
    return ingest_instrument(context, duckdb, sources, "pmg", "pmg_questionnaire", QUESTIONNAIRE, survey_cells)


@asset(**YEARLY, key=key(INTERVIEWS), group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(INTERVIEWS),
       description=describe(INTERVIEWS, """
PMG focus interviews as coded in MAXQDA ("Export coded segments") or ATLAS.ti (quotations):
one row per coded segment,
the speaker taken from the transcript's "CODE:" prefix and pseudonymised, the quote masked
(e-mail addresses, phone numbers, IBANs, BSNs, participant codes)."""))
def raw_pmg_interview_segments(context, duckdb: DuckDBResource, sources: SourceData) -> MaterializeResult:
    return ingest_instrument(context, duckdb, sources, "pmg", "pmg_interviews", INTERVIEWS, parse_interview_file)
