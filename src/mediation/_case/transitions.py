"""Firing a trigger through the shared machine and the neutrality checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mediation.errors import Reason, TransitionRefused
from mediation.i18n import N_, Term
from mediation.neutrality import CHECKED_TRIGGERS, Check, Finding, evaluate
from mediation.process import Guard, Process
from mediation.rules import Situation, transition_blockers
from mediation.state import CaseState

__all__ = ["findings_for", "fire", "situation", "unresolved_blocks"]


class _Cursor:
    """The throwaway model the shared machine moves; guards read the real state."""

    __slots__ = ("failures", "guards", "paused_from", "stage", "state")

    def __init__(self, state: CaseState, guards: Mapping[str, Guard]) -> None:
        self.state = state
        self.guards = guards
        self.stage = state.stage
        self.paused_from = state.paused_from
        self.failures: list[Reason] = []

    def passes(self, guard: str) -> bool:
        reasons = self.guards[guard](self.state)
        if reasons:
            self.failures.extend(reasons)
            return False
        return True


def findings_for(
    state: CaseState, process: Process, checks: Sequence[Check], trigger: str
) -> list[Finding]:
    """What ``checks`` find about ``trigger`` from the current stage (modes applied)."""
    for row in process.table:
        if row.trigger == trigger and row.source == state.stage:
            return evaluate(checks, state, trigger, row.source, row.dest)
    return []


def unresolved_blocks(
    state: CaseState, process: Process, checks: Sequence[Check], trigger: str
) -> list[Finding]:
    """Blocking findings about ``trigger`` that no supervisor has overridden."""
    overrides = state.overrides
    found = findings_for(state, process, checks, trigger)
    return [f for f in found if f.blocking and f.code not in overrides]


def situation(state: CaseState, process: Process, checks: Sequence[Check]) -> Situation:
    """The case as the rules see it, with the neutrality checks' blocks wired in."""
    return Situation(
        state, process, lambda trigger: unresolved_blocks(state, process, checks, trigger)
    )


def fire(
    state: CaseState, process: Process, checks: Sequence[Check], trigger: str
) -> tuple[str, list[Finding]]:
    """Run ``trigger`` through the shared machine and the neutrality checks.

    Returns:
        The destination stage, and the findings to record (warnings, and blocks a
        supervisor overrode).

    Raises:
        TransitionRefused: with every failing guard and every blocking finding.
    """
    source = state.stage
    cursor = _Cursor(state, process.guards)
    if not process.fire(trigger, cursor):
        raise TransitionRefused(
            transition_blockers(situation(state, process, checks), trigger)
            or cursor.failures
            or [
                Reason.of(
                    "guard_failed",
                    N_("cannot {move} now"),
                    params={"move": Term(trigger.replace("_", " "))},
                )
            ]
        )
    if trigger not in CHECKED_TRIGGERS:
        return cursor.stage, []
    findings = evaluate(checks, state, trigger, source, cursor.stage)
    overrides = state.overrides
    blocking = [f for f in findings if f.blocking and f.code not in overrides]
    if blocking:
        raise TransitionRefused(blocking)
    return cursor.stage, findings
