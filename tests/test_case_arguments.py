"""Argument checks at command time (mediation._case.arguments): typed refusals naming the
argument, limits from the policy, nothing recorded, the clock read once per command."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import Mediation
from mediation._case.arguments import (
    Binding,
    CommandArguments,
    _beyond,
    _beyond_exactly,
    _finite_number,
    _moment,
    _text,
    check_argument,
)
from mediation.case import COMMANDS
from mediation.clocks import ManualClock
from mediation.errors import InvalidInput
from mediation.model import Mediator, Party, Relation, shown
from mediation.policy import Limits
from mediation.testing import advance_to

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def case_at(stage: str) -> Mediation:
    case = Mediation.open(
        "c-1",
        [Party("lin", "Lin"), Party("zhao", "Zhao")],
        Mediator("chen", "Chen"),
        clock=ManualClock(START, tick=timedelta(minutes=1)),
        supervisors=["hr-lead"],
    )
    return case if stage == "intake" else advance_to(case, stage)


def refused(case: Mediation, name: str, *args: Any, match: str, **kwargs: Any) -> None:
    version, events = case.version, case.events
    with pytest.raises(InvalidInput, match=match):
        getattr(case, name)(*args, **kwargs)
    assert (case.version, case.events) == (version, events)


def test_a_huge_speaking_time_is_refused_and_cannot_lock_the_case() -> None:
    case = case_at("listening")
    refused(case, "speak", "lin", "I was passed over.", 1e308, match="seconds")
    refused(case, "speak", "lin", "I was passed over.", float("nan"), match="seconds")
    refused(case, "speak", "lin", "I was passed over.", -1, match="seconds")
    case.speak("lin", "I was passed over.", 60)
    case.allowed_actions("chen")
    case.pending_findings()


def test_texts_beyond_the_policy_limit_or_not_encodable_are_refused() -> None:
    case = case_at("listening")
    refused(case, "speak", "lin", "x" * 70_000, 60, match="text is 70000 bytes")
    refused(case, "speak", "lin", "x\ud800", 60, match="text is not valid Unicode")
    refused(case, "withdraw", "lin", "\udfff", match="reason")


def test_deadlines_out_of_the_policy_dates_are_refused() -> None:
    case = case_at("intake")
    late = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    refused(case, "set_deadline", "chen", "intake", late, match="due")
    refused(case, "set_deadline", "chen", "intake", datetime(2026, 4, 1), match="due")
    refused(
        case,
        "set_deadline",
        "chen",
        "intake",
        datetime(1960, 1, 1, tzinfo=timezone.utc),
        match="due",
    )


def test_wrong_keywords_and_missing_arguments_are_invalid_input_not_type_errors() -> None:
    case = case_at("listening")
    refused(case, "speak", "lin", "hello", 5, volume=3, match="speak")
    refused(case, "speak", "lin", match="speak")
    refused(case, "events_since", None, match="version")
    refused(case, "stage_label", ["en"], match="language")


def test_the_clock_is_read_once_per_command() -> None:
    case = case_at("listening")
    readings: list[datetime] = []
    base = case.state.last_at

    def ticking() -> datetime:
        readings.append(base + timedelta(minutes=len(readings) + 1))
        return readings[-1]

    case._clock = ticking  # the test stands in for a host's clock
    before = case.version
    case.speak("lin", "I was passed over.", 60)
    case.speak("zhao", "I did the work.", 60)
    moved = advance_to(case, "perspective_swap")
    commands = len(readings)
    new = case.events[before:]
    # Every command read the clock once: its events share one time.
    assert len({event.at for event in new}) == commands
    assert moved.stage == "perspective_swap"

    def stepped_back() -> datetime:
        return base

    case._clock = stepped_back
    version = case.version
    with pytest.raises(InvalidInput, match="clock went backwards"):
        case.pause("chen", "a break")
    assert case.version == version


def test_amounts_beyond_the_limit_are_refused() -> None:
    with pytest.raises(InvalidInput, match="valuations"):
        check_argument("valuations", "Mapping[str, float]", {"car": 10**5000}, Limits())
    with pytest.raises(InvalidInput, match="valuations"):
        check_argument("valuations", "Mapping[str, float]", {"car": 2e12}, Limits())
    check_argument("valuations", "Mapping[str, float]", {"car": 10**6}, Limits())


def test_each_limit_is_inclusive_at_the_boundary() -> None:
    """Just below, at and just above each limit: the limit itself is allowed."""
    limits = Limits(statement_bytes=4, max_duration_seconds=60, max_amount=1000)
    check_argument("text", "str", "abcd", limits)  # exactly 4 bytes
    check_argument("text", "str", "\u00e9\u00e9", limits)  # 2 characters, 4 bytes
    with pytest.raises(InvalidInput, match="text is 5 bytes of UTF-8; the policy's limit is 4"):
        check_argument("text", "str", "abcde", limits)
    with pytest.raises(InvalidInput, match="text is 5 bytes"):
        check_argument("text", "str", "\u00e9\u00e9a", limits)
    for seconds in (0, 59.5, 60):
        check_argument("seconds", "float", seconds, limits)
    with pytest.raises(InvalidInput, match="seconds must be at most 60"):
        check_argument("seconds", "float", 60.001, limits)
    for amount in (-1000, 999, 1000):
        check_argument("amount", "float", amount, limits)
    for too_large in (1000.5, -1001):
        with pytest.raises(InvalidInput, match="amount must be at most 1000"):
            check_argument("amount", "float", too_large, limits)
    check_argument("valuations", "Mapping[str, float]", {"car": 1000}, limits)
    dates = Limits(earliest_date=date(2020, 1, 1), latest_date=date(2030, 12, 31))
    for day in (date(2020, 1, 1), date(2030, 12, 31)):  # the first and the last day allowed
        check_argument("due", "datetime", datetime.combine(day, time(), timezone.utc), dates)
    for day in (date(2019, 12, 31), date(2031, 1, 1)):
        with pytest.raises(InvalidInput, match="due must fall between 2020-01-01 and 2030-12-31"):
            check_argument("due", "datetime", datetime.combine(day, time(), timezone.utc), dates)
    # a time that falls on the last day in UTC is allowed whatever its offset
    late = datetime(2030, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-3)))
    check_argument("due", "datetime", late, dates)
    with pytest.raises(InvalidInput, match="due must fall between"):
        check_argument("due", "datetime", late + timedelta(hours=1), dates)


def test_texts_and_turns_at_the_default_limits_are_recorded() -> None:
    case = case_at("listening")
    said = case.speak("lin", "x" * 65_536, 86_400)
    assert (len(said.text), said.seconds) == (65_536, 86_400)
    refused(case, "speak", "zhao", "x" * 65_537, 60, match="text is 65537 bytes")
    refused(case, "speak", "zhao", "Fine.", 86_400.5, match="seconds must be at most")


def test_a_malformed_argument_is_refused_before_anything_about_the_case_is_asked() -> None:
    """The declared types are checked first: whoever asks (here the supervisor, who may
    issue none of these), a malformed argument is InvalidInput naming it, not
    NotAuthorized, and nothing is recorded."""
    case = case_at("compromise")
    refused(case, "speak", "hr-lead", "Hi", -0.5, match="^seconds must not be negative; got -0.5$")
    refused(case, "speak", "hr-lead", "Hi", -1, match="^seconds must not be negative")
    refused(case, "answer_proposal", "hr-lead", "pr-9", accept="yes", match="^accept must be True")
    refused(
        case,
        "review_restatement",
        "hr-lead",
        "rs-9",
        accurate=1,
        match="^accurate must be True or False; got 1$",
    )
    answers = {"safety": "no", "harassment": False}
    refused(case, "screen", "hr-lead", "lin", answers, match=r"^answers\['safety'\] must be True")
    case.speak("lin", "I said nothing for a while.", 0)  # zero is a duration


def test_an_optional_argument_given_as_none_is_the_same_as_leaving_it_out() -> None:
    given, left_out = case_at("compromise"), case_at("compromise")
    given.propose("lin", "Share the work.", proposal_id=None, settles=())
    left_out.propose("lin", "Share the work.")
    given.open_caucus("chen", "lin", caucus_id=None)
    left_out.open_caucus("chen", "lin")
    assert given.events == left_out.events
    given, left_out = case_at("common_ground"), case_at("common_ground")
    given.reserve_difference("zhao", "Credit.", "minor", difference_id=None)
    left_out.reserve_difference("zhao", "Credit.", "minor")
    given.propose_common_ground("lin", "We both care.", item_id=None)
    left_out.propose_common_ground("lin", "We both care.")
    assert given.events == left_out.events
    intake, plain = case_at("intake"), case_at("intake")
    intake.disclose("chen", "No ties.", None)
    plain.disclose("chen", "No ties.")
    assert intake.events == plain.events


def test_a_question_about_any_time_is_answered_while_recorded_times_keep_to_the_policy() -> None:
    """``overdue(now)`` records nothing, so any aware time may be asked about; a deadline
    is recorded, so it must fall within the policy's dates."""
    case = case_at("intake")
    assert case.overdue(datetime(1960, 1, 1, tzinfo=timezone.utc)) == ()
    assert case.overdue(datetime(3500, 1, 1, tzinfo=timezone.utc)) == ()
    refused(
        case,
        "set_deadline",
        "chen",
        "intake",
        datetime(3000, 1, 1, tzinfo=timezone.utc),
        match="due must fall between 1970-01-01 and 2999-12-31",
    )
    case.set_deadline("chen", "intake", datetime(2999, 12, 31, 12, 0, tzinfo=timezone.utc))
    assert case.overdue(datetime(3500, 1, 1, tzinfo=timezone.utc))[0].stage == "intake"


