"""Tests for mediation.case: the commands, their refusals, and what they record."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from structlog.testing import capture_logs

from mediation import (
    CaseClosed,
    CommandRefused,
    InvalidInput,
    Issue,
    Mediation,
    Mediator,
    MediatorStyle,
    NotAuthorized,
    Outcome,
    Party,
    Policy,
    Relation,
    Responsiveness,
    Role,
    TransitionRefused,
    demo,
)
from mediation.clocks import ManualClock
from mediation.events import Event
from mediation.model import NO_CONCERNS
from mediation.testing import screen_all
from tests.refusal import nothing_recorded

ACTIVE = ["intake", "listening", "perspective_swap", "common_ground", "compromise", "agreement"]

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def unchanged(case: Mediation, command: Callable[[], object], error: type[Exception]) -> Exception:
    """Run a command that must fail with ``error`` and leave the case as it was."""
    before = Mediation.replay(case.events, clock=lambda: case.state.last_at, process=case.process)
    with pytest.raises(error) as caught:
        command()
    assert case == before
    return caught.value


# -- opening -----------------------------------------------------------------------------


def test_open_records_one_event_at_intake(new_case: Build) -> None:
    case = new_case()
    assert case.stage == "intake" and case.version == 1
    assert case.events[0].type_name == "case_opened"
    assert case.role_of("a") is Role.PARTY
    assert case.role_of("m") is Role.MEDIATOR
    assert case.role_of("sup") is Role.SUPERVISOR
    assert case.role_of("zz") is None
    assert case.stage_label() == "Intake" and case.stage_label("zh") == "受理"
    with pytest.raises(InvalidInput):
        case.stage_label("fr")


@pytest.mark.parametrize(
    ("parties", "mediator", "kwargs", "message"),
    [
        ([Party("a", "A")], Mediator("m", "M"), {}, "at least two parties"),
        ([Party("a", "A"), Party("a", "B")], Mediator("m", "M"), {}, "duplicate participant"),
        ([Party("a", "A"), Party("m", "B")], Mediator("m", "M"), {}, "duplicate participant"),
        (
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M"),
            {"supervisors": ["a"]},
            "duplicate participant",
        ),
        (
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M"),
            {"relations": [Relation("manages", "a", "x")]},
            "not in the case",
        ),
        (
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M", relationships=[Relation("friend", "m", "q")]),
            {},
            "not in the case",
        ),
        (
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M"),
            {"issues": [Issue("i", "I"), Issue("i", "J")]},
            "duplicate issue",
        ),
        (["a", "b"], Mediator("m", "M"), {}, "Party values"),
        ([Party("a", "A"), Party("b", "B")], "m", {}, "mediator must be a Mediator; got 'm'"),
        (
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M"),
            {"supervisors": "sup"},
            "supervisors must be a collection",
        ),
        (Party("a", "A"), Mediator("m", "M"), {}, "parties must be a collection"),
        (
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M"),
            {"issues": {"i": Issue("i", "I")}},
            "issues must be a collection",
        ),
        (
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M"),
            {"policy": {"voice_balance": {}}},
            "policy must be a Policy",
        ),
    ],
)
def test_open_refuses_bad_input(
    parties: list[Party],
    mediator: Mediator,
    kwargs: dict[str, object],
    message: str,
    clock: ManualClock,
) -> None:
    with pytest.raises(InvalidInput, match=message):
        Mediation.open("c", parties, mediator, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_open_refuses_a_clock_that_cannot_be_called() -> None:
    with pytest.raises(InvalidInput, match="clock must be a callable returning the time"):
        Mediation.open(
            "c",
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M"),
            clock=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),  # type: ignore[arg-type]
        )


def test_open_refuses_a_naive_clock() -> None:
    with pytest.raises(InvalidInput, match="timezone-aware"):
        Mediation.open(
            "c",
            [Party("a", "A"), Party("b", "B")],
            Mediator("m", "M"),
            clock=lambda: datetime(2026, 1, 1),
        )


@pytest.mark.parametrize("kind", ["reports_to", "manages", "family", "friend"])
def test_a_mediator_tie_listed_with_the_relations_is_the_mediators(
    kind: str, clock: ManualClock
) -> None:
    """A host may list the mediator's tie among the relations: it must still be disclosed,
    classed and (when disqualifying) waived, never treated as a tie between parties."""
    tie = Relation(kind, "m", "a")
    case = Mediation.open(
        "c",
        [Party("a", "A"), Party("b", "B")],
        Mediator("m", "M"),
        clock=clock,
        relations=[tie, Relation("manages", "a", "b")],
    )
    assert case.state.mediator.relationships == (tie,)
    assert [r.kind.value for r in case.state.relations] == ["manages"]
    case.disclose("m", "I have a tie to A.")
    screen_all(case)
    for party in ("a", "b"):
        case.consent(party)
    if kind in ("reports_to", "manages", "family"):
        with pytest.raises(TransitionRefused, match="disqualifying"):
            case.advance("m")
        for party in ("a", "b"):
            case.waive_conflict(party, tie, "I was told and I accept.")
    assert case.advance("m").dest == "listening"


def test_a_mediator_tie_given_twice_is_kept_once(clock: ManualClock) -> None:
    tie = Relation("friend", "m", "b")
    case = Mediation.open(
        "c",
        [Party("a", "A"), Party("b", "B")],
        Mediator("m", "M", relationships=[tie]),
        clock=clock,
        relations=[tie, tie],
    )
    assert case.state.mediator.relationships == (tie,)


def test_a_clock_going_backwards_records_nothing(new_case: Build, clock: ManualClock) -> None:
    times = iter(
        [datetime(2026, 1, 2, tzinfo=timezone.utc), datetime(2026, 1, 1, tzinfo=timezone.utc)]
    )
    case = Mediation.open(
        "c", [Party("a", "A"), Party("b", "B")], Mediator("m", "M"), clock=lambda: next(times)
    )
    err = unchanged(case, lambda: case.disclose("m", "none"), InvalidInput)
    assert "backwards" in str(err)


def test_the_clock_may_stand_still_but_not_go_back_a_microsecond() -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    times = iter([start, start, start - timedelta(microseconds=1), start])
    case = Mediation.open(
        "c", [Party("a", "A"), Party("b", "B")], Mediator("m", "M"), clock=lambda: next(times)
    )
    assert case.disclose("m", "none").at == start  # the same instant as the opening
    err = unchanged(case, lambda: case.consent("a"), InvalidInput)
    assert "backwards" in str(err) and start.isoformat() in str(err)
    assert case.consent("a").at == start


# -- the whole process ---------------------------------------------------------------------


def test_the_default_process_end_to_end(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "agreement")
    case.sign("a")
    with pytest.raises(TransitionRefused) as refused:
        case.close("m", "settled")
    assert refused.value.codes == ("signature_missing",)
    assert refused.value.reasons[0].parties == ("b",)
    case.sign("b")
    closed = case.close("m", Outcome.SETTLED)
    assert closed.outcome is Outcome.SETTLED and case.is_closed and case.stage == "closed"


@pytest.mark.parametrize("parties", [2, 3, 5])
def test_n_parties_everywhere(new_case: Build, advance_to: AdvanceTo, parties: int) -> None:
    case = advance_to(new_case(parties), "agreement")
    for party in case.state.parties:
        case.sign(party)
    case.close("m", "partially_settled", "the budget question went to finance")
    assert case.outcome is Outcome.PARTIALLY_SETTLED


def test_advance_lists_every_failing_guard(new_case: Build) -> None:
    case = new_case(related=True)
    err = unchanged(case, lambda: case.advance("m"), TransitionRefused)
    assert isinstance(err, TransitionRefused)
    assert err.codes == ("disclosure_missing", "disqualifying_conflict", "screening_missing")
    case.disclose("m", "I report to A.")
    case.consent("a")
    case.open_caucus("m", "b")
    err = unchanged(case, lambda: case.advance("m"), TransitionRefused)
    assert isinstance(err, TransitionRefused)
    assert set(err.codes) == {
        "caucus_open",
        "consent_missing",
        "disqualifying_conflict",
        "screening_missing",
    }


def test_advance_with_an_expected_stage(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "x", 1)
    case.speak("b", "y", 1)
    unchanged(case, lambda: case.advance("m", to="agreement"), TransitionRefused)
    assert case.advance("m", to="perspective_swap").dest == "perspective_swap"


def test_a_rejected_restatement_is_retried(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "perspective_swap")
    first = case.restate("a", "b", "You want more money")
    case.review_restatement("b", first.restatement_id, accurate=False, comment="recognition")
    unchanged(
        case,
        lambda: case.review_restatement("b", first.restatement_id, accurate=True),
        CommandRefused,
    )
    second = case.restate("a", "b", "You want recognition")
    case.review_restatement("b", second.restatement_id, accurate=True)
    third = case.restate("b", "a", "You want the deadline kept")
    case.review_restatement("a", third.restatement_id, accurate=True)
    assert case.advance("m").dest == "common_ground"


def test_differences_major_and_minor(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "common_ground")
    major = case.reserve_difference("a", "who decides", "major")
    minor = case.reserve_difference("m", "meeting times", "minor")
    err = unchanged(case, lambda: case.park_difference("m", major.difference_id), CommandRefused)
    assert "principle" in str(err)
    case.park_difference("m", minor.difference_id)
    unchanged(case, lambda: case.park_difference("m", minor.difference_id), CommandRefused)
    unchanged(case, lambda: case.reserve_difference("a", "x", "huge"), InvalidInput)
    assert case.state.differences[minor.difference_id].parked
    case.confirm_differences("a")
    case.confirm_differences("b")
    assert case.advance("m").dest == "compromise"


# -- screening and escalation ----------------------------------------------------------------


def test_a_non_mediable_issue_can_never_reach_listening(new_case: Build) -> None:
    case = new_case(issues=[Issue("conduct", "Remarks", {"harassment"})])
    case.disclose("m", "none")
    screen_all(case)
    case.consent("a")
    case.consent("b")
    err = unchanged(case, lambda: case.advance("m"), TransitionRefused)
    assert isinstance(err, TransitionRefused) and err.codes == ("non_mediable_issue",)
    case.pause("a", "upset")
    case.resume("m")
    assert case.stage == "intake"
    unchanged(case, lambda: case.advance("m"), TransitionRefused)
    case.escalate("m", "hr", "harassment is for HR")
    case.close("sup", "escalated")
    assert "listening" not in {getattr(e, "dest", None) for e in case.events}


def test_a_host_defined_non_mediable_flag(new_case: Build) -> None:
    policy = Policy(non_mediable_flags={"whistleblowing"})
    case = new_case(policy=policy)
    case.raise_issue("a", Issue("leak", "Leak", {"whistleblowing"}))
    case.disclose("m", "none")
    screen_all(case)
    case.consent("a")
    case.consent("b")
    err = unchanged(case, lambda: case.advance("m"), TransitionRefused)
    assert isinstance(err, TransitionRefused) and err.codes == ("non_mediable_issue",)


def test_flagging_later_blocks_further_progress(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(issues=[Issue("pay", "Pay")]), "listening")
    case.speak("a", "x", 1)
    case.speak("b", "y", 1)
    case.flag_issue("sup", "pay", "legal_violation")
    err = unchanged(case, lambda: case.advance("m"), TransitionRefused)
    assert isinstance(err, TransitionRefused) and err.codes == ("non_mediable_issue",)


@pytest.mark.parametrize("stage", [*ACTIVE, "cooling_off"])
def test_escalation_from_every_open_stage(
    new_case: Build, advance_to: AdvanceTo, stage: str
) -> None:
    case = advance_to(new_case(), "intake" if stage == "cooling_off" else stage)
    if stage == "cooling_off":
        case.pause("m", "tempers")
    escalated = case.escalate("m", "legal", "a contract question")
    assert case.stage == "escalated" and escalated.stage == stage
    assert case.state.escalation == ("legal", "a contract question")
    unchanged(case, lambda: case.escalate("m", "hr", "again"), TransitionRefused)
    unchanged(case, lambda: case.advance("m"), TransitionRefused)
    case.close("m", "escalated", "with legal")
    assert case.outcome is Outcome.ESCALATED


def test_escalation_needs_a_known_authority_and_a_reason(new_case: Build) -> None:
    case = new_case(policy=Policy(authorities=["hr", "works_council"]))
    unchanged(case, lambda: case.escalate("m", "legal", "x"), InvalidInput)
    unchanged(case, lambda: case.escalate("m", "hr", "  "), InvalidInput)
    unchanged(case, lambda: case.escalate("a", "hr", "x"), NotAuthorized)
    case.escalate("sup", "works_council", "co-determination matter")


# -- cooling off, withdrawal, closing ----------------------------------------------------------


@pytest.mark.parametrize("stage", ACTIVE)
def test_resume_returns_to_exactly_the_stage_it_left(
    new_case: Build, advance_to: AdvanceTo, stage: str
) -> None:
    case = advance_to(new_case(), stage)
    paused = case.pause("b", "voices rising")
    assert paused.dest == "cooling_off" and case.state.paused_from == stage
    unchanged(case, lambda: case.pause("a", "again"), TransitionRefused)
    unchanged(case, lambda: case.speak("a", "x", 1), CommandRefused)
    unchanged(case, lambda: case.resume("a"), NotAuthorized)
    assert case.resume("m").dest == stage
    assert case.state.paused_from is None


@pytest.mark.parametrize("stage", [*ACTIVE, "cooling_off", "escalated"])
def test_a_party_may_withdraw_at_any_time(
    new_case: Build, advance_to: AdvanceTo, stage: str
) -> None:
    case = advance_to(new_case(), "intake" if stage in ("cooling_off", "escalated") else stage)
    if stage == "cooling_off":
        case.pause("a", "x")
    if stage == "escalated":
        case.escalate("m", "hr", "x")
    case.withdraw("b", "I prefer a formal process")
    if stage == "escalated":
        assert not case.is_closed and case.stage == "escalated"
    else:
        assert case.outcome is Outcome.WITHDRAWN
        assert [e.type_name for e in case.events[-2:]] == ["withdrew", "closed"]


def test_with_three_parties_a_withdrawal_leaves_the_others(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(3), "listening")
    case.speak("a", "x", 10)
    case.withdraw("c")
    assert not case.is_closed and list(case.state.active) == ["a", "b"]
    unchanged(case, lambda: case.speak("c", "back", 1), CommandRefused)
    unchanged(case, lambda: case.withdraw("c"), CommandRefused)
    case.speak("b", "y", 10)
    assert case.advance("m").dest == "perspective_swap"


def test_closing_rules(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    unchanged(case, lambda: case.close("m", "settled"), TransitionRefused)
    unchanged(case, lambda: case.close("m", "withdrawn"), InvalidInput)
    unchanged(case, lambda: case.close("m", "escalated"), TransitionRefused)
    unchanged(case, lambda: case.close("m", "won"), InvalidInput)
    unchanged(case, lambda: case.close("m", "terminated_by_mediator"), InvalidInput)
    unchanged(case, lambda: case.close("sup", "impasse"), NotAuthorized)
    case.close("m", "impasse", "no movement after three sessions")
    assert case.outcome is Outcome.IMPASSE


def test_a_closed_case_accepts_nothing(new_case: Build) -> None:
    case = new_case()
    case.close("m", "terminated_by_mediator", "a party threatened the other")
    for command in (
        lambda: case.disclose("m", "x"),
        lambda: case.consent("a"),
        lambda: case.withdraw("a"),
        lambda: case.escalate("m", "hr", "x"),
        lambda: case.close("m", "impasse"),
        lambda: case.reassign_mediator("sup", Mediator("m2", "N"), "x"),
    ):
        err = unchanged(case, command, CaseClosed)
        assert isinstance(err, CaseClosed) and err.codes == ("case_closed",)
    assert all(not status.allowed for status in case.allowed_actions("a"))
    assert case.overdue(datetime(2100, 1, 1, tzinfo=timezone.utc)) == ()


# -- authority and self-determination ------------------------------------------------------------


def test_the_mediator_cannot_decide_for_a_party(new_case: Build, advance_to: AdvanceTo) -> None:
    evaluative = Policy(mediator_style=MediatorStyle(style="evaluative"))
    case = advance_to(new_case(policy=evaluative), "compromise")
    proposal = case.propose("m", "A mediator's suggestion")
    assert case.state.proposals[proposal.proposal_id].by_mediator
    assert case.state.proposals[proposal.proposal_id].answers == {}
    unchanged(
        case, lambda: case.answer_proposal("m", proposal.proposal_id, accept=True), NotAuthorized
    )
    case.answer_proposal("a", proposal.proposal_id, accept=True)
    case.answer_proposal("b", proposal.proposal_id, accept=True)
    case.advance("m")
    unchanged(case, lambda: case.sign("m"), NotAuthorized)
    unchanged(case, lambda: case.consent("m"), NotAuthorized)


def test_nobody_acts_for_someone_else(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(3), "perspective_swap")
    made = case.restate("a", "b", "B's view")
    unchanged(
        case,
        lambda: case.review_restatement("c", made.restatement_id, accurate=True),
        NotAuthorized,
    )
    unchanged(
        case,
        lambda: case.review_restatement("m", made.restatement_id, accurate=True),
        NotAuthorized,
    )
    unchanged(case, lambda: case.restate("a", "a", "myself"), InvalidInput)
    unchanged(case, lambda: case.restate("a", "zz", "nobody"), InvalidInput)
    unchanged(case, lambda: case.speak("stranger", "hi", 1), NotAuthorized)
    unchanged(case, lambda: case.speak(None, "hi", 1), NotAuthorized)  # type: ignore[arg-type]
    unchanged(case, lambda: case.advance("a"), NotAuthorized)
    unchanged(case, lambda: case.reassign_mediator("m", Mediator("m2", "N"), "x"), NotAuthorized)


@pytest.mark.parametrize(
    ("text", "seconds"), [("", 1), ("   ", 1), ("ok", -1), ("ok", math.nan), ("ok", math.inf)]
)
def test_bad_statement_input_records_nothing(
    new_case: Build, advance_to: AdvanceTo, text: str, seconds: float
) -> None:
    case = advance_to(new_case(), "listening")
    unchanged(case, lambda: case.speak("a", text, seconds), InvalidInput)


def test_duplicate_ids_are_refused(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(issues=[Issue("pay", "Pay")]), "compromise")
    case.propose("a", "x", proposal_id="offer-1")
    unchanged(case, lambda: case.propose("b", "y", proposal_id="offer-1"), InvalidInput)
    unchanged(case, lambda: case.raise_issue("a", Issue("pay", "again")), InvalidInput)
    unchanged(case, lambda: case.answer_proposal("a", "offer-9", accept=True), InvalidInput)
    unchanged(case, lambda: case.answer_proposal("b", "offer-1", accept="yes"), InvalidInput)  # type: ignore[arg-type]


def test_wrong_stage_commands_are_refused_with_the_reason(new_case: Build) -> None:
    case = new_case()
    err = unchanged(case, lambda: case.speak("a", "too early", 1), CommandRefused)
    assert isinstance(err, CommandRefused) and err.codes == ("wrong_stage",)
    unchanged(case, lambda: case.consent("a"), CommandRefused)  # no disclosure yet
    unchanged(case, lambda: case.sign("a"), CommandRefused)


# -- continuing disclosure and reassignment ------------------------------------------------------


def test_a_later_disclosure_needs_fresh_consent(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "x", 1)
    case.speak("b", "y", 1)
    case.disclose(
        "m", "I just learned B's brother is my neighbour.", [Relation("friend", "m", "b")]
    )
    err = unchanged(case, lambda: case.advance("m"), TransitionRefused)
    assert isinstance(err, TransitionRefused) and err.reasons[0].parties == ("a", "b")
    case.consent("a")
    unchanged(case, lambda: case.consent("a"), CommandRefused)
    case.consent("b")
    assert case.advance("m").dest == "perspective_swap"


def test_a_supervisor_reassigns_the_mediator(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    unchanged(case, lambda: case.reassign_mediator("sup", Mediator("a", "A"), "x"), InvalidInput)
    case.reassign_mediator("sup", Mediator("m2", "New", [Relation("colleague", "m2", "a")]), "bias")
    assert case.role_of("m") is None and case.role_of("m2") is Role.MEDIATOR
    case.speak("a", "x", 1)
    case.speak("b", "y", 1)
    assert unchanged(case, lambda: case.advance("m2"), TransitionRefused)
    case.disclose("m2", "A and I work in the same team.")
    case.consent("a")
    case.consent("b")
    assert case.advance("m2").dest == "perspective_swap"


# -- caucus ------------------------------------------------------------------------------


def test_caucus_is_private_and_timed(
    new_case: Build, advance_to: AdvanceTo, clock: ManualClock
) -> None:
    case = advance_to(new_case(), "listening")
    case.open_caucus("m", "a")
    unchanged(case, lambda: case.open_caucus("m", "b"), CommandRefused)
    unchanged(case, lambda: case.speak("b", "hello?", 1), CommandRefused)
    unchanged(case, lambda: case.caucus_note("b", "let me in"), NotAuthorized)
    clock.advance(timedelta(minutes=20))
    note = case.caucus_note("a", "I might quit")
    closed = case.close_caucus("m")
    assert closed.seconds == pytest.approx(21 * 60 + 60)
    assert case.state.caucus_notes[note.note_id].shared is False
    unchanged(case, lambda: case.allow_sharing("b", note.note_id), NotAuthorized)
    unchanged(case, lambda: case.caucus_note("a", "more"), CommandRefused)
    case.allow_sharing("a", note.note_id)
    assert case.state.caucus_notes[note.note_id].shared is True
    unchanged(case, lambda: case.allow_sharing("a", note.note_id), CommandRefused)


# -- deadlines, listeners, logging, allowed actions ------------------------------------------------


def test_deadlines_are_data(new_case: Build, clock: ManualClock) -> None:
    case = new_case(policy=Policy(deadlines={"intake": timedelta(days=2)}))
    opened_at = case.events[0].at
    assert case.overdue(opened_at + timedelta(days=1)) == ()
    (late,) = case.overdue(opened_at + timedelta(days=3))
    assert late.stage == "intake" and late.overdue_by == timedelta(days=1)
    case.set_deadline("sup", "intake", opened_at + timedelta(days=5))
    assert case.overdue(opened_at + timedelta(days=3)) == ()
    case.pause("a", "holiday")
    assert [d.stage for d in case.overdue(opened_at + timedelta(days=6))] == ["intake"]
    unchanged(case, lambda: case.set_deadline("m", "intake", datetime(2026, 1, 1)), InvalidInput)
    unchanged(case, lambda: case.set_deadline("m", "closed", opened_at), InvalidInput)
    with pytest.raises(InvalidInput):
        case.overdue(datetime(2026, 1, 1))


def test_listeners_see_every_recorded_event_once(new_case: Build) -> None:
    case = new_case()
    seen: list[Event] = []
    unsubscribe = case.subscribe(lambda c, e: seen.append(e))
    case.disclose("m", "none")
    with nothing_recorded(case, CommandRefused):
        case.speak("a", "x", 1)
    case.consent("b")
    unsubscribe()
    unsubscribe()  # a second call changes nothing
    case.withdraw("a")
    assert [e.type_name for e in seen] == ["disclosure_made", "consent_given"]


def test_each_event_is_logged_without_its_text(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    with capture_logs() as logs:
        case.speak("a", "my secret grievance", 30)
    assert logs == [
        {
            "event": "event_recorded",
            "log_level": "info",
            "case_id": "case-1",
            "seq": case.version,
            "stage": "listening",
            "event_type": "statement_made",
            "actor_id": "a",
        }
    ]
    assert "secret" not in repr(logs)


def test_allowed_actions_explain_what_is_blocked(new_case: Build) -> None:
    case = new_case()
    party = {status.name: status for status in case.allowed_actions("a")}
    assert not party["consent"].allowed
    assert party["consent"].reasons[0].code == "disclosure_missing"
    assert party["withdraw"].allowed and party["pause"].allowed
    assert "advance" not in party
    mediator = {status.name: status for status in case.allowed_actions("m")}
    assert mediator["disclose"].allowed
    assert not mediator["advance"].allowed
    assert mediator["advance"].reasons[0].code == "disclosure_missing"
    assert {s.name for s in case.allowed_actions("sup")} >= {"escalate", "reassign_mediator"}
    assert case.allowed_actions("stranger") == ()
    case.disclose("m", "none")
    assert {s.name: s.allowed for s in case.allowed_actions("a")}["consent"]


def test_replay_equals_and_demo_cases(new_case: Build) -> None:
    for case in (demo.workplace_dispute(), demo.non_mediable_case()):
        again = Mediation.replay(case.events, clock=ManualClock(case.state.last_at))
        assert again == case and again.state == case.state
        assert again.events_since(case.version - 2) == case.events[-2:]
    assert new_case() != new_case(3)
    assert new_case().__eq__(object()) is NotImplemented
    with pytest.raises(InvalidInput, match="version must be >= 0"):
        new_case().events_since(-1)
    fresh = new_case()
    assert fresh.events_since(0) == fresh.events and len(fresh.events) == 1
    assert fresh.events_since(1) == ()
    with pytest.raises(InvalidInput, match="case_opened"):
        Mediation.replay([], clock=lambda: datetime.now(timezone.utc))
    assert "case-1" in repr(new_case())


# -- generated ids, suggestions, overrides and reassignment: refusals say why ----------------


def test_generated_ids_count_from_one(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "common_ground")
    assert case.propose_common_ground("m", "x").item_id == "cg-1"
    assert case.propose_common_ground("a", "y").item_id == "cg-2"
    assert case.reserve_difference("a", "z", "minor").difference_id == "df-1"
    assert case.open_caucus("m", "a").caucus_id == "cc-1"
    assert case.caucus_note("a", "n").note_id == "cn-1"
    case.close_caucus("m")


def _valued(case: Mediation, valuations: dict[str, dict[str, int]]) -> Mediation:
    for party, values in valuations.items():
        case.open_caucus("m", party)
        case.give_valuations(party, values)
        case.close_caucus("m")
    for party in valuations:
        case.request_suggestion(party)
    return case


def test_a_suggestion_describes_the_terms_in_plain_words(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "compromise")
    _valued(case, {"a": {"car": 10, "flat": 0}, "b": {"car": 2, "flat": 8}})
    made = case.suggest_settlement("m", "knaster")
    # fair shares 5 each; a takes the car (10), b the flat (8); the surplus of 8 is split
    assert made.text == "Suggested by knaster: A: car, pays 1; B: flat, receives 1"
    assert made.procedure == "knaster" and made.payments == {"a": -1, "b": 1}


def test_a_tie_is_shared_and_said_as_a_fraction(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "compromise")
    _valued(case, {"a": {"car": 3}, "b": {"car": 3}})
    made = case.suggest_settlement("m", "knaster")
    assert made.text == "Suggested by knaster: A: 1/2 of car; B: 1/2 of car"


def test_a_suggestion_splits_an_item_in_words(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "compromise")
    _valued(case, {"a": {"car": 6, "flat": 4}, "b": {"car": 4, "flat": 6}})
    made = case.suggest_settlement("m", "adjusted_winner")
    assert made.text.startswith("Suggested by adjusted winner: ")
    assert made.text == "Suggested by adjusted winner: A: car; B: flat"


@pytest.mark.parametrize(
    ("valuations", "message"),
    [
        ({}, "non-empty mapping"),
        ([("car", 1)], "must be a mapping"),
        ({"car": 0, "flat": 0}, "worth something"),
        ({"car": -1}, "negative"),
        ({"car": math.inf}, "finite"),
        ({"car": True}, "number"),
    ],
)
def test_valuations_are_checked(
    new_case: Build, advance_to: AdvanceTo, valuations: object, message: str
) -> None:
    case = advance_to(new_case(), "compromise")
    case.open_caucus("m", "a")
    unchanged(case, lambda: case.give_valuations("a", valuations), InvalidInput)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=message):
        case.give_valuations("a", valuations)  # type: ignore[arg-type]
    assert case.give_valuations("a", {"car": 0, "flat": 3}).valuations == {"car": 0, "flat": 3}


def test_unusable_valuations_are_a_refusal_that_records_nothing(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(3), "compromise")
    _valued(case, {"a": {"car": 1}, "b": {"car": 2}, "c": {"flat": 5}})  # no common items
    err = unchanged(case, lambda: case.suggest_settlement("m", "knaster"), CommandRefused)
    assert isinstance(err, CommandRefused) and err.codes == ("valuations_unusable",)
    err = unchanged(case, lambda: case.suggest_settlement("m", "adjusted_winner"), CommandRefused)
    assert "two parties" in str(err)


def test_an_override_names_a_blocking_finding(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "long", 1000)
    case.speak("b", "short", 10)
    blocking = sorted({f.code for f in case.pending_findings() if f.blocking})
    assert blocking
    err = unchanged(case, lambda: case.override("sup", ["made_up"], "why not"), InvalidInput)
    assert "made_up" in str(err) and str(blocking) in str(err)
    assert case.override("sup", blocking, "the parties agreed").codes == tuple(blocking)


def test_a_new_mediator_relates_only_to_people_in_the_case(new_case: Build) -> None:
    case = new_case()
    outsider = Mediator("m2", "M2", relationships=[Relation("reports_to", "m2", "zed")])
    err = unchanged(case, lambda: case.reassign_mediator("sup", outsider, "x"), InvalidInput)
    assert "names someone not in the case" in str(err)
    insider = Mediator("m2", "M2", relationships=[Relation("reports_to", "m2", "a")])
    assert case.reassign_mediator("sup", insider, "conflict").mediator == insider


# -- refusals name what they refuse (mutation survivors in _case/) ------------------------


def test_an_unknown_proposal_or_authority_is_refused_by_name(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(3), "common_ground")
    difference = case.reserve_difference("a", "who owns the rota", "major").difference_id
    with nothing_recorded(case, InvalidInput) as refused:
        case.escalate_difference("m", difference, "pope", "a matter of principle")
    assert str(refused.value).startswith("unknown authority 'pope'; the policy knows")
    with nothing_recorded(case, InvalidInput) as refused:
        case.escalate_difference("m", "df-9", "hr", "a matter of principle")
    assert str(refused.value) == "unknown difference 'df-9'"
    case.escalate_difference("m", difference, "hr", "a matter of principle")
    with nothing_recorded(case, InvalidInput) as refused:
        case.answer_proposal("a", "pr-9", accept=True)
    assert str(refused.value) == "unknown proposal 'pr-9'"


def test_with_three_parties_one_withdrawal_leaves_the_case_open_and_a_second_closes_it(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(3), "listening")
    heard: list[int] = []
    case.subscribe(lambda _case, event: heard.append(event.seq))
    case.withdraw("c", "I have said what I came to say.")
    assert heard == [case.version]
    assert not case.is_closed and case.stage == "listening"
    assert set(case.state.active) == {"a", "b"}
    case.withdraw("b")
    assert case.is_closed and case.outcome is Outcome.WITHDRAWN
    assert [e.type_name for e in case.events[-3:]] == ["withdrew", "withdrew", "closed"]
    assert heard == [case.version - 2, case.version - 1, case.version]  # each once, in order


def test_a_payment_below_one_is_said_as_a_fraction_with_who_pays(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "compromise")
    _valued(case, {"a": {"car": 2, "flat": 0}, "b": {"car": 1, "flat": 0}})
    made = case.suggest_settlement("m", "knaster")
    assert made.payments == {"a": Fraction(-3, 4), "b": Fraction(3, 4)}
    assert made.text == (
        "Suggested by knaster: A: car, 1/2 of flat, pays 3/4; B: 1/2 of flat, receives 3/4"
    )


def test_valuations_are_recorded_in_the_open_caucus(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "compromise")
    first = case.open_caucus("m", "a").caucus_id
    case.close_caucus("m")
    second = case.open_caucus("m", "a", caucus_id="with-a").caucus_id
    given = case.give_valuations("a", {"car": 3})
    assert (first, given.caucus_id) == ("cc-1", second)


def test_intake_refuses_what_is_not_what_it_asks_for(new_case: Build) -> None:
    """Each intake command refuses, by name and with nothing recorded, an argument of the
    wrong kind or one the case does not allow."""
    case = new_case(3, related=True)
    tie = Relation("reports_to", "m", "a")
    case.disclose("m", "I report to A.")
    with nothing_recorded(case, InvalidInput) as refused:
        case.raise_issue("a", {"id": "pay", "title": "Pay"})  # type: ignore[arg-type]
    assert str(refused.value).startswith("issue must be an Issue; got ")
    with nothing_recorded(case, NotAuthorized) as denied:
        case.add_support_person("a", "b", "A friend of B")
    assert str(denied.value) == "a cannot bring a support person for b"
    case.add_support_person("m", "b", "A friend of B")  # the mediator may
    with nothing_recorded(case, InvalidInput) as refused:
        case.waive_conflict("a", "reports_to", "I waive it.")  # type: ignore[arg-type]
    assert str(refused.value).startswith("relation must be a Relation of the mediator")
    with nothing_recorded(case, InvalidInput) as refused:
        case.waive_conflict("a", Relation("colleague", "m", "b"), "I waive it.")
    assert "not a disqualifying relationship of the mediator" in str(refused.value)
    case.waive_conflict("a", tie, "I waive it.")
    case.withdraw("c")
    with nothing_recorded(case, InvalidInput) as refused:
        case.screen("m", "c", NO_CONCERNS)
    assert str(refused.value) == "c has withdrawn and cannot be screened"
    case.screen("m", "b", NO_CONCERNS)


def test_screening_and_safeguards_refuse_what_they_do_not_know(new_case: Build) -> None:
    case = new_case()
    case.disclose("m", "No ties.")
    answers = dict(NO_CONCERNS)
    with nothing_recorded(case, InvalidInput) as refused:
        case.screen("m", "a", answers | {"mood": True})
    assert str(refused.value).startswith("unknown screening domain 'mood'; known: ")
    del answers["power"]
    with nothing_recorded(case, InvalidInput) as refused:
        case.screen("m", "a", answers)
    assert str(refused.value) == "screening must answer every domain; missing ['power']"
    with nothing_recorded(case, InvalidInput) as refused:
        case.apply_safeguard("m", "a", "moat")
    assert str(refused.value) == "unknown safeguard 'moat'; known: ['shuttle']"
    for elsewhere in ("support_person", "caucus_offer", "subordinate_speaks_first"):
        with nothing_recorded(case, InvalidInput) as refused:
            case.apply_safeguard("m", "a", elsewhere)
        assert str(refused.value).startswith(f"{elsewhere} is not applied here")
    assert case.apply_safeguard("m", "a", "shuttle", " B asked. ").reason == "B asked."


def test_caucus_events_carry_the_open_caucus_id(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "compromise")
    case.open_caucus("m", "a", caucus_id="with-a")
    with nothing_recorded(case, NotAuthorized) as denied:
        case.caucus_note("b", "Let me in.")
    assert str(denied.value) == "b is not in caucus 'with-a'"
    assert case.caucus_note("a", "My view.").caucus_id == "with-a"
    assert case.caucus_note("m", "Noted.").caucus_id == "with-a"
    assert case.close_caucus("m").caucus_id == "with-a"


def test_an_overridden_finding_is_recorded_just_before_the_move(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "A long account of everything that went wrong since March.", 1500)
    case.speak("b", "I disagree.", 60)
    with nothing_recorded(case, InvalidInput) as refused:
        case.override("sup", [], "no codes")
    assert str(refused.value) == "name at least one blocking finding code to override"
    codes = case.override("sup", ["airtime_imbalance"] * 2, "B declined to say more.").codes
    assert codes == ("airtime_imbalance",)
    heard: list[str] = []
    case.subscribe(lambda _case, event: heard.append(event.type_name))
    moved = case.advance("m")
    finding = case.events[-2]
    assert finding.type_name == "finding_recorded" and finding.seq == moved.seq - 1
    assert finding.code == "airtime_imbalance" and finding.overridden  # type: ignore[attr-defined]
    assert heard == ["finding_recorded", "stage_changed"]


def test_a_deadline_is_overdue_only_after_its_time_and_reported_once(new_case: Build) -> None:
    case = new_case(policy=Policy(responsiveness=Responsiveness(escalate_to=None)))
    due = case.state.last_at + timedelta(days=2)
    case.set_deadline("m", "intake", due)
    assert case.overdue(due) == ()
    (late,) = case.overdue(due + timedelta(microseconds=1))
    assert late.overdue_by == timedelta(microseconds=1)
    assert case.review_deadlines("m") == ()  # not yet due by the case's clock
    case._clock = lambda: due + timedelta(hours=1)  # the host's clock moves on
    (found,) = case.review_deadlines("m")
    assert found.code == "deadline_passed" and case.stage == "intake"  # type: ignore[attr-defined]
    case._clock = lambda: due + timedelta(hours=2)
    assert case.review_deadlines("m") == ()  # once per due time


def test_an_overdue_case_escalates_when_the_policy_says_so(new_case: Build) -> None:
    case = new_case(policy=Policy(responsiveness=Responsiveness(escalate_to="hr")))
    due = case.state.last_at + timedelta(days=2)
    case.set_deadline("m", "intake", due)
    case._clock = lambda: due + timedelta(hours=1)
    found, escalated = case.review_deadlines("m")
    assert found.code == "deadline_passed"  # type: ignore[attr-defined]
    assert escalated.authority == "hr"  # type: ignore[attr-defined]
    assert escalated.reason == "deadline passed in stage 'intake'"  # type: ignore[attr-defined]
    assert case.stage == "escalated"
    off = new_case(policy=Policy(responsiveness=Responsiveness(mode="off", escalate_to="hr")))
    off.set_deadline("m", "intake", due)
    off._clock = lambda: due + timedelta(hours=1)
    assert off.review_deadlines("m") == () and off.stage == "intake"


def test_a_proposal_settles_only_reserved_differences(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "compromise")
    for unknown in ("df-9", 5):
        with nothing_recorded(case, InvalidInput) as refused:
            case.propose("a", "Terms.", settles=[unknown])  # type: ignore[list-item]
        assert str(refused.value) == f"unknown difference {unknown!r}"


def test_an_escalation_for_deadlines_names_the_current_stage_first(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """Paused in cooling-off with both its deadline and the paused stage's passed: both are
    recorded, the current stage first, and the escalation names the current stage."""
    policy = Policy(responsiveness=Responsiveness(escalate_to="hr"))
    case = advance_to(new_case(policy=policy), "listening")
    due = case.state.last_at + timedelta(days=1)
    case.set_deadline("m", "listening", due)
    case.pause("m", "a break")
    case.set_deadline("m", "cooling_off", due)
    case._clock = lambda: due + timedelta(hours=1)
    first, second, escalated = case.review_deadlines("m")
    stages = [first.about_stage, second.about_stage]  # type: ignore[attr-defined]
    assert stages == ["cooling_off", "listening"]
    assert escalated.reason == "deadline passed in stage 'cooling_off'"  # type: ignore[attr-defined]


def test_the_rules_read_one_situation_that_follows_the_case(new_case: Build) -> None:
    """The case keeps the situation the rules read (its state is folded in place), so
    what it allows follows every event, as a situation made anew each time would."""
    from mediation import rules
    from mediation._case import transitions

    case = new_case()
    kept = case._situation()
    case.disclose("m", "none")
    screen_all(case)
    assert case._situation() is kept and kept.state is case.state
    fresh = transitions.situation(case.state, case.process, case.checks)
    assert rules.action_statuses(kept, "a") == rules.action_statuses(fresh, "a")
    case.consent("a")
    case.consent("b")
    case.advance("m")
    fresh = transitions.situation(case.state, case.process, case.checks)
    assert rules.action_statuses(kept, "m") == rules.action_statuses(fresh, "m")
