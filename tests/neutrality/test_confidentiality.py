"""Tests for mediation.neutrality.confidentiality: caucus leaks in joint session."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from structlog.testing import capture_logs

from mediation import Mediation, Policy, TransitionRefused, neutrality_report
from mediation.events import FindingRecorded
from mediation.neutrality import Finding
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]

NOTE = "I am worried my manager will retaliate if I complain about the rota."
LEAK = "From what I gather, A is worried their manager will retaliate if they complain."
ZH_NOTE = "我担心如果我投诉排班，我的经理会报复我。"
ZH_LEAK = "据我了解，他担心如果他投诉排班，他的经理会报复他。"


def caucus(case: Mediation, party: str, text: str) -> int:
    case.open_caucus("m", party)
    seq = case.caucus_note(party, text).seq
    case.close_caucus("m")
    return seq


def heard(case: Mediation) -> Mediation:
    case.speak("a", "x", 100)
    case.speak("b", "y", 100)
    return case


def leak_findings(findings: Iterable[object]) -> list[Finding]:
    return [f for f in findings if isinstance(f, Finding) and f.code == "caucus_leak"]


@pytest.mark.parametrize(("note", "leak"), [(NOTE, LEAK), (ZH_NOTE, ZH_LEAK)])
def test_a_leak_blocks_naming_both_events_and_quoting_neither(
    new_case: Build, advance_to: AdvanceTo, note: str, leak: str
) -> None:
    case = heard(advance_to(new_case(), "listening"))
    note_seq = caucus(case, "a", note)
    with capture_logs() as logs:
        text_seq = case.paraphrase("m", "b", leak).seq
        with nothing_recorded(case, TransitionRefused) as refused:
            case.advance("m")
    (finding,) = leak_findings(refused.value.reasons)
    assert finding.check == "confidentiality" and finding.blocking
    assert finding.parties == ("a",)
    assert finding.evidence == (note_seq, text_seq)
    assert f"event {text_seq}" in finding.message and f"event {note_seq}" in finding.message
    assert f"事件 {text_seq}" in finding.message_in("zh")
    report = neutrality_report(case).to_markdown()
    quoted = [note, leak, *note.split()[2:6], note[3:9]]
    for text in (finding.message, finding.message_in("zh"), report, repr(logs), str(refused.value)):
        assert not any(part in text for part in quoted if len(part) > 3)


def test_a_leak_is_reported_once_then_on_record(new_case: Build, advance_to: AdvanceTo) -> None:
    case = heard(advance_to(new_case(), "listening"))
    caucus(case, "a", NOTE)
    case.paraphrase("m", "b", LEAK)
    with nothing_recorded(case, TransitionRefused, codes={"caucus_leak"}):
        case.advance("m")
    case.override("sup", ["caucus_leak"], "Reviewed with the party; apology made.")
    case.advance("m")
    (recorded,) = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert recorded.code == "caucus_leak" and recorded.overridden
    assert not leak_findings(case.pending_findings())
    case.ask("m", "a", "A, " + LEAK)  # a second leak is a new finding
    assert len(leak_findings(case.pending_findings())) == 1


def test_no_leak_when_shared_unrelated_short_or_in_caucus(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = heard(advance_to(new_case(), "listening"))
    shared = case.open_caucus("m", "a")
    note = case.caucus_note("a", NOTE)
    case.allow_sharing("a", note.note_id)
    case.close_caucus("m")
    caucus(case, "b", "Fine.")  # too short to tell
    caucus(case, "b", "I would like the quiet room on Tuesdays and Thursdays next month.")
    case.paraphrase("m", "a", LEAK)  # shared: no leak
    case.paraphrase("m", "a", "Fine.")
    case.ask("m", "a", "What would help you with the rota on Tuesdays?")
    assert shared is not None
    assert not case.state.transcript.leaks
    assert not leak_findings(case.pending_findings())
    assert case.state.transcript.index.keys() == {
        s for n in case.state.transcript.notes.values() for s in n.shingles
    }


def test_a_proposal_by_the_mediator_can_leak(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "common_ground")
    note_seq = caucus(
        case, "b", "I have another job offer and I will leave if the rota is not fixed."
    )
    made = case.propose_common_ground(
        "m", "B has another job offer and will leave if the rota is not fixed."
    )
    (leak,) = case.state.transcript.leaks
    assert (leak.note_seq, leak.text_seq, leak.party) == (note_seq, made.seq, "b")


def test_leak_settings_and_mode_off(new_case: Build, advance_to: AdvanceTo) -> None:
    strict = Policy.from_dict({"confidentiality": {"leak_threshold": 1.0, "mode": "warn"}})
    case = heard(advance_to(new_case(policy=strict), "listening"))
    caucus(case, "a", NOTE)
    case.paraphrase("m", "b", LEAK)  # 4 of 9 shingles altered: below 1.0
    assert not case.state.transcript.leaks
    off = Policy.from_dict({"confidentiality": {"mode": "off"}})
    case = heard(advance_to(new_case(policy=off), "listening"))
    caucus(case, "a", NOTE)
    case.paraphrase("m", "b", NOTE)
    assert case.state.transcript.notes == {} and not case.state.transcript.leaks
    case.advance("m")


_TWO_LEAKS = """
from datetime import datetime, timezone
from mediation import Mediation, Mediator, Party
from mediation.clocks import ManualClock
from mediation.testing import advance_to
case = Mediation.open("c", [Party("a", "A"), Party("b", "B")], Mediator("m", "M"),
                      clock=ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc)))
advance_to(case, "listening")
case.speak("a", "x", 100)
case.speak("b", "y", 100)
for party, note in (("b", "the budget for the new tools was cut twice this year without notice"),
                    ("a", "the rota was changed again last week and nobody asked the night team")):
    case.open_caucus("m", party)
    case.caucus_note(party, note)
    case.close_caucus("m")
case.paraphrase("m", "a", "the rota was changed again last week and nobody asked the night team; "
                "the budget for the new tools was cut twice this year without notice")
print([(f.parties, f.evidence) for f in case.pending_findings() if f.code == "caucus_leak"])
"""


def test_leaks_are_found_in_note_order_whatever_the_string_hashing() -> None:
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", _TWO_LEAKS],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1, outputs
    (output,) = outputs
    assert output.index("('b',)") < output.index("('a',)")  # b's note was taken first


def test_two_leaks_before_a_move_are_both_reported(new_case: Build, advance_to: AdvanceTo) -> None:
    case = heard(advance_to(new_case(), "listening"))
    note_seq = caucus(case, "a", NOTE)
    first = case.paraphrase("m", "b", LEAK).seq
    second = case.ask("m", "b", "So, " + LEAK).seq
    found = leak_findings(case.pending_findings())
    assert [f.evidence for f in found] == [(note_seq, first), (note_seq, second)]
