"""Statistics beyond the source reports, as pure functions on small lists of numbers.

The assets in assets/pmg/statistics.py and assets/terug_in_balans/statistics.py read rows from
the warehouse and call these; nothing here touches DuckDB or Dagster, so every number can be
checked by hand in tests/test_statistics.py. The PMG marts run their statistics for thousands of
groups at once (the last section); the per-group functions before it (paired_change,
wilcoxon_test, mann_whitney, cliffs_delta, hodges_lehmann, rank_biserial_paired) are the
definitions those are held to, by tests/test_statistics_groups.py, and are not called by an asset.

Small groups are the rule in these evaluations. A test is only run where it can reach
significance at all: an exact two-sided Wilcoxon signed-rank test on m non-zero differences
cannot give p below 2/2^m, which is never below 0.05 for m <= 5. Below that the p-value is left
out (NULL) and the note says why, instead of printing a p that can only ever be "not significant".
"""

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
import polars as pl
from scipy import special, stats

ALPHA = 0.05
CONFIDENCE = 0.95  # of every interval reported (Wilson)
# Exact null distribution of the signed-rank statistic up to this many non-zero differences;
# above it the normal approximation with tie correction. The exact distribution is counted by
# dynamic programming (wilcoxon_exact_p), not by enumerating the 2^m sign patterns, so it costs
# milliseconds at 50. The bound is scipy's own switch to the approximation (method="auto"), and it
# keeps every count of sign patterns (at most 2^50) exact in a 64-bit integer.
EXACT_WILCOXON_MAX_N = 50
# Mann-Whitney's exact distribution, tied grades included, up to this many values in both waves together.
EXACT_MANN_WHITNEY_MAX_N = 50
NO_TEST = "geen (n te klein)"
SMALL_N_MINIMUM = 5     # below: 'te klein'
INDICATIVE_BELOW = 10   # 5-9: 'indicatief'


def nl(x: float, decimals: int = 3) -> str:
    """A number as a Dutch note writes it: decimal comma, trailing zeros dropped."""
    text = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def small_n_flag(n: int) -> str | None:
    """'te klein' below 5, 'indicatief' for 5-9, None from 10."""
    if n < SMALL_N_MINIMUM:
        return "te klein"
    if n < INDICATIVE_BELOW:
        return "indicatief"
    return None


def differences(t0: Sequence[float], t1: Sequence[float]) -> list[float]:
    """Paired differences T1 - T0 (positive: higher grade after)."""
    if len(t0) != len(t1):
        raise ValueError(f"paired samples differ in length: {len(t0)} and {len(t1)}")
    return [float(b) - float(a) for a, b in zip(t0, t1)]


def walsh_averages(d: Sequence[float]) -> list[float]:
    """All (d_i + d_j) / 2 for i <= j."""
    d = [float(x) for x in d]
    return [(d[i] + d[j]) / 2 for i in range(len(d)) for j in range(i, len(d))]


def hodges_lehmann(d: Sequence[float]) -> float | None:
    """One-sample Hodges-Lehmann estimate: the median of the Walsh averages (None when empty)."""
    if len(d) == 0:
        return None
    return float(np.median(walsh_averages(d)))


def signed_rank_sums(d: Sequence[float]) -> tuple[float, float]:
    """(R+, R-): sums of the average ranks of |d| over the positive and negative differences,
    zeros dropped before ranking (Wilcoxon's zero method)."""
    nonzero = np.array([x for x in d if x != 0], dtype=float)
    if nonzero.size == 0:
        return 0.0, 0.0
    ranks = stats.rankdata(np.abs(nonzero))
    return float(ranks[nonzero > 0].sum()), float(ranks[nonzero < 0].sum())


def rank_biserial_paired(d: Sequence[float]) -> float | None:
    """Matched-pairs rank-biserial correlation (R+ - R-) / (R+ + R-); None when every d is 0."""
    r_plus, r_minus = signed_rank_sums(d)
    if r_plus + r_minus == 0:
        return None
    return (r_plus - r_minus) / (r_plus + r_minus)


def smallest_wilcoxon_p(m: int) -> float:
    """Smallest two-sided p an exact signed-rank test on m non-zero differences can give."""
    # 2 ** (1 - m) as a float: 2.0 / 2 ** m overflows above 1,023 pairs (a group of the 10M benchmark).
    return min(1.0, math.ldexp(1.0, 1 - m))


