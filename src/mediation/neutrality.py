"""Neutrality: checks grounded in mediator standards, findings, and the report.

Checks run when a case is about to move on (``advance`` and settlement). Each returns
:class:`Finding` values — a stable code, a plain-words message, the parties concerned and
the standard it comes from. What happens next is the policy's choice, per check:
``block`` refuses the stage change with :class:`~mediation.errors.TransitionRefused`
listing the findings (a supervisor may override with a recorded reason), ``warn`` records
the findings as events and goes on, ``off`` skips the check.

The checks read running figures that the state fold keeps up to date in O(1) per event
(airtime and turns per stage and party, confirmed restatements, caucus offers and time,
mediator interventions per party); nothing re-scans the history.

Some obligations are enforced by the process itself rather than by a configurable check
(they are not thresholds): conflict-of-interest disclosure and consent (guards
``disclosure_made`` and ``consent_current``), informed and voluntary participation
(withdrawal is never refused), self-determination (only parties consent, accept and sign)
and caucus confidentiality (notes belong to their party). The report shows them too.

Label-blindness: every figure is a symmetric function of the per-party values, so
renaming the parties renames every per-party figure and finding and changes no verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from mediation import events as ev
from mediation.errors import Reason
from mediation.model import RelationKind
from mediation.policy import BUILT_IN_CHECKS, Mode, Policy, Safeguard
from mediation.state import CaseState

if TYPE_CHECKING:
    from mediation.case import Mediation

__all__ = [
    "BUILTIN_CHECKS",
    "CHECKED_TRIGGERS",
    "SOURCES",
    "Check",
    "CheckContext",
    "CheckStatus",
    "Finding",
    "NeutralityReport",
    "PartyFigures",
    "evaluate",
    "gini",
    "max_min_ratio",
    "neutrality_report",
]

STD_I = "Model Standards of Conduct for Mediators (2005), Std. I (Self-Determination)"
STD_II = (
    "Model Standards of Conduct for Mediators (2005), Std. II (Impartiality); "
    "European Code of Conduct for Mediators 2.2"
)
STD_III = (
    "Model Standards of Conduct for Mediators (2005), Std. III (Conflicts of Interest); "
    "Uniform Mediation Act §9; European Code of Conduct for Mediators 2.1"
)
STD_V = (
    "Model Standards of Conduct for Mediators (2005), Std. V (Confidentiality); "
    "Uniform Mediation Act §7"
)
STD_VI = (
    "Model Standards of Conduct for Mediators (2005), Std. VI (Quality of the Process: "
    "timeliness, presence of appropriate participants, party participation)"
)

SOURCES: Mapping[str, str] = {
    "conflict_of_interest": STD_III,
    "informed_consent": STD_I + "; voluntary participation, withdrawal at any time",
    "self_determination": STD_I,
    "voice_balance": STD_II,
    "reciprocity": STD_II,
    "caucus_parity": STD_II,
    "mediator_conduct": STD_II,
    "power_imbalance": STD_VI,
    "confidentiality": STD_V,
    "responsiveness": STD_VI,
}
"""Check family → the standard it comes from."""

TITLES: Mapping[str, str] = {
    "conflict_of_interest": "Conflict of interest",
    "informed_consent": "Informed consent and voluntariness",
    "self_determination": "Self-determination",
    "voice_balance": "Voice balance",
    "reciprocity": "Perspective-swap reciprocity",
    "caucus_parity": "Caucus parity",
    "mediator_conduct": "Even-handed mediator conduct",
    "power_imbalance": "Power imbalance safeguards",
    "confidentiality": "Confidentiality",
    "responsiveness": "Responsiveness",
}

_ENFORCED = ("conflict_of_interest", "informed_consent", "self_determination", "confidentiality")
CHECKED_TRIGGERS = frozenset({"advance", "settle", "settle_partially"})
"""The moves neutrality checks run on: forward moves and settlement."""


@attrs.frozen
class Finding(Reason):
    """Something a neutrality check found.

    Attributes:
        check: The check family, e.g. ``"voice_balance"``.
        source: The standard the check comes from.
        mode: ``block`` or ``warn`` under the case's policy.
        figures: The measured values behind the finding (for reports).
    """

    check: str = attrs.field(default="", kw_only=True)
    source: str = attrs.field(default="", kw_only=True)
    mode: Mode = attrs.field(default=Mode.WARN, kw_only=True)
    figures: Mapping[str, float] = attrs.field(factory=dict, kw_only=True, eq=False, hash=False)

    @property
    def blocking(self) -> bool:
        """Whether the finding refuses the stage change."""
        return self.mode is Mode.BLOCK


@attrs.frozen
class CheckContext:
    """What a check sees: the state, the policy and the move being attempted."""

    state: CaseState
    trigger: str
    source: str
    dest: str

    @property
    def policy(self) -> Policy:
        """The policy in force."""
        return self.state.policy

    @property
    def parties(self) -> tuple[str, ...]:
        """The parties taking part, in case order."""
        return tuple(self.state.active)


@runtime_checkable
class Check(Protocol):
    """A neutrality check. Hosts register their own through
    :class:`~mediation.process.Process` (``checks=[...]``).

    Attributes:
        code: Stable identifier of the check; the policy's ``custom_checks`` may set its mode.
        source: The standard or house rule it comes from.
        default_mode: The mode used when the policy does not name the check.
    """

    @property
    def code(self) -> str:
        """Stable identifier of the check."""
        ...

    @property
    def source(self) -> str:
        """The standard or house rule the check comes from."""
        ...

    @property
    def default_mode(self) -> Mode:
        """The mode used when the policy does not name the check."""
        ...

    def evaluate(self, context: CheckContext) -> Iterable[Finding]:
        """Return findings for the move in ``context`` (modes are set by the caller)."""
        ...


# -- measures ------------------------------------------------------------------------------


def gini(values: Sequence[Fraction | int | float]) -> Fraction:
    """The Gini coefficient of non-negative values, exactly.

    0 when all values are equal (or all zero); at most ``(n - 1) / n``. Scale-invariant and
    symmetric in its arguments. Computed from the sorted values,
    ``sum((2i - n - 1) x_i) / (n sum(x))``, which equals the mean absolute difference
    over twice the mean.
    """
    exact = sorted(Fraction(value) for value in values)
    total = sum(exact, Fraction(0))
    if not exact or total == 0:
        return Fraction(0)
    n = len(exact)
    weighted = sum(((2 * rank - n - 1) * x for rank, x in enumerate(exact, 1)), Fraction(0))
    return weighted / (n * total)


def max_min_ratio(values: Sequence[Fraction | int | float]) -> Fraction | None:
    """Largest value over smallest, exactly; None (read: infinite) when the smallest is 0
    and the largest is not; 1 when all are zero."""
    exact = [Fraction(value) for value in values]
    if not exact or max(exact) == 0:
        return Fraction(1)
    smallest = min(exact)
    return None if smallest == 0 else max(exact) / smallest


def _ratio_float(ratio: Fraction | None) -> float:
    if ratio is None:
        return float("inf")
    try:
        return float(ratio)
    except OverflowError:
        return float("inf")


def _ratio_text(ratio: Fraction | None) -> str:
    value = _ratio_float(ratio)
    return "∞" if value == float("inf") else f"{value:.2f}"


def _names(state: CaseState, parties: Iterable[str]) -> str:
    return state.names(parties)


def _least(values: Mapping[str, Fraction]) -> tuple[str, ...]:
    lowest = min(values.values())
    return tuple(party for party, value in values.items() if value == lowest)


def _balance(
    measure: str, stage: str, values: Mapping[str, Fraction], max_gini: float, max_ratio: float
) -> Finding | None:
    if sum(values.values(), Fraction(0)) == 0:
        return None
    coefficient = gini(list(values.values()))
    ratio = max_min_ratio(list(values.values()))
    too_unequal = coefficient > Fraction(max_gini)
    too_far_apart = ratio is None or ratio > Fraction(max_ratio)
    if not (too_unequal or too_far_apart):
        return None
    return Finding(
        f"{measure}_imbalance",
        f"{measure} in {stage} is unbalanced: Gini {float(coefficient):.2f} (at most "
        f"{max_gini}), largest/smallest {_ratio_text(ratio)} (at most {max_ratio})",
        _least(values),
        figures={"gini": float(coefficient), "ratio": _ratio_float(ratio)},
    )


# -- built-in checks ---------------------------------------------------------------------------


def check_voice_balance(context: CheckContext) -> list[Finding]:
    """Airtime and turns per party in the listening stage, as shares."""
    settings = context.policy.voice_balance
    if context.source != settings.stage:
        return []
    state = context.state
    airtime = state.stage_airtime.get(settings.stage, {})
    turns = state.stage_turns.get(settings.stage, {})
    findings = []
    for measure, table in (("airtime", airtime), ("turns", turns)):
        values = {party: Fraction(table.get(party, 0)) for party in context.parties}
        finding = _balance(measure, settings.stage, values, settings.max_gini, settings.max_ratio)
        if finding is not None:
            findings.append(
                attrs.evolve(
                    finding,
                    message=f"{finding.message}; least heard: {_names(state, finding.parties)}",
                )
            )
    return findings


def check_reciprocity(context: CheckContext) -> list[Finding]:
    """Every party restated another's view and saw it confirmed: nobody skipped."""
    settings = context.policy.reciprocity
    if context.source != settings.stage:
        return []
    state = context.state
    missing = tuple(p for p in context.parties if p not in state.confirmed_restaters)
    if not missing:
        return []
    return [
        Finding(
            "restatement_missing",
            f"{_names(state, missing)} did not restate another party's view (confirmed)",
            missing,
        )
    ]


