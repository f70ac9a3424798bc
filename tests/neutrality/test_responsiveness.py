"""Tests for mediation.neutrality.responsiveness: responsiveness (deadlines reviewed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mediation import (
    InvalidInput,
    Mediation,
    NotAuthorized,
    Policy,
    neutrality_report,
)
from mediation.clocks import ManualClock
from mediation.events import FindingRecorded
from mediation.policy import (
    Responsiveness,
)
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]


def test_review_deadlines_records_once_and_can_escalate(
    new_case: Build, clock: ManualClock
) -> None:
    policy = Policy(
        deadlines={"intake": timedelta(days=2)},
        responsiveness=Responsiveness(escalate_to="hr"),
    )
    case = new_case(policy=policy)
    assert case.review_deadlines("m") == ()
    clock.advance(timedelta(days=3))
    recorded = case.review_deadlines("sup")
    assert [e.type_name for e in recorded] == ["finding_recorded", "escalated"]
    assert case.stage == "escalated"
    assert case.review_deadlines("sup") == ()
    with nothing_recorded(case, NotAuthorized):
        case.review_deadlines("a")


def test_review_deadlines_warns_without_escalation(new_case: Build, clock: ManualClock) -> None:
    case = new_case(policy=Policy(deadlines={"intake": timedelta(hours=1)}))
    clock.advance(timedelta(hours=2))
    (finding,) = case.review_deadlines("m")
    assert isinstance(finding, FindingRecorded) and finding.code == "deadline_passed"
    assert case.stage == "intake"
    assert case.review_deadlines("m") == ()
    report = neutrality_report(case)
    assert {c.check: c.status for c in report.checks}["responsiveness"] == "findings"


def test_responsiveness_must_name_a_known_authority() -> None:
    with pytest.raises(InvalidInput, match="escalate_to"):
        Policy(responsiveness=Responsiveness(escalate_to="ceo"))
