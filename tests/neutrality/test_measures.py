"""Tests for mediation.neutrality.measures: Gini, max/min ratio and their helpers."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.neutrality import gini, max_min_ratio
from mediation.neutrality.measures import (
    balance_finding,
    binomial_tail,
    least,
    ratio_float,
    ratio_text,
)

shares = st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=8)


@given(shares)
def test_gini_lies_in_its_range_and_is_zero_exactly_when_equal(values: list[int]) -> None:
    coefficient = gini(values)
    n = len(values)
    assert 0 <= coefficient <= Fraction(n - 1, n)
    if sum(values):
        assert (coefficient == 0) == (len(set(values)) == 1)


@given(shares, st.integers(min_value=1, max_value=1000))
def test_gini_and_ratio_are_scale_invariant(values: list[int], factor: int) -> None:
    scaled = [value * factor for value in values]
    assert gini(scaled) == gini(values)
    assert max_min_ratio(scaled) == max_min_ratio(values)


@given(shares.filter(lambda v: max(v) - min(v) >= 2), st.data())
def test_moving_airtime_from_richer_to_poorer_lowers_gini(
    values: list[int], data: st.DataObject
) -> None:
    rich = values.index(max(values))
    poor = values.index(min(values))
    amount = data.draw(st.integers(min_value=1, max_value=(values[rich] - values[poor]) // 2))
    moved = list(values)
    moved[rich] -= amount
    moved[poor] += amount
    assert gini(moved) < gini(values)


@given(shares, st.permutations(range(8)))
def test_measures_are_symmetric(values: list[int], order: list[int]) -> None:
    permuted = [values[i] for i in order if i < len(values)]
    assert gini(permuted) == gini(values)
    assert max_min_ratio(permuted) == max_min_ratio(values)


_EXACT_VALUES = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10**6),
        st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
        st.fractions(min_value=0, max_value=10**6, max_denominator=10**4),
    ),
    max_size=6,
)


@given(_EXACT_VALUES)
def test_gini_is_the_mean_absolute_difference_over_twice_the_mean(
    values: list[int | float | Fraction],
) -> None:
    """Integers, floats and fractions mixed, against the definition on Fractions (the
    measures compute over a common denominator)."""
    exact = [Fraction(value) for value in values]
    total = sum(exact, Fraction(0))
    expected = (
        sum((abs(x - y) for x in exact for y in exact), Fraction(0)) / (2 * len(exact) * total)
        if total
        else Fraction(0)
    )
    assert gini(values) == expected


@given(_EXACT_VALUES)
def test_max_min_ratio_is_the_largest_over_the_smallest(
    values: list[int | float | Fraction],
) -> None:
    exact = [Fraction(value) for value in values]
    found = max_min_ratio(values)
    if not exact or max(exact) == 0:
        assert found == 1
    elif min(exact) == 0:
        assert found is None
    else:
        assert found == max(exact) / min(exact)


def test_max_min_ratio_edges() -> None:
    assert max_min_ratio([0, 0]) == 1
    assert max_min_ratio([0, 5]) is None
    assert max_min_ratio([2, 6]) == 3


@given(shares)
def test_gini_equals_the_mean_absolute_difference_over_twice_the_mean(values: list[int]) -> None:
    total = sum(values)
    n = len(values)
    pairwise = sum(abs(a - b) for a in values for b in values)
    expected = Fraction(pairwise, 2 * n * total) if total else Fraction(0)
    assert gini(values) == expected


@pytest.mark.parametrize(
    ("max_gini", "max_ratio", "flagged"),
    [
        (0.25, 3.0, False),  # both exactly at their limits: within policy
        (0.26, 3.1, False),  # just inside
        (0.24, 3.0, True),  # Gini just over
        (0.25, 2.9, True),  # ratio just over
    ],
)
def test_balance_finding_at_its_boundaries(
    max_gini: float, max_ratio: float, flagged: bool
) -> None:
    # a: 1, b: 3 has Gini exactly 1/4 and ratio exactly 3
    values = {"a": Fraction(1), "b": Fraction(3)}
    assert gini(list(values.values())) == Fraction(1, 4)
    finding = balance_finding("airtime", "listening", values, max_gini, max_ratio)
    assert (finding is not None) == flagged
    if finding is not None:
        assert finding.code == "airtime_imbalance" and finding.parties == ("a",)
        assert finding.figures == {"gini": 0.25, "ratio": 3.0}


def test_balance_finding_names_a_silent_party_and_ignores_silence_all_round() -> None:
    values = {"a": Fraction(5), "b": Fraction(5), "c": Fraction(5), "d": Fraction(0)}
    finding = balance_finding("turns", "listening", values, 1.0, 1000.0)
    assert finding is not None and finding.parties == ("d",)
    assert "∞" in finding.message and finding.figures["ratio"] == float("inf")
    nobody = dict.fromkeys(values, Fraction(0))
    assert balance_finding("turns", "listening", nobody, 0.0, 1.0) is None


def test_least_and_ratio_text() -> None:
    assert least({"a": Fraction(2), "b": Fraction(1), "c": Fraction(1)}) == ("b", "c")
    assert ratio_text(Fraction(5, 2)) == "2.50" and ratio_text(None) == "∞"
    assert ratio_float(Fraction(10) ** 400) == float("inf")


@pytest.mark.parametrize(
    ("successes", "trials", "probability"),
    [
        (40, 61, Fraction(1, 2)),
        (1, 61, Fraction(1, 3)),
        (61, 61, Fraction(1, 2)),
        (30, 90, Fraction(1, 4)),
    ],
)
def test_binomial_tail_beyond_sixty_trials_is_the_exact_sum_to_1e_9(
    successes: int, trials: int, probability: Fraction
) -> None:
    exact = sum(
        Fraction(math.comb(trials, k)) * probability**k * (1 - probability) ** (trials - k)
        for k in range(successes, trials + 1)
    )
    approximate = binomial_tail(successes, trials, probability)
    assert abs(approximate - exact) <= exact * Fraction(1, 10**9)
    assert approximate <= 1


def test_gini_and_ratio_edges() -> None:
    assert gini([]) == 0 and gini([0, 0]) == 0 and gini([7]) == 0
    assert gini([0, 1]) == Fraction(1, 2)
    assert gini([1, 0, 0]) == Fraction(2, 3)
    assert max_min_ratio([]) == 1
    assert max_min_ratio([0, 1]) is None
    assert max_min_ratio([1, 3]) == 3 and max_min_ratio([Fraction(1, 2), 1]) == 2


def test_one_second_against_none_is_an_imbalance() -> None:
    finding = balance_finding("airtime", "listening", {"a": Fraction(1), "b": Fraction(0)}, 1, 1e9)
    assert finding is not None and finding.parties == ("b",)


@pytest.mark.parametrize(
    ("successes", "trials", "probability", "tail"),
    [
        (0, 4, Fraction(1, 2), Fraction(1)),
        (-3, 4, Fraction(1, 2), Fraction(1)),
        (1, 4, Fraction(1, 2), Fraction(15, 16)),
        (4, 4, Fraction(1, 2), Fraction(1, 16)),
        (5, 4, Fraction(1, 2), Fraction(0)),
        (2, 3, Fraction(1, 3), Fraction(7, 27)),
    ],
)
def test_binomial_tail_small_cases(
    successes: int, trials: int, probability: Fraction, tail: Fraction
) -> None:
    assert binomial_tail(successes, trials, probability) == tail


@pytest.mark.parametrize("successes", [1, 20, 45, 60])
def test_binomial_tail_is_exact_up_to_sixty_trials(successes: int) -> None:
    exact = sum(
        Fraction(math.comb(60, k)) * Fraction(1, 3) ** k * Fraction(2, 3) ** (60 - k)
        for k in range(successes, 61)
    )
    assert binomial_tail(successes, 60, Fraction(1, 3)) == exact


def test_binomial_tail_of_a_thousand_trials_stays_finite() -> None:
    """A thousand trials at 1/3: the log-probabilities span more than a float's range,
    summed relative to the largest. The tail from the mean is about one half."""
    assert 0.45 < binomial_tail(334, 1000, Fraction(1, 3)) < 0.55
    assert binomial_tail(0, 1000, Fraction(1, 3)) == 1
