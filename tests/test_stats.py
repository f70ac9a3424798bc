"""mediation.stats: against published values, against SciPy, and by property."""

from __future__ import annotations

import itertools
import math
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from mediation.errors import InvalidInput
from mediation.stats import (
    benjamini_hochberg,
    cohens_h,
    fisher_exact,
    mean_interval,
    permutation_test,
    risk_difference,
    student_t_cdf,
    student_t_quantile,
    welch_test,
    wilson_interval,
)

# -- published values -------------------------------------------------------------------------


def test_wilson_matches_newcombe_1998_table() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II: 81/263, score method.
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    # 0/20: the score interval's upper end 0.1611.
    assert [round(x, 4) for x in wilson_interval(0, 20)] == [0.0, 0.1611]


def test_risk_difference_matches_newcombe_1998_method_10() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873-890, example (a): 56/70 vs 48/80.
    difference, low, high = risk_difference(56, 70, 48, 80)
    assert round(difference, 4) == 0.2
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_fisher_matches_the_lady_tasting_tea() -> None:
    # Fisher (1935): 3 of 4 cups right each way; two-sided p = 34/70.
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(34 / 70, rel=1e-12)
    assert fisher_exact(4, 0, 0, 4) == pytest.approx(2 / 70, rel=1e-12)


def test_t_quantiles_match_the_printed_table() -> None:
    assert round(student_t_quantile(0.975, 10), 3) == 2.228
    assert round(student_t_quantile(0.975, 1), 3) == 12.706
    assert round(student_t_quantile(0.995, 30), 3) == 2.750
    assert round(student_t_quantile(0.025, 10), 3) == -2.228


def test_cohens_h_conventions() -> None:
    assert cohens_h(0.5, 0.5) == 0
    assert cohens_h(1.0, 0.0) == pytest.approx(math.pi)
    assert cohens_h(0.25, 0.5) == -cohens_h(0.5, 0.25)


# -- against SciPy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table",
    [
        (3, 1, 1, 3),
        (10, 2, 3, 15),
        (0, 5, 5, 0),
        (1000, 2000, 1100, 1900),
        (7, 0, 0, 0),
        (1, 9, 11, 3),
    ],
)
def test_fisher_matches_scipy(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    expected = scipy_stats.fisher_exact([[a, b], [c, d]]).pvalue
    assert fisher_exact(a, b, c, d) == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(("successes", "n"), [(0, 1), (1, 1), (8, 10), (81, 263), (5, 1000)])
def test_wilson_matches_scipy(successes: int, n: int) -> None:
    expected = scipy_stats.binomtest(successes, n).proportion_ci(method="wilson")
    low, high = wilson_interval(successes, n)
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)


@pytest.mark.parametrize("df", [1, 2.5, 7, 30, 400])
@pytest.mark.parametrize("t", [-4.0, -1.3, 0.0, 0.7, 2.0, 9.0])
def test_t_cdf_matches_scipy(t: float, df: float) -> None:
    assert student_t_cdf(t, df) == pytest.approx(scipy_stats.t.cdf(t, df), abs=1e-12)


@pytest.mark.parametrize("df", [1, 3, 12.5, 100])
@pytest.mark.parametrize("q", [0.6, 0.9, 0.975, 0.999])
def test_t_quantile_matches_scipy(q: float, df: float) -> None:
    assert student_t_quantile(q, df) == pytest.approx(scipy_stats.t.ppf(q, df), rel=1e-9)


def test_welch_matches_scipy() -> None:
    p, low, high = welch_test(10, 5.0, 4.0, 12, 6.0, 9.0)
    expected = scipy_stats.ttest_ind_from_stats(5, 2, 10, 6, 3, 12, equal_var=False)
    assert p == pytest.approx(expected.pvalue, rel=1e-9)
    assert low < -1 < high


def test_welch_does_not_round_tiny_p_values_to_zero() -> None:
    p, _, _ = welch_test(500, 0.6, 0.01, 500, 0.4, 0.01)
    expected = scipy_stats.ttest_ind_from_stats(
        0.6, 0.1, 500, 0.4, 0.1, 500, equal_var=False
    ).pvalue
    assert p > 0
    assert p == pytest.approx(expected, rel=1e-6)


