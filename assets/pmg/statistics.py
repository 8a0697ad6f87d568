"""PMG statistics beyond the source report: paired and unpaired change in mental health.

The source report printed T0 and T1 means of (partly) different people side by side. These
marts say how the same people changed, with effect sizes, and test only where a test can reach
significance (assets/statistics.py says why).
"""

import polars as pl
from dagster import MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY, for_years, partition_years
from assets.pmg.staging import RESPONSES
from assets.statistics import SMALL_N_MINIMUM, mann_whitney_groups, paired_change_groups
from assets.tables import POOL, contract_frame, contract_metadata, describe, key, replace_with_frame, written_metadata

PAIRED = "marts.pmg_paired_change"
UNPAIRED = "marts.pmg_unpaired_change"
ALL_GROUPS = "(alle groepen)"


GRADES_SQL = f"""
SELECT year, participant_id, wave, organisation, intervention, group_label, mental_health_grade AS grade
FROM {RESPONSES} WHERE mental_health_grade IS NOT NULL AND wave IN ('T0', 'T1') AND {{years}}
"""

# Grades take a few distinct values, so the statistics need only how many people share each
# (grade at T0, grade at T1) or (wave, grade) per group: DuckDB counts them, and Polars holds a few
# hundred rows per intervention instead of every answer (at 10M responses, GBs of identifiers).
# Each wave its own scan, filtered before the join: cheaper than joining all grades with themselves.
PAIR_COUNTS_SQL = f"""
WITH t0 AS ({GRADES_SQL} AND wave = 'T0'), t1 AS ({GRADES_SQL} AND wave = 'T1')
SELECT t0.year, t0.organisation, t0.intervention, t0.group_label,
       t0.grade AS grade_t0, t1.grade AS grade_t1, count(*) AS n
FROM t0 JOIN t1 USING (year, participant_id, organisation, intervention)
GROUP BY ALL
"""

GRADE_COUNTS_SQL = f"""
SELECT year, organisation, intervention, wave = 'T1' AS t1, grade, count(*) AS n
FROM ({GRADES_SQL}) GROUP BY ALL
"""

# Who took part at which wave, counted as sets: the waves hold the same people when as many took
# part at each wave as at either.
PEOPLE_SQL = f"""
SELECT year, organisation, intervention, count(*) FILTER (at_t0) AS at_t0, count(*) FILTER (at_t1) AS at_t1,
       count(*) AS anyone
FROM (SELECT year, organisation, intervention, participant_id,
             bool_or(wave = 'T0') AS at_t0, bool_or(wave = 'T1') AS at_t1
      FROM ({GRADES_SQL}) GROUP BY ALL)
GROUP BY ALL
"""


def load_pair_counts(conn, years: list[int] | None) -> pl.DataFrame:
    """Per intervention and group, how many pairs have each (grade at T0, grade at T1), in no order."""
    return conn.sql(for_years(PAIR_COUNTS_SQL, years)).pl()