def check_caucus_parity(context: CheckContext) -> list[Finding]:
    """Once one party had a caucus, every other is offered one; caucus time balanced."""
    settings = context.policy.caucus_parity
    if context.dest != settings.before_stage:
        return []
    state = context.state
    had = {
        p: Fraction(state.caucus_seconds[p]) for p in context.parties if p in state.caucus_seconds
    }
    if not had:
        return []
    findings = []
    not_offered = tuple(p for p in context.parties if p not in state.caucus_offered)
    if not_offered:
        findings.append(
            Finding(
                "caucus_not_offered",
                f"{_names(state, had)} had a caucus but {_names(state, not_offered)} "
                "was not offered one",
                not_offered,
            )
        )
    if len(had) > 1:
        ratio = max_min_ratio(list(had.values()))
        if ratio is None or ratio > Fraction(settings.max_time_ratio):
            findings.append(
                Finding(
                    "caucus_time_imbalance",
                    f"caucus time is unbalanced: longest/shortest {_ratio_text(ratio)} "
                    f"(at most {settings.max_time_ratio}); least: "
                    f"{_names(state, _least(had))}",
                    _least(had),
                    figures={"ratio": _ratio_float(ratio)},
                )
            )
    return findings


def check_mediator_conduct(context: CheckContext) -> list[Finding]:
    """Invitations, paraphrases and questions the mediator addressed to each party."""
    settings = context.policy.mediator_conduct
    state = context.state
    counts = {p: Fraction(sum(state.interventions.get(p, {}).values())) for p in context.parties}
    if sum(counts.values(), Fraction(0)) < settings.min_interventions:
        return []
    ratio = max_min_ratio(list(counts.values()))
    if ratio is not None and ratio <= Fraction(settings.max_ratio):
        return []
    least = _least(counts)
    return [
        Finding(
            "mediator_attention_imbalance",
            f"the mediator addressed the parties unevenly: most/least {_ratio_text(ratio)} "
            f"(at most {settings.max_ratio}); least addressed: {_names(state, least)}",
            least,
            figures={"ratio": _ratio_float(ratio)},
        )
    ]


