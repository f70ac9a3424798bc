"""Tests for mediation.neutrality.mediator_conduct: the mediator-conduct check."""

from __future__ import annotations

from collections.abc import Callable

from mediation import (
    Mediation,
)
from mediation.events import FindingRecorded

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


def test_mediator_conduct_warns_and_is_recorded(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    for _ in range(5):
        case.invite_to_speak("m", "a")
        case.ask("m", "a", "and then?")
    case.paraphrase("m", "b", "you feel unheard")
    case.speak("a", "x", 100)
    case.speak("b", "y", 100)
    moved = case.advance("m")
    assert moved.dest == "perspective_swap"
    (finding,) = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert finding.code == "mediator_attention_imbalance" and finding.mode == "warn"
    assert finding.parties == ("b",) and not finding.overridden
    assert case.events[-2] is finding and case.events[-1] is moved
