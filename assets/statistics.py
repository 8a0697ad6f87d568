"""Statistics beyond the source reports, as pure functions on small lists of numbers.

The assets in assets/pmg/statistics.py and assets/terug_in_balans/statistics.py read a few dozen
rows from the warehouse and call these; nothing here touches DuckDB or Dagster, so every number
can be checked by hand in tests/test_statistics.py.

Small groups are the rule in these evaluations. A test is only run where it can reach
significance at all: an exact two-sided Wilcoxon signed-rank test on m non-zero differences
cannot give p below 2/2^m, which is never below 0.05 for m <= 5. Below that the p-value is left
out (NULL) and the note says why, instead of printing a p that can only ever be "not significant".
"""

from collections.abc import Sequence

import numpy as np
from scipy import stats

ALPHA = 0.05
# Exact null distribution of the signed-rank statistic up to this many non-zero differences;
# above it the normal approximation with tie correction. The exact distribution is counted by
# dynamic programming (wilcoxon_exact_p), not by enumerating the 2^m sign patterns, so it costs
# milliseconds at 50. The bound is scipy's own switch to the approximation (method="auto"), and it
# keeps every count of sign patterns (at most 2^50) exact in a 64-bit integer.
EXACT_WILCOXON_MAX_N = 50
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
    return min(1.0, 2.0 / 2 ** m)


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
    doubled, observed = doubled_signed_ranks(d)
    m = doubled.size
    if m > EXACT_WILCOXON_MAX_N:
        raise ValueError(f"{m} non-zero differences: above {EXACT_WILCOXON_MAX_N} the normal approximation applies")
    counts = sign_pattern_counts(doubled)
    patterns = 2 ** m
    # Integer counts divided once: the float is the correctly rounded ratio, as scipy's.
    at_most = int(counts[:observed + 1].sum()) / patterns
    at_least = int(counts[observed:].sum()) / patterns
    return min(1.0, 2 * min(at_most, at_least))


def wilcoxon_test(d: Sequence[float]) -> dict:
    """Two-sided Wilcoxon signed-rank test of the paired differences, only where it can reach
    significance. Returns {'p_value', 'test', 'note'}; p_value None when not run."""
    n = len(d)
    m = sum(1 for x in d if x != 0)
    zeros = n - m
    unchanged = f", {zeros} gelijk gebleven (die tellen niet mee)" if zeros else ""
    floor = smallest_wilcoxon_p(m)
    if floor >= ALPHA:
        if m == 0:
            why = f"geen van de {n} paren veranderde"
        else:
            why = (f"{m} van de {n} paren veranderden{unchanged}; met {m} verschillen is de kleinste "
                   f"mogelijke tweezijdige p 2/2^{m} = {nl(floor, 4)}, nooit onder 0,05")
        return {"p_value": None, "test": NO_TEST, "note": f"Geen toets: {why}."}
    if m <= EXACT_WILCOXON_MAX_N:
        p_value = wilcoxon_exact_p(d)
        test = "Wilcoxon-rangtekentoets (exacte permutatie)"
    else:
        result = stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided", method="asymptotic")
        p_value = float(result.pvalue)
        test = "Wilcoxon-rangtekentoets (normale benadering)"
    note = f"Tweezijdig; {m} van de {n} paren veranderden{unchanged}."
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
    No test when the smaller wave has fewer than 5 values. Exact without ties, otherwise the
    normal approximation with tie and continuity correction (scipy's own advice)."""
    n0, n1 = len(t0), len(t1)
    delta = cliffs_delta(t0, t1)
    if min(n0, n1) < SMALL_N_MINIMUM:
        return {"p_value": None, "cliffs_delta": delta, "method": None}
    ties = len(set(map(float, [*t0, *t1]))) < n0 + n1
    method = "asymptotic" if ties else "exact"
    result = stats.mannwhitneyu(t1, t0, alternative="two-sided", method=method)
    return {"p_value": float(result.pvalue), "cliffs_delta": delta, "method": method}


def wilson_interval_pct(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
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