def subordinates(state: CaseState) -> tuple[str, ...]:
    """Parties taking part whom another party taking part manages, in case order."""
    found: set[str] = set()
    for relation in state.relations:
        if relation.source in state.active and relation.target in state.active:
            if relation.kind is RelationKind.MANAGES:
                found.add(relation.target)
            elif relation.kind is RelationKind.REPORTS_TO:
                found.add(relation.source)
    return tuple(p for p in state.active if p in found)


def check_power_imbalance(context: CheckContext) -> list[Finding]:
    """The safeguards the policy requires when one party manages another."""
    settings = context.policy.power_imbalance
    state = context.state
    juniors = subordinates(state)
    if not juniors:
        return []
    findings = []
    if Safeguard.SUPPORT_PERSON in settings.safeguards and context.dest == settings.listening_stage:
        alone = tuple(p for p in juniors if not state.support_persons.get(p))
        if alone:
            findings.append(
                Finding(
                    "support_person_missing",
                    f"{_names(state, alone)} is managed by another party and has no support "
                    "person present",
                    alone,
                )
            )
    if (
        Safeguard.SUBORDINATE_SPEAKS_FIRST in settings.safeguards
        and context.source == settings.listening_stage
        and state.first_speaker.get(settings.listening_stage) not in juniors
    ):
        findings.append(
            Finding(
                "subordinate_not_first",
                f"in {settings.listening_stage}, {_names(state, juniors)} should have spoken "
                "before the manager",
                juniors,
            )
        )
    if (
        Safeguard.CAUCUS_OFFER in settings.safeguards
        and context.dest == settings.caucus_before_stage
    ):
        not_offered = tuple(p for p in juniors if p not in state.caucus_offered)
        if not_offered:
            findings.append(
                Finding(
                    "subordinate_caucus_not_offered",
                    f"{_names(state, not_offered)} is managed by another party and was not "
                    "offered a caucus",
                    not_offered,
                )
            )
    return findings


