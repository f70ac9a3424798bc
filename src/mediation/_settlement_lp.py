"""Exact linear programming over the rationals, for :mod:`mediation.settlement`.

A small dense two-phase simplex method on :class:`fractions.Fraction` values with Bland's
rule (which cannot cycle), plus a lexicographic max-min ("leximin") routine built on it.
Problems in this library are tiny (a handful of options and parties), so clarity and
exactness win over speed. Private: the public API is :mod:`mediation.settlement`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import attrs

__all__ = ["Constraint", "leximin", "max_min", "maximize"]

_ZERO = Fraction(0)
_ONE = Fraction(1)

Sense = Literal["<=", "=", ">="]


@attrs.frozen
class Constraint:
    """One linear constraint ``coefficients · x  sense  rhs`` over variables ``x >= 0``."""

    coefficients: tuple[Fraction, ...]
    sense: Sense
    rhs: Fraction


class UnboundedError(ArithmeticError):
    """The objective is unbounded; never expected for the bounded problems of this library."""


def _pivot(tableau: list[list[Fraction]], row: int, column: int) -> None:
    """Gauss-Jordan pivot on ``tableau[row][column]``, touching only non-zero entries."""
    pivot_row = tableau[row]
    factor = pivot_row[column]
    if factor != _ONE:
        pivot_row = [value / factor if value else value for value in pivot_row]
        tableau[row] = pivot_row
    support = [index for index, value in enumerate(pivot_row) if value]
    for index, other in enumerate(tableau):
        if index == row:
            continue
        multiple = other[column]
        if multiple:
            for position in support:
                other[position] -= multiple * pivot_row[position]


def _run_simplex(tableau: list[list[Fraction]], basis: list[int], usable: int) -> None:
    """Maximise in place. The last tableau row holds the reduced costs (and minus the
    objective value in its last entry); only columns below ``usable`` may enter."""
    costs = tableau[-1]
    rows = len(tableau) - 1
    while True:
        # Bland's rule: the lowest-index improving column enters ...
        entering = next((c for c in range(usable) if costs[c] > 0), -1)
        if entering < 0:
            return
        # ... and among the tied minimum ratios the lowest-index basic variable leaves.
        leaving = -1
        best = _ZERO
        for row in range(rows):
            coefficient = tableau[row][entering]
            if coefficient > 0:
                ratio = tableau[row][-1] / coefficient
                if leaving < 0 or ratio < best or (ratio == best and basis[row] < basis[leaving]):
                    best, leaving = ratio, row
        if leaving < 0:
            raise UnboundedError("linear program is unbounded")
        _pivot(tableau, leaving, entering)
        costs = tableau[-1]
        basis[leaving] = entering


def _cost_row(
    tableau: list[list[Fraction]], basis: list[int], cost: Sequence[Fraction]
) -> list[Fraction]:
    """Reduced costs ``c - c_B B^-1 A`` and ``-c_B x_B`` for a tableau in canonical form."""
    result = [*cost, _ZERO]
    for row, column in enumerate(basis):
        weight = cost[column]
        if weight:
            for position, value in enumerate(tableau[row]):
                if value:
                    result[position] -= weight * value
    return result


def maximize(
    objective: Sequence[Fraction], constraints: Sequence[Constraint]
) -> tuple[Fraction, tuple[Fraction, ...]] | None:
    """Maximise ``objective · x`` subject to ``constraints`` and ``x >= 0``, exactly.

    Returns:
        ``(optimal value, optimal x)``, or ``None`` when no ``x`` satisfies the constraints.

    Raises:
        UnboundedError: If the objective is unbounded above.
    """
    size = len(objective)
    normalised: list[tuple[list[Fraction], Sense, Fraction]] = []
    for constraint in constraints:
        coefficients, sense, rhs = list(constraint.coefficients), constraint.sense, constraint.rhs
        if rhs < 0:
            coefficients = [-value for value in coefficients]
            rhs = -rhs
            sense = "<=" if sense == ">=" else ">=" if sense == "<=" else "="
        normalised.append((coefficients, sense, rhs))
    slack_count = sum(1 for _, sense, _ in normalised if sense != "=")
    artificial_count = sum(1 for _, sense, _ in normalised if sense != "<=")
    artificial_start = size + slack_count
    width = artificial_start + artificial_count
    tableau: list[list[Fraction]] = []
    basis: list[int] = []
    slack, artificial = size, artificial_start
    for coefficients, sense, rhs in normalised:
        row = [*coefficients, *([_ZERO] * (width - size)), rhs]
        if sense == "<=":
            row[slack] = _ONE
            basis.append(slack)
            slack += 1
        else:
            if sense == ">=":
                row[slack] = -_ONE
                slack += 1
            row[artificial] = _ONE
            basis.append(artificial)
            artificial += 1
        tableau.append(row)

    if artificial_count:
        # Phase 1: maximise minus the sum of the artificial variables.
        phase_one = [_ZERO] * artificial_start + [-_ONE] * artificial_count
        tableau.append(_cost_row(tableau, basis, phase_one))
        _run_simplex(tableau, basis, width)
        if tableau.pop()[-1] != 0:  # the optimum -sum(artificials) is minus this entry
            return None
        # Drive artificial variables (all at zero) out of the basis; drop redundant rows.
        position = 0
        while position < len(tableau):
            if basis[position] >= artificial_start:
                column = next((c for c in range(artificial_start) if tableau[position][c] != 0), -1)
                if column < 0:
                    del tableau[position]
                    del basis[position]
                    continue
                _pivot(tableau, position, column)
                basis[position] = column
            position += 1

    # Phase 2 on the original objective; artificial columns may no longer enter.
    tableau.append(_cost_row(tableau, basis, [*objective, *([_ZERO] * (width - size))]))
    _run_simplex(tableau, basis, artificial_start)
    solution = [_ZERO] * size
    for position, column in enumerate(basis):
        if column < size:
            solution[column] = tableau[position][-1]
    return -tableau[-1][-1], tuple(solution)


def max_min(gains: Sequence[Sequence[Fraction]]) -> Fraction | None:
    """The largest ``t`` such that some weights ``w`` in the simplex give every objective
    ``sum(gains[k][j] * w[j] for j) >= t``; ``None`` only when ``gains`` has no columns."""
    columns = len(gains[0]) if gains else 0
    if not columns:
        return None
    shift = min(min(min(row) for row in gains), _ZERO)
    constraints = [Constraint((_ONE,) * columns + (_ZERO,), "=", _ONE)] + [
        Constraint((*(value - shift for value in row), -_ONE), ">=", _ZERO) for row in gains
    ]
    found = maximize((_ZERO,) * columns + (_ONE,), constraints)
    return None if found is None else found[0] + shift


def leximin(
    gains: Sequence[Sequence[Fraction]], equalities: Sequence[Constraint] = ()
) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None:
    """Lexicographic max-min of linear functions over the simplex of weights.

    The variables are weights ``w`` (one per column of ``gains``) with ``w >= 0`` and
    ``sum(w) == 1``, further restricted by ``equalities``. Objective ``k`` is
    ``sum(gains[k][j] * w[j] for j)``. The leximin vector of objective values is unique,
    and so are the weights when the objectives are the weights themselves.

    Each round solves two linear programmes: one for the highest level every free
    objective can reach together, and one (on the homogenised feasible set, whose optimum
    marks every objective that can rise above the level at once) for which free
    objectives are stuck at that level; those are fixed.

    Returns:
        ``(values, weights)``: the leximin-optimal objective values, in the order of
        ``gains``, and weights attaining them; ``None`` if no weights are feasible.
    """
    objectives = len(gains)
    columns = len(gains[0]) if objectives else 0
    # Because the weights sum to one, subtracting a constant from every gain subtracts it
    # from every objective; shifting makes all objectives non-negative, so the level
    # variable t may stay sign-constrained like every other variable.
    shift = min(min((min(row) for row in gains), default=_ZERO), _ZERO)
    shifted = [tuple(value - shift for value in row) for row in gains]
    fixed: dict[int, Fraction] = {}
    free = list(range(objectives))

    def level_constraints() -> list[Constraint]:
        # Variables: w (columns), t.
        result = [Constraint((_ONE,) * columns + (_ZERO,), "=", _ONE)]
        result += [Constraint((*c.coefficients, _ZERO), c.sense, c.rhs) for c in equalities]
        result += [Constraint((*shifted[k], _ZERO), ">=", v) for k, v in fixed.items()]
        result += [Constraint((*shifted[k], -_ONE), ">=", _ZERO) for k in free]
        return result

    while free:
        outcome = maximize((_ZERO,) * columns + (_ONE,), level_constraints())
        if outcome is None:
            return None
        level = outcome[0]
        # Homogenised programme. Variables: w' (columns), s, then y_k and z_k per free k.
        # Feasible points with s > 0 are scaled feasible weights; the set is bounded, so
        # maximising sum(z) with z_k <= y_k, z_k <= 1 sets z_k = 1 exactly for the
        # objectives that can exceed the level.
        count = len(free)
        width = columns + 1 + 2 * count

        def row(
            head: Sequence[Fraction],
            s: Fraction,
            tail: dict[int, Fraction],
            width: int = width,
        ) -> tuple[Fraction, ...]:
            values = [*head, s] + [_ZERO] * (width - columns - 1)
            for index, value in tail.items():
                values[columns + 1 + index] = value
            return tuple(values)

        homogeneous = [Constraint(row((_ONE,) * columns, -_ONE, {}), "=", _ZERO)]
        homogeneous += [
            Constraint(row(c.coefficients, -c.rhs, {}), c.sense, _ZERO) for c in equalities
        ]
        homogeneous += [Constraint(row(shifted[k], -v, {}), ">=", _ZERO) for k, v in fixed.items()]
        for position, k in enumerate(free):
            homogeneous.append(Constraint(row(shifted[k], -level, {position: -_ONE}), "=", _ZERO))
            homogeneous.append(
                Constraint(
                    row((_ZERO,) * columns, _ZERO, {position: -_ONE, count + position: _ONE}),
                    "<=",
                    _ZERO,
                )
            )
            homogeneous.append(
                Constraint(row((_ZERO,) * columns, _ZERO, {count + position: _ONE}), "<=", _ONE)
            )
        rising = maximize(
            row((_ZERO,) * columns, _ZERO, {count + p: _ONE for p in range(count)}), homogeneous
        )
        if rising is None:  # pragma: no cover - s = 0 and all zeros is always feasible
            return None
        marks = rising[1][columns + 1 + count : width]
        stuck = [k for position, k in enumerate(free) if marks[position] != _ONE]
        if not stuck:  # pragma: no cover - impossible by the argument above
            raise ArithmeticError("leximin made no progress")
        for k in stuck:
            fixed[k] = level
        free = [k for k in free if k not in stuck]
    final = maximize((_ZERO,) * (columns + 1), level_constraints())
    if final is None:  # pragma: no cover - the fixed levels were shown feasible
        return None
    values = tuple(fixed[k] + shift for k in range(objectives))
    return values, final[1][:columns]