class _NotIterable:
    """Has an ``__iter__`` attribute, set to None: Python's way of saying "not iterable"."""

    __iter__ = None


def test_an_object_whose_iter_is_none_is_not_a_collection() -> None:
    """The collection check asks what iteration asks (not merely whether ``__iter__`` is
    there): such an object is refused up front, never a TypeError from inside a command."""
    refused(
        case_at("compromise"), "propose", "lin", "terms", settles=_NotIterable(), match="settles"
    )
    refused(case_at("intake"), "override", "hr-lead", _NotIterable(), "r", match="codes")


# -- checks a command makes of its own (beyond the declared types) ---------------------------


def test_a_clock_that_cannot_be_called_is_refused_at_open() -> None:
    with pytest.raises(InvalidInput, match="clock must be a callable returning the time"):
        Mediation.open(
            "c-1",
            [Party("lin", "Lin"), Party("zhao", "Zhao")],
            Mediator("chen", "Chen"),
            clock=START,  # type: ignore[arg-type]
        )


def test_reassigning_needs_a_new_mediator() -> None:
    case = case_at("listening")
    refused(case, "reassign_mediator", "hr-lead", "chen", "tired", match="must be a Mediator")
    refused(
        case,
        "reassign_mediator",
        "hr-lead",
        Mediator("chen", "Chen"),
        "tired",
        match="chen is already the mediator",
    )


