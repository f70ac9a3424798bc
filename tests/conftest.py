"""Case-building fixtures (profiles and logging are set up in the root conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from mediation import Mediation, Mediator, Party, Relation
from mediation.clocks import ManualClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


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


def _to_listening(case: Mediation) -> Mediation:
    """Disclose, consent everyone, advance."""
    case.disclose("m", "My relationships, if any, are on record.")
    for party in case.state.parties:
        case.consent(party)
    case.advance("m")
    return case


def _to_stage(case: Mediation, stage: str) -> Mediation:
    """Drive a fresh case through the default process up to ``stage``."""
    parties = list(case.state.active)
    order = ["intake", "listening", "perspective_swap", "common_ground", "compromise", "agreement"]
    if stage == "intake":
        return case
    _to_listening(case)
    if stage == "listening":
        return case
    for party in parties:
        case.speak(party, f"{party} explains", 60)
    case.advance("m")
    if stage == "perspective_swap":
        return case
    for index, party in enumerate(parties):
        other = parties[(index + 1) % len(parties)]
        made = case.restate(other, party, f"{other} restates {party}")
        case.review_restatement(party, made.restatement_id, accurate=True)
    case.advance("m")
    if stage == "common_ground":
        return case
    item = case.propose_common_ground("m", "We all want this solved")
    for party in parties:
        case.assent(party, item.item_id)
    case.advance("m")
    if stage == "compromise":
        return case
    proposal = case.propose(parties[0], "A fair deal")
    for party in parties[1:]:
        case.answer_proposal(party, proposal.proposal_id, accept=True)
    case.advance("m")
    assert case.stage == order[-1] == stage
    return case


@pytest.fixture
def advance_to() -> Callable[[Mediation, str], Mediation]:
    """Drive a fresh case through the default process up to a stage, cooperatively."""
    return _to_stage
