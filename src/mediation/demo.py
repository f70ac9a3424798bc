"""The demo: a realistic workplace dispute, run end to end through the public API.

Lin Wei, head of the analytics department, and Zhao Min, an analyst who reports to her,
disagree about workload and deadlines. Chen Jie, the office secretary, mediates: she
reports to Lin Wei, which the default policy classes as a disqualifying conflict of
interest (Model Standards III) — disclosure and consent alone do not cure it. She handles
it honestly (不能越位): the case cannot start until both parties, told of the tie, waive it
in writing; had either refused, or under a strict policy, a supervisor would hand the case
to an independent mediator (:func:`strict_handover`). She screens each party in private
before listening. She mediates in the default, facilitative style (the policy's
``mediator_style``): she proposes no terms; the parties do. A second, short run shows a
non-mediable issue (harassment) forcing escalation.

Every function takes ``lang`` (``"en"`` or ``"zh"``): the narration comes from the
catalogs, and so does the script itself — in Chinese the people are 林伟, 赵敏 and 陈洁
and say their lines in Chinese (the case's ids stay the same). The English run is the one
the docs and tests quote.

Used by ``mediation demo``, the tutorial and the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from mediation import events as ev
from mediation.case import Mediation
from mediation.clocks import ManualClock
from mediation.errors import TransitionRefused
from mediation.i18n import Term, check_language, stage_label, translator
from mediation.model import NO_CONCERNS, Issue, Mediator, Party, Relation, RelationKind
from mediation.neutrality.registry import recorded_finding
from mediation.policy import ConflictOfInterest, Policy

__all__ = [
    "ANALYST",
    "HEAD",
    "OMBUDS",
    "SECRETARY",
    "describe",
    "non_mediable_case",
    "strict_handover",
    "workplace_dispute",
]

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

HEAD = Party("lin", "Lin Wei", role="head of analytics")
ANALYST = Party("zhao", "Zhao Min", role="analyst")
SECRETARY = Mediator(
    "chen",
    "Chen Jie",
    relationships=[Relation(RelationKind.REPORTS_TO, "chen", "lin", note="office secretary")],
)
OMBUDS = Mediator("he", "He Ping")
"""An independent mediator from the ombuds office, with no tie to either party."""


def _cast(lang: str) -> tuple[Party, Party, Mediator, Mediator]:
    """The demo's people with their names (and roles) in ``lang``; the same ids."""
    _ = translator(lang).gettext
    head = Party("lin", _("Lin Wei"), role=_("head of analytics"))
    analyst = Party("zhao", _("Zhao Min"), role=_("analyst"))
    secretary = Mediator(
        "chen",
        _("Chen Jie"),
        relationships=[
            Relation(RelationKind.REPORTS_TO, "chen", "lin", note=_("office secretary"))
        ],
    )
    return head, analyst, secretary, Mediator("he", _("He Ping"))


def _name(case: Mediation, actor: str, lang: str = "en") -> str:
    party = case.state.parties.get(actor)
    if party is not None:
        return party.name
    if actor == case.state.mediator.id:
        return translator(lang).gettext("{name} (mediator)").format(name=case.state.mediator.name)
    return actor


def _refused(refused: TransitionRefused, lang: str) -> str:
    """A refusal's reasons in ``lang``, joined as the English message joins them."""
    separator = translator(lang).gettext("; ")
    return separator.join(reason.message_in(lang) for reason in refused.reasons)


