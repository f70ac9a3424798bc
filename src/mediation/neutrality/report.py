"""The neutrality report: per-party figures, the check families' status and a verdict.

:func:`neutrality_report` reads any case-like object with a ``state`` and
``pending_findings()`` (:class:`ReportedCase`), so this module needs nothing above it:
:class:`~mediation.Mediation` is one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Protocol

import attrs

from mediation._checks import Finding
from mediation.i18n import N_, Term, join_list, translator
from mediation.neutrality.measures import gini, max_min_ratio, ratio_float
from mediation.neutrality.registry import FAMILIES, recorded_finding
from mediation.policy import BUILT_IN_CHECKS, Mode
from mediation.state import CaseState

__all__ = ["CheckStatus", "NeutralityReport", "PartyFigures", "ReportedCase", "neutrality_report"]


class ReportedCase(Protocol):
    """What the report reads from a case (:class:`~mediation.Mediation` is one)."""

    @property
    def state(self) -> CaseState:
        """The case's state."""
        ...

    def pending_findings(self) -> Sequence[Finding]:
        """What the checks find now about the next forward move."""
        ...


@attrs.frozen
class PartyFigures:
    """The even-handedness markers of one party (evidence, not proof).

    Shares are of the whole: airtime and turns in the policy's listening stage.
    """

    party: str
    airtime_seconds: float
    airtime_share: float
    turns: int
    turns_share: float
    caucus_seconds: float
    caucus_offered: bool
    invitations: int
    paraphrases: int
    questions: int
    proposals: int
    restated_another: bool
    view_confirmed: bool


@attrs.frozen
class CheckStatus:
    """One check family in the report."""

    check: str
    title: str
    source: str
    mode: str
    """``block``, ``warn`` or ``off``; ``enforced`` for obligations the process enforces."""
    status: str
    """``ok``, ``findings`` (recorded or pending), ``off``, or for an enforced obligation
    ``waiting`` (e.g. for the disclosure or a consent before the process can go on)."""


@attrs.frozen
class NeutralityReport:
    """Per-party figures, findings and an overall verdict for one case."""

    case_id: str
    stage: str
    parties: tuple[PartyFigures, ...]
    airtime_gini: float
    airtime_ratio: float
    turns_gini: float
    turns_ratio: float
    mediator_proposals: int
    recorded: tuple[Finding, ...]
    """Findings on record (warnings, and blocks a supervisor overrode)."""
    pending: tuple[Finding, ...]
    """What the checks find now about the next move (blocking ones would refuse it)."""
    checks: tuple[CheckStatus, ...]
    verdict: str
    """``even-handed`` (nothing found), ``concerns`` (warnings) or ``blocked``."""
    style: str = "facilitative"
    """The mediator style the policy runs (``facilitative`` or ``evaluative``)."""

    def to_markdown(self, lang: str = "en") -> str:
        """The report as Markdown text, in ``lang``.

        Args:
            lang: ``"en"`` or ``"zh"``: headings, words, check titles and findings are
                translated (sources are cited as written; party ids as they are).

        Returns:
            A Markdown document: per-party table, measures, checks and findings.

        Raises:
            InvalidInput: an unknown language.
        """
        _ = translator(lang).gettext
        yes, no = _("yes"), _("no")
        lines = [
            _("# Neutrality report: {case}").format(case=self.case_id),
            "",
            _("Stage: `{stage}`. Verdict: **{verdict}**. Mediator style: {style}.").format(
                stage=Term(self.stage).localized(lang),
                verdict=_(self.verdict),
                style=_(self.style),
            ),
            "",
            _("## Per party"),
            "",
            _(
                "| party | airtime s | airtime share | turns | caucus s | caucus offered "
                "| mediator invitations/paraphrases/questions | proposals |"
            ),
            "|---|---|---|---|---|---|---|---|",
        ]
        for f in self.parties:
            lines.append(
                f"| {f.party} | {f.airtime_seconds:g} | {f.airtime_share:.2f} | {f.turns} "
                f"| {f.caucus_seconds:g} | {yes if f.caucus_offered else no} "
                f"| {f.invitations}/{f.paraphrases}/{f.questions} | {f.proposals} |"
            )
        lines += [
            "",
            _(
                "Airtime Gini {airtime_gini}, max/min {airtime_ratio}; turns Gini "
                "{turns_gini}, max/min {turns_ratio}; proposals by the mediator: "
                "{proposals}."
            ).format(
                airtime_gini=f"{self.airtime_gini:.2f}",
                airtime_ratio=_fmt(self.airtime_ratio),
                turns_gini=f"{self.turns_gini:.2f}",
                turns_ratio=_fmt(self.turns_ratio),
                proposals=self.mediator_proposals,
            ),
            "",
            _("## Checks"),
            "",
            _("| check | mode | status | source |"),
            "|---|---|---|---|",
        ]
        lines += [
            f"| {_(c.title)} | {_(c.mode)} | {_(c.status)} | {c.source} |" for c in self.checks
        ]
        sections = ((_("Findings on record"), self.recorded), (_("Pending"), self.pending))
        for title, findings in sections:
            lines += ["", f"## {title}", ""]
            lines += [
                f"- `{x.check}/{x.code}` ({_(x.mode.value)}): {x.message_in(lang)}"
                f"{_evidence_text(x, lang)}"
                for x in findings
            ] or [_("- none")]
        return "\n".join(lines) + "\n"


