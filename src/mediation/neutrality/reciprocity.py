"""Perspective-swap reciprocity (configurable): every party restated another's view.

Page: ``docs/neutrality/reciprocity.md``. Settings: :class:`~mediation.policy.Reciprocity`.
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_II
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "ReciprocityCheck"]

MESSAGES = {
    "restatement_missing": N_("{names} did not restate another party's view (confirmed)"),
}
"""Finding code → message template (English; translated through the catalogs)."""

SOURCE = STD_II
"""Model Standards Std. II (Impartiality); European Code 2.2."""


@attrs.frozen
class ReciprocityCheck(FamilyCheck):
    """Every party restated another's view and saw it confirmed: nobody skipped.

    Checked when the case leaves the policy's ``reciprocity.stage``.

    :meth:`evaluate` returns a ``restatement_missing`` finding about the parties who skipped. Zero
    or one finding.
    """

    code: str = "reciprocity"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        settings = context.policy.reciprocity
        if context.source != settings.stage:
            return []
        state = context.state
        missing = tuple(p for p in context.parties if p not in state.confirmed_restaters)
        if not missing:
            return []
        return [
            Finding.of(
                "restatement_missing",
                MESSAGES["restatement_missing"],
                missing,
                params={"names": state.names(missing)},
                evidence=state.evidence(
                    ("entered", settings.stage), ("restatement", settings.stage)
                ),
            )
        ]


FAMILY = Family("reciprocity", N_("Perspective-swap reciprocity"), SOURCE, check=ReciprocityCheck())
