"""Even-handed mediator conduct (configurable): attention addressed to each party.

Page: ``docs/neutrality/mediator-conduct.md``. Settings:
:class:`~mediation.policy.MediatorConduct`.

Besides the overall most/least ratio, the check compares each kind of intervention on
its own over the whole case (invitations, questions, paraphrases or summaries, caucuses
— offers or sessions, whichever is more), and all interventions within each stage when
the case leaves it, with the exact one-sided binomial test of
:mod:`~mediation.neutrality.exact`; and it names a party never invited, or never
addressed at all, while every other party was. A running (whole-case) finding is recorded
once per party set, not at every move.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_, Names, Term
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_II
from mediation.neutrality.exact import underserved
from mediation.neutrality.measures import max_min_ratio, ratio_float, ratio_text
from mediation.policy import Mode
from mediation.state import CaseState

__all__ = ["FAMILY", "KINDS", "MESSAGES", "SOURCE", "MediatorConductCheck"]

KINDS: tuple[str, ...] = ("invite", "question", "paraphrase", "engagement", "caucus")
"""The kinds compared one by one. ``engagement`` is questions and paraphrases together —
the substantive attention, as against bare invitations, so that one side's paraphrases
and questions are not hidden behind the other side's invitations; ``caucus`` counts
offers or sessions, whichever is more."""

MESSAGES = {
    "mediator_attention_imbalance": N_(
        "the mediator addressed the parties unevenly: most/least {ratio} (at most "
        "{max_ratio}), exact one-sided binomial p = {p_value} (at most {alpha}); least "
        "addressed: {names}"
    ),
    "uneven_kind": N_(
        "the mediator's {kind} went unevenly: {counts}; {parties} received fewer than an "
        "equal share would give (exact one-sided binomial test, p = {p_value} ≤ {alpha})"
    ),
    "uneven_attention_in_stage": N_(
        "in {stage}, the mediator addressed the parties unevenly: {counts}; {parties} "
        "received fewer than an equal share would give (exact one-sided binomial test, "
        "p = {p_value} ≤ {alpha})"
    ),
    "party_never_invited": N_(
        "the mediator never invited {parties} to speak while inviting every other party"
    ),
    "party_never_addressed": N_(
        "the mediator never addressed {parties} while addressing every other party"
    ),
}
"""Finding code → its English message template (translated through the catalogs)."""

_KIND_WORDS = {
    "invite": N_("invitations to speak"),
    "question": N_("questions"),
    "paraphrase": N_("paraphrases and summaries"),
    "engagement": N_("questions and paraphrases together"),
    "caucus": N_("caucuses"),
}
_CODES = {
    "invite": "uneven_invitations",
    "question": "uneven_questions",
    "paraphrase": "uneven_paraphrases",
    "engagement": "uneven_engagement",
    "caucus": "uneven_caucuses",
}


def _kind_count(state: CaseState, party: str, kind: str) -> int:
    if kind == "caucus":
        return max(state.caucus_offers.get(party, 0), state.caucus_sessions.get(party, 0))
    counts = state.interventions.get(party, {})
    if kind == "engagement":
        return counts.get("question", 0) + counts.get("paraphrase", 0)
    return counts.get(kind, 0)


def _kind_counts(state: CaseState, parties: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Kind → party → :func:`_kind_count`, every kind of :data:`KINDS` in one pass over
    the parties (the check compares all of them at each move)."""
    table: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
    invites, questions, paraphrases = table["invite"], table["question"], table["paraphrase"]
    engagement, caucuses = table["engagement"], table["caucus"]
    interventions, offers, sessions = (
        state.interventions,
        state.caucus_offers,
        state.caucus_sessions,
    )
    for party in parties:
        counts = interventions.get(party, {})
        invites[party] = counts.get("invite", 0)
        question = questions[party] = counts.get("question", 0)
        paraphrase = paraphrases[party] = counts.get("paraphrase", 0)
        engagement[party] = question + paraphrase
        caucuses[party] = max(offers.get(party, 0), sessions.get(party, 0))
    return table


def _counts_text(state: CaseState, counts: dict[str, int]) -> Names:
    return Names(sorted(f"{state.parties[p].name} {n}" for p, n in counts.items()))


SOURCE = STD_II
"""Model Standards Std. II (Impartiality); European Code 2.2."""


