"""Statistics beyond the source reports: hand-computed values, then the marts of a full run."""

import numpy as np
import pytest
from scipy import stats

from assets.statistics import (
    NO_TEST,
    cliffs_delta,
    competition_rank,
    hodges_lehmann,
    mann_whitney,
    mcnemar_exact,
    paired_change,
    rank_biserial_paired,
    rating_summary,
    small_n_flag,
    smallest_wilcoxon_p,
    walsh_averages,
    wilcoxon_test,
    wilson_interval_pct,
)

# --- unit: pure functions against hand-computed values ---------------------------------------


def test_walsh_averages_and_hodges_lehmann():
    assert sorted(walsh_averages([1, 2, 3])) == [1, 1.5, 2, 2, 2.5, 3]
    assert hodges_lehmann([1, 2, 3]) == 2
    assert hodges_lehmann([4]) == 4
    assert hodges_lehmann([]) is None
    # Walsh averages of [0, 1, 10]: 0, .5, 5, 1, 5.5, 10 -> median (1 + 5) / 2
    assert hodges_lehmann([0, 1, 10]) == 3


def test_rank_biserial():
    assert rank_biserial_paired([1, 2, 3]) == 1
    assert rank_biserial_paired([-1, -2]) == -1
    # |d| = 1, 2.5, 0.5, 1 -> ranks 2.5, 4, 1, 2.5; zeros dropped: R+ = 9, R- = 1
    assert rank_biserial_paired([0, 1, 2.5, -0.5, 1, 0]) == pytest.approx(0.8)
    assert rank_biserial_paired([0, 0]) is None


def test_small_n_flag():
    assert [small_n_flag(n) for n in (0, 4, 5, 9, 10, 30)] == ["te klein", "te klein", "indicatief",
                                                               "indicatief", None, None]


def test_wilcoxon_runs_only_where_significance_is_possible():
    six = wilcoxon_test([1, 2, 3, 4, 5, 6])   # all signs positive: p = 2 / 2^6
    assert six["p_value"] == pytest.approx(2 / 64)
    assert "exacte permutatie" in six["test"]
    five = wilcoxon_test([1, 2, 3, 4, 5])      # smallest possible p = 2 / 32 = 0.0625
    assert five["p_value"] is None and five["test"] == NO_TEST
    assert "0,0625" in five["note"]
    # seven pairs, three unchanged: four differences left, smallest possible p = 0.125
    zeros = wilcoxon_test([0, 0, 1, 0, 2.5, -0.5, 1])
    assert zeros["p_value"] is None and "3 gelijk gebleven" in zeros["note"] and "0,125" in zeros["note"]
    assert wilcoxon_test([0, 0, 0])["note"] == "Geen toets: geen van de 3 paren veranderde."


def test_wilcoxon_of_a_group_of_thousands_of_pairs():
    # 2 / 2**m as a float overflowed above 1,023 pairs, which a year of 10M responses has.
    assert smallest_wilcoxon_p(1_023) == pytest.approx(2 / 2 ** 1_023)
    assert smallest_wilcoxon_p(5_000) == 0.0
    d = [0.5 + (i % 7) / 10 if i % 5 else -0.25 for i in range(3_000)]
    big = wilcoxon_test(d)
    assert big["p_value"] is not None and big["p_value"] < 1e-6


def test_wilcoxon_with_ties_and_a_negative_difference():
    # |d| = 1..6 with one negative at rank 1: R- = 1; sign patterns with R- <= 1 or R+ <= 1: 4 of 64
    assert wilcoxon_test([-1, 2, 3, 4, 5, 6])["p_value"] == pytest.approx(4 / 64)


def test_paired_change_row():
    row = paired_change([6, 7, 5], [7, 9, 5])
    assert row["n_pairs"] == 3
    assert row["mean_t0"] == 6 and row["mean_t1"] == 7
    assert row["mean_difference"] == 1 and row["median_difference"] == 1
    assert row["hodges_lehmann"] == 1            # Walsh averages of [1, 2, 0]: 1, 1.5, .5, 2, 1, 0
    assert row["rank_biserial"] == 1
    assert row["p_value"] is None and row["small_n_flag"] == "te klein"
    with pytest.raises(ValueError):
        paired_change([1, 2], [1])


