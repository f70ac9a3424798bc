"""Measures the checks and the report share: Gini, max/min ratio and their helpers.

Every measure is exact (on :class:`~fractions.Fraction`) and a symmetric function of the
per-party values, so renaming the parties changes no figure.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from mediation._checks import Finding
from mediation.i18n import N_, Term

__all__ = [
    "MESSAGES",
    "balance_finding",
    "binomial_tail",
    "gini",
    "least",
    "max_min_ratio",
    "ratio_float",
    "ratio_text",
]


@functools.lru_cache(maxsize=4096)
def binomial_tail(successes: int, trials: int, probability: Fraction) -> Fraction:
    """``P(X >= successes)`` for ``X ~ Binomial(trials, probability)``.

    The one-sided p-value of an exact binomial test: with two parties and four marked
    texts all addressed to one, ``binomial_tail(4, 4, 1/2) = 1/16``. Exact (in fractions)
    up to 60 trials; beyond, summed in floating point from log-probabilities (relative
    error around 1e-12) and returned as a fraction of that float. Results are cached, so
    asking again about the same counts costs nothing.

    Args:
        successes: The observed count.
        trials: The number of trials.
        probability: The chance of a success under the null hypothesis, in (0, 1).

    Returns:
        The tail probability (1 when ``successes`` is 0 or less).
    """
    if successes <= 0:
        return Fraction(1)
    if successes > trials:
        return Fraction(0)
    failure = 1 - probability
    if trials <= 60:
        return sum(
            (
                Fraction(math.comb(trials, k)) * probability**k * failure ** (trials - k)
                for k in range(successes, trials + 1)
            ),
            Fraction(0),
        )
    log_p, log_q = math.log(probability), math.log(failure)
    logs = [
        math.lgamma(trials + 1)
        - math.lgamma(k + 1)
        - math.lgamma(trials - k + 1)
        + k * log_p
        + (trials - k) * log_q
        for k in range(successes, trials + 1)
    ]
    top = max(logs)
    return Fraction(min(1.0, math.exp(top) * math.fsum(math.exp(x - top) for x in logs)))


def _over_common_denominator(values: Iterable[Fraction | int | float]) -> list[int]:
    """The numerators of ``values`` over their least common denominator, exactly: the
    measures below are ratios of sums and comparisons, which integers give exactly and
    much faster than :class:`~fractions.Fraction` arithmetic (each operation normalises by
    a gcd; a float's fraction has a denominator up to 2**1074)."""
    ratios = [value.as_integer_ratio() for value in values]
    common = math.lcm(*(denominator for _, denominator in ratios))
    return [numerator * (common // denominator) for numerator, denominator in ratios]


def gini(values: Sequence[Fraction | int | float]) -> Fraction:
    """The Gini coefficient of non-negative values, exactly.

    0 when all values are equal (or all zero); at most ``(n - 1) / n``. Scale-invariant and
    symmetric in its arguments. Computed from the sorted values,
    ``sum((2i - n - 1) x_i) / (n sum(x))``, which equals the mean absolute difference
    over twice the mean.

    Args:
        values: Non-negative numbers, one per party.

    Returns:
        The coefficient, as an exact fraction.
    """
    return _gini_scaled(_over_common_denominator(values))


def _gini_scaled(scaled: list[int]) -> Fraction:
    """:func:`gini` of values already over a common denominator (their numerators)."""
    total = sum(scaled)
    if not scaled or total == 0:
        return Fraction(0)
    ordered = sorted(scaled)
    n = len(ordered)
    weighted = sum((2 * rank - n - 1) * x for rank, x in enumerate(ordered, 1))
    return Fraction(weighted, n * total)


def max_min_ratio(values: Sequence[Fraction | int | float]) -> Fraction | None:
    """Largest value over smallest, exactly.

    Args:
        values: Non-negative numbers, one per party.

    Returns:
        The ratio; None (read: infinite) when the smallest is 0 and the largest is not;
        1 when all are zero.
    """
    return _max_min_ratio_scaled(_over_common_denominator(values))


def _max_min_ratio_scaled(scaled: list[int]) -> Fraction | None:
    """:func:`max_min_ratio` of values already over a common denominator."""
    if not scaled or max(scaled) == 0:
        return Fraction(1)
    smallest = min(scaled)
    return None if smallest == 0 else Fraction(max(scaled), smallest)


def ratio_float(ratio: Fraction | None) -> float:
    """A ratio as a float for reports: infinite for None or beyond the float range.

    Args:
        ratio: A value of :func:`max_min_ratio`.

    Returns:
        The float value (``inf`` when infinite).
    """
    if ratio is None:
        return float("inf")
    try:
        return float(ratio)
    except OverflowError:
        return float("inf")


def ratio_text(ratio: Fraction | None) -> str:
    """A ratio as text for messages: two decimals, or ``∞``.

    Args:
        ratio: A value of :func:`max_min_ratio`.

    Returns:
        The text.
    """
    value = ratio_float(ratio)
    return "∞" if value == float("inf") else f"{value:.2f}"


MESSAGES = {
    "imbalance": N_(
        "{measure} in {stage} is unbalanced: Gini {gini} (at most {max_gini}), "
        "largest/smallest {ratio} (at most {max_ratio})"
    ),
}
"""The template of every ``<measure>_imbalance`` finding (English; translated through
the catalogs)."""


def least(values: Mapping[str, Fraction]) -> tuple[str, ...]:
    """The parties with the smallest value, in the mapping's order.

    Args:
        values: Party → value (not empty).

    Returns:
        Every party whose value equals the minimum.
    """
    lowest = min(values.values())
    return tuple(party for party, value in values.items() if value == lowest)


def balance_finding(
    measure: str, stage: str, values: Mapping[str, Fraction], max_gini: float, max_ratio: float
) -> Finding | None:
    """A ``<measure>_imbalance`` finding when ``values`` are too unequal, else None.

    Args:
        measure: What is measured, e.g. ``"airtime"``; names the finding's code.
        stage: The stage the values were measured in (for the message).
        values: Party → value.
        max_gini: The largest Gini coefficient allowed.
        max_ratio: The largest max/min ratio allowed.

    Returns:
        The finding (about the least-served parties), or None when nothing was measured
        or both measures are within their limits.
    """
    scaled = _over_common_denominator(values.values())  # once, for every measure below
    if sum(scaled) == 0:
        return None
    coefficient = _gini_scaled(scaled)
    ratio = _max_min_ratio_scaled(scaled)
    too_unequal = coefficient > Fraction(max_gini)
    too_far_apart = ratio is None or ratio > Fraction(max_ratio)
    if not (too_unequal or too_far_apart):
        return None
    return Finding.of(
        f"{measure}_imbalance",
        MESSAGES["imbalance"],
        least(values),
        params={
            "measure": Term(measure),
            "stage": Term(stage),
            "gini": f"{float(coefficient):.2f}",
            "max_gini": max_gini,
            "ratio": ratio_text(ratio),
            "max_ratio": max_ratio,
        },
        figures={"gini": float(coefficient), "ratio": ratio_float(ratio)},
    )