@attrs.frozen
class MediatorConductCheck(FamilyCheck):
    """Invitations, paraphrases and questions the mediator addressed to each party.

    Checked on every forward move once the mediator made at least the policy's
    ``min_interventions``.

    :meth:`evaluate` returns a ``mediator_attention_imbalance`` finding about the least addressed.
    Zero or one finding.
    """

    code: str = "mediator_conduct"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        return [*self._overall(context), *self._by_kind(context), *self._in_stage(context)]

    def _overall(self, context: CheckContext) -> list[Finding]:
        settings = context.policy.mediator_conduct
        state = context.state
        totals = {p: sum(state.interventions.get(p, {}).values()) for p in context.parties}
        if sum(totals.values()) < settings.min_interventions:
            return []
        ratio = max_min_ratio([Fraction(n) for n in totals.values()])
        if ratio is not None and ratio <= Fraction(settings.max_ratio):
            return []
        # A ratio alone says nothing on small counts (5:2 is 2.5, yet p = 0.23): a mediator
        # who invites a quiet party twice more is doing the job. Judge only what the exact
        # test finds below an equal share, like the per-kind comparison.
        low = underserved(totals, settings.alpha)
        if not low:
            return []
        finding = Finding.of(
            "mediator_attention_imbalance",
            MESSAGES["mediator_attention_imbalance"],
            tuple(low),
            params={
                "ratio": ratio_text(ratio),
                "max_ratio": settings.max_ratio,
                "p_value": f"{max(low.values()):.3g}",
                "alpha": settings.alpha,
                "names": state.names(tuple(low)),
            },
            figures={"ratio": ratio_float(ratio), "p_value": max(low.values())},
            evidence=state.evidence(*(("intervention", p) for p in context.parties)),
        )
        if (self.code, finding.code, finding.parties) in state.recorded_keys:
            return []
        return [finding]

    def _by_kind(self, context: CheckContext) -> list[Finding]:
        state = context.state
        alpha = context.policy.mediator_conduct.alpha
        parties = context.parties
        found: list[Finding] = []
        addressed_keys = [("intervention", p) for p in parties]
        caucus_keys = [("caucus", p) for p in parties]
        table = _kind_counts(state, parties)
        for kind, counts in table.items():
            low = underserved(counts, alpha)
            if low:
                found.append(
                    Finding.of(
                        _CODES[kind],
                        MESSAGES["uneven_kind"],
                        tuple(low),
                        params={
                            "kind": Term(_KIND_WORDS[kind]),
                            "counts": _counts_text(state, counts),
                            "parties": state.names(low),
                            "p_value": f"{max(low.values()):.3g}",
                            "alpha": alpha,
                        },
                        figures={"p_value": max(low.values()), "alpha": alpha},
                        evidence=state.evidence(
                            *(caucus_keys if kind == "caucus" else addressed_keys)
                        ),
                    )
                )
        invited = {p for p in parties if table["invite"][p]}
        addressed = {p for p in parties if state.interventions.get(p) or table["caucus"][p]}
        for code, done in (("party_never_invited", invited), ("party_never_addressed", addressed)):
            missing = tuple(p for p in parties if p not in done)
            if len(missing) == 1 and len(done) == len(parties) - 1:
                found.append(
                    Finding.of(
                        code,
                        MESSAGES[code],
                        missing,
                        params={"parties": state.names(missing)},
                        evidence=state.evidence(*addressed_keys, *caucus_keys),
                    )
                )
        return [f for f in found if (self.code, f.code, f.parties) not in state.recorded_keys]

    def _in_stage(self, context: CheckContext) -> list[Finding]:
        state = context.state
        alpha = context.policy.mediator_conduct.alpha
        in_stage = state.stage_interventions.get(context.source)
        if not in_stage:
            return []
        counts = {p: sum(in_stage.get(p, {}).values()) for p in context.parties}
        low = underserved(counts, alpha)
        if not low:
            return []
        seqs = set(state.evidence(*(("intervention", p) for p in context.parties)))
        stage_seqs = state.evidence(("entered", context.source))
        return [
            Finding.of(
                "uneven_attention_in_stage",
                MESSAGES["uneven_attention_in_stage"],
                tuple(low),
                params={
                    "stage": Term(context.source),
                    "counts": _counts_text(state, counts),
                    "parties": state.names(low),
                    "p_value": f"{max(low.values()):.3g}",
                    "alpha": alpha,
                },
                figures={"p_value": max(low.values()), "alpha": alpha},
                evidence=tuple(sorted(s for s in seqs if not stage_seqs or s > stage_seqs[-1])),
            )
        ]


FAMILY = Family(
    "mediator_conduct", N_("Even-handed mediator conduct"), SOURCE, check=MediatorConductCheck()
)
