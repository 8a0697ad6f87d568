"""The Wilcoxon signed-rank p counted by dynamic programming equals scipy's enumeration of every
sign pattern (PermutationMethod(n_resamples=np.inf)), with ties and zeros, and scipy's exact
distribution without them up to the bound where the approximation takes over."""

import numpy as np
import pytest
from scipy import stats

from assets.statistics import (
    EXACT_WILCOXON_MAX_N,
    sign_pattern_counts,
    wilcoxon_exact_p,
    wilcoxon_test,
)


def scipy_enumerated_p(d) -> float:
    """The reference: scipy enumerating all 2^n sign patterns (zeros included, which only
    multiplies every count by the same power of two)."""
    method = stats.PermutationMethod(n_resamples=np.inf)
    return float(stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided", method=method).pvalue)


def random_differences(rng: np.random.Generator, n: int) -> list[float]:
    """Paired differences as grades give them: few distinct values, so ties and zeros are common;
    sometimes half points (7,5 - 6) and sometimes continuous values without ties."""
    kind = rng.integers(3)
    if kind == 0:
        return [float(x) for x in rng.integers(-3, 4, size=n)]
    if kind == 1:
        return [float(x) / 2 for x in rng.integers(-6, 7, size=n)]
    return [float(x) for x in np.round(rng.normal(0.5, 2, size=n), 3)]


def test_counts_of_sign_patterns_by_hand():
    # doubled ranks 2, 4, 6 (ranks 1, 2, 3): subset sums 0, 2, 4, 6, 6, 8, 10, 12
    assert sign_pattern_counts(np.array([2, 4, 6])).tolist() == [1, 0, 1, 0, 1, 0, 2, 0, 1, 0, 1, 0, 1]
    # a tie at rank 1.5 twice: doubled 3, 3 -> sums 0, 3, 3, 6
    assert sign_pattern_counts(np.array([3, 3])).tolist() == [1, 0, 0, 2, 0, 0, 1]


def test_equals_scipy_enumeration_with_ties_and_zeros():
    rng = np.random.default_rng(20240601)
    # scipy's enumeration costs ~0.1 s at n = 9 and ~1.4 s at n = 12: many small samples, a few big.
    sizes = [int(n) for n in rng.integers(2, 10, size=250)] + [10, 10, 11, 11, 12, 12]
    compared = 0
    for n in sizes:
        d = random_differences(rng, n)
        if all(x == 0 for x in d):
            continue   # nothing to test: scipy gives nan
        assert wilcoxon_exact_p(d) == pytest.approx(scipy_enumerated_p(d), rel=1e-12, abs=1e-15), d
        compared += 1
    assert compared > 200


def enumerated_p(d) -> float:
    """A second reference, fast enough for thousands of samples: scipy's procedure written out
    in numpy (every sign pattern of |d| over all n, zeros included, two-sided as
    scipy.stats.permutation_test computes it)."""
    a = np.abs(np.asarray(d, dtype=float))
    nonzero = a != 0
    ranks = np.zeros_like(a)
    ranks[nonzero] = stats.rankdata(a[nonzero])
    signs = (np.arange(2 ** a.size)[:, None] >> np.arange(a.size)) & 1
    null = (signs * ranks).sum(axis=1)
    observed = ranks[np.asarray(d) > 0].sum()
    return float(min(1.0, 2 * min(np.mean(null <= observed), np.mean(null >= observed))))


def test_equals_full_enumeration_on_many_samples():
    rng = np.random.default_rng(11)
    for _ in range(3000):
        d = random_differences(rng, int(rng.integers(1, 15)))
        if all(x == 0 for x in d):
            continue
        assert wilcoxon_exact_p(d) == pytest.approx(enumerated_p(d), rel=1e-12, abs=1e-15), d


def test_wilcoxon_test_equals_scipy_enumeration_where_it_runs():
    rng = np.random.default_rng(7)
    for _ in range(40):
        d = random_differences(rng, int(rng.integers(6, 11)))
        result = wilcoxon_test(d)
        if result["p_value"] is None:
            continue
        assert "exacte permutatie" in result["test"]
        assert result["p_value"] == pytest.approx(scipy_enumerated_p(d), rel=1e-12, abs=1e-15), d


@pytest.mark.parametrize("m", [6, 17, 30, EXACT_WILCOXON_MAX_N])
def test_equals_scipy_exact_distribution_without_ties(m):
    rng = np.random.default_rng(m)
    for _ in range(20):
        d = list(rng.permutation(np.arange(1, m + 1)) * rng.choice([-1.0, 1.0], size=m))
        expected = float(stats.wilcoxon(d, alternative="two-sided", method="exact").pvalue)
        assert wilcoxon_exact_p(d) == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_exact_up_to_the_bound_then_the_normal_approximation():
    rng = np.random.default_rng(3)
    at_bound = random_differences(rng, EXACT_WILCOXON_MAX_N)
    at_bound = [x if x != 0 else 1.0 for x in at_bound]
    assert "exacte permutatie" in wilcoxon_test(at_bound)["test"]
    above = at_bound + [2.0]
    result = wilcoxon_test(above)
    assert "normale benadering" in result["test"]
    expected = stats.wilcoxon(above, zero_method="wilcox", alternative="two-sided", method="asymptotic").pvalue
    assert result["p_value"] == pytest.approx(float(expected))
    with pytest.raises(ValueError):
        wilcoxon_exact_p(above)
