"""Tests for mediation.rules: the action table, its blockers, and that the case obeys it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from mediation import (
    NO_CONCERNS,
    ActionStatus,
    CaseClosed,
    CommandRefused,
    Issue,
    Mediation,
    MediationError,
    Mediator,
    NotAuthorized,
    Outcome,
    Relation,
    Role,
    TransitionRefused,
    rules,
)
from mediation.case import ActionStatus as CaseActionStatus
from mediation.case import Role as CaseRole
from mediation.clocks import ManualClock
from mediation.guards import BUILTIN_GUARDS
from mediation.policy import ConflictOfInterest, MajorDifferences, Policy
from mediation.process import DEFAULT_DEFINITION, Process
from mediation.testing import advance_to
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]

P, M, S = "party", "mediator", "supervisor"
ACTOR = {P: "a", M: "m", S: "sup"}

EXPECTED_ROLES: dict[str, set[str]] = {
    "disclose": {M},
    "consent": {P},
    "raise_issue": {P, M},
    "flag_issue": {M, S},
    "screen": {M},
    "apply_safeguard": {M},
    "waive_conflict": {P},
    "speak": {P},
    "restate": {P},
    "review_restatement": {P},
    "propose_common_ground": {P, M},
    "assent": {P},
    "reserve_difference": {P, M},
    "park_difference": {M},
    "confirm_differences": {P},
    "keep_difference_open": {P},
    "escalate_difference": {M, S},
    "propose": {P, M},
    "answer_proposal": {P},
    "sign": {P},
    "open_caucus": {M},
    "caucus_note": {P, M},
    "close_caucus": {M},
    "allow_sharing": {P},
    "advance": {M},
    "pause": {P, M},
    "resume": {M},
    "escalate": {M, S},
    "close": {M},
    "close_escalated": {M, S},
    "withdraw": {P},
    "set_deadline": {M, S},
    "reassign_mediator": {S},
    "invite_to_speak": {M},
    "paraphrase": {M},
    "ask": {M},
    "offer_caucus": {M},
    "add_support_person": {P, M},
    "override": {S},
    "review_deadlines": {M, S},
    "give_valuations": {P},
    "request_suggestion": {P},
    "suggest_settlement": {M},
}

# Plausible arguments for each command (valid where the case makes that easy).
ARGS: dict[str, Callable[[Mediation], dict[str, Any]]] = {
    "disclose": lambda c: {"statement": "No relationship with either party."},
    "consent": lambda c: {},
    "screen": lambda c: {"party": "a", "answers": dict(NO_CONCERNS)},
    "apply_safeguard": lambda c: {"party": "a", "safeguard": "shuttle"},
    "waive_conflict": lambda c: {
        "relation": next(iter(c.state.mediator.relationships), Relation("family", "m", "a")),
        "statement": "I was told and I waive it.",
    },
    "keep_difference_open": lambda c: {"difference_id": next(iter(c.state.differences), "df-0")},
    "escalate_difference": lambda c: {
        "difference_id": next(iter(c.state.differences), "df-0"),
        "authority": "hr",
        "reason": "Beyond the mediator's authority.",
    },
    "raise_issue": lambda c: {"issue": Issue(f"i{c.version}", "Rota")},
    "flag_issue": lambda c: {"issue_id": next(iter(c.state.issues), "none"), "flag": "urgent"},
    "speak": lambda c: {"text": "My side of it.", "seconds": 30},
    "restate": lambda c: {"about": "b", "text": "B feels unheard."},
    "review_restatement": lambda c: {
        "restatement_id": next(iter(c.state.restatements), "rs-0"),
        "accurate": True,
    },
    "propose_common_ground": lambda c: {"text": "We both want the rota fixed."},
    "assent": lambda c: {"item_id": next(iter(c.state.common_ground), "cg-0")},
    "reserve_difference": lambda c: {"text": "Weekend shifts.", "severity": "minor"},
    "park_difference": lambda c: {"difference_id": next(iter(c.state.differences), "df-0")},
    "confirm_differences": lambda c: {},
    "propose": lambda c: {"text": "Alternate weekends."},
    "answer_proposal": lambda c: {
        "proposal_id": next(iter(c.state.proposals), "pr-0"),
        "accept": True,
    },
    "sign": lambda c: {},
    "open_caucus": lambda c: {"party": "a"},
    "caucus_note": lambda c: {"text": "A is worried about the review."},
    "close_caucus": lambda c: {},
    "allow_sharing": lambda c: {"note_id": next(iter(c.state.caucus_notes), "cn-0")},
    "advance": lambda c: {},
    "pause": lambda c: {"reason": "Tempers are high."},
    "resume": lambda c: {},
    "escalate": lambda c: {"authority": "hr", "reason": "Out of scope."},
    "close": lambda c: {"outcome": "impasse", "reason": "No movement."},
    "close_escalated": lambda c: {"reason": "HR has it."},
    "withdraw": lambda c: {"reason": "Enough."},
    "set_deadline": lambda c: {"stage": "listening", "due": c.state.last_at + timedelta(days=3)},
    "reassign_mediator": lambda c: {"mediator": Mediator("m2", "Other"), "reason": "Leave."},
    "invite_to_speak": lambda c: {"party": "b"},
    "paraphrase": lambda c: {"party": "b", "text": "You felt overlooked."},
    "ask": lambda c: {"party": "b", "text": "What would help?"},
    "offer_caucus": lambda c: {"party": "a"},
    "add_support_person": lambda c: {"party": "a", "name": "Friend"},
    "override": lambda c: {"codes": ["airtime_imbalance"], "reason": "B declined, in writing."},
    "review_deadlines": lambda c: {},
    "give_valuations": lambda c: {"valuations": {"car": 60, "flat": 40}},
    "request_suggestion": lambda c: {},
    "suggest_settlement": lambda c: {},
}


def copy_of(case: Mediation) -> Mediation:
    """An independent copy of ``case`` whose clock runs on from the latest event."""
    clock = ManualClock(case.state.last_at + timedelta(minutes=1), tick=timedelta(minutes=1))
    return Mediation.replay(case.events, clock=clock, process=case.process)


def status(case: Mediation, actor: str, name: str) -> ActionStatus:
    (found,) = [s for s in case.allowed_actions(actor) if s.name == name]
    return found


def run(case: Mediation, actor: str, name: str, **kwargs: Any) -> object:
    command: Callable[..., object] = getattr(case, name)
    return command(actor, **(kwargs or ARGS[name](case)))


def blocked(case: Mediation, actor: str, name: str, code: str, **kwargs: Any) -> MediationError:
    """``name`` is reported blocked with ``code``; issuing it is refused and records nothing."""
    reported = status(case, actor, name)
    assert not reported.allowed
    assert code in {reason.code for reason in reported.reasons}, reported.reasons
    before = copy_of(case)
    with pytest.raises(MediationError) as caught:
        run(case, actor, name, **kwargs)
    assert case == before
    return caught.value


def refused_with(case: Mediation, actor: str, name: str, code: str, **kwargs: Any) -> None:
    """As :func:`blocked`, and the refusal carries the same code."""
    error = blocked(case, actor, name, code, **kwargs)
    assert isinstance(error, CommandRefused), error
    assert code in error.codes


# -- the table -----------------------------------------------------------------------------


def test_the_table_gives_each_command_its_roles() -> None:
    table = {name: {role.value for role in action.roles} for name, action in rules.ACTIONS.items()}
    assert table == EXPECTED_ROLES
    assert all(name == action.name for name, action in rules.ACTIONS.items())


def test_role_and_status_are_the_same_types_everywhere() -> None:
    assert Role is CaseRole is rules.Role
    assert ActionStatus is CaseActionStatus is rules.ActionStatus


def test_every_action_name_is_a_method_a_host_can_call(new_case: Build) -> None:
    case = new_case()
    for name in rules.ACTIONS:
        assert callable(getattr(case, name)), name
    for actor in ACTOR.values():
        for reported in case.allowed_actions(actor):
            assert callable(getattr(case, reported.name)), reported.name


def test_stage_moves_are_refused_as_transitions() -> None:
    moves = {name for name, action in rules.ACTIONS.items() if action.moves_stage}
    assert moves == {"advance", "pause", "resume", "escalate", "close", "close_escalated"}


def test_a_stranger_has_no_actions_and_is_not_authorized(new_case: Build) -> None:
    case = new_case()
    assert case.allowed_actions("zz") == ()
    assert rules.role_of(case.state, 7) is None
    with pytest.raises(NotAuthorized, match="takes no part"):
        rules.authorize(case.state, "speak", "zz")


@pytest.mark.parametrize("name", sorted(EXPECTED_ROLES))
def test_each_role_outside_the_table_is_not_authorized(new_case: Build, name: str) -> None:
    case = advance_to(new_case(), "listening")
    for role, actor in ACTOR.items():
        reported = {s.name for s in case.allowed_actions(actor)}
        assert (name in reported) == (role in EXPECTED_ROLES[name])
        if role in EXPECTED_ROLES[name]:
            assert rules.authorize(case.state, name, actor).value == role
            continue
        before = copy_of(case)
        with pytest.raises(NotAuthorized, match=name.replace("_", " ")):
            run(case, actor, name)
        assert case == before


# -- one blocker per precondition ---------------------------------------------------------------


def test_joint_work_needs_its_stage(new_case: Build) -> None:
    case = new_case()
    refused_with(case, "a", "speak", "wrong_stage")
    refused_with(case, "a", "propose", "wrong_stage")


def test_joint_work_waits_for_a_caucus_to_end(new_case: Build) -> None:
    case = advance_to(new_case(), "listening")
    case.open_caucus("m", "a")
    for actor, name in [
        ("b", "speak"),
        ("m", "disclose"),
        ("m", "open_caucus"),
        ("m", "invite_to_speak"),
        ("m", "offer_caucus"),
        ("m", "escalate"),
        ("sup", "reassign_mediator"),
        ("a", "pause"),
    ]:
        refused_with(case, actor, name, "caucus_open")


def _shuttle_case(new_case: Build, parties: int = 2) -> Mediation:
    """A case whose party ``b`` fears retaliation and is given shuttle format at intake."""
    case = new_case(parties)
    case.disclose("m", "No relationships.", [])
    for party in list(case.state.active):
        case.screen("m", party, {**NO_CONCERNS, "retaliation": party == "b"})
        case.consent(party)
    case.apply_safeguard("m", "b", "shuttle", "b fears retaliation")
    return case


# Every party's part of joint work, by stage, with the arguments it takes there.
_PARTY_WORK: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "listening": [("speak", {"text": "My side.", "seconds": 60})],
    "common_ground": [("reserve_difference", {"text": "The rota.", "severity": "major"})],
    "compromise": [("propose", {"text": "Alternate weekends."}), ("request_suggestion", {})],
}


def test_shuttle_format_keeps_the_parties_out_of_joint_session(new_case: Build) -> None:
    case = _shuttle_case(new_case)
    case.advance("m")
    for stage, moves in _PARTY_WORK.items():
        advance_to(case, stage)
        for name, kwargs in moves:
            for party in ("a", "b"):
                refused_with(case, party, name, "shuttle_format", **kwargs)
                error = blocked(case, party, name, "shuttle_format", **kwargs)
                # The refusal names the safeguard, the protected party and its event.
                (seq,) = case.state.shuttle_safeguards().values()
                assert "shuttle (caucus-only) safeguard for B" in str(error)
                assert f"event {seq}" in str(error)
                # In another party's caucus it is refused too; in its own, it goes through.
                other = "b" if party == "a" else "a"
                case.open_caucus("m", other)
                refused_with(case, party, name, "shuttle_format", **kwargs)
                case.close_caucus("m")
        # The mediator addresses a party only in that party's own caucus.
        refused_with(case, "m", "invite_to_speak", "shuttle_format", party="a")
        case.open_caucus("m", "b")
        with pytest.raises(
            CommandRefused, match="addresses A only in their own caucus, not in B's"
        ):
            case.invite_to_speak("m", "a")
        assert case.invite_to_speak("m", "b").party == "b"
        case.close_caucus("m")


def test_under_shuttle_format_each_party_works_in_its_own_caucus(new_case: Build) -> None:
    case = _shuttle_case(new_case)
    case.advance("m")
    case.open_caucus("m", "a")
    case.invite_to_speak("m", "a")
    case.speak("a", "My side, in private.", 60)
    assert status(case, "a", "speak").allowed
    assert not status(case, "b", "speak").allowed
    case.close_caucus("m")
    # Moves that wait for any caucus still do.
    case.open_caucus("m", "b")
    refused_with(case, "m", "advance", "caucus_open")
    refused_with(case, "m", "open_caucus", "caucus_open")
    case.close_caucus("m")


def test_a_shuttle_case_settles_through_caucuses_alone(new_case: Build) -> None:
    case = advance_to(_shuttle_case(new_case, 3), "closed")
    assert case.state.outcome is Outcome.SETTLED
    # Every party's joint work happened in that party's own caucus: the parties never met.
    joint = {
        "consent_given", "statement_made", "restatement_made", "restatement_reviewed",
        "common_ground_assented", "proposal_made", "proposal_answered", "signed",
    }  # fmt: skip
    in_caucus: str | None = None
    shuttle_from = case.state.shuttle_safeguards()["b"]
    checked = 0
    for event in case.events:
        if event.type_name == "caucus_opened":
            in_caucus = event.party  # type: ignore[attr-defined]
        elif event.type_name == "caucus_closed":
            in_caucus = None
        elif event.type_name in joint and event.seq > shuttle_from and event.actor != "m":
            assert in_caucus == event.actor, event
            checked += 1
    assert checked >= 3 * 5
    assert not [e for e in case.events if e.type_name == "finding_recorded"]


def test_without_shuttle_format_the_parties_meet(new_case: Build) -> None:
    case = advance_to(new_case(), "listening")
    assert case.state.shuttle_safeguards() == {}
    case.speak("a", "In joint session.", 60)
    case.open_caucus("m", "a")
    refused_with(case, "a", "speak", "caucus_open")
    assert rules.shuttle_addressee(case.state, "b") == ()


def test_a_shuttle_safeguard_stands_while_its_party_takes_part(new_case: Build) -> None:
    case = _shuttle_case(new_case, 3)
    case.advance("m")
    refused_with(case, "a", "speak", "shuttle_format")
    case.withdraw("b")
    assert case.state.shuttle_safeguards() == {}
    case.speak("a", "The others may meet again.", 60)


def test_a_party_who_withdrew_takes_no_further_part(new_case: Build) -> None:
    case = advance_to(new_case(3), "listening")
    case.withdraw("c")
    for name in ("speak", "raise_issue", "withdraw", "pause"):
        refused_with(case, "c", name, "withdrawn")


def test_consent_needs_a_disclosure_and_is_given_once(new_case: Build) -> None:
    case = new_case()
    refused_with(case, "a", "consent", "disclosure_missing")
    case.disclose("m", "None.")
    case.consent("a")
    refused_with(case, "a", "consent", "already_consented")


def test_outside_an_active_stage_little_is_possible(new_case: Build) -> None:
    case = advance_to(new_case(), "listening")
    case.pause("m", "Tempers are high.")
    for actor, name in [
        ("a", "raise_issue"),
        ("a", "add_support_person"),
        ("m", "open_caucus"),
        ("m", "paraphrase"),
        ("m", "ask"),
    ]:
        refused_with(case, actor, name, "wrong_stage")
    refused_with(case, "m", "pause", "wrong_stage")


def test_signing_needs_an_agreement_and_happens_once(new_case: Build) -> None:
    case = advance_to(new_case(), "compromise")
    refused_with(case, "a", "sign", "no_agreement")
    case = advance_to(new_case(), "agreement")
    case.sign("a")
    refused_with(case, "a", "sign", "already_signed")


def test_differences_are_confirmed_only_once_listed(new_case: Build) -> None:
    case = advance_to(new_case(), "common_ground")
    refused_with(case, "a", "confirm_differences", "no_differences")


def test_caucus_commands_need_the_right_caucus(new_case: Build) -> None:
    case = advance_to(new_case(), "listening")
    refused_with(case, "m", "close_caucus", "no_caucus")
    refused_with(case, "m", "caucus_note", "no_caucus")
    blocked(case, "a", "allow_sharing", "nothing_to_share")
    refused_with(case, "a", "give_valuations", "not_in_caucus")
    case.open_caucus("m", "a")
    # b is reported blocked; issuing the note is refused as not authorized.
    assert isinstance(blocked(case, "b", "caucus_note", "not_in_caucus"), NotAuthorized)
    refused_with(case, "b", "give_valuations", "not_in_caucus")


def test_cooling_off_needs_a_pause_stage_and_a_pause(new_case: Build) -> None:
    process = Process(DEFAULT_DEFINITION.without_stage("cooling_off"), BUILTIN_GUARDS)
    case = new_case(process=process)
    refused_with(case, "m", "pause", "no_cooling_off")
    refused_with(new_case(), "m", "resume", "not_paused")


def test_advance_reports_every_failing_guard(new_case: Build) -> None:
    case = new_case()
    reported = status(case, "m", "advance")
    error = blocked(case, "m", "advance", reported.reasons[0].code)
    assert isinstance(error, TransitionRefused)
    assert error.codes == tuple(reason.code for reason in reported.reasons)


def test_closing_depends_on_the_stage(new_case: Build) -> None:
    case = advance_to(new_case(), "listening")
    refused_with(case, "m", "close_escalated", "wrong_stage")
    case.escalate("m", "hr", "Out of scope.")
    refused_with(case, "m", "escalate", "wrong_stage")
    refused_with(case, "m", "disclose", "wrong_stage")
    assert status(case, "sup", "close_escalated").allowed
    closed = case.close_escalated("sup", "HR has it.")
    assert closed.outcome is Outcome.ESCALATED and case.outcome is Outcome.ESCALATED


def test_close_escalated_is_close_with_the_escalated_outcome(new_case: Build) -> None:
    by_close = advance_to(new_case(), "listening")
    by_close.escalate("m", "hr", "Out of scope.")
    by_name = copy_of(by_close)
    with pytest.raises(NotAuthorized):
        copy_of(by_close).close_escalated("a")
    by_close.close("sup", Outcome.ESCALATED, "HR has it.")
    by_name.close_escalated("sup", "HR has it.")
    assert [e.type_name for e in by_close.events] == [e.type_name for e in by_name.events]
    assert by_close.state.outcome is by_name.state.outcome is Outcome.ESCALATED


def test_a_suggestion_needs_every_request_and_every_valuation(new_case: Build) -> None:
    case = advance_to(new_case(), "compromise")
    refused_with(case, "m", "suggest_settlement", "suggestion_not_requested")
    refused_with(case, "m", "suggest_settlement", "valuations_missing")
    case.request_suggestion("a")
    refused_with(case, "a", "request_suggestion", "already_requested")


def test_override_needs_a_blocking_finding(new_case: Build) -> None:
    case = advance_to(new_case(), "listening")
    # The codes are checked first: nothing to override is refused as invalid input.
    blocked(case, "sup", "override", "nothing_to_override")
    case.speak("a", "A long account of everything that went wrong since March.", 1500)
    case.speak("b", "I disagree.", 60)
    assert status(case, "sup", "override").allowed
    case.override("sup", ["airtime_imbalance"], "B declined to say more, in writing.")


def test_some_actions_are_blocked_only_by_closing(new_case: Build) -> None:
    case = new_case()
    for actor, name in [("m", "flag_issue"), ("sup", "set_deadline"), ("m", "review_deadlines")]:
        assert status(case, actor, name) == ActionStatus(name, True)
    case.close("m", "terminated_by_mediator", "The parties settled elsewhere.")
    for actor in ACTOR.values():
        for reported in case.allowed_actions(actor):
            assert [r.code for r in reported.reasons] == ["case_closed"]
            before = copy_of(case)
            with pytest.raises(CaseClosed):
                run(case, actor, reported.name)
            assert case == before


# -- allowed_actions agrees with the commands ---------------------------------------------------


def _cases(new_case: Build) -> list[Mediation]:
    cases = [advance_to(new_case(), stage) for stage in DEFAULT_DEFINITION.active_stages]
    in_caucus = advance_to(new_case(), "compromise")
    in_caucus.open_caucus("m", "a")
    paused = advance_to(new_case(), "common_ground")
    paused.pause("a", "A break, please.")
    escalated = advance_to(new_case(), "listening")
    escalated.escalate("m", "hr", "Out of scope.")
    differing = advance_to(new_case(), "common_ground")
    differing.reserve_difference("a", "Weekend shifts.", "minor")
    return [*cases, in_caucus, paused, escalated, differing]


def test_a_reported_block_is_a_refusal_that_records_nothing(new_case: Build) -> None:
    checked = 0
    for case in _cases(new_case):
        for actor in ACTOR.values():
            for reported in case.allowed_actions(actor):
                if reported.allowed:
                    continue
                before = copy_of(case)
                with pytest.raises(MediationError) as caught:
                    run(case, actor, reported.name)
                assert case == before, (case.stage, actor, reported.name)
                if isinstance(caught.value, CommandRefused) and reported.name != "close":
                    codes = {reason.code for reason in reported.reasons}
                    assert codes <= set(caught.value.codes), (reported, caught.value)
                checked += 1
    assert checked > 100


_NO_ARGUMENT_NEEDED = frozenset(
    {
        "disclose",
        "raise_issue",
        "speak",
        "propose_common_ground",
        "reserve_difference",
        "propose",
        "pause",
        "resume",
        "escalate",
        "close_escalated",
        "withdraw",
        "set_deadline",
        "request_suggestion",
        "confirm_differences",
        "close_caucus",
        "caucus_note",
        "give_valuations",
        "add_support_person",
    }
)


def test_a_reported_permission_is_honoured(new_case: Build) -> None:
    done = set()
    for case in _cases(new_case):
        for actor in ACTOR.values():
            for reported in case.allowed_actions(actor):
                if reported.allowed and reported.name in _NO_ARGUMENT_NEEDED:
                    trial = copy_of(case)
                    run(trial, actor, reported.name)
                    assert trial.version > case.version
                    done.add(reported.name)
    assert done == _NO_ARGUMENT_NEEDED


def test_blockers_name_what_blocks_an_action_and_nothing_once_it_is_possible(
    new_case: Build,
) -> None:
    case = new_case()
    before = rules.blockers(rules.Situation(case.state, case.process), "consent", "a")
    assert "disclosure_missing" in {reason.code for reason in before}
    allowed = {status.name: status for status in case.allowed_actions("a")}
    assert {r.code for r in allowed["consent"].reasons} == {r.code for r in before}
    case.disclose("m", "none")
    assert rules.blockers(rules.Situation(case.state, case.process), "consent", "a") == ()
    case.consent("a")


@pytest.mark.parametrize("mode", ["block", "warn"])
def test_no_signature_while_a_major_difference_is_open_under_a_blocking_policy(
    new_case: Build, mode: str
) -> None:
    case = advance_to(
        new_case(policy=Policy(major_differences=MajorDifferences(mode=mode))), "common_ground"
    )
    difference = case.reserve_difference("a", "who owns the rota", "major").difference_id
    case.reserve_difference("b", "the tone of emails", "minor")
    case.confirm_differences("a")
    case.confirm_differences("b")
    case.advance("m")
    offer = case.propose("a", "A takes Fridays").proposal_id
    case.answer_proposal("b", offer, accept=True)
    if mode == "block":
        with nothing_recorded(case, TransitionRefused) as refused:
            case.advance("m")
        assert "major_difference_open" in refused.value.codes
        case.override("sup", ["major_difference_open"], "The parties asked to sign now.")
    case.advance("m")
    assert case.stage == "agreement"
    if mode == "block":
        with nothing_recorded(case, CommandRefused) as signing:
            case.sign("a")
        assert signing.value.codes == ("major_difference_open",)
        assert "who owns the rota" in str(signing.value)
        case.keep_difference_open("a", difference)
        with nothing_recorded(case, CommandRefused):  # b has not agreed to leave it open
            case.sign("a")
        case.keep_difference_open("b", difference)
    case.sign("a")
    case.sign("b")
    assert case.state.signatures == {"a": offer, "b": offer}


def _reasons(case: Mediation, actor: str, action: str) -> set[str]:
    return {r.code for r in {s.name: s for s in case.allowed_actions(actor)}[action].reasons}


def test_difference_commands_are_blocked_before_any_difference_is_listed(
    new_case: Build,
) -> None:
    case = advance_to(new_case(), "common_ground")
    with nothing_recorded(case, CommandRefused, codes={"no_differences"}):
        case.confirm_differences("a")
    assert _reasons(case, "a", "keep_difference_open") == {"no_differences"}
    assert _reasons(case, "m", "escalate_difference") == {"no_differences"}
    case.reserve_difference("a", "who owns the rota", "major")
    assert _reasons(case, "a", "keep_difference_open") == set()
    assert _reasons(case, "m", "escalate_difference") == set()


def test_difference_commands_are_refused_while_a_caucus_is_open(new_case: Build) -> None:
    case = advance_to(new_case(), "common_ground")
    difference = case.reserve_difference("a", "who owns the rota", "major").difference_id
    case.open_caucus("m", "b")
    for command in (
        lambda: case.confirm_differences("a"),
        lambda: case.keep_difference_open("a", difference),
        lambda: case.escalate_difference("m", difference, "hr", "a matter for HR"),
    ):
        with nothing_recorded(case, CommandRefused, codes={"caucus_open"}):
            command()
    case.close_caucus("m")
    case.confirm_differences("a")
    case.keep_difference_open("a", difference)


def test_a_waiver_needs_a_disqualifying_tie_a_policy_that_allows_it_and_a_party_taking_part(
    new_case: Build,
) -> None:
    assert "no_conflict" in _reasons(new_case(3), "a", "waive_conflict")
    tie = Relation("reports_to", "m", "a")
    strict = new_case(
        3, related=True, policy=Policy(conflict_of_interest=ConflictOfInterest(allow_waiver=False))
    )
    strict.disclose("m", "I report to A.")
    with nothing_recorded(strict, CommandRefused, codes={"waiver_not_allowed"}):
        strict.waive_conflict("a", tie, "I waive it.")
    related = new_case(3, related=True)
    related.disclose("m", "I report to A.")
    assert _reasons(related, "a", "waive_conflict") == set()
    related.withdraw("c")
    with nothing_recorded(related, CommandRefused, codes={"withdrawn"}):
        related.waive_conflict("c", tie, "I waive it.")
    related.waive_conflict("a", tie, "I waive it.")


def test_only_a_party_with_an_unshared_note_of_its_own_can_allow_sharing(
    new_case: Build,
) -> None:
    case = advance_to(new_case(), "listening")
    case.open_caucus("m", "a")
    note_a = case.caucus_note("a", "my own words").note_id
    case.close_caucus("m")
    case.open_caucus("m", "b")
    case.caucus_note("b", "words of b")
    case.close_caucus("m")
    assert _reasons(case, "a", "allow_sharing") == set()
    case.allow_sharing("a", note_a)
    assert _reasons(case, "a", "allow_sharing") == {"nothing_to_share"}  # b's note is b's
    assert _reasons(case, "b", "allow_sharing") == set()


def test_a_paused_or_escalated_case_can_still_be_terminated(new_case: Build) -> None:
    paused = advance_to(new_case(), "listening")
    paused.pause("m", "tempers are high")
    assert _reasons(paused, "m", "close") == set()
    paused.close("m", "terminated_by_mediator", "the parties ended it")
    assert paused.state.outcome is Outcome.TERMINATED_BY_MEDIATOR
    escalated = new_case()
    escalated.escalate("m", "hr", "beyond mediation")
    assert _reasons(escalated, "m", "close") == set()


def test_a_refused_stage_move_is_a_transition_refusal_and_other_refusals_are_not(
    new_case: Build,
) -> None:
    case = new_case()
    with nothing_recorded(case, TransitionRefused, codes={"not_paused"}):
        case.resume("m")
    with nothing_recorded(case, CommandRefused, codes={"disclosure_missing"}) as refused:
        case.consent("a")
    assert type(refused.value) is CommandRefused  # not a refused stage move
