"""Tests for mediation.events."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import attrs
import pytest

from mediation import (
    NO_CONCERNS,
    Issue,
    Mediation,
    Mediator,
    Outcome,
    Party,
    Policy,
    Relation,
    VoiceBalance,
    demo,
)
from mediation import events as ev
from mediation.clocks import ManualClock
from mediation.errors import InvalidInput
from mediation.events import (
    DIRECT_MAKERS,
    EVENT_TYPES,
    CaseOpened,
    ContentErased,
    Event,
    from_dict,
    to_dict,
)

STABLE_TYPE_NAMES = {
    "case_opened",
    "content_erased",
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
    "mediator_intervened",
    "caucus_offered",
    "support_person_joined",
    "finding_recorded",
    "block_overridden",
    "valuations_given",
    "suggestion_requested",
    "conflict_waived",
    "party_screened",
    "safeguard_applied",
    "difference_escalated",
    "difference_kept_open",
}


def test_type_names_are_stable_and_never_module_paths() -> None:
    assert set(EVENT_TYPES) == STABLE_TYPE_NAMES
    for name, cls in EVENT_TYPES.items():
        assert cls.type_name == name
        assert "." not in name
        assert cls.schema_version == 1


def _all_recorded_events() -> list[Event]:
    """The demo cases plus one case that records every remaining event type."""
    clock = ManualClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc), tick=timedelta(minutes=7))
    case = Mediation.open(
        "everything",
        [Party("a", "A"), Party("b", "B"), Party("c", "C")],
        Mediator("m", "M"),
        clock=clock,
        supervisors=["sup"],
        relations=[Relation("manages", "a", "b")],
        policy=Policy(
            deadlines={"intake": timedelta(minutes=1)},
            voice_balance=VoiceBalance(mode="warn"),
        ),
    )
    case.raise_issue("a", Issue("rota", "Rota", {"budget"}))
    case.add_support_person("b", "b", "A colleague")
    case.set_deadline("sup", "listening", clock.now + timedelta(days=3))
    case.review_deadlines("sup")
    case.disclose("m", "none", [])
    for party in "abc":
        case.screen("m", party, {**NO_CONCERNS, "retaliation": party == "c"})
        case.consent(party)
    case.add_support_person("c", "c", "A friend")  # the safeguard c's screening asks for
    case.advance("m")
    case.speak("a", "long", 600)
    case.speak("b", "short", 10)
    case.speak("c", "short", 10)
    case.advance("m")  # records voice-balance findings (warn)
    case.reassign_mediator("sup", Mediator("m2", "N"), "workload")
    case.disclose("m2", "none", [])
    for party in "abc":
        case.consent(party)
    case.open_caucus("m2", "b")
    note = case.caucus_note("b", "private")
    case.close_caucus("m2")
    case.allow_sharing("b", note.note_id)
    case.offer_caucus("m2", "a")
    for index, party in enumerate("abc"):
        other = "abc"[(index + 1) % 3]
        made = case.restate(other, party, "view")
        case.review_restatement(party, made.restatement_id, accurate=True)
    case.advance("m2")
    case.reserve_difference("a", "x", "major")
    kept = case.reserve_difference("b", "y", "major")
    case.escalate_difference("m2", "df-1", "hr", "a policy question")
    for party in "abc":
        case.confirm_differences(party)
        case.keep_difference_open(party, kept.difference_id)
    case.override("sup", ["caucus_not_offered"], "c declined by phone")
    case.advance("m2")
    for index, party in enumerate("abc"):
        case.open_caucus("m2", party)
        case.give_valuations(party, {"car": 10 + index, "flat": 0.5, "boat": Fraction(1, 3)})
        case.close_caucus("m2")
        case.request_suggestion(party)
    suggestion = case.suggest_settlement("m2", "knaster")
    assert suggestion.payments and sum(suggestion.payments.values()) == 0
    # Shuttle format from here on: the parties would no longer meet in joint session.
    case.apply_safeguard("m2", "c", "shuttle", "c fears retaliation")
    case.withdraw("c")
    # Recorded by a store when content is erased, never by a command of the case.
    erased = ContentErased(
        seq=case.version + 1,
        at=clock(),
        actor="dpo",
        stage=case.stage,
        spans=("9.text",),
        grounds="request of party a",
        role="data_protection_officer",
        subject="a",
    )
    return (
        list(demo.workplace_dispute().events)
        + list(demo.non_mediable_case().events)
        + list(case.events)
        + [erased]
    )


def test_every_event_type_round_trips_through_json() -> None:
    events = _all_recorded_events()
    for event in events:
        data = json.loads(json.dumps(to_dict(event)))
        assert from_dict(data) == event
    assert {event.type_name for event in events} == STABLE_TYPE_NAMES


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


@pytest.mark.parametrize("data", ["case_opened", ["type", "case_opened"], None, 3])
def test_from_dict_refuses_what_is_not_a_mapping(data: object) -> None:
    with pytest.raises(InvalidInput, match="mapping of fields"):
        from_dict(data)  # type: ignore[arg-type]


def _envelope_and_fields(event: Event) -> tuple[tuple[int, datetime, str, str], dict[str, Any]]:
    names = [field.name for field in attrs.fields(type(event))]
    values = {name: getattr(event, name) for name in names}
    envelope = (values.pop("seq"), values.pop("at"), values.pop("actor"), values.pop("stage"))
    return envelope, values


def test_a_direct_maker_makes_the_event_the_class_makes() -> None:
    events = _all_recorded_events()
    assert {type(event) for event in events} == set(DIRECT_MAKERS) == set(EVENT_TYPES.values())
    for event in events:
        envelope, fields = _envelope_and_fields(event)
        made = DIRECT_MAKERS[type(event)](*envelope, dict(fields))
        assert type(made) is type(event)
        assert made == event
        assert hash(made) == hash(event)
        for name in (field.name for field in attrs.fields(type(event))):
            assert getattr(made, name) is getattr(event, name), name
        with pytest.raises(AttributeError):
            made.seq = 5  # type: ignore[misc]


def test_a_direct_maker_fills_defaults_and_factories_as_the_class_does() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    envelope = (3, at, "m", "compromise")
    fields: dict[str, Any] = {"proposal_id": "p1", "text": "Terms"}
    made = DIRECT_MAKERS[ev.ProposalMade](*envelope, dict(fields))
    other = DIRECT_MAKERS[ev.ProposalMade](*envelope, dict(fields))
    assert isinstance(made, ev.ProposalMade) and isinstance(other, ev.ProposalMade)
    expected = ev.ProposalMade(seq=3, at=at, actor="m", stage="compromise", **fields)
    assert made == expected
    assert (made.procedure, made.shares, made.payments, made.settles) == ("", {}, {}, ())
    assert made.shares is not other.shares and made.payments is not other.payments
    closed = DIRECT_MAKERS[ev.Closed](*envelope, {"outcome": Outcome.SETTLED})
    assert closed == ev.Closed(seq=3, at=at, actor="m", stage="compromise", outcome=Outcome.SETTLED)
    assert closed.reason == ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "Terms"}, "proposal_id"),  # a required field missing
        ({"proposal_id": "p1", "text": "Terms", "colour": "red"}, "colour"),  # unknown
        ({"proposal_id": "p1", "text": "Terms", "seq": 4}, "seq"),  # the envelope again
    ],
)
def test_a_direct_maker_leaves_a_wrong_call_to_the_class(
    fields: dict[str, Any], message: str
) -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    with pytest.raises(TypeError, match=message):
        DIRECT_MAKERS[ev.ProposalMade](3, at, "m", "compromise", fields)


def _checked_length(_instance: object, _attribute: object, value: int) -> None:
    if value < 0:
        raise ValueError("negative")


@attrs.frozen(kw_only=True)
class _Validated(Event):
    length: int = attrs.field(validator=_checked_length)


@attrs.frozen(kw_only=True)
class _Converted(Event):
    length: int = attrs.field(converter=int)


@attrs.frozen(kw_only=True)
class _Aliased(Event):
    _length: int = 0


@attrs.frozen(kw_only=True)
class _Derived(Event):
    length: int = 0
    double: int = attrs.field(
        init=False, default=attrs.Factory(lambda self: 2 * self.length, takes_self=True)
    )


@attrs.frozen(kw_only=True)
class _SelfFactory(Event):
    length: int = 0
    double: int = attrs.field(default=attrs.Factory(lambda self: 2 * self.length, takes_self=True))


@attrs.frozen(kw_only=True)
class _Reordered:
    stage: str
    seq: int
    at: datetime
    actor: str


@pytest.mark.parametrize(
    ("cls", "fields"),
    [
        (_Validated, {"length": 2}),
        (_Converted, {"length": "2"}),
        (_Aliased, {"length": 2}),
        (_Derived, {"length": 2}),
        (_SelfFactory, {"length": 2}),
        (_Reordered, {}),
    ],
)
def test_a_class_that_does_more_than_store_its_fields_is_called(
    cls: type[Any], fields: dict[str, Any]
) -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    make = ev._direct_maker(cls)
    made = make(1, at, "m", "intake", dict(fields))
    assert made == cls(seq=1, at=at, actor="m", stage="intake", **fields)
    if cls is _Validated:
        with pytest.raises(ValueError, match="negative"):
            make(1, at, "m", "intake", {"length": -1})
    if cls is _Converted:
        assert made.length == 2
    if cls in (_Derived, _SelfFactory):
        assert made.double == 4
