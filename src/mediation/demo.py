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

Used by ``mediation demo``, the tutorial and the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from mediation import events as ev
from mediation.case import Mediation
from mediation.clocks import ManualClock
from mediation.errors import TransitionRefused
from mediation.model import NO_CONCERNS, Issue, Mediator, Party, Relation, RelationKind
from mediation.policy import ConflictOfInterest, Policy

__all__ = ["describe", "non_mediable_case", "strict_handover", "workplace_dispute"]

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


def _name(case: Mediation, actor: str) -> str:
    party = case.state.parties.get(actor)
    if party is not None:
        return party.name
    if actor == case.state.mediator.id:
        return f"{case.state.mediator.name} (mediator)"
    return actor


def describe(case: Mediation, event: ev.Event) -> str | None:
    """One line in plain words for the events a reader of the demo cares about.

    Never includes what was said in caucus.
    """
    who = _name(case, event.actor)
    spec = case.process.definition.stage
    if isinstance(event, ev.StageChanged):
        dest = spec(event.dest)
        line = f"== {spec(event.source).label_en} -> {dest.label_en} ({dest.label_zh})"
        return line + (f": {event.reason}" if event.reason else "")
    if isinstance(event, ev.Escalated):
        return f"== Escalated (上报) to {event.authority}: {event.reason}"
    if isinstance(event, ev.Closed):
        return f"== Closed: {event.outcome.value}" + (f" ({event.reason})" if event.reason else "")
    if isinstance(event, ev.DisclosureMade):
        return f"   {who} discloses: {event.statement}"
    if isinstance(event, ev.ConflictWaived):
        return f"   {who} waives in writing: {event.statement}"
    if isinstance(event, ev.PartyScreened):
        screened = _name(case, event.party)
        return f"   {who} screens {screened} in private (answers confidential)"
    if isinstance(event, ev.MediatorReassigned):
        return f"   {who} hands the case to {event.mediator.name}: {event.reason}"
    if isinstance(event, ev.ConsentGiven):
        return f"   {who} consents to mediation"
    if isinstance(event, ev.IssueFlagged):
        issue = case.state.issues.get(event.issue_id)
        title = issue.title if issue is not None else event.issue_id
        return f"   {who} flags the issue “{title}” as {event.flag}"
    if isinstance(event, ev.StatementMade):
        return f"   {who} speaks ({event.seconds:.0f} s): {event.text}"
    if isinstance(event, ev.RestatementMade):
        return f"   {who} restates {_name(case, event.about)}'s view: {event.text}"
    if isinstance(event, ev.RestatementReviewed):
        verdict = "confirms it" if event.accurate else "rejects it"
        return f"   {who} {verdict}" + (f": {event.comment}" if event.comment else "")
    if isinstance(event, ev.CommonGroundProposed):
        return f"   common ground proposed: {event.text}"
    if isinstance(event, ev.CommonGroundAssented):
        return f"   {who} agrees"
    if isinstance(event, ev.DifferenceReserved):
        return f"   difference reserved ({event.severity.value}): {event.text}"
    if isinstance(event, ev.DifferenceParked):
        parked = case.state.differences.get(event.difference_id)
        what = f": {parked.text}" if parked is not None else ""
        return f"   {who} parks a minor difference{what}"
    if isinstance(event, ev.ProposalMade):
        return f"   {who} proposes: {event.text}"
    if isinstance(event, ev.ProposalAnswered):
        proposal = case.state.proposals.get(event.proposal_id)
        whose = "the proposal" if proposal is None else f"{_name(case, proposal.by)}'s proposal"
        return f"   {who} {'accepts' if event.accepted else 'rejects'} {whose}"
    if isinstance(event, ev.Signed):
        return f"   {who} signs the agreement"
    if isinstance(event, ev.CaucusOpened):
        return f"   private session (caucus) with {_name(case, event.party)}"
    if isinstance(event, ev.MediatorIntervened) and event.kind == "invite":
        return f"   {who} invites {_name(case, event.party)} to speak"
    if isinstance(event, ev.FindingRecorded):
        return f"   finding ({event.mode}): {event.message}"
    if isinstance(event, ev.CaucusClosed):
        return f"   caucus ends after {event.seconds / 60:.0f} min (content stays confidential)"
    if isinstance(event, ev.Withdrew):
        return f"   {who} withdraws"
    return None


def _narrator(say: Callable[[str], None]) -> Callable[[Mediation, ev.Event], None]:
    def listener(case: Mediation, event: ev.Event) -> None:
        line = describe(case, event)
        if line is not None:
            say(line)

    return listener


