"""Fair-division procedures for the compromise stage: exact, label-blind, well-founded.

Every function here is pure: no I/O, no clock, no randomness. Numbers may be given as
``int``, :class:`fractions.Fraction`, ``float`` or :class:`decimal.Decimal`; floats and
decimals are converted *exactly* (``Fraction(0.1)`` is the binary value of ``0.1``, not
``1/10``), and every result is an exact :class:`~fractions.Fraction`. NaN, infinities,
booleans and (except for bargaining utilities) negative numbers raise
:class:`~mediation.errors.InvalidInput`.

**Label-blindness.** No result depends on the parties' labels or on the order of any
mapping: permuting the parties permutes the per-party results and changes nothing else.
Where a published procedure leaves a tie open, the tie is broken by the numbers alone;
the few places where the numbers cannot decide (two parties tied by every measure) are
documented on the function concerned, and resolved symmetrically.

Procedures:

* :func:`adjusted_winner` — Brams and Taylor's point-allocation procedure for two parties.
* :func:`nash`, :func:`kalai_smorodinsky`, :func:`egalitarian` — bargaining solutions over
  lotteries of a finite set of options, with a disagreement point; :func:`pareto_frontier`.
* :func:`proportional`, :func:`constrained_equal_awards`, :func:`constrained_equal_losses`,
  :func:`talmud` — rules for dividing an estate smaller than the claims on it.
* :func:`knaster` — sealed bids with money compensation, any number of parties.
* :func:`split_the_difference`, :func:`blind_bidding`, :func:`final_offer` — money
  procedures between an offer and a demand.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from types import MappingProxyType
from typing import Generic, Literal, TypeAlias, TypeVar

import attrs

from mediation._settlement_lp import Constraint, leximin, max_min, maximize
from mediation.errors import InvalidInput

__all__ = [
    "AdjustedWinnerResult",
    "BargainingSolution",
    "BlindBiddingResult",
    "ClaimsResult",
    "FinalOfferResult",
    "KnasterResult",
    "Number",
    "adjusted_winner",
    "blind_bidding",
    "constrained_equal_awards",
    "constrained_equal_losses",
    "egalitarian",
    "final_offer",
    "kalai_smorodinsky",
    "knaster",
    "nash",
    "pareto_frontier",
    "proportional",
    "split_the_difference",
    "talmud",
]

Number: TypeAlias = int | float | Fraction | Decimal
"""The numbers accepted as input; all are converted exactly to :class:`Fraction`."""

P = TypeVar("P", bound=Hashable)
I = TypeVar("I", bound=Hashable)  # noqa: E741 - the conventional name for "item"
O = TypeVar("O", bound=Hashable)  # noqa: E741 - the conventional name for "option"

_ZERO = Fraction(0)
_ONE = Fraction(1)
_HALF = Fraction(1, 2)
_HUNDRED = Fraction(100)


# --------------------------------------------------------------------------- numbers


def _exact(value: object, what: str, *, negative: bool = False) -> Fraction:
    """Convert ``value`` exactly to a Fraction, or raise InvalidInput naming ``what``."""
    if isinstance(value, bool):
        raise InvalidInput(f"{what} must be a number, not a bool ({value!r})")
    if isinstance(value, Fraction):
        result = value
    elif isinstance(value, int):
        result = Fraction(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"{what} must be finite, got {value!r}")
        result = Fraction(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInput(f"{what} must be finite, got {value!r}")
        result = Fraction(value)
    elif isinstance(value, Rational):
        result = Fraction(int(value.numerator), int(value.denominator))
    else:
        raise InvalidInput(
            f"{what} must be an int, Fraction, float or Decimal, got {type(value).__name__}"
        )
    if not negative and result < 0:
        raise InvalidInput(f"{what} must not be negative, got {value!r}")
    return result


def _freeze(mapping: Mapping[P, Fraction]) -> Mapping[P, Fraction]:
    return MappingProxyType(dict(mapping))


def _freeze_nested(mapping: Mapping[P, Mapping[I, Fraction]]) -> Mapping[P, Mapping[I, Fraction]]:
    return MappingProxyType({key: _freeze(inner) for key, inner in mapping.items()})


def _item_valuations(
    valuations: Mapping[P, Mapping[I, Number]],
    *,
    what: str,
    parties: int | None = None,
) -> tuple[list[P], list[I], dict[P, dict[I, Fraction]]]:
    """Validate party → item → number input shared by the item procedures."""
    if not isinstance(valuations, Mapping):
        raise InvalidInput(f"{what} must map each party to a mapping of item to number")
    names = list(valuations)
    if parties is not None and len(names) != parties:
        raise InvalidInput(f"{what} takes exactly {parties} parties, got {len(names)}: {names!r}")
    if len(names) < 2:
        raise InvalidInput(f"{what} needs at least 2 parties, got {len(names)}: {names!r}")
    first = names[0]
    inner = valuations[first]
    if not isinstance(inner, Mapping):
        raise InvalidInput(f"{what}: the values of party {first!r} must be a mapping")
    items = list(inner)
    if not items:
        raise InvalidInput(f"{what}: there are no items to divide")
    item_set = set(items)
    exact: dict[P, dict[I, Fraction]] = {}
    for party in names:
        own = valuations[party]
        if not isinstance(own, Mapping):
            raise InvalidInput(f"{what}: the values of party {party!r} must be a mapping")
        if set(own) != item_set:
            missing = sorted(map(repr, item_set - set(own)))
            extra = sorted(map(repr, set(own) - item_set))
            raise InvalidInput(
                f"{what}: party {party!r} values a different set of items than party "
                f"{first!r} (missing: {', '.join(missing) or 'none'}; "
                f"extra: {', '.join(extra) or 'none'})"
            )
        exact[party] = {
            item: _exact(own[item], f"{what}: value of {item!r} for party {party!r}")
            for item in items
        }
        if not any(exact[party].values()):
            raise InvalidInput(f"{what}: party {party!r} gives every item a value of zero")
    return names, items, exact


# --------------------------------------------------------------------------- Adjusted Winner


@attrs.frozen
class AdjustedWinnerResult(Generic[P, I]):
    """The outcome of :func:`adjusted_winner`.

    Attributes:
        shares: ``shares[party][item]`` is the fraction of ``item`` the party receives, in
            ``[0, 1]``; the two parties' shares of every item sum to 1.
        points: ``points[party]`` is what the party receives, in its own points normalised
            to a total of 100. Both values are equal.
        split_item: The one item shared between the parties, or ``None`` when every item
            goes wholly to one party (or, in the tie case of :func:`adjusted_winner`, when
            several items are shared).
        split_items: Every item shared between the parties (at most one outside the tie
            case).
    """

    shares: Mapping[P, Mapping[I, Fraction]]
    points: Mapping[P, Fraction]
    split_item: I | None
    split_items: frozenset[I]


def adjusted_winner(points: Mapping[P, Mapping[I, Number]]) -> AdjustedWinnerResult[P, I]:
    """Divide items between two parties by Brams and Taylor's Adjusted Winner procedure.

    Source: S. J. Brams and A. D. Taylor, *Fair Division: From Cake-Cutting to Dispute
    Resolution*, Cambridge University Press, 1996, and *The Win-Win Solution: Guaranteeing
    Fair Shares to Everybody*, W. W. Norton, 1999.

    The procedure: each party's points are normalised to a total of 100; each item goes
    to the party giving it more points; items both value equally (tied items) go to the
    party trailing after that; then the leader hands items to the trailer in increasing
    order of (leader's points / trailer's points) until the totals are equal, splitting
    the first item that would overshoot.

    Tie-breaking, all label-blind: among items with the same ratio the one with more points
    is handed over first; items valued identically by both parties (which are
    interchangeable) are taken in the order of their names, which must then be mutually
    orderable. If both parties have exactly equal points after the untied items, there is
    no trailer and nothing but the labels could decide who gets the tied items; then
    every tied item is shared half and half (so more than one item may be split).

    Guarantees: the result is *equitable* (both parties get exactly the same number of
    their own points), *envy-free* (each gets at least 50 of its own 100 points, and
    values its share at least as much as the other's), *Pareto-optimal* (every item the
    first party holds has a points ratio at least that of every item the other holds),
    and at most one item is split outside the tie case. Scaling one party's points by a
    positive factor, renaming or reordering items, or swapping the parties' labels changes
    nothing but the labels in the result.

    Args:
        points: Maps each of the two parties to a mapping item → points (non-negative;
            any positive total, normalised to 100). Both parties must value the same items.

    Returns:
        An :class:`AdjustedWinnerResult` with exact shares and points.

    Raises:
        InvalidInput: If there are not exactly two parties, there are no items, the item
            sets differ, a number is negative, non-finite or not a number, a party gives
            every item zero points, or identically valued items cannot be ordered by name.
    """
    names, items, raw = _item_valuations(points, what="adjusted_winner", parties=2)
    first, second = names
    norm = {
        party: {item: _HUNDRED * value / sum(raw[party].values()) for item, value in own.items()}
        for party, own in raw.items()
    }
    share: dict[P, dict[I, Fraction]] = {party: dict.fromkeys(items, _ZERO) for party in names}
    score = dict.fromkeys(names, _ZERO)
    tied = [item for item in items if norm[first][item] == norm[second][item]]
    for item in items:
        if norm[first][item] != norm[second][item]:
            winner = first if norm[first][item] > norm[second][item] else second
            share[winner][item] = _ONE
            score[winner] += norm[winner][item]

    if score[first] == score[second]:
        for item in tied:
            share[first][item] = share[second][item] = _HALF
    else:
        trailer = first if score[first] < score[second] else second
        for item in tied:
            share[trailer][item] = _ONE
            score[trailer] += norm[trailer][item]
        if score[first] != score[second]:
            leader = first if score[first] > score[second] else second
            trailer = second if leader == first else first
            lead, trail = norm[leader], norm[trailer]
            movable = [item for item in items if share[leader][item] == 1 and lead[item] > 0]

            def order(item: I) -> tuple[int, Fraction, Fraction]:
                if trail[item] == 0:
                    return (1, _ZERO, -lead[item])
                return (0, lead[item] / trail[item], -lead[item])

            try:
                movable.sort(key=lambda item: (*order(item), item))
            except TypeError:
                raise InvalidInput(
                    "adjusted_winner: some items are valued identically by both parties, "
                    "and their names are not mutually orderable to break the tie"
                ) from None
            for item in movable:
                gap = score[leader] - score[trailer]
                both = lead[item] + trail[item]
                if both <= gap:
                    share[leader][item], share[trailer][item] = _ZERO, _ONE
                    score[leader] -= lead[item]
                    score[trailer] += trail[item]
                else:
                    moved = gap / both
                    share[leader][item], share[trailer][item] = _ONE - moved, moved
                    score[leader] -= moved * lead[item]
                    score[trailer] += moved * trail[item]
                if score[leader] == score[trailer]:
                    break

    totals = {
        party: sum((share[party][i] * norm[party][i] for i in items), _ZERO) for party in names
    }
    if totals[first] != totals[second]:  # pragma: no cover - guaranteed by the procedure
        raise AssertionError("adjusted_winner failed to equalise points")
    split = frozenset(item for item in items if 0 < share[first][item] < 1)
    return AdjustedWinnerResult(
        shares=_freeze_nested(share),
        points=_freeze(totals),
        split_item=next(iter(split)) if len(split) == 1 else None,
        split_items=split,
    )


# --------------------------------------------------------------------------- bargaining


@attrs.frozen
class BargainingSolution(Generic[P, O]):
    """The outcome of :func:`nash`, :func:`kalai_smorodinsky` or :func:`egalitarian`.

    Attributes:
        utilities: ``utilities[party]``: the party's expected utility at the solution.
        lottery: The probability of each option in a lottery (mixture) that attains
            ``utilities``; options with probability zero are left out; the probabilities
            sum to 1. When several lotteries attain the same utilities, this is the unique
            *leximin* one (the smallest probability as large as possible, then the next,
            ...), so it depends on neither labels nor order; options with identical
            utilities get equal probability.
    """

    utilities: Mapping[P, Fraction]
    lottery: Mapping[O, Fraction]


class _Problem(Generic[P, O]):
    """A validated bargaining problem: options as exact vectors in a fixed party order."""

    def __init__(
        self,
        options: Mapping[O, Mapping[P, Number]],
        disagreement: Mapping[P, Number] | None,
        what: str,
    ) -> None:
        if not isinstance(options, Mapping) or not options:
            raise InvalidInput(f"{what}: there are no options to bargain over")
        names = list(options)
        first = options[names[0]]
        if not isinstance(first, Mapping):
            raise InvalidInput(f"{what}: option {names[0]!r} must map each party to a utility")
        if disagreement is not None:
            if not isinstance(disagreement, Mapping):
                raise InvalidInput(f"{what}: the disagreement point must map party to utility")
            parties = list(disagreement)
        else:
            parties = list(first)
        if len(parties) < 2:
            raise InvalidInput(f"{what} needs at least 2 parties, got {len(parties)}")
        party_set = set(parties)
        vectors: list[tuple[Fraction, ...]] = []
        for name in names:
            option = options[name]
            if not isinstance(option, Mapping) or set(option) != party_set:
                raise InvalidInput(
                    f"{what}: option {name!r} must give a utility to exactly the parties "
                    f"{sorted(map(repr, party_set))}"
                )
            vectors.append(
                tuple(
                    _exact(option[p], f"{what}: utility of {name!r} for {p!r}", negative=True)
                    for p in parties
                )
            )
        self.what = what
        self.parties: list[P] = parties
        self.names: list[O] = names
        self.vectors = vectors
        self.size = len(parties)
        self.disagreement: tuple[Fraction, ...] = (
            tuple(
                _exact(disagreement[p], f"{what}: disagreement utility of {p!r}", negative=True)
                for p in parties
            )
            if disagreement is not None
            else ()
        )

    def gains(self, scale: Sequence[Fraction] | None = None) -> list[list[Fraction]]:
        """Rows per party, columns per option: (utility - disagreement) / scale."""
        return [
            [
                (vector[k] - self.disagreement[k]) / (scale[k] if scale else _ONE)
                for vector in self.vectors
            ]
            for k in range(self.size)
        ]

    def require_gain(self) -> None:
        """Raise unless some lottery gives every party strictly more than disagreement."""
        best = max_min(self.gains())
        if best is None or best <= 0:
            raise InvalidInput(
                f"{self.what}: no lottery over the options gives every party strictly more "
                "than its disagreement utility, so there is nothing to bargain over"
            )

    def solution(self, point: Sequence[Fraction]) -> BargainingSolution[P, O]:
        """Package ``point`` with its canonical (leximin) lottery."""
        equalities = [
            Constraint(tuple(vector[k] for vector in self.vectors), "=", point[k])
            for k in range(self.size)
        ]
        identity = [
            [_ONE if row == column else _ZERO for column in range(len(self.vectors))]
            for row in range(len(self.vectors))
        ]
        found = leximin(identity, equalities)
        if found is None:  # pragma: no cover - every point passed here is in the hull
            raise AssertionError("bargaining solution outside the convex hull")
        weights = found[0]
        return BargainingSolution(
            utilities=_freeze(dict(zip(self.parties, point, strict=True))),
            lottery=_freeze(
                {
                    name: weight
                    for name, weight in zip(self.names, weights, strict=True)
                    if weight > 0
                }
            ),
        )

    def in_hull(self, point: Sequence[Fraction]) -> bool:
        constraints = [Constraint((_ONE,) * len(self.vectors), "=", _ONE)] + [
            Constraint(tuple(vector[k] for vector in self.vectors), "=", point[k])
            for k in range(self.size)
        ]
        return maximize((_ZERO,) * len(self.vectors), constraints) is not None


def pareto_frontier(
    options: Mapping[O, Mapping[P, Number]], *, lotteries: bool = True
) -> frozenset[O]:
    """The options that no other outcome Pareto-dominates.

    An outcome *Pareto-dominates* another if it gives every party at least as much and
    some party strictly more. With ``lotteries=True`` (the default) the competing outcomes
    are all lotteries over the options (their convex hull), which is the feasible set of
    :func:`nash`, :func:`kalai_smorodinsky` and :func:`egalitarian`; with ``False``, only
    the options themselves. Source: V. Pareto, *Manuale di economia politica*, 1906; the
    lottery version is decided exactly by linear programming.

    Args:
        options: Maps each option to a mapping party → utility (any finite numbers).
        lotteries: Whether lotteries over the options count as competing outcomes.

    Returns:
        The undominated options (a set: the answer does not depend on order or labels).

    Raises:
        InvalidInput: If there are no options, fewer than two parties, an option does not
            give a utility to exactly the same parties as the others, or a utility is not
            a finite number.
    """
    problem: _Problem[P, O] = _Problem(options, None, "pareto_frontier")
    vectors = problem.vectors
    frontier = []
    for name, vector in zip(problem.names, vectors, strict=True):
        dominated = any(
            all(a >= b for a, b in zip(other, vector, strict=True)) and other != vector
            for other in vectors
        )
        if not dominated and lotteries:
            # Maximise the total surplus s >= 0 with sum_j w_j u_j - s = u, w in the simplex.
            m, n = len(vectors), problem.size
            constraints = [Constraint((_ONE,) * m + (_ZERO,) * n, "=", _ONE)]
            for k in range(n):
                row = tuple(other[k] for other in vectors) + tuple(
                    -_ONE if j == k else _ZERO for j in range(n)
                )
                constraints.append(Constraint(row, "=", vector[k]))
            found = maximize((_ZERO,) * m + (_ONE,) * n, constraints)
            dominated = found is not None and found[0] > 0
        if not dominated:
            frontier.append(name)
    return frozenset(frontier)


def nash(
    options: Mapping[O, Mapping[P, Number]], disagreement: Mapping[P, Number]
) -> BargainingSolution[P, O]:
    """The Nash bargaining solution over lotteries of the options.

    Source: J. F. Nash, "The Bargaining Problem", *Econometrica* 18(2):155-162, 1950.

    The feasible set is the convex hull of the options' utility vectors (every lottery
    over the options). The solution is the unique feasible point maximising the product
    of the parties' gains over the disagreement point.

    Guarantees: Pareto-optimal and individually rational (every party gains strictly);
    symmetric problems get symmetric solutions; permuting the parties permutes the
    utilities and leaves the lottery unchanged; invariant under a positive affine
    rescaling of any party's utilities (applied to options and disagreement alike);
    independent of irrelevant alternatives (removing options not needed to reach the
    solution leaves it unchanged).

    Exactness: the maximiser is found exactly and proved optimal by its first-order
    certificate (the gradient of the log-product at the point is a normal to a hyperplane
    supporting the feasible set). It is always rational and always found for two parties:
    it is then either an option or the product maximiser on a frontier edge, a closed form.
    For three or more parties the maximiser is rational when it is an option or lies
    inside a facet (a face of full dimension) of the frontier, and both cases are found;
    on a lower-dimensional face it is in general irrational (a root of a polynomial), and
    then :class:`~mediation.errors.InvalidInput` is raised rather than approximating.
    The search enumerates sets of as many options as there are parties.

    Args:
        options: Maps each option (e.g. a package of terms) to a mapping party → utility.
            Utilities may be any finite numbers, negative ones included: a utility scale
            is only defined up to a positive affine transformation.
        disagreement: Maps each party to its disagreement utility (what it gets with no
            agreement: its BATNA). It fixes the set of parties.

    Returns:
        A :class:`BargainingSolution`: exact utilities and a lottery over the options.

    Raises:
        InvalidInput: If the input is malformed (no options, fewer than two parties,
            mismatched parties, non-finite numbers), if no lottery gives every party more
            than its disagreement utility, or — three or more parties only — if the
            solution lies on a lower-dimensional face of the frontier and is irrational.
    """
    problem: _Problem[P, O] = _Problem(options, disagreement, "nash")
    problem.require_gain()
    d = problem.disagreement
    n = problem.size
    distinct = list(dict.fromkeys(problem.vectors))

    def optimal(point: Sequence[Fraction]) -> bool:
        if any(x <= dk for x, dk in zip(point, d, strict=True)):
            return False
        gradient = [_ONE / (x - dk) for x, dk in zip(point, d, strict=True)]
        best = sum((g * x for g, x in zip(gradient, point, strict=True)), _ZERO)
        return all(
            sum((g * y for g, y in zip(gradient, vector, strict=True)), _ZERO) <= best
            for vector in distinct
        )

    for vector in distinct:
        if optimal(vector):
            return problem.solution(vector)
    for subset in itertools.combinations(distinct, n):
        plane = _hyperplane(subset)
        if plane is None:
            continue
        normal, offset = plane
        if all(w < 0 for w in normal):
            normal, offset = tuple(-w for w in normal), -offset
        if not all(w > 0 for w in normal):
            continue
        room = offset - sum((w * dk for w, dk in zip(normal, d, strict=True)), _ZERO)
        if room <= 0:
            continue
        point = tuple(dk + room / (n * w) for dk, w in zip(d, normal, strict=True))
        if optimal(point) and problem.in_hull(point):
            return problem.solution(point)
    raise InvalidInput(
        f"nash: with {n} parties the Nash solution of these options lies on a "
        "lower-dimensional face of the Pareto frontier, where it is in general irrational; "
        "exact computation supports solutions at an option or inside a facet (always the "
        "case for two parties). Consider kalai_smorodinsky or egalitarian, which are "
        "always rational"
    )


def _hyperplane(
    points: Sequence[Sequence[Fraction]],
) -> tuple[tuple[Fraction, ...], Fraction] | None:
    """The hyperplane ``normal · x = offset`` through n affinely independent points in R^n."""
    n = len(points[0])
    rows = [[*point, -_ONE] for point in points]  # normal · p - offset = 0
    pivots: list[int] = []
    rank = 0
    for column in range(n + 1):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        lead = rows[rank][column]
        rows[rank] = [value / lead for value in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        pivots.append(column)
        rank += 1
    if rank != n:
        return None
    free = next(column for column in range(n + 1) if column not in pivots)
    solution = [_ZERO] * (n + 1)
    solution[free] = _ONE
    for r, column in enumerate(pivots):
        solution[column] = -rows[r][free]
    normal = tuple(solution[:n])
    if not any(normal):
        return None
    return normal, solution[n]


def kalai_smorodinsky(
    options: Mapping[O, Mapping[P, Number]], disagreement: Mapping[P, Number]
) -> BargainingSolution[P, O]:
    """The Kalai-Smorodinsky bargaining solution over lotteries of the options.

    Sources: E. Kalai and M. Smorodinsky, "Other Solutions to Nash's Bargaining Problem",
    *Econometrica* 43(3):513-518, 1975; the lexicographic extension to n parties,
    H. Imai, "Individual Monotonicity and Lexicographic Maxmin Solution", *Econometrica*
    51(2):389-401, 1983.

    Each party's gain is measured as a fraction of its *ideal* gain (the most it can get
    in any individually rational lottery). The solution gives every party the same
    fraction, as large as possible, then — where some parties can still gain without
    lowering anyone below that — raises the smallest remaining fractions in turn
    (lexicographic max-min), so it is always Pareto-optimal. For two parties this is
    exactly the classical solution: the Pareto point on the line from the disagreement
    point to the ideal point. A linear programme over the rationals, so always exact.

    Guarantees: Pareto-optimal and individually rational; symmetric problems get
    symmetric solutions; permuting parties permutes the utilities and leaves the lottery
    unchanged; invariant under a positive affine rescaling of any party's utilities; for
    two parties, *monotone*: adding options that leave the ideal point unchanged never
    lowers any party's utility. (For three or more parties no Pareto-optimal solution is
    monotone in general.) It does not satisfy independence of irrelevant alternatives.

    Args:
        options: Maps each option (e.g. a package of terms) to a mapping party → utility.
            Utilities may be any finite numbers, negative ones included: a utility scale
            is only defined up to a positive affine transformation.
        disagreement: Maps each party to its disagreement utility (what it gets with no
            agreement: its BATNA). It fixes the set of parties.

    Returns:
        A :class:`BargainingSolution`: exact utilities and a lottery over the options.

    Raises:
        InvalidInput: If the input is malformed (no options, fewer than two parties,
            mismatched parties, non-finite numbers) or no lottery gives every party more
            than its disagreement utility.
    """
    problem: _Problem[P, O] = _Problem(options, disagreement, "kalai_smorodinsky")
    problem.require_gain()
    d = problem.disagreement
    rational = [Constraint((_ONE,) * len(problem.vectors), "=", _ONE)] + [
        Constraint(tuple(vector[k] for vector in problem.vectors), ">=", d[k])
        for k in range(problem.size)
    ]
    ideal = []
    for k in range(problem.size):
        found = maximize(tuple(vector[k] for vector in problem.vectors), rational)
        if found is None:  # pragma: no cover - require_gain found a feasible lottery
            raise AssertionError("no individually rational lottery")
        ideal.append(found[0])
    scale = [a - dk for a, dk in zip(ideal, d, strict=True)]
    found_point = leximin(problem.gains(scale))
    if found_point is None:  # pragma: no cover - require_gain found a feasible lottery
        raise AssertionError("no lottery")
    return problem.solution([dk + v * s for dk, v, s in zip(d, found_point[0], scale, strict=True)])


def egalitarian(
    options: Mapping[O, Mapping[P, Number]], disagreement: Mapping[P, Number]
) -> BargainingSolution[P, O]:
    """The (lexicographic) egalitarian bargaining solution over lotteries of the options.

    Sources: E. Kalai, "Proportional Solutions to Bargaining Situations: Interpersonal
    Utility Comparisons", *Econometrica* 45(7):1623-1630, 1977; the lexicographic
    refinement as in Imai (1983), see :func:`kalai_smorodinsky`.

    Gives every party the same gain over its disagreement utility, as large as possible,
    then raises the smallest remaining gains in turn (lexicographic max-min), so it is
    always Pareto-optimal. A linear programme over the rationals, so always exact, for
    any number of parties.

    Guarantees: Pareto-optimal and individually rational; symmetric problems get
    symmetric solutions; permuting parties permutes the utilities and leaves the lottery
    unchanged. It compares utilities *across* parties, so — unlike :func:`nash` and
    :func:`kalai_smorodinsky` — it is **not** invariant under rescaling one party's
    utilities: use it only when the utilities are on a common scale (e.g. money).

    Args:
        options: Maps each option (e.g. a package of terms) to a mapping party → utility.
            Utilities may be any finite numbers, negative ones included: a utility scale
            is only defined up to a positive affine transformation.
        disagreement: Maps each party to its disagreement utility (what it gets with no
            agreement: its BATNA). It fixes the set of parties.

    Returns:
        A :class:`BargainingSolution`: exact utilities and a lottery over the options.

    Raises:
        InvalidInput: If the input is malformed (no options, fewer than two parties,
            mismatched parties, non-finite numbers) or no lottery gives every party more
            than its disagreement utility.
    """
    problem: _Problem[P, O] = _Problem(options, disagreement, "egalitarian")
    problem.require_gain()
    found = leximin(problem.gains())
    if found is None:  # pragma: no cover - require_gain found a feasible lottery
        raise AssertionError("no lottery")
    return problem.solution([dk + v for dk, v in zip(problem.disagreement, found[0], strict=True)])


# --------------------------------------------------------------------------- claims rules


@attrs.frozen
class ClaimsResult(Generic[P]):
    """The outcome of a claims rule.

    Attributes:
        estate: The amount divided.
        claims: Each party's claim, as given (converted exactly).
        awards: Each party's award; the awards sum to ``estate``, and each lies between
            zero and the party's claim.
    """

    estate: Fraction
    claims: Mapping[P, Fraction]
    awards: Mapping[P, Fraction]

    @property
    def losses(self) -> Mapping[P, Fraction]:
        """Each party's loss: its claim minus its award."""
        return _freeze({party: self.claims[party] - self.awards[party] for party in self.claims})


