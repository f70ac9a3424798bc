"""Tests for mediation.simulation: runs, reproducibility, executors, label-blindness."""

from __future__ import annotations

import copy
import importlib
import os
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.model import Outcome
from mediation.simulation import (
    BUILTIN_SCENARIOS,
    MediationResult,
    Scenario,
    builtin,
    derive_seed,
    run,
    simulate,
    sweep,
)
from mediation.testing import ids

OUTCOMES = {outcome.value for outcome in Outcome}


@pytest.mark.parametrize("name", sorted(BUILTIN_SCENARIOS))
def test_every_builtin_scenario_runs(name: str) -> None:
    result = run(name, 25, seed=11, workers=1)
    assert len(result.results) == 25
    assert [r.index for r in result.results] == list(range(25))
    for record in result.results:
        assert record.outcome in OUTCOMES
        assert record.events >= 3
        assert record.outcome != "terminated_by_mediator"
        if record.settled:
            assert record.stage_reached == "agreement"
            assert record.equitability_gap is not None
            assert record.envy is not None and record.envy >= 0
    assert 0 <= result.summary.settlement_rate <= 1
    assert sum(result.summary.outcomes.values()) == 25


def test_same_seed_same_results_whatever_the_workers() -> None:
    inline = run("leader_subordinate", 40, seed=5, workers=1)
    pooled = run("leader_subordinate", 40, seed=5, workers=2, chunk_size=3)
    assert inline.results == pooled.results
    assert inline.summary == pooled.summary
    other = run("leader_subordinate", 40, seed=6, workers=1)
    assert other.results != inline.results


def test_a_mediation_depends_only_on_scenario_seed_and_index() -> None:
    scenario = builtin("secretary_client")
    assert simulate(scenario, 17, 3) == simulate(scenario, 17, 3)
    assert run(scenario, 18, seed=3, workers=1, chunk_size=5).results[17] == simulate(
        scenario, 17, 3
    )
    assert derive_seed(3, 17, "profile") != derive_seed(3, 17, "behaviour")


