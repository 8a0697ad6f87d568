"""Terug in Balans marts: the factsheet's shares, skills and effectiveness factors."""

from assets.tables import sql_table_asset
from assets.terug_in_balans.staging import ANSWERS

PROGRAMME = "terug_in_balans"
RETURN_TO_WORK = "marts.tib_return_to_work"
RELAPSE = "marts.tib_relapse"
SKILLS = "marts.tib_skills"
FACTORS = "marts.tib_factor_ratings"
TREND = "marts.tib_trend"

# One row per answer code, in its first label's wording: a codebook may give one code several
# labels (synonyms, a reworded answer), and the marts count its answers once.
LABELS = """(SELECT * FROM staging.codebook_labels
  QUALIFY row_number() OVER (PARTITION BY year, instrument, variable, code ORDER BY position) = 1)"""


def _share_sql(variable: str, code_column: str) -> str:
    """Share of respondents per answer of one single-choice question, every label listed."""
    return f"""
WITH answered AS (
  SELECT year, participant_id, value_code FROM {ANSWERS} WHERE variable = '{variable}' AND {{years}}
), totals AS (
  SELECT year, count(DISTINCT participant_id) AS n_respondents FROM answered GROUP BY year
)
SELECT l.year, l.code AS {code_column}, l.label AS {code_column}_label,
       count(DISTINCT a.participant_id) AS n, t.n_respondents,
       100.0 * count(DISTINCT a.participant_id) / t.n_respondents AS pct
FROM {LABELS} l
JOIN totals t ON t.year = l.year
LEFT JOIN answered a ON a.year = l.year AND a.value_code = l.code
WHERE l.instrument = 'tib_survey' AND l.variable = '{variable}'
GROUP BY l.year, l.code, l.label, l.position, t.n_respondents
ORDER BY l.year, l.position
"""


tib_return_to_work = sql_table_asset(
    RETURN_TO_WORK, [ANSWERS], _share_sql("return_to_work", "outcome"), """
Return to work during or after the programme: the share of respondents back at their own
employer, at another employer, or still absent with the same complaints.""", PROGRAMME)

# Whom "dropped out again" can concern: who went back to work. Everyone is asked, so the
# factsheet's "not dropped out again" also counts those who never returned (still absent).
RETURNED = "('own_employer', 'other_employer')"

tib_relapse = sql_table_asset(RELAPSE, [ANSWERS], f"""
WITH answered AS (
  SELECT year, participant_id, value_code FROM {ANSWERS} WHERE variable = 'relapse' AND {{years}}
), totals AS (
  SELECT year, count(DISTINCT participant_id) AS n_respondents FROM answered GROUP BY year
), returned AS (
  SELECT DISTINCT a.year, a.participant_id FROM answered a
  JOIN {ANSWERS} w ON w.year = a.year AND w.participant_id = a.participant_id
  WHERE w.variable = 'return_to_work' AND w.value_code IN {RETURNED}
), returned_totals AS (
  SELECT year, count(*) AS n_returned FROM returned GROUP BY year
)
SELECT l.year, l.code AS answer, l.label AS answer_label,
       count(DISTINCT a.participant_id) AS n, t.n_respondents,
       100.0 * count(DISTINCT a.participant_id) / t.n_respondents AS pct,
       coalesce(rt.n_returned, 0) AS n_returned,
       count(DISTINCT r.participant_id) AS n_among_returned,
       100.0 * count(DISTINCT r.participant_id) / nullif(rt.n_returned, 0) AS pct_among_returned
FROM {LABELS} l
JOIN totals t ON t.year = l.year
LEFT JOIN returned_totals rt ON rt.year = l.year
LEFT JOIN answered a ON a.year = l.year AND a.value_code = l.code
LEFT JOIN returned r ON r.year = a.year AND r.participant_id = a.participant_id
WHERE l.instrument = 'tib_survey' AND l.variable = 'relapse'
GROUP BY l.year, l.code, l.label, l.position, t.n_respondents, rt.n_returned
ORDER BY l.year, l.position
""", """
Relapse: the share of respondents who did or did not drop out again because of psychological
complaints since the programme ended (asked at least three months after it), of all respondents
(as the factsheet) and of those who went back to work (own or another employer).""", PROGRAMME)

tib_skills = sql_table_asset(SKILLS, [ANSWERS], f"""
WITH respondents AS (
  SELECT year, count(DISTINCT participant_id) AS n_respondents FROM {ANSWERS} WHERE {{years}} GROUP BY year
), chosen AS (
  SELECT year, value_code,
         count(DISTINCT participant_id) FILTER (WHERE variable = 'skills_strengthened') AS n_strengthened,
         count(DISTINCT participant_id) FILTER (WHERE variable = 'skills_still_applied') AS n_still_applied
  FROM {ANSWERS} WHERE variable IN ('skills_strengthened', 'skills_still_applied') AND {{years}} GROUP BY ALL
)
SELECT l.year, l.domain, l.label AS skill, r.n_respondents,
       coalesce(c.n_strengthened, 0) AS n_strengthened, coalesce(c.n_still_applied, 0) AS n_still_applied,
       100.0 * coalesce(c.n_strengthened, 0) / r.n_respondents AS pct_strengthened,
       100.0 * coalesce(c.n_still_applied, 0) / r.n_respondents AS pct_still_applied, l.code AS skill_code
FROM {LABELS} l
JOIN respondents r ON r.year = l.year
LEFT JOIN chosen c ON c.year = l.year AND c.value_code = l.code
WHERE l.instrument = 'tib_survey' AND l.variable = 'skills_strengthened'
ORDER BY l.year, pct_strengthened DESC, l.position
""", """
Skills the programme strengthened and skills still applied three months later, per skill, as a
share of all survey respondents (a skill not ticked counts as not strengthened).""",
    PROGRAMME)

