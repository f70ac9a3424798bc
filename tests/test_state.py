"""Tests for mediation.state."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis.stateful import invariant

from mediation import Mediation, Policy, demo
from mediation import events as ev
from mediation import state as state_module
from mediation.clocks import ManualClock
from mediation.errors import InvalidInput
from mediation.events import FindingRecorded
from mediation.model import NO_CONCERNS, Mediator, Outcome, Party, ScreeningDomain
from mediation.policy import Confidentiality
from mediation.state import CaseState, Schedule, Transcript, TranscriptLeak
from mediation.testing import MediationMachine


def test_fold_of_the_demo_events_is_the_live_state() -> None:
    case = demo.workplace_dispute()
    assert CaseState.fold(case.events) == case.state


def test_fold_needs_a_case_opened_first() -> None:
    events = demo.workplace_dispute().events
    with pytest.raises(InvalidInput, match="must start with a case_opened"):
        CaseState.fold(events[1:])
    with pytest.raises(InvalidInput, match="must start with a case_opened"):
        CaseState.fold([])


def test_apply_refuses_gaps_and_repeats() -> None:
    events = demo.workplace_dispute().events
    state = CaseState.open(events[0])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="does not follow"):
        state.apply(events[2])
    state.apply(events[1])
    with pytest.raises(InvalidInput, match="does not follow"):
        state.apply(events[1])


def test_apply_refuses_a_second_opening_and_events_that_do_not_fit() -> None:
    events = demo.workplace_dispute().events
    state = CaseState.open(events[0])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="cannot follow"):
        state.apply(attrs.evolve(events[0], seq=2))
    review = next(e for e in events if e.type_name == "restatement_reviewed")
    with pytest.raises(InvalidInput, match="does not fit"):
        state.apply(attrs.evolve(review, seq=2))
    assert state.version == 1


def test_state_tracks_the_figures_the_process_decides_on() -> None:
    state = demo.workplace_dispute().state
    assert state.airtime == {"zhao": 330.0, "lin": 280.0}
    assert state.turns == {"zhao": 2, "lin": 2}
    assert state.agreed_proposal() == "pr-2"
    assert state.signatures == {"zhao": "pr-2", "lin": "pr-2"}
    assert state.caucus_seconds == {"zhao": 18 * 60.0, "lin": 13 * 60.0}
    assert [note.party for note in state.caucus_notes.values()] == ["zhao"]
    assert state.outcome is not None and state.outcome.value == "settled"


def test_the_latest_proposal_every_party_accepted_is_the_agreed_one(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "compromise")
    assert case.state.agreed_proposal() is None
    first = case.propose("a", "first")
    second = case.propose("b", "second")
    for party in ("b", "c"):
        case.answer_proposal(party, first.proposal_id, accept=True)
    assert case.state.agreed_proposal() == first.proposal_id
    for party in ("a", "c"):
        case.answer_proposal(party, second.proposal_id, accept=True)
    assert case.state.agreed_proposal() == second.proposal_id
    case.answer_proposal("c", second.proposal_id, accept=False)  # the latest answer counts
    assert case.state.agreed_proposal() == first.proposal_id


def test_a_withdrawing_party_takes_its_caucus_with_it(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "listening")
    case.open_caucus("m", "c")
    case.withdraw("c", "enough")
    assert case.state.caucus is None and "c" not in case.state.active
    assert CaseState.fold(case.events) == case.state
    case.speak("a", "the joint session goes on", 10)


def test_the_schedule_counts_the_current_and_the_paused_stage() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    schedule = Schedule(stage="intake", limits={"listening": timedelta(hours=2)})
    assert schedule.next_due() is None  # intake has no limit
    schedule.enter("listening", start)
    assert schedule.next_due() == start + timedelta(hours=2)
    schedule.enter("listening", start + timedelta(hours=1))  # re-entering keeps the first due
    assert schedule.next_due() == start + timedelta(hours=2)
    schedule.paused_from, schedule.stage = "listening", "cooling_off"
    schedule.deadlines = {**schedule.deadlines, "cooling_off": start + timedelta(hours=3)}
    assert schedule.next_due() == start + timedelta(hours=2)  # the paused stage's is earlier
    schedule.deadlines = {**schedule.deadlines, "cooling_off": start + timedelta(minutes=30)}
    assert schedule.next_due() == start + timedelta(minutes=30)
    schedule.outcome = Outcome.IMPASSE
    assert schedule.next_due() is None


def test_evidence_names_the_latest_twenty_events_of_each_key(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    spoken = [case.speak("ab"[n % 2], f"point {n}", 5).seq for n in range(23)]
    state = case.state
    assert state.evidence(("statement", "listening")) == tuple(spoken[-20:])
    entered = state.evidence(("entered", "listening"))
    assert len(entered) == 1 and entered[0] < spoken[0]
    both = state.evidence(("statement", "listening"), ("entered", "listening"))
    assert both == (*entered, *spoken[-20:])
    assert state.evidence(("statement", "no such stage")) == ()


def test_the_fold_counts_caucuses_offers_and_interventions_per_party(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "listening")
    case.offer_caucus("m", "b")
    case.offer_caucus("m", "c")
    for party in ("a", "a", "c"):
        case.open_caucus("m", party)
        case.close_caucus("m")
    case.invite_to_speak("m", "a")
    case.invite_to_speak("m", "a")
    case.ask("m", "b", "What matters to you?")
    state = case.state
    assert state.caucus_count == 3
    assert state.caucus_sessions == {"a": 2, "c": 1}
    assert state.caucus_offers == {"b": 1, "c": 1}
    assert set(state.caucus_offered) == {"a", "b", "c"}
    assert state.interventions == {"a": {"invite": 2}, "b": {"question": 1}}
    assert state.stage_interventions == {"listening": state.interventions}
    assert CaseState.fold(case.events) == state


def test_the_transcript_counts_texts_hits_and_marked_texts_per_party(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    case.ask("m", "a", "What matters to you?")
    first = case.paraphrase("m", "b", "You are being unreasonable.")
    second = case.paraphrase("m", "b", "Unreasonable, you are being unreasonable.")
    case.invite_to_speak("m", "a")  # no text: not a text the mediator said
    transcript = case.state.transcript
    assert transcript.texts == {"a": 1, "b": 2}
    assert transcript.hits == {"b": {"loaded": 3}}
    assert transcript.marked == {"b": [first.seq, second.seq]}
    assert list(transcript.unaddressed) == []
    advance_to(case, "common_ground")
    before = dict(case.state.transcript.texts)
    item = case.propose_common_ground("m", "Everyone here is being unreasonable.")
    assert list(case.state.transcript.unaddressed) == [item.seq]  # names nobody
    assert case.state.transcript.texts == before


def test_threat_texts_are_counted_and_a_screening_answers_them_only_with_substance(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    assert case.state.threat_count == 0 and case.state.open_threats == {}
    threat = case.speak("a", "I will hurt you if you go on", 10)
    assert case.state.threat_count == 1
    assert list(case.state.open_threats) == [threat.seq]
    assert case.state.open_threats[threat.seq].by == "a"
    calm = {domain.value: False for domain in ScreeningDomain}
    case.screen("m", "b", calm)  # a bare "no concern": the threat stays open
    assert list(case.state.open_threats) == [threat.seq]
    case.screen("m", "b", calm, note="Asked B in private whether A's words frightened them.")
    assert case.state.open_threats == {}
    case.speak("b", "Then I will hurt you too", 10)
    assert case.state.threat_count == 2 and len(case.state.open_threats) == 1
    case.screen("m", "a", {**calm, "safety": True})  # a concern found answers it too
    assert case.state.open_threats == {}
    case.speak("a", "fine", 10)  # no threat: nothing counted
    assert case.state.threat_count == 2


def test_a_shuttle_safeguard_stands_for_a_party_taking_part(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "listening")
    case.add_support_person("m", "a", "A friend")
    assert case.state.shuttle_safeguards() == {}  # a support person is not shuttle format
    for_b = case.apply_safeguard("m", "b", "shuttle", "B asked not to meet A")
    for_c = case.apply_safeguard("m", "c", "shuttle")
    assert case.state.shuttle_safeguards() == {"b": for_b.seq, "c": for_c.seq}
    case.withdraw("c")
    assert case.state.shuttle_safeguards() == {"b": for_b.seq}


def test_open_major_differences_leave_out_minor_escalated_and_kept_open_ones(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "common_ground")
    for name, severity in [("d1", "major"), ("d2", "minor"), ("d3", "major"), ("d4", "major")]:
        case.reserve_difference("a", f"difference {name}", severity, difference_id=name)
    assert case.state.open_major_differences() == ("d1", "d3", "d4")
    case.escalate_difference("m", "d3", "hr", "a matter of principle for HR")
    case.keep_difference_open("a", "d4")
    case.keep_difference_open("b", "d4")
    assert case.state.open_major_differences() == ("d1", "d4")  # c has not agreed yet
    case.keep_difference_open("c", "d4")
    assert case.state.open_major_differences() == ("d1",)


def _noted(case: Mediation, party: str, text: str) -> int:
    case.open_caucus("m", party)
    seq = case.caucus_note(party, text).seq
    case.close_caucus("m")
    return seq


def test_a_mediator_text_reproducing_half_of_an_unshared_note_is_a_leak(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    note = _noted(case, "a", "alpha bravo charlie delta echo foxtrot")  # four shingles
    case.paraphrase("m", "b", "We said alpha bravo charlie today")  # one of four
    assert list(case.state.transcript.leaks) == []
    text = case.paraphrase("m", "b", "alpha bravo charlie delta")  # two of four: the threshold
    assert list(case.state.transcript.leaks) == [TranscriptLeak(text.seq, note, "a", 0.5)]
    assert CaseState.fold(case.events) == case.state


def test_a_note_of_three_shingles_is_watched_and_a_shorter_one_is_not(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    _noted(case, "b", "golf hotel india juliet")  # two shingles: too short to tell
    note = _noted(case, "a", "kilo lima mike november oscar")  # three: min_shingles
    case.paraphrase("m", "b", "golf hotel india juliet")
    assert list(case.state.transcript.leaks) == []
    text = case.paraphrase("m", "b", "kilo lima mike november oscar")
    assert list(case.state.transcript.leaks) == [TranscriptLeak(text.seq, note, "a", 1.0)]


def test_a_shared_note_stops_counting_and_the_other_partys_same_words_still_do(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    words = "papa quebec romeo sierra tango uniform"
    _noted(case, "a", words)
    note_b = _noted(case, "b", words)
    (note_id_a, _) = case.state.caucus_notes
    case.allow_sharing("a", note_id_a)
    text = case.paraphrase("m", "a", words)
    assert list(case.state.transcript.leaks) == [TranscriptLeak(text.seq, note_b, "b", 1.0)]
    assert CaseState.fold(case.events) == case.state


def test_a_missed_deadline_of_the_paused_stage_is_recorded_against_that_stage(
    new_case: Callable[..., Mediation],
    advance_to: Callable[[Mediation, str], Mediation],
    clock: ManualClock,
) -> None:
    case = advance_to(
        new_case(policy=Policy(deadlines={"listening": timedelta(hours=1)})), "listening"
    )
    due = case.state.deadlines["listening"]
    case.pause("m", "tempers are high")
    clock.advance(timedelta(hours=2))
    (finding,) = case.review_deadlines("m")
    assert isinstance(finding, FindingRecorded)
    assert finding.about_stage == "listening" and finding.stage == "cooling_off"
    assert case.state.deadline_findings == {"listening": due}
    assert case.review_deadlines("m") == ()  # recorded once


# -- the shared empty mappings: an open case owns no empty container ---------------------


def _plain(value: Any) -> Any:
    """``value`` as plain data: every mapping a dict, every sequence a list, every set a
    set and every attrs instance its type and fields (so a state that starts with shared
    read-only empties compares with one that owns every container from the start)."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return type(value).__name__, {
            f.name: _plain(getattr(value, f.name)) for f in fields if f.eq
        }
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, AbstractSet):
        return set(value)  # hashable members: nothing in them to normalize
    return value


