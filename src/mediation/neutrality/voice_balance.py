"""Voice balance (configurable): airtime and turns per party in the listening stage.

Page: ``docs/neutrality/voice-balance.md``. Settings: :class:`~mediation.policy.VoiceBalance`.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_II
from mediation.neutrality.measures import balance_finding
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "VoiceBalanceCheck"]

MESSAGES = {
    "imbalance": N_(
        "{measure} in {stage} is unbalanced: Gini {gini} (at most {max_gini}), "
        "largest/smallest {ratio} (at most {max_ratio}); least heard: {names}"
    ),
}
"""The template of the ``airtime_imbalance`` and ``turns_imbalance`` findings (English;
translated through the catalogs)."""

SOURCE = STD_II
"""Model Standards Std. II (Impartiality); European Code 2.2."""


@attrs.frozen
class VoiceBalanceCheck(FamilyCheck):
    """Airtime and turns per party in the listening stage, as shares.

    Checked when the case leaves the policy's ``voice_balance.stage``: a finding per
    measure (``airtime_imbalance``, ``turns_imbalance``) whose Gini coefficient or max/min
    ratio exceeds the policy's limits, about the least heard parties.

    :meth:`evaluate` returns the imbalance findings for the move in ``context``. Zero, one or two
    findings.
    """

    code: str = "voice_balance"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        settings = context.policy.voice_balance
        if context.source != settings.stage:
            return []
        state = context.state
        airtime = state.stage_airtime.get(settings.stage, {})
        turns = state.stage_turns.get(settings.stage, {})
        findings = []
        for measure, table in (("airtime", airtime), ("turns", turns)):
            values = {party: Fraction(table.get(party, 0)) for party in context.parties}
            finding = balance_finding(
                measure, settings.stage, values, settings.max_gini, settings.max_ratio
            )
            if finding is not None:
                findings.append(
                    Finding.of(
                        finding.code,
                        MESSAGES["imbalance"],
                        finding.parties,
                        params={**finding.params, "names": state.names(finding.parties)},
                        figures=finding.figures,
                        evidence=state.evidence(("statement", settings.stage)),
                    )
                )
        return findings


FAMILY = Family("voice_balance", N_("Voice balance"), SOURCE, check=VoiceBalanceCheck())
