"""The many-groups-at-once statistics (paired_change_groups, mann_whitney_groups and the PMG
marts built on them) against the straightforward per-group functions they replace: on random
groups with ties, zeros, continuous values, n = 0, 1, 2 and both sides of every threshold."""

import math

import duckdb
import numpy as np
import polars as pl
import pytest

from assets.pmg.staging import RESPONSES
from assets.pmg.statistics import (ALL_GROUPS, PAIRED, UNPAIRED, load_grade_counts, load_pair_counts, paired_frame,
                                   unpaired_frame)
from assets.statistics import (
    EXACT_WILCOXON_MAX_N,
    hodges_lehmann,
    hodges_lehmann_of_counts,
    mann_whitney,
    mann_whitney_groups,
    paired_change,
    paired_change_groups,
    walsh_of_counts,
    weighted_medians,
    wilcoxon_exact_p,
)
from assets.tables import frame_for


def same(fast, reference, where) -> None:
    """Equal values: floats to 1e-12 (the means may differ in the last bits where summation
    order matters), everything else exactly, None only where the reference has None."""
    if isinstance(reference, float):
        assert isinstance(fast, float) and fast == pytest.approx(reference, rel=1e-12, abs=1e-12), where
    else:
        assert fast == reference, where


def grades(rng: np.random.Generator, n: int, kind: int) -> list[float]:
    """Grades as the questionnaires give them (whole or half points, many ties), or continuous
    values without ties, or values from a narrow range (many zero differences)."""
    if kind == 0:
        return [float(x) for x in rng.integers(1, 11, size=n)]
    if kind == 1:
        return [float(x) / 2 for x in rng.integers(2, 21, size=n)]
    if kind == 2:
        return [float(x) for x in np.round(rng.normal(6.5, 1.5, size=n), 6)]
    return [float(x) for x in rng.integers(6, 8, size=n)]


def random_pairs(rng: np.random.Generator) -> list[tuple[list[float], list[float]]]:
    """Groups of pairs: tiny ones, both sides of 'p possible at all' (5 or 6 changed) and of the
    exact bound (50 or 51 changed), all unchanged, and a few large ones."""
    out = []
    for n in [1, 2, 3, 5, 6, 7, 9, 10, 12, 20, 30, 120, 250] + [int(x) for x in rng.integers(1, 40, size=60)]:
        kind = int(rng.integers(4))
        t0 = grades(rng, n, kind)
        out.append((t0, grades(rng, n, kind) if rng.random() < 0.8 else [x + 0.5 for x in t0]))
    same_grades = [7.0, 6.5, 8.0]
    out.append((same_grades, list(same_grades)))                     # nobody changed
    for changed in (5, 6, EXACT_WILCOXON_MAX_N, EXACT_WILCOXON_MAX_N + 1):
        for kind in (0, 2):
            t0 = grades(rng, changed + 7, kind)
            moved = [x + float(rng.choice([-1.5, -0.5, 0.5, 1, 2])) for x in t0[:changed]]
            out.append((t0, moved + t0[changed:]))                   # `changed` non-zero, 7 zero
    return out


def test_paired_change_groups_equals_paired_change_per_group():
    rng = np.random.default_rng(2024)
    groups = random_pairs(rng)
    frame = pl.DataFrame({"gid": [g for g, (t0, _) in enumerate(groups) for _ in t0],
                          "t0": [x for t0, _ in groups for x in t0],
                          "t1": [x for _, t1 in groups for x in t1]})
    fast = paired_change_groups(frame.sample(fraction=1.0, shuffle=True, seed=1)).to_dicts()
    assert [r["gid"] for r in fast] == list(range(len(groups)))
    tests = set()
    for (t0, t1), row in zip(groups, fast):
        reference = paired_change(t0, t1)
        assert set(row) - {"gid"} == set(reference)
        for column, value in reference.items():
            same(row[column], value, (column, t0, t1))
        tests.add(reference["test"])
    assert len(tests) == 3   # no test, exact and normal approximation all compared


