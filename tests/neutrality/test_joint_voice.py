"""Tests for mediation.neutrality.joint_voice: voice in every joint stage and the case."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import InvalidInput, JointVoice, Mediation, Policy
from mediation.neutrality import joint_voice
from mediation.neutrality._messages import render

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
