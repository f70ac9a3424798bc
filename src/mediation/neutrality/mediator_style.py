"""Facilitative or evaluative style (configurable): may the mediator propose terms?

Page: ``docs/neutrality/mediator-style.md``. Settings:
:class:`~mediation.policy.MediatorStyle`.

On Riskin's grid (Riskin 1996), a *facilitative* mediator helps the parties reach their
own terms; an *evaluative* one assesses and proposes. The policy says which this case
runs. Facilitative (the default): a mediator's ``propose`` needs every party's request
(``request_suggestion``), like ``suggest_settlement`` — under ``block`` the rules refuse
it (reason ``evaluation_not_requested``), under ``warn`` it goes through and a finding
``unrequested_evaluation`` is recorded with it. Evaluative: proposals are allowed and stay
on record; whatever the style, a mediator proposal that one party answered must be put to
every party (each answers it) before the case moves on (``evaluation_not_put_to_all``); a
proposal nobody took up is simply left.
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_
from mediation.neutrality._family import Family, FamilyCheck
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "MediatorStyleCheck"]

SOURCE = (
    "Model Standards of Conduct for Mediators (2005), Std. I (Self-Determination) and "
    "Std. VI.A.5 (a mediator's own views); Riskin, Understanding Mediators' Orientations "
    "(1996), 1 Harv. Negot. L. Rev. 7"
)
"""Model Standards Std. I and VI; Riskin's grid."""

MESSAGES = {
    "unrequested_evaluation": N_(
        "the mediator proposed terms without every party's request (facilitative policy); "
        "not asked by {parties}"
    ),
    "evaluation_not_put_to_all": N_(
        "the mediator's proposal was not answered by every party before moving on: "
        "{parties} did not answer"
    ),
}
"""Message templates (English; translated through the catalogs)."""


@attrs.frozen
class MediatorStyleCheck(FamilyCheck):
    """Every mediator proposal is put to every party before the case moves on.

    :meth:`evaluate` returns ``evaluation_not_put_to_all`` findings for the move in ``context``.
    One finding per unanswered mediator proposal made in the stage being left.
    """

    code: str = "mediator_style"
    source: str = SOURCE
    default_mode: Mode = Mode.BLOCK

    def _findings(self, context: CheckContext) -> list[Finding]:
        state = context.state
        findings = []
        for proposal in state.mediator_proposals.get(context.source, ()):
            record = state.proposals[proposal]
            silent = tuple(p for p in context.parties if p not in record.answers)
            if silent and len(silent) < len(context.parties):
                findings.append(
                    Finding.of(
                        "evaluation_not_put_to_all",
                        MESSAGES["evaluation_not_put_to_all"],
                        silent,
                        params={"parties": state.names(silent)},
                        evidence=(record.seq,),
                    )
                )
        return findings


FAMILY = Family(
    "mediator_style",
    N_("Mediator style (facilitative or evaluative)"),
    SOURCE,
    check=MediatorStyleCheck(),
)
