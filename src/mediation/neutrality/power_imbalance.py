"""Power imbalance safeguards (configurable): what a managed party is owed.

Page: ``docs/neutrality/power-imbalance.md``. Settings:
:class:`~mediation.policy.PowerImbalance`.
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_, Term
from mediation.model import RelationKind
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_VI
from mediation.policy import Mode, Safeguard
from mediation.state import CaseState

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "PowerImbalanceCheck", "subordinates"]

MESSAGES = {
    "support_person_missing": N_(
        "{names} is managed by another party and has no support person present"
    ),
    "subordinate_not_first": N_("in {stage}, {names} should have spoken before the manager"),
    "subordinate_caucus_not_offered": N_(
        "{names} is managed by another party and was not offered a caucus"
    ),
}
"""Finding code → message template (English; translated through the catalogs)."""

SOURCE = STD_VI
"""Model Standards Std. VI (Quality of the Process: appropriate participants)."""


def subordinates(state: CaseState) -> tuple[str, ...]:
    """Parties taking part whom another party taking part manages, in case order.

    Args:
        state: The case's state.

    Returns:
        The managed parties (``manages`` targets and ``reports_to`` sources).
    """
    found: set[str] = set()
    for relation in state.relations:
        if relation.source in state.active and relation.target in state.active:
            if relation.kind is RelationKind.MANAGES:
                found.add(relation.target)
            elif relation.kind is RelationKind.REPORTS_TO:
                found.add(relation.source)
    return tuple(p for p in state.active if p in found)


@attrs.frozen
class PowerImbalanceCheck(FamilyCheck):
    """The safeguards the policy requires when one party manages another.

    A support person present before listening, the managed party speaking first in it,
    and a caucus offered before the policy's ``caucus_before_stage``.

    :meth:`evaluate` returns a finding per safeguard the move would skip.
    ``support_person_missing``, ``subordinate_not_first`` and
    ``subordinate_caucus_not_offered`` findings, as they apply.
    """

    code: str = "power_imbalance"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        settings = context.policy.power_imbalance
        state = context.state
        juniors = subordinates(state)
        if not juniors:
            return []
        findings = []
        if (
            Safeguard.SUPPORT_PERSON in settings.safeguards
            and context.dest == settings.listening_stage
        ):
            alone = tuple(p for p in juniors if not state.support_persons.get(p))
            if alone:
                findings.append(
                    Finding.of(
                        "support_person_missing",
                        MESSAGES["support_person_missing"],
                        alone,
                        params={"names": state.names(alone)},
                        evidence=tuple(sorted({1, *state.evidence(("entered", state.stage))})),
                    )
                )
        if (
            Safeguard.SUBORDINATE_SPEAKS_FIRST in settings.safeguards
            and context.source == settings.listening_stage
            and state.first_speaker.get(settings.listening_stage) not in juniors
        ):
            findings.append(
                Finding.of(
                    "subordinate_not_first",
                    MESSAGES["subordinate_not_first"],
                    juniors,
                    params={
                        "stage": Term(settings.listening_stage),
                        "names": state.names(juniors),
                    },
                    evidence=(1, *state.evidence(("statement", settings.listening_stage))[:1]),
                )
            )
        if (
            Safeguard.CAUCUS_OFFER in settings.safeguards
            and context.dest == settings.caucus_before_stage
        ):
            not_offered = tuple(p for p in juniors if p not in state.caucus_offered)
            if not_offered:
                findings.append(
                    Finding.of(
                        "subordinate_caucus_not_offered",
                        MESSAGES["subordinate_caucus_not_offered"],
                        not_offered,
                        params={"names": state.names(not_offered)},
                        evidence=(1, *state.evidence(*(("caucus", p) for p in context.parties))),
                    )
                )
        return findings


FAMILY = Family(
    "power_imbalance", N_("Power imbalance safeguards"), SOURCE, check=PowerImbalanceCheck()
)
