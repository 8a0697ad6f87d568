"""Terug in Balans statistics beyond the factsheet: intervals, McNemar per skill, factor ranking.

The factsheet printed shares of about 30 respondents without saying how uncertain they are;
these marts add the 95% Wilson interval to every share, compare strengthened with still applied
per skill for the same respondents, and rank the effectiveness factors.
"""

import polars as pl
from dagster import MaterializeResult, asset
from dagster_duckdb import DuckDBResource

# The frame-writing helpers are shared with the PMG statistics (generic, no PMG specifics).
from assets.partitions import YEARLY, for_years, partition_years, year_filter
from assets.statistics import competition_rank, mcnemar_exact, rating_summary, wilson_interval_pct
from assets.tables import POOL, contract_metadata, describe, frame_for, key, replace_with_frame, written_metadata
from assets.terug_in_balans.marts import FACTORS, LABELS, PROGRAMME, RELAPSE, RETURN_TO_WORK, RETURNED, SKILLS
from assets.terug_in_balans.staging import ANSWERS

SHARE_INTERVALS = "marts.tib_share_intervals"
SKILL_MCNEMAR = "marts.tib_skill_mcnemar"
FACTOR_SUMMARY = "marts.tib_factor_summary"

SHARES_SQL = f"""
WITH position AS (
  SELECT year, variable, code, position FROM {LABELS} WHERE instrument = 'tib_survey'
)
SELECT m.year, 'return_to_work' AS question, m.outcome_label AS answer, m.n, m.n_respondents, m.pct,
       1 AS q, p.position AS i, m.outcome AS answer_code
FROM {RETURN_TO_WORK} m
LEFT JOIN position p ON p.year = m.year AND p.variable = 'return_to_work' AND p.code = m.outcome
UNION ALL
SELECT m.year, 'relapse', m.answer_label, m.n, m.n_respondents, m.pct, 2, p.position, m.answer
FROM {RELAPSE} m
LEFT JOIN position p ON p.year = m.year AND p.variable = 'relapse' AND p.code = m.answer
UNION ALL
SELECT year, 'skills_strengthened', skill, n_strengthened, n_respondents, pct_strengthened, 3,
       row_number() OVER (PARTITION BY year ORDER BY pct_strengthened DESC, skill), skill_code
FROM {SKILLS}
UNION ALL
SELECT year, 'skills_still_applied', skill, n_still_applied, n_respondents, pct_still_applied, 4,
       row_number() OVER (PARTITION BY year ORDER BY pct_still_applied DESC, skill), skill_code
FROM {SKILLS}
UNION ALL  -- relapse of those who went back to work: the share the report leads with
SELECT m.year, 'relapse_among_returned', m.answer_label, m.n_among_returned, m.n_returned, m.pct_among_returned, 5,
       p.position, m.answer
FROM {RELAPSE} m
LEFT JOIN position p ON p.year = m.year AND p.variable = 'relapse' AND p.code = m.answer
WHERE m.n_returned > 0
UNION ALL  -- back at work with either employer: the share the report's first sentence gives
SELECT m.year, 'returned_to_work', string_agg(m.outcome_label, ' / ' ORDER BY p.position), sum(m.n),
       max(m.n_respondents), 100.0 * sum(m.n) / max(m.n_respondents), 6, 1,
       string_agg(m.outcome, ',' ORDER BY p.position)
FROM {RETURN_TO_WORK} m
LEFT JOIN position p ON p.year = m.year AND p.variable = 'return_to_work' AND p.code = m.outcome
WHERE m.outcome IN {RETURNED}
GROUP BY m.year
"""


def share_interval_rows(shares: pl.DataFrame) -> list[dict]:
    rows = []
    for r in shares.iter_rows(named=True):
        low, high = wilson_interval_pct(r["n"], r["n_respondents"])
        rows.append({**r, "ci_low_pct": low, "ci_high_pct": high})
    return rows


@asset(**YEARLY, key=key(SHARE_INTERVALS), deps=[key(RETURN_TO_WORK), key(RELAPSE), key(SKILLS)], group_name=PROGRAMME,
       pool=POOL, kinds={"duckdb"}, metadata=contract_metadata(SHARE_INTERVALS),
       description=describe(SHARE_INTERVALS, """
Every share the factsheet reports (return to work, relapse, each skill strengthened and still
applied), relapse among those who went back to work, and return to work with either employer,
each with its 95% Wilson score interval, so
a reader sees how much a share of about 30 respondents can move."""))
def marts_tib_share_intervals(context, duckdb: DuckDBResource) -> MaterializeResult:
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        shares = conn.sql(f"SELECT * FROM ({SHARES_SQL}) WHERE {year_filter(years)} ORDER BY year, q, i, answer").pl()
        replace_with_frame(conn, SHARE_INTERVALS, frame_for(SHARE_INTERVALS, share_interval_rows(shares)), years)
        return MaterializeResult(metadata=written_metadata(conn, SHARE_INTERVALS, years=years))


