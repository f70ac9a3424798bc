"""Tests for mediation.neutrality.measures: Gini, max/min ratio and their helpers."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from mediation.neutrality import gini, max_min_ratio

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
