"""Evidence: every finding names the event seqs it rests on, on record and in the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from mediation import Mediation, Policy, VoiceBalance, neutrality_report
from mediation.audit import canonical_bytes
from mediation.clocks import ManualClock
from mediation.events import FindingRecorded, from_dict, to_dict

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def test_a_voice_finding_names_the_statements_of_the_stage(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(policy=Policy(voice_balance=VoiceBalance(mode="warn"))), "listening")
    long = case.speak("a", "long", 1000)
    short = case.speak("b", "short", 10)
    case.advance("m")
    recorded = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert recorded and all(e.evidence == (long.seq, short.seq) for e in recorded)
    markdown = neutrality_report(case).to_markdown()
    assert f"events {long.seq}, {short.seq}" in markdown


def test_evidence_survives_the_stored_form_and_replay(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(policy=Policy(voice_balance=VoiceBalance(mode="warn"))), "listening")
    case.speak("a", "long", 1000)
    case.speak("b", "short", 10)
    case.advance("m")
    (event, *_) = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert from_dict(to_dict(event)) == event
    replayed = Mediation.replay(case.events, clock=ManualClock(case.events[-1].at))
    assert [f.evidence for f in neutrality_report(replayed).recorded] == [
        f.evidence for f in neutrality_report(case).recorded
    ]


def test_a_finding_without_evidence_keeps_its_old_stored_form(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    old = FindingRecorded(
        seq=9, at=case.events[-1].at, actor="m", stage="listening", check="x", code="y", message="z"
    )
    stored = to_dict(old)
    assert "evidence" not in stored
    assert canonical_bytes(from_dict(stored)) == canonical_bytes(old)


def test_an_overdue_stage_names_the_event_that_entered_it(
    new_case: Build, clock: ManualClock
) -> None:
    case = new_case(policy=Policy(deadlines={"intake": timedelta(minutes=1)}))
    clock.advance(timedelta(hours=1))
    (finding, *_) = case.review_deadlines("sup")
    assert isinstance(finding, FindingRecorded) and finding.evidence == (1,)


def test_a_conduct_finding_names_the_interventions(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    asked = [case.ask("m", "a", "And then?").seq for _ in range(6)]
    paraphrased = case.paraphrase("m", "b", "You felt left out.").seq
    case.speak("a", "x", 60)
    case.speak("b", "y", 60)
    case.advance("m")
    (finding,) = [
        e
        for e in case.events
        if isinstance(e, FindingRecorded) and e.code == "mediator_attention_imbalance"
    ]
    assert finding.evidence == (*asked, paraphrased)
