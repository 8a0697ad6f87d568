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
# Each mart's columns that hold codebook wording, by what they hold (a code is never translated:
# tib_relapse.answer is a code, tib_share_intervals.answer a label).
WORDING = {
    RETURN_TO_WORK: {"outcome_label": "label"},
    RELAPSE: {"answer_label": "label"},
    SKILLS: {"skill": "label", "domain": "domain"},
    FACTORS: {"factor": "text", "rating_label": "label"},
    SHARE_INTERVALS: {"answer": "label"},
    SKILL_MCNEMAR: {"skill": "label"},
    FACTOR_SUMMARY: {"factor": "text"},
}


def english_names(conn, years: list[int]) -> pl.DataFrame:
    """(year, kind, nl, en): every label, domain and item wording these years' codebooks give in English."""
    return conn.sql(f"""
        SELECT DISTINCT year, 'label' AS kind, label AS nl, label_en AS en FROM staging.codebook_labels
        WHERE instrument = '{INSTRUMENT}' AND label_en IS NOT NULL AND {year_filter(years)}
        UNION ALL
        SELECT DISTINCT year, 'domain', domain, domain_en FROM staging.codebook_labels
        WHERE instrument = '{INSTRUMENT}' AND domain_en IS NOT NULL AND {year_filter(years)}
        UNION ALL
        SELECT DISTINCT year, 'text', variable_text, variable_text_en FROM staging.codebook_variables
        WHERE instrument = '{INSTRUMENT}' AND variable_text_en IS NOT NULL AND {year_filter(years)}
    """).pl().with_columns(pl.col("year").cast(pl.Int64))


def in_english(frame: pl.DataFrame, mart: str, names: pl.DataFrame) -> pl.DataFrame:
    """`frame` (rows of `mart`, with their year) with its codebook wording in English where the
    year's codebook gives it; rows and their order unchanged."""
    for column, kind in WORDING[mart].items():
        if frame.height == 0:
            break
        # A label is matched by its Dutch words, not its question: where two questions' "Nee" have
        # other English names, the first of them alphabetically, the same on every run (a set's order).
        english = (names.filter(pl.col("kind") == kind).sort("year", "nl", "en").unique(["year", "nl"], keep="first")
                   .select("year", pl.col("nl").alias(column), pl.col("en").alias("_en")))
        frame = (frame.with_columns(pl.col("year").cast(pl.Int64).alias("_year"))
                 .join(english.rename({"year": "_year"}), on=["_year", column], how="left", maintain_order="left")
                 .with_columns(pl.coalesce("_en", column).alias(column)).drop("_year", "_en"))
    return frame
