"""PMG marts: the tables of the report (Tabel 3-7) and its "N deelnemers noemden ..." counts."""

from assets.pmg.staging import RESPONSES, SEGMENTS
from assets.pmg.statistics import PAIRED, UNPAIRED
from assets.pmg.themes import THEME_MATRIX, THEME_QUOTES
from assets.tables import sql_table_asset

VARIABLES = "staging.codebook_variables"

COUNTS = "marts.pmg_response_counts"
MENTAL_HEALTH = "marts.pmg_mental_health"
RATING = "marts.pmg_intervention_rating"
THEMES = "marts.pmg_theme_mentions"
# Every mart a PMG report reads of a year (year_data.load_year). The mental-health chart reads them
# too: it leaves out what the stakeholder edition hides, which takes the whole year to decide.
YEAR_MARTS = (COUNTS, MENTAL_HEALTH, RATING, THEMES, PAIRED, UNPAIRED, THEME_MATRIX, THEME_QUOTES)

# Each source read for the run's years only ({years}): a year filter does not pass into a FULL JOIN,
# and a new year's run read every year's segments and responses.
pmg_response_counts = sql_table_asset(
    COUNTS, [RESPONSES, SEGMENTS], f"""
WITH interview AS (
  SELECT year, organisation, intervention, group_label,
         count(DISTINCT participant_id) FILTER (WHERE wave = 'T0') AS n_t0,
         count(DISTINCT participant_id) FILTER (WHERE wave = 'T1') AS n_t1,
         count(DISTINCT document) FILTER (WHERE wave = 'T0') AS n_interviews_t0,
         count(DISTINCT document) FILTER (WHERE wave = 'T1') AS n_interviews_t1
  FROM {SEGMENTS} WHERE {{years}} GROUP BY ALL
), interview_sizes AS (
  SELECT year, organisation, intervention, group_label, min(n) AS smallest_interview, max(n) AS largest_interview
  FROM (SELECT year, organisation, intervention, group_label, wave, document, count(DISTINCT participant_id) AS n
        FROM {SEGMENTS} WHERE {{years}} GROUP BY ALL)
  GROUP BY ALL
), questionnaire AS (
  SELECT year, organisation, intervention, group_label,
         count(DISTINCT participant_id) FILTER (WHERE wave = 'T0') AS n_questionnaire_t0,
         count(DISTINCT participant_id) FILTER (WHERE wave = 'T1') AS n_questionnaire_t1
  FROM {RESPONSES} WHERE {{years}} GROUP BY ALL
)
SELECT year, organisation, intervention, group_label,
       coalesce(n_t0, 0) AS n_t0, coalesce(n_t1, 0) AS n_t1,
       coalesce(n_questionnaire_t0, 0) AS n_questionnaire_t0, coalesce(n_questionnaire_t1, 0) AS n_questionnaire_t1,
       coalesce(n_interviews_t0, 0) AS n_interviews_t0, coalesce(n_interviews_t1, 0) AS n_interviews_t1,
       smallest_interview, largest_interview
FROM interview
LEFT JOIN interview_sizes USING (year, organisation, intervention, group_label)
FULL JOIN questionnaire USING (year, organisation, intervention, group_label)
ORDER BY year, organisation DESC, intervention, group_label
""", """
Tabel 3 of the PMG report: how many employees took part in each group's focus interview before
(T0) and after (T1), with the questionnaire respondents of the same group beside them (the two
instruments are filled in by overlapping but not identical people), and how many focus interviews
the group had and how many of its participants the smallest and the largest of them had.""", "pmg")

def _scale_of(variable: str) -> str:
    """The codebook's scale of a PMG number variable per year, to join on year."""
    return (f"(SELECT year, scale_min, scale_max FROM {VARIABLES} "
            f"WHERE instrument = 'pmg_questionnaire' AND variable = '{variable}')")


pmg_mental_health = sql_table_asset(
    MENTAL_HEALTH, [RESPONSES], f"""
SELECT year, organisation, intervention, wave,
       count(DISTINCT participant_id) AS n, avg(mental_health_grade) AS mean,
       min(mental_health_grade) AS min, max(mental_health_grade) AS max, any_value(s.scale_min) AS scale_min,
       any_value(s.scale_max) AS scale_max
FROM {RESPONSES}
LEFT JOIN {_scale_of("mental_health_grade")} s USING (year)
WHERE mental_health_grade IS NOT NULL
GROUP BY year, organisation, intervention, wave
ORDER BY year, organisation, intervention, wave
""", """
The T0 and T1 columns of Tabel 4-7: self-rated mental health per intervention, as N, mean (full
precision; reports round), lowest and highest grade, on the scale the year's codebook declares
(0-10 for the 2022-2023 edition).""", "pmg")

