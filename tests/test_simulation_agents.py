"""Tests of mediation.simulation.agents: the party agents' estimates and concession paths."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.simulation.agents import TRAITS, Package, PartyAgent, Style, draw_valuations


def _agents(seed: int, parties: int, options: Sequence[int], opposition: float) -> list[PartyAgent]:
    rng = Random(seed)
    drawn = draw_valuations(parties, options, opposition, rng)
    styles = list(Style)
    return [
        PartyAgent(
            f"p{seat}",
            seat,
            styles[rng.randrange(len(styles))],
            rng.random(),
            rng.random(),
            weights,
            scores,
            [[rng.gauss(0.0, 1.0) for _ in range(count)] for count in options],
        )
        for seat, (weights, scores) in enumerate(drawn)
    ]


def _model_by_scan(agent: PartyAgent, others: Sequence[PartyAgent]) -> list[list[float]]:
    """The estimate as first written: one running sum per option, other by other."""
    sigma = agent.traits.model_noise * agent.insight
    rows = []
    for issue, noise_row in enumerate(agent.noise):
        row = [0.0] * len(noise_row)
        for other in others:
            values = other.values[issue]
            span = values[other.favourite[issue]]
            for option, value in enumerate(values):
                row[option] += value + sigma * span * noise_row[option]
        rows.append(row)
    return rows


def _plan_by_scan(
    agent: PartyAgent, others: Sequence[PartyAgent], fixed: Mapping[int, int], steps: int = 0
) -> list[tuple[Package, float]]:
    """The concession path as first written: every step scans every issue and option."""
    estimate = _model_by_scan(agent, others)
    package = [fixed.get(issue, best) for issue, best in enumerate(agent.favourite)]
    values = agent.values
    path = [(tuple(package), agent.utility(package))]
    for _ in range(steps or 4 * len(package)):
        best_score = -math.inf
        best_move: tuple[int, int] | None = None
        for issue, current in enumerate(package):
            if issue in fixed:
                continue
            own_row, their_row = values[issue], estimate[issue]
            own_now, their_now = own_row[current], their_row[current]
            for option, their_value in enumerate(their_row):
                gain = their_value - their_now
                if gain <= 1e-12:
                    continue
                loss = own_now - own_row[option]
                score = gain / loss if loss > 1e-12 else math.inf
                if score > best_score:
                    best_score, best_move = score, (issue, option)
        if best_move is None:
            break
        package[best_move[0]] = best_move[1]
        path.append((tuple(package), agent.utility(package)))
    return path


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    parties=st.integers(2, 4),
    options=st.lists(st.integers(1, 6), min_size=1, max_size=6),
    opposition=st.sampled_from([0.0, 0.5, 1.0]),
    insight=st.sampled_from([1.0, 0.6, 0.0]),
    data=st.data(),
)
def test_plan_and_model_agree_with_a_scan_of_every_issue_and_option(
    seed: int,
    parties: int,
    options: list[int],
    opposition: float,
    insight: float,
    data: st.DataObject,
) -> None:
    agents = _agents(seed, parties, options, opposition)
    agent, others = agents[0], agents[1:]
    agent.insight = insight
    fixed_issues = data.draw(st.sets(st.integers(0, len(options) - 1)))
    fixed = {issue: data.draw(st.integers(0, options[issue] - 1)) for issue in sorted(fixed_issues)}
    steps = data.draw(st.sampled_from([0, 1, 3]))
    assert agent.model(others) == _model_by_scan(agent, others)
    assert agent.plan(others, fixed, steps) == _plan_by_scan(agent, others, fixed, steps)


def test_equal_scores_take_the_first_issue_and_option() -> None:
    # Two issues alike for everyone (each best moved straight to its far option, score
    # 1.0 on both): the first issue's move comes first, as in a scan.
    noise = [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    agent = PartyAgent("a", 0, Style.COMPROMISING, 0.0, 0.0, [1, 1], [[9, 3, 0], [9, 3, 0]], noise)
    other = PartyAgent("b", 1, Style.COMPROMISING, 0.0, 0.0, [1, 1], [[0, 3, 9], [0, 3, 9]], noise)
    path = agent.plan([other], {})
    assert [package for package, _ in path] == [(0, 0), (2, 0), (2, 2)]
    assert path == _plan_by_scan(agent, [other], {})
    assert path[0][1] == 1.0 and path[-1][1] == 0.0


def test_a_fixed_issue_never_moves_and_no_gain_ends_the_path() -> None:
    noise = [[0.0, 0.0], [0.0, 0.0]]
    agent = PartyAgent("a", 0, Style.AVOIDING, 0.0, 0.0, [1, 1], [[5, 0], [5, 0]], noise)
    other = PartyAgent("b", 1, Style.AVOIDING, 0.0, 0.0, [1, 1], [[0, 5], [0, 5]], noise)
    assert agent.plan([other], {0: 0}) == [((0, 0), 1.0), ((0, 1), 0.5)]
    assert agent.plan([other], {0: 0, 1: 0}) == [((0, 0), 1.0)]
    assert TRAITS[agent.style] is agent.traits


def _valuations_as_first_written(
    parties: int, options: Sequence[int], opposition: float, rng: Random
) -> list[tuple[list[int], list[list[int]]]]:
    positions = [[rng.random() for _ in range(count)] for count in options]
    drawn: list[tuple[list[int], list[list[int]]]] = []
    for seat in range(parties):
        weights = [1 + int(rng.random() * 100) % 100 for _ in options]
        scores = []
        for issue, count in enumerate(options):
            ideal = (seat / parties + rng.uniform(-0.1, 0.1)) % 1.0
            row = []
            for option in range(count):
                gap = abs(positions[issue][option] - ideal)
                closeness = 1.0 - 2.0 * min(gap, 1.0 - gap)
                value = (1.0 - opposition) * rng.random() + opposition * closeness
                row.append(round(100 * value))
            scores.append(row)
        drawn.append((weights, scores))
    return drawn


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**64),
    parties=st.integers(1, 5),
    options=st.lists(st.integers(1, 7), max_size=6),
    opposition=st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0.0, 1.0)),
)
def test_valuations_are_the_same_draws_as_first_written(
    seed: int, parties: int, options: list[int], opposition: float
) -> None:
    # The same seed must give the same disputes whatever the code's shape.
    first, second = Random(seed), Random(seed)
    assert draw_valuations(parties, options, opposition, first) == (
        _valuations_as_first_written(parties, options, opposition, second)
    )
    assert first.random() == second.random()  # as many draws taken


def test_the_shorter_way_round_the_circle_counts() -> None:
    # Options a quarter and three quarters round from the ideal are equally close.
    class Fixed(Random):
        def __init__(self, draws: list[float]) -> None:
            super().__init__(0)
            self.draws = draws

        def random(self) -> float:
            return self.draws.pop(0)

    # positions 0.25, 0.75, 0.5, 0.0; weight draw; ideal 0 + uniform(-0.1, 0.1) at 0.5 -> 0.0
    rng = Fixed([0.25, 0.75, 0.5, 0.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0])
    ((weights, (scores,)),) = draw_valuations(1, [4], 1.0, rng)
    assert weights == [51]
    assert scores == [50, 50, 0, 100]