def _claims_problem(
    estate: Number, claims: Mapping[P, Number], what: str
) -> tuple[Fraction, dict[P, Fraction]]:
    if not isinstance(claims, Mapping) or not claims:
        raise InvalidInput(f"{what}: there are no claims")
    exact_claims = {
        party: _exact(value, f"{what}: claim of {party!r}") for party, value in claims.items()
    }
    exact_estate = _exact(estate, f"{what}: estate")
    total = sum(exact_claims.values(), _ZERO)
    if exact_estate > total:
        raise InvalidInput(
            f"{what}: the estate ({exact_estate}) exceeds the total of the claims ({total}); "
            "there is nothing to ration"
        )
    return exact_estate, exact_claims


def _equal_awards(estate: Fraction, claims: Mapping[P, Fraction]) -> dict[P, Fraction]:
    """Constrained equal awards: min(claim, level) with the level that exhausts the estate."""
    remaining = estate
    left = len(claims)
    level = max(claims.values(), default=_ZERO)
    for claim in sorted(claims.values()):
        if claim * left <= remaining:
            remaining -= claim
            left -= 1
        else:
            level = remaining / left
            break
    return {party: min(claim, level) for party, claim in claims.items()}


def _result(
    estate: Fraction, claims: dict[P, Fraction], awards: dict[P, Fraction]
) -> ClaimsResult[P]:
    return ClaimsResult(estate=estate, claims=_freeze(claims), awards=_freeze(awards))