pmg_intervention_rating = sql_table_asset(
    RATING, [RESPONSES], f"""
SELECT year, organisation, intervention,
       count(DISTINCT participant_id) AS n, avg(intervention_grade) AS mean,
       min(intervention_grade) AS min, max(intervention_grade) AS max, any_value(s.scale_min) AS scale_min,
       any_value(s.scale_max) AS scale_max
FROM {RESPONSES}
LEFT JOIN {_scale_of("intervention_grade")} s USING (year)
WHERE intervention_grade IS NOT NULL
GROUP BY year, organisation, intervention
ORDER BY year, organisation, intervention
""", """
The last column of Tabel 4-7: the grade participants gave the intervention after it (T1).
An intervention without T1 respondents has no row here: the source report's Tabel 7 printed a
grade (M=7,8, N=4) for the Workshop Positieve Gezondheid that no data support.""", "pmg")

pmg_theme_mentions = sql_table_asset(
    THEMES, [SEGMENTS], f"""
SELECT year, organisation, intervention, wave, section, igloo_level, jdr_category, theme,
       count(DISTINCT participant_id) AS n_participants, count(DISTINCT document) AS n_groups
FROM {SEGMENTS}
GROUP BY ALL
ORDER BY year, organisation, intervention, wave, section, jdr_category NULLS LAST, n_participants DESC, theme
""", """
The report's "N deelnemers noemden ..." statements as data: for each theme (by section, JD-R
category and IGLOO level), how many distinct participants of an intervention raised it in the
focus interviews of that wave, and in how many groups.""", "pmg")

TREND = "marts.pmg_trend"

pmg_trend = sql_table_asset(
    TREND, [MENTAL_HEALTH, RATING], f"""
WITH outcomes AS (
  SELECT organisation, intervention, 'mentale_gezondheid_' || wave AS outcome, year, n, mean, scale_min, scale_max,
         'mental_health_grade' AS variable
  FROM marts.pmg_mental_health
  UNION ALL
  SELECT organisation, intervention, 'cijfer_interventie', year, n, mean, scale_min, scale_max, 'intervention_grade'
  FROM marts.pmg_intervention_rating
), asked AS (  -- the question as each year's (first) codebook words it, where it does (text:)
  SELECT year, variable, CASE WHEN text_given THEN variable_text END AS variable_text FROM {VARIABLES}
  WHERE instrument = 'pmg_questionnaire'
)
-- a mean on another scale than the previous edition's is no change: the difference would mix scales
-- (a year written before scales were kept has none, and is taken to be on the same scale)
SELECT o.* EXCLUDE (variable), lag(year) OVER w AS previous_year,
       CASE WHEN lag(scale_max) OVER w IS NULL OR scale_max IS NULL
                 OR (lag(scale_min) OVER w = scale_min AND lag(scale_max) OVER w = scale_max)
            THEN mean - lag(mean) OVER w END AS change_from_previous,
       -- a question asked otherwise ("... over de afgelopen twee weken") may measure otherwise: the
       -- change stands, flagged (a year without a wording, or staged before wordings were kept: unknown;
       -- a column heading, which a codebook without text: falls back to, is no wording)
       CASE WHEN lag(year) OVER w IS NOT NULL AND lag(a.variable_text) OVER w IS NOT NULL
                 AND a.variable_text IS NOT NULL
            THEN lag(a.variable_text) OVER w <> a.variable_text END AS question_reworded
FROM outcomes AS o LEFT JOIN asked AS a USING (year, variable)
WINDOW w AS (PARTITION BY organisation, intervention, outcome ORDER BY year)
ORDER BY organisation, intervention, outcome, year
""", """
The PMG outcomes over the editions: a row for every intervention, outcome (mental-health grade
at T0 or T1, the intervention's own grade) and year, with the change since the intervention's
previous edition where it ran in an earlier one (none in its first year, and none where the
codebook's scale changed in between), flagged where the question was worded otherwise.""", "pmg", yearly=False)
