"""PMG theme marts beyond the source report: the IGLOO x JD-R theme matrix and the most telling quotes."""

from assets.pmg.staging import SEGMENTS
from assets.tables import sql_table_asset

THEME_MATRIX = "marts.pmg_theme_matrix"
THEME_QUOTES = "marts.pmg_theme_quotes"
QUOTES_PER_THEME = 2

pmg_theme_matrix = sql_table_asset(
    THEME_MATRIX, [SEGMENTS], f"""
SELECT year, organisation, intervention, igloo_level, jdr_category,
       count(DISTINCT theme) AS n_themes, count(DISTINCT document) AS n_groups,
       count(DISTINCT participant_id) AS n_participants
FROM {SEGMENTS}
WHERE jdr_category IS NOT NULL AND igloo_level IS NOT NULL
GROUP BY ALL
ORDER BY year, organisation, intervention, igloo_level, jdr_category
""", """
Where the Diagnose themes of each organisation's intervention sit in the IGLOO x JD-R grid: per
IGLOO level (Individu ... Omgeving) and JD-R category (work and personal resources and stressors,
outcome), how many distinct themes were raised, in how many groups (interviews) and by how many
participants. Two organisations running an intervention of the same name keep their own rows.
The theme-matrix heatmap draws it.""", "pmg")

# Per theme the longest distinct quotes, each from a different speaker: a longer segment usually
# says why, not only what. Ties broken by position in the export, so the choice is reproducible.
# A theme name can be both a resource and a stressor ("Inhoud van het werk") in one intervention
# and wave: each JD-R category is a theme of its own here, as in marts.pmg_theme_mentions.
pmg_theme_quotes = sql_table_asset(
    THEME_QUOTES, [SEGMENTS], f"""
WITH segments AS (
  SELECT year, organisation, intervention, wave, section, jdr_category, theme, group_label, participant_id,
         source_file, row_number, language, trim(segment_text) AS quote
  FROM {SEGMENTS}
  WHERE coalesce(trim(segment_text), '') <> ''
), mentions AS (
  SELECT year, organisation, intervention, wave, section, jdr_category, theme,
         count(DISTINCT participant_id) AS n_participants
  FROM {SEGMENTS} GROUP BY ALL
), distinct_quotes AS (
  -- the same words twice (a segment coded under two codes) count once, at their first place: the
  -- first file's first row (each file numbers its own rows). One smallest struct, led by the place,
  -- holds all of that row: a fifth of the aggregate states of one arg_min per column.
  SELECT year, organisation, intervention, wave, section, jdr_category, theme, quote,
         min(struct_pack(source_file, row_number, group_label, participant_id, language)) AS place
  FROM segments GROUP BY year, organisation, intervention, wave, section, jdr_category, theme, quote
), first_places AS (
  SELECT * EXCLUDE (place), place.source_file AS source_file, place.row_number AS row_number,
         place.group_label AS group_label, place.participant_id AS participant_id, place.language AS language
  FROM distinct_quotes
), per_speaker AS (
  SELECT *, row_number() OVER (PARTITION BY year, organisation, intervention, wave, section, jdr_category, theme,
                                            participant_id
                               ORDER BY length(quote) DESC, source_file, row_number) AS speaker_rank
  FROM first_places
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY year, organisation, intervention, wave, section, jdr_category, theme
                               ORDER BY length(quote) DESC, source_file, row_number) AS rank
  FROM per_speaker WHERE speaker_rank = 1
)
SELECT r.year, r.organisation, r.intervention, r.wave, r.section, r.theme, r.group_label, m.n_participants, r.quote,
       r.rank, r.language, r.jdr_category
FROM ranked r JOIN mentions m
  ON m.year = r.year AND m.organisation = r.organisation AND m.intervention = r.intervention AND m.wave = r.wave
     AND m.section = r.section AND m.theme = r.theme AND m.jdr_category IS NOT DISTINCT FROM r.jdr_category
WHERE r.rank <= {QUOTES_PER_THEME}
ORDER BY r.year, r.organisation, r.intervention, r.wave, r.section, m.n_participants DESC, r.theme, r.jdr_category,
         r.rank
""", f"""
The most telling quotes per theme, for the researcher edition of the report: per organisation's
intervention, wave, section, JD-R category and theme the {QUOTES_PER_THEME} longest distinct quotes, each from a
different speaker (quotes are pseudonymised and masked in staging). Never shown in the stakeholder edition.""", "pmg")