def proportional(estate: Number, claims: Mapping[P, Number]) -> ClaimsResult[P]:
    """Divide the estate in proportion to the claims.

    Source: Aristotle, *Nicomachean Ethics* V.3; axiomatised e.g. in W. Thomson, "Axiomatic
    and game-theoretic analysis of bankruptcy and taxation problems: a survey",
    *Mathematical Social Sciences* 45(3):249-297, 2003. If every claim is zero (and so the
    estate), every award is zero.

    Guarantees (common to the four claims rules): the awards sum to the estate; every
    award lies between zero and the claim; equal claims get equal awards; awards and
    losses weakly increase with the claim; permuting parties permutes the awards.

    Args:
        estate: The amount to divide; non-negative and at most the total of the claims.
        claims: Maps each party to its (non-negative) claim.

    Returns:
        A :class:`ClaimsResult`.

    Raises:
        InvalidInput: If there are no claims, a number is negative, non-finite or not a
            number, or the estate exceeds the total of the claims.
    """
    exact_estate, exact_claims = _claims_problem(estate, claims, "proportional")
    total = sum(exact_claims.values(), _ZERO)
    awards = {
        party: (exact_estate * claim / total if total else _ZERO)
        for party, claim in exact_claims.items()
    }
    return _result(exact_estate, exact_claims, awards)


