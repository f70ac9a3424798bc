"""A statistical property: no seat effect in simulated mediations.

On a scenario whose parties have identical specs, nothing but chance may separate the
party listed first from the party listed second. :func:`seat_effect` measures the mean
paired difference of their utilities over the settled mediations (each mediation gives
one difference; the mediations are independent), with its standard error and a
two-sided z-test; :func:`assert_no_seat_effect` fails when the test rejects "no
difference" at the confidence level asked for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from statistics import NormalDist
from typing import Protocol

import attrs

from mediation.errors import InvalidInput

__all__ = ["SeatEffect", "assert_no_seat_effect", "seat_effect"]


class MediationResult(Protocol):
    """What the property reads of a simulated mediation
    (:class:`mediation.simulation.MediationResult` has it)."""

    @property
    def settled(self) -> bool:
        """Whether every party taking part signed."""
        ...

    @property
    def utility(self) -> Mapping[str, float]:
        """Party → its utility at the end, in the scenario's order."""
        ...

    @property
    def withdrew(self) -> tuple[str, ...]:
        """Parties who withdrew."""
        ...


@attrs.frozen
class SeatEffect:
    """The difference between two parties' utilities over settled mediations.

    Attributes:
        first: The party whose utility comes first in the difference.
        second: The other party.
        n: Settled mediations in which both signed.
        mean: Mean of ``utility[first] - utility[second]``.
        standard_error: Standard error of the mean.
        z: ``mean / standard_error`` (0 when every difference is 0).
        p_value: Two-sided p-value of the z-test of a zero mean.
    """

    first: str
    second: str
    n: int
    mean: float
    standard_error: float
    z: float
    p_value: float

    def interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """The normal-approximation confidence interval of the mean difference.

        Args:
            confidence: The confidence level, in (0, 1).

        Returns:
            ``(low, high)``.
        """
        half = NormalDist().inv_cdf(0.5 + _confidence(confidence) / 2) * self.standard_error
        return (self.mean - half, self.mean + half)

    def __str__(self) -> str:
        return (
            f"{self.first} - {self.second}: {self.mean:+.4f} "
            f"(s.e. {self.standard_error:.4f}, z = {self.z:.2f}, p = {self.p_value:.3g}, "
            f"n = {self.n})"
        )


def _confidence(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise InvalidInput(f"confidence must be a number in (0, 1); got {value!r}")
    return float(value)


def seat_effect(
    results: Sequence[MediationResult], first: str | None = None, second: str | None = None
) -> SeatEffect:
    """Measure the seat effect between two parties over settled mediations.

    Args:
        results: Simulated mediations of one scenario (e.g. ``run(...).results``).
        first: A party id; default: the first party of the results (as listed).
        second: Another party id; default: the second party listed.

    Returns:
        The :class:`SeatEffect`.

    Raises:
        InvalidInput: fewer than two settled mediations, or unknown party ids.
    """
    if not results:
        raise InvalidInput("a seat effect needs simulated mediations; got none")
    listed = list(results[0].utility)
    if first is None or second is None:
        if len(listed) < 2:
            raise InvalidInput("a seat effect needs two parties")
        first = listed[0] if first is None else first
        second = listed[1] if second is None else second
    if first == second or first not in listed or second not in listed:
        raise InvalidInput(
            f"first and second must be two parties of {listed}; got {first!r}, {second!r}"
        )
    differences = [
        result.utility[first] - result.utility[second]
        for result in results
        if result.settled and first not in result.withdrew and second not in result.withdrew
    ]
    n = len(differences)
    if n < 2:
        raise InvalidInput(f"a seat effect needs at least two settled mediations; got {n}")
    mean = math.fsum(differences) / n
    variance = math.fsum((d - mean) ** 2 for d in differences) / (n - 1)
    error = math.sqrt(variance / n)
    z = mean / error if error else (0.0 if mean == 0 else math.copysign(math.inf, mean))
    p_value = math.erfc(abs(z) / math.sqrt(2))
    return SeatEffect(first, second, n, mean, error, z, p_value)


def assert_no_seat_effect(
    results: Sequence[MediationResult],
    confidence: float = 0.99,
    first: str | None = None,
    second: str | None = None,
) -> SeatEffect:
    """Fail if two parties' utilities differ beyond chance at ``confidence``.

    Run it on a scenario whose parties have identical specs: a simulator that lets the
    party listed first open or propose first in every case fails it given enough cases.

    Args:
        results: Simulated mediations of one scenario.
        confidence: The confidence level of the two-sided test (default 0.99: fails
            when ``p < 0.01``).
        first: As for :func:`seat_effect`.
        second: As for :func:`seat_effect`.

    Returns:
        The measured :class:`SeatEffect` (for reports).

    Raises:
        AssertionError: the difference is significant.
        InvalidInput: as :func:`seat_effect`, or a confidence outside (0, 1).
    """
    level = _confidence(confidence)
    effect = seat_effect(results, first, second)
    if effect.p_value < 1 - level:
        low, high = effect.interval(level)
        raise AssertionError(
            f"seat effect at {level:.0%} confidence: {effect}; interval [{low:+.4f}, {high:+.4f}]"
        )
    return effect
