"""Tests for mediation.neutrality.pressure: time to decide, time to reflect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mediation import Finding, InvalidInput, Mediation, Policy, Pressure
from mediation.clocks import ManualClock
from mediation.neutrality import pressure
from mediation.neutrality._messages import render
from tests.conftest import still_case

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


def _still(parties: int = 2) -> tuple[Mediation, ManualClock]:
    return still_case("compromise", parties)


def _pressure(case: Mediation) -> dict[str, Finding]:
    return {f.code: f for f in case.pending_findings() if f.check == "pressure"}


@pytest.mark.parametrize(
    ("ahead", "pressing"),
    [(timedelta(days=1), False), (timedelta(days=1) - timedelta(seconds=1), True)],
)
def test_a_deadline_is_pressing_when_set_less_than_fresh_deadline_ahead(
    ahead: timedelta, pressing: bool
) -> None:
    """An acceptance in the very second the deadline is set: under a deadline set a day
    (``fresh_deadline``) ahead it is free; one second less and it is pressed."""
    case, clock = _still()
    made = case.propose("a", "I keep Fridays")
    deadline = case.set_deadline("m", "compromise", clock.now + ahead)
    accepted = case.answer_proposal("b", made.proposal_id, accept=True)
    found = _pressure(case)
    assert ("acceptance_under_deadline" in found) is pressing
    if pressing:
        finding = found["acceptance_under_deadline"]
        assert finding.parties == ("b",)
        assert finding.figures["seconds_to_accept"] == 0.0
        assert finding.evidence == (made.seq, deadline.seq, accepted.seq)


@pytest.mark.parametrize(
    ("after", "pressed"),
    [(timedelta(minutes=10), False), (timedelta(minutes=10) - timedelta(seconds=1), True)],
)
def test_the_decision_time_is_judged_at_min_decision_time(after: timedelta, pressed: bool) -> None:
    """At least ``min_decision_time`` (10 min) to decide is expected: 10 min is enough,
    9 min 59 s is not."""
    case, clock = _still()
    made = case.propose("a", "I keep Fridays")
    case.set_deadline("m", "compromise", clock.now + timedelta(hours=1))
    clock.advance(after)
    case.answer_proposal("b", made.proposal_id, accept=True)
    found = _pressure(case)
    assert ("acceptance_under_deadline" in found) is pressed
    if pressed:
        finding = found["acceptance_under_deadline"]
        assert finding.figures == {"seconds_to_accept": 599.0, "deadline_window": 3600.0}
        assert "B accepted 599 s after a pressing deadline (set 60 min before" in finding.message
        assert "at least 600 s to decide" in finding.message


@pytest.mark.parametrize(("minutes", "pressed"), [(5, True), (6, False)])
def test_an_acceptance_counts_until_the_deadline_falls_due(minutes: int, pressed: bool) -> None:
    """Accepted at the very moment the deadline fell due: pressed; a minute after it, the
    deadline no longer pressed anyone."""
    case, clock = _still()
    made = case.propose("a", "I keep Fridays")
    case.set_deadline("m", "compromise", clock.now + timedelta(minutes=5))
    clock.advance(timedelta(minutes=minutes))
    case.answer_proposal("b", made.proposal_id, accept=True)
    assert ("acceptance_under_deadline" in _pressure(case)) is pressed


def test_an_acceptance_before_the_deadline_was_set_was_not_pressed() -> None:
    case, clock = _still()
    made = case.propose("a", "I keep Fridays")
    case.answer_proposal("b", made.proposal_id, accept=True)
    clock.advance(timedelta(minutes=1))
    case.set_deadline("m", "compromise", clock.now + timedelta(minutes=2))
    assert not _pressure(case)


def test_time_to_decide_runs_from_a_proposal_made_after_the_deadline() -> None:
    """A deadline set two hours ahead, a proposal an hour later, accepted three minutes
    after the proposal: three minutes to decide, not 63."""
    case, clock = _still()
    case.set_deadline("m", "compromise", clock.now + timedelta(hours=2))
    clock.advance(timedelta(hours=1))
    made = case.propose("a", "I keep Fridays")
    clock.advance(timedelta(minutes=3))
    case.answer_proposal("b", made.proposal_id, accept=True)
    finding = _pressure(case)["acceptance_under_deadline"]
    assert finding.figures == {"seconds_to_accept": 180.0, "deadline_window": 7200.0}


def test_time_to_decide_runs_from_the_deadline_set_after_the_proposal() -> None:
    case, clock = _still()
    made = case.propose("a", "I keep Fridays")
    clock.advance(timedelta(minutes=30))
    case.set_deadline("m", "compromise", clock.now + timedelta(minutes=5))
    clock.advance(timedelta(minutes=2))
    case.answer_proposal("b", made.proposal_id, accept=True)
    finding = _pressure(case)["acceptance_under_deadline"]
    assert finding.figures["seconds_to_accept"] == 120.0


def test_the_quickest_acceptance_is_reported_among_parties_and_deadlines() -> None:
    """A mediator's proposal accepted by both parties, under two pressing deadlines: the
    finding names both and gives the quickest time, from the nearer deadline."""
    case, clock = _still()
    case.request_suggestion("a")
    case.request_suggestion("b")
    made = case.propose("m", "alternate weekly")
    first = case.set_deadline("m", "compromise", clock.now + timedelta(minutes=20))
    clock.advance(timedelta(minutes=5))
    second = case.set_deadline("m", "agreement", clock.now + timedelta(minutes=25))
    clock.advance(timedelta(minutes=1))
    a = case.answer_proposal("a", made.proposal_id, accept=True)
    clock.advance(timedelta(minutes=3))
    b = case.answer_proposal("b", made.proposal_id, accept=True)
    finding = _pressure(case)["acceptance_under_deadline"]
    assert finding.parties == ("a", "b")
    assert finding.figures["seconds_to_accept"] == 60.0
    assert "A, B accepted 60 s after" in finding.message
    assert finding.evidence == (made.seq, first.seq, second.seq, a.seq, b.seq)


def _signed(case: Mediation, clock: ManualClock, by_mediator: bool, minutes: list[int]) -> None:
    """Agree on a proposal (the mediator's or party a's), move to agreement and sign it,
    party by party, the given minutes after the proposal was made."""
    if by_mediator:
        case.request_suggestion("a")
        case.request_suggestion("b")
        made = case.propose("m", "alternate weekly")
        case.answer_proposal("a", made.proposal_id, accept=True)
    else:
        made = case.propose("a", "I keep Fridays")
    case.answer_proposal("b", made.proposal_id, accept=True)
    case.advance("m")
    elapsed = 0
    for party, at in zip("ab", minutes, strict=False):
        clock.advance(timedelta(minutes=at - elapsed))
        elapsed = at
        case.sign(party)


@pytest.mark.parametrize(("minutes", "cut_short"), [(60, False), (59, True)])
def test_reflection_is_judged_at_the_reflection_period(minutes: int, cut_short: bool) -> None:
    case, clock = _still()
    _signed(case, clock, True, [minutes, minutes])
    found = _pressure(case)
    assert ("reflection_cut_short" in found) is cut_short
    if cut_short:
        finding = found["reflection_cut_short"]
        assert finding.parties == ("a", "b")
        assert finding.figures == {"seconds_to_sign": 59 * 60.0}
        assert "signed 59 min after it was made; the parties have 60 min" in finding.message


def test_reflection_runs_to_the_first_signature() -> None:
    """The first signature decides: half an hour after the proposal is too soon, whenever
    the second party signs; the finding names who has signed."""
    case, clock = _still()
    _signed(case, clock, True, [30])
    finding = _pressure(case)["reflection_cut_short"]
    assert finding.parties == ("a",)
    clock.advance(timedelta(hours=2))
    case.sign("b")
    finding = _pressure(case)["reflection_cut_short"]
    assert finding.parties == ("a", "b") and finding.figures == {"seconds_to_sign": 1800.0}


def test_signing_a_partys_own_terms_at_once_needs_no_reflection_period() -> None:
    """The reflection period is owed on a solution the mediator proposed; the parties' own
    terms may be signed at once."""
    case, clock = _still()
    _signed(case, clock, False, [0, 0])
    assert "reflection_cut_short" not in _pressure(case)