def constrained_equal_awards(estate: Number, claims: Mapping[P, Number]) -> ClaimsResult[P]:
    """Give everyone the same amount, but nobody more than their claim.

    Each award is ``min(claim, level)`` for the one level that exhausts the estate
    (Maimonides' rule). Source: Thomson (2003), see :func:`proportional`; B. O'Neill, "A
    problem of rights arbitration from the Talmud", *Mathematical Social Sciences*
    2(4):345-371, 1982.

    Guarantees (common to the four claims rules): the awards sum to the estate; every
    award lies between zero and the claim; equal claims get equal awards; awards and
    losses weakly increase with the claim; permuting parties permutes the awards.

    Args:
        estate: The amount to divide; non-negative and at most the total of the claims.
        claims: Maps each party to its (non-negative) claim.

    Returns:
        A :class:`ClaimsResult`.

    Raises:
        InvalidInput: If there are no claims, a number is negative, non-finite or not a
            number, or the estate exceeds the total of the claims.
    """
    exact_estate, exact_claims = _claims_problem(estate, claims, "constrained_equal_awards")
    return _result(exact_estate, exact_claims, _equal_awards(exact_estate, exact_claims))


def constrained_equal_losses(estate: Number, claims: Mapping[P, Number]) -> ClaimsResult[P]:
    """Make everyone lose the same amount, but nobody more than their claim.

    Each award is ``max(0, claim - level)`` for the one level that exhausts the estate;
    the dual of :func:`constrained_equal_awards`. Source: Thomson (2003), see
    :func:`proportional`.

    Guarantees (common to the four claims rules): the awards sum to the estate; every
    award lies between zero and the claim; equal claims get equal awards; awards and
    losses weakly increase with the claim; permuting parties permutes the awards.

    Args:
        estate: The amount to divide; non-negative and at most the total of the claims.
        claims: Maps each party to its (non-negative) claim.

    Returns:
        A :class:`ClaimsResult`.

    Raises:
        InvalidInput: If there are no claims, a number is negative, non-finite or not a
            number, or the estate exceeds the total of the claims.
    """
    exact_estate, exact_claims = _claims_problem(estate, claims, "constrained_equal_losses")
    deficit = sum(exact_claims.values(), _ZERO) - exact_estate
    losses = _equal_awards(deficit, exact_claims)
    awards = {party: claim - losses[party] for party, claim in exact_claims.items()}
    return _result(exact_estate, exact_claims, awards)


