"""Tests for mediation.neutrality.exact: exact one-sided binomial tests on small counts."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.neutrality.exact import lower_tail, underserved


def _exact(count: int, total: int, parties: int) -> Fraction:
    q = Fraction(1, parties)
    return sum(
        (math.comb(total, j) * q**j * (1 - q) ** (total - j) for j in range(count + 1)),
        Fraction(0),
    )


def test_four_to_nothing_is_caught_and_three_to_two_is_not() -> None:
    assert underserved({"a": 4, "b": 0}, 0.1) == {"b": 0.0625}
    assert underserved({"a": 3, "b": 2}, 0.1) == {}
    assert underserved({"a": 3, "b": 0}, 0.1) == {}  # p = 1/8: not yet
    assert set(underserved({"a": 4, "b": 4, "c": 0}, 0.1)) == {"c"}


def test_nothing_counted_or_one_party_is_not_judged() -> None:
    assert underserved({"a": 0, "b": 0}, 0.1) == {}
    assert underserved({"a": 9}, 0.1) == {}


@pytest.mark.parametrize(
    ("count", "total", "parties"),
    [(0, 4, 2), (2, 5, 2), (1, 9, 3), (40, 300, 2), (0, 201, 2), (100, 201, 2), (60, 300, 3)],
)
def test_the_tail_is_the_exact_binomial_tail(count: int, total: int, parties: int) -> None:
    """Relative tolerance only: beyond 200 interventions the tail is a float sum, and a
    p-value near 1e-40 must be right to its own digits, not merely below 1e-12."""
    expected = float(_exact(count, total, parties))
    assert lower_tail(count, total, parties) == pytest.approx(expected, rel=1e-9, abs=0)


@settings(max_examples=60)
@given(st.integers(0, 400), st.integers(0, 400), st.sampled_from([0.05, 0.1, 0.2]))
def test_the_fast_paths_decide_as_the_exact_tail_does(a: int, b: int, alpha: float) -> None:
    found = underserved({"a": a, "b": b}, alpha)
    total = a + b
    for party, count in (("a", a), ("b", b)):
        expected = total > 0 and float(_exact(count, total, 2)) <= alpha
        assert (party in found) == expected


@given(st.lists(st.integers(0, 30), min_size=2, max_size=4), st.randoms())
def test_renaming_or_reordering_the_parties_changes_no_verdict(
    counts: list[int], rng: object
) -> None:
    names = [f"p{i}" for i in range(len(counts))]
    found = underserved(dict(zip(names, counts, strict=True)), 0.1)
    shuffled = list(zip(names, counts, strict=True))
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    renamed = {f"x{name}": count for name, count in shuffled}
    again = underserved(renamed, 0.1)
    assert {f"x{name}": p for name, p in found.items()} == again


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="need 0 <= count"):
        lower_tail(5, 4, 2)
    with pytest.raises(ValueError, match="need 0 <= count"):
        lower_tail(0, 4, 1)


def test_at_most_alpha_includes_p_equal_to_alpha() -> None:
    assert underserved({"a": 4, "b": 0}, 0.0625) == {"b": 0.0625}
    assert underserved({"a": 4, "b": 0}, 0.06) == {}
    assert underserved({"a": 1, "b": 0}, 0.5) == {"b": 0.5}  # one intervention, p = 1/2


def test_a_count_at_the_floor_of_an_equal_share_can_be_below_one_half() -> None:
    """Bin(2, 1/3) puts 4/9 on zero: with three parties and two interventions, the party
    who had none has p = 4/9, under-served at alpha 0.45 though at floor(2/3) = 0."""
    assert underserved({"a": 0, "b": 1, "c": 1}, 0.45) == {"a": pytest.approx(4 / 9)}
    assert underserved({"a": 0, "b": 1, "c": 1}, 0.4) == {}


@settings(max_examples=60)
@given(
    st.lists(st.integers(0, 12), min_size=2, max_size=5),
    st.sampled_from([0.05, 0.1, 0.3, 0.4, 0.45, 0.5]),
)
def test_every_verdict_is_the_exact_tails(counts: list[int], alpha: float) -> None:
    names = [f"p{i}" for i in range(len(counts))]
    found = underserved(dict(zip(names, counts, strict=True)), alpha)
    total = sum(counts)
    expected = {
        name: float(_exact(count, total, len(counts)))
        for name, count in zip(names, counts, strict=True)
        if total and _exact(count, total, len(counts)) <= Fraction(alpha)
    }
    assert found == pytest.approx(expected)


def test_the_tail_at_the_edges_of_its_range() -> None:
    assert lower_tail(0, 0, 2) == 1.0
    assert lower_tail(4, 4, 3) == 1.0
    assert lower_tail(200, 200, 2) == 1.0
    assert lower_tail(300, 300, 2) == 1.0
    for count in (0, 60, 100, 140):
        assert lower_tail(count, 200, 3) == float(_exact(count, 200, 3))
    with pytest.raises(ValueError, match="need 0 <= count"):
        lower_tail(-1, 4, 2)
    with pytest.raises(ValueError, match="need 0 <= count"):
        lower_tail(0, -1, 2)


def _shares(total: int, parties: int) -> dict[str, int]:
    """``total`` spread as evenly as possible over ``parties`` parties named o0, o1, ..."""
    base, extra = divmod(total, parties)
    return {f"o{i}": base + (i < extra) for i in range(parties)}


@pytest.mark.parametrize(
    ("total", "parties"), [(201, 2), (300, 3), (400, 2), (400, 4), (1000, 5), (208, 20)]
)
def test_beyond_the_cut_over_every_count_is_judged_at_its_exact_p_value(
    total: int, parties: int
) -> None:
    """Beyond 200 interventions the O(1) lower bounds (P(X = x), the normal approximation
    less the Berry–Esseen error) may only set aside counts whose p-value is above alpha:
    for every count below an equal share, at alpha just above its exact p-value the
    party is reported, with that p-value; just below it, not."""
    q = Fraction(1, parties)
    tail = Fraction(0)
    for count in range(-(-total // parties)):
        tail += math.comb(total, count) * q**count * (1 - q) ** (total - count)
        p_value = float(tail)
        if p_value > 0.5:
            break
        counts = {"x": count, **_shares(total - count, parties - 1)}
        found = underserved(counts, p_value * (1 + 1e-9))
        assert found["x"] == pytest.approx(p_value, rel=1e-9, abs=0), count
        assert "x" not in underserved(counts, p_value * (1 - 1e-9)), count