@attrs.frozen
class _BuiltinCheck:
    code: str
    evaluate_with: Callable[[CheckContext], list[Finding]]

    @property
    def source(self) -> str:
        return SOURCES[self.code]

    @property
    def default_mode(self) -> Mode:
        return Mode.WARN

    def evaluate(self, context: CheckContext) -> Iterable[Finding]:
        return self.evaluate_with(context)


BUILTIN_CHECKS: tuple[Check, ...] = (
    _BuiltinCheck("voice_balance", check_voice_balance),
    _BuiltinCheck("reciprocity", check_reciprocity),
    _BuiltinCheck("caucus_parity", check_caucus_parity),
    _BuiltinCheck("mediator_conduct", check_mediator_conduct),
    _BuiltinCheck("power_imbalance", check_power_imbalance),
)
"""The configurable checks run on every forward move (responsiveness runs when deadlines
are reviewed: :meth:`~mediation.Mediation.review_deadlines`)."""


def evaluate(
    checks: Iterable[Check], state: CaseState, trigger: str, source: str, dest: str
) -> list[Finding]:
    """Run ``checks`` for a move and return their findings with the policy's modes.

    Checks whose mode is ``off`` are not run. Moves other than ``advance`` and
    settlement are not checked.
    """
    if trigger not in CHECKED_TRIGGERS:
        return []
    context = CheckContext(state=state, trigger=trigger, source=source, dest=dest)
    findings: list[Finding] = []
    for check in checks:
        mode = state.policy.mode_of(check.code, check.default_mode)
        if mode is Mode.OFF:
            continue
        for finding in check.evaluate(context):
            findings.append(attrs.evolve(finding, check=check.code, source=check.source, mode=mode))
    return findings


