"""The audit's definitions over simulation results: a biased simulated mediator is found,
a fair one is not."""

from __future__ import annotations

import pytest

from mediation.simulation import MediatorStrategy, ScenarioError, builtin, run, sweep
from mediation.simulation.fairness import audit_run, audit_sweep, fairness_records, seat_attributes


def test_a_biased_strategy_is_significant_and_a_fair_one_is_not() -> None:
    grid: dict[str, list[object]] = {"strategy.favour": ["ana"], "strategy.bias": [0.0, 0.6]}
    result = sweep("two_colleagues", grid, 150, seed=4, workers=1)
    (fair_params, fair), (biased_params, biased) = audit_sweep(result)
    assert fair_params["strategy.bias"] == 0.0 and biased_params["strategy.bias"] == 0.6
    assert fair.comparisons and not fair.significant()
    found = {(c.metric, c.group, c.difference > 0) for c in biased.significant()}
    assert ("proposed_agreement", "ana", True) in found
    assert ("attention_share", "ana", True) in found
    assert any("Significant" in line for line in biased.summary())


def test_records_carry_the_results() -> None:
    result = run("leader_subordinate", 30, seed=2, workers=1)
    records = list(fairness_records(result))
    assert len(records) == 30
    for record, mediation in zip(records, result.results, strict=True):
        assert record.outcome == mediation.outcome
        assert record.mediator == "secretary"
        assert [p.position for p in record.parties] == ["manager", "subordinate"]
        assert {seat_attributes(p.id)["seat"] for p in record.parties} == {"head", "analyst"}  # type: ignore[index]
        if mediation.settled:
            assert record.agreement_by is not None
            assert record.agreement_by.endswith(":" + mediation.agreed_by)
        assert record.overrides is None  # not kept by simulation results
    report = audit_run(result, ["seat", "position"])
    assert report.cases == 30
    assert not [m for m in report.overall if m.metric == "overridden" and m.n]


def test_favour_must_name_a_party() -> None:
    scenario = builtin("two_colleagues")
    with pytest.raises(ScenarioError, match=r"strategy\.favour"):
        scenario.with_values({"strategy.favour": "nobody"})
    with pytest.raises(ValueError, match="bias"):
        MediatorStrategy(bias=1.5)


def test_a_fair_strategy_is_unchanged_by_the_new_settings() -> None:
    plain = run("two_colleagues", 20, seed=9, workers=1)
    named = run(
        builtin("two_colleagues").with_values({"strategy.favour": "ana"}), 20, seed=9, workers=1
    )
    assert [r.to_dict() for r in plain.results] == [r.to_dict() for r in named.results]
