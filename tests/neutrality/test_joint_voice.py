"""Tests for mediation.neutrality.joint_voice: voice in every joint stage and the case."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import (
    BUILTIN_GUARDS,
    DEFAULT_DEFINITION,
    Finding,
    InvalidInput,
    JointVoice,
    Mediation,
    Policy,
    Process,
)
from mediation.neutrality import joint_voice
from mediation.neutrality._messages import render
from mediation.testing import screen_all

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def test_one_statement_in_a_stage_is_not_judged(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "common_ground")
    case.speak("a", "a short remark", 30)
    assert not [f for f in case.pending_findings() if f.check == "joint_voice"]


def test_forty_to_one_in_common_ground_is_caught_in_the_stage_and_the_case(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "common_ground")
    first = case.speak("a", "at length", 400)
    case.speak("b", "ok", 10)
    found = {f.code: f for f in case.pending_findings() if f.check == "joint_voice"}
    assert set(found) == {"stage_airtime_imbalance", "case_airtime_imbalance"}
    assert all(f.parties == ("b",) for f in found.values())
    assert first.seq in found["stage_airtime_imbalance"].evidence


def test_a_recorded_whole_case_finding_is_not_recorded_again(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "common_ground")
    case.speak("a", "at length", 400)
    case.speak("b", "ok", 10)
    advance_to(case, "agreement")
    codes = [f.code for f in case.state.findings if f.check == "joint_voice"]
    assert codes.count("case_airtime_imbalance") == 1


def test_bounds_are_validated() -> None:
    with pytest.raises(InvalidInput):
        Policy(joint_voice=JointVoice(max_gini=2))
    with pytest.raises(InvalidInput):
        Policy.from_dict({"joint_voice": {"mode": "loud"}})


def test_messages_have_chinese_text() -> None:
    text = render(
        joint_voice.MESSAGES["stage"],
        "zh",
        measure="airtime",
        stage="common_ground",
        gini="0.5",
        max_gini=0.3,
        ratio="40",
        max_ratio=3,
        parties="Ben",
    )
    assert "基尼系数" in text and "Ben" in text


def _joint(case: Mediation) -> dict[str, Finding]:
    return {f.code: f for f in case.pending_findings() if f.check == "joint_voice"}


def test_the_listening_stage_is_left_to_voice_balance(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """40:1 in listening is voice_balance's finding; joint_voice judges neither the stage
    nor the case while the case has only spoken in listening."""
    case = advance_to(new_case(), "listening")
    case.speak("a", "at length", 400)
    case.speak("b", "ok", 10)
    assert not _joint(case)
    assert {f.code for f in case.pending_findings()} >= {"airtime_imbalance"}


@pytest.mark.parametrize(
    ("seconds", "limits", "flagged"),
    [
        ((30, 10), {}, False),  # Gini 0.25 and ratio exactly 3.0: within both limits
        ((31, 10), {}, True),  # ratio just above 3.0
        ((70, 20), {}, True),  # Gini 0.28 within 0.3, ratio 3.5 beyond: the ratio alone
        ((30, 10), {"max_gini": 0.25}, False),  # Gini exactly at its limit
        ((30, 10), {"max_gini": 0.24}, True),  # Gini just above, ratio within
    ],
)
def test_a_joint_stage_is_judged_at_both_limits(
    new_case: Build,
    advance_to: AdvanceTo,
    seconds: tuple[int, int],
    limits: dict[str, float],
    flagged: bool,
) -> None:
    case = advance_to(new_case(policy=Policy(joint_voice=JointVoice(**limits))), "common_ground")
    case.speak("a", "my side", seconds[0])
    case.speak("b", "mine", seconds[1])
    found = _joint(case)
    assert ("stage_airtime_imbalance" in found) is flagged
    assert "stage_turns_imbalance" not in found
    if flagged:
        finding = found["stage_airtime_imbalance"]
        assert finding.parties == ("b",)
        ratio = seconds[0] / seconds[1]
        gini = (seconds[0] - seconds[1]) / (2 * sum(seconds))
        assert finding.figures == pytest.approx({"gini": gini, "ratio": ratio})


def test_a_party_silent_in_a_joint_stage_is_named(new_case: Build, advance_to: AdvanceTo) -> None:
    """Two statements by one party and none by the other: judged (as many statements as
    parties), and the silent party has zero turns and zero airtime."""
    case = advance_to(new_case(), "common_ground")
    case.speak("a", "first", 60)
    case.speak("a", "second", 60)
    found = _joint(case)
    assert {"stage_airtime_imbalance", "stage_turns_imbalance"} <= set(found)
    for code in ("stage_airtime_imbalance", "stage_turns_imbalance"):
        assert found[code].parties == ("b",)
        assert found[code].figures == {"gini": 0.5, "ratio": float("inf")}


def test_a_silent_party_is_named_though_the_gini_is_within_its_limit(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """Under a lenient Gini limit (0.9) the largest over the smallest still decides: a
    party who never spoke in the stage gives an infinite ratio."""
    case = advance_to(
        new_case(policy=Policy(joint_voice=JointVoice(max_gini=0.9))), "common_ground"
    )
    case.speak("a", "first", 60)
    case.speak("a", "second", 60)
    found = _joint(case)
    for code in ("stage_airtime_imbalance", "stage_turns_imbalance"):
        assert found[code].parties == ("b",)
        assert found[code].figures == {"gini": 0.5, "ratio": float("inf")}
        assert "∞" in found[code].message


def test_one_second_against_none_is_unbalanced(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "common_ground")
    case.speak("a", "yes", 1)
    case.speak("b", "(nods)", 0)
    assert _joint(case)["stage_airtime_imbalance"].parties == ("b",)


def test_statements_without_airtime_are_not_an_airtime_imbalance(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "common_ground")
    case.speak("a", "(nods)", 0)
    case.speak("b", "(nods)", 0)
    assert not _joint(case)


def _without_listening(new_case: Build, parties: int) -> Mediation:
    """A case of a host's process with neither listening nor perspective swap, in common
    ground: no party has spoken before it, so a party may have no turn in the whole case."""
    definition = DEFAULT_DEFINITION.without_stage("listening").without_stage("perspective_swap")
    case = new_case(parties, process=Process(definition, BUILTIN_GUARDS))
    case.disclose("m", "none")
    screen_all(case)
    for party in "abcdefgh"[:parties]:
        case.consent(party)
    assert case.advance("m").dest == "common_ground"
    return case


def test_one_statement_in_the_whole_case_is_not_judged(new_case: Build) -> None:
    """Fewer statements than parties over the whole case (one of two here, the other
    party never spoke at all) is not judged, in the stage nor in the case."""
    case = _without_listening(new_case, 2)
    case.speak("a", "a long opening", 400)
    assert not _joint(case)


def test_two_of_three_parties_speaking_once_each_is_not_judged(new_case: Build) -> None:
    case = _without_listening(new_case, 3)
    case.speak("a", "mine", 400)
    case.speak("b", "mine too", 10)
    assert not _joint(case)


def test_a_party_who_never_spoke_in_the_case_is_named_in_the_case(new_case: Build) -> None:
    """As many statements as parties, all by one: the party with no turn anywhere in the
    case is the least heard of the whole case, by airtime and by turns."""
    case = _without_listening(new_case, 2)
    case.speak("a", "first", 60)
    case.speak("a", "second", 60)
    found = _joint(case)
    assert {"case_airtime_imbalance", "case_turns_imbalance"} <= set(found)
    for code in ("case_airtime_imbalance", "case_turns_imbalance"):
        assert found[code].parties == ("b",)
        assert found[code].figures == {"gini": 0.5, "ratio": float("inf")}
