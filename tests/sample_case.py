"""One small two-party case for tests that call every command: built once per stage, then
replayed (driving a case cooperatively is the slow part)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from mediation import Mediation
from mediation.clocks import ManualClock
from mediation.events import Event
from mediation.model import Issue, Mediator, Party
from mediation.testing import advance_to

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PEOPLE = ("lin", "zhao", "chen", "hr-lead")
"""The two parties, the mediator and the supervisor."""


def new_case() -> Mediation:
    """A fresh two-party case with a supervisor and one issue."""
    return Mediation.open(
        "case-1",
        [Party("lin", "Lin Wei"), Party("zhao", "Zhao Min")],
        Mediator("chen", "Chen Jie"),
        clock=ManualClock(START, tick=timedelta(minutes=1)),
        supervisors=["hr-lead"],
        issues=[Issue("pay", "Pay")],
    )


_HISTORIES: dict[str, tuple[Event, ...]] = {}


def case_at(stage: str) -> Mediation:
    """A case driven cooperatively to ``stage`` (driven once, then replayed)."""
    if stage not in _HISTORIES:
        case = new_case()
        _HISTORIES[stage] = (case if stage == case.stage else advance_to(case, stage)).events
    events = _HISTORIES[stage]
    return Mediation.replay(events, clock=ManualClock(events[-1].at, tick=timedelta(minutes=1)))
