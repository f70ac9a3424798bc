"""Tests for mediation.state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import attrs
import pytest

from mediation import Mediation, demo
from mediation.errors import InvalidInput
from mediation.model import Outcome
from mediation.state import CaseState, Schedule


def test_fold_of_the_demo_events_is_the_live_state() -> None:
    case = demo.workplace_dispute()
    assert CaseState.fold(case.events) == case.state


def test_fold_needs_a_case_opened_first() -> None:
    events = demo.workplace_dispute().events
    with pytest.raises(InvalidInput, match="must start with a case_opened"):
        CaseState.fold(events[1:])
    with pytest.raises(InvalidInput, match="must start with a case_opened"):
        CaseState.fold([])


def test_apply_refuses_gaps_and_repeats() -> None:
    events = demo.workplace_dispute().events
    state = CaseState.open(events[0])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="does not follow"):
        state.apply(events[2])
    state.apply(events[1])
    with pytest.raises(InvalidInput, match="does not follow"):
        state.apply(events[1])


def test_apply_refuses_a_second_opening_and_events_that_do_not_fit() -> None:
    events = demo.workplace_dispute().events
    state = CaseState.open(events[0])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="cannot follow"):
        state.apply(attrs.evolve(events[0], seq=2))
    review = next(e for e in events if e.type_name == "restatement_reviewed")
    with pytest.raises(InvalidInput, match="does not fit"):
        state.apply(attrs.evolve(review, seq=2))
    assert state.version == 1


def test_state_tracks_the_figures_the_process_decides_on() -> None:
    state = demo.workplace_dispute().state
    assert state.airtime == {"zhao": 330.0, "lin": 280.0}
    assert state.turns == {"zhao": 2, "lin": 2}
    assert state.agreed_proposal() == "pr-2"
    assert state.signatures == {"zhao": "pr-2", "lin": "pr-2"}
    assert state.caucus_seconds == {"zhao": 18 * 60.0, "lin": 13 * 60.0}
    assert [note.party for note in state.caucus_notes.values()] == ["zhao"]
    assert state.outcome is not None and state.outcome.value == "settled"


def test_the_latest_proposal_every_party_accepted_is_the_agreed_one(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "compromise")
    assert case.state.agreed_proposal() is None
    first = case.propose("a", "first")
    second = case.propose("b", "second")
    for party in ("b", "c"):
        case.answer_proposal(party, first.proposal_id, accept=True)
    assert case.state.agreed_proposal() == first.proposal_id
    for party in ("a", "c"):
        case.answer_proposal(party, second.proposal_id, accept=True)
    assert case.state.agreed_proposal() == second.proposal_id
    case.answer_proposal("c", second.proposal_id, accept=False)  # the latest answer counts
    assert case.state.agreed_proposal() == first.proposal_id


def test_a_withdrawing_party_takes_its_caucus_with_it(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "listening")
    case.open_caucus("m", "c")
    case.withdraw("c", "enough")
    assert case.state.caucus is None and "c" not in case.state.active
    assert CaseState.fold(case.events) == case.state
    case.speak("a", "the joint session goes on", 10)


def test_the_schedule_counts_the_current_and_the_paused_stage() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    schedule = Schedule(stage="intake", limits={"listening": timedelta(hours=2)})
    assert schedule.next_due() is None  # intake has no limit
    schedule.enter("listening", start)
    assert schedule.next_due() == start + timedelta(hours=2)
    schedule.enter("listening", start + timedelta(hours=1))  # re-entering keeps the first due
    assert schedule.next_due() == start + timedelta(hours=2)
    schedule.paused_from, schedule.stage = "listening", "cooling_off"
    schedule.deadlines["cooling_off"] = start + timedelta(hours=3)
    assert schedule.next_due() == start + timedelta(hours=2)  # the paused stage's is earlier
    schedule.deadlines["cooling_off"] = start + timedelta(minutes=30)
    assert schedule.next_due() == start + timedelta(minutes=30)
    schedule.outcome = Outcome.IMPASSE
    assert schedule.next_due() is None


def test_evidence_names_the_latest_twenty_events_of_each_key(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    spoken = [case.speak("ab"[n % 2], f"point {n}", 5).seq for n in range(23)]
    state = case.state
    assert state.evidence(("statement", "listening")) == tuple(spoken[-20:])
    entered = state.evidence(("entered", "listening"))
    assert len(entered) == 1 and entered[0] < spoken[0]
    both = state.evidence(("statement", "listening"), ("entered", "listening"))
    assert both == (*entered, *spoken[-20:])
    assert state.evidence(("statement", "no such stage")) == ()
