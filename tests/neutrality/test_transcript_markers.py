"""Tests for mediation.neutrality.transcript_markers: marked texts compared per party."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import Mediation, Policy
from mediation.errors import InvalidInput, MarkerFailed
from mediation.events import FindingRecorded
from mediation.guards import BUILTIN_GUARDS
from mediation.markers import MarkerHit
from mediation.neutrality import BUILTIN_CHECKS, Finding
from mediation.neutrality.measures import binomial_tail
from mediation.policy import TranscriptMarkers
from mediation.process import DEFAULT_DEFINITION, Process

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]

LOADED = (
    "You are being unreasonable.",
    "That is your fault.",
    "你太无理取闹了。",
    "别说了，闭嘴。",
)
FAIR = ("What would help you here?", "你最在意的是排班。", "So the schedule matters most.")


def marker_findings(case: Mediation) -> list[FindingRecorded]:
    return [
        e for e in case.events if isinstance(e, FindingRecorded) and e.check == "transcript_markers"
    ]


def say(case: Mediation, party: str, texts: Sequence[str]) -> None:
    for number, text in enumerate(texts):
        if number % 2:
            case.ask("m", party, text)
        else:
            case.paraphrase("m", party, text)


def listened(case: Mediation) -> Mediation:
    case.speak("a", "x", 100)
    case.speak("b", "y", 100)
    return case


@pytest.mark.parametrize(
    ("to_a", "to_b", "fires"),
    [
        (4, 0, True),
        (0, 4, True),
        (5, 1, False),
        (6, 1, True),
        (3, 2, False),
        (3, 0, False),
        (4, 1, False),
        (0, 0, False),
    ],
)
def test_small_numbers_four_to_nothing_fires_three_to_two_does_not(
    new_case: Build, advance_to: AdvanceTo, to_a: int, to_b: int, fires: bool
) -> None:
    case = advance_to(new_case(), "listening")
    say(case, "a", [LOADED[i % 4] for i in range(to_a)] + list(FAIR))
    say(case, "b", [LOADED[(i + 1) % 4] for i in range(to_b)] + list(FAIR))
    listened(case).advance("m")
    found = marker_findings(case)
    assert bool(found) is fires
    if fires:
        (finding,) = found
        flagged = "a" if to_a > to_b else "b"
        assert finding.code == "marker_imbalance" and finding.parties == (flagged,)
        assert finding.mode == "warn"


def test_three_parties_three_to_nothing_fires(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(3), "listening")
    say(case, "c", LOADED[:3])
    for party in "abc":
        case.speak(party, "x", 100)
    case.advance("m")
    (finding,) = marker_findings(case)
    assert finding.parties == ("c",)


def test_finding_names_evidence_in_english_and_chinese(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    say(case, "b", LOADED)
    seqs = [e.seq for e in case.events[-4:]]
    (finding,) = [
        f
        for f in case.pending_findings()
        if isinstance(f, Finding) and f.check == "transcript_markers"
    ]
    assert finding.evidence == tuple(seqs)
    assert finding.figures["p_value"] == pytest.approx(1 / 16)
    events = ", ".join(map(str, seqs))
    assert f"see events {events}" in finding.message
    assert finding.message_in("zh").startswith("调解员对B说的话中，有 4 条")
    assert f"见事件 {'、'.join(map(str, seqs))}" in finding.message_in("zh")
    with pytest.raises(InvalidInput, match="unknown language"):
        finding.message_in("fr")


def test_ordinary_speech_and_zh_idioms_never_count(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    say(
        case,
        "a",
        [
            "This quarter-end is killing me.",
            "I was so childish myself.",
            "我也无能为力。",
            "这个月忙得要死。",
            "累死了。",
            "我孩子在幼稚园。",
            "You are not being unreasonable.",
        ],
    )
    assert case.state.transcript.marked == {}
    assert case.state.transcript.texts == {"a": 7}


def test_relabelled_parties_get_the_same_verdict(new_case: Build, clock: object) -> None:
    from mediation.testing import advance_to as drive

    for flagged, other in (("a", "b"), ("b", "a")):
        case = drive(new_case(), "listening")
        say(case, flagged, LOADED)
        say(case, other, FAIR)
        listened(case).advance("m")
        (finding,) = marker_findings(case)
        assert finding.parties == (flagged,)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=0, max_size=12))
def test_the_verdict_is_symmetric_in_the_parties(addressed_to_a: list[bool]) -> None:
    from datetime import datetime, timedelta, timezone

    from mediation import Mediator, Party
    from mediation.clocks import ManualClock
    from mediation.testing import advance_to as drive

    def run(swap: bool) -> tuple[str, ...]:
        clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc), tick=timedelta(seconds=1))
        case = Mediation.open(
            "c", [Party("a", "A"), Party("b", "B")], Mediator("m", "M"), clock=clock
        )
        drive(case, "listening")
        for to_a in addressed_to_a:
            target = "a" if to_a != swap else "b"
            case.paraphrase("m", target, "You are being unreasonable.")
        return tuple(
            p for f in case.pending_findings() if f.check == "transcript_markers" for p in f.parties
        )

    mapping = {"a": "b", "b": "a"}
    assert run(True) == tuple(mapping[p] for p in run(False))


def test_binomial_tail_is_exact() -> None:
    from fractions import Fraction

    assert binomial_tail(4, 4, Fraction(1, 2)) == Fraction(1, 16)
    assert binomial_tail(3, 5, Fraction(1, 2)) == Fraction(1, 2)
    assert binomial_tail(0, 5, Fraction(1, 2)) == 1
    assert binomial_tail(6, 5, Fraction(1, 2)) == 0
    assert binomial_tail(3, 3, Fraction(1, 3)) == Fraction(1, 27)


def test_a_mediator_proposal_counts_for_the_parties_it_names(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "compromise")
    case.request_suggestion("a")
    case.request_suggestion("b")  # a facilitative mediator proposes only when asked
    case.propose("m", "B, your demands are ridiculous; take half.")
    case.propose("m", "A fair split of the office for everyone.")
    case.propose("m", "Everyone is being unreasonable.")
    transcript = case.state.transcript
    assert list(transcript.marked) == ["b"]
    assert len(transcript.unaddressed) == 1


class Counting:
    """A host classifier that counts its calls and calls anything with 'bad' loaded."""

    name = "house-model"

    def __init__(self) -> None:
        self.calls = 0

    def mark(self, text: str, language: str) -> Sequence[MarkerHit]:
        self.calls += 1
        return [MarkerHit("loaded", "bad", weight=0.9)] * text.count("bad")


def host_process(marker: object) -> Process:
    return Process(DEFAULT_DEFINITION, BUILTIN_GUARDS, text_marker=marker)  # type: ignore[arg-type]


def test_a_host_classifier_replaces_the_lexicons_and_reads_each_text_once(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    classifier = Counting()
    case = advance_to(new_case(process=host_process(classifier)), "listening")
    for _ in range(4):
        case.paraphrase("m", "a", "bad bad")  # 0.9 + 0.9 >= min_weight 1.0
    case.paraphrase("m", "b", "You are being unreasonable.")  # not loaded for this host
    case.paraphrase("m", "b", "bad")  # 0.9 < 1.0: not marked
    listened(case)
    for _ in range(3):
        case.pending_findings()
    case.advance("m")
    assert classifier.calls == 6  # once per text, whatever the moves and reports
    (finding,) = marker_findings(case)
    assert finding.parties == ("a",)
    replayed = Mediation.replay(
        case.events, clock=lambda: case.state.last_at, process=host_process(classifier)
    )
    assert classifier.calls == 12
    assert replayed.state.transcript.marked == case.state.transcript.marked


class Failing:
    name = "flaky-model"

    def mark(self, text: str, language: str) -> Sequence[MarkerHit]:
        raise RuntimeError(f"cannot read {text}")


def test_a_failing_host_marker_is_named_and_records_nothing(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(process=host_process(Failing())), "listening")
    version, events = case.version, case.events
    with pytest.raises(MarkerFailed, match="flaky-model") as caught:
        case.paraphrase("m", "a", "a secret sentence")
    assert "secret" not in str(caught.value)
    assert case.version == version and case.events == events
    assert case.state.interventions == {}
    assert case.state.transcript.texts == {}
    case.invite_to_speak("m", "a")  # a command without text still works
    with pytest.raises(InvalidInput, match="text_marker"):
        host_process(object())


def test_a_policy_lexicon_extends_the_built_in_one(new_case: Build, advance_to: AdvanceTo) -> None:
    policy = Policy.from_dict(
        {
            "transcript_markers": {
                "min_marked": 1,
                "alpha": 0.5,
                "lexicons": {"en": {"categories": {"blame": {"terms": ["on your head"]}}}},
            }
        }
    )
    case = advance_to(new_case(policy=policy), "listening")
    case.paraphrase("m", "a", "This one is on your head.")
    assert case.state.transcript.hits == {"a": {"blame": 1}}
    only_house = Policy.from_dict(
        {
            "transcript_markers": {
                "builtin_lexicons": False,
                "lexicons": {"en": {"categories": {"blame": {"terms": ["on your head"]}}}},
            }
        }
    )
    case = advance_to(new_case(policy=only_house), "listening")
    case.paraphrase("m", "a", "You are being unreasonable.")
    assert case.state.transcript.hits == {}


def test_mode_off_reads_no_text(new_case: Build, advance_to: AdvanceTo) -> None:
    classifier = Counting()
    policy = Policy.from_dict({"transcript_markers": {"mode": "off"}})
    case = advance_to(new_case(policy=policy, process=host_process(classifier)), "listening")
    say(case, "a", ["bad"] * 5)
    assert classifier.calls == 0
    assert "transcript_markers" in [check.code for check in BUILTIN_CHECKS]


def _markers(case: Mediation) -> list[Finding]:
    return [f for f in case.pending_findings() if f.check == "transcript_markers"]


def _loaded(case: Mediation, party: str, count: int) -> list[int]:
    return [case.ask("m", party, "You are being unreasonable.").seq for _ in range(count)]


@pytest.mark.parametrize(("to_a", "fires"), [(3, False), (4, True)])
def test_min_marked_is_the_fewest_judged(
    new_case: Build, advance_to: AdvanceTo, to_a: int, fires: bool
) -> None:
    """With ``min_marked`` 4 and the loosest ``alpha`` (0.5), 3:0 (p = 1/8) is not judged
    and 4:0 is."""
    policy = Policy(transcript_markers=TranscriptMarkers(min_marked=4, alpha=0.5))
    case = advance_to(new_case(policy=policy), "listening")
    _loaded(case, "a", to_a)
    assert bool(_markers(case)) is fires


@pytest.mark.parametrize(("alpha", "fires"), [(0.0625, True), (0.06, False)])
def test_a_p_value_equal_to_alpha_is_significant(
    new_case: Build, advance_to: AdvanceTo, alpha: float, fires: bool
) -> None:
    """4:0 has p = 1/16 exactly: significant at alpha = 0.0625 (p <= alpha), not at 0.06."""
    policy = Policy(transcript_markers=TranscriptMarkers(alpha=alpha))
    case = advance_to(new_case(policy=policy), "listening")
    _loaded(case, "b", 4)
    found = _markers(case)
    assert bool(found) is fires
    if fires:
        assert found[0].parties == ("b",) and found[0].figures["p_value"] == 1 / 16


def test_one_marked_text_under_the_loosest_policy(new_case: Build, advance_to: AdvanceTo) -> None:
    """``min_marked`` 1 and ``alpha`` 0.5: one marked text to A and none to B has
    p = 1/2, at the limit."""
    policy = Policy(transcript_markers=TranscriptMarkers(min_marked=1, alpha=0.5))
    case = advance_to(new_case(policy=policy), "listening")
    (seq,) = _loaded(case, "a", 1)
    (finding,) = _markers(case)
    assert finding.parties == ("a",) and finding.evidence == (seq,)


def test_the_evidence_is_the_latest_twenty_marked_texts(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    seqs = _loaded(case, "a", 22)
    (finding,) = _markers(case)
    assert finding.evidence == tuple(seqs[-20:])
    assert finding.figures["marked"] == 22.0
    assert "in 22 of 22 texts addressed to them, against 0 for the other" in finding.message
