"""Argument checks at command time (mediation._case.arguments): typed refusals naming the
argument, limits from the policy, nothing recorded, the clock read once per command."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from mediation import Mediation
from mediation._case.arguments import check_argument
from mediation.clocks import ManualClock
from mediation.errors import InvalidInput
from mediation.model import Mediator, Party, Relation
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