def doubled_signed_ranks(d: Sequence[float]) -> tuple[np.ndarray, int]:
    """Twice the mid-ranks of |d| over the non-zero differences, and twice R+ (their sum over the
    positive ones). Mid-ranks of ties are whole or half, so doubling makes every rank sum an
    integer and the null distribution can be counted exactly."""
    nonzero = np.array([x for x in d if x != 0], dtype=float)
    doubled = np.rint(2 * stats.rankdata(np.abs(nonzero))).astype(np.int64)
    return doubled, int(doubled[nonzero > 0].sum())


def sign_pattern_counts(doubled: np.ndarray) -> np.ndarray:
    """counts[s]: how many of the 2^m sign patterns give the positive (doubled) ranks the sum s.
    Adds one rank at a time: a pattern either leaves it negative (sum unchanged) or makes it
    positive (sum + rank); O(m * m(m+1)) instead of 2^m."""
    counts = np.zeros(int(doubled.sum()) + 1, dtype=np.int64)
    counts[0] = 1
    reached = 0
    for w in doubled:
        # Only sums reached so far can move; copying that slice first keeps each rank used once.
        counts[w:w + reached + 1] += counts[:reached + 1].copy()
        reached += int(w)
    return counts


def wilcoxon_exact_p(d: Sequence[float]) -> float:
    """Exact two-sided p of the Wilcoxon signed-rank test, zeros dropped (Wilcoxon's method) and
    ties at their mid-rank: under H0 every sign pattern of the non-zero differences is equally
    likely. p = 2 * min(P(R+ <= observed), P(R+ >= observed)), at most 1: the same number as
    scipy.stats.wilcoxon with PermutationMethod(n_resamples=np.inf), without its 2^m patterns."""
    if any(np.isnan(x) for x in d):
        return float("nan")   # as scipy: a missing difference leaves the test undefined, not skipped
    return wilcoxon_exact_p_of_ranks(*doubled_signed_ranks(d))


def wilcoxon_exact_p_of_ranks(doubled: np.ndarray, observed: int) -> float:
    """wilcoxon_exact_p from what it needs of the differences: twice the mid-ranks of the non-zero
    ones and twice R+ (doubled_signed_ranks)."""
    m = doubled.size
    if m > EXACT_WILCOXON_MAX_N:
        raise ValueError(f"{m} non-zero differences: above {EXACT_WILCOXON_MAX_N} the normal approximation applies")
    counts = sign_pattern_counts(doubled)
    patterns = 2 ** m
    # Integer counts divided once: the float is the correctly rounded ratio, as scipy's.
    at_most = int(counts[:observed + 1].sum()) / patterns
    at_least = int(counts[observed:].sum()) / patterns
    return min(1.0, 2 * min(at_most, at_least))


WILCOXON_TESTS = {"exact": "Wilcoxon-rangtekentoets (exacte permutatie)",
                  "asymptotic": "Wilcoxon-rangtekentoets (normale benadering)"}


@cache
def wilcoxon_method(m: int) -> str | None:
    """How m non-zero differences are tested: 'exact', 'asymptotic', or None where p < 0.05 is
    out of reach."""
    if smallest_wilcoxon_p(m) >= ALPHA:
        return None
    return "exact" if m <= EXACT_WILCOXON_MAX_N else "asymptotic"


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@cache
def wilcoxon_note(n: int, m: int) -> str:
    """What a Wilcoxon row of n pairs, m of which changed, was tested on, or why it was not, as the
    warehouse keeps it. Cached: thousands of groups share a few hundred (n, m)."""
    zeros, method = n - m, wilcoxon_method(m)
    floor = f"2/2{str(m).translate(_SUPERSCRIPT)}"
    unchanged = f", {zeros} gelijk gebleven (die tellen niet mee)" if zeros else ""
    changed = "het ene paar veranderde" if n == 1 else f"{m} van de {n} paren {'veranderde' if m == 1 else 'veranderden'}"
    if method is not None:
        return f"Tweezijdig; {changed}{unchanged}."
    if m == 0:
        return "Geen toets: " + ("het ene paar veranderde niet." if n == 1 else f"geen van de {n} paren veranderde.")
    return (f"Geen toets: {changed}{unchanged}; met {m} {'verschil' if m == 1 else 'verschillen'} is de kleinste "
            f"mogelijke tweezijdige p {floor} = {nl(smallest_wilcoxon_p(m), 4)}, nooit onder {nl(ALPHA)}.")


