"""Tests for mediation.events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from mediation import Mediation, demo
from mediation.errors import InvalidInput
from mediation.events import EVENT_TYPES, CaseOpened, Event, from_dict, to_dict

STABLE_TYPE_NAMES = {
    "case_opened",
    "disclosure_made",
    "consent_given",
    "issue_raised",
    "issue_flagged",
    "stage_changed",
    "escalated",
    "closed",
    "statement_made",
    "restatement_made",
    "restatement_reviewed",
    "common_ground_proposed",
    "common_ground_assented",
    "difference_reserved",
    "difference_parked",
    "differences_confirmed",
    "proposal_made",
    "proposal_answered",
    "signed",
    "caucus_opened",
    "caucus_note_recorded",
    "caucus_closed",
    "sharing_allowed",
    "withdrew",
    "deadline_set",
    "mediator_reassigned",
}


def test_type_names_are_stable_and_never_module_paths() -> None:
    assert set(EVENT_TYPES) == STABLE_TYPE_NAMES
    for name, cls in EVENT_TYPES.items():
        assert cls.type_name == name
        assert "." not in name
        assert cls.schema_version == 1


def _all_recorded_events() -> list[Event]:
    return list(demo.workplace_dispute().events) + list(demo.non_mediable_case().events)


def test_every_demo_event_round_trips_through_json() -> None:
    events = _all_recorded_events()
    for event in events:
        data = json.loads(json.dumps(to_dict(event)))
        assert from_dict(data) == event
    assert {event.type_name for event in events} >= STABLE_TYPE_NAMES - {
        "withdrew",
        "deadline_set",
        "mediator_reassigned",
        "differences_confirmed",
        "issue_raised",
        "sharing_allowed",
    }


def test_to_dict_puts_type_and_version_first_and_uses_plain_values() -> None:
    opened = demo.workplace_dispute().events[0]
    assert isinstance(opened, CaseOpened)
    data = to_dict(opened)
    assert list(data)[:2] == ["type", "v"]
    assert data["mediator"]["relationships"][0]["kind"] == "reports_to"
    assert data["at"] == "2026-03-02T09:00:00+00:00"
    assert data["policy"]["non_mediable_flags"] == sorted(data["policy"]["non_mediable_flags"])


def _mutate(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = to_dict(demo.workplace_dispute().events[1])
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(type="os.system"), "unknown event type"),
        (lambda d: d.pop("type"), "unknown event type"),
        (lambda d: d.update(v=99), "schema version"),
        (lambda d: d.update(surprise=1), "malformed"),
        (lambda d: d.pop("seq"), "malformed"),
        (lambda d: d.update(at="2026-03-02T09:00:00"), "UTC offset"),
        (lambda d: d.update(at=12), "ISO 8601"),
    ],
)
def test_from_dict_refuses_bad_data(change: Callable[[dict[str, Any]], None], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        from_dict(_mutate(change))


def test_events_are_immutable() -> None:
    event = demo.workplace_dispute().events[1]
    with pytest.raises(AttributeError):
        event.seq = 5  # type: ignore[misc]


def test_replayed_demo_case_from_dicts_is_equal() -> None:
    case = demo.workplace_dispute()
    rebuilt = Mediation.replay(
        [from_dict(to_dict(event)) for event in case.events], clock=lambda: case.state.last_at
    )
    assert rebuilt == case
