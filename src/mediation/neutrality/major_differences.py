"""Major differences (configurable): 大事谈原则，小事谈风格 — principle for big matters,
style for small ones.

Page: ``docs/neutrality/major-differences.md``. Settings:
:class:`~mediation.policy.MajorDifferences`.

A difference reserved as *major* is a matter of principle: an agreement may not simply
leave it out. Before the case enters the agreement stage (and before it settles, and
before anyone signs), every major difference must be settled by a term of the agreed
proposal (``propose(..., settles=[difference ids])``), escalated on its own
(:meth:`~mediation.Mediation.escalate_difference`), or kept open explicitly by every
party taking part (:meth:`~mediation.Mediation.keep_difference_open`). Minor differences
may be parked.

The fold keeps each difference with its escalation and the parties who kept it open, and
each proposal with the differences it settles, so the check costs O(differences × parties).
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_, Names
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_I
from mediation.policy import Mode
from mediation.state import CaseState

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "MajorDifferencesCheck", "open_major"]

SOURCE = (
    "The seed's rule 大事谈原则，小事谈风格 (principle for big matters, style for small "
    "ones); " + STD_I + ": the parties decide each matter themselves"
)
"""Where the check comes from."""

MESSAGES: dict[str, str] = {
    "major_difference_open": N_(
        "major difference(s) {differences} are neither settled by a term of the agreed proposal, "
        "escalated, nor kept open by every party"
    ),
}
"""Finding code → message template (English; translated through the catalogs)."""


def open_major(state: CaseState) -> tuple[str, ...]:
    """The major differences the agreement (the agreed proposal, if any) leaves open:
    not among the proposal's ``settles``, not escalated, not kept open by every party
    taking part.

    Args:
        state: The case's state.

    Returns:
        Difference ids, in the order they were reserved.
    """
    return state.open_major_differences()


@attrs.frozen
class MajorDifferencesCheck(FamilyCheck):
    """No agreement while a major difference is left open.

    :meth:`evaluate` returns ``major_difference_open`` on entering the agreement stage or
    settling. Zero or one finding; parties: those who have not kept every open difference
    open; evidence: the reservations and the agreed proposal.
    """

    code: str = "major_differences"
    source: str = SOURCE
    default_mode: Mode = Mode.BLOCK

    def _findings(self, context: CheckContext) -> list[Finding]:
        if context.dest != "agreement" and not context.trigger.startswith("settle"):
            return []
        state = context.state
        found = open_major(state)
        if not found:
            return []
        missing = tuple(
            party
            for party in state.active
            if any(party not in state.differences[d].kept_open for d in found)
        )
        agreed = state.agreed_proposal()
        evidence = {state.differences[d].seq for d in found}
        if agreed is not None:
            evidence.add(state.proposals[agreed].seq)
        listed = Names(f"“{state.differences[d].text}”" for d in found)
        return [
            Finding.of(
                "major_difference_open",
                MESSAGES["major_difference_open"],
                missing,
                params={"differences": listed},
                figures={"open_major": float(len(found))},
                evidence=tuple(sorted(evidence)),
            )
        ]


FAMILY = Family(
    "major_differences", N_("Major differences (大事谈原则)"), SOURCE, check=MajorDifferencesCheck()
)
