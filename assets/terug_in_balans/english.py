"""The Terug in Balans codebook's English names (label_en, domain_en, text_en), for the English
report and charts. The marts keep every label as the codebook words it (Dutch); an English edition
prints what that year's codebook gives in English, and the Dutch where it gives nothing."""

import polars as pl

from assets.partitions import year_filter
from assets.tables import key
from assets.terug_in_balans.marts import FACTORS, RELAPSE, RETURN_TO_WORK, SKILLS
from assets.terug_in_balans.staging import ANSWERS
from assets.terug_in_balans.statistics import FACTOR_SUMMARY, SHARE_INTERVALS, SKILL_MCNEMAR

INSTRUMENT = "tib_survey"
# What reads the English names depends on the asset that stages them with the answers.
NAMES_FROM = key(ANSWERS)
SKILLS_VARIABLE = "skills_strengthened"  # whose labels tib_skills words every skill by
# Each mart's columns that hold codebook wording, by what they hold and the question (codebook
# variable) they word: a name, or the column that holds it (a code is never translated:
# tib_relapse.answer is a code, tib_share_intervals.answer a label).
WORDING = {
    RETURN_TO_WORK: {"outcome_label": ("label", pl.lit("return_to_work"))},
    RELAPSE: {"answer_label": ("label", pl.lit("relapse"))},
    SKILLS: {"skill": ("label", pl.lit(SKILLS_VARIABLE)), "domain": ("domain", pl.lit(SKILLS_VARIABLE))},
    FACTORS: {"factor": ("text", pl.col("factor_variable")), "rating_label": ("label", pl.col("factor_variable"))},
    # returned_to_work joins two answers' words: no question words it so
    SHARE_INTERVALS: {"answer": ("label", pl.col("question").replace_strict(
        {"relapse_among_returned": "relapse", "skills_still_applied": SKILLS_VARIABLE, "returned_to_work": None},
        default=pl.col("question"), return_dtype=pl.String))},
    SKILL_MCNEMAR: {"skill": ("label", pl.lit(SKILLS_VARIABLE))},
    FACTOR_SUMMARY: {"factor": ("text", pl.col("factor_variable"))},
}


def english_names(conn, years: list[int]) -> pl.DataFrame:
    """(year, kind, variable, nl, en): every label, domain and item wording these years' codebooks
    give in English, with the question it words."""
    return conn.sql(f"""
        SELECT DISTINCT year, 'label' AS kind, variable, label AS nl, label_en AS en FROM staging.codebook_labels
        WHERE instrument = '{INSTRUMENT}' AND label_en IS NOT NULL AND {year_filter(years)}
        UNION ALL
        SELECT DISTINCT year, 'domain', variable, domain, domain_en FROM staging.codebook_labels
        WHERE instrument = '{INSTRUMENT}' AND domain_en IS NOT NULL AND {year_filter(years)}
        UNION ALL
        SELECT DISTINCT year, 'text', variable, variable_text, variable_text_en FROM staging.codebook_variables
        WHERE instrument = '{INSTRUMENT}' AND variable_text_en IS NOT NULL AND {year_filter(years)}
    """).pl().with_columns(pl.col("year").cast(pl.Int64))


def in_english(frame: pl.DataFrame, mart: str, names: pl.DataFrame) -> pl.DataFrame:
    """`frame` (rows of `mart`, with their year) with its codebook wording in English where the
    year's codebook gives it for that question; rows and their order unchanged."""
    for column, (kind, variable) in WORDING[mart].items():
        if frame.height == 0:
            break
        own = names.filter(pl.col("kind") == kind).sort("year", "nl", "en")
        # A question's label by its own English name: two questions' "Nee" may have other ones. A row
        # of no one question (written before the marts kept it) by its Dutch words alone, taking of
        # two English names the first alphabetically, the same on every run.
        exact = own.unique(["year", "variable", "nl"], keep="first").select(
            pl.col("year").alias("_year"), pl.col("variable").alias("_variable"), pl.col("nl").alias(column),
            pl.col("en").alias("_en"))
        loose = own.unique(["year", "nl"], keep="first").select(
            pl.col("year").alias("_year"), pl.col("nl").alias(column), pl.col("en").alias("_loose"))
        known = set(variable.meta.root_names()) <= set(frame.columns)
        frame = (frame.with_columns(pl.col("year").cast(pl.Int64).alias("_year"),
                                    (variable if known else pl.lit(None)).cast(pl.String).alias("_variable"))
                 .join(exact, on=["_year", "_variable", column], how="left", maintain_order="left")
                 .join(loose, on=["_year", column], how="left", maintain_order="left")
                 .with_columns(pl.when(pl.col("_variable").is_null()).then(pl.coalesce("_loose", column))
                               .otherwise(pl.coalesce("_en", column)).alias(column))
                 .drop("_year", "_variable", "_en", "_loose"))
    return frame
