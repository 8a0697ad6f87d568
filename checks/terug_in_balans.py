"""Checks on the Terug in Balans tables."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, asset_check
from dagster_duckdb import DuckDBResource

from assets.partitions import partition_years

from assets.tables import POOL, key
from assets.terug_in_balans.staging import ANSWERS
from checks.sql import quarantine_check, violations_check


@asset_check(pool=POOL, asset=key(ANSWERS), name="no_rows_quarantined",
              description="Warns when survey rows were quarantined.")
def survey_rows_not_quarantined(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return quarantine_check(conn, "tib_survey", partition_years(context))


def _shares_sum_to_100(table: str, group: str):
    @asset_check(pool=POOL, asset=key(table), name="shares_sum_to_100", blocking=True,
                 description=f"The shares of one question sum to 100% ({table}, per {group}).")
    def _check(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
        with duckdb.get_connection() as conn:
            return violations_check(conn, years=partition_years(context), sql=f"""
                SELECT {group}, sum(pct) AS total_pct, sum(n) AS total_n, max(n_respondents) AS n_respondents
                FROM {table} GROUP BY {group}
                HAVING abs(sum(pct) - 100) > 1e-9 OR sum(n) <> max(n_respondents) ORDER BY ALL""",
                ok="shares sum to 100%", bad="{n} question(s) whose shares do not sum to 100%")
    return _check


return_to_work_shares = _shares_sum_to_100("marts.tib_return_to_work", "year")
relapse_shares = _shares_sum_to_100("marts.tib_relapse", "year")
factor_rating_shares = _shares_sum_to_100("marts.tib_factor_ratings", "year, factor")


def _n_equals_distinct(table: str, variable: str):
    @asset_check(pool=POOL, asset=key(table), name="n_equals_distinct_respondents", blocking=True,
                 description=f"Every N of {table} equals the distinct pseudonyms who answered {variable} in staging.")
    def _check(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
        with duckdb.get_connection() as conn:
            return violations_check(conn, years=partition_years(context), sql=f"""
                SELECT year, m.n_total, s.n_distinct FROM  -- year of either side: see checks/pmg.py
                  (SELECT year, sum(n) AS n_total FROM {table} WHERE {{years}} GROUP BY year) m
                FULL JOIN (SELECT year, count(DISTINCT participant_id) AS n_distinct FROM {ANSWERS}
                           WHERE variable = '{variable}' AND {{years}} GROUP BY year) s USING (year)
                WHERE m.n_total IS DISTINCT FROM s.n_distinct ORDER BY ALL""",
                ok="every N equals its distinct respondents", bad="{n} year(s) whose N disagrees with staging")
    return _check


return_to_work_n = _n_equals_distinct("marts.tib_return_to_work", "return_to_work")
relapse_n = _n_equals_distinct("marts.tib_relapse", "relapse")