def talmud(estate: Number, claims: Mapping[P, Number]) -> ClaimsResult[P]:
    """The Talmud rule of Aumann and Maschler (the contested-garment principle).

    If the estate is at most half the total claims, divide it by constrained equal awards
    applied to the *half*-claims; otherwise give everyone half their claim and divide the
    rest by constrained equal losses applied to the half-claims. It reproduces the
    numerical examples of the Babylonian Talmud (tractate Ketubot 93a; Bava Metzia 2a for
    the contested garment). Source: R. J. Aumann and M. Maschler, "Game theoretic analysis
    of a bankruptcy problem from the Talmud", *Journal of Economic Theory*
    36(2):195-213, 1985.

    Also guaranteed: *self-duality* — dividing the estate gives the same awards as
    dividing the total loss and subtracting from the claims — and *consistency*: every
    pair of parties divides what they jointly received by the contested-garment
    principle.

    Guarantees (common to the four claims rules): the awards sum to the estate; every
    award lies between zero and the claim; equal claims get equal awards; awards and
    losses weakly increase with the claim; permuting parties permutes the awards.

    Args:
        estate: The amount to divide; non-negative and at most the total of the claims.
        claims: Maps each party to its (non-negative) claim.

    Returns:
        A :class:`ClaimsResult`.

    Raises:
        InvalidInput: If there are no claims, a number is negative, non-finite or not a
            number, or the estate exceeds the total of the claims.
    """
    exact_estate, exact_claims = _claims_problem(estate, claims, "talmud")
    halves = {party: claim / 2 for party, claim in exact_claims.items()}
    total = sum(exact_claims.values(), _ZERO)
    if exact_estate * 2 <= total:
        awards = _equal_awards(exact_estate, halves)
    else:
        losses = _equal_awards(total - exact_estate, halves)
        awards = {party: claim - losses[party] for party, claim in exact_claims.items()}
    return _result(exact_estate, exact_claims, awards)


