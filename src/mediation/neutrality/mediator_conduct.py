"""Even-handed mediator conduct (configurable): attention addressed to each party.

Page: ``docs/neutrality/mediator-conduct.md``. Settings:
:class:`~mediation.policy.MediatorConduct`.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from mediation._checks import CheckContext, Finding
from mediation.neutrality._family import Family
from mediation.neutrality._standards import STD_II
from mediation.neutrality.measures import least, max_min_ratio, ratio_float, ratio_text
from mediation.policy import Mode

__all__ = ["FAMILY", "SOURCE", "MediatorConductCheck"]

SOURCE = STD_II
"""Model Standards Std. II (Impartiality); European Code 2.2."""


@attrs.frozen
class MediatorConductCheck:
    """Invitations, paraphrases and questions the mediator addressed to each party.

    Checked on every forward move once the mediator made at least the policy's
    ``min_interventions``.
    """

    code: str = "mediator_conduct"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def evaluate(self, context: CheckContext) -> list[Finding]:
        """Return a ``mediator_attention_imbalance`` finding about the least addressed.

        Args:
            context: The state and the move being attempted.

        Returns:
            Zero or one finding.
        """
        settings = context.policy.mediator_conduct
        state = context.state
        counts = {
            p: Fraction(sum(state.interventions.get(p, {}).values())) for p in context.parties
        }
        if sum(counts.values(), Fraction(0)) < settings.min_interventions:
            return []
        ratio = max_min_ratio(list(counts.values()))
        if ratio is not None and ratio <= Fraction(settings.max_ratio):
            return []
        least_addressed = least(counts)
        return [
            Finding(
                "mediator_attention_imbalance",
                f"the mediator addressed the parties unevenly: most/least {ratio_text(ratio)} "
                f"(at most {settings.max_ratio}); least addressed: "
                f"{state.names(least_addressed)}",
                least_addressed,
                figures={"ratio": ratio_float(ratio)},
                evidence=state.evidence(*(("intervention", p) for p in context.parties)),
            )
        ]


FAMILY = Family(
    "mediator_conduct", "Even-handed mediator conduct", SOURCE, check=MediatorConductCheck()
)
