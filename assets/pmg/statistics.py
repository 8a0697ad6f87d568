"""PMG statistics beyond the source report: paired and unpaired change in mental health.

The source report printed T0 and T1 means of (partly) different people side by side. These
marts say how the same people changed, with effect sizes, and test only where a test can reach
significance (assets/statistics.py says why).
"""

import polars as pl
from dagster import MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY, partition_years, year_filter
from assets.pmg.staging import RESPONSES
from assets.statistics import SMALL_N_MINIMUM, mann_whitney, paired_change
from assets.tables import POOL, contract_metadata, describe, frame_for, key, replace_with_frame, written_metadata

PAIRED = "marts.pmg_paired_change"
UNPAIRED = "marts.pmg_unpaired_change"
ALL_GROUPS = "(alle groepen)"


GRADES_SQL = f"""
SELECT year, participant_id, wave, organisation, intervention, group_label, mental_health_grade AS grade
FROM {RESPONSES} WHERE mental_health_grade IS NOT NULL AND wave IN ('T0', 'T1')
"""

PAIRS_SQL = f"""
WITH g AS ({GRADES_SQL})
SELECT t0.year, t0.organisation, t0.intervention, t0.group_label, t0.participant_id,
       t0.grade AS grade_t0, t1.grade AS grade_t1
FROM g t0 JOIN g t1 USING (year, participant_id, organisation, intervention)
WHERE t0.wave = 'T0' AND t1.wave = 'T1'
ORDER BY t0.year, t0.organisation, t0.intervention, t0.group_label, t0.participant_id
"""


def paired_rows(pairs: pl.DataFrame) -> list[dict]:
    """One row per group with at least one pair, plus the intervention total."""
    rows = []
    for (year, org, intervention), sub in pairs.group_by(["year", "organisation", "intervention"],
                                                          maintain_order=True):
        groups = [(ALL_GROUPS, sub)] + [(g, s) for (g,), s in sub.group_by(["group_label"], maintain_order=True)]
        for group_label, s in groups:
            stats_row = paired_change(s["grade_t0"].to_list(), s["grade_t1"].to_list())
            rows.append({"year": year, "organisation": org, "intervention": intervention,
                         "group_label": group_label, **stats_row})
    rows.sort(key=lambda r: (r["year"], r["organisation"], r["intervention"], r["group_label"]))
    return rows


@asset(**YEARLY, key=key(PAIRED), deps=[key(RESPONSES)], group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(PAIRED), description=describe(PAIRED, """
How the same people's self-rated mental health changed from T0 to T1, per intervention and
group: means, mean and median difference, Hodges-Lehmann estimate and matched-pairs
rank-biserial correlation, and a two-sided Wilcoxon signed-rank test only where enough people
changed for p < 0.05 to be possible at all; otherwise p is NULL and the note says why."""))
def marts_pmg_paired_change(context, duckdb: DuckDBResource) -> MaterializeResult:
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        pairs = conn.sql(f"SELECT * FROM ({PAIRS_SQL}) WHERE {year_filter(years)} "
                         "ORDER BY year, organisation, intervention, group_label, participant_id").pl()
        replace_with_frame(conn, PAIRED, frame_for(PAIRED, paired_rows(pairs)), years)
        return MaterializeResult(metadata=written_metadata(
            conn, PAIRED, preview_rows=25, order_by="year, organisation, intervention, group_label", years=years))


def unpaired_rows(grades: pl.DataFrame) -> list[dict]:
    """Interventions graded at both waves whose waves are not the same people."""
    rows = []
    for (year, org, intervention), sub in grades.group_by(["year", "organisation", "intervention"],
                                                          maintain_order=True):
        t0 = sub.filter(pl.col("wave") == "T0")
        t1 = sub.filter(pl.col("wave") == "T1")
        ids0, ids1 = set(t0["participant_id"]), set(t1["participant_id"])
        n_paired = len(ids0 & ids1)
        if not ids0 or not ids1 or ids0 == ids1:
            continue
        result = mann_whitney(t0["grade"].to_list(), t1["grade"].to_list())
        people = (f"T0 en T1 bevatten (deels) verschillende mensen: van de {t0.height} (T0) en "
                  f"{t1.height} (T1) deden er {n_paired} beide keren mee")
        if result["p_value"] is None:
            how = (f"geen toets, want de kleinste golf heeft minder dan {SMALL_N_MINIMUM} cijfers; "
                   f"Cliff's delta is alleen beschrijvend")
        else:
            method = ("exact (geen gelijke cijfers)" if result["method"] == "exact"
                      else "asymptotisch (normale benadering, gecorrigeerd voor gelijke cijfers)")
            how = f"Mann-Whitney U tweezijdig, {method}"
        overlap = ("; deze vergelijking behandelt de golven als onafhankelijk, wat bij overlap niet klopt: "
                   "voor wie beide keren meedeed is marts.pmg_paired_change de betere maat") if n_paired else ""
        rows.append({"year": year, "organisation": org, "intervention": intervention,
                     "n_t0": t0.height, "n_t1": t1.height, "n_paired": n_paired,
                     "mann_whitney_p": result["p_value"], "cliffs_delta": result["cliffs_delta"],
                     "note": f"{people}; {how}{overlap}."})
    rows.sort(key=lambda r: (r["year"], r["organisation"], r["intervention"]))
    return rows


@asset(**YEARLY, key=key(UNPAIRED), deps=[key(RESPONSES)], group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(UNPAIRED), description=describe(UNPAIRED, """
All T0 against all T1 grades of an intervention whose waves hold (partly) different people, as
the source report compared them: Mann-Whitney U (exact without ties, else asymptotic; stated in
the note) and Cliff's delta. No test when the smaller wave has fewer than 5 grades."""))
def marts_pmg_unpaired_change(context, duckdb: DuckDBResource) -> MaterializeResult:
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        grades = conn.sql(GRADES_SQL + f" AND {year_filter(years)} "
                          "ORDER BY year, organisation, intervention, wave, participant_id").pl()
        replace_with_frame(conn, UNPAIRED, frame_for(UNPAIRED, unpaired_rows(grades)), years)
        return MaterializeResult(metadata=written_metadata(
            conn, UNPAIRED, preview_rows=25, order_by="year, organisation, intervention", years=years))
