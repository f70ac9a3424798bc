"""Caucus parity (configurable): a caucus for one means one offered to every other.

Page: ``docs/neutrality/caucus-parity.md``. Settings: :class:`~mediation.policy.CaucusParity`.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_II
from mediation.neutrality.measures import least, max_min_ratio, ratio_float, ratio_text
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "CaucusParityCheck"]

MESSAGES = {
    "caucus_not_offered": N_("{had} had a caucus but {names} was not offered one"),
    "caucus_time_imbalance": N_(
        "caucus time is unbalanced: longest/shortest {ratio} (at most {max_ratio}); least: {names}"
    ),
}
"""Finding code → message template (English; translated through the catalogs)."""

SOURCE = STD_II
"""Model Standards Std. II (Impartiality); European Code 2.2."""


@attrs.frozen
class CaucusParityCheck(FamilyCheck):
    """Once one party had a caucus, every other is offered one; caucus time balanced.

    Checked when the case is about to enter the policy's ``caucus_parity.before_stage``.

    :meth:`evaluate` returns ``caucus_not_offered`` and ``caucus_time_imbalance`` findings. Zero,
    one or two findings.
    """

    code: str = "caucus_parity"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        settings = context.policy.caucus_parity
        if context.dest != settings.before_stage:
            return []
        state = context.state
        had = {
            p: Fraction(state.caucus_seconds[p])
            for p in context.parties
            if p in state.caucus_seconds
        }
        if not had:
            return []
        findings = []
        not_offered = tuple(p for p in context.parties if p not in state.caucus_offered)
        if not_offered:
            findings.append(
                Finding.of(
                    "caucus_not_offered",
                    MESSAGES["caucus_not_offered"],
                    not_offered,
                    params={"had": state.names(had), "names": state.names(not_offered)},
                    evidence=state.evidence(*(("caucus", p) for p in had)),
                )
            )
        if len(had) > 1:
            ratio = max_min_ratio(list(had.values()))
            if ratio is None or ratio > Fraction(settings.max_time_ratio):
                findings.append(
                    Finding.of(
                        "caucus_time_imbalance",
                        MESSAGES["caucus_time_imbalance"],
                        least(had),
                        params={
                            "ratio": ratio_text(ratio),
                            "max_ratio": settings.max_time_ratio,
                            "names": state.names(least(had)),
                        },
                        figures={"ratio": ratio_float(ratio)},
                        evidence=state.evidence(*(("caucus", p) for p in had)),
                    )
                )
        return findings


FAMILY = Family("caucus_parity", N_("Caucus parity"), SOURCE, check=CaucusParityCheck())
