"""Caucus balance over the whole case (configurable): time per party at every move.

Page: ``docs/neutrality/caucus-balance.md``. Settings:
:class:`~mediation.policy.CaucusBalance`.

:mod:`~mediation.neutrality.caucus_parity` asks, on entering compromise, that every party
was *offered* a caucus; this family weighs the time each party actually had with the
mediator in private, over the whole case, on every forward move and at settlement. Every
party taking part counts, so a party who declined its offer counts with zero minutes: a
declined offer satisfies parity of offers, not a one-sided time balance. A finding needs
both a ratio above ``max_time_ratio`` and a gap of at least ``min_gap`` (so a short caucus
beside a declined one is not flagged; 165 min against 15 min is). The count of caucuses
per party is compared by :mod:`~mediation.neutrality.mediator_conduct`.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_II
from mediation.neutrality.measures import least, max_min_ratio, ratio_float, ratio_text
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "CaucusBalanceCheck"]

SOURCE = STD_II
"""Model Standards Std. II (Impartiality); European Code 2.2."""

MESSAGES = {
    "caucus_time_one_sided": N_(
        "caucus time over the case is one-sided: {minutes}; longest/shortest {ratio} (at "
        "most {max_ratio}), a gap of {gap} min (judged from {min_gap} min); least: {parties}"
    ),
}
"""Message templates (English; translated through the catalogs)."""


@attrs.frozen
class CaucusBalanceCheck(FamilyCheck):
    """Total caucus time per party taking part, on every forward move and at settlement.

    :meth:`evaluate` returns a ``caucus_time_one_sided`` finding about the parties with least
    time. Zero or one finding (recorded once per party set).
    """

    code: str = "caucus_balance"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        state = context.state
        settings = context.policy.caucus_balance
        parties = context.parties
        if len(parties) < 2 or not state.caucus_seconds:
            return []
        seconds = {p: Fraction(state.caucus_seconds.get(p, 0.0)) for p in parties}
        gap = max(seconds.values()) - min(seconds.values())
        if gap < Fraction(settings.min_gap.total_seconds()):
            return []
        ratio = max_min_ratio(list(seconds.values()))
        if ratio is not None and ratio <= Fraction(settings.max_time_ratio):
            return []
        lowest = least(seconds)
        if (self.code, "caucus_time_one_sided", lowest) in state.recorded_keys:
            return []
        minutes = ", ".join(
            sorted(f"{state.parties[p].name} {float(s) / 60:g} min" for p, s in seconds.items())
        )
        return [
            Finding.of(
                "caucus_time_one_sided",
                MESSAGES["caucus_time_one_sided"],
                lowest,
                params={
                    "minutes": minutes,
                    "ratio": ratio_text(ratio),
                    "max_ratio": settings.max_time_ratio,
                    "gap": f"{float(gap) / 60:g}",
                    "min_gap": f"{settings.min_gap / timedelta(minutes=1):g}",
                    "parties": state.names(lowest),
                },
                figures={"ratio": ratio_float(ratio), "gap_seconds": float(gap)},
                evidence=state.evidence(*(("caucus", p) for p in parties)),
            )
        ]


FAMILY = Family(
    "caucus_balance", N_("Caucus balance over the case"), SOURCE, check=CaucusBalanceCheck()
)