def test_a_disclosure_lists_only_the_mediators_own_relationships() -> None:
    case = case_at("intake")
    refused(
        case,
        "disclose",
        "chen",
        "I know nobody here",
        [Relation("colleague", "lin", "zhao")],
        match="the mediator's own relationships",
    )


def test_an_unknown_issue_cannot_be_flagged() -> None:
    refused(case_at("intake"), "flag_issue", "chen", "is-9", "harassment", match="unknown issue")


def test_valuations_name_items_by_text_and_procedures_by_known_names() -> None:
    case = case_at("compromise")
    case.open_caucus("chen", "lin")
    refused(case, "give_valuations", "lin", {5: 10}, match="valuations keys must be strings")
    case.give_valuations("lin", {"car": 10})
    case.close_caucus("chen")
    refused(
        case,
        "suggest_settlement",
        "chen",
        procedure="lottery",
        match=r"unknown procedure 'lottery'; one of \['adjusted_winner', 'knaster'\]",
    )


# -- the prepared checks agree with the general path ----------------------------------------


def _interpreted_check(name: str, annotation: str, value: object, limits: Limits) -> None:
    """The argument check as it read before it was prepared once per command: the
    annotation parsed at every call (the oracle for argument_check)."""
    kinds = {part.strip() for part in annotation.split("|")}
    if "None" in kinds and value is None:
        return
    if "str" in kinds:
        if isinstance(value, str):
            _text(value, name, limits)
            return
        if not kinds - {"str", "None"}:
            raise InvalidInput(f"{name} must be a string; got {type(value).__name__}")
    if kinds == {"float"}:
        if name == "seconds":
            _finite_number(value, name, limits.max_duration_seconds)
            if value < 0:  # type: ignore[operator]
                raise InvalidInput(f"{name} must not be negative; got {shown(value)}")
        else:
            _finite_number(value, name, limits.max_amount)
    elif kinds == {"int"}:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"{name} must be a whole number; got {type(value).__name__}")
    elif kinds == {"bool"}:
        if not isinstance(value, bool):
            raise InvalidInput(f"{name} must be True or False; got {shown(value)}")
    elif kinds == {"datetime"}:
        _moment(value, name, limits, recorded=name != "now")
    elif annotation.startswith("Mapping["):
        if not isinstance(value, Mapping):
            raise InvalidInput(f"{name} must be a mapping; got {type(value).__name__}")
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(f"{name} keys must be strings; got {shown(key)}")
            if annotation.endswith(", bool]"):
                if not isinstance(item, bool):
                    raise InvalidInput(f"{name}[{shown(key)}] must be True or False")
            else:
                _finite_number(item, f"{name}[{shown(key)}]", limits.max_amount)
    elif annotation.startswith(("Iterable[", "Sequence[")) and (
        isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable)
    ):
        raise InvalidInput(f"{name} must be a collection; got {type(value).__name__}")


