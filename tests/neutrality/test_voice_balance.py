"""Tests for mediation.neutrality.voice_balance: the voice-balance check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import (
    BUILTIN_GUARDS,
    DEFAULT_DEFINITION,
    Finding,
    Mediation,
    Process,
    TransitionRefused,
)
from mediation.testing import screen_all
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


def codes(error: pytest.ExceptionInfo[TransitionRefused]) -> set[str]:
    return set(error.value.codes)


def test_voice_balance_blocks_leaving_listening(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "A long account of everything that went wrong since March.", 1500)
    case.speak("b", "I disagree.", 60)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"airtime_imbalance"}
    (finding,) = refused.value.reasons
    assert isinstance(finding, Finding)
    assert finding.parties == ("b",) and finding.check == "voice_balance"
    assert "Std. II" in finding.source and finding.blocking
    case.invite_to_speak("m", "b")
    case.speak("b", "Since you ask: I was moved off the project without a word.", 900)
    assert case.advance("m").dest == "perspective_swap"


def test_a_party_with_no_airtime_still_counts(new_case: Build, advance_to: AdvanceTo) -> None:
    process = Process(DEFAULT_DEFINITION.without_stage("perspective_swap"), BUILTIN_GUARDS)
    case = advance_to(new_case(3, process=process), "intake")
    case.disclose("m", "none")
    screen_all(case)
    for party in "abc":
        case.consent(party)
    case.advance("m")
    case.speak("a", "x", 100)
    case.speak("b", "y", 100)
    case.speak("c", "z", 0)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert "∞" in str(refused.value)
    assert refused.value.reasons[0].parties == ("c",)


def test_a_silent_party_among_four_is_flagged(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(4), "listening")
    for party in ("a", "b", "c"):
        case.speak(party, "my side", 60)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert {f.code: f.parties for f in refused.value.findings} == {
        "airtime_imbalance": ("d",),
        "turns_imbalance": ("d",),
    }
    assert "not_heard" in refused.value.codes
    case.speak("d", "mine", 60)
    assert case.advance("m").dest == "perspective_swap"
