"""Checks on the PMG tables: GX suites on staging, and what only this domain knows."""

from dagster import AssetCheckResult, AssetCheckSeverity, asset_check
from dagster_duckdb import DuckDBResource

from assets.pmg.staging import ANSWERS, RESPONSES, SEGMENTS
from assets.tables import key
from checks.gx_runner import run_suite
from checks.sql import quarantine_check, violations_check
from pipelines.resources import SourceData


@asset_check(asset=key(RESPONSES), blocking=True, description=(
    "Great Expectations suite: keys never empty, one row per participant and wave, grades within "
    "the scale the year's codebook declares, answers within its labels, intervention grades only at T1."))
def questionnaire_expectations(duckdb: DuckDBResource, sources: SourceData) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return run_suite(conn, RESPONSES, sources.codebooks("pmg", "pmg_questionnaire"))


@asset_check(asset=key(SEGMENTS), blocking=True, description=(
    "Great Expectations suite: every segment has a speaker pseudonym, a wave, a section, IGLOO level and theme."))
def interview_expectations(duckdb: DuckDBResource, sources: SourceData) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return run_suite(conn, SEGMENTS, sources.codebooks("pmg", "pmg_interviews"))


@asset_check(asset=key(ANSWERS), name="no_rows_quarantined", description="Warns when questionnaire rows were quarantined.")
def questionnaire_rows_not_quarantined(duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return quarantine_check(conn, "pmg_questionnaire")


@asset_check(asset=key(SEGMENTS), name="no_rows_quarantined", description="Warns when interview segments were quarantined.")
def interview_segments_not_quarantined(duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return quarantine_check(conn, "pmg_interviews")


@asset_check(asset=key("marts.pmg_intervention_rating"), blocking=True, description=(
    "An intervention grade must come from T1 respondents: no rating for an intervention without T1 "
    "respondents (the source report's Tabel 7 printed one), and never more raters than T1 respondents."))
def rating_only_from_t1_respondents(duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return violations_check(conn, f"""
            SELECT r.year, r.organisation, r.intervention, r.n AS n_rating,
                   count(DISTINCT q.participant_id) AS n_t1_respondents
            FROM marts.pmg_intervention_rating r
            LEFT JOIN {RESPONSES} q ON q.year = r.year AND q.organisation = r.organisation
                 AND q.intervention = r.intervention AND q.wave = 'T1'
            GROUP BY ALL HAVING count(DISTINCT q.participant_id) < r.n
            ORDER BY ALL""",
            ok="every intervention grade comes from T1 respondents",
            bad="{n} intervention(s) have more grades than T1 respondents")


@asset_check(asset=key("marts.pmg_mental_health"), blocking=True, description=(
    "Every N in the mart equals the distinct pseudonyms with a grade behind it in staging."))
def n_equals_distinct_participants(duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return violations_check(conn, f"""
            SELECT m.year, m.organisation, m.intervention, m.wave, m.n, s.n_distinct
            FROM marts.pmg_mental_health m
            FULL JOIN (SELECT year, organisation, intervention, wave, count(DISTINCT participant_id) AS n_distinct
                       FROM {RESPONSES} WHERE mental_health_grade IS NOT NULL GROUP BY ALL) s
            USING (year, organisation, intervention, wave)
            WHERE m.n IS DISTINCT FROM s.n_distinct ORDER BY ALL""",
            ok="every N equals its distinct participants", bad="{n} cell(s) whose N disagrees with staging")


@asset_check(asset=key("marts.pmg_theme_mentions"), blocking=True, description=(
    "Theme mentions come only from participants of that intervention's interviews in that wave."))
def mentions_within_interview_participants(duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return violations_check(conn, f"""
            SELECT m.year, m.intervention, m.wave, m.theme, m.n_participants, p.n_interviewed
            FROM marts.pmg_theme_mentions m
            JOIN (SELECT year, intervention, wave, count(DISTINCT participant_id) AS n_interviewed
                  FROM {SEGMENTS} GROUP BY ALL) p USING (year, intervention, wave)
            WHERE m.n_participants > p.n_interviewed ORDER BY ALL""",
            ok="every theme count is within the interview's participants",
            bad="{n} theme(s) counted more participants than were interviewed")


@asset_check(asset=key("marts.pmg_response_counts"), description=(
    "Questionnaire and interview respondent counts per group agree, or the difference is listed "
    "here to be explained (the PMG instruments were filled in by overlapping groups)."))
def questionnaire_and_interview_counts_agree(duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return violations_check(conn, """
            SELECT year, organisation, intervention, group_label, n_t0, n_questionnaire_t0, n_t1, n_questionnaire_t1
            FROM marts.pmg_response_counts
            WHERE n_t0 <> n_questionnaire_t0 OR n_t1 <> n_questionnaire_t1 ORDER BY ALL""",
            ok="interview and questionnaire counts agree in every group",
            bad="{n} group(s) where interview and questionnaire counts differ: explain in the report",
            severity=AssetCheckSeverity.WARN)