def wilcoxon_wording(n: int, m: int) -> tuple[str, str]:
    """(test, note) of a Wilcoxon row for n pairs of which m changed, as the warehouse keeps them."""
    method = wilcoxon_method(m)
    return (NO_TEST if method is None else WILCOXON_TESTS[method]), wilcoxon_note(n, m)


def wilcoxon_test(d: Sequence[float]) -> dict:
    """Two-sided Wilcoxon signed-rank test of the paired differences, only where it can reach
    significance. Returns {'p_value', 'test', 'note'}; p_value None when not run."""
    m = sum(1 for x in d if x != 0)
    test, note = wilcoxon_wording(len(d), m)
    method = wilcoxon_method(m)
    if method is None:
        p_value = None
    elif method == "exact":
        p_value = wilcoxon_exact_p(d)
    else:
        result = stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided", method="asymptotic")
        p_value = float(result.pvalue)
    return {"p_value": p_value, "test": test, "note": note}


def paired_change(t0: Sequence[float], t1: Sequence[float]) -> dict:
    """Everything one row of marts.pmg_paired_change says about grades before (t0) and after (t1)
    of the same people, in the same order."""
    d = differences(t0, t1)
    n = len(d)
    out = {
        "n_pairs": n,
        "mean_t0": float(np.mean(t0)) if n else None,
        "mean_t1": float(np.mean(t1)) if n else None,
        "mean_difference": float(np.mean(d)) if n else None,
        "median_difference": float(np.median(d)) if n else None,
        "hodges_lehmann": hodges_lehmann(d),
        "rank_biserial": rank_biserial_paired(d),
        "small_n_flag": small_n_flag(n),
    }
    out.update(wilcoxon_test(d))
    out.update(n_higher=sum(x > 0 for x in d), n_lower=sum(x < 0 for x in d), n_unchanged=sum(x == 0 for x in d))
    return out


def cliffs_delta(t0: Sequence[float], t1: Sequence[float]) -> float | None:
    """Cliff's delta of T1 over T0: (#(t1 > t0) - #(t1 < t0)) / (n0 * n1) over all pairs of one
    T0 and one T1 value (positive: higher after). None when a wave is empty."""
    if len(t0) == 0 or len(t1) == 0:
        return None
    a = np.asarray(t0, dtype=float)[:, None]
    b = np.asarray(t1, dtype=float)[None, :]
    return float(((b > a).sum() - (b < a).sum()) / (a.size * b.size))


def mann_whitney(t0: Sequence[float], t1: Sequence[float]) -> dict:
    """Two-sided Mann-Whitney U of all T1 against all T0 values, with Cliff's delta.
    No test when the smaller wave has fewer than 5 values. Exact up to EXACT_MANN_WHITNEY_MAX_N
    values in all, tied grades included (rank_sum_exact_p); above it exact without ties, and
    otherwise the normal approximation with tie and continuity correction."""
    n0, n1 = len(t0), len(t1)
    delta = cliffs_delta(t0, t1)
    if min(n0, n1) < SMALL_N_MINIMUM:
        return {"p_value": None, "cliffs_delta": delta, "method": None}
    if n0 + n1 <= EXACT_MANN_WHITNEY_MAX_N:
        ranks = stats.rankdata([*t1, *t0])
        values, counts = np.unique(2 * ranks, return_counts=True)
        return {"p_value": rank_sum_exact_p(values.astype(int), counts, n1, int(round(2 * ranks[:n1].sum()))),
                "cliffs_delta": delta, "method": "exact"}
    ties = len(set(map(float, [*t0, *t1]))) < n0 + n1
    method = "asymptotic" if ties else "exact"
    result = stats.mannwhitneyu(t1, t0, alternative="two-sided", method=method)
    return {"p_value": float(result.pvalue), "cliffs_delta": delta, "method": method}


