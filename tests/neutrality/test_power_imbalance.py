"""Tests for mediation.neutrality.power_imbalance: the power-imbalance check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import (
    Mediation,
    NotAuthorized,
    Policy,
    Relation,
    TransitionRefused,
)
from mediation.clocks import ManualClock
from mediation.policy import (
    PowerImbalance,
)
from mediation.testing import screen_all
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


def codes(error: pytest.ExceptionInfo[TransitionRefused]) -> set[str]:
    return set(error.value.codes)


def test_power_imbalance_safeguards(new_case: Build, clock: ManualClock) -> None:
    policy = Policy(
        power_imbalance=PowerImbalance(
            safeguards=["caucus_offer", "subordinate_speaks_first", "support_person"]
        )
    )
    case = new_case(relations=[Relation("manages", "a", "b")], policy=policy)
    case.disclose("m", "none")
    screen_all(case)
    case.consent("a")
    case.consent("b")
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"support_person_missing"}
    with nothing_recorded(case, NotAuthorized):
        case.add_support_person("a", "b", "Someone A picked")
    case.add_support_person("b", "b", "Works council member")
    case.advance("m")
    case.speak("a", "As head of the team I decide the rota.", 100)
    case.speak("b", "I was not asked.", 100)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"subordinate_not_first"}
    assert refused.value.reasons[0].parties == ("b",)


def test_power_imbalance_counts_reports_to_as_well(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(relations=[Relation("reports_to", "b", "a")]), "common_ground")
    item = case.propose_common_ground("m", "x")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"subordinate_caucus_not_offered"}
    case.offer_caucus("m", "b")
    assert case.advance("m").dest == "compromise"