def test_mean_interval_matches_scipy() -> None:
    low, high = mean_interval(10, 5.0, 4.0)
    expected = scipy_stats.t.interval(0.95, 9, loc=5.0, scale=2.0 / math.sqrt(10))
    assert (low, high) == pytest.approx(expected, rel=1e-9)
    assert mean_interval(1, 5.0, 0.0) == (-math.inf, math.inf)


def test_benjamini_hochberg_matches_scipy() -> None:
    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]
    expected = scipy_stats.false_discovery_control(p, method="bh")
    assert benjamini_hochberg(p) == pytest.approx(list(expected), rel=1e-12)
    assert benjamini_hochberg([]) == []


def test_permutation_test_agrees_with_scipy_and_is_reproducible() -> None:
    a = [2.1, 3.4, 1.9, 5.6, 4.4, 3.9, 4.8]
    b = [1.2, 0.8, 2.2, 1.5, 0.9, 2.0]
    ours = permutation_test(a, b, Random(7), resamples=4999)
    assert ours == permutation_test(a, b, Random(7), resamples=4999)
    theirs = scipy_stats.permutation_test(
        (a, b),
        lambda x, y: sum(x) / len(x) - sum(y) / len(y),
        n_resamples=20000,
        random_state=1,
    ).pvalue
    assert ours == pytest.approx(theirs, abs=0.006)
    same = permutation_test([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], Random(1), resamples=99)
    assert same == 1.0


# -- properties and refusals --------------------------------------------------------------------


@given(st.integers(0, 500), st.integers(1, 500), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_contains_the_estimate(successes: int, n: int, confidence: float) -> None:
    successes = min(successes, n)
    low, high = wilson_interval(successes, n, confidence)
    assert 0 <= low <= successes / n <= high <= 1


@given(st.lists(st.integers(0, 30), min_size=4, max_size=4))
def test_fisher_is_symmetric_and_a_probability(counts: list[int]) -> None:
    a, b, c, d = counts
    p = fisher_exact(a, b, c, d)
    assert 0 < p <= 1
    assert p == pytest.approx(fisher_exact(c, d, a, b), rel=1e-9)
    assert p == pytest.approx(fisher_exact(b, a, d, c), rel=1e-9)


@given(st.lists(st.floats(0, 1), max_size=30))
def test_bh_q_values_are_at_least_p_and_keep_the_order(p: list[float]) -> None:
    q = benjamini_hochberg(p)
    assert all(qi >= pi - 1e-15 and qi <= 1 for pi, qi in zip(p, q, strict=True))
    ranked = sorted(range(len(p)), key=lambda i: p[i])
    assert all(q[i] <= q[j] + 1e-15 for i, j in itertools.pairwise(ranked))


@pytest.mark.parametrize(
    "call",
    [
        lambda: wilson_interval(3, 2),
        lambda: wilson_interval(-1, 2),
        lambda: wilson_interval(1, 2, confidence=1.0),
        lambda: risk_difference(1, 0, 1, 2),
        lambda: fisher_exact(1, 2, 3, -1),
        lambda: fisher_exact(1, 2, 3, 1.5),  # type: ignore[arg-type]
        lambda: permutation_test([], [1.0], Random(0)),
        lambda: permutation_test([1.0], [float("nan")], Random(0)),
        lambda: permutation_test([1.0], [2.0], Random(0), resamples=0),
        lambda: benjamini_hochberg([1.2]),
        lambda: cohens_h(1.5, 0.2),
        lambda: welch_test(1, 0.0, 0.0, 5, 0.0, 1.0),
        lambda: student_t_quantile(1.0, 3),
        lambda: mean_interval(5, 0.0, -1.0),
    ],
)
def test_bad_input_is_refused(call: object) -> None:
    with pytest.raises(InvalidInput):
        call()  # type: ignore[operator]