def finding_fields(finding: Finding, *, overridden: bool = False) -> dict[str, Any]:
    """The fields of a :class:`~mediation.events.FindingRecorded` event for ``finding``."""
    return {
        "check": finding.check,
        "code": finding.code,
        "message": finding.message,
        "parties": finding.parties,
        "source": finding.source,
        "mode": finding.mode.value,
        "overridden": overridden,
    }


def recorded_finding(event: ev.FindingRecorded) -> Finding:
    """The :class:`Finding` a ``finding_recorded`` event carries."""
    return Finding(
        event.code,
        event.message,
        event.parties,
        check=event.check,
        source=event.source,
        mode=Mode(event.mode),
    )


# -- the report ---------------------------------------------------------------------------------


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

    def to_markdown(self) -> str:
        """The report as Markdown text."""
        lines = [
            f"# Neutrality report: {self.case_id}",
            "",
            f"Stage: `{self.stage}`. Verdict: **{self.verdict}**.",
            "",
            "## Per party",
            "",
            "| party | airtime s | airtime share | turns | caucus s | caucus offered "
            "| mediator invitations/paraphrases/questions | proposals |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for f in self.parties:
            lines.append(
                f"| {f.party} | {f.airtime_seconds:g} | {f.airtime_share:.2f} | {f.turns} "
                f"| {f.caucus_seconds:g} | {'yes' if f.caucus_offered else 'no'} "
                f"| {f.invitations}/{f.paraphrases}/{f.questions} | {f.proposals} |"
            )
        lines += [
            "",
            f"Airtime Gini {self.airtime_gini:.2f}, max/min {_fmt(self.airtime_ratio)}; "
            f"turns Gini {self.turns_gini:.2f}, max/min {_fmt(self.turns_ratio)}; "
            f"proposals by the mediator: {self.mediator_proposals}.",
            "",
            "## Checks",
            "",
            "| check | mode | status | source |",
            "|---|---|---|---|",
        ]
        lines += [f"| {c.title} | {c.mode} | {c.status} | {c.source} |" for c in self.checks]
        for title, findings in (("Findings on record", self.recorded), ("Pending", self.pending)):
            lines += ["", f"## {title}", ""]
            lines += [
                f"- `{x.check}/{x.code}` ({x.mode.value}): {x.message}" for x in findings
            ] or ["- none"]
        return "\n".join(lines) + "\n"


def _fmt(value: float) -> str:
    return "∞" if value == float("inf") else f"{value:.2f}"


def _shares(table: Mapping[str, float | int], parties: Sequence[str]) -> list[float]:
    values = [Fraction(table.get(p, 0)) for p in parties]
    total = sum(values, Fraction(0))
    return [float(v / total) if total else 0.0 for v in values]


def neutrality_report(case: Mediation) -> NeutralityReport:
    """Per-party figures, findings on record and pending, and the verdict, for ``case``."""
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
    checks = [
        CheckStatus(code, TITLES[code], SOURCES[code], "enforced", _enforced_status(state, code))
        for code in _ENFORCED
    ]
    for code in BUILT_IN_CHECKS:
        mode = policy.mode_of(code)
        status = "off" if mode is Mode.OFF else ("findings" if code in flagged else "ok")
        checks.append(CheckStatus(code, TITLES[code], SOURCES[code], mode.value, status))
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
        airtime_ratio=_ratio_float(max_min_ratio(airtime_values)),
        turns_gini=float(gini(turn_values)),
        turns_ratio=_ratio_float(max_min_ratio(turn_values)),
        mediator_proposals=mediator_proposals,
        recorded=recorded,
        pending=pending,
        checks=tuple(checks),
        verdict=verdict,
    )


def _enforced_status(state: CaseState, code: str) -> str:
    from mediation.guards import consent_current, disclosure_made

    if code == "conflict_of_interest" and disclosure_made(state):
        return "waiting"
    if code == "informed_consent" and consent_current(state):
        return "waiting"
    return "ok"