def test_mann_whitney_groups_equals_mann_whitney_per_group():
    rng = np.random.default_rng(99)
    sizes = [(0, 3), (3, 0), (1, 1), (4, 9), (5, 5), (5, 4), (6, 8), (30, 25), (120, 200)]
    sizes += [tuple(int(x) for x in rng.integers(0, 40, size=2)) for _ in range(60)]
    groups = []
    for n0, n1 in sizes:
        kind = int(rng.integers(4))
        groups.append((grades(rng, n0, kind), grades(rng, n1, kind)))
    frame = pl.DataFrame({"gid": [g for g, (t0, t1) in enumerate(groups) for _ in [*t0, *t1]],
                          "t1": [w for t0, t1 in groups for w in [False] * len(t0) + [True] * len(t1)],
                          "value": [x for t0, t1 in groups for x in [*t0, *t1]]})
    fast = mann_whitney_groups(frame.sample(fraction=1.0, shuffle=True, seed=2)).to_dicts()
    methods = set()
    for g, ((t0, t1), row) in enumerate(zip(groups, fast)):
        reference = mann_whitney(t0, t1)
        assert (row["gid"], row["n_t0"], row["n_t1"]) == (g, len(t0), len(t1))
        for column, value in reference.items():
            same(row[column], value, (column, t0, t1))
        methods.add(reference["method"])
    assert methods == {None, "exact", "asymptotic"}


def test_counted_rows_give_what_their_single_rows_give():
    """The marts pass how many share each value (n) instead of a row per person."""
    rng = np.random.default_rng(7)
    gid = np.repeat(np.arange(30), rng.integers(1, 80, size=30))
    pairs = pl.DataFrame({"gid": gid, "t0": rng.integers(2, 21, size=gid.size) / 2,
                          "t1": rng.integers(2, 21, size=gid.size) / 2})
    counted = pairs.group_by("gid", "t0", "t1").agg(n=pl.len())
    assert counted.height < pairs.height
    assert paired_change_groups(counted).equals(paired_change_groups(pairs))
    values = pl.DataFrame({"gid": gid, "t1": rng.random(gid.size) < 0.5, "value": rng.integers(1, 11, size=gid.size) * 1.0})
    counted = values.group_by("gid", "t1", "value").agg(n=pl.len())
    assert mann_whitney_groups(counted).equals(mann_whitney_groups(values))


def test_weighted_medians_equal_numpy_median():
    rng = np.random.default_rng(5)
    gid, values, weights, expected = [], [], [], []
    for g in range(300):
        k = int(rng.integers(1, 12))
        v = rng.choice([-1.0, 0.0, 0.25, 0.5, 2.0, 3.75], size=k) if g % 2 else rng.normal(size=k)
        w = rng.integers(1, 5, size=k)
        gid += [g] * k
        values += list(v)
        weights += list(w)
        expected.append(np.median(np.repeat(v, w)))
    order = rng.permutation(len(gid))   # the rows need not be sorted
    got = weighted_medians(np.array(gid)[order], np.array(values)[order], np.array(weights)[order], 300)
    assert got.tolist() == expected


def test_walsh_averages_from_counts_give_hodges_lehmann():
    rng = np.random.default_rng(8)
    for n in (1, 2, 3, 10, 57):
        for d in (rng.normal(size=n), rng.integers(-3, 4, size=n).astype(float)):
            values, counts = np.unique(d, return_counts=True)
            walsh = walsh_of_counts(np.zeros(values.size, dtype=np.int64), values, counts)
            assert walsh[2].sum() == n * (n + 1) // 2
            assert weighted_medians(*walsh, 1)[0] == hodges_lehmann(list(d))


def test_hodges_lehmann_in_batches_equals_all_at_once():
    rng = np.random.default_rng(17)
    gid = np.repeat(np.arange(40), rng.integers(1, 30, size=40))
    d = np.where(gid % 2 == 0, rng.integers(-4, 5, size=gid.size) / 2, rng.normal(size=gid.size))
    counts = pl.DataFrame({"gid": gid, "d": d}).group_by("gid", "d").agg(c=pl.len().cast(pl.Int64)).sort("gid", "d")
    gid, d, c = (counts[k].to_numpy() for k in ("gid", "d", "c"))
    at_once = weighted_medians(*walsh_of_counts(gid, d, c), 40)
    for budget in (1, 50, 400, 10**9):   # 1: one group per batch, 10**9: one batch
        assert hodges_lehmann_of_counts(gid, d, c, 40, budget=budget).tolist() == at_once.tolist()