def load_grade_counts(conn, years: list[int] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per intervention, how many grades each value has at each wave, and who took part when."""
    return conn.sql(for_years(GRADE_COUNTS_SQL, years)).pl(), conn.sql(for_years(PEOPLE_SQL, years)).pl()


def paired_frame(pairs: pl.DataFrame) -> pl.DataFrame:
    """One row per group with at least one pair, plus the intervention total, sorted by year,
    organisation, intervention and group. `pairs` (load_pair_counts) may come in any order."""
    keys = ["year", "organisation", "intervention", "group_label"]
    # Sorted by the grades too, so each mean sums in one fixed order, whatever order the rows came in.
    pairs = pairs.sort(*keys, "grade_t0", "grade_t1").with_columns(
        total=pl.struct(keys[:3]).rle_id().cast(pl.Int64), group=pl.struct(keys).rle_id().cast(pl.Int64))
    totals = int(pairs["total"].max()) + 1 if pairs.height else 0
    # Every pair counts twice: in its intervention's total (gid = total) and in its own group
    # (gids after the totals).
    result = paired_change_groups(pl.concat([
        pairs.select(gid="total", t0="grade_t0", t1="grade_t1", n="n"),
        pairs.select(gid=pl.col("group") + totals, t0="grade_t0", t1="grade_t1", n="n")]))
    first = pairs.filter(pl.col("group").is_first_distinct())
    names = pl.concat([
        first.filter(pl.col("total").is_first_distinct()).select(
            *keys[:3], group_label=pl.lit(ALL_GROUPS, dtype=pl.String), gid="total"),
        first.select(*keys, gid=pl.col("group") + totals)])
    return contract_frame(PAIRED, names.join(result, on="gid").sort(keys)
                          .with_columns(is_total=pl.col("gid") < totals))


@asset(**YEARLY, key=key(PAIRED), deps=[key(RESPONSES)], group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(PAIRED), description=describe(PAIRED, """
How the same people's self-rated mental health changed from T0 to T1, per intervention and
group: means, mean and median difference, Hodges-Lehmann estimate and matched-pairs
rank-biserial correlation, and a two-sided Wilcoxon signed-rank test only where enough people
changed for p < 0.05 to be possible at all; otherwise p is NULL and the note says why."""))
def marts_pmg_paired_change(context, duckdb: DuckDBResource) -> MaterializeResult:
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        replace_with_frame(conn, PAIRED, paired_frame(load_pair_counts(conn, years)), years)
        return MaterializeResult(metadata=written_metadata(conn, PAIRED, years=years))


def unpaired_note(n_t0: int, n_t1: int, n_paired: int, method: str | None, lang: str = "nl") -> str:
    """Who the waves hold and which test compared them (method as mann_whitney gives it): in Dutch
    as the warehouse keeps it, or in English (lang "en") for the English report."""
    if lang == "en":
        people = (f"T0 and T1 hold (partly) different people: of the {n_t0} (T0) and {n_t1} (T1), {n_paired} "
                  f"took part both times")
        if n_paired:
            how = ("no test: Mann-Whitney needs independent groups, and whoever took part both times is in both; "
                   "Cliff's delta is descriptive only, and for those who took part both times "
                   "marts.pmg_paired_change is the measure")
        elif method is None:
            how = (f"no test, as the smaller wave has fewer than {SMALL_N_MINIMUM} grades; Cliff's delta is "
                   f"descriptive only")
        else:
            how = "two-sided Mann-Whitney U" + {"exact": ", exact (permutation distribution, tied grades included)",
                                                "asymptotic": ", asymptotic (normal approximation, corrected for ties)"
                                                }.get(method, "")
        return f"{people}; {how}."
    people = (f"T0 en T1 bevatten (deels) verschillende mensen: van de {n_t0} (T0) en "
              f"{n_t1} (T1) deden er {n_paired} beide keren mee")
    if n_paired:
        how = ("geen toets: Mann-Whitney vraagt onafhankelijke groepen, en wie beide keren meedeed staat in "
               "beide; Cliff's delta is alleen beschrijvend, en voor wie beide keren meedeed is "
               "marts.pmg_paired_change de maat")
    elif method is None:
        how = (f"geen toets, want de kleinste golf heeft minder dan {SMALL_N_MINIMUM} cijfers; "
               f"Cliff's delta is alleen beschrijvend")
    else:
        test = ("exact (permutatieverdeling, gelijke cijfers meegerekend)" if method == "exact"
                else "asymptotisch (normale benadering, gecorrigeerd voor gelijke cijfers)")
        how = f"Mann-Whitney U tweezijdig, {test}"
    return f"{people}; {how}."


def unpaired_frame(grade_counts: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Interventions graded at both waves whose waves are not the same people, sorted by year,
    organisation and intervention, from load_grade_counts' frames in any order."""
    keys = ["year", "organisation", "intervention"]
    groups = grade_counts.sort(keys).with_columns(gid=pl.struct(keys).rle_id())
    rows = (groups.filter(pl.col("gid").is_first_distinct()).select(*keys, "gid")
            .join(people.with_columns(n_paired=pl.col("at_t0") + pl.col("at_t1") - pl.col("anyone")), on=keys,
                  nulls_equal=True)  # as DuckDB grouped them: a missing organisation is a group too
            .join(mann_whitney_groups(groups.select("gid", "t1", "n", value="grade")), on="gid")
            .filter((pl.col("at_t0") > 0) & (pl.col("at_t1") > 0) & (pl.col("anyone") != pl.col("n_paired")))
            .sort("gid"))
    notes = [unpaired_note(*r) for r in rows.select("n_t0", "n_t1", "n_paired", "method").iter_rows()]
    # The test assumes two independent samples: not so when anyone is in both waves.
    independent = pl.col("n_paired") == 0
    return contract_frame(UNPAIRED, rows.with_columns(mann_whitney_p=pl.when(independent).then("p_value"),
                                                      mann_whitney_method=pl.when(independent).then("method"),
                                                      note=pl.Series(notes, dtype=pl.String)))


@asset(**YEARLY, key=key(UNPAIRED), deps=[key(RESPONSES)], group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(UNPAIRED), description=describe(UNPAIRED, """
All T0 against all T1 grades of an intervention whose waves hold (partly) different people, as
the source report compared them: Cliff's delta, and Mann-Whitney U (exact without ties, else
asymptotic; stated in the note) only where the waves are independent samples: nobody in both,
and at least 5 grades in the smaller wave."""))
def marts_pmg_unpaired_change(context, duckdb: DuckDBResource) -> MaterializeResult:
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        replace_with_frame(conn, UNPAIRED, unpaired_frame(*load_grade_counts(conn, years)), years)
        return MaterializeResult(metadata=written_metadata(conn, UNPAIRED, years=years))