def test_cliffs_delta():
    assert cliffs_delta([1, 2], [3, 4]) == 1
    assert cliffs_delta([3, 4], [1, 2]) == -1
    assert cliffs_delta([1, 2, 3], [2]) == 0
    assert cliffs_delta([1, 2], [2, 3]) == pytest.approx((3 - 0) / 4)   # 2>1, 3>1, 3>2; 2=2
    assert cliffs_delta([], [1]) is None


def _brute_force_p(t0, t1) -> float:
    """Two-sided p of Mann-Whitney's rank sum over every way to choose which values are T1."""
    from itertools import combinations

    from scipy.stats import rankdata

    ranks = rankdata([*t1, *t0])
    observed = ranks[:len(t1)].sum()
    sums = [sum(ranks[i] for i in chosen) for chosen in combinations(range(len(ranks)), len(t1))]
    low = sum(x <= observed + 1e-9 for x in sums) / len(sums)
    high = sum(x >= observed - 1e-9 for x in sums) / len(sums)
    return min(1.0, 2 * min(low, high))


def test_mann_whitney_exact_p_with_ties_equals_counting_every_assignment():
    rng = np.random.default_rng(5)
    for _ in range(300):
        n0, n1 = (int(x) for x in rng.integers(5, 8, size=2))
        t0, t1 = (list(rng.integers(1, int(rng.integers(2, 8)), size=k) / 2) for k in (n0, n1))
        assert mann_whitney(t0, t1)["p_value"] == pytest.approx(_brute_force_p(t0, t1), abs=1e-12), (t0, t1)
    # without ties, scipy's exact distribution of U
    t0, t1 = [1.5, 3, 4.25, 7, 9, 10.5], [2, 5, 6, 8, 11, 12, 13]
    assert mann_whitney(t0, t1)["p_value"] == pytest.approx(
        stats.mannwhitneyu(t1, t0, alternative="two-sided", method="exact").pvalue)


def test_mann_whitney():
    separated = mann_whitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
    assert separated["method"] == "exact"
    assert separated["p_value"] == pytest.approx(2 / 252)     # 2 / C(10, 5)
    assert separated["cliffs_delta"] == 1
    tied = mann_whitney([1, 2, 3, 4, 5], [5, 6, 7, 8, 9])
    assert tied["method"] == "exact" and tied["p_value"] == pytest.approx(_brute_force_p([1, 2, 3, 4, 5], [5, 6, 7, 8, 9]))
    # Grades tie in nearly every group: the normal approximation said 0.037 here, the exact p is 0.054.
    grades = mann_whitney([8, 8, 8, 6, 7, 7, 6], [8, 8, 9, 8, 7, 9, 9])
    assert grades["method"] == "exact" and round(grades["p_value"], 3) == 0.054
    large = mann_whitney([1.0] * 30 + [2.0] * 21, [2.0] * 25 + [3.0] * 26)  # above 50 values: approximated
    assert large["method"] == "asymptotic"
    small = mann_whitney([1, 2, 3, 4], [5, 6, 7, 8, 9, 10])
    assert small["p_value"] is None and small["method"] is None and small["cliffs_delta"] == 1


def test_wilson_interval():
    low, high = wilson_interval_pct(24, 30)
    assert low == pytest.approx(62.69, abs=0.01) and high == pytest.approx(90.49, abs=0.01)
    low, high = wilson_interval_pct(0, 30)
    assert low == 0 and high == pytest.approx(11.35, abs=0.01)


def test_mcnemar_exact():
    assert mcnemar_exact(3, 0) == pytest.approx(0.25)   # 2 * 0.5^3
    assert mcnemar_exact(0, 3) == pytest.approx(0.25)
    assert mcnemar_exact(1, 0) == 1
    assert mcnemar_exact(0, 0) is None


def test_rating_summary_and_rank():
    s = rating_summary({1: 0, 2: 1, 3: 1, 4: 1, 5: 1})
    assert s == {"n_respondents": 4, "median_rating": 3.5, "pct_top": 50.0}
    assert rating_summary({4: 0})["median_rating"] is None
    assert competition_rank([90, 80, 80, 70]) == [1, 2, 2, 4]


# --- end to end: the marts of the full run on the bundled sample ------------------------------

def _rows(warehouse, sql: str) -> list[dict]:
    return warehouse.sql(sql).pl().to_dicts()


def _paired(warehouse) -> dict:
    rows = _rows(warehouse, "SELECT * FROM marts.pmg_paired_change WHERE year = 2023")
    return {(r["intervention"], r["group_label"]): r for r in rows}