def rank_sum_exact_p(ranks2: Sequence[int], counts: Sequence[int], n1: int, observed2: int) -> float:
    """Two-sided p of a rank sum by its exact permutation distribution, ties included.

    `ranks2`: the distinct mid-ranks of all values, doubled (whole numbers); `counts`: how many
    values have each; `n1`: the values of the sample whose rank sum `observed2` (doubled) is.
    Every way to choose n1 of the values is equally likely under the null: the number of ways per
    rank sum is counted by dynamic programming, and p = 2 * min(P(sum <= observed), P(sum >=
    observed)), at most 1, as wilcoxon_exact_p. The counts, at most C(50, 25) < 2^53, are exact
    in float64. With grades on a 1-10 scale almost every group has ties, and from five values a
    wave the normal approximation is off by up to a factor of three."""
    top = int(sum(int(r) * int(c) for r, c in zip(ranks2, counts)))
    ways = np.zeros((n1 + 1, top + 1))
    ways[0, 0] = 1.0
    for rank, count in zip(ranks2, counts):
        for _ in range(int(count)):  # each value once: choosing it adds its rank
            ways[1:, rank:] += ways[:-1, :top + 1 - rank]
    sums = ways[n1]
    total = sums.sum()
    low, high = sums[:observed2 + 1].sum() / total, sums[observed2:].sum() / total
    return float(min(1.0, 2 * min(low, high)))


