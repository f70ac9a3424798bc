"""Voice in every joint stage (configurable): airtime and turns per party, stage by stage
and over the whole case.

Page: ``docs/neutrality/joint-voice.md``. Settings: :class:`~mediation.policy.JointVoice`.

:mod:`~mediation.neutrality.voice_balance` judges the listening stage; this family judges
every other stage in which the parties spoke, when the case leaves it, and the running
totals of the whole case on every forward move (a balanced listening followed by one party
holding the floor 40:1 in common ground is caught twice: in the stage, and in the case).
A stage with fewer statements than parties is not judged: one statement cannot show that
anyone was kept from speaking.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_, Term
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_II
from mediation.neutrality.measures import gini, least, max_min_ratio, ratio_float, ratio_text
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "JointVoiceCheck"]

SOURCE = f"{STD_II}; Model Standards Std. VI (Quality of the Process: party participation)"
"""Model Standards Std. II (Impartiality) and VI (party participation); European Code 2.2."""

MESSAGES = {
    "stage": N_(
        "{measure} in {stage} is unbalanced: Gini {gini} (at most {max_gini}), "
        "largest/smallest {ratio} (at most {max_ratio}); least heard: {parties}"
    ),
    "case": N_(
        "{measure} over the whole case is unbalanced: Gini {gini} (at most {max_gini}), "
        "largest/smallest {ratio} (at most {max_ratio}); least heard: {parties}"
    ),
}
"""Message templates (English; translated through the catalogs)."""


@attrs.frozen
class JointVoiceCheck(FamilyCheck):
    """Airtime and turns in every joint stage but the listening one, and cumulatively.

    :meth:`evaluate` returns ``stage_*_imbalance`` and ``case_*_imbalance`` findings. The findings
    (whole-case ones only once per party set).
    """

    code: str = "joint_voice"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        state = context.state
        parties = context.parties
        if len(parties) < 2:
            return []
        findings: list[Finding] = []
        stage = context.source
        if stage != context.policy.voice_balance.stage and stage in state.stage_turns:
            tables = (
                ("airtime", state.stage_airtime[stage]),
                ("turns", state.stage_turns[stage]),
            )
            for measure, table in tables:
                finding = self._judge(context, f"stage_{measure}_imbalance", measure, table)
                if finding is not None:
                    findings.append(
                        attrs.evolve(
                            finding,
                            evidence=state.evidence(("statement", stage)),
                        )
                    )
        listening = context.policy.voice_balance.stage
        if all(s == listening for s in state.stage_turns):
            return findings  # the whole case so far is the listening stage: voice_balance's
        for measure, table in (("airtime", state.airtime), ("turns", state.turns)):
            finding = self._judge(context, f"case_{measure}_imbalance", measure, table)
            if finding is not None and (self.code, finding.code, finding.parties) not in (
                state.recorded_keys
            ):
                findings.append(
                    attrs.evolve(
                        finding,
                        evidence=state.evidence(*(("statement", s) for s in state.stage_turns)),
                    )
                )
        return findings

    def _judge(
        self,
        context: CheckContext,
        code: str,
        measure: str,
        table: dict[str, float] | dict[str, int],
    ) -> Finding | None:
        state = context.state
        settings = context.policy.joint_voice
        parties = context.parties
        statements = (
            sum(state.stage_turns[context.source].get(p, 0) for p in parties)
            if code.startswith("stage_")
            else sum(state.turns.get(p, 0) for p in parties)
        )
        if statements < len(parties):
            return None
        values = {p: Fraction(table.get(p, 0)) for p in parties}
        if sum(values.values(), Fraction(0)) == 0:
            return None
        coefficient = gini(list(values.values()))
        ratio = max_min_ratio(list(values.values()))
        if coefficient <= Fraction(settings.max_gini) and (
            ratio is not None and ratio <= Fraction(settings.max_ratio)
        ):
            return None
        lowest = least(values)
        template = MESSAGES["stage" if code.startswith("stage_") else "case"]
        return Finding.of(
            code,
            template,
            lowest,
            params={
                "measure": Term(measure),
                "stage": Term(context.source),
                "gini": f"{float(coefficient):.2f}",
                "max_gini": settings.max_gini,
                "ratio": ratio_text(ratio),
                "max_ratio": settings.max_ratio,
                "parties": state.names(lowest),
            },
            figures={"gini": float(coefficient), "ratio": ratio_float(ratio)},
        )


FAMILY = Family("joint_voice", N_("Voice in every joint stage"), SOURCE, check=JointVoiceCheck())
