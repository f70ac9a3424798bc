"""Screening at intake (configurable): every party screened in private, and what a
positive answer requires.

Page: ``docs/neutrality/screening.md``. Settings: :class:`~mediation.policy.Screening`.

Modelled on published screening practice: the Mediator's Assessment of Safety Issues and
Concerns (MASIC; Holtzworth-Munroe, Beck & Applegate 2010) and the ABA/AFCC guidelines on
screening for violence and power imbalance — each party is asked, apart from the others,
about safety and violence, harassment, fear of retaliation, capacity and power. The
mediator records the answers (:meth:`~mediation.Mediation.screen`); they are confidential
(reader views show them only to the mediator and the screened party). Leaving intake needs
every party taking part screened; a positive answer needs what the policy says for its
domain: escalation (the case leaves mediation), or a safeguard for that party (a support
person, or shuttle format: :meth:`~mediation.Mediation.apply_safeguard`).

The fold keeps, per party, the seq of the latest screening, its positive domains and the
safeguards in place, so the check costs O(parties).
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_, Names, Term
from mediation.neutrality._family import Family, FamilyCheck
from mediation.policy import Mode, ScreeningResponse
from mediation.state import CaseState

__all__ = [
    "FAMILY",
    "MESSAGES",
    "SOURCE",
    "ScreeningCheck",
    "unscreened",
]

SOURCE = (
    "Model Standards of Conduct for Mediators (2005), Std. VI.A.10 (domestic abuse or "
    "violence: appropriate steps, including postponing, withdrawing or terminating); "
    "AFCC Guidelines for Examining Intimate Partner Violence (2016) and ABA Model "
    "Standards of Practice for Family and Divorce Mediation (2001), Std. X; MASIC "
    "(Holtzworth-Munroe, Beck & Applegate 2010)"
)
"""Where screening comes from."""

MESSAGES: dict[str, str] = {
    "screening_missing": N_(
        "not yet screened in private by the mediator: {names}; every party is screened (safety, "
        "harassment, fear of retaliation, capacity, power) before leaving {stage}"
    ),
    "screening_escalation_required": N_(
        "screening of {names} found {domains}: under the policy the case must be escalated, not "
        "mediated"
    ),
    "screening_safeguard_missing": N_(
        "screening of {names} found {domains}: a safeguard ({safeguards}) must be in place for "
        "them before the case goes on"
    ),
}
"""Finding code → message template (English; translated through the catalogs)."""


def unscreened(state: CaseState) -> tuple[str, ...]:
    """The parties taking part the mediator has not screened, in case order.

    Args:
        state: The case's state.

    Returns:
        The party ids.
    """
    return tuple(party for party in state.active if party not in state.screenings)


@attrs.frozen
class ScreeningCheck(FamilyCheck):
    """Every party screened before leaving the screening stage; positive answers
    escalated or safeguarded as the policy says, on every forward move.

    :meth:`evaluate` returns the screening findings for the move. ``screening_missing`` (leaving
    the screening stage), and on every forward move ``screening_escalation_required`` and
    ``screening_safeguard_missing``, as they apply; evidence: the screenings and the
    opening.
    """

    code: str = "screening"
    source: str = SOURCE
    default_mode: Mode = Mode.BLOCK

    def _findings(self, context: CheckContext) -> list[Finding]:
        settings = context.policy.screening
        state = context.state
        findings: list[Finding] = []
        if context.source == settings.stage:
            missing = unscreened(state)
            if missing:
                findings.append(
                    Finding.of(
                        "screening_missing",
                        MESSAGES["screening_missing"],
                        missing,
                        params={"names": state.names(missing), "stage": Term(settings.stage)},
                        figures={"unscreened": float(len(missing))},
                        evidence=(1,),
                    )
                )
        escalate: dict[str, set[str]] = {}
        guard: dict[str, set[str]] = {}
        for party in state.active:
            for domain in state.screening_positive.get(party, ()):
                response = settings.responses.get(domain, ScreeningResponse.NOTE)
                if response is ScreeningResponse.ESCALATE:
                    escalate.setdefault(party, set()).add(domain.value)
                elif response is ScreeningResponse.SAFEGUARD:
                    in_place = state.safeguards_applied.get(party, {})
                    if not any(s.value in in_place for s in settings.safeguards):
                        guard.setdefault(party, set()).add(domain.value)
        if escalate:
            parties = tuple(p for p in state.active if p in escalate)
            domains = Names(Term(d) for d in sorted(set().union(*escalate.values())))
            findings.append(
                Finding.of(
                    "screening_escalation_required",
                    MESSAGES["screening_escalation_required"],
                    parties,
                    params={"names": state.names(parties), "domains": domains},
                    figures={"parties": float(len(parties))},
                    evidence=tuple(sorted(state.screenings[p] for p in parties)),
                )
            )
        if guard:
            parties = tuple(p for p in state.active if p in guard)
            domains = Names(Term(d) for d in sorted(set().union(*guard.values())))
            safeguards = Names(
                (Term(w) for w in sorted(s.value.replace("_", " ") for s in settings.safeguards)),
                either=True,
            )
            findings.append(
                Finding.of(
                    "screening_safeguard_missing",
                    MESSAGES["screening_safeguard_missing"],
                    parties,
                    params={
                        "names": state.names(parties),
                        "domains": domains,
                        "safeguards": safeguards,
                    },
                    figures={"parties": float(len(parties))},
                    evidence=tuple(sorted(state.screenings[p] for p in parties)),
                )
            )
        return findings


FAMILY = Family("screening", N_("Screening at intake"), SOURCE, check=ScreeningCheck())
