"""Tests for mediation.state."""

from __future__ import annotations

import attrs
import pytest

from mediation import demo
from mediation.errors import InvalidInput
from mediation.state import CaseState


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
