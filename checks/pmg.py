"""Checks on the PMG tables that only this domain knows (the GX suites are in expectation_suites.py)."""

import polars as pl
from dagster import (AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue,
                     asset_check)
from dagster_duckdb import DuckDBResource

from assets.ingest.errors import InputError
from assets.partitions import partition_years, year_filter
from assets.pmg.staging import ANSWERS, COUNT_DIFFERENCES, RESPONSES, SEGMENTS
from assets.tables import POOL, key, markdown_table
from checks.sql import flag_check, quarantine_check, violations_check
from pipelines.resources import ReportSettings, SourceData
from warehouse.schema import ensure_schema


@asset_check(pool=POOL, asset=key(ANSWERS), name="no_rows_quarantined",
              description="Warns when questionnaire rows were quarantined.")
def questionnaire_rows_not_quarantined(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return quarantine_check(conn, "pmg_questionnaire", partition_years(context))


@asset_check(pool=POOL, asset=key(SEGMENTS), name="no_rows_quarantined",
              description="Warns when interview segments were quarantined.")
def interview_segments_not_quarantined(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return quarantine_check(conn, "pmg_interviews", partition_years(context))


@asset_check(pool=POOL, asset=key("marts.pmg_intervention_rating"), blocking=True, description=(
    "An intervention grade must come from T1 respondents: no rating for an intervention without T1 "
    "respondents (the source report's Tabel 7 printed one), and never more raters than T1 respondents."))
def rating_only_from_t1_respondents(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return violations_check(conn, years=partition_years(context), sql=f"""
            SELECT r.year, r.organisation, r.intervention, r.n AS n_rating,
                   count(DISTINCT q.participant_id) AS n_t1_respondents
            FROM marts.pmg_intervention_rating r
            LEFT JOIN {RESPONSES} q ON q.year = r.year AND q.organisation = r.organisation
                 AND q.intervention = r.intervention AND q.wave = 'T1'
            GROUP BY ALL HAVING count(DISTINCT q.participant_id) < r.n
            ORDER BY ALL""",
            ok="every intervention grade comes from T1 respondents",
            bad="{n} intervention(s) have more grades than T1 respondents")


@asset_check(pool=POOL, asset=key("marts.pmg_mental_health"), blocking=True, description=(
    "Every N in the mart equals the distinct pseudonyms with a grade behind it in staging."))
def n_equals_distinct_participants(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return violations_check(conn, years=partition_years(context), sql=f"""
            -- the joined columns, not the mart's: a group missing from the mart has none, and
            -- the run's years would filter it out unseen
            SELECT year, organisation, intervention, wave, m.n, s.n_distinct
            FROM (SELECT * FROM marts.pmg_mental_health WHERE {{years}}) m
            FULL JOIN (SELECT year, organisation, intervention, wave, count(DISTINCT participant_id) AS n_distinct
                       FROM {RESPONSES} WHERE mental_health_grade IS NOT NULL AND {{years}} GROUP BY ALL) s
            USING (year, organisation, intervention, wave)
            WHERE m.n IS DISTINCT FROM s.n_distinct ORDER BY ALL""",
            ok="every N equals its distinct participants", bad="{n} cell(s) whose N disagrees with staging")


@asset_check(pool=POOL, asset=key("marts.pmg_theme_mentions"), blocking=True, description=(
    "Theme mentions come only from participants of that intervention's interviews in that wave."))
def mentions_within_interview_participants(context: AssetCheckExecutionContext,
                                           duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return violations_check(conn, years=partition_years(context), sql=f"""
            SELECT m.year, m.organisation, m.intervention, m.wave, m.theme, m.n_participants, p.n_interviewed
            FROM marts.pmg_theme_mentions m
            -- each organisation's own interviews: two organisations may run an intervention of one name
            JOIN (SELECT year, organisation, intervention, wave, count(DISTINCT participant_id) AS n_interviewed
                  FROM {SEGMENTS} GROUP BY ALL) p
              ON p.year = m.year AND p.organisation IS NOT DISTINCT FROM m.organisation
             AND p.intervention = m.intervention AND p.wave = m.wave
            WHERE m.n_participants > p.n_interviewed ORDER BY ALL""",
            ok="every theme count is within the interview's participants",
            bad="{n} theme(s) counted more participants than were interviewed")


COUNTS = ("n_t0", "n_questionnaire_t0", "n_t1", "n_questionnaire_t1")


@asset_check(pool=POOL, asset=key("marts.pmg_response_counts"), description=(
    "Questionnaire and interview respondent counts per group agree, or the interview codebook "
    "explains the difference (`count_differences:`): the two instruments are filled in by "
    "overlapping but not identical groups. Unexplained differences are listed to be looked into, "
    "and so is an explanation copied unchanged from the group's previous edition whose counts have "
    "changed since (a codebook copied as next year's template keeps last year's explanations)."))
def questionnaire_and_interview_counts_agree(context: AssetCheckExecutionContext, duckdb: DuckDBResource,
                                             sources: SourceData) -> AssetCheckResult:
    # The years either instrument was loaded again in: a year kept as it was has the counts it had.
    # The explanations are the warehouse's, staged with the interviews: a year's codebook may be archived.
    try:
        years = sorted({y for instrument in ("pmg_questionnaire", "pmg_interviews")
                        for y in sources.years_to_replace("pmg", instrument, partition_years(context))})
    except InputError as exc:  # a withdrawal the folder contradicts: the ingest says so too
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN, description=str(exc))
    with duckdb.get_connection() as conn:
        ensure_schema(conn, COUNT_DIFFERENCES)  # a warehouse of before the table, its segments kept
        differ = conn.sql(f"""
            WITH differ AS (
              SELECT year, organisation, intervention, group_label, {", ".join(COUNTS)}
              FROM marts.pmg_response_counts
              WHERE (n_t0 <> n_questionnaire_t0 OR n_t1 <> n_questionnaire_t1) AND {year_filter(years)}),
            previous AS (
              SELECT d.*, p.year AS previous_year,
                     ({", ".join(f"p.{c}" for c in COUNTS)}) IS DISTINCT FROM ({", ".join(f"d.{c}" for c in COUNTS)})
                       AS counts_changed
              FROM differ AS d LEFT JOIN marts.pmg_response_counts AS p
                ON p.organisation IS NOT DISTINCT FROM d.organisation
               AND p.intervention IS NOT DISTINCT FROM d.intervention
               AND p.group_label IS NOT DISTINCT FROM d.group_label AND p.year < d.year
              QUALIFY p.year IS NOT DISTINCT FROM
                      max(p.year) OVER (PARTITION BY d.year, d.organisation, d.intervention, d.group_label))
            SELECT p.*, e.explanation,
                   -- last year's words, while the counts they explained have changed: they cannot explain these
                   coalesce(p.counts_changed AND e.explanation = l.explanation, false)
                     AS explanation_is_previous_editions
            FROM previous AS p
            LEFT JOIN {COUNT_DIFFERENCES} AS e ON e.year = p.year AND e.group_label IS NOT DISTINCT FROM p.group_label
            LEFT JOIN {COUNT_DIFFERENCES} AS l
              ON l.year = p.previous_year AND l.group_label IS NOT DISTINCT FROM p.group_label
            ORDER BY ALL""").pl()
        quarantined = conn.sql(f"""
            SELECT count(*) FROM raw.quarantine AS q JOIN raw.source_files AS f USING (source_file)
            WHERE q.instrument = 'pmg_questionnaire' AND {year_filter(years, "f.year")}""").fetchall()[0][0]
    stale = differ["explanation_is_previous_editions"]
    differ = differ.drop("counts_changed")
    unexplained = differ.filter(pl.col("explanation").is_null() | pl.col("explanation_is_previous_editions"))
    description = (f"{differ.height} group(s) differ, every difference explained in the codebook"
                   if unexplained.height == 0 else
                   f"{unexplained.height} group(s) whose interview and questionnaire counts differ unexplained")
    if n_stale := int(stale.sum()):
        description += (f" ({n_stale} by the previous edition's words, though its counts have changed: "
                        "revise count_differences: in this year's interview codebook)")
    if unexplained.height and quarantined:
        description += (f"; raw.quarantine holds {quarantined} questionnaire problem(s) of these years: are the "
                        "missing respondents there (an answer label the codebook lacks)?")
    return AssetCheckResult(
        passed=unexplained.height == 0,
        severity=AssetCheckSeverity.WARN,
        description=description,
        metadata={"differences": MetadataValue.md(markdown_table(differ)),
                  "unexplained": MetadataValue.int(unexplained.height)},
    )


@asset_check(pool=POOL, asset=key("marts.pmg_theme_mentions"), blocking=True, description=(
    "Every N of a theme equals the distinct pseudonyms behind it in staging."))
def theme_n_equals_distinct_participants(context: AssetCheckExecutionContext,
                                         duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        # EXCEPT both ways: NULL JD-R categories (outside Diagnose) compare as equal there.
        recount = f"""SELECT year, organisation, intervention, wave, section, igloo_level, jdr_category, theme,
                             count(DISTINCT participant_id) AS n_participants FROM {SEGMENTS} GROUP BY ALL"""
        mart = """SELECT year, organisation, intervention, wave, section, igloo_level, jdr_category, theme,
                         n_participants FROM marts.pmg_theme_mentions"""
        return violations_check(conn, years=partition_years(context), sql=f"""
            SELECT 'in mart' AS side, * FROM ({mart} EXCEPT {recount})
            UNION ALL SELECT 'in staging', * FROM ({recount} EXCEPT {mart}) ORDER BY ALL""",
            ok="every theme's N equals its distinct participants", bad="{n} theme(s) whose N disagrees with staging")


@asset_check(pool=POOL, asset=key(RESPONSES), description=(
    "Flags T1 respondents without a T0 answer: they are unpaired, so a T0-T1 comparison of that "
    "intervention mixes different people."))
def t1_without_t0_flagged(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return flag_check(conn, years=partition_years(context), sql=f"""
            SELECT year, organisation, intervention, group_label, count(*) AS n_unpaired_t1
            FROM {RESPONSES} t1
            WHERE wave = 'T1' AND {{years}} AND NOT EXISTS (
                SELECT 1 FROM {RESPONSES} t0
                WHERE t0.year = t1.year AND t0.participant_id = t1.participant_id AND t0.wave = 'T0'
                      AND {{years}})
            GROUP BY ALL ORDER BY ALL""",
            none="every T1 respondent also answered at T0",
            some="{n} group(s) with T1 respondents who did not answer at T0: flagged as unpaired; "
                 "marts.pmg_paired_change leaves them out and marts.pmg_unpaired_change says so")


@asset_check(pool=POOL, asset=key("marts.pmg_mental_health"), description=(
    "Flags intervention-wave cells below the reporting minimum: stakeholder reports suppress them."))
def groups_below_reporting_minimum_flagged(context: AssetCheckExecutionContext, duckdb: DuckDBResource,
                                           reports: ReportSettings) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return flag_check(conn, years=partition_years(context), sql=f"""
            SELECT year, organisation, intervention, wave, n FROM marts.pmg_mental_health
            WHERE n < {int(reports.reporting_minimum)} ORDER BY ALL""",
            none=f"every group has at least {reports.reporting_minimum} respondents",
            some="{n} cell(s) below the reporting minimum of " + str(reports.reporting_minimum)
                 + ": flagged; the stakeholder edition suppresses them")


@asset_check(pool=POOL, asset=key("marts.pmg_intervention_rating"), blocking=True, description=(
    "Every N of the intervention grade equals the distinct pseudonyms with a grade behind it."))
def rating_n_equals_distinct_participants(context: AssetCheckExecutionContext,
                                          duckdb: DuckDBResource) -> AssetCheckResult:
    with duckdb.get_connection() as conn:
        return violations_check(conn, years=partition_years(context), sql=f"""
            SELECT year, organisation, intervention, r.n, s.n_distinct
            FROM (SELECT * FROM marts.pmg_intervention_rating WHERE {{years}}) r
            FULL JOIN (SELECT year, organisation, intervention, count(DISTINCT participant_id) AS n_distinct
                       FROM {RESPONSES} WHERE intervention_grade IS NOT NULL AND {{years}} GROUP BY ALL) s
            USING (year, organisation, intervention)
            WHERE r.n IS DISTINCT FROM s.n_distinct ORDER BY ALL""",
            ok="every N equals its distinct participants", bad="{n} row(s) whose N disagrees with staging")