# Per respondent and skill: ticked as strengthened, ticked as still applied. Every survey
# respondent counts (as marts.tib_skills: a skill not ticked counts as not ticked).
SKILL_PAIRS_SQL = f"""
WITH respondents AS (
  SELECT DISTINCT year, participant_id FROM {ANSWERS} WHERE {{years}}
), skills AS (
  SELECT year, code, label AS skill, position FROM {LABELS}
  WHERE instrument = 'tib_survey' AND variable = 'skills_strengthened'
), ticked AS (
  SELECT year, participant_id, value_code AS code,
         bool_or(variable = 'skills_strengthened') AS strengthened,
         bool_or(variable = 'skills_still_applied') AS applied
  FROM {ANSWERS} WHERE variable IN ('skills_strengthened', 'skills_still_applied') AND {{years}} GROUP BY ALL
)
SELECT s.year, s.skill, s.position, s.code AS skill_code,
       count(*) AS n_respondents,
       count(*) FILTER (WHERE coalesce(t.strengthened, false) AND coalesce(t.applied, false)) AS both,
       count(*) FILTER (WHERE coalesce(t.strengthened, false) AND NOT coalesce(t.applied, false)) AS strengthened_only,
       count(*) FILTER (WHERE NOT coalesce(t.strengthened, false) AND coalesce(t.applied, false)) AS applied_only,
       count(*) FILTER (WHERE NOT coalesce(t.strengthened, false) AND NOT coalesce(t.applied, false)) AS neither
FROM skills s
JOIN respondents r ON r.year = s.year
LEFT JOIN ticked t ON t.year = s.year AND t.participant_id = r.participant_id AND t.code = s.code
GROUP BY s.year, s.skill, s.position, s.code
ORDER BY s.year, s.position
"""


def mcnemar_rows(counts: pl.DataFrame) -> list[dict]:
    return [{**r, "p_value_exact": mcnemar_exact(r["strengthened_only"], r["applied_only"])}
            for r in counts.iter_rows(named=True)]


@asset(**YEARLY, key=key(SKILL_MCNEMAR), deps=[key(ANSWERS)], group_name=PROGRAMME, pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(SKILL_MCNEMAR), description=describe(SKILL_MCNEMAR, """
Per skill, the same respondents' two answers side by side: strengthened by the programme and
still applied three months later (both, only one, neither), with McNemar's exact test of whether
"strengthened but no longer applied" and "applied but not named as strengthened" differ."""))
def marts_tib_skill_mcnemar(context, duckdb: DuckDBResource) -> MaterializeResult:
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        counts = conn.sql(f"SELECT * FROM ({for_years(SKILL_PAIRS_SQL, years)}) WHERE {year_filter(years)} "
                          "ORDER BY year, position").pl()
        replace_with_frame(conn, SKILL_MCNEMAR, frame_for(SKILL_MCNEMAR, mcnemar_rows(counts)), years)
        return MaterializeResult(metadata=written_metadata(conn, SKILL_MCNEMAR, years=years))


def factor_summary_rows(ratings: pl.DataFrame) -> list[dict]:
    rows = []
    for (year,), by_year in ratings.group_by(["year"], maintain_order=True):
        summaries = []
        for (factor,), sub in by_year.group_by(["factor"], maintain_order=True):
            # of the numbered points: an answer without a number (n.v.t.) has no place on the scale
            s = rating_summary({r: n for r, n in zip(sub["rating"].to_list(), sub["n"].to_list()) if r is not None})
            summaries.append({"year": year, "factor": factor, "n_respondents": s["n_respondents"],
                              "median_rating": s["median_rating"], "pct_flink_of_zeer": s["pct_top"],
                              "factor_variable": sub["factor_variable"][0]})
        ranks = competition_rank([s["pct_flink_of_zeer"] or 0.0 for s in summaries])
        for s, r in zip(summaries, ranks):
            s["rank"] = r
        rows += sorted(summaries, key=lambda s: (s["rank"], s["factor"]))
    return rows


@asset(**YEARLY, key=key(FACTOR_SUMMARY), deps=[key(FACTORS)], group_name=PROGRAMME, pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(FACTOR_SUMMARY), description=describe(FACTOR_SUMMARY, """
The effectiveness factors in one line each, ranked: the share rating a factor flink or zeer
behulpzaam (4 or 5) and the median rating, from the distribution in marts.tib_factor_ratings."""))
def marts_tib_factor_summary(context, duckdb: DuckDBResource) -> MaterializeResult:
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        ratings = conn.sql(f"SELECT year, factor, factor_variable, rating, n FROM {FACTORS} "
                           f"WHERE {year_filter(years)} ORDER BY year, factor, rating").pl()
        replace_with_frame(conn, FACTOR_SUMMARY, frame_for(FACTOR_SUMMARY, factor_summary_rows(ratings)), years)
        return MaterializeResult(metadata=written_metadata(conn, FACTOR_SUMMARY, years=years))