def describe(case: Mediation, event: ev.Event, lang: str = "en") -> str | None:
    """One line in plain words for the events a reader of the demo cares about.

    Never includes what was said in caucus.

    Args:
        case: The case.
        event: One of its events.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The line, or None for an event the demo does not narrate.

    Raises:
        InvalidInput: an unknown language.
    """
    _ = translator(lang).gettext
    who = _name(case, event.actor, lang)
    spec = case.process.definition.stage
    if isinstance(event, ev.StageChanged):
        source, dest = spec(event.source), spec(event.dest)
        if lang == "en":
            line = f"== {source.label_en} -> {dest.label_en} ({stage_label(dest, 'zh')})"
        else:
            line = f"== {stage_label(source, lang)} → {stage_label(dest, lang)}"
        return line + (_(": {reason}").format(reason=event.reason) if event.reason else "")
    if isinstance(event, ev.Escalated):
        return _("== Escalated (上报) to {authority}: {reason}").format(
            authority=event.authority, reason=event.reason
        )
    if isinstance(event, ev.Closed):
        outcome = Term(event.outcome.value).localized(lang)
        if event.reason:
            return _("== Closed: {outcome} ({reason})").format(outcome=outcome, reason=event.reason)
        return _("== Closed: {outcome}").format(outcome=outcome)
    lines: dict[type[ev.Event], str] = {
        ev.DisclosureMade: "   " + _("{who} discloses: {text}"),
        ev.ConflictWaived: "   " + _("{who} waives in writing: {text}"),
        ev.ConsentGiven: "   " + _("{who} consents to mediation"),
        ev.CommonGroundProposed: "   " + _("common ground proposed: {text}"),
        ev.CommonGroundAssented: "   " + _("{who} agrees"),
        ev.ProposalMade: "   " + _("{who} proposes: {text}"),
        ev.Signed: "   " + _("{who} signs the agreement"),
        ev.Withdrew: "   " + _("{who} withdraws"),
    }
    template = lines.get(type(event))
    if template is not None:
        text = getattr(event, "statement", None) or getattr(event, "text", "")
        return template.format(who=who, text=text)
    if isinstance(event, ev.PartyScreened):
        return "   " + _("{who} screens {party} in private (answers confidential)").format(
            who=who, party=_name(case, event.party, lang)
        )
    if isinstance(event, ev.MediatorReassigned):
        return "   " + _("{who} hands the case to {name}: {reason}").format(
            who=who, name=event.mediator.name, reason=event.reason
        )
    if isinstance(event, ev.IssueFlagged):
        issue = case.state.issues.get(event.issue_id)
        title = issue.title if issue is not None else event.issue_id
        return "   " + _("{who} flags the issue “{title}” as {flag}").format(
            who=who, title=title, flag=Term(event.flag).localized(lang)
        )
    if isinstance(event, ev.StatementMade):
        return "   " + _("{who} speaks ({seconds} s): {text}").format(
            who=who, seconds=f"{event.seconds:.0f}", text=event.text
        )
    if isinstance(event, ev.RestatementMade):
        return "   " + _("{who} restates {name}'s view: {text}").format(
            who=who, name=_name(case, event.about, lang), text=event.text
        )
    if isinstance(event, ev.RestatementReviewed):
        verdict = (
            "   " + _("{who} confirms it") if event.accurate else "   " + _("{who} rejects it")
        )
        line = verdict.format(who=who)
        return line + (_(": {reason}").format(reason=event.comment) if event.comment else "")
    if isinstance(event, ev.DifferenceReserved):
        return "   " + _("difference reserved ({severity}): {text}").format(
            severity=_(event.severity.value), text=event.text
        )
    if isinstance(event, ev.DifferenceParked):
        parked = case.state.differences.get(event.difference_id)
        if parked is None:
            return "   " + _("{who} parks a minor difference").format(who=who)
        return "   " + _("{who} parks a minor difference: {text}").format(who=who, text=parked.text)
    if isinstance(event, ev.ProposalAnswered):
        proposal = case.state.proposals.get(event.proposal_id)
        if proposal is None:
            whose = _("the proposal")
        else:
            whose = _("{name}'s proposal").format(name=_name(case, proposal.by, lang))
        answer = (
            "   " + _("{who} accepts {whose}")
            if event.accepted
            else "   " + _("{who} rejects {whose}")
        )
        return answer.format(who=who, whose=whose)
    if isinstance(event, ev.CaucusOpened):
        return "   " + _("private session (caucus) with {name}").format(
            name=_name(case, event.party, lang)
        )
    if isinstance(event, ev.MediatorIntervened) and event.kind == "invite":
        return "   " + _("{who} invites {name} to speak").format(
            who=who, name=_name(case, event.party, lang)
        )
    if isinstance(event, ev.FindingRecorded):
        message = recorded_finding(event).message_in(lang)
        return "   " + _("finding ({mode}): {message}").format(mode=_(event.mode), message=message)
    if isinstance(event, ev.CaucusClosed):
        return "   " + _("caucus ends after {minutes} min (content stays confidential)").format(
            minutes=f"{event.seconds / 60:.0f}"
        )
    return None


def _narrator(
    say: Callable[[str], None], lang: str = "en"
) -> Callable[[Mediation, ev.Event], None]:
    def listener(case: Mediation, event: ev.Event) -> None:
        line = describe(case, event, lang)
        if line is not None:
            say(line)

    return listener


