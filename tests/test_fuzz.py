"""Fuzz: every public command and constructor, called with arguments of every type.

Only :class:`~mediation.errors.MediationError` subclasses may escape, and a refused
command changes nothing (same version, same events); ``execute`` by action name with
JSON-shaped garbage, as a web host passes it on, too. Run longer with
``HYPOTHESIS_PROFILE=thorough`` (2,000 examples per test).
"""

from __future__ import annotations

import contextlib
import inspect
import math
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mediation import Mediation, rules
from mediation.case import COMMANDS
from mediation.clocks import ManualClock
from mediation.errors import MediationError
from mediation.model import Issue, Mediator, Party, Relation, RelationKind
from mediation.testing._drive import STAGES_IN_ORDER
from tests.sample_case import START, case_at

#: The public commands of a case (``subscribe`` aside: it takes a host's callable).
FUZZED: tuple[str, ...] = tuple(name for name in COMMANDS if name != "subscribe")

# Values of every kind, biased towards what breaks code: None, containers, huge and
# non-finite numbers, huge strings, lone surrogates, naive and extreme datetimes.
GARBAGE: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**5000, -(10**400), 2**63, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, math.inf, math.nan, 5e-324]),
    st.text(max_size=20),
    st.sampled_from(["\ud800", "x\udfffy", "x" * 100_000, "lin", "zhao", "chen", "hr-lead"]),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.sampled_from([{"lin": 1e308}, {"a": math.nan}, {"a": 10**5000}, {"a": -1}, {"": 1}]),
    st.sampled_from([Decimal("NaN"), Decimal("1e999999"), Fraction(1, 3), Decimal("2.5")]),
    st.datetimes(timezones=st.none() | st.just(timezone.utc)),
    st.sampled_from(
        [
            datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
            datetime(1, 1, 1, tzinfo=timezone.utc),
            datetime(2026, 3, 2, 9, 0),
            START + timedelta(days=1),
        ]
    ),
    st.dates(),
    st.timedeltas(),
    st.from_type(type).flatmap(lambda t: st.just(t)),
    st.sampled_from(
        [
            Party("lin", "Lin"),
            Issue("pay", "Pay"),
            Relation(RelationKind.REPORTS_TO, "chen", "lin"),
            [Relation(RelationKind.REPORTS_TO, "chen", "lin")],
            ["pay"],
            [["x"]],
            object(),
        ]
    ),
)
ACTORS = st.sampled_from(["lin", "zhao", "chen", "hr-lead", "stranger"]) | GARBAGE


def arguments_for(name: str, data: st.DataObject) -> tuple[list[Any], dict[str, Any]]:
    """Garbage (or a plausible value) for each parameter of command ``name``, sometimes an
    extra keyword or a missing one."""
    signature = inspect.signature(getattr(Mediation, name))
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for parameter in list(signature.parameters.values())[1:]:
        if parameter.name == "actor":
            value = data.draw(ACTORS, label="actor")
        else:
            value = data.draw(GARBAGE, label=parameter.name)
        if parameter.kind is parameter.KEYWORD_ONLY:
            if data.draw(st.booleans(), label=f"pass {parameter.name}"):
                keywords[parameter.name] = value
        elif parameter.default is parameter.empty or data.draw(st.booleans()):
            positional.append(value)
    return positional, keywords


def call_refusing_cleanly(case: Mediation, name: str, args: list[Any], kw: dict[str, Any]) -> None:
    """Call ``case.name(*args, **kw)``; a refusal must be typed and change nothing."""
    version, events = case.version, case.events
    try:
        getattr(case, name)(*args, **kw)
    except MediationError:
        assert case.version == version, f"{name} refused after recording"
        assert case.events == events
    # Anything else escapes and fails the test: that is the property.


@given(stage=st.sampled_from(STAGES_IN_ORDER), data=st.data())
def test_every_command_refuses_garbage_with_a_typed_error(stage: str, data: st.DataObject) -> None:
    case = case_at(stage)
    for _ in range(data.draw(st.integers(1, 4), label="commands")):
        name = data.draw(st.sampled_from(FUZZED), label="command")
        args, kw = arguments_for(name, data)
        call_refusing_cleanly(case, name, args, kw)
    # Whatever was accepted can still be read and replayed.
    case.allowed_actions("chen")
    case.pending_findings()
    Mediation.replay(case.events, clock=ManualClock(START + timedelta(days=30)))


@given(cls=st.sampled_from([Party, Mediator, Issue, Relation]), data=st.data())
def test_model_constructors_refuse_garbage_with_a_typed_error(
    cls: type, data: st.DataObject
) -> None:
    fields = [a.name for a in cls.__attrs_attrs__]  # type: ignore[attr-defined]
    values = [data.draw(GARBAGE, label=field) for field in fields]
    with contextlib.suppress(MediationError):
        cls(*values)


@given(value=GARBAGE)
def test_open_refuses_garbage_with_a_typed_error(value: Any) -> None:
    clock = ManualClock(START, tick=timedelta(minutes=1))
    for arguments in (
        {"case_id": value},
        {"parties": value},
        {"mediator": value},
        {"supervisors": value},
        {"relations": value},
        {"issues": value},
        {"policy": value},
        {"actor": value},
    ):
        base: dict[str, Any] = {
            "case_id": "c-1",
            "parties": [Party("lin", "Lin"), Party("zhao", "Zhao")],
            "mediator": Mediator("chen", "Chen"),
            "clock": clock,
        }
        base.update(arguments)
        with contextlib.suppress(MediationError):
            Mediation.open(**base)


# JSON-shaped garbage, as a web host would pass on: what ``execute`` gets from a request.
JSON_GARBAGE: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        ["lin", "zhao", "pay", "2026-03-02T09:00:00+00:00", "9999-12-31T23:00-05:00"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(stage=st.sampled_from(STAGES_IN_ORDER), data=st.data())
def test_execute_refuses_json_garbage_with_a_typed_error(stage: str, data: st.DataObject) -> None:
    case = case_at(stage)
    name = data.draw(st.sampled_from(list(rules.ACTIONS)), label="action")
    known = list(case.action_schema(name)["properties"])
    keys = st.sampled_from(known) if known else st.text(max_size=6)
    arguments = data.draw(
        st.dictionaries(keys | st.text(max_size=6), JSON_GARBAGE, max_size=4), label="arguments"
    )
    actor = data.draw(ACTORS, label="actor")
    call_refusing_cleanly(case, "execute", [name, actor], arguments)