def test_dask_distributed_executor_gives_identical_results() -> None:
    # The dev extra installs Dask; in CI the test must run, elsewhere it may skip.
    distributed: Any = (
        importlib.import_module("distributed")
        if os.environ.get("CI")
        else pytest.importorskip("distributed")
    )
    inline = run("two_departments", 24, seed=2, workers=1)
    with distributed.Client(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as client:
        spread = run("two_departments", 24, seed=2, executor=client.get_executor(), chunk_size=5)
    assert spread.results == inline.results


def test_progress_is_reported_up_to_the_total() -> None:
    seen: list[tuple[int, int]] = []
    run("plain_5x5", 10, seed=1, workers=1, chunk_size=4, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(4, 10), (8, 10), (10, 10)]


def test_sweep_runs_every_point_on_the_same_disputes(tmp_path: Any) -> None:
    result = sweep(
        "plain_5x5",
        {"strategy.approach": ["facilitative", "evaluative"], "strategy.patience": [4, 8]},
        n=8,
        seed=4,
        workers=1,
    )
    assert [dict(p.params) for p in result.points] == [
        {"strategy.approach": "facilitative", "strategy.patience": 4},
        {"strategy.approach": "facilitative", "strategy.patience": 8},
        {"strategy.approach": "evaluative", "strategy.patience": 4},
        {"strategy.approach": "evaluative", "strategy.patience": 8},
    ]
    batnas = {tuple(r.batna.values()) for p in result.points for r in p.run.results[:1]}
    assert len(batnas) == 1  # common random numbers: same dispute at every point
    result.write_csv(tmp_path / "sweep.csv")
    lines = (tmp_path / "sweep.csv").read_text().splitlines()
    assert len(lines) == 1 + 4 * 8
    assert lines[0].startswith("point,strategy.approach,strategy.patience,index,")


def test_run_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n must be"):
        run("plain_5x5", 0)
    with pytest.raises(ValueError, match="workers must be"):
        run("plain_5x5", 1, workers=0)
    with pytest.raises(ValueError, match="grid"):
        sweep("plain_5x5", {}, 1)
    with pytest.raises(ValueError, match="non-empty list"):
        sweep("plain_5x5", {"strategy.patience": 3}, 1)  # type: ignore[dict-item]


# -- label-blindness --------------------------------------------------------------------------


def _renamed(scenario: Scenario, names: dict[str, str]) -> Scenario:
    data = copy.deepcopy(dict(scenario.data))
    for party in data["parties"]:
        party["id"] = names[party["id"]]
        party["manages"] = [names[p] for p in party.get("manages", [])]
    for relation in data.get("mediator", {}).get("relationships", []):
        relation["party"] = names[relation["party"]]
    return Scenario.from_dict(data)


def _check_renamed(a: MediationResult, b: MediationResult, names: dict[str, str]) -> None:
    for field in ("styles", "batna", "utility", "airtime", "party_envy"):
        left: dict[str, Any] = dict(getattr(a, field))
        assert {names[k]: v for k, v in left.items()} == dict(getattr(b, field)), field
    assert tuple(names[p] for p in a.withdrew) == b.withdrew
    for field in (
        "outcome",
        "stage_reached",
        "rounds",
        "events",
        "equitability_gap",
        "envy",
        "nash_distance",
        "escalation",
        "findings",
        "blocks",
        "zopa",
        "settled_by",
    ):
        assert getattr(a, field) == getattr(b, field), field


@pytest.mark.parametrize("name", ["leader_subordinate", "three_departments"])
def test_relabelling_parties_permutes_per_party_metrics_only(name: str) -> None:
    scenario = builtin(name)
    parties = scenario.party_ids()
    # Reverse the labels' alphabetical order, so nothing can lean on sorting by id.
    names = {p: f"{'zyx'[k]}{p}" for k, p in enumerate(parties)}
    original = run(scenario, 30, seed=9, workers=1)
    relabelled = run(_renamed(scenario, names), 30, seed=9, workers=1)
    for a, b in zip(original.results, relabelled.results, strict=True):
        _check_renamed(a, b, names)
    left, right = original.summary.to_dict(), relabelled.summary.to_dict()
    assert {names[k]: v for k, v in left.pop("mean_utility").items()} == right.pop("mean_utility")
    assert left == right


@given(st.lists(ids, min_size=2, max_size=2, unique=True))
def test_any_relabelling_of_two_colleagues_is_invisible(labels: list[str]) -> None:
    scenario = builtin("two_colleagues")
    if set(labels) & {"mediator", "supervisor"}:
        return
    names = dict(zip(scenario.party_ids(), labels, strict=True))
    for index in (0, 1):
        _check_renamed(
            simulate(scenario, index, 21), simulate(_renamed(scenario, names), index, 21), names
        )


def test_who_opens_and_who_proposes_first_is_drawn_per_case() -> None:
    from mediation import events as ev
    from mediation.simulation.session import _Session

    scenario = builtin("two_colleagues")
    opened_by_first_listed = proposed_by_first_listed = proposals = n = 0
    for index in range(160):
        session = _Session(scenario, index, 5)
        result = session.run()
        assert sorted(result.seating) == ["ana", "ben"]
        events = session.case.events
        opener = next((e.actor for e in events if isinstance(e, ev.StatementMade)), None)
        if opener is None:  # escalated at intake
            continue
        n += 1
        assert opener == result.seating[0]
        opened_by_first_listed += opener == "ana"
        first_proposal = next((e for e in events if isinstance(e, ev.ProposalMade)), None)
        if first_proposal is not None:
            assert first_proposal.actor == result.seating[0]
            proposals += 1
            proposed_by_first_listed += first_proposal.actor == "ana"
    # Binomial(n, 1/2): more than 3.3 standard deviations off half happens 1 in 1000.
    assert abs(opened_by_first_listed - n / 2) < 3.3 * (n / 4) ** 0.5
    assert abs(proposed_by_first_listed - proposals / 2) < 3.3 * (proposals / 4) ** 0.5


def test_no_seat_effect_on_identical_specs() -> None:
    from mediation.testing import assert_no_seat_effect

    results = run("two_colleagues", 300, seed=17, workers=1).results
    effect = assert_no_seat_effect(results, confidence=0.99)
    assert effect.n > 250
    assert (effect.first, effect.second) == ("ana", "ben")


@given(
    n=st.integers(1, 3000),
    variants=st.integers(1, 3),
    workers=st.integers(1, 8),
    chunk_size=st.none() | st.integers(1, 400),
)
def test_chunks_cover_each_variant_in_order_and_shrink_towards_the_end(
    n: int, variants: int, workers: int, chunk_size: int | None
) -> None:
    from mediation.simulation import runner  # the chunking is internal

    scenarios = [builtin("plain_5x5") for _ in range(variants)]
    jobs = runner._jobs(scenarios, n, 7, workers, chunk_size)
    order = [next(k for k, s in enumerate(scenarios) if s is job[0]) for job in jobs]
    assert order == sorted(order)  # each variant's chunks together, variants in order
    for scenario in scenarios:
        own = [(start, stop) for variant, seed, start, stop in jobs if variant is scenario]
        assert [start for start, _ in own] == [0] + [stop for _, stop in own[:-1]]
        assert own[-1][1] == n
        sizes = [stop - start for start, stop in own]
        if chunk_size is not None:
            assert all(size == chunk_size for size in sizes[:-1])
        else:
            assert all(8 <= size <= 250 for size in sizes[:-1])
            assert sizes[:-1] == sorted(sizes[:-1], reverse=True)
    assert all(seed == 7 for _, seed, _, _ in jobs)