# --------------------------------------------------------------------------- Knaster


@attrs.frozen
class KnasterResult(Generic[P, I]):
    """The outcome of :func:`knaster`.

    Attributes:
        shares: ``shares[party][item]``: the fraction of ``item`` the party receives (1 to
            the single highest bidder; shared equally by tied highest bidders).
        payments: Money each party *receives* (negative: pays). They sum to zero.
        fair_shares: Each party's fair share: its total bid divided by the number of
            parties.
        values: What each party ends up with by its own bids (items plus money):
            its fair share plus an equal part of the surplus.
        surplus: The total value of the items to their winners minus the total of the
            fair shares (never negative), divided equally.
    """

    shares: Mapping[P, Mapping[I, Fraction]]
    payments: Mapping[P, Fraction]
    fair_shares: Mapping[P, Fraction]
    values: Mapping[P, Fraction]
    surplus: Fraction


def knaster(bids: Mapping[P, Mapping[I, Number]]) -> KnasterResult[P, I]:
    """Knaster's procedure of sealed bids: items to the highest bidders, money to balance.

    Source: H. Steinhaus, "The problem of fair division", *Econometrica* 16:101-104, 1948
    (describing B. Knaster's procedure); also S. J. Brams and A. D. Taylor, *Fair
    Division*, 1996.

    Each party bids (in money) what each item is worth to it. Each item goes to its
    highest bidder; a party's fair share is its total bid divided by the number of
    parties; each party pays the value of what it won (by its own bid) less its fair
    share, and the resulting surplus is shared equally. Items with several equal highest
    bids are shared equally among those bidders (co-ownership or a later sale), as no
    label-blind rule can pick one of them.

    Guarantees: payments sum to zero (no money enters or leaves); every item goes to a
    highest bidder; every party ends up with at least its fair share by its own bids
    (proportionality), and exactly its fair share plus an equal part of the surplus;
    permuting parties permutes the outcome.

    Args:
        bids: Maps each party (at least two) to a mapping item → bid (non-negative).
            Every party must bid on the same items.

    Returns:
        A :class:`KnasterResult`.

    Raises:
        InvalidInput: If there are fewer than two parties, no items, the item sets differ,
            a bid is negative, non-finite or not a number, or a party bids zero on every
            item.
    """
    names, items, exact = _item_valuations(bids, what="knaster")
    n = len(names)
    share: dict[P, dict[I, Fraction]] = {party: dict.fromkeys(items, _ZERO) for party in names}
    for item in items:
        top = max(exact[party][item] for party in names)
        winners = [party for party in names if exact[party][item] == top]
        for party in winners:
            share[party][item] = Fraction(1, len(winners))
    fair = {party: sum(exact[party].values(), _ZERO) / n for party in names}
    won = {
        party: sum((share[party][item] * exact[party][item] for item in items), _ZERO)
        for party in names
    }
    surplus = sum(won.values(), _ZERO) - sum(fair.values(), _ZERO)
    payments = {party: fair[party] - won[party] + surplus / n for party in names}
    values = {party: won[party] + payments[party] for party in names}
    return KnasterResult(
        shares=_freeze_nested(share),
        payments=_freeze(payments),
        fair_shares=_freeze(fair),
        values=_freeze(values),
        surplus=surplus,
    )


