"""Exact tests on small counts: is a party addressed less than an equal share would give?

Under the hypothesis that the mediator spreads ``n`` interventions of one kind evenly,
each one goes to any of the ``k`` parties with probability ``1/k``, so a party's count
``x`` is binomial ``Bin(n, 1/k)``. The one-sided p-value of ``x`` is the probability of a
count at most as low, ``P(X <= x)``, computed exactly. A party is *under-served* when that
p-value is at most the policy's ``alpha``.

With two parties and ``alpha = 0.1`` (the default, a screening level: findings warn and
are evidence, not proof), 4:0 is caught (``p = 1/16``), 3:2 is not (``p = 1/2``), 3:0 is
not yet (``p = 1/8``); with three parties 4:4:0 is caught (``p = (2/3)^8 ≈ 0.039``).

Cost: O(1) whenever the count is at or above ``ceil(n/k)`` (a median of ``Bin(n, 1/k)``
lies between ``floor(n/k)`` and ``ceil(n/k)``, so then ``p > 1/2``, above any ``alpha``;
this is the case in every balanced session), or when a lower bound of the
p-value already exceeds ``alpha``: ``P(X = x)`` itself, or the normal approximation minus
the Berry–Esseen bound on its error (constant 0.4748, Shevtsova 2011). Only a count that
these do not clear — in practice, one that is significant, so a finding follows — is
summed term by term (in exact fractions up to 200 interventions).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

__all__ = ["lower_tail", "underserved"]

_EXACT_UP_TO = 200
"""Up to this many interventions the tail is summed in exact fractions."""


_BERRY_ESSEEN = 0.4748
"""The Berry–Esseen constant for identically distributed summands (Shevtsova 2011)."""


def _log_pmf(x: int, n: int, q: float) -> float:
    return (
        math.lgamma(n + 1)
        - math.lgamma(x + 1)
        - math.lgamma(n - x + 1)
        + x * math.log(q)
        + (n - x) * math.log1p(-q)
    )


def lower_tail(count: int, total: int, parties: int) -> float:
    """``P(X <= count)`` for ``X ~ Bin(total, 1/parties)``, exactly (as a float).

    Args:
        count: The party's count.
        total: The count over all parties.
        parties: How many parties share the total.

    Returns:
        The one-sided p-value (1.0 when ``count >= total``).

    Raises:
        ValueError: fewer than two parties, or counts out of range.
    """
    if parties < 2 or total < 0 or not 0 <= count <= total:
        raise ValueError(f"need 0 <= count <= total and two parties; got {count}/{total}/{parties}")
    if count >= total:
        return 1.0
    if total <= _EXACT_UP_TO:
        q = Fraction(1, parties)
        tail = sum(
            (math.comb(total, j) * q**j * (1 - q) ** (total - j) for j in range(count + 1)),
            Fraction(0),
        )
        return float(tail)
    q_float = 1.0 / parties
    return float(sum(math.exp(_log_pmf(j, total, q_float)) for j in range(count + 1)))


def _significant(count: int, total: int, parties: int, alpha: float) -> float | None:
    """The p-value when it is at most ``alpha``, else None — in O(1) unless undecided."""
    # At or above ceil(n/k), which no median exceeds: p > 1/2 >= alpha. (At floor(n/k) it
    # may be less: Bin(2, 1/3) puts 4/9 on zero.)
    if count >= -(-total // parties):
        return None
    if total > _EXACT_UP_TO:
        q = 1.0 / parties
        if math.exp(_log_pmf(count, total, q)) > alpha:
            return None
        spread = math.sqrt(total * q * (1 - q))
        normal = 0.5 * math.erfc(-(count - total * q) / (spread * math.sqrt(2)))
        error = _BERRY_ESSEEN * (q * q + (1 - q) ** 2) / spread
        if normal - error > alpha:
            return None
    p_value = lower_tail(count, total, parties)
    return p_value if p_value <= alpha else None


def underserved(counts: Mapping[str, int], alpha: float) -> dict[str, float]:
    """The parties whose count is significantly below an equal share, with p-values.

    Args:
        counts: Party → count (every party taking part, zeros included).
        alpha: The significance level (one-sided), in (0, 0.5].

    Returns:
        Party → p-value, for each party with ``P(X <= count) <= alpha``; empty when fewer
        than two parties or nothing was counted.
    """
    total = sum(counts.values())
    if len(counts) < 2 or total == 0:
        return {}
    found: dict[str, float] = {}
    for party, count in counts.items():
        p_value = _significant(count, total, len(counts), alpha)
        if p_value is not None:
            found[party] = p_value
    return found