tib_factor_ratings = sql_table_asset(FACTORS, [ANSWERS], f"""
WITH factors AS (
  SELECT DISTINCT year, variable, variable_text
  FROM {LABELS} WHERE instrument = 'tib_survey' AND role = 'factor'
), points AS (
  SELECT year, variable, code, number::INTEGER AS rating, label AS rating_label
  FROM {LABELS} WHERE instrument = 'tib_survey' AND role = 'factor'
), answered AS (
  -- by code: a point without a number (n.v.t.) is counted too
  SELECT year, variable, participant_id, value_code
  FROM {ANSWERS} WHERE variable IN (SELECT variable FROM factors) AND {{years}}
), totals AS (
  SELECT year, variable, count(DISTINCT participant_id) AS n_respondents FROM answered GROUP BY ALL
)
SELECT p.year, f.variable_text AS factor, p.rating, p.rating_label,
       count(DISTINCT a.participant_id) AS n, t.n_respondents,
       100.0 * count(DISTINCT a.participant_id) / t.n_respondents AS pct, p.variable AS factor_variable
FROM points p
JOIN factors f USING (year, variable)
JOIN totals t USING (year, variable)
LEFT JOIN answered a ON a.year = p.year AND a.variable = p.variable AND a.value_code = p.code
GROUP BY p.year, p.variable, f.variable_text, p.rating, p.rating_label, t.n_respondents
ORDER BY p.year, f.variable_text, p.rating
""", """
The seven effectiveness factors on the 5-point helpfulness scale (1 niet ... 5 zeer behulpzaam):
for every factor and scale point the number and share of respondents.""", PROGRAMME)

tib_trend = sql_table_asset(
    TREND, [RETURN_TO_WORK, RELAPSE, SKILLS, FACTORS, ANSWERS], f"""
-- The codes of rows written before the marts had them (NULL until their year is run again): from
-- the year's codebook (staging.codebook_labels and codebook_variables, which the answers' asset
-- writes), by the wording; where that year's codebook was never loaded (a warehouse from before
-- those tables), from the wording's code in any year that has it, if only one; else the wording
-- itself, so no two series become one.
WITH skill_codes AS (
  SELECT year, label, min(code) AS code FROM staging.codebook_labels
  WHERE instrument = 'tib_survey' AND variable = 'skills_strengthened' GROUP BY ALL
), skill_codes_any AS (
  SELECT label, min(code) AS code FROM skill_codes GROUP BY label HAVING count(DISTINCT code) = 1
), skills AS (
  SELECT s.*, coalesce(s.skill_code, c.code, a.code, s.skill) AS code
  FROM {SKILLS} s LEFT JOIN skill_codes c ON c.year = s.year AND c.label = s.skill
  LEFT JOIN skill_codes_any a ON a.label = s.skill
), factor_variables AS (
  SELECT year, variable_text, min(variable) AS variable FROM staging.codebook_variables
  WHERE instrument = 'tib_survey' AND role = 'factor' GROUP BY ALL
), factor_variables_any AS (
  SELECT variable_text, min(variable) AS variable FROM factor_variables GROUP BY variable_text
  HAVING count(DISTINCT variable) = 1
), factors AS (
  SELECT f.*, coalesce(f.factor_variable, v.variable, a.variable, f.factor) AS variable
  FROM {FACTORS} f LEFT JOIN factor_variables v ON v.year = f.year AND v.variable_text = f.factor
  LEFT JOIN factor_variables_any a ON a.variable_text = f.factor
), outcomes AS (
  SELECT 'terugkeer naar werk: ' || outcome_label AS outcome, year, n_respondents, pct,
         'return_to_work:' || outcome AS outcome_key FROM {RETURN_TO_WORK}
  UNION ALL
  SELECT 'opnieuw uitgevallen: ' || answer_label, year, n_respondents, pct, 'relapse:' || answer FROM {RELAPSE}
  UNION ALL
  SELECT 'vaardigheid versterkt: ' || skill, year, n_respondents, pct_strengthened, 'skills_strengthened:' || code
  FROM skills
  UNION ALL
  SELECT 'vaardigheid nog toegepast: ' || skill, year, n_respondents, pct_still_applied, 'skills_still_applied:' || code
  FROM skills
  UNION ALL
  -- from the counts, as marts.tib_factor_summary computes it (of the numbered points, without
  -- n.v.t.): the same share to the last bit
  SELECT 'flink of zeer behulpzaam: ' || any_value(factor), year, sum(n) FILTER (WHERE rating IS NOT NULL),
         100.0 * coalesce(sum(n) FILTER (WHERE rating >= 4), 0) / nullif(sum(n) FILTER (WHERE rating IS NOT NULL), 0),
         'flink_of_zeer:' || variable
  FROM factors GROUP BY variable, year
)
-- a series is its codes, not its words: an answer or factor reworded in a later codebook goes on
SELECT outcome, year, n_respondents, pct, lag(year) OVER w AS previous_year,
       pct - lag(pct) OVER w AS change_from_previous, outcome_key
FROM outcomes
WINDOW w AS (PARTITION BY outcome_key ORDER BY year)
ORDER BY outcome, year
""", """
The Terug in Balans shares over the cohorts: return to work, relapse, every skill and every factor,
with the change in percentage points since the previous cohort.""", PROGRAMME, yearly=False)