def _eager_fold(events: Sequence[ev.Event]) -> CaseState:
    """The fold as it was before the shared empties: the opening state is first given a
    container of its own for every mapping, sequence and set, then the events apply."""
    opened = events[0]
    assert isinstance(opened, ev.CaseOpened)
    state = CaseState.open(opened)
    for field in attrs.fields(CaseState):
        value = getattr(state, field.name)
        if isinstance(value, Mapping) and field.name != "limits":
            setattr(state, field.name, dict(value))
        elif isinstance(value, tuple) and field.name == "findings":
            setattr(state, field.name, list(value))
        elif isinstance(value, AbstractSet) and field.name == "recorded_keys":
            setattr(state, field.name, set(value))
    state.transcript = Transcript(
        marked={}, texts={}, hits={}, unaddressed=[], leaks=[], notes={}, index={}
    )
    for event in events[1:]:
        state.apply(event)
    return state


def _shared_empties_untouched() -> None:
    assert state_module._EMPTY == {}
    for field in attrs.fields(Transcript):
        default = field.default
        assert getattr(state_module._NO_TRANSCRIPT, field.name) is default, field.name


def test_an_open_case_shares_every_empty_mapping() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    case = Mediation.open(
        "c1", [Party("a", "Ann"), Party("b", "Bo")], Mediator("m", "Mo"), clock=clock
    )
    other = Mediation.open(
        "c2", [Party("c", "Cy"), Party("d", "Di")], Mediator("m", "Mo"), clock=clock
    )
    own = [
        field.name
        for field in attrs.fields(CaseState)
        if isinstance(getattr(case.state, field.name), Mapping)
        and not getattr(case.state, field.name)
        and getattr(case.state, field.name) is not getattr(other.state, field.name)
    ]
    assert own == []
    assert case.state.transcript is other.state.transcript is state_module._NO_TRANSCRIPT
    assert case.state.active is case.state.parties  # until someone withdraws
    case.disclose("m", "No relationships.", [])
    case.screen("m", "a", NO_CONCERNS)
    assert case.state.screenings == {"a": 3} and other.state.screenings == {}
    _shared_empties_untouched()


