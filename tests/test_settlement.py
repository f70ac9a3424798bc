"""Tests for mediation.settlement: published cases, properties (hypothesis), bad input."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Any, Literal, TypeVar

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mediation.errors import InvalidInput
from mediation.settlement import (
    BargainingSolution,
    BlindBiddingResult,
    ClaimsResult,
    Number,
    adjusted_winner,
    blind_bidding,
    constrained_equal_awards,
    constrained_equal_losses,
    egalitarian,
    final_offer,
    kalai_smorodinsky,
    knaster,
    nash,
    pareto_frontier,
    proportional,
    split_the_difference,
    talmud,
)

F = Fraction
K = TypeVar("K")
V = TypeVar("V")

Options = dict[str, dict[str, Fraction]]
Solver = Callable[..., BargainingSolution[str, str]]
ClaimsRule = Callable[..., ClaimsResult[str]]

SOLVERS: list[Solver] = [nash, kalai_smorodinsky, egalitarian]
AFFINE_INVARIANT: list[Solver] = [nash, kalai_smorodinsky]
RULES: list[ClaimsRule] = [proportional, constrained_equal_awards, constrained_equal_losses, talmud]


def plain(mapping: Mapping[K, Any]) -> dict[K, Any]:
    """Nested read-only mappings as plain dicts, for comparisons and messages."""
    return {k: plain(v) if isinstance(v, Mapping) else v for k, v in mapping.items()}


# --------------------------------------------------------------------------- strategies

small = st.one_of(
    st.integers(min_value=0, max_value=12),
    st.fractions(min_value=0, max_value=12, max_denominator=6),
)
signed = st.integers(min_value=-4, max_value=10)


@st.composite
def two_party_points(draw: st.DrawFn) -> dict[str, dict[str, Fraction]]:
    items = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=6, unique=True))
    result = {}
    for party in ("A", "B"):
        values = {item: F(draw(small)) for item in items}
        assume(any(values.values()))
        result[party] = values
    return result


@st.composite
def bargaining_problems(
    draw: st.DrawFn, parties: int = 2, symmetric: bool = False
) -> tuple[Options, dict[str, Fraction]]:
    names = [f"p{k}" for k in range(parties)]
    count = draw(st.integers(min_value=1, max_value=4))
    options: Options = {}
    for j in range(count):
        vector = [F(draw(signed)) for _ in names]
        options[f"o{j}"] = dict(zip(names, vector, strict=True))
        if symmetric:
            options[f"o{j}'"] = dict(zip(names, reversed(vector), strict=True))
    if symmetric:
        level = F(draw(st.integers(min_value=-3, max_value=3)))
        disagreement = dict.fromkeys(names, level)
    else:
        disagreement = {p: F(draw(st.integers(min_value=-3, max_value=3))) for p in names}
    assume(any(all(o[p] > disagreement[p] for p in names) for o in options.values()))
    return options, disagreement


@st.composite
def claims_problems(draw: st.DrawFn) -> tuple[Fraction, dict[str, Fraction]]:
    count = draw(st.integers(min_value=1, max_value=5))
    claims = {f"c{k}": F(draw(small)) for k in range(count)}
    total = sum(claims.values(), F(0))
    share = draw(st.fractions(min_value=0, max_value=1, max_denominator=12))
    return total * share, claims


@st.composite
def knaster_bids(draw: st.DrawFn) -> dict[str, dict[str, Fraction]]:
    parties = draw(st.integers(min_value=2, max_value=4))
    items = draw(st.lists(st.sampled_from("wxyz"), min_size=1, max_size=4, unique=True))
    bids = {}
    for k in range(parties):
        values = {item: F(draw(small)) for item in items}
        assume(any(values.values()))
        bids[f"q{k}"] = values
    return bids


money = st.fractions(min_value=0, max_value=1000, max_denominator=4)


# --------------------------------------------------------------------------- helpers


def normalised(points: Mapping[str, Mapping[str, Fraction]]) -> dict[str, dict[str, Fraction]]:
    return {
        party: {item: 100 * v / sum(own.values(), F(0)) for item, v in own.items()}
        for party, own in points.items()
    }


def is_aw_tie_case(points: Mapping[str, Mapping[str, Fraction]]) -> bool:
    """Equal points after the untied items, and at least two tied items (documented case)."""
    norm = normalised(points)
    a, b = norm["A"], norm["B"]
    tied = [i for i in a if a[i] == b[i]]
    return len(tied) >= 2 and sum(v for i, v in a.items() if v > b[i]) == sum(
        v for i, v in b.items() if v > a[i]
    )


def pareto_2d(point: Sequence[Fraction], vectors: Sequence[Sequence[Fraction]]) -> bool:
    """Independent check: ``point`` maximises some strictly positive weighting over the hull."""
    low, high = F(0), None
    for u in vectors:
        dx, dy = point[0] - u[0], point[1] - u[1]
        # Need dx + s * dy >= 0 for a weight s > 0 on the second party.
        if dy > 0:
            low = max(low, -dx / dy)
        elif dy < 0:
            bound = dx / -dy
            high = bound if high is None else min(high, bound)
        elif dx < 0:
            return False
    return high is None or (high > 0 and low <= high)


def check_lottery(
    solution: BargainingSolution[str, str], options: Options, parties: Sequence[str]
) -> None:
    """The lottery is a probability distribution attaining exactly the utilities."""
    assert all(p > 0 for p in solution.lottery.values())
    assert sum(solution.lottery.values()) == 1
    for party in parties:
        expected = sum(w * options[o][party] for o, w in solution.lottery.items())
        assert solution.utilities[party] == expected


def ideal_2d(options: Options, d: Mapping[str, Fraction]) -> tuple[Fraction, Fraction]:
    """Independent ideal point for two parties: vertices of hull ∩ {x >= d}."""
    vectors = [(o["p0"], o["p1"]) for o in options.values()]
    points = list(vectors)
    for u, v in combinations(vectors, 2):
        for k, level in ((0, d["p0"]), (1, d["p1"])):
            if u[k] != v[k]:
                t = (level - u[k]) / (v[k] - u[k])
                if 0 <= t <= 1:
                    points.append((u[0] + t * (v[0] - u[0]), u[1] + t * (v[1] - u[1])))
    rational = [x for x in points if x[0] >= d["p0"] and x[1] >= d["p1"]]
    return max(x[0] for x in rational), max(x[1] for x in rational)


# --------------------------------------------------------------------------- Adjusted Winner


def test_adjusted_winner_matisse_picasso() -> None:
    result = adjusted_winner(
        {"Alice": {"Matisse": 75, "Picasso": 25}, "Ben": {"Matisse": 25, "Picasso": 75}}
    )
    assert plain(result.shares) == {
        "Alice": {"Matisse": 1, "Picasso": 0},
        "Ben": {"Matisse": 0, "Picasso": 1},
    }
    assert plain(result.points) == {"Alice": 75, "Ben": 75}
    assert result.split_item is None
    assert result.split_items == frozenset()


DIVORCE = {
    "Carol": {"Retirement": 50, "Home": 20, "Cottage": 15, "Investments": 10, "Other": 5},
    "Bob": {"Retirement": 40, "Home": 30, "Cottage": 10, "Investments": 10, "Other": 10},
}


def test_adjusted_winner_divorce() -> None:
    result = adjusted_winner(DIVORCE)
    assert plain(result.shares["Carol"]) == {
        "Retirement": F(5, 6),
        "Home": 0,
        "Cottage": 1,
        "Investments": 0,
        "Other": 0,
    }
    assert plain(result.shares["Bob"]) == {
        "Retirement": F(1, 6),
        "Home": 1,
        "Cottage": 0,
        "Investments": 1,
        "Other": 1,
    }
    assert plain(result.points) == {"Carol": F(170, 3), "Bob": F(170, 3)}
    assert result.split_item == "Retirement"
    assert all(isinstance(v, Fraction) for v in result.points.values())


def test_adjusted_winner_accepts_float_and_decimal_exactly() -> None:
    expected = adjusted_winner(DIVORCE)
    tenths = {
        p: {i: Decimal(v) / Decimal(10) for i, v in own.items()} for p, own in DIVORCE.items()
    }
    assert adjusted_winner(tenths) == expected  # Decimal is converted exactly
    one = adjusted_winner({"A": {"x": 0.1, "y": 0.3}, "B": {"x": 0.3, "y": 0.1}})
    assert isinstance(one.points["A"], Fraction)
    # The binary values of 0.1 and 0.3 are not in ratio 1:3, and the result says so exactly.
    assert one.points["A"] == 100 * F(0.3) / (F(0.1) + F(0.3))
    assert one.points["A"] != 75


def test_adjusted_winner_tie_case_is_label_blind() -> None:
    # Both parties value everything identically: nothing but labels could pick a winner.
    points = {"A": {"x": 30, "y": 70}, "B": {"x": 30, "y": 70}}
    result = adjusted_winner(points)
    assert plain(result.shares) == {
        "A": {"x": F(1, 2), "y": F(1, 2)},
        "B": {"x": F(1, 2), "y": F(1, 2)},
    }
    assert result.split_items == frozenset({"x", "y"})
    assert result.split_item is None
    assert plain(result.points) == {"A": 50, "B": 50}


def test_adjusted_winner_single_tied_item_is_halved() -> None:
    result = adjusted_winner({"A": {"x": 60, "t": 40, "y": 0}, "B": {"x": 0, "t": 40, "y": 60}})
    assert plain(result.shares["A"]) == {"x": 1, "t": F(1, 2), "y": 0}
    assert result.split_item == "t"
    assert plain(result.points) == {"A": 80, "B": 80}


def test_adjusted_winner_same_ratio_hands_larger_item_first() -> None:
    # A leads 90 to 70 after the first step; p, q and r all have ratio 3, so the largest
    # (r) is handed over first; it overshoots, so a third of it goes to B.
    points = {"A": {"p": 15, "q": 30, "r": 45, "s": 10}, "B": {"p": 5, "q": 10, "r": 15, "s": 70}}
    result = adjusted_winner(points)
    assert result.split_item == "r"
    assert plain(result.shares["B"]) == {"p": 0, "q": 0, "r": F(1, 3), "s": 1}
    assert plain(result.points) == {"A": 75, "B": 75}


@given(two_party_points())
def test_aw_shares_sum_to_one(points: dict[str, dict[str, Fraction]]) -> None:
    result = adjusted_winner(points)
    for item in points["A"]:
        assert 0 <= result.shares["A"][item] <= 1
        assert result.shares["A"][item] + result.shares["B"][item] == 1


@given(two_party_points())
def test_aw_at_most_one_split_outside_the_tie_case(points: dict[str, dict[str, Fraction]]) -> None:
    result = adjusted_winner(points)
    split = {i for i in points["A"] if 0 < result.shares["A"][i] < 1}
    assert split == result.split_items
    if not is_aw_tie_case(points):
        assert len(split) <= 1
        assert result.split_item == (next(iter(split)) if split else None)


@given(two_party_points())
def test_aw_points_exactly_equal_and_envy_free(points: dict[str, dict[str, Fraction]]) -> None:
    result = adjusted_winner(points)
    norm = normalised(points)
    own = {p: sum(result.shares[p][i] * norm[p][i] for i in norm[p]) for p in norm}
    assert own == plain(result.points)
    assert own["A"] == own["B"]
    for party, other in (("A", "B"), ("B", "A")):
        assert own[party] >= 50
        envy = sum(result.shares[other][i] * norm[party][i] for i in norm[party])
        assert own[party] >= envy


@given(two_party_points())
def test_aw_pareto_ratio_condition(points: dict[str, dict[str, Fraction]]) -> None:
    result = adjusted_winner(points)
    norm = normalised(points)
    a_items = [i for i in norm["A"] if result.shares["A"][i] > 0]
    b_items = [i for i in norm["A"] if result.shares["B"][i] > 0]
    for i in a_items:
        for j in b_items:
            # ratio_A(i) >= ratio_A(j), cross-multiplied to allow zero points.
            assert norm["A"][i] * norm["B"][j] >= norm["A"][j] * norm["B"][i]


@given(two_party_points())
def test_aw_swapping_labels_swaps_result(points: dict[str, dict[str, Fraction]]) -> None:
    result = adjusted_winner(points)
    swapped = adjusted_winner({"A": points["B"], "B": points["A"]})
    assert plain(swapped.shares) == {"A": plain(result.shares["B"]), "B": plain(result.shares["A"])}
    assert plain(swapped.points) == {"A": result.points["B"], "B": result.points["A"]}
    reordered = adjusted_winner({"B": points["B"], "A": points["A"]})
    assert plain(reordered.shares) == plain(result.shares)


@given(two_party_points(), st.randoms(use_true_random=False))
def test_aw_renaming_or_reordering_items_changes_nothing(
    points: dict[str, dict[str, Fraction]], rnd: Any
) -> None:
    result = adjusted_winner(points)
    items = list(points["A"])
    # Reordering the mappings changes nothing at all.
    order = items[:]
    rnd.shuffle(order)
    reordered = adjusted_winner({p: {i: points[p][i] for i in order} for p in points})
    assert plain(reordered.shares) == plain(result.shares)
    # An order-preserving renaming changes nothing but the names.
    renamed = adjusted_winner(
        {p: {f"item-{i}": v for i, v in own.items()} for p, own in points.items()}
    )
    assert {
        p: {i[5:]: v for i, v in own.items()} for p, own in plain(renamed.shares).items()
    } == plain(result.shares)
    # Any renaming: identically valued items are interchangeable, all else is unchanged.
    names = [f"n{k}" for k in range(len(items))]
    rnd.shuffle(names)
    rename = dict(zip(items, names, strict=True))
    other = adjusted_winner(
        {p: {rename[i]: v for i, v in own.items()} for p, own in points.items()}
    )
    assert plain(other.points) == plain(result.points)
    pairs = [(points["A"][i], points["B"][i]) for i in items]
    for i, pair in zip(items, pairs, strict=True):
        if pairs.count(pair) == 1:
            assert other.shares["A"][rename[i]] == result.shares["A"][i]


@given(two_party_points(), st.fractions(min_value=F(1, 10), max_value=50))
def test_aw_scaling_one_party_changes_nothing(
    points: dict[str, dict[str, Fraction]], factor: Fraction
) -> None:
    result = adjusted_winner(points)
    scaled = adjusted_winner(
        {"A": {i: v * factor for i, v in points["A"].items()}, "B": points["B"]}
    )
    assert plain(scaled.shares) == plain(result.shares)
    assert plain(scaled.points) == plain(result.points)


# --------------------------------------------------------------------------- bargaining

SQUARE = {"x": {"a": 4, "b": 0}, "y": {"a": 0, "b": 4}, "z": {"a": 1, "b": 1}}


@pytest.mark.parametrize("solver", SOLVERS)
def test_bargaining_symmetric_textbook_case(solver: Solver) -> None:
    solution = solver(SQUARE, {"a": 0, "b": 0})
    assert plain(solution.utilities) == {"a": 2, "b": 2}
    assert plain(solution.lottery) == {"x": F(1, 2), "y": F(1, 2)}


def test_nash_and_ks_on_an_asymmetric_segment() -> None:
    # Frontier a/8 + b/4 = 1 from (0,0): Nash halves each ideal; so does KS here.
    options = {"x": {"a": 8, "b": 0}, "y": {"a": 0, "b": 4}}
    for solver in (nash, kalai_smorodinsky):
        assert plain(solver(options, {"a": 0, "b": 0}).utilities) == {"a": 4, "b": 2}
    assert plain(egalitarian(options, {"a": 0, "b": 0}).utilities) == {"a": F(8, 3), "b": F(8, 3)}


def test_nash_differs_from_ks_when_the_frontier_bends() -> None:
    # Frontier (0,10) - (6,6) - (10,0): Nash at the kink (6,6), KS on the ray to (10,10).
    options = {"u": {"a": 0, "b": 10}, "v": {"a": 6, "b": 6}, "w": {"a": 10, "b": 0}}
    d = {"a": 0, "b": 0}
    assert plain(nash(options, d).utilities) == {"a": 6, "b": 6}
    assert plain(nash(options, d).lottery) == {"v": 1}
    # Nash on the edge (0,10)-(6,6) with d = (0, 5): product maximised inside the edge.
    lifted = nash(options, {"a": 0, "b": 5})
    assert plain(lifted.utilities) == {"a": F(15, 4), "b": F(15, 2)}
    assert plain(lifted.lottery) == {"u": F(3, 8), "v": F(5, 8)}


def test_egalitarian_is_not_invariant_under_rescaling() -> None:
    options = {"x": {"a": 4, "b": 0}, "y": {"a": 0, "b": 4}}
    d = {"a": 0, "b": 0}
    before = egalitarian(options, d)
    rescaled = {name: {"a": 2 * u["a"], "b": u["b"]} for name, u in options.items()}
    after = egalitarian(rescaled, d)
    assert plain(before.utilities) == {"a": 2, "b": 2}
    assert plain(after.utilities) == {"a": F(8, 3), "b": F(8, 3)}
    assert after.utilities["a"] != 2 * before.utilities["a"]  # not the rescaled solution
    assert plain(after.lottery) != plain(before.lottery)
    # Nash and Kalai–Smorodinsky on the same pair do follow the rescaling.
    for solver in (nash, kalai_smorodinsky):
        assert solver(rescaled, d).utilities["a"] == 2 * solver(options, d).utilities["a"]
        assert plain(solver(rescaled, d).lottery) == plain(solver(options, d).lottery)


def test_three_party_solutions() -> None:
    options = {
        "x": {"a": 3, "b": 0, "c": 0},
        "y": {"a": 0, "b": 3, "c": 0},
        "z": {"a": 0, "b": 0, "c": 3},
    }
    d = {"a": 0, "b": 0, "c": 0}
    for solver in SOLVERS:
        solution = solver(options, d)
        assert plain(solution.utilities) == {"a": 1, "b": 1, "c": 1}
        assert plain(solution.lottery) == {"x": F(1, 3), "y": F(1, 3), "z": F(1, 3)}
    # Facet a + 2b + 3c = 6: Nash gives each party 1/3 of the room over its own weight.
    tilted = {
        "x": {"a": 6, "b": 0, "c": 0},
        "y": {"a": 0, "b": 3, "c": 0},
        "z": {"a": 0, "b": 0, "c": 2},
    }
    assert plain(nash(tilted, d).utilities) == {"a": 2, "b": 1, "c": F(2, 3)}


def test_nash_three_parties_on_an_edge_is_refused_not_approximated() -> None:
    options = {"x": {"a": 3, "b": 0, "c": 1}, "y": {"a": 0, "b": 3, "c": 2}}
    with pytest.raises(InvalidInput, match="irrational"):
        nash(options, {"a": 0, "b": 0, "c": 0})
    # The linear-programming solutions are exact there.
    solution = egalitarian(options, {"a": 0, "b": 0, "c": 0})
    assert plain(solution.utilities) == {"a": F(3, 2), "b": F(3, 2), "c": F(3, 2)}


def test_bargaining_lottery_is_leximin_among_equivalent_lotteries() -> None:
    # Four collinear options reach (2, 2) in many ways; the canonical lottery uses all equally.
    options = {
        "a": {"p": 0, "q": 4},
        "b": {"p": 1, "q": 3},
        "c": {"p": 3, "q": 1},
        "d": {"p": 4, "q": 0},
    }
    solution = nash(options, {"p": 0, "q": 0})
    assert plain(solution.utilities) == {"p": 2, "q": 2}
    assert plain(solution.lottery) == dict.fromkeys("abcd", F(1, 4))


def test_pareto_frontier() -> None:
    assert pareto_frontier(SQUARE) == frozenset({"x", "y"})
    assert pareto_frontier(SQUARE, lotteries=False) == frozenset({"x", "y", "z"})
    options = {"p": {"a": 1, "b": 1}, "q": {"a": 1, "b": 1}, "r": {"a": 0, "b": 2}}
    assert pareto_frontier(options) == frozenset({"p", "q", "r"})


@pytest.mark.parametrize("solver", SOLVERS)
@given(problem=bargaining_problems())
def test_bargaining_pareto_and_individually_rational(
    solver: Solver, problem: tuple[Options, dict[str, Fraction]]
) -> None:
    options, d = problem
    solution = solver(options, d)
    check_lottery(solution, options, ["p0", "p1"])
    point = (solution.utilities["p0"], solution.utilities["p1"])
    assert pareto_2d(point, [(o["p0"], o["p1"]) for o in options.values()])
    assert all(solution.utilities[p] >= d[p] for p in d)
    if solver is nash:
        assert all(solution.utilities[p] > d[p] for p in d)


@pytest.mark.parametrize("solver", [kalai_smorodinsky, egalitarian])
@given(problem=bargaining_problems(parties=3))
def test_bargaining_three_parties_pareto_ir_and_relabelling(
    solver: Solver, problem: tuple[Options, dict[str, Fraction]]
) -> None:
    options, d = problem
    solution = solver(options, d)
    check_lottery(solution, options, list(d))
    assert all(solution.utilities[p] >= d[p] for p in d)
    probe = {**options, "probe": dict(solution.utilities)}
    assert "probe" in pareto_frontier(probe)
    rename = {"p0": "p1", "p1": "p2", "p2": "p0"}
    moved = solver(
        {o: {rename[p]: v for p, v in u.items()} for o, u in options.items()},
        {rename[p]: v for p, v in d.items()},
    )
    assert plain(moved.utilities) == {rename[p]: v for p, v in solution.utilities.items()}
    assert plain(moved.lottery) == plain(solution.lottery)


@given(problem=bargaining_problems(parties=3))
def test_nash_three_parties_exact_or_refused(problem: tuple[Options, dict[str, Fraction]]) -> None:
    options, d = problem
    rename = {"p0": "p2", "p1": "p0", "p2": "p1"}
    moved_options = {o: {rename[p]: v for p, v in u.items()} for o, u in options.items()}
    moved_d = {rename[p]: v for p, v in d.items()}
    refused: list[str] = []
    try:
        solution = nash(options, d)
    except InvalidInput as error:
        refused.append(str(error))
    if refused:
        assert "irrational" in refused[0]
        with pytest.raises(InvalidInput, match="irrational"):
            nash(moved_options, moved_d)
        return
    check_lottery(solution, options, list(d))
    assert all(solution.utilities[p] > d[p] for p in d)
    assert "probe" in pareto_frontier({**options, "probe": dict(solution.utilities)})
    # First-order certificate: no option improves the log of the Nash product.
    gradient = {p: 1 / (solution.utilities[p] - d[p]) for p in d}
    best = sum(gradient[p] * solution.utilities[p] for p in d)
    assert all(sum(gradient[p] * u[p] for p in d) <= best for u in options.values())
    moved = nash(moved_options, moved_d)
    assert plain(moved.utilities) == {rename[p]: v for p, v in solution.utilities.items()}
    assert plain(moved.lottery) == plain(solution.lottery)


@pytest.mark.parametrize("solver", SOLVERS)
@given(problem=bargaining_problems(symmetric=True))
def test_bargaining_symmetric_problems_symmetric_solutions(
    solver: Solver, problem: tuple[Options, dict[str, Fraction]]
) -> None:
    options, d = problem
    solution = solver(options, d)
    assert solution.utilities["p0"] == solution.utilities["p1"]


@pytest.mark.parametrize("solver", SOLVERS)
@given(problem=bargaining_problems())
def test_bargaining_swapping_players_swaps_solution(
    solver: Solver, problem: tuple[Options, dict[str, Fraction]]
) -> None:
    options, d = problem
    solution = solver(options, d)
    swap = {"p0": "p1", "p1": "p0"}
    swapped = solver(
        {o: {swap[p]: u[p] for p in reversed(list(u))} for o, u in options.items()},
        {swap[p]: d[p] for p in reversed(list(d))},
    )
    assert plain(swapped.utilities) == {
        "p0": solution.utilities["p1"],
        "p1": solution.utilities["p0"],
    }
    assert plain(swapped.lottery) == plain(solution.lottery)
    reordered = solver(dict(reversed(list(options.items()))), d)
    assert plain(reordered.lottery) == plain(solution.lottery)


@pytest.mark.parametrize("solver", AFFINE_INVARIANT)
@given(
    problem=bargaining_problems(),
    scale=st.fractions(min_value=F(1, 5), max_value=20, max_denominator=7),
    shift=st.fractions(min_value=-20, max_value=20, max_denominator=5),
)
def test_nash_and_ks_affine_invariant(
    solver: Solver, problem: tuple[Options, dict[str, Fraction]], scale: Fraction, shift: Fraction
) -> None:
    options, d = problem
    solution = solver(options, d)
    moved = solver(
        {o: {"p0": scale * u["p0"] + shift, "p1": u["p1"]} for o, u in options.items()},
        {"p0": scale * d["p0"] + shift, "p1": d["p1"]},
    )
    assert moved.utilities["p0"] == scale * solution.utilities["p0"] + shift
    assert moved.utilities["p1"] == solution.utilities["p1"]
    assert plain(moved.lottery) == plain(solution.lottery)


@given(problem=bargaining_problems(), keep=st.lists(st.booleans(), min_size=4, max_size=4))
def test_nash_independence_of_irrelevant_alternatives(
    problem: tuple[Options, dict[str, Fraction]], keep: list[bool]
) -> None:
    options, d = problem
    solution = nash(options, d)
    smaller = {
        name: u
        for index, (name, u) in enumerate(options.items())
        if name in solution.lottery or keep[index]
    }
    assert plain(nash(smaller, d).utilities) == plain(solution.utilities)


@given(
    problem=bargaining_problems(),
    extra=st.lists(
        st.tuples(st.fractions(0, 1, max_denominator=6), st.fractions(0, 1, max_denominator=6)),
        min_size=1,
        max_size=2,
    ),
)
def test_kalai_smorodinsky_monotone(
    problem: tuple[Options, dict[str, Fraction]], extra: list[tuple[Fraction, Fraction]]
) -> None:
    options, d = problem
    ideal = ideal_2d(options, d)
    larger = dict(options)
    for k, (s, t) in enumerate(extra):
        larger[f"new{k}"] = {
            "p0": d["p0"] + s * (ideal[0] - d["p0"]),
            "p1": d["p1"] + t * (ideal[1] - d["p1"]),
        }
    assume(ideal_2d(larger, d) == ideal)
    before = kalai_smorodinsky(options, d)
    after = kalai_smorodinsky(larger, d)
    assert after.utilities["p0"] >= before.utilities["p0"]
    assert after.utilities["p1"] >= before.utilities["p1"]


# --------------------------------------------------------------------------- claims rules


def test_contested_garment() -> None:
    assert plain(talmud(1, {"a": F(1, 2), "b": 1}).awards) == {"a": F(1, 4), "b": F(3, 4)}


@pytest.mark.parametrize(
    ("estate", "expected"),
    [
        (100, {"w1": F(100, 3), "w2": F(100, 3), "w3": F(100, 3)}),
        (200, {"w1": 50, "w2": 75, "w3": 75}),
        (300, {"w1": 50, "w2": 100, "w3": 150}),
    ],
)
def test_talmud_marriage_contracts(estate: int, expected: dict[str, Fraction]) -> None:
    # Ketubot 93a; Aumann and Maschler (1985), Table 1.
    assert plain(talmud(estate, {"w1": 100, "w2": 200, "w3": 300}).awards) == expected


def test_other_rules_on_the_marriage_contracts() -> None:
    claims = {"w1": 100, "w2": 200, "w3": 300}
    assert plain(proportional(300, claims).awards) == {"w1": 50, "w2": 100, "w3": 150}
    assert plain(constrained_equal_awards(200, claims).awards) == {
        "w1": F(200, 3),
        "w2": F(200, 3),
        "w3": F(200, 3),
    }
    assert plain(constrained_equal_awards(400, claims).awards) == {"w1": 100, "w2": 150, "w3": 150}
    assert plain(constrained_equal_losses(300, claims).awards) == {"w1": 0, "w2": 100, "w3": 200}
    assert plain(constrained_equal_losses(500, claims).awards) == {
        "w1": F(200, 3),
        "w2": F(500, 3),
        "w3": F(800, 3),
    }
    assert plain(talmud(300, claims).losses) == {"w1": 50, "w2": 100, "w3": 150}


def test_claims_accept_float_exactly() -> None:
    result = talmud(0.3, {"a": 0.1, "b": 0.7})
    assert sum(result.awards.values()) == F(0.3)
    assert result.awards["a"] == F(0.1) / 2


@pytest.mark.parametrize("rule", RULES)
@given(problem=claims_problems())
def test_claims_awards_sum_to_estate_and_bounded(
    rule: ClaimsRule, problem: tuple[Fraction, dict[str, Fraction]]
) -> None:
    estate, claims = problem
    result = rule(estate, claims)
    assert sum(result.awards.values()) == estate
    for party, claim in claims.items():
        assert 0 <= result.awards[party] <= claim
        assert result.losses[party] == claim - result.awards[party]


@pytest.mark.parametrize("rule", RULES)
@given(problem=claims_problems())
def test_claims_equal_treatment_and_order_preservation(
    rule: ClaimsRule, problem: tuple[Fraction, dict[str, Fraction]]
) -> None:
    estate, claims = problem
    result = rule(estate, claims)
    for i, j in combinations(claims, 2):
        if claims[i] == claims[j]:
            assert result.awards[i] == result.awards[j]
        if claims[i] <= claims[j]:
            assert result.awards[i] <= result.awards[j]
            assert result.losses[i] <= result.losses[j]


@pytest.mark.parametrize("rule", RULES)
@given(problem=claims_problems(), rnd=st.randoms(use_true_random=False))
def test_claims_relabelling_permutes_awards(
    rule: ClaimsRule, problem: tuple[Fraction, dict[str, Fraction]], rnd: Any
) -> None:
    estate, claims = problem
    names = list(claims)
    shuffled = names[:]
    rnd.shuffle(shuffled)
    rename = dict(zip(names, shuffled, strict=True))
    result = rule(estate, claims)
    moved = rule(estate, {rename[p]: claims[p] for p in reversed(names)})
    assert plain(moved.awards) == {rename[p]: a for p, a in result.awards.items()}


@given(problem=claims_problems())
def test_talmud_is_self_dual(problem: tuple[Fraction, dict[str, Fraction]]) -> None:
    estate, claims = problem
    total = sum(claims.values(), F(0))
    dual = talmud(total - estate, claims)
    assert plain(talmud(estate, claims).awards) == {
        p: c - dual.awards[p] for p, c in claims.items()
    }


@given(problem=claims_problems())
def test_cea_and_cel_are_dual(problem: tuple[Fraction, dict[str, Fraction]]) -> None:
    estate, claims = problem
    total = sum(claims.values(), F(0))
    dual = constrained_equal_awards(total - estate, claims)
    assert plain(constrained_equal_losses(estate, claims).awards) == {
        p: c - dual.awards[p] for p, c in claims.items()
    }


# --------------------------------------------------------------------------- Knaster


def test_knaster_three_heirs() -> None:
    bids = {
        "Ann": {"house": 100, "car": 10},
        "Bea": {"house": 80, "car": 30},
        "Cy": {"house": 90, "car": 20},
    }
    result = knaster(bids)
    assert plain(result.shares) == {
        "Ann": {"house": 1, "car": 0},
        "Bea": {"house": 0, "car": 1},
        "Cy": {"house": 0, "car": 0},
    }
    assert result.surplus == 20
    assert plain(result.fair_shares) == dict.fromkeys(bids, F(110, 3))
    assert plain(result.payments) == {"Ann": F(-170, 3), "Bea": F(40, 3), "Cy": F(130, 3)}
    assert plain(result.values) == dict.fromkeys(bids, F(130, 3))


def test_knaster_tied_top_bids_share_the_item() -> None:
    result = knaster({"A": {"x": 10}, "B": {"x": 10}})
    assert plain(result.shares) == {"A": {"x": F(1, 2)}, "B": {"x": F(1, 2)}}
    assert plain(result.payments) == {"A": 0, "B": 0}


@given(knaster_bids())
def test_knaster_properties(bids: dict[str, dict[str, Fraction]]) -> None:
    result = knaster(bids)
    assert sum(result.payments.values()) == 0
    for item in next(iter(bids.values())):
        top = max(own[item] for own in bids.values())
        assert sum(result.shares[p][item] for p in bids) == 1
        for party, own in bids.items():
            if result.shares[party][item] > 0:
                assert own[item] == top
    for party, own in bids.items():
        assert result.fair_shares[party] == sum(own.values(), F(0)) / len(bids)
        received = sum(result.shares[party][i] * own[i] for i in own) + result.payments[party]
        assert received == result.values[party]
        assert received >= result.fair_shares[party]
    assert result.surplus >= 0


@given(knaster_bids(), st.randoms(use_true_random=False))
def test_knaster_relabelling_permutes_outcome(
    bids: dict[str, dict[str, Fraction]], rnd: Any
) -> None:
    names = list(bids)
    shuffled = names[:]
    rnd.shuffle(shuffled)
    rename = dict(zip(names, shuffled, strict=True))
    result = knaster(bids)
    moved = knaster({rename[p]: bids[p] for p in reversed(names)})
    assert plain(moved.payments) == {rename[p]: v for p, v in result.payments.items()}
    assert plain(moved.shares) == {rename[p]: plain(v) for p, v in result.shares.items()}


# --------------------------------------------------------------------------- money procedures


def test_money_procedures_examples() -> None:
    assert split_the_difference(40_000, 60_000) == 50_000
    assert final_offer(40_000, 60_000, 48_000).award == 40_000
    assert final_offer(40_000, 60_000, 55_000).chosen == "demand"
    result = blind_bidding([10, 30, 45], [90, 70, 55], within_amount=15)
    assert result == BlindBiddingResult(settled=True, amount=F(50), round=3)
    relative = blind_bidding([10, 50], [90, 70], within_fraction=F(3, 10))
    assert relative == BlindBiddingResult(settled=True, amount=F(60), round=2)
    assert not blind_bidding([10], [90], within_amount=5).settled


def test_final_offer_tie_needs_an_explicit_rule() -> None:
    with pytest.raises(InvalidInput, match="tie_break"):
        final_offer(40, 60, 50)
    assert final_offer(40, 60, 50, tie_break="demand").award == 60
    assert final_offer(40, 60, 50, tie_break="offer").award == 40
    assert final_offer(50, 50, 10).chosen is None


@given(offer=money, demand=money, assessment=money, tie=st.sampled_from(["offer", "demand"]))
def test_final_offer_award_is_one_of_the_offers(
    offer: Fraction, demand: Fraction, assessment: Fraction, tie: Literal["offer", "demand"]
) -> None:
    result = final_offer(offer, demand, assessment, tie_break=tie)
    assert result.award in (offer, demand)
    assert abs(assessment - result.award) <= abs(assessment - offer)
    assert abs(assessment - result.award) <= abs(assessment - demand)
    top = F(1000)
    other: Literal["offer", "demand"] = "demand" if tie == "offer" else "offer"
    mirrored = final_offer(top - demand, top - offer, top - assessment, tie_break=other)
    assert mirrored.award == top - result.award


@given(offer=money, demand=money)
def test_split_the_difference_between_and_mirrored(offer: Fraction, demand: Fraction) -> None:
    amount = split_the_difference(offer, demand)
    assert min(offer, demand) <= amount <= max(offer, demand)
    assert split_the_difference(demand, offer) == amount
    top = F(1000)
    assert split_the_difference(top - demand, top - offer) == top - amount


@given(
    bids=st.lists(st.tuples(money, money), min_size=1, max_size=3),
    within=st.fractions(min_value=0, max_value=300, max_denominator=2),
)
def test_blind_bidding_settles_between_and_mirrors(
    bids: list[tuple[Fraction, Fraction]], within: Fraction
) -> None:
    offers = [low for low, _ in bids]
    demands = [high for _, high in bids]
    result = blind_bidding(offers, demands, within_amount=within)
    if result.settled:
        assert result.round is not None
        assert result.amount is not None
        k = result.round - 1
        assert min(offers[k], demands[k]) <= result.amount <= max(offers[k], demands[k])
        assert demands[k] - offers[k] <= within
        assert all(demands[j] - offers[j] > within for j in range(k))
    else:
        assert result.amount is None
        assert all(high - low > within for low, high in bids)
    top = F(1000)
    mirrored = blind_bidding(
        [top - high for high in demands], [top - low for low in offers], within_amount=within
    )
    assert mirrored.settled == result.settled
    assert mirrored.round == result.round
    if result.amount is not None:
        assert mirrored.amount == top - result.amount


# --------------------------------------------------------------------------- bad input


def loose(value: Any) -> Any:
    """Let deliberately ill-typed input through the type checker."""
    return value


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: adjusted_winner({"A": {"x": 1}}), "exactly 2 parties"),
        (lambda: adjusted_winner({"A": {"x": 1}, "B": {"x": 1}, "C": {"x": 1}}), "exactly 2"),
        (lambda: adjusted_winner({"A": {}, "B": {}}), "no items"),
        (lambda: adjusted_winner({"A": {"x": 1}, "B": {"y": 1}}), "different set of items"),
        (lambda: adjusted_winner({"A": {"x": -1, "y": 2}, "B": {"x": 1, "y": 1}}), "negative"),
        (lambda: adjusted_winner({"A": {"x": 0, "y": 0}, "B": {"x": 1, "y": 1}}), "zero"),
        (lambda: adjusted_winner(loose({"A": {"x": float("nan")}, "B": {"x": 1}})), "finite"),
        (lambda: adjusted_winner(loose({"A": {"x": float("inf")}, "B": {"x": 1}})), "finite"),
        (lambda: adjusted_winner(loose({"A": {"x": Decimal("NaN")}, "B": {"x": 1}})), "finite"),
        (lambda: adjusted_winner(loose({"A": {"x": True}, "B": {"x": 1}})), "bool"),
        (lambda: adjusted_winner(loose({"A": {"x": "1"}, "B": {"x": 1}})), "must be an int"),
        (
            lambda: adjusted_winner({"A": {1: 5, "b": 5, "c": 10}, "B": {1: 5, "b": 5, "c": 0}}),
            "orderable",
        ),
        (lambda: knaster({"A": {"x": 1}}), "at least 2 parties"),
        (lambda: knaster({"A": {"x": 1}, "B": {"x": -2}}), "negative"),
        (lambda: knaster({"A": {"x": 0}, "B": {"x": 2}}), "zero"),
        (lambda: talmud(3, {"a": 1, "b": 1}), "exceeds"),
        (lambda: talmud(-1, {"a": 1}), "negative"),
        (lambda: proportional(1, {}), "no claims"),
        (lambda: constrained_equal_awards(1, {"a": float("inf")}), "finite"),
        (lambda: nash({}, {"a": 0, "b": 0}), "no options"),
        (lambda: nash({"x": {"a": 1}}, {"a": 0}), "at least 2 parties"),
        (lambda: nash({"x": {"a": 1, "b": 1}}, {"a": 0, "c": 0}), "exactly the parties"),
        (lambda: nash({"x": {"a": 1, "b": float("nan")}}, {"a": 0, "b": 0}), "finite"),
        (lambda: kalai_smorodinsky({"x": {"a": 1, "b": 0}}, {"a": 0, "b": 0}), "strictly more"),
        (lambda: egalitarian({"x": {"a": -1, "b": 5}}, {"a": 0, "b": 0}), "strictly more"),
        (lambda: pareto_frontier({"x": {"a": 1}}), "at least 2 parties"),
        (lambda: split_the_difference(-1, 5), "negative"),
        (lambda: final_offer(1, 2, float("nan")), "finite"),
        (lambda: blind_bidding([1, 2], [3]), "one offer and one demand"),
        (lambda: blind_bidding([], []), "one offer and one demand"),
        (lambda: blind_bidding([1, 2], [3, 4], rounds=1), "exceed"),
        (lambda: blind_bidding([1], [3], rounds=0), "positive int"),
        (lambda: blind_bidding([1], [3], within_amount=-1), "negative"),
        (lambda: adjusted_winner(loose([("A", {"x": 1})])), "map each party to a mapping"),
        (lambda: knaster(loose({"A": 5, "B": {"x": 1}})), "values of party 'A' must be a"),
        (lambda: knaster(loose({"A": {"x": 1}, "B": 5})), "values of party 'B' must be a"),
        (
            lambda: nash(loose({"x": 5, "y": {"a": 1, "b": 1}}), {"a": 0, "b": 0}),
            "option 'x' must map each party to a utility",
        ),
        (
            lambda: nash({"x": {"a": 1, "b": 1}}, loose([("a", 0), ("b", 0)])),
            "disagreement point must map party to utility",
        ),
        (lambda: final_offer(1, 2, 1.5, tie_break=loose("middle")), "'offer' or 'demand'"),
    ],
)
def test_bad_input_raises_invalid_input(call: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        call()


def test_invalid_input_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        proportional(1, {"a": -1})


def test_different_item_sets_are_named_in_the_refusal() -> None:
    with pytest.raises(InvalidInput) as info:
        knaster({"A": {"x": 1, "y": 1}, "B": {"x": 1}})
    assert str(info.value) == (
        "knaster: party 'B' values a different set of items than party 'A' "
        "(missing: 'y'; extra: none)"
    )
    with pytest.raises(InvalidInput) as info:
        adjusted_winner({"A": {"x": 1}, "B": {"x": 1, "z": 2}})
    assert str(info.value) == (
        "adjusted_winner: party 'B' values a different set of items than party 'A' "
        "(missing: none; extra: 'z')"
    )


def test_adjusted_winner_hands_over_a_small_item_with_the_lowest_ratio_first() -> None:
    # A leads (81 to 59.05); the item worth 1 point to A has the lowest ratio (1 / 0.95),
    # so it goes to B whole before the item worth 80 to A is split.
    points: dict[str, dict[str, Number]] = {
        "A": {"x": 80, "t": 1, "y": 19},
        "B": {"x": 40, "t": Fraction(19, 20), "y": Fraction(1181, 20)},
    }
    result = adjusted_winner(points)
    assert dict(result.shares["B"]) == {"x": Fraction(1, 6), "t": 1, "y": 1}
    assert dict(result.points) == {"A": Fraction(200, 3), "B": Fraction(200, 3)}
    assert result.split_item == "x"


def test_nash_with_negative_utilities_finds_the_frontier_edge() -> None:
    # Every utility is negative, so the edge's hyperplane comes out with a negative normal
    # (-1/4, -1/4) · u = 1, which must be turned around, not skipped.
    solution = nash({"a": {"p": -1, "q": -3}, "b": {"p": -3, "q": -1}}, {"p": -4, "q": -4})
    assert dict(solution.utilities) == {"p": -2, "q": -2}
    assert dict(solution.lottery) == {"a": Fraction(1, 2), "b": Fraction(1, 2)}


def test_pareto_frontier_at_its_boundaries() -> None:
    # (1, 1) is beaten by the half-half lottery of (3, 0) and (0, 3) by a total surplus of
    # exactly 1; among the options alone it is not beaten.
    corners = {"x": {"p": 1, "q": 1}, "y": {"p": 3, "q": 0}, "z": {"p": 0, "q": 3}}
    assert pareto_frontier(corners) == frozenset({"y", "z"})
    assert pareto_frontier(corners, lotteries=False) == frozenset({"x", "y", "z"})
    # An equal option does not dominate; one as good in one respect and better in the
    # other does.
    ties = {
        "w": {"p": 1, "q": 1},
        "x": {"p": 2, "q": 1},
        "y": {"p": 2, "q": 1},
        "z": {"p": 0, "q": 3},
    }
    assert pareto_frontier(ties, lotteries=False) == frozenset({"x", "y", "z"})


def test_pareto_frontier_of_three_parties_counts_lotteries() -> None:
    # The even lottery of the three corners gives everyone 2/3: it beats (1/2, 1/2, 1/2)
    # but not (7/10, 7/10, 7/10).
    corners: dict[str, dict[str, Number]] = {
        "a": {"p": 2, "q": 0, "r": 0},
        "b": {"p": 0, "q": 2, "r": 0},
        "c": {"p": 0, "q": 0, "r": 2},
    }
    low: dict[str, dict[str, Number]] = {**corners, "x": {"p": F(1, 2), "q": F(1, 2), "r": F(1, 2)}}
    high: dict[str, dict[str, Number]] = {
        **corners,
        "y": {"p": F(7, 10), "q": F(7, 10), "r": F(7, 10)},
    }
    assert pareto_frontier(low) == frozenset({"a", "b", "c"})
    assert pareto_frontier(high) == frozenset({"a", "b", "c", "y"})
    assert pareto_frontier(low, lotteries=False) == frozenset({"a", "b", "c", "x"})
    # The even lottery of (2, 2, 0) and (2, 0, 2) is (2, 1, 1): better than (1, 1, 1) for
    # the first party only, and no option is better for anyone without being worse for
    # another. Still dominated.
    one_gains: dict[str, dict[str, Number]] = {
        "a": {"p": 2, "q": 2, "r": 0},
        "b": {"p": 2, "q": 0, "r": 2},
        "x": {"p": 1, "q": 1, "r": 1},
    }
    assert pareto_frontier(one_gains) == frozenset({"a", "b"})
    assert pareto_frontier(one_gains, lotteries=False) == frozenset({"a", "b", "x"})


def test_nash_finds_a_frontier_edge_through_the_origin() -> None:
    # The edge from (1, -1) to (-1, 1) lies on u_p + u_q = 0: its hyperplane has offset 0.
    solution = nash({"a": {"p": 1, "q": -1}, "b": {"p": -1, "q": 1}}, {"p": -2, "q": -2})
    assert dict(solution.utilities) == {"p": 0, "q": 0}
    assert dict(solution.lottery) == {"a": Fraction(1, 2), "b": Fraction(1, 2)}


def test_blind_bidding_defaults_three_rounds_and_no_tolerance() -> None:
    with pytest.raises(InvalidInput, match="4 rounds of bids exceed the 3 allowed"):
        blind_bidding([1, 2, 3, 4], [9, 9, 9, 9])
    assert blind_bidding([1, 2, 3], [9, 9, 9]).settled is False
    assert blind_bidding([10], [11]).settled is False  # one apart is not close enough
    assert blind_bidding([10], [11], within_amount=1).settled is True


def test_blind_bidding_names_the_round_of_a_bad_bid() -> None:
    with pytest.raises(InvalidInput, match="offer in round 2 must not be negative"):
        blind_bidding([1, -1], [3, 4])
    with pytest.raises(InvalidInput, match="demand in round 2 must not be negative"):
        blind_bidding([1, 2], [3, -4])


def test_nash_of_three_parties_passes_over_options_on_one_line() -> None:
    # h lies halfway between a and b: the three span no plane, and are skipped.
    options: dict[str, dict[str, Number]] = {
        "a": {"p": 2, "q": 0, "r": 0},
        "b": {"p": 0, "q": 2, "r": 0},
        "h": {"p": 1, "q": 1, "r": 0},
        "c": {"p": 0, "q": 0, "r": 2},
    }
    solution = nash(options, {"p": 0, "q": 0, "r": 0})
    assert dict(solution.utilities) == {"p": F(2, 3), "q": F(2, 3), "r": F(2, 3)}
    assert sum(solution.lottery.values()) == 1
