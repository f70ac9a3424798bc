"""The canonical text: the generated writers and the general path write what json.dumps does."""

from __future__ import annotations

import json
import math
import typing
from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import _canonical
from mediation import events as ev
from mediation.model import Outcome, Severity
from mediation.policy import Safeguard
from mediation.testing import event_histories

AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

texts = st.text()  # every code point hypothesis likes: quotes, controls, U+2028, astral
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
times = st.datetimes(
    min_value=datetime(1900, 1, 1), timezones=st.timezones() | st.just(timezone.utc)
)


def dumps(event: ev.Event) -> str:
    return json.dumps(ev.to_dict(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def written_directly(event: ev.Event) -> str | None:
    return _canonical._DIRECT[type(event)](event)


def test_most_event_classes_get_a_generated_writer() -> None:
    plain = {int, datetime, str, float, bool, Outcome, Severity, Safeguard}
    flat = set()
    for cls in ev.EVENT_TYPES.values():
        hints = typing.get_type_hints(cls)
        if all(hints[field.name] in plain for field in attrs.fields(cls)):
            flat.add(cls)
    assert len(flat) >= 20
    assert flat == set(_canonical._DIRECT)
    assert ev.CaseOpened not in _canonical._DIRECT  # nested values: the general path


@given(event_histories())
def test_generated_writers_agree_with_json_on_real_histories(
    events: tuple[ev.Event, ...],
) -> None:
    for event in events:
        assert _canonical.canonical_text(event) == dumps(event)
        if type(event) in _canonical._DIRECT:
            assert written_directly(event) == dumps(event)


@given(
    seq=st.integers(min_value=1, max_value=2**80),
    at=times,
    actor=texts,
    text=texts,
    seconds=finite_floats,
)
def test_text_numbers_and_times_are_written_as_json_writes_them(
    seq: int, at: datetime, actor: str, text: str, seconds: float
) -> None:
    event = ev.StatementMade(
        seq=seq, at=at, actor=actor, stage="listening", text=text, seconds=seconds
    )
    assert written_directly(event) == dumps(event)


@given(accurate=st.booleans(), outcome=st.sampled_from(Outcome), due=times)
def test_booleans_enums_and_second_times(accurate: bool, outcome: Outcome, due: datetime) -> None:
    events: list[ev.Event] = [
        ev.RestatementReviewed(
            seq=9, at=AT, actor="a", stage="swap", restatement_id="r1", accurate=accurate
        ),
        ev.Closed(seq=10, at=AT, actor="m", stage="agreement", outcome=outcome),
        ev.DeadlineSet(seq=11, at=AT, actor="m", stage="listening", for_stage="swap", due=due),
    ]
    events.extend(
        ev.DifferenceReserved(
            seq=12,
            at=AT,
            actor="m",
            stage="common_ground",
            difference_id="d",
            text="x",
            severity=severity,
        )
        for severity in Severity
    )
    for event in events:
        assert written_directly(event) == dumps(event)


def _forced(event: ev.Event, **values: object) -> ev.Event:
    for name, value in values.items():  # what a validator-less caller could build
        object.__setattr__(event, name, value)
    return event


def test_a_value_of_another_type_than_declared_takes_the_general_path() -> None:
    statement = ev.StatementMade(seq=4, at=AT, actor="a", stage="listening", text="t", seconds=1.0)
    odd = [
        _forced(attrs.evolve(statement), seq=True),  # json writes true, int.__repr__ 1
        _forced(attrs.evolve(statement), seconds=3),  # an int where a float is declared
        _forced(attrs.evolve(statement), actor=Outcome.SETTLED),  # a str enum as text
        _forced(attrs.evolve(statement), text=None),
    ]
    for event in odd:
        assert written_directly(event) is None
        assert _canonical.canonical_text(event) == dumps(event)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_refused(value: float) -> None:
    event = _forced(
        ev.StatementMade(seq=4, at=AT, actor="a", stage="listening", text="t", seconds=1.0),
        seconds=value,
    )
    assert written_directly(event) is None
    with pytest.raises(ValueError, match="not JSON compliant"):
        _canonical.canonical_text(event)


def test_times_keep_their_offset_and_microseconds() -> None:
    due = datetime(2026, 3, 2, 9, 0, 0, 5, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    event = ev.DeadlineSet(seq=3, at=AT, actor="m", stage="intake", for_stage="swap", due=due)
    text = written_directly(event)
    assert text is not None and '"due":"2026-03-02T09:00:00.000005+05:30"' in text
    assert text == dumps(event)


@given(event_histories())
def test_a_sealed_writer_hands_each_non_empty_sealed_field_to_its_hook_in_key_order(
    events: tuple[ev.Event, ...],
) -> None:
    for event in events:
        names = frozenset(
            f.name for f in attrs.fields(type(event)) if f.name in {"text", "reason", "actor"}
        )
        writer = _canonical.sealed_writer(type(event), names)
        if writer is None:
            assert type(event) not in _canonical._DIRECT
            continue
        calls: list[tuple[str, str]] = []

        def hook(name: str, text: str, calls: list[tuple[str, str]] = calls) -> str:
            calls.append((name, text))
            return '"<' + name + '>"'

        expected = ev.to_dict(event)
        handed = sorted(name for name in names if expected[name])
        for name in handed:
            expected[name] = f"<{name}>"
        assert writer(event, hook) == json.dumps(
            expected, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert calls == [
            (name, json.dumps(getattr(event, name), ensure_ascii=False)) for name in handed
        ]


def test_only_a_class_with_a_generated_writer_and_its_own_fields_gets_a_sealed_writer() -> None:
    assert _canonical.sealed_writer(ev.CaseOpened, frozenset()) is None
    assert _canonical.sealed_writer(ev.StatementMade, frozenset({"no_such_field"})) is None
    plain = _canonical.sealed_writer(ev.StatementMade, frozenset())
    event = ev.StatementMade(seq=4, at=AT, actor="a", stage="listening", text="t", seconds=1.0)
    assert plain is not None and plain(event, lambda name, text: "unused") == dumps(event)