def _general_check(
    method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], limits: Limits
) -> None:
    """Signature.bind on every call, then each given argument interpreted in order."""
    signature = inspect.signature(method)
    try:
        bound = signature.bind(object(), *args, **kwargs)
    except TypeError as error:
        raise InvalidInput(f"{method.__name__}: {error}") from None
    for parameter in signature.parameters.values():
        if parameter.name not in {"self", "actor"} and parameter.name in bound.arguments:
            _interpreted_check(
                parameter.name, str(parameter.annotation), bound.arguments[parameter.name], limits
            )


def _raised(check: Callable[[], None]) -> tuple[str, str] | None:
    try:
        check()
    except InvalidInput as error:
        return type(error).__name__, str(error)
    return None


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.just(10**400),
    st.floats(),
    st.fractions(max_denominator=7),
    st.decimals(allow_nan=True),
    st.text(max_size=4),
    st.just("x\ud800"),
    st.binary(max_size=2),
    st.datetimes(min_value=datetime(1, 1, 2)),
    st.datetimes(
        min_value=datetime(1, 1, 2),
        timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-5))]),
    ),
    st.lists(st.text(max_size=2), max_size=2),
    st.dictionaries(
        st.text(max_size=2) | st.integers(),
        st.booleans() | st.floats() | st.integers() | st.none(),
        max_size=2,
    ),
    st.sampled_from([Party("p", "P"), Mediator("m", "M"), Relation("reports_to", "m", "a")]),
)
_RAW_COMMANDS = {name: getattr(Mediation, name).__wrapped__ for name in COMMANDS}
_ANNOTATIONS = {
    str(parameter.annotation)
    for method in _RAW_COMMANDS.values()
    for parameter in inspect.signature(method).parameters.values()
}


@settings(max_examples=300)
@given(data=st.data(), statement_bytes=st.sampled_from([3, 65_536]))
def test_prepared_argument_checks_agree_with_the_general_path(
    data: st.DataObject, statement_bytes: int
) -> None:
    """For every command, arguments sorted by the prepared Binding (or left to
    Signature.bind) and checked by the prepared checks: the same refusal, word for word,
    as binding every call and parsing each annotation every time — on valid and invalid
    calls (too many, missing, unknown and repeated arguments, wrong types, sizes)."""
    name = data.draw(st.sampled_from(sorted(_RAW_COMMANDS)))
    method = _RAW_COMMANDS[name]
    parameters = list(inspect.signature(method).parameters)[1:]
    args = tuple(data.draw(st.lists(_VALUES, max_size=len(parameters) + 1)))
    names = st.sampled_from([*parameters, "self", "volume"])
    kwargs = data.draw(st.dictionaries(names, _VALUES, max_size=3))
    limits = Limits(statement_bytes=statement_bytes)
    prepared = CommandArguments(method)
    expected = _raised(lambda: _general_check(method, args, kwargs, limits))
    assert _raised(lambda: prepared.check(object(), args, kwargs, limits)) == expected
    binding = Binding.of(inspect.signature(method))
    if binding is not None:
        sorted_by_binding = binding.arguments(args, kwargs)
        if sorted_by_binding is not None:
            bound = inspect.signature(method).bind(object(), *args, **kwargs).arguments
            assert sorted_by_binding == {k: v for k, v in bound.items() if k != "self"}


@given(
    value=_VALUES,
    annotation=st.sampled_from(sorted(_ANNOTATIONS)),
    name=st.sampled_from(["text", "seconds", "now", "due", "valuations", "answers", "settles"]),
)
def test_each_prepared_check_agrees_with_the_annotation_read_at_every_call(
    value: object, annotation: str, name: str
) -> None:
    """argument_check decides once what check_argument used to decide at every call."""
    limits = Limits(statement_bytes=3)
    expected = _raised(lambda: _interpreted_check(name, annotation, value, limits))
    assert _raised(lambda: check_argument(name, annotation, value, limits)) == expected