def test_the_demo_folds_the_same_with_shared_or_own_empties() -> None:
    events = demo.workplace_dispute().events
    assert _plain(CaseState.fold(events)) == _plain(_eager_fold(events))
    _shared_empties_untouched()


class SharedEmptiesMachine(MediationMachine):
    """Random commands: the live state (shared empties, taken over on the first write)
    equals the eager fold of the same events after every step, and the shared empties
    stay empty."""

    @invariant()
    def lazy_state_is_the_eager_state(self) -> None:
        if self.case is None:
            return
        assert _plain(self.case.state) == _plain(_eager_fold(self.case.events))
        _shared_empties_untouched()


SharedEmptiesMachine.TestCase.settings = settings(
    settings(), max_examples=25, stateful_step_count=30
)
TestSharedEmpties = SharedEmptiesMachine.TestCase


def test_a_scripted_case_through_every_transcript_path_folds_the_same(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    # Marked texts to each party and to none, a caucus note reproduced in joint session
    # (a leak, then its finding overridden), a note shared, a threat, a withdrawal.
    case = advance_to(new_case(3), "listening")
    case.speak("a", "x", 100)
    case.speak("b", "I will make you pay for this.", 100)
    for text in ("You are being unreasonable.", "That is your fault.", "你太无理取闹了。"):
        case.paraphrase("m", "a", text)
    case.ask("m", "b", "What would help you here?")
    case.open_caucus("m", "a")
    kept = case.caucus_note("a", "I am worried my manager will retaliate if I complain about it.")
    shared = case.caucus_note("a", "The rota on Tuesdays and Thursdays is what hurts most of all.")
    case.allow_sharing("a", shared.note_id)
    case.close_caucus("m")
    case.paraphrase(
        "m", "b", "A is worried their manager will retaliate if they complain about it."
    )
    case.screen("m", "b", NO_CONCERNS, note="Asked about the statement; no danger found.")
    codes = [f.code for f in case.pending_findings() if f.blocking]
    if codes:
        case.override("sup", codes, "reviewed with both parties")
    case.withdraw("c", "enough")
    transcript = case.state.transcript
    assert (
        transcript.hits
        and transcript.marked
        and transcript.leaks
        and kept.note_id in transcript.notes
    )
    assert _plain(case.state) == _plain(_eager_fold(case.events))
    assert _plain(CaseState.fold(case.events)) == _plain(case.state)
    _shared_empties_untouched()


def test_a_party_is_named_by_every_word_of_its_name_or_anywhere_in_chinese(
    clock: ManualClock,
) -> None:
    case = Mediation.open(
        "case-1",
        [Party("a", "Chen Jie"), Party("b", "陈洁"), Party("c", "Anna 李")],
        Mediator("m", "Mediator"),
        clock=clock,
    )
    named_in = case.state.named_in
    assert named_in("Thanks, Chen Jie.") == ("a",)
    assert named_in("Chen said so") == ()  # one word of two is not the name
    assert named_in("我们听陈洁的意见") == ("b",)  # no spaces between Chinese words
    assert named_in("陈先生说得对") == ()
    assert named_in("Anna 李 agreed") == named_in("anna 李 agreed") == ("c",)
    assert named_in("Anna agreed") == ()
    assert named_in("李 thanked Anna") == ()  # a name with Chinese in it is one run of words
    assert named_in("b and C, then a") == ("a", "b", "c")  # by id, in case order


def test_only_the_built_in_findings_move_the_leak_and_deadline_bookkeeping(
    new_case: Callable[..., Mediation],
    advance_to: Callable[[Mediation, str], Mediation],
    clock: ManualClock,
) -> None:
    policy = Policy(
        confidentiality=Confidentiality(mode="warn"), deadlines={"listening": timedelta(hours=1)}
    )
    case = advance_to(new_case(policy=policy), "listening")
    words = "victor whiskey xray yankee zulu alpha"
    _noted(case, "a", words)
    case.paraphrase("m", "b", words)
    case.speak("a", "x", 10)
    case.speak("b", "y", 10)
    clock.advance(timedelta(hours=2))
    case.review_deadlines("m")
    case.advance("m")  # the leak is recorded with the move (warn)
    events = case.events
    for code, figure in (
        ("caucus_leak", lambda s: s.transcript.leaks_on_record),
        ("deadline_passed", lambda s: dict(s.deadline_findings)),
    ):
        at = next(
            i for i, e in enumerate(events) if isinstance(e, FindingRecorded) and e.code == code
        )
        finding = events[at]
        assert isinstance(finding, FindingRecorded)
        before = CaseState.fold(events[:at])
        state = CaseState.fold(events[:at])
        # the same code from a host's own check is not the built-in family's finding
        state.apply(attrs.evolve(finding, check="house_rule"))
        assert figure(state) == figure(before), code
        state.apply(attrs.evolve(finding, seq=finding.seq + 1))
        assert figure(state) != figure(before), code
    assert case.state.transcript.leaks_on_record == 1
    assert case.state.deadline_findings == {"listening": case.state.deadlines["listening"]}


def test_what_the_mediator_says_inside_a_caucus_is_not_searched_for_leaks(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "common_ground")
    case.apply_safeguard("m", "a", "shuttle", "A asked not to meet B")
    words = "bravo delta foxtrot hotel juliet lima"
    case.open_caucus("m", "a")
    case.caucus_note("a", words)
    case.propose_common_ground("m", words)  # carried in A's own caucus (shuttle format)
    assert list(case.state.transcript.leaks) == []
    assert case.state.transcript.notes  # the note is watched all the same
