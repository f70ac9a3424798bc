"""Tests for mediation.neutrality.caucus_parity: the caucus-parity check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mediation import (
    Mediation,
    TransitionRefused,
)
from mediation.clocks import ManualClock
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