def workplace_dispute(narrate: Callable[[str], None] | None = None) -> Mediation:
    """Run the workload dispute from intake to a signed agreement; return the case."""
    clock = ManualClock(START, tick=timedelta(minutes=3))
    case = Mediation.open(
        "workload-2026-03",
        [HEAD, ANALYST],
        SECRETARY,
        clock=clock,
        supervisors=["hr-lead"],
        relations=[Relation(RelationKind.MANAGES, "lin", "zhao")],
        issues=[Issue("workload", "Workload and deadlines for the Q2 reports")],
    )
    if narrate is not None:
        case.subscribe(_narrator(narrate))
        say = narrate
        say(f"Case {case.case_id}: {HEAD.name} ({HEAD.role}) and {ANALYST.name} ({ANALYST.role})")
        say(f"Mediator: {SECRETARY.name}, office secretary, reporting to {HEAD.name}")
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate(f"   (cannot start listening yet: {refused})")
    case.disclose(
        "chen", "I report to Lin Wei as office secretary; I will not take sides or report back."
    )
    tie = SECRETARY.relationships[0]
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate(f"   (disclosure is not enough: {refused})")
    case.waive_conflict(
        "zhao",
        tie,
        "I know Chen Jie reports to Lin Wei. I choose her as mediator and waive the conflict; "
        "I can withdraw at any time.",
    )
    case.waive_conflict(
        "lin",
        tie,
        "Chen Jie reports to me. I accept her as mediator and will not ask her about the case.",
    )
    case.screen("chen", "zhao", NO_CONCERNS)
    case.screen("chen", "lin", NO_CONCERNS)
    case.consent("lin")
    case.consent("zhao")
    case.advance("chen")
    case.invite_to_speak("chen", "zhao")
    case.speak("zhao", "Since January I carry two analysts' workload and miss my evenings.", 240)
    case.invite_to_speak("chen", "lin")
    case.speak("lin", "The Q2 reports are due to the board; I cannot move those dates.", 200)
    case.speak("zhao", "I was never asked before the deadlines were promised.", 90)
    case.speak("lin", "I assumed the team could absorb it, as it did last year.", 80)
    case.advance("chen")
    first = case.restate("lin", "zhao", "You think I don't value your work.")
    case.review_restatement(
        "zhao", first.restatement_id, accurate=False, comment="It is about being asked first."
    )
    second = case.restate(
        "lin", "zhao", "You are overloaded, and deadlines were set without asking you."
    )
    case.review_restatement("zhao", second.restatement_id, accurate=True)
    third = case.restate("zhao", "lin", "The board dates are fixed and you answer for them.")
    case.review_restatement("lin", third.restatement_id, accurate=True)
    case.advance("chen")
    shared = case.propose_common_ground("chen", "Both want the Q2 reports delivered well.")
    case.assent("lin", shared.item_id)
    case.assent("zhao", shared.item_id)
    principle = case.reserve_difference(
        "zhao", "Who assigns work: a planning meeting, not ad hoc.", "major"
    )
    style = case.reserve_difference("lin", "Updates by chat rather than e-mail.", "minor")
    case.park_difference("chen", style.difference_id)
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate(f"   (neutrality check: {refused})")
    case.open_caucus("chen", "zhao")
    clock.advance(timedelta(minutes=12))
    case.caucus_note("zhao", "I am close to resigning over this.")
    case.close_caucus("chen")
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate(f"   (neutrality check: {refused})")
    case.open_caucus("chen", "lin")
    clock.advance(timedelta(minutes=10))
    case.close_caucus("chen")
    case.advance("chen")
    offer = case.propose("zhao", "A weekly planning meeting; deadlines are set there.")
    case.answer_proposal("lin", offer.proposal_id, accept=False)
    case.pause("lin", "tempers rose; a short break")
    clock.advance(timedelta(minutes=15))
    case.resume("chen")
    better = case.propose(
        "lin",
        "A weekly planning meeting sets deadlines; a temporary analyst joins until June.",
        settles=[principle.difference_id],
    )
    case.answer_proposal("zhao", better.proposal_id, accept=True)
    case.advance("chen")
    case.sign("zhao")
    case.sign("lin")
    case.close("chen", "settled")
    return case


def non_mediable_case(narrate: Callable[[str], None] | None = None) -> Mediation:
    """A short run where screening finds harassment, which forces escalation to HR."""
    clock = ManualClock(START, tick=timedelta(minutes=5))
    case = Mediation.open(
        "conduct-2026-03",
        [Party("wang", "Wang Fang"), Party("liu", "Liu Yang")],
        Mediator("chen", "Chen Jie"),
        clock=clock,
        issues=[Issue("remarks", "Repeated remarks in team meetings")],
    )
    if narrate is not None:
        case.subscribe(_narrator(narrate))
        say = narrate
        say(f"Case {case.case_id}: Wang Fang and Liu Yang; mediator Chen Jie")
    case.disclose("chen", "I have no relationship with either party.", [])
    case.screen("chen", "wang", NO_CONCERNS)
    case.screen("chen", "liu", NO_CONCERNS)
    case.consent("wang")
    case.consent("liu")
    case.flag_issue("chen", "remarks", "harassment")
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate(f"   listening refused: {refused}")
    case.escalate("chen", "hr", "harassment allegation: outside the mediator's authority")
    case.close("chen", "escalated", "handed to HR")
    return case


def strict_handover(narrate: Callable[[str], None] | None = None) -> Mediation:
    """The same tie under a strict policy, which allows no waiver: the secretary does not
    overstep (不能越位) — a supervisor hands the case to an independent mediator, who
    discloses, screens and takes it into listening."""
    clock = ManualClock(START, tick=timedelta(minutes=4))
    strict = Policy(conflict_of_interest=ConflictOfInterest(allow_waiver=False))
    case = Mediation.open(
        "workload-strict-2026-03",
        [HEAD, ANALYST],
        SECRETARY,
        clock=clock,
        supervisors=["hr-lead"],
        relations=[Relation(RelationKind.MANAGES, "lin", "zhao")],
        issues=[Issue("workload", "Workload and deadlines for the Q2 reports")],
        policy=strict,
    )
    if narrate is not None:
        case.subscribe(_narrator(narrate))
        narrate(f"Case {case.case_id}: the same dispute under a strict conflict policy")
    case.disclose("chen", "I report to Lin Wei as office secretary.")
    try:
        case.advance("chen")
    except TransitionRefused as refused:
        if narrate is not None:
            narrate(f"   (cannot start: {refused})")
    case.reassign_mediator(
        "hr-lead", OMBUDS, "Chen Jie reports to Lin Wei; the policy allows no waiver."
    )
    case.disclose("he", "I have no relationship with either party.", [])
    case.screen("he", "zhao", NO_CONCERNS)
    case.screen("he", "lin", NO_CONCERNS)
    case.consent("lin")
    case.consent("zhao")
    case.advance("he")
    return case