def test_wilcoxon_note_in_dutch_singular_and_plural():
    from assets.statistics import wilcoxon_wording

    assert wilcoxon_wording(2, 1)[1] == ("Geen toets: 1 van de 2 paren veranderde, 1 gelijk gebleven (die tellen niet "
                                         "mee); met 1 verschil is de kleinste mogelijke tweezijdige p 2/2¹ = 1, "
                                         "nooit onder 0,05.")
    assert wilcoxon_wording(1, 0)[1] == "Geen toets: het ene paar veranderde niet."
    assert wilcoxon_wording(3, 0)[1] == "Geen toets: geen van de 3 paren veranderde."
    assert "3 van de 7 paren veranderden" in wilcoxon_wording(7, 3)[1]
    assert wilcoxon_wording(30, 30)[1] == "Tweezijdig; 30 van de 30 paren veranderden."
    assert wilcoxon_wording(1, 1)[1].startswith("Geen toets: het ene paar veranderde; met 1 verschil")


def test_the_change_table_names_each_rows_wilcoxon_method_in_a_word_and_the_note_says_what_it_means():
    from assets.pmg.report import _test_note, _test_text
    from assets.reporting.editions import Edition
    from assets.statistics import WILCOXON_TESTS

    exact, approximate = ({"p_value": 0.01, "test": WILCOXON_TESTS[m]} for m in ("exact", "asymptotic"))
    untested = {"p_value": None, "test": None}
    nl, en = Edition(True, 5, "nl"), Edition(True, 5, "en")
    assert [_test_text(r, nl) for r in (exact, approximate, untested)] == ["exact", "benaderd", "geen"]
    assert [_test_text(r, en) for r in (exact, approximate, untested)] == ["exact", "approximate", "none"]
    assert _test_note([exact, untested], nl) == (
        "Toets: de Wilcoxon-rangtekentoets, tweezijdig; exact: p uit de exacte verdeling (alle tekenpatronen); "
        "geen: met 5 of minder veranderde paren is p < 0,05 onmogelijk.")
    assert _test_note([approximate], en) == (
        "Test: the Wilcoxon signed-rank test, two-sided; approximate: p from the normal approximation.")
    # a row whose test a version wrote without its method: its words, in Dutch; the general name in English
    old = {"p_value": 0.01, "test": "Wilcoxon"}
    assert (_test_text(old, nl), _test_text(old, en)) == ("Wilcoxon", "Wilcoxon signed-rank test, two-sided")
    assert _test_note([old], nl) == "Toets: de Wilcoxon-rangtekentoets, tweezijdig."
    # and one that wrote no test at all: the general name, never "None"
    unnamed = {"p_value": 0.01, "test": None}
    assert (_test_text(unnamed, nl), _test_text(unnamed, en)) == ("Wilcoxon-rangtekentoets, tweezijdig",
                                                                  "Wilcoxon signed-rank test, two-sided")


def test_pmg_paired_change(warehouse):
    paired = _paired(warehouse)
    rug = paired[("Training Emoties", "(alle groepen)")]
    assert rug["n_pairs"] == 7 and rug["small_n_flag"] == "indicatief"
    assert rug["mean_t0"] == pytest.approx(47 / 7) and rug["mean_t1"] == pytest.approx(51 / 7)
    assert rug["median_difference"] == 0 and rug["hodges_lehmann"] == pytest.approx(0.5)
    assert rug["rank_biserial"] == pytest.approx(0.8)
    # Three of the seven did not change: four differences cannot give p < 0.05 (smallest 2/16).
    assert rug["p_value"] is None and rug["test"] == NO_TEST
    assert "3 gelijk gebleven" in rug["note"] and "0,125" in rug["note"]
    assert paired[("Training Emoties", "Training Emoties Engelstalig")]["n_pairs"] == 4
    assert paired[("Training Emoties", "Training Emoties Nederlandstalig")]["n_pairs"] == 3

    gg = paired[("Teamcoaching hybride werken", "(alle groepen)")]
    assert gg["n_pairs"] == 2 and gg["p_value"] is None and gg["test"] == NO_TEST
    assert gg["mean_difference"] == -4 and gg["small_n_flag"] == "te klein"
    assert gg["note"].startswith("Geen toets") and "nooit onder 0,05" in gg["note"]

    cold = paired[("Cold shower challenge", "(alle groepen)")]
    assert cold["n_pairs"] == 2 and cold["mean_difference"] == pytest.approx(-0.25)
    assert not any(i == "Workshop Positieve Gezondheid" for i, _ in paired)   # nobody at T1
    for r in paired.values():
        assert r["mean_difference"] == pytest.approx(r["mean_t1"] - r["mean_t0"])
        assert (r["p_value"] is None) == (r["test"] == NO_TEST)