_EVIDENCE_SHOWN = 12
"""How many evidence seqs the Markdown report lists before saying how many there are."""

_STATUS_WORDS = (N_("ok"), N_("findings"), N_("off"), N_("waiting"), N_("enforced"))
"""Words of the checks table the catalogs translate (with ``block``, ``warn`` and the
verdicts ``even-handed``, ``concerns``, ``blocked``)."""

_VERDICT_WORDS = (N_("even-handed"), N_("concerns"), N_("blocked"))
_STYLE_WORDS = (N_("facilitative"), N_("evaluative"))


def _evidence_text(finding: Finding, lang: str = "en") -> str:
    seqs = finding.evidence
    if not seqs:
        return ""
    shown = join_list((str(seq) for seq in seqs[:_EVIDENCE_SHOWN]), lang)
    _ = translator(lang).gettext
    more = _(", … ({count} in all)").format(count=len(seqs)) if len(seqs) > _EVIDENCE_SHOWN else ""
    return _(" — events {seqs}{more}").format(seqs=shown, more=more)


def _fmt(value: float) -> str:
    return "∞" if value == float("inf") else f"{value:.2f}"


def _shares(table: Mapping[str, float | int], parties: Sequence[str]) -> list[float]:
    values = [Fraction(table.get(p, 0)) for p in parties]
    total = sum(values, Fraction(0))
    return [float(v / total) if total else 0.0 for v in values]


def neutrality_report(case: ReportedCase) -> NeutralityReport:
    """Per-party figures, findings on record and pending, and the verdict, for ``case``.

    Args:
        case: The case (a :class:`~mediation.Mediation`, or anything with its ``state``
            and ``pending_findings()``).

    Returns:
        The report.
    """
    state = case.state
    policy = state.policy
    parties = tuple(state.active)
    stage = policy.voice_balance.stage
    airtime = state.stage_airtime.get(stage, {})
    turns = state.stage_turns.get(stage, {})
    proposals = dict.fromkeys(parties, 0)
    mediator_proposals = 0
    for proposal in state.proposals.values():
        if proposal.by_mediator:
            mediator_proposals += 1
        elif proposal.by in proposals:
            proposals[proposal.by] += 1
    confirmed_views = {
        r.about for r in state.restatements.values() if r.accurate and r.by in state.active
    }
    figures = tuple(
        PartyFigures(
            party=p,
            airtime_seconds=float(airtime.get(p, 0.0)),
            airtime_share=share,
            turns=turns.get(p, 0),
            turns_share=turn_share,
            caucus_seconds=state.caucus_seconds.get(p, 0.0),
            caucus_offered=p in state.caucus_offered,
            invitations=state.interventions.get(p, {}).get("invite", 0),
            paraphrases=state.interventions.get(p, {}).get("paraphrase", 0),
            questions=state.interventions.get(p, {}).get("question", 0),
            proposals=proposals[p],
            restated_another=p in state.confirmed_restaters,
            view_confirmed=p in confirmed_views,
        )
        for p, share, turn_share in zip(
            parties, _shares(airtime, parties), _shares(turns, parties), strict=True
        )
    )
    recorded = tuple(recorded_finding(event) for event in state.findings)
    pending = tuple(case.pending_findings())
    flagged = {f.check for f in (*recorded, *pending)}
    families = {family.code: family for family in FAMILIES}
    checks = [
        CheckStatus(family.code, family.title, family.source, "enforced", family.status(state))
        for family in FAMILIES
        if family.enforced
    ]
    for code in BUILT_IN_CHECKS:
        mode = policy.mode_of(code)
        family = families[code]
        if mode is Mode.OFF:
            status = "off"
        elif code in flagged:
            status = "findings"
        else:
            status = family.status(state)
        checks.append(CheckStatus(code, family.title, family.source, mode.value, status))
    if any(f.blocking for f in pending):
        verdict = "blocked"
    elif recorded or pending or any(c.status == "findings" for c in checks):
        verdict = "concerns"
    else:
        verdict = "even-handed"
    airtime_values = [Fraction(airtime.get(p, 0)) for p in parties]
    turn_values = [Fraction(turns.get(p, 0)) for p in parties]
    return NeutralityReport(
        case_id=state.case_id,
        stage=state.stage,
        parties=figures,
        airtime_gini=float(gini(airtime_values)),
        airtime_ratio=ratio_float(max_min_ratio(airtime_values)),
        turns_gini=float(gini(turn_values)),
        turns_ratio=ratio_float(max_min_ratio(turn_values)),
        mediator_proposals=mediator_proposals,
        recorded=recorded,
        pending=pending,
        checks=tuple(checks),
        verdict=verdict,
        style=policy.mediator_style.style.value,
    )