def wilson_interval_pct(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of k out of n, in percent (0-100)."""
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return 100.0 * float(ci.low), 100.0 * float(ci.high)


def mcnemar_exact(b: int, c: int) -> float | None:
    """McNemar's exact test: two-sided binomial test of b discordant pairs one way out of b + c,
    p = 0.5. None when there are no discordant pairs."""
    if b + c == 0:
        return None
    return float(stats.binomtest(int(b), int(b + c), 0.5).pvalue)


def rating_summary(counts: dict[int, int], top: Sequence[int] = (4, 5)) -> dict:
    """From {scale point: respondents}: respondents, median rating, percent rating in `top`."""
    n = sum(counts.values())
    if n == 0:
        return {"n_respondents": 0, "median_rating": None, "pct_top": None}
    values = np.repeat(np.array(list(counts.keys()), dtype=float), list(counts.values()))
    return {
        "n_respondents": n,
        "median_rating": float(np.median(values)),
        "pct_top": 100.0 * sum(v for k, v in counts.items() if k in top) / n,
    }


def competition_rank(values: Sequence[float], descending: bool = True) -> list[int]:
    """1, 2, 2, 4 ranking: equal values share the best rank."""
    key = [-v if descending else v for v in values]
    return [1 + sum(1 for other in key if other < mine) for mine in key]


# --- many groups at once ----------------------------------------------------------------------
# The PMG marts ask the questions above of ~10,000 groups per run (10 years, 200 organisations).
# Group by group, slicing the frame and scipy's call overhead cost ~36 s at full size. Below,
# every statistic is a pass over all groups at once (Polars, numpy), from the counts of each
# distinct value per group; only the exact p-values loop, over the few groups that need one. The
# per-group functions above stay the reference: tests/test_statistics_groups.py holds these to
# them. Mid-ranks, rank sums, U and tie terms are sums of whole and half numbers, hence exact,
# and every formula follows scipy's order of operations, so the numbers agree to the last bit;
# only a mean may differ in its last bits where summation order matters (never for grades,
# whose sums are exact).

def weighted_medians(gid: np.ndarray, values: np.ndarray, weights: np.ndarray, groups: int) -> np.ndarray:
    """Per group 0 .. groups - 1, the median of `values` each repeated `weights` (>= 1) times, as
    np.median takes it: the mean of the two middle values (the middle one twice for an odd total).
    Every group needs a row."""
    # One sort on a single integer key: the group, then the value's rank among all values.
    distinct, rank = np.unique(values, return_inverse=True)
    order = np.argsort(gid.astype(np.int64) * distinct.size + rank)
    gid, values, upto = gid[order], values[order], np.cumsum(weights[order])
    first = np.searchsorted(gid, np.arange(groups))
    last = np.searchsorted(gid, np.arange(groups), side="right") - 1
    before = np.where(first > 0, upto[first - 1], 0)
    total = upto[last] - before

    def at(position: np.ndarray) -> np.ndarray:   # the value at a 0-based position within its group
        return values[np.searchsorted(upto, before + position, side="right")]

    return (at((total - 1) // 2) + at(total // 2)) / 2


def walsh_of_counts(gid: np.ndarray, d: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, ...]:
    """The Walsh averages of each group from its distinct differences d and their counts c, rows
    sorted by gid: (gid, average, how often). Two distinct values v and w give (v + w) / 2
    c_v * c_w times, a value with itself c_v (c_v + 1) / 2 times. Grades have at most 41 distinct
    differences, so this is a few hundred weighted averages per group instead of n(n+1)/2."""
    rows = np.arange(gid.size)
    group_end = np.searchsorted(gid, gid, side="right")
    partners = group_end - rows                      # each row pairs with itself and the rows after it
    left = np.repeat(rows, partners)
    right = left + np.arange(left.size) - np.repeat(np.cumsum(partners) - partners, partners)
    weight = np.where(left == right, c[left] * (c[left] + 1) // 2, c[left] * c[right])
    return gid[left], (d[left] + d[right]) / 2, weight


def hodges_lehmann_of_counts(gid: np.ndarray, d: np.ndarray, c: np.ndarray, groups: int,
                             budget: int = 4_000_000) -> np.ndarray:
    """Per group, the Hodges-Lehmann estimate from its distinct differences d and their counts c
    (rows sorted by gid). Groups go in batches of at most `budget` Walsh averages (at least one
    group), so memory stays bounded even where differences hardly repeat."""
    distinct = np.bincount(gid, minlength=groups)
    walsh_sizes = distinct * (distinct + 1) // 2
    row_start = np.r_[0, np.cumsum(distinct)]
    out = np.empty(groups)
    first = 0
    while first < groups:
        last = first + max(1, int(np.searchsorted(np.cumsum(walsh_sizes[first:]), budget, side="right")))
        rows = slice(row_start[first], row_start[last])
        out[first:last] = weighted_medians(*walsh_of_counts(gid[rows] - first, d[rows], c[rows]), last - first)
        first = last
    return out


def with_mid_ranks(runs: pl.DataFrame, value: str) -> pl.DataFrame:
    """Runs (gid, value, t: how many share it) with the mid-rank of the value within its gid:
    the values before it plus (t + 1) / 2, as scipy's rankdata(method='average')."""
    return runs.sort("gid", value).with_columns(
        rank=(pl.col("t").cum_sum().over("gid") - pl.col("t")) + (pl.col("t") + 1) / 2)


def signed_rank_runs(counts: pl.DataFrame) -> pl.DataFrame:
    """From counts (gid, d, c): per gid, the runs of equal non-zero |d| (size), sorted by size,
    with t (how many), t_plus (how many of them positive) and their mid-rank; zeros dropped."""
    runs = (counts.filter(pl.col("d") != 0)
            .group_by("gid", size=pl.col("d").abs())
            .agg(t=pl.col("c").sum(), t_plus=pl.col("c").filter(pl.col("d") > 0).sum()))
    return with_mid_ranks(runs, "size")


def signed_rank_sums_of_runs(runs: pl.DataFrame) -> pl.DataFrame:
    """Per gid with a non-zero difference: m (how many), R+, R- and the tie term sum(t^3 - t)."""
    return runs.group_by("gid").agg(
        m=pl.col("t").sum(),
        r_plus=(pl.col("rank") * pl.col("t_plus")).sum(),
        r_minus=(pl.col("rank") * (pl.col("t") - pl.col("t_plus"))).sum(),
        tie_term=(pl.col("t").cast(pl.Float64) ** 3 - pl.col("t")).sum())


def wilcoxon_exact_p_of_runs(runs: pl.DataFrame, gids: list[int]) -> dict[int, float]:
    """wilcoxon_exact_p of the given groups, from their runs (signed_rank_runs)."""
    out = {}
    chosen = runs.filter(pl.col("gid").is_in(gids)).group_by("gid").agg("rank", "t", "t_plus")
    for gid, rank, t, t_plus in chosen.iter_rows():
        doubled_rank = np.rint(2 * np.array(rank)).astype(np.int64)
        out[gid] = wilcoxon_exact_p_of_ranks(np.repeat(doubled_rank, t), int(doubled_rank @ np.array(t_plus)))
    return out


def wilcoxon_normal_p(r_plus: np.ndarray, m: np.ndarray, tie_term: np.ndarray) -> np.ndarray:
    """Two-sided p of the signed-rank test by the normal approximation with tie correction and
    no continuity correction, in scipy.stats.wilcoxon's own steps (method='asymptotic')."""
    count = m.astype(float)
    mn = count * (count + 1.) * 0.25
    se = np.sqrt((count * (count + 1.) * (2. * count + 1.) - tie_term / 2) / 24)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (r_plus - mn) / se
    return 2 * special.ndtr(-np.abs(z))


def _weight(frame: pl.DataFrame) -> pl.Expr:
    """Column n of a frame of counted rows as Int64, or 1 for a frame of single rows."""
    return pl.col("n").cast(pl.Int64) if "n" in frame.columns else pl.lit(1, dtype=pl.Int64)


def paired_change_groups(pairs: pl.DataFrame) -> pl.DataFrame:
    """paired_change for many groups at once. `pairs`: columns gid (0, 1, ... with no gaps), t0
    and t1, and optionally n: how many pairs have that t0 and t1 (1 without it); the result: a row
    per gid in order, with paired_change's columns. A missing grade is refused: it would count in
    n_pairs and as unchanged (the callers' SQL keeps only pairs graded twice)."""
    grades = [pl.col(wave).cast(pl.Float64) for wave in ("t0", "t1")]
    missing = pairs.select(pl.any_horizontal([g.is_null() | g.is_nan() for g in grades]).sum()).item()
    if missing:
        raise ValueError(f"paired_change_groups: {missing} pair(s) without a grade at T0 or T1")
    pairs = pairs.select("gid", "t0", "t1", d=pl.col("t1") - pl.col("t0"), n=_weight(pairs))
    counts = pairs.group_by("gid", "d").agg(c=pl.col("n").sum()).sort("gid", "d")
    runs = signed_rank_runs(counts)
    gid, d, c = (counts[k].to_numpy() for k in ("gid", "d", "c"))
    groups = int(gid[-1]) + 1 if gid.size else 0
    ranked = pl.col("r_plus") + pl.col("r_minus")
    n = pl.col("n")
    out = (pairs.group_by("gid").agg(n_pairs=n.sum(), mean_t0=(pl.col("t0") * n).sum() / n.sum(),
                                     mean_t1=(pl.col("t1") * n).sum() / n.sum(),
                                     mean_difference=(pl.col("d") * n).sum() / n.sum(),
                                     n_higher=n.filter(pl.col("d") > 0).sum(), n_lower=n.filter(pl.col("d") < 0).sum(),
                                     n_unchanged=n.filter(pl.col("d") == 0).sum())
           .sort("gid")
           .with_columns(median_difference=weighted_medians(gid, d, c, groups),
                         hodges_lehmann=hodges_lehmann_of_counts(gid, d, c, groups))
           .join(signed_rank_sums_of_runs(runs), on="gid", how="left")
           .with_columns(pl.col("m", "r_plus", "r_minus", "tie_term").fill_null(0))
           .with_columns(rank_biserial=pl.when(ranked != 0).then((pl.col("r_plus") - pl.col("r_minus")) / ranked)))

    n, m = out["n_pairs"].to_list(), out["m"].to_list()
    methods = [wilcoxon_method(k) for k in m]
    p = np.full(out.height, np.nan)
    normal = np.array([k == "asymptotic" for k in methods], dtype=bool)
    p[normal] = wilcoxon_normal_p(out["r_plus"].to_numpy()[normal], out["m"].to_numpy()[normal],
                                  out["tie_term"].to_numpy()[normal])
    for g, value in wilcoxon_exact_p_of_runs(runs, [g for g, k in enumerate(methods) if k == "exact"]).items():
        p[g] = value
    wording = [wilcoxon_wording(a, b) for a, b in zip(n, m)]
    return out.select(
        "gid", "n_pairs", "mean_t0", "mean_t1", "mean_difference", "median_difference", "hodges_lehmann",
        "rank_biserial",
        small_n_flag=pl.Series([small_n_flag(k) for k in n], dtype=pl.String),
        p_value=pl.Series([None if k is None else float(v) for k, v in zip(methods, p)], dtype=pl.Float64),
        test=pl.Series([w[0] for w in wording], dtype=pl.String),
        note=pl.Series([w[1] for w in wording], dtype=pl.String),
        *[pl.col(c).cast(pl.Int64) for c in ("n_higher", "n_lower", "n_unchanged")])


def mann_whitney_groups(values: pl.DataFrame) -> pl.DataFrame:
    """mann_whitney for many groups at once. `values`: columns gid (0, 1, ... with no gaps),
    t1 (True for a T1 value, False for T0), value and optionally n: how many have that value at
    that wave (1 without it); the result: a row per gid in order with n_t0, n_t1 and
    mann_whitney's p_value, cliffs_delta and method."""
    values = values.with_columns(n=_weight(values))
    n = pl.col("n")
    runs = values.group_by("gid", "value").agg(t0=n.filter(~pl.col("t1")).sum(), t1=n.filter(pl.col("t1")).sum())
    ranked = with_mid_ranks(runs.with_columns(t=pl.col("t0") + pl.col("t1")), "value")
    out = (ranked
           .group_by("gid").agg(n_t0=pl.col("t0").sum(), n_t1=pl.col("t1").sum(),
                                r1=(pl.col("rank") * pl.col("t1")).sum(),
                                tie_term=(pl.col("t").cast(pl.Float64) ** 3 - pl.col("t")).sum(),
                                ties=(pl.col("t") > 1).any())
           .sort("gid"))
    # scipy's steps with x = T1 (n1) and y = T0 (n2), as mann_whitney calls it.
    n1, n2 = out["n_t1"].to_numpy(), out["n_t0"].to_numpy()
    u1 = out["r1"].to_numpy() - n1 * (n1 + 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        # U1 counts T1 > T0 once and ties half: 2 U1 - n1 n2 = #(T1 > T0) - #(T1 < T0), a whole number.
        delta = (2 * u1 - n1 * n2) / (n1 * n2)
        mu, n = n1 * n2 / 2, n1 + n2
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - out["tie_term"].to_numpy() / (n * (n - 1))))
        z = (np.maximum(u1, n1 * n2 - u1) - mu - 0.5) / s
    p = np.clip(2 * special.ndtr(-z), 0., 1.)
    tested = np.minimum(n1, n2) >= SMALL_N_MINIMUM
    small = n1 + n2 <= EXACT_MANN_WHITNEY_MAX_N
    ties = out["ties"].to_numpy()
    method = [("exact" if few or not tie else "asymptotic") if test else None
              for test, few, tie in zip(tested, small, ties)]
    counted = [g for g, (k, few) in enumerate(zip(method, small)) if k == "exact" and few]
    if counted:  # the exact distribution, ties included, from each group's runs of equal values
        runs_of = (ranked.filter(pl.col("gid").is_in(counted))
                   .group_by("gid").agg((2 * pl.col("rank")).round().cast(pl.Int64).alias("ranks2"), "t"))
        for g, ranks2, t in runs_of.iter_rows():
            p[g] = rank_sum_exact_p(ranks2, t, int(n1[g]), int(round(2 * out["r1"][g])))
    exact = [g for g, (k, few) in enumerate(zip(method, small)) if k == "exact" and not few]
    if exact:   # larger groups without ties: scipy's exact distribution of U, rare with grades
        # Without ties every value occurs once (n = 1): the rows are the values.
        waves = values.filter(pl.col("gid").is_in(exact)).group_by("gid").agg(
            before=pl.col("value").filter(~pl.col("t1")), after=pl.col("value").filter(pl.col("t1")))
        for g, before, after in waves.iter_rows():
            p[g] = float(stats.mannwhitneyu(after, before, alternative="two-sided", method="exact").pvalue)
    return out.select(
        "gid", "n_t0", "n_t1",
        p_value=pl.Series([float(v) if k else None for k, v in zip(method, p)], dtype=pl.Float64),
        cliffs_delta=pl.Series([float(v) if a and b else None for a, b, v in zip(n2, n1, delta)], dtype=pl.Float64),
        method=pl.Series(method, dtype=pl.String))