def workplace_dispute(narrate: Callable[[str], None] | None = None, lang: str = "en") -> Mediation:
    """Run the workload dispute from intake to a signed agreement; return the case.

    Args:
        narrate: Called with each line of the story (None: run silently).
        lang: ``"en"`` or ``"zh"``: the language of the narration and of the script.

    Returns:
        The settled case.

    Raises:
        InvalidInput: an unknown language.
    """
    _ = translator(check_language(lang)).gettext
    head, analyst, secretary, _ombuds = _cast(lang)
    clock = ManualClock(START, tick=timedelta(minutes=3))
    case = Mediation.open(
        "workload-2026-03",
        [head, analyst],
        secretary,
        clock=clock,
        supervisors=["hr-lead"],
        relations=[Relation(RelationKind.MANAGES, "lin", "zhao")],
        issues=[Issue("workload", _("Workload and deadlines for the Q2 reports"))],
    )
    if narrate is not None:
        case.subscribe(_narrator(narrate, lang))
        narrate(
            _("Case {case}: {head} ({head_role}) and {analyst} ({analyst_role})").format(
                case=case.case_id,
                head=head.name,
                head_role=head.role,
                analyst=analyst.name,
                analyst_role=analyst.role,
            )
        )
        narrate(
            _("Mediator: {mediator}, office secretary, reporting to {head}").format(
                mediator=secretary.name, head=head.name
            )
        )
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate(
                "   " + _("(cannot start listening yet: {why})").format(why=_refused(refused, lang))
            )
    case.disclose(
        "chen", _("I report to Lin Wei as office secretary; I will not take sides or report back.")
    )
    tie = secretary.relationships[0]
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate(
                "   " + _("(disclosure is not enough: {why})").format(why=_refused(refused, lang))
            )
    case.waive_conflict(
        "zhao",
        tie,
        _(
            "I know Chen Jie reports to Lin Wei. I choose her as mediator and waive the "
            "conflict; I can withdraw at any time."
        ),
    )
    case.waive_conflict(
        "lin",
        tie,
        _("Chen Jie reports to me. I accept her as mediator and will not ask her about the case."),
    )
    case.screen("chen", "zhao", NO_CONCERNS)
    case.screen("chen", "lin", NO_CONCERNS)
    case.consent("lin")
    case.consent("zhao")
    case.advance("chen")
    case.invite_to_speak("chen", "zhao")
    case.speak("zhao", _("Since January I carry two analysts' workload and miss my evenings."), 240)
    case.invite_to_speak("chen", "lin")
    case.speak("lin", _("The Q2 reports are due to the board; I cannot move those dates."), 200)
    case.speak("zhao", _("I was never asked before the deadlines were promised."), 90)
    case.speak("lin", _("I assumed the team could absorb it, as it did last year."), 80)
    case.advance("chen")
    first = case.restate("lin", "zhao", _("You think I don't value your work."))
    case.review_restatement(
        "zhao", first.restatement_id, accurate=False, comment=_("It is about being asked first.")
    )
    second = case.restate(
        "lin", "zhao", _("You are overloaded, and deadlines were set without asking you.")
    )
    case.review_restatement("zhao", second.restatement_id, accurate=True)
    third = case.restate("zhao", "lin", _("The board dates are fixed and you answer for them."))
    case.review_restatement("lin", third.restatement_id, accurate=True)
    case.advance("chen")
    shared = case.propose_common_ground("chen", _("Both want the Q2 reports delivered well."))
    case.assent("lin", shared.item_id)
    case.assent("zhao", shared.item_id)
    principle = case.reserve_difference(
        "zhao", _("Who assigns work: a planning meeting, not ad hoc."), "major"
    )
    style = case.reserve_difference("lin", _("Updates by chat rather than e-mail."), "minor")
    case.park_difference("chen", style.difference_id)
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate("   " + _("(neutrality check: {why})").format(why=_refused(refused, lang)))
    case.open_caucus("chen", "zhao")
    clock.advance(timedelta(minutes=12))
    case.caucus_note("zhao", _("I am close to resigning over this."))
    case.close_caucus("chen")
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate("   " + _("(neutrality check: {why})").format(why=_refused(refused, lang)))
    case.open_caucus("chen", "lin")
    clock.advance(timedelta(minutes=10))
    case.close_caucus("chen")
    case.advance("chen")
    offer = case.propose("zhao", _("A weekly planning meeting; deadlines are set there."))
    case.answer_proposal("lin", offer.proposal_id, accept=False)
    case.pause("lin", _("tempers rose; a short break"))
    clock.advance(timedelta(minutes=15))
    case.resume("chen")
    better = case.propose(
        "lin",
        _("A weekly planning meeting sets deadlines; a temporary analyst joins until June."),
        settles=[principle.difference_id],
    )
    case.answer_proposal("zhao", better.proposal_id, accept=True)
    case.advance("chen")
    case.sign("zhao")
    case.sign("lin")
    case.close("chen", "settled")
    return case


