"""A small host application: the service an HR case tool writes around `mediation`.

It adds one house rule (a custom neutrality check) and one custom escalation authority
(the works council), and exposes what its screens need. Its tests, in
``test_hr_service.py``, are written only with ``mediation.testing``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import attrs

from mediation import (
    BUILTIN_CHECKS,
    BUILTIN_GUARDS,
    DEFAULT_DEFINITION,
    CheckContext,
    Finding,
    Mediation,
    Mediator,
    Mode,
    NeutralityReport,
    Party,
    Policy,
    Process,
    Relation,
    neutrality_report,
)


@attrs.frozen
class NoParkingOfEveryDifference:
    """House rule: the compromise stage must have something to work on — entering it
    with every reserved difference parked and no common ground means the parties were
    steered past their disagreement."""

    code: str = "hr_nothing_to_compromise_on"
    source: str = "HR mediation handbook §3.2"
    default_mode: Mode = Mode.WARN

    def evaluate(self, context: CheckContext) -> Iterable[Finding]:
        state = context.state
        if context.dest != "compromise" or not state.differences:
            return []
        if all(difference.parked for difference in state.differences.values()):
            return [Finding("all_differences_parked", "every difference was parked")]
        return []


@attrs.frozen
class SecondPartyDominates:
    """A deliberately BIASED rule, kept here as a warning: it only looks at whether the
    *second* party listed dominated the airtime. ``test_hr_service.py`` shows that
    ``assert_label_blind`` catches it."""

    code: str = "hr_biased_airtime"
    source: str = "a bad idea"
    default_mode: Mode = Mode.BLOCK

    def evaluate(self, context: CheckContext) -> Iterable[Finding]:
        if context.source != "listening" or len(context.parties) < 2:
            return []
        first, second = context.parties[:2]
        airtime = context.state.airtime
        if airtime.get(second, 0) > 2 * airtime.get(first, 0):
            return [Finding("second_party_dominated", "the second party dominated", (first,))]
        return []


HR_POLICY = Policy.from_dict(
    {
        "authorities": ["line_manager", "hr", "legal", "ethics", "works_council"],
        "deadlines": {"intake": 5 * 86400, "listening": 14 * 86400},
        "power_imbalance": {"safeguards": ["caucus_offer", "support_person"]},
        "custom_checks": {"hr_nothing_to_compromise_on": "warn"},
    }
)
"""The department's policy: a works council to escalate to, deadlines, and safeguards."""

HR_PROCESS = Process(
    DEFAULT_DEFINITION, BUILTIN_GUARDS, checks=(*BUILTIN_CHECKS, NoParkingOfEveryDifference())
)
"""The default process with the department's house rule, compiled once."""


class HrMediationService:
    """What the HR tool's screens call."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.cases: dict[str, Mediation] = {}

    def open_case(
        self,
        case_id: str,
        employees: Sequence[tuple[str, str]],
        mediator: tuple[str, str],
        *,
        manager_of: tuple[str, str] | None = None,
    ) -> Mediation:
        """Open a case for employees ``(id, name)`` with an HR mediator."""
        relations = [Relation("manages", *manager_of)] if manager_of else []
        case = Mediation.open(
            case_id,
            [Party(pid, name) for pid, name in employees],
            Mediator(*mediator),
            clock=self.clock,
            supervisors=["hr-head"],
            relations=relations,
            policy=HR_POLICY,
            process=HR_PROCESS,
        )
        self.cases[case_id] = case
        return case

    def hand_to_works_council(self, case_id: str, actor: str, reason: str) -> None:
        """Escalate to the works council (a host-defined authority)."""
        self.cases[case_id].escalate(actor, "works_council", reason)

    def fairness_summary(self, case_id: str) -> NeutralityReport:
        """The neutrality report shown to HR."""
        return neutrality_report(self.cases[case_id])
