"""Tests for mediation.neutrality.power_imbalance: the power-imbalance check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import (
    Finding,
    Mediation,
    NotAuthorized,
    Policy,
    Relation,
    TransitionRefused,
)
from mediation.clocks import ManualClock
from mediation.neutrality.power_imbalance import subordinates
from mediation.policy import (
    PowerImbalance,
)
from mediation.testing import screen_all
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


def codes(error: pytest.ExceptionInfo[TransitionRefused]) -> set[str]:
    return set(error.value.codes)


def _consented_under_every_safeguard(new_case: Build) -> Mediation:
    """A case where a manages b, under all three safeguards, disclosed, screened and
    consented: ready to leave intake but for the safeguards."""
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
    return case


def test_power_imbalance_safeguards(new_case: Build, clock: ManualClock) -> None:
    case = _consented_under_every_safeguard(new_case)
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


def _power(case: Mediation) -> dict[str, Finding]:
    return {f.code: f for f in case.pending_findings() if f.check == "power_imbalance"}


def test_each_safeguard_rests_on_the_opening_and_its_own_events(
    new_case: Build, clock: ManualClock
) -> None:
    case = _consented_under_every_safeguard(new_case)
    assert _power(case)["support_person_missing"].evidence == (1,)
    case.add_support_person("b", "b", "Works council member")
    case.advance("m")
    first = case.speak("a", "As head of the team I decide the rota.", 100)
    case.speak("b", "I was not asked.", 100)
    finding = _power(case)["subordinate_not_first"]
    assert finding.evidence == (1, first.seq)
    assert finding.message == "in listening, B should have spoken before the manager"


def test_the_default_policy_asks_only_for_a_caucus_offer(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """By default a managed party is owed a caucus offer before compromise, and nothing
    else: no support person on entering listening, no first word in it."""
    case = new_case(relations=[Relation("manages", "a", "b")])
    case.disclose("m", "none")
    screen_all(case)
    case.consent("a")
    case.consent("b")
    assert not _power(case)
    case.advance("m")
    case.invite_to_speak("m", "a")
    case.speak("a", "As head of the team I decide the rota.", 100)
    case.invite_to_speak("m", "b")
    case.speak("b", "I was not asked.", 100)
    assert not _power(case)
    advance_to(case, "common_ground")
    offered = case.offer_caucus("m", "a")
    item = case.propose_common_ground("m", "x")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    finding = _power(case)["subordinate_caucus_not_offered"]
    assert finding.parties == ("b",) and finding.evidence == (1, offered.seq)
    assert finding.message == "B is managed by another party and was not offered a caucus"


def test_colleagues_have_no_power_imbalance(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(relations=[Relation("colleague", "a", "b")]), "common_ground")
    assert subordinates(case.state) == ()
    item = case.propose_common_ground("m", "x")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    assert not _power(case)


def test_a_manager_who_withdrew_leaves_no_subordinate(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """C manages B and withdraws: B is no longer managed by a party taking part; A who
    manages nobody is not one either."""
    case = new_case(3, relations=[Relation("manages", "c", "b"), Relation("reports_to", "a", "c")])
    assert subordinates(case.state) == ("a", "b")
    case.withdraw("c")
    assert subordinates(case.state) == ()
    advance_to(case, "common_ground")
    item = case.propose_common_ground("m", "x")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    assert not _power(case)
