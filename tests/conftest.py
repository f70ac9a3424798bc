"""Case-building fixtures (profiles and logging are set up in the root conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from mediation import Mediation, Mediator, Party, Relation
from mediation.clocks import ManualClock
from mediation.testing import advance_to as drive

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def still_case(stage: str, parties: int = 2, **kwargs: object) -> tuple[Mediation, ManualClock]:
    """A case with parties ``a``, ``b``… and mediator ``m`` driven to ``stage`` on a clock
    that moves only when told, so that durations (caucus times, pauses) are exact."""
    clock = ManualClock(START)
    case = Mediation.open(
        "case-1",
        [Party(pid, pid.upper()) for pid in "abcdefgh"[:parties]],
        Mediator("m", "Mediator"),
        clock=clock,
        **kwargs,  # type: ignore[arg-type]
    )
    return drive(case, stage), clock


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves one minute per reading."""
    return ManualClock(START, tick=timedelta(minutes=1))


@pytest.fixture
def new_case(clock: ManualClock) -> Callable[..., Mediation]:
    """Open a case with parties ``a``, ``b`` (and more on request) and mediator ``m``."""

    def build(parties: int = 2, *, related: bool = False, **kwargs: object) -> Mediation:
        ids = "abcdefgh"[:parties]
        relationships = [Relation("reports_to", "m", "a")] if related else []
        return Mediation.open(
            "case-1",
            [Party(pid, pid.upper()) for pid in ids],
            Mediator("m", "Mediator", relationships=relationships),
            clock=clock,
            supervisors=["sup"],
            **kwargs,  # type: ignore[arg-type]
        )

    return build


@pytest.fixture
def advance_to() -> Callable[[Mediation, str], Mediation]:
    """Drive a fresh case through the default process up to a stage, cooperatively."""
    return drive