def non_mediable_case(narrate: Callable[[str], None] | None = None, lang: str = "en") -> Mediation:
    """A short run where screening finds harassment, which forces escalation to HR.

    Args:
        narrate: Called with each line of the story (None: run silently).
        lang: ``"en"`` or ``"zh"``: the language of the narration and of the script.

    Returns:
        The escalated case.

    Raises:
        InvalidInput: an unknown language.
    """
    _ = translator(check_language(lang)).gettext
    clock = ManualClock(START, tick=timedelta(minutes=5))
    wang, liu, chen = _("Wang Fang"), _("Liu Yang"), _("Chen Jie")
    case = Mediation.open(
        "conduct-2026-03",
        [Party("wang", wang), Party("liu", liu)],
        Mediator("chen", chen),
        clock=clock,
        issues=[Issue("remarks", _("Repeated remarks in team meetings"))],
    )
    if narrate is not None:
        case.subscribe(_narrator(narrate, lang))
        narrate(
            _("Case {case}: {parties}; mediator {mediator}").format(
                case=case.case_id, parties=_(" and ").join((wang, liu)), mediator=chen
            )
        )
    case.disclose("chen", _("I have no relationship with either party."), [])
    case.screen("chen", "wang", NO_CONCERNS)
    case.screen("chen", "liu", NO_CONCERNS)
    case.consent("wang")
    case.consent("liu")
    case.flag_issue("chen", "remarks", "harassment")
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate("   " + _("listening refused: {why}").format(why=_refused(refused, lang)))
    case.escalate("chen", "hr", _("harassment allegation: outside the mediator's authority"))
    case.close("chen", "escalated", _("handed to HR"))
    return case


def strict_handover(narrate: Callable[[str], None] | None = None, lang: str = "en") -> Mediation:
    """The same tie under a strict policy, which allows no waiver: the secretary does not
    overstep (不能越位) — a supervisor hands the case to an independent mediator, who
    discloses, screens and takes it into listening.

    Args:
        narrate: Called with each line of the story (None: run silently).
        lang: ``"en"`` or ``"zh"``: the language of the narration and of the script.

    Returns:
        The case, in listening under the independent mediator.

    Raises:
        InvalidInput: an unknown language.
    """
    _ = translator(check_language(lang)).gettext
    head, analyst, secretary, ombuds = _cast(lang)
    clock = ManualClock(START, tick=timedelta(minutes=4))
    strict = Policy(conflict_of_interest=ConflictOfInterest(allow_waiver=False))
    case = Mediation.open(
        "workload-strict-2026-03",
        [head, analyst],
        secretary,
        clock=clock,
        supervisors=["hr-lead"],
        relations=[Relation(RelationKind.MANAGES, "lin", "zhao")],
        issues=[Issue("workload", _("Workload and deadlines for the Q2 reports"))],
        policy=strict,
    )
    if narrate is not None:
        case.subscribe(_narrator(narrate, lang))
        narrate(
            _("Case {case}: the same dispute under a strict conflict policy").format(
                case=case.case_id
            )
        )
    case.disclose("chen", _("I report to Lin Wei as office secretary."))
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate("   " + _("(cannot start: {why})").format(why=_refused(refused, lang)))
    case.reassign_mediator(
        "hr-lead", ombuds, _("Chen Jie reports to Lin Wei; the policy allows no waiver.")
    )
    case.disclose("he", _("I have no relationship with either party."), [])
    case.screen("he", "zhao", NO_CONCERNS)
    case.screen("he", "lin", NO_CONCERNS)
    case.consent("lin")
    case.consent("zhao")
    case.advance("he")
    return case
