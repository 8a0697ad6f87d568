"""The warehouse's marts against the pandas script's (bench/pandas_baseline.py), row by row.

The bench times both; this says whether they computed the same numbers. The synthetic exports
have no row the pipeline would quarantine, so every mart row of the script's years must be there,
with the same counts, and means and shares equal to 1e-9.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

# mart: (its key columns, the value columns compared, the pandas frame's column names -> ours)
MARTS = {
    "pmg_mental_health": (["year", "organisation", "intervention", "wave"], ["n", "mean", "min", "max"], {}),
    "pmg_intervention_rating": (["year", "organisation", "intervention"], ["n", "mean", "min", "max"], {}),
    "pmg_theme_mentions": (["year", "organisation", "intervention", "wave", "section", "igloo_level", "jdr_category",
                            "theme"], ["n_participants", "n_groups"], {}),
    "pmg_response_counts": (["year", "organisation", "intervention", "group_label"],
                            ["n_t0", "n_t1", "n_questionnaire_t0", "n_questionnaire_t1"],
                            {"n_T0": "n_t0", "n_T1": "n_t1", "n_questionnaire_T0": "n_questionnaire_t0",
                             "n_questionnaire_T1": "n_questionnaire_t1"}),
    "tib_return_to_work": (["year", "outcome"], ["n", "pct"], {0: "outcome"}),
    "tib_relapse": (["year", "answer"], ["n", "pct"], {0: "answer"}),
    "tib_skills": (["year", "skill"], ["n_strengthened", "n_still_applied", "pct_strengthened", "pct_still_applied"],
                   {}),
    "tib_factor_ratings": (["year", "factor", "rating"], ["n", "pct"], {}),
}
MISSING_KEY = "\0"  # NULL keys (jdr_category outside Diagnose) join as equal


def _same(ours: pd.Series, theirs: pd.Series) -> pd.Series:
    a, b = ours.astype(float), theirs.astype(float)
    return ((a - b).abs() <= 1e-9) | (a.isna() & b.isna())


def compare(warehouse: Path, marts: dict[str, pd.DataFrame]) -> dict[str, dict[str, int]]:
    """{mart: rows compared, differing, missing from the warehouse, in the warehouse only} over the
    years the pandas frames hold (the warehouse may hold a later one: the bench's new year)."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for name, (keys, values, renames) in MARTS.items():
            if name not in marts or marts[name].empty:
                continue
            theirs = marts[name].rename(columns={(marts[name].columns[k] if isinstance(k, int) else k): v
                                                 for k, v in renames.items()})
            years = sorted(int(y) for y in theirs["year"].unique())
            ours = conn.sql(f"SELECT {', '.join(keys + values)} FROM marts.{name} "
                            f"WHERE year IN ({', '.join(map(str, years))})").df()
            for frame in (ours, theirs):
                for k in keys:
                    frame[k] = frame[k].astype(str).where(frame[k].notna(), MISSING_KEY) if k != "year" \
                        else frame[k].astype(int)
                    if k == "rating":  # 4 here, 4.0 in pandas; a scale point without a number is NULL
                        frame[k] = frame[k].map(lambda r: r if r == MISSING_KEY else str(int(float(r))))
            joined = ours.merge(theirs[keys + values], on=keys, how="outer", suffixes=("", "_pandas"),
                                indicator=True)
            both = joined[joined["_merge"] == "both"]
            same = pd.Series(True, index=both.index)
            for v in values:
                same &= _same(both[v], both[f"{v}_pandas"])
            # the marts list every answer and scale point, also one nobody gave: the script has no such row
            only_ours = joined[joined["_merge"] == "left_only"]
            counted = (only_ours[[v for v in values if v.startswith("n")]].fillna(0) != 0).any(axis=1)
            out[name] = {"compared": len(both), "differ": int((~same).sum()),
                         "missing": int((joined["_merge"] == "right_only").sum()), "extra": int(counted.sum())}
    return out
