"""Tests for mediation.neutrality.pressure: time to decide, time to reflect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mediation import InvalidInput, Mediation, Policy, Pressure
from mediation.clocks import ManualClock
from mediation.neutrality import pressure
from mediation.neutrality._messages import render

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def test_seconds_under_a_fresh_deadline_are_a_finding(
    new_case: Build, advance_to: AdvanceTo, clock: ManualClock
) -> None:
    case = advance_to(new_case(), "compromise")
    made = case.propose("a", "I keep Fridays")
    deadline = case.set_deadline("m", "compromise", clock.now + timedelta(minutes=2))
    accepted = case.answer_proposal("b", made.proposal_id, accept=True)
    (finding,) = [f for f in case.pending_findings() if f.check == "pressure"]
    assert finding.code == "acceptance_under_deadline" and finding.parties == ("b",)
    assert {made.seq, deadline.seq, accepted.seq} <= set(finding.evidence)


def test_a_generous_deadline_is_no_pressure(
    new_case: Build, advance_to: AdvanceTo, clock: ManualClock
) -> None:
    case = advance_to(new_case(), "compromise")
    made = case.propose("a", "I keep Fridays")
    case.set_deadline("m", "compromise", clock.now + timedelta(days=3))
    case.answer_proposal("b", made.proposal_id, accept=True)
    assert not [f for f in case.pending_findings() if f.check == "pressure"]


def test_signing_the_mediators_solution_at_once_cuts_reflection_short(
    new_case: Build, advance_to: AdvanceTo, clock: ManualClock
) -> None:
    case = advance_to(new_case(), "compromise")
    case.request_suggestion("a")
    case.request_suggestion("b")
    made = case.propose("m", "alternate weekly")
    case.answer_proposal("a", made.proposal_id, accept=True)
    case.answer_proposal("b", made.proposal_id, accept=True)
    case.advance("m")
    case.sign("a")
    case.sign("b")
    (finding,) = [f for f in case.pending_findings() if f.check == "pressure"]
    assert finding.code == "reflection_cut_short"
    assert finding.figures["seconds_to_sign"] < 3600


def test_durations_are_validated() -> None:
    with pytest.raises(InvalidInput):
        Pressure(reflection=-1)
    with pytest.raises(InvalidInput):
        Pressure(min_decision_time="soon")
    policy = Policy.from_toml("[pressure]\nreflection = 86400\n")
    assert policy.pressure.reflection == timedelta(days=1)


def test_messages_have_chinese_text() -> None:
    text = render(pressure.MESSAGES["reflection_cut_short"], "zh", minutes="5", reflection="60")
    assert "考虑期" in text