# --------------------------------------------------------------------------- money procedures


def split_the_difference(offer: Number, demand: Number) -> Fraction:
    """Settle halfway between the offer and the demand.

    Source: the folk procedure analysed in H. Raiffa, *The Art and Science of
    Negotiation*, Harvard University Press, 1982.

    Guarantees: the amount lies between the offer and the demand (inclusive), and is
    unchanged if the two are exchanged; mirroring the amounts (``x -> K - x``) with roles
    exchanged mirrors the amount.

    Args:
        offer: What the paying side offers (non-negative).
        demand: What the receiving side demands (non-negative).

    Returns:
        ``(offer + demand) / 2``, exactly.

    Raises:
        InvalidInput: If an amount is negative, non-finite or not a number.
    """
    low = _exact(offer, "split_the_difference: offer")
    high = _exact(demand, "split_the_difference: demand")
    return (low + high) / 2


@attrs.frozen
class BlindBiddingResult:
    """The outcome of :func:`blind_bidding`.

    Attributes:
        settled: Whether some round settled.
        amount: The settlement amount, or ``None`` if no round settled.
        round: The 1-based round that settled, or ``None``.
    """

    settled: bool
    amount: Fraction | None
    round: int | None


def blind_bidding(
    offers: Sequence[Number],
    demands: Sequence[Number],
    *,
    rounds: int = 3,
    within_amount: Number = 0,
    within_fraction: Number = 0,
) -> BlindBiddingResult:
    """Blind bidding: sealed offers and demands, settled when close enough.

    Source: the blind-bidding procedure of online dispute resolution services (e.g.
    Cybersettle, clickNsettle), described in G. Kaufmann-Kohler and T. Schultz, *Online
    Dispute Resolution: Challenges for Contemporary Justice*, Kluwer, 2004. Published
    descriptions differ in the details, so the rule here is explicit:

    * There are at most ``rounds`` rounds. In round ``k`` the paying side's sealed
      ``offers[k]`` meets the receiving side's sealed ``demands[k]``; neither side ever
      sees the other's number.
    * Round ``k`` settles if ``demand - offer <= max(within_amount, within_fraction *
      demand)`` (so an offer at or above the demand always settles), at the midpoint
      ``(offer + demand) / 2``. The first round that settles ends the procedure.
    * If no round settles, there is no settlement and nothing is revealed.

    Guarantees: a settlement lies between that round's offer and demand; the outcome
    depends only on the numbers. With ``within_fraction == 0`` the rule treats the sides
    alike: mirroring the amounts (``x -> K - x``) and exchanging offers with demands
    mirrors the settlement. A range relative to the demand is, by its definition, not
    mirror-symmetric.

    Args:
        offers: The paying side's sealed offer in each round (non-negative).
        demands: The receiving side's sealed demand in each round (non-negative); as many
            as ``offers``.
        rounds: The most rounds allowed (at least 1); ``len(offers)`` may not exceed it.
        within_amount: Settle when the gap is at most this amount (non-negative).
        within_fraction: Settle when the gap is at most this fraction of the demand
            (non-negative), e.g. ``Fraction(3, 10)`` for "within 30%".

    Returns:
        A :class:`BlindBiddingResult`.

    Raises:
        InvalidInput: If ``rounds`` is not a positive int, the sequences are empty, of
            different lengths or longer than ``rounds``, or a number is negative,
            non-finite or not a number.
    """
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise InvalidInput(f"blind_bidding: rounds must be a positive int, got {rounds!r}")
    low = [
        _exact(value, f"blind_bidding: offer in round {k + 1}") for k, value in enumerate(offers)
    ]
    high = [
        _exact(value, f"blind_bidding: demand in round {k + 1}") for k, value in enumerate(demands)
    ]
    if not low or len(low) != len(high):
        raise InvalidInput(
            f"blind_bidding: need one offer and one demand per round, got {len(low)} offers "
            f"and {len(high)} demands"
        )
    if len(low) > rounds:
        raise InvalidInput(f"blind_bidding: {len(low)} rounds of bids exceed the {rounds} allowed")
    amount = _exact(within_amount, "blind_bidding: within_amount")
    fraction = _exact(within_fraction, "blind_bidding: within_fraction")
    for k, (offer, demand) in enumerate(zip(low, high, strict=True), start=1):
        if demand - offer <= max(amount, fraction * demand):
            return BlindBiddingResult(settled=True, amount=(offer + demand) / 2, round=k)
    return BlindBiddingResult(settled=False, amount=None, round=None)


