"""Terug in Balans staging layer: every answer decoded by the codebook."""

from dagster import MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY
from assets.ingest.assets import decode_instrument
from assets.tables import POOL, contract_metadata, describe, key
from assets.terug_in_balans.ingest import SURVEY
from pipelines.resources import SourceData

ANSWERS = "staging.tib_survey_answers"


@asset(**YEARLY, key=key(ANSWERS), deps=[key(SURVEY)], group_name="terug_in_balans", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(ANSWERS),
       description=describe(ANSWERS, """
Every survey answer decoded by its codebook: return to work and relapse as codes, each skill
chosen in a multi-select answer as its own row, each effectiveness factor as its scale point
(1-5). Also refreshes `staging.codebook_labels`, the wording and order the marts report in, and
`staging.codebook_variables`."""))
def staging_tib_survey_answers(context, duckdb: DuckDBResource, sources: SourceData) -> MaterializeResult:
    return decode_instrument(context, duckdb, sources, "terug_in_balans", "tib_survey", SURVEY, ANSWERS)