def test_pmg_unpaired_change(warehouse):
    rows = {r["intervention"]: r for r in _rows(warehouse, "SELECT * FROM marts.pmg_unpaired_change WHERE year = 2023")}
    assert set(rows) == {"Training Emoties", "Cold shower challenge"}   # Gemeente Groningen: the same two people
    rug = rows["Training Emoties"]
    assert (rug["n_t0"], rug["n_t1"], rug["n_paired"]) == (8, 7, 7)
    # All 7 at T1 took part at T0 too: no independent samples, so no Mann-Whitney test (the paired one is the measure).
    assert rug["mann_whitney_p"] is None and "onafhankelijke groepen" in rug["note"]
    assert rug["cliffs_delta"] == pytest.approx(18 / 56)
    cold = rows["Cold shower challenge"]
    assert (cold["n_t0"], cold["n_t1"], cold["n_paired"]) == (6, 4, 2)
    assert cold["mann_whitney_p"] is None and "geen toets" in cold["note"]
    assert "van de 6 (T0) en 4 (T1) deden er 2 beide keren mee" in cold["note"]  # the report prints it as it is
    assert all("verschillende mensen" in r["note"] for r in rows.values())


def test_tib_share_intervals(warehouse):
    rows = _rows(warehouse, "SELECT * FROM marts.tib_share_intervals WHERE year = 2024")
    n_source = warehouse.sql("SELECT (SELECT count(*) FROM marts.tib_return_to_work WHERE year = 2024)"
                             " + (SELECT count(*) FROM marts.tib_relapse WHERE year = 2024)"
                             " + 2 * (SELECT count(*) FROM marts.tib_skills WHERE year = 2024)"
                             # relapse again, among those who went back to work
                             " + (SELECT count(*) FROM marts.tib_relapse WHERE year = 2024 AND n_returned > 0)"
                             " + 1"  # back at work with either employer
                             ).fetchall()[0][0]
    assert len(rows) == n_source
    for r in rows:
        assert r["ci_low_pct"] <= r["pct"] <= r["ci_high_pct"], r
        assert 0 <= r["ci_low_pct"] and r["ci_high_pct"] <= 100
    grenzen = next(r for r in rows if r["question"] == "skills_strengthened" and r["answer"] == "Grenzen bewaken")
    assert (grenzen["n"], grenzen["n_respondents"]) == (24, 30)
    assert grenzen["ci_low_pct"] < 80 < grenzen["ci_high_pct"]
    assert grenzen["ci_low_pct"] == pytest.approx(62.69, abs=0.01)


def test_tib_skill_mcnemar(warehouse):
    rows = _rows(warehouse, "SELECT m.*, s.n_strengthened, s.n_still_applied FROM marts.tib_skill_mcnemar m "
                            "JOIN marts.tib_skills s USING (year, skill) WHERE year = 2024")
    assert len(rows) == 10
    for r in rows:
        assert r["both"] + r["strengthened_only"] + r["applied_only"] + r["neither"] == r["n_respondents"]
        assert r["both"] + r["strengthened_only"] == r["n_strengthened"]
        assert r["both"] + r["applied_only"] == r["n_still_applied"]
        discordant = r["strengthened_only"] + r["applied_only"]
        assert (r["p_value_exact"] is None) == (discordant == 0)
        if discordant:
            assert r["p_value_exact"] == pytest.approx(mcnemar_exact(r["strengthened_only"], r["applied_only"]))


def test_tib_factor_summary(warehouse):
    rows = _rows(warehouse, "SELECT * FROM marts.tib_factor_summary WHERE year = 2024 ORDER BY rank")
    expected = dict(warehouse.sql(
        "SELECT factor, 100.0 * sum(n) FILTER (WHERE rating >= 4) / any_value(n_respondents) "
        "FROM marts.tib_factor_ratings WHERE year = 2024 GROUP BY factor").fetchall())
    assert {r["factor"]: pytest.approx(r["pct_flink_of_zeer"]) for r in rows} == expected
    assert len(rows) == 7 and rows[0]["rank"] == 1
    shares = [r["pct_flink_of_zeer"] for r in rows]
    assert shares == sorted(shares, reverse=True)
    assert all(1 <= r["median_rating"] <= 5 and r["n_respondents"] == 30 for r in rows)
