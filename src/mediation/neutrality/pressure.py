"""Pressure and reflection (configurable): time to decide, and time to reflect.

Page: ``docs/neutrality/pressure.md``. Settings: :class:`~mediation.policy.Pressure`.

Two findings, checked when the case moves on with an agreed proposal and at settlement:

- ``acceptance_under_deadline``: a party accepted the agreed proposal less than
  ``min_decision_time`` after a pressing deadline was set (one set less than
  ``fresh_deadline`` before it falls due) and before it fell due — also measured from the
  proposal when it came after the deadline. Seconds under a fresh two-minute deadline are
  not a free decision.
- ``reflection_cut_short``: the agreed solution was proposed by the mediator and the first
  signature came less than ``reflection`` after it (EU Directive 2013/11/EU Art. 9(2)(a):
  the parties have a reasonable period to reflect before agreeing to a proposed solution).

The figures (seconds from the proposal, and from the deadline, to each acceptance; seconds
from the proposal to the first signature) go with the findings.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_
from mediation.neutrality._family import Family, FamilyCheck
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "PressureCheck"]

SOURCE = (
    "Model Standards of Conduct for Mediators (2005), Std. I (Self-Determination: free and "
    "informed choices, without coercion); EU Directive 2013/11/EU Art. 9(2)"
)
"""Model Standards Std. I; EU Directive 2013/11/EU Art. 9(2)."""

MESSAGES = {
    "acceptance_under_deadline": N_(
        "{parties} accepted {seconds} s after a pressing deadline (set {window} min before "
        "it fell due); at least {minimum} s to decide are expected"
    ),
    "reflection_cut_short": N_(
        "the agreement is the mediator's proposal and was signed {minutes} min after it "
        "was made; the parties have {reflection} min to reflect (EU Directive 2013/11/EU "
        "Art. 9(2))"
    ),
}
"""Message templates (English; translated through the catalogs)."""


def _seconds(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds()


@attrs.frozen
class PressureCheck(FamilyCheck):
    """Acceptances under a fresh deadline; signing before the reflection period is over.

    :meth:`evaluate` returns ``acceptance_under_deadline`` and ``reflection_cut_short`` findings.
    Zero, one or two findings.
    """

    code: str = "pressure"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        state = context.state
        agreed = state.agreed_proposal()
        if agreed is None:
            return []
        settings = context.policy.pressure
        proposal = state.proposals[agreed]
        findings: list[Finding] = []
        rushed: dict[str, float] = {}
        deadline_seqs: set[int] = set()
        window = 0.0
        for set_at, due, seq in state.deadline_pressure.values():
            if due - set_at >= settings.fresh_deadline:
                continue
            for party, (accepted_at, _) in proposal.accepted_at.items():
                if party not in state.active or party == proposal.by:
                    continue
                start = max(set_at, proposal.made_at or set_at)
                if set_at <= accepted_at <= due and (
                    accepted_at - start < settings.min_decision_time
                ):
                    rushed[party] = min(
                        rushed.get(party, float("inf")), _seconds(accepted_at, start)
                    )
                    deadline_seqs.add(seq)
                    window = _seconds(due, set_at)
        if rushed:
            parties = tuple(p for p in context.parties if p in rushed)
            findings.append(
                Finding.of(
                    "acceptance_under_deadline",
                    MESSAGES["acceptance_under_deadline"],
                    parties,
                    params={
                        "parties": state.names(parties),
                        "seconds": f"{min(rushed.values()):g}",
                        "window": f"{window / 60:g}",
                        "minimum": f"{settings.min_decision_time.total_seconds():g}",
                    },
                    figures={"seconds_to_accept": min(rushed.values()), "deadline_window": window},
                    evidence=tuple(
                        sorted(
                            {proposal.seq, *deadline_seqs}
                            | {proposal.accepted_at[p][1] for p in parties}
                        )
                    ),
                )
            )
        signed = [state.signed_at[p] for p, pid in state.signatures.items() if pid == agreed]
        if proposal.by_mediator and signed and proposal.made_at is not None:
            first = min(signed)
            if first - proposal.made_at < settings.reflection:
                findings.append(
                    Finding.of(
                        "reflection_cut_short",
                        MESSAGES["reflection_cut_short"],
                        tuple(p for p in context.parties if state.signatures.get(p) == agreed),
                        params={
                            "minutes": f"{_seconds(first, proposal.made_at) / 60:.3g}",
                            "reflection": f"{settings.reflection.total_seconds() / 60:g}",
                        },
                        figures={"seconds_to_sign": _seconds(first, proposal.made_at)},
                        evidence=(proposal.seq, *state.evidence(("signed", agreed))),
                    )
                )
        return findings


FAMILY = Family("pressure", N_("Pressure and reflection"), SOURCE, check=PressureCheck())
