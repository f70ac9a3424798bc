"""Tests for mediation.neutrality.caucus_parity: the caucus-parity check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mediation import (
    Mediation,
    Mediator,
    Party,
    TransitionRefused,
)
from mediation.clocks import ManualClock
from mediation.testing import advance_to
from tests.conftest import START
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


def codes(error: pytest.ExceptionInfo[TransitionRefused]) -> set[str]:
    return set(error.value.codes)


def test_caucus_parity_blocks_until_every_party_is_offered(
    new_case: Build, advance_to: AdvanceTo, clock: ManualClock
) -> None:
    case = advance_to(new_case(3), "common_ground")
    item = case.propose_common_ground("m", "All want calm")
    for party in "abc":
        case.assent(party, item.item_id)
    case.open_caucus("m", "a")
    clock.advance(timedelta(minutes=30))
    case.close_caucus("m")
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"caucus_not_offered"}
    assert refused.value.reasons[0].parties == ("b", "c")
    case.offer_caucus("m", "b")
    case.open_caucus("m", "c")
    case.close_caucus("m")
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"caucus_time_imbalance"}
    assert refused.value.reasons[0].parties == ("c",)


def _caucuses(minutes: dict[str, int]) -> Mediation:
    """A case in common ground, on a clock that does not tick by itself, after a caucus
    of the given length with each party named (in that order)."""
    clock = ManualClock(START)
    case = Mediation.open(
        "case-1", [Party("a", "A"), Party("b", "B")], Mediator("m", "Mediator"), clock=clock
    )
    advance_to(case, "common_ground")
    for party, length in minutes.items():
        case.open_caucus("m", party)
        clock.advance(timedelta(minutes=length))
        case.close_caucus("m")
    return case


@pytest.mark.parametrize(
    ("minutes", "flagged"),
    [
        ({"a": 60, "b": 30}, False),  # longest/shortest exactly 2.0: at most max_time_ratio
        ({"a": 60, "b": 31}, False),
        ({"a": 60, "b": 29}, True),  # just above 2.0
        ({"b": 61, "a": 30}, True),
    ],
)
def test_caucus_time_is_judged_at_max_time_ratio(minutes: dict[str, int], flagged: bool) -> None:
    case = _caucuses(minutes)
    found = [f for f in case.pending_findings() if f.check == "caucus_parity"]
    assert [f.code for f in found] == (["caucus_time_imbalance"] if flagged else [])
    if flagged:
        shortest = min(minutes, key=minutes.__getitem__)
        assert found[0].parties == (shortest,)
        longest = max(minutes.values())
        assert found[0].figures == {"ratio": longest / minutes[shortest]}


def test_one_caucus_offered_to_all_is_no_imbalance() -> None:
    """Only one party had a caucus and the other was offered one: parity of offers holds,
    and one caucus is not compared with nothing."""
    case = _caucuses({"a": 60})
    case.offer_caucus("m", "b")
    assert not [f for f in case.pending_findings() if f.check == "caucus_parity"]


def test_nothing_is_judged_before_another_stage() -> None:
    case = _caucuses({"a": 60})
    item = case.propose_common_ground("m", "Both want the rota settled")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    with nothing_recorded(case, TransitionRefused, codes={"caucus_not_offered"}):
        case.advance("m")
    case.offer_caucus("m", "b")
    case.advance("m")
    assert case.stage == "compromise"
    assert not [f for f in case.pending_findings() if f.check == "caucus_parity"]
