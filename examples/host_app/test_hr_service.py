"""The host application's own tests, written only with ``mediation.testing``."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest
from hr_service import HR_POLICY, HR_PROCESS, HrMediationService, SecondPartyDominates
from hypothesis import given

from mediation import (
    BUILTIN_CHECKS,
    BUILTIN_GUARDS,
    DEFAULT_DEFINITION,
    Mediation,
    Mediator,
    Party,
    Process,
)
from mediation.clocks import ManualClock
from mediation.testing import (
    MediationMachine,
    advance_to,
    assert_confidential,
    assert_label_blind,
    assert_replay_equal,
    assert_self_determined,
    cases,
)


class HrMachine(MediationMachine):
    """The library's state machine, on the department's process and policy."""

    process = HR_PROCESS
    policy = HR_POLICY


TestHrProcess = HrMachine.TestCase


@given(cases(policy=HR_POLICY, process=HR_PROCESS))
def test_the_hr_process_is_label_blind_and_keeps_the_invariants(case: Mediation) -> None:
    assert_label_blind(lambda c: c.pending_findings(), case)
    assert_label_blind(lambda c: list(c.allowed_actions(c.state.mediator.id)), case)
    assert_replay_equal(case)
    assert_self_determined(case)
    assert_confidential(case)


def test_the_works_council_takes_escalations() -> None:
    service = HrMediationService(ManualClock(datetime(2026, 6, 1, tzinfo=timezone.utc)))
    case = service.open_case("hr-7", [("kim", "Kim"), ("lee", "Lee")], ("med", "Med"))
    service.hand_to_works_council("hr-7", "med", "a question of co-determination")
    assert case.state.escalation == ("works_council", "a question of co-determination")
    summary = service.fairness_summary("hr-7")
    assert summary.stage == "escalated"
    assert summary.verdict == "even-handed"


def test_a_biased_rule_is_caught_by_the_label_blindness_helper() -> None:
    biased = Process(
        attrs.evolve(DEFAULT_DEFINITION, name="biased"),
        BUILTIN_GUARDS,
        checks=(*BUILTIN_CHECKS, SecondPartyDominates()),
    )
    case = Mediation.open(
        "hr-8",
        [Party("kim", "Kim"), Party("lee", "Lee")],
        Mediator("med", "Med"),
        clock=ManualClock(datetime(2026, 6, 1, tzinfo=timezone.utc)),
        process=biased,
    )
    advance_to(case, "listening")
    case.speak("kim", "briefly", 100)
    case.speak("lee", "at length", 250)  # the second party listed dominates
    assert [f.code for f in case.pending_findings()] == ["second_party_dominated"]
    with pytest.raises(AssertionError, match="not label-blind"):
        assert_label_blind(lambda c: c.pending_findings(), case)