def test_exact_wilcoxon_from_runs_at_the_bound():
    """The exact p read from runs of equal |d| equals the one ranked from the differences, up to
    50 changed; at 51 the normal approximation takes over in both."""
    rng = np.random.default_rng(13)
    for m in (6, 23, EXACT_WILCOXON_MAX_N, EXACT_WILCOXON_MAX_N + 1):
        d = [float(x) for x in rng.choice([-2, -1, -0.5, 0.5, 1, 3], size=m)] + [0.0] * 4
        one_group = pl.DataFrame({"gid": [0] * len(d), "t0": [0.0] * len(d), "t1": d})
        row = paired_change_groups(one_group).row(0, named=True)
        if m <= EXACT_WILCOXON_MAX_N:
            assert row["p_value"] == wilcoxon_exact_p(d) and "exacte permutatie" in row["test"]
        else:
            assert row["p_value"] == paired_change([0.0] * len(d), d)["p_value"] and "normale" in row["test"]


# --- the marts: the fast frames against the per-group loops they replaced -------------------

def paired_rows_per_group(pairs: pl.DataFrame) -> list[dict]:
    """The mart as it was computed before: paired_change group by group."""
    rows = []
    for (year, org, intervention), sub in pairs.group_by(["year", "organisation", "intervention"],
                                                          maintain_order=True):
        groups = [(ALL_GROUPS, sub, True)] + [(g, s, False) for (g,), s in sub.group_by(["group_label"],
                                                                                      maintain_order=True)]
        for group_label, s, total in groups:
            rows.append({"year": year, "organisation": org, "intervention": intervention, "group_label": group_label,
                         **paired_change(s["grade_t0"].to_list(), s["grade_t1"].to_list()), "is_total": total})
    rows.sort(key=lambda r: (r["year"], r["organisation"], r["intervention"], r["group_label"]))
    return rows


def unpaired_rows_per_group(grades: pl.DataFrame) -> list[dict]:
    """The mart as it was computed before (the note is checked separately): mann_whitney group by group."""
    rows = []
    for (year, org, intervention), sub in grades.group_by(["year", "organisation", "intervention"],
                                                          maintain_order=True):
        t0, t1 = sub.filter(pl.col("wave") == "T0"), sub.filter(pl.col("wave") == "T1")
        ids0, ids1 = set(t0["participant_id"]), set(t1["participant_id"])
        if not ids0 or not ids1 or ids0 == ids1:
            continue
        result = mann_whitney(t0["grade"].to_list(), t1["grade"].to_list())
        # The test needs independent samples: none where anyone is in both waves.
        independent = not ids0 & ids1
        rows.append({"year": year, "organisation": org, "intervention": intervention, "n_t0": t0.height,
                     "n_t1": t1.height, "n_paired": len(ids0 & ids1),
                     "mann_whitney_p": result["p_value"] if independent else None,
                     "cliffs_delta": result["cliffs_delta"], "method": result["method"] if independent else None})
    rows.sort(key=lambda r: (r["year"], r["organisation"], r["intervention"]))
    return rows


INTERVENTIONS = ["Andere mensen", "Coaching", "Training Emoties", "Workshop", "Yoga", "Zelfde mensen"]


def random_responses(rng: np.random.Generator) -> pl.DataFrame:
    """Grades at T0 and T1 of a few organisations' interventions: groups whose labels sort before
    and after '(alle groepen)', interventions with one group, with one wave only, and with the same
    people at both waves or nobody twice. Most people come back at T1; of the rest every third
    is replaced by someone new."""
    rows = []
    for year in (2023, 2024):
        for org in ("Gemeente Groningen", "UMCG"):
            for i, intervention in enumerate(INTERVENTIONS):
                labels = ["#1 vooraf", "Engelstalig", "Nederlandstalig"][: 1 + (i + year) % 3]
                people = int(rng.integers(1, 70 if intervention != "Workshop" else 8))
                kind = int(rng.integers(4))
                for p in range(people):
                    row = {"year": year, "organisation": org, "intervention": intervention,
                           "group_label": labels[int(rng.integers(len(labels)))]}
                    rows.append({**row, "participant_id": f"{org[0]}{i}-{p}", "wave": "T0",
                                 "grade": grades(rng, 1, kind)[0]})
                    if intervention == "Workshop" and org == "UMCG":
                        continue   # nobody graded at T1
                    back = intervention == "Zelfde mensen" or (intervention != "Andere mensen" and rng.random() < 0.7)
                    if back or p % 3 == 0:
                        rows.append({**row, "participant_id": f"{org[0]}{i}-{p}" if back else f"new-{org[0]}{i}-{p}",
                                     "wave": "T1", "grade": grades(rng, 1, kind)[0]})
    return pl.DataFrame(rows).sample(fraction=1.0, shuffle=True, seed=3)