@attrs.frozen
class FinalOfferResult:
    """The outcome of :func:`final_offer`.

    Attributes:
        award: The chosen final offer (always exactly one of the two).
        chosen: ``"offer"`` or ``"demand"``; ``None`` when the two are equal.
    """

    award: Fraction
    chosen: Literal["offer", "demand"] | None


def final_offer(
    offer: Number,
    demand: Number,
    assessment: Number,
    *,
    tie_break: Literal["offer", "demand"] | None = None,
) -> FinalOfferResult:
    """Final-offer ("baseball") arbitration: the neutral picks one side's number, unaltered.

    Sources: C. M. Stevens, "Is Compulsory Arbitration Compatible with Bargaining?",
    *Industrial Relations* 5(2):38-52, 1966; H. S. Farber, "An Analysis of Final-Offer
    Arbitration", *Journal of Conflict Resolution* 24(4):683-705, 1980. Used in Major
    League Baseball salary arbitration.

    Each side submits a final number; the arbitrator, who has formed an assessment of the
    fair amount, must award whichever number is closer to it — never a compromise. The
    rule pushes both sides towards reasonable numbers. An assessment exactly halfway is a
    tie that nothing but the roles could break, so the caller must say which role wins
    ties; there is deliberately no default.

    Guarantees: the award is one of the two numbers; the decision depends only on the
    distances; mirroring the amounts (``x -> K - x``) with roles (and ``tie_break``)
    exchanged mirrors the award.

    Args:
        offer: The paying side's final offer (non-negative).
        demand: The receiving side's final demand (non-negative).
        assessment: The arbitrator's own view of the fair amount (non-negative).
        tie_break: Which number wins when the assessment is exactly halfway.

    Returns:
        A :class:`FinalOfferResult`.

    Raises:
        InvalidInput: If an amount is negative, non-finite or not a number, or the
            assessment is exactly halfway and ``tie_break`` is not given.
    """
    low = _exact(offer, "final_offer: offer")
    high = _exact(demand, "final_offer: demand")
    fair = _exact(assessment, "final_offer: assessment")
    if tie_break not in (None, "offer", "demand"):
        raise InvalidInput(f"final_offer: tie_break must be 'offer' or 'demand', got {tie_break!r}")
    if low == high:
        return FinalOfferResult(award=low, chosen=None)
    to_offer, to_demand = abs(fair - low), abs(fair - high)
    if to_offer == to_demand:
        if tie_break is None:
            raise InvalidInput(
                "final_offer: the assessment is exactly halfway between offer and demand; "
                "pass tie_break='offer' or tie_break='demand' to decide ties"
            )
        chosen: Literal["offer", "demand"] = tie_break
    else:
        chosen = "offer" if to_offer < to_demand else "demand"
    return FinalOfferResult(award=low if chosen == "offer" else high, chosen=chosen)
