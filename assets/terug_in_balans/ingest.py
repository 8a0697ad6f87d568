"""Terug in Balans raw layer: the survey of former participants as loaded."""

from dagster import MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY
from assets.ingest.assets import ingest_instrument
from assets.ingest.survey import survey_cells
from assets.tables import POOL, contract_metadata, describe, key
from pipelines.resources import SourceData

SURVEY = "raw.tib_survey_cells"


@asset(**YEARLY, key=key(SURVEY), group_name="terug_in_balans", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(SURVEY),
       description=describe(SURVEY, """
The Terug in Balans survey of former participants as exported from Microsoft Forms, for every
cohort folder with a `tib_survey` codebook. E-mail addresses become keyed pseudonyms; names,
Forms IDs and timestamps are dropped; free-text answers are masked."""))
def raw_tib_survey_cells(context, duckdb: DuckDBResource, sources: SourceData) -> MaterializeResult:
    return ingest_instrument(context, duckdb, sources, "terug_in_balans", "tib_survey", SURVEY, survey_cells)
