"""Transcript markers (configurable): loaded wording, blame and dismissal per party.

Page: ``docs/neutrality/transcript-markers.md``. Settings:
:class:`~mediation.policy.TranscriptMarkers`. The markers themselves are found by
:mod:`mediation.markers` (or a host's classifier), once for each text as it is recorded;
the state keeps per party the seqs of the marked texts addressed to it
(:class:`~mediation.state.Transcript`), so the check costs O(parties) per move.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_, Names
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_II
from mediation.neutrality.measures import binomial_tail
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "TranscriptMarkersCheck"]

SOURCE = STD_II
"""Model Standards Std. II (Impartiality: "avoid conduct that gives the appearance of
partiality"); European Code 2.2."""

MESSAGES = {
    "marker_imbalance": N_(
        "the mediator's words to {names} carried loaded, blaming or dismissive markers in "
        "{marked} of {texts} texts addressed to them, against {others} for the other "
        "parties (exact one-sided binomial test: p = {p} <= {alpha}); see events {events}"
    ),
}
"""Finding code → message template (English; translated through the catalogs)."""


_EVIDENCE = 20
"""At most this many marked texts per flagged party are named as evidence (the latest)."""


def _seqs(seqs: list[int]) -> Names:
    return Names(str(seq) for seq in seqs)


@attrs.frozen
class TranscriptMarkersCheck(FamilyCheck):
    """Marked texts addressed to each party, compared with an exact binomial test.

    A party is flagged when it received at least ``min_marked`` marked texts and the
    one-sided binomial test of its count against an equal share for every party taking
    part (``P(X >= count)``, ``X ~ Binomial(all marked texts, 1 / parties)``) gives
    ``p <= alpha``. With two parties and the defaults, 4:0 fires (p = 1/16) and 3:2,
    3:0 and 4:1 do not.

    :meth:`evaluate` returns a ``marker_imbalance`` finding about the most-marked party, if any.
    Zero or one finding; its evidence is the seqs of the marked texts.
    """

    code: str = "transcript_markers"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        settings = context.policy.transcript_markers
        state = context.state
        parties = context.parties
        marked = state.transcript.marked
        counts = {party: len(marked.get(party, ())) for party in parties}
        total = sum(counts.values())
        if len(parties) < 2 or total == 0:
            return []
        top = max(counts.values())
        if top < settings.min_marked or top * len(parties) <= total:
            return []  # too few, or no party above an equal share
        p_value = binomial_tail(top, total, Fraction(1, len(parties)))
        if p_value > Fraction(settings.alpha):
            return []
        flagged = tuple(party for party in parties if counts[party] == top)
        # The latest marked texts of each flagged party (all of them, up to _EVIDENCE):
        # the finding costs the same however long the case grows.
        evidence = tuple(
            sorted(seq for party in flagged for seq in marked.get(party, ())[-_EVIDENCE:])
        )
        texts = sum(state.transcript.texts.get(party, 0) for party in flagged)
        fields = {
            "names": state.names(flagged),
            "marked": top * len(flagged),
            "texts": texts,
            "others": total - top * len(flagged),
            "p": f"{float(p_value):.3f}",
            "alpha": settings.alpha,
            "events": _seqs(list(evidence)),
        }
        return [
            Finding.of(
                "marker_imbalance",
                MESSAGES["marker_imbalance"],
                flagged,
                params=fields,
                figures={
                    "marked": float(top),
                    "all_marked": float(total),
                    "p_value": float(p_value),
                },
                evidence=evidence,
            )
        ]


FAMILY = Family(
    "transcript_markers", N_("Transcript markers"), SOURCE, check=TranscriptMarkersCheck()
)