def warehouse_of(responses: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse whose staged responses are these grades."""
    conn = duckdb.connect()
    conn.execute(f"CREATE SCHEMA {RESPONSES.split('.')[0]}")
    staged = responses.rename({"grade": "mental_health_grade"})
    conn.execute(f"CREATE TABLE {RESPONSES} AS SELECT * FROM staged")
    return conn


def pairs_of(responses: pl.DataFrame) -> pl.DataFrame:
    """In Polars: a participant's T0 and T1 grade within an intervention."""
    keys = ["year", "participant_id", "organisation", "intervention"]
    t0 = responses.filter(pl.col("wave") == "T0").select(*keys, "group_label", grade_t0="grade")
    t1 = responses.filter(pl.col("wave") == "T1").select(*keys, grade_t1="grade")
    return (t0.join(t1, on=keys)
            .select("year", "organisation", "intervention", "group_label", "participant_id", "grade_t0", "grade_t1"))


def test_paired_frame_equals_the_per_group_loop():
    responses = random_responses(np.random.default_rng(21))
    pairs = pairs_of(responses)
    sql_order = pairs.sort("year", "organisation", "intervention", "group_label", "participant_id")
    expected = frame_for(PAIRED, paired_rows_per_group(sql_order))
    counted = load_pair_counts(warehouse_of(responses), None)
    assert counted["n"].sum() == pairs.height and counted.height < pairs.height   # pairs share grades
    got = paired_frame(counted.sample(fraction=1.0, shuffle=True, seed=4))   # any row order in, the mart's order out
    assert got.schema == expected.schema and got.height == expected.height > 40
    assert ALL_GROUPS in got["group_label"] and "#1 vooraf" in got["group_label"]
    for fast, reference in zip(got.iter_rows(named=True), expected.iter_rows(named=True)):
        for column, value in reference.items():
            same(fast[column], value, (column, reference))


def test_unpaired_frame_equals_the_per_group_loop():
    grades_ = random_responses(np.random.default_rng(34))
    sql_order = grades_.sort("year", "organisation", "intervention", "wave", "participant_id")
    expected = unpaired_rows_per_group(sql_order)
    counts, people = load_grade_counts(warehouse_of(grades_), None)
    got = unpaired_frame(counts.sample(fraction=1.0, shuffle=True, seed=5), people)
    assert got.schema == frame_for(UNPAIRED, []).schema
    assert got.height == len(expected) > 5
    assert {r["method"] for r in expected} == {None, "exact", "asymptotic"}
    assert {r["mann_whitney_p"] is None for r in expected if r["n_paired"]} == {True}
    assert {r["n_paired"] == 0 for r in expected} == {True, False}
    assert "Zelfde mensen" not in got["intervention"]          # the same people at both waves
    assert not any(r["intervention"] == "Workshop" and r["organisation"] == "UMCG" for r in expected)  # T0 only
    for fast, reference in zip(got.iter_rows(named=True), expected):
        for column, value in reference.items():
            if column != "method":
                same(fast[column], value, (column, reference))
        assert ("geen toets" in fast["note"]) == (reference["method"] is None)
        assert ("asymptotisch" in fast["note"]) == (reference["method"] == "asymptotic")
        # the method a p was computed by, for analysts and the English report; none without a p
        assert fast["mann_whitney_method"] == (reference["method"] if fast["mann_whitney_p"] is not None else None)
        assert ("beide keren meedeed" in fast["note"]) == (reference["n_paired"] > 0)
        assert ("onafhankelijke groepen" in fast["note"]) == (reference["n_paired"] > 0)


def test_no_rows_in_no_rows_out():
    conn = warehouse_of(random_responses(np.random.default_rng(1)).head(0))
    assert paired_frame(load_pair_counts(conn, None)).schema == frame_for(PAIRED, []).schema
    assert paired_frame(load_pair_counts(conn, None)).height == 0
    assert unpaired_frame(*load_grade_counts(conn, None)).height == 0
    assert unpaired_frame(*load_grade_counts(conn, [2023])).schema == frame_for(UNPAIRED, []).schema


def test_half_grades_give_the_same_numbers_to_the_bit():
    """With whole and half grades every sum is exact, so the fast path is not merely close."""
    rng = np.random.default_rng(55)
    t0 = [float(x) / 2 for x in rng.integers(2, 21, size=300)]
    t1 = [float(x) / 2 for x in rng.integers(2, 21, size=300)]
    row = paired_change_groups(pl.DataFrame({"gid": [0] * 300, "t0": t0, "t1": t1})).row(0, named=True)
    reference = paired_change(t0, t1)
    assert all(row[k] == v for k, v in reference.items()), (row, reference)
    assert not math.isnan(row["p_value"])


def test_no_mann_whitney_where_one_person_is_in_both_waves():
    from assets.pmg.statistics import unpaired_frame

    key = {"year": 2023, "organisation": "UMCG", "intervention": "X"}
    grade_counts = pl.DataFrame([{**key, "t1": wave, "grade": float(g), "n": 1}
                                 for wave, grades in ((False, range(1, 7)), (True, range(11, 17))) for g in grades])
    people = pl.DataFrame([{**key, "at_t0": 6, "at_t1": 6, "anyone": 11}])   # one person at both waves
    [row] = unpaired_frame(grade_counts, people).to_dicts()
    assert row["n_paired"] == 1
    assert row["mann_whitney_p"] is None and "onafhankelijke groepen" in row["note"]


def test_an_intervention_without_an_organisation_keeps_its_unpaired_row():
    """DuckDB groups a missing organisation as a group of its own; so must the join of its counts."""
    from assets.pmg.statistics import unpaired_frame

    key = {"year": 2023, "organisation": None, "intervention": "X"}
    grade_counts = pl.DataFrame([{**key, "t1": wave, "grade": float(g), "n": 1}
                                 for wave, grades in ((False, range(1, 7)), (True, range(11, 17))) for g in grades])
    people = pl.DataFrame([{**key, "at_t0": 6, "at_t1": 6, "anyone": 12}])
    [row] = unpaired_frame(grade_counts, people).to_dicts()
    assert (row["organisation"], row["n_t0"], row["n_t1"], row["n_paired"]) == (None, 6, 6, 0)


def test_the_english_unpaired_note_of_a_row_without_its_method_names_no_method():
    """A row an older version wrote has a p but no mann_whitney_method: the English report said
    "no test" beside the p it printed."""
    from assets.pmg.report import _unpaired_note

    row = {"n_t0": 8, "n_t1": 7, "n_paired": 0, "mann_whitney_p": 0.4, "mann_whitney_method": None, "note": "nl"}
    assert _unpaired_note(row, "en").endswith("took part both times; two-sided Mann-Whitney U.")
    assert _unpaired_note(row | {"mann_whitney_method": "exact"}, "en").endswith(
        "two-sided Mann-Whitney U, exact (permutation distribution, tied grades included).")
    assert "no test, as the smaller wave" in _unpaired_note(row | {"mann_whitney_p": None}, "en")
    assert _unpaired_note(row, "nl") == "nl"


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_a_pair_without_a_grade_is_refused_not_counted_as_unchanged(missing):
    """Counted in n_pairs and as unchanged (a null) or as higher (NaN), it moved every figure."""
    pairs = pl.DataFrame({"gid": [0] * 8, "t0": [5.0, 6, 7, 5, 6, 7, 8, 4], "t1": [6.0, 7, 8, 6, 7, 8, 9, missing]})
    with pytest.raises(ValueError, match="1 pair\\(s\\) without a grade at T0 or T1"):
        paired_change_groups(pairs)
