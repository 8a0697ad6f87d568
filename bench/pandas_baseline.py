"""The baseline: what an analyst would write without the pipeline, in plain pandas.

Reads the same exports (Qualtrics CSVs, MAXQDA coded segments, Microsoft Forms workbooks) and the
codebooks' label mappings, and computes the PMG and Terug in Balans marts: mental health and the
intervention grade per intervention and wave, response counts per group, theme mentions, and the
Terug in Balans shares, skills and factor ratings. No pseudonyms, no quarantine, no checks, no
transactions: only the numbers. Used by bench/run.py as the yardstick "ours / pandas".

    .venv/bin/python -m bench.pandas_baseline data/
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
import yaml

SPEAKER = r"^\s*([^:\n]{1,40}?)\s*:\s*"


def _codebooks(data_dir: Path, pattern: str):
    for path in sorted(data_dir.glob(pattern)):
        yield path.parent, yaml.safe_load(path.read_text(encoding="utf-8"))


def pmg_marts(data_dir: Path) -> dict[str, pd.DataFrame]:
    # --- questionnaire ---
    frames = []
    for folder, cb in _codebooks(data_dir, "pmg/*/codebook_questionnaire.yaml"):
        v = cb["variables"]
        cols = {cb["participant"]["column"]: "participant", v["organisation"]["column"]: "organisation",
                v["intervention"]["column"]: "intervention", v["group_label"]["column"]: "group_label",
                v["mental_health_grade"]["column"]: "mental_health_grade"}
        for f in cb["files"]:
            # Qualtrics: headings in row 1, question text and ImportId in rows 2-3
            df = pd.read_csv(folder / f["path"], skiprows=[1, 2], dtype=str, encoding="utf-8-sig")
            keep = dict(cols)
            if v["intervention_grade"]["column"] in df.columns:
                keep[v["intervention_grade"]["column"]] = "intervention_grade"
            df = df[list(keep)].rename(columns=keep)
            df["organisation"] = df["organisation"].map(v["organisation"]["labels"])
            df["year"], df["wave"] = cb["year"], f["constants"]["wave"]
            frames.append(df)
    q = pd.concat(frames, ignore_index=True)
    for col in ("mental_health_grade", "intervention_grade"):
        q[col] = pd.to_numeric(q[col].str.replace(",", ".", regex=False), errors="coerce")
    q = q.drop_duplicates(["year", "participant", "wave"])
    keys = ["year", "organisation", "intervention"]
    mental_health = (q.dropna(subset=["mental_health_grade"]).groupby(keys + ["wave"])
                     .agg(n=("participant", "nunique"), mean=("mental_health_grade", "mean"),
                          min=("mental_health_grade", "min"), max=("mental_health_grade", "max")).reset_index())
    rating = (q[q["wave"] == "T1"].dropna(subset=["intervention_grade"]).groupby(keys)
              .agg(n=("participant", "nunique"), mean=("intervention_grade", "mean"),
                   min=("intervention_grade", "min"), max=("intervention_grade", "max")).reset_index())

    # --- focus interviews ---
    frames = []
    for folder, cb in _codebooks(data_dir, "pmg/*/codebook_interviews.yaml"):
        docs = pd.DataFrame.from_dict(cb["documents"], orient="index").rename_axis("Document name").reset_index()
        themes = pd.DataFrame.from_dict(cb["themes"], orient="index").rename_axis("Code").reset_index()
        for f in cb["files"]:
            path = folder / f["path"]
            df = (pd.read_csv(path, dtype=str, encoding="utf-8-sig") if path.suffix == ".csv"
                  else pd.read_excel(path, sheet_name=f.get("sheet", 0), dtype=str))
            df = df[["Document name", "Code", "Segment"]]
            df["participant"] = df["Segment"].str.extract(SPEAKER, expand=False)
            df = df.merge(docs, on="Document name").merge(themes, on="Code")
            df["year"] = cb["year"]
            frames.append(df)
    s = pd.concat(frames, ignore_index=True)
    theme_mentions = (s.groupby(["year", "organisation", "intervention", "wave", "section", "igloo_level",
                                 "jdr_category", "theme"], dropna=False)
                      .agg(n_participants=("participant", "nunique"), n_groups=("Document name", "nunique"))
                      .reset_index())
    group = ["year", "organisation", "intervention", "group_label"]
    interview = s.groupby(group + ["wave"])["participant"].nunique().unstack("wave").add_prefix("n_")
    questionnaire = q.groupby(group + ["wave"])["participant"].nunique().unstack("wave").add_prefix("n_questionnaire_")
    counts = interview.join(questionnaire, how="outer").fillna(0).astype(int).reset_index()
    return {"pmg_mental_health": mental_health, "pmg_intervention_rating": rating,
            "pmg_theme_mentions": theme_mentions, "pmg_response_counts": counts}


def tib_marts(data_dir: Path) -> dict[str, pd.DataFrame]:
    frames = []
    for folder, cb in _codebooks(data_dir, "terug_in_balans/*/codebook_survey.yaml"):
        for f in cb["files"]:
            df = pd.read_excel(folder / f["path"], dtype=str)
            df["year"] = cb["year"]
            frames.append((cb, df))
    out: dict[str, list[pd.DataFrame]] = {"tib_return_to_work": [], "tib_relapse": [], "tib_skills": [],
                                          "tib_factor_ratings": []}
    for cb, df in frames:
        v = cb["variables"]
        # the year's respondents, as the marts count them: those who answered any question
        asked = df[[var["column"] for var in v.values()]]
        n = int((asked.notna() & (asked.apply(lambda c: c.str.strip()) != "")).any(axis=1).sum())
        for name, var in (("tib_return_to_work", "return_to_work"), ("tib_relapse", "relapse")):
            labels = {lab["label"]: lab["code"] for lab in v[var]["labels"]}
            share = df[v[var]["column"]].map(labels).value_counts().rename("n").reset_index()
            share["pct"] = 100 * share["n"] / share["n"].sum()  # of those who answered it, as the marts
            share["year"] = cb["year"]
            out[name].append(share)
        skills = []
        for var in ("skills_strengthened", "skills_still_applied"):
            chosen = df[v[var]["column"]].str.split(";").explode().str.strip()
            chosen = chosen[chosen.astype(bool) & chosen.notna()]
            skills.append(chosen.value_counts().rename(f"n_{var.removeprefix('skills_')}"))
        table = pd.concat(skills, axis=1).fillna(0)
        table["pct_strengthened"] = 100 * table["n_strengthened"] / n
        table["pct_still_applied"] = 100 * table["n_still_applied"] / n
        table["year"] = cb["year"]
        out["tib_skills"].append(table.rename_axis("skill").reset_index())
        scale = {lab["label"]: lab["number"] for lab in cb["scales"]["behulpzaamheid"]}
        for var in v.values():
            if var.get("role") == "factor":
                ratings = df[var["column"]].map(scale).value_counts().rename_axis("rating").rename("n").reset_index()
                ratings["pct"] = 100 * ratings["n"] / ratings["n"].sum()
                ratings["factor"], ratings["year"] = var["column"], cb["year"]
                out["tib_factor_ratings"].append(ratings)
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items() if v}


def compute_marts(data_dir: Path) -> dict[str, pd.DataFrame]:
    data_dir = Path(data_dir)
    return {**pmg_marts(data_dir), **tib_marts(data_dir)}


if __name__ == "__main__":
    started = time.perf_counter()
    marts = compute_marts(Path(sys.argv[1] if len(sys.argv) > 1 else "data"))
    for name, frame in marts.items():
        print(f"{name}: {len(frame)} rows")
    print(f"{time.perf_counter() - started:.1f} s")