@pytest.mark.parametrize("name", sorted(_RAW_COMMANDS))
def test_every_count_of_positional_arguments_binds_as_the_general_path_does(name: str) -> None:
    """Each command called with 0, 1, ... one too many positional strings and no keywords
    (the commonest call, where a keyword-only required argument is easy to miss)."""
    method = _RAW_COMMANDS[name]
    prepared = CommandArguments(method)
    for count in range(len(inspect.signature(method).parameters) + 1):
        args = tuple(f"value-{index}" for index in range(count))
        expected = _raised(functools.partial(_general_check, method, args, {}, Limits()))
        found = _raised(functools.partial(prepared.check, object(), args, {}, Limits()))
        assert found == expected


def test_a_plain_call_is_sorted_by_the_binding_itself() -> None:
    """The fast path: a call that binds plainly (every positional parameter filled, the
    required ones given by position or by keyword) is sorted without Signature.bind; only
    a call that does not bind plainly is left to the general path (None)."""
    speak = Binding(inspect.signature(_RAW_COMMANDS["speak"]))  # actor, text, seconds
    assert (speak.positional, speak.fewest) == (("actor", "text", "seconds"), 3)
    assert speak.keywords == {"actor", "text", "seconds"}
    assert speak.arguments(("lin", "Hi", 5), {}) == {"actor": "lin", "text": "Hi", "seconds": 5}
    assert speak.arguments(("lin",), {"text": "Hi", "seconds": 5}) == {
        "actor": "lin",
        "text": "Hi",
        "seconds": 5,
    }
    assert speak.arguments((), {"actor": "lin", "text": "Hi", "seconds": 5}) is not None
    assert speak.arguments(("lin", "Hi", 5, 6), {}) is None  # one too many
    assert speak.arguments(("lin", "Hi"), {}) is None  # one missing
    assert speak.arguments(("lin", "Hi"), {"text": "Hi", "seconds": 5}) is None  # text twice
    assert speak.arguments(("lin",), {"text": "Hi"}) is None  # seconds missing
    # a keyword-only required argument can never be given by position
    review = Binding(inspect.signature(_RAW_COMMANDS["review_restatement"]))
    assert review.positional == ("actor", "restatement_id")
    assert review.required == {"actor", "restatement_id", "accurate"}
    assert review.arguments(("lin", "rs-1"), {}) is None
    assert review.arguments(("lin", "rs-1"), {"accurate": True}) == {
        "actor": "lin",
        "restatement_id": "rs-1",
        "accurate": True,
    }
    propose = Binding(inspect.signature(_RAW_COMMANDS["propose"]))  # actor, text, *, ...
    assert propose.arguments(("lin", "Terms"), {}) == {"actor": "lin", "text": "Terms"}
    assert propose.arguments(("lin",), {}) is None


_PLAIN_NUMBERS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([86_400, 86_400.0, 86_400.000000001, -86_400.0, 1e12, 10**12 + 1, 5e-324]),
)


def _verdict(check: Callable[[Any, str, float], bool], value: object, most: float) -> object:
    try:
        return check(value, "x", most)
    except InvalidInput as refused:
        return refused.code


@given(
    _PLAIN_NUMBERS,
    st.one_of(st.sampled_from([86_400.0, 1e12]), st.floats(min_value=1e-300, max_value=1e300)),
)
def test_a_plain_number_is_compared_with_its_limit_as_exact_fractions_compare_it(
    value: float, most: float
) -> None:
    assert _verdict(_beyond, value, most) == _verdict(_beyond_exactly, value, most)


def test_a_decimal_or_fraction_is_compared_exactly_and_any_decimal_nan_is_not_finite() -> None:
    """A Decimal is compared exactly, never through a float: 1e400 is a finite number too
    large for the limit (not "not finite", as a float conversion would make it), and a
    signalling NaN is refused as not finite like any other NaN."""
    limits = Limits(max_amount=1000)
    for value in (Decimal("1e400"), Decimal("-1e400")):
        with pytest.raises(InvalidInput, match="amount must be at most 1000") as refused:
            check_argument("amount", "float", value, limits)
        assert refused.value.code == "argument_too_large"
    for value in (Decimal("sNaN"), Decimal("NaN"), Decimal("-Infinity")):
        with pytest.raises(InvalidInput, match="amount must be a finite number") as refused:
            check_argument("amount", "float", value, limits)
        assert refused.value.code == "argument_not_finite"
    for at_the_limit in (Decimal("1000"), Decimal("-1000"), Fraction(1000), Fraction(-2000, 2)):
        check_argument("amount", "float", at_the_limit, limits)
    for just_above in (Decimal("1000.0000000000000000001"), Fraction(10**20 + 1, 10**17)):
        with pytest.raises(InvalidInput, match="at most 1000") as refused:
            check_argument("amount", "float", just_above, limits)
        assert refused.value.code == "argument_too_large"
