"""Tests for mediation.neutrality.caucus_balance: caucus time over the whole case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mediation import CaucusBalance, InvalidInput, Mediation, Policy
from mediation.clocks import ManualClock
from mediation.neutrality import caucus_balance
from mediation.neutrality._messages import render

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def _caucus(case: Mediation, clock: ManualClock, party: str, minutes: float) -> None:
    case.open_caucus("m", party)
    clock.advance(timedelta(minutes=minutes))
    case.close_caucus("m")


def test_a_declined_offer_does_not_excuse_hours_for_the_other(
    new_case: Build, advance_to: AdvanceTo, clock: ManualClock
) -> None:
    case = advance_to(new_case(), "common_ground")
    case.offer_caucus("m", "b")
    _caucus(case, clock, "a", 180)
    (finding,) = [f for f in case.pending_findings() if f.check == "caucus_balance"]
    assert finding.code == "caucus_time_one_sided" and finding.parties == ("b",)
    assert finding.figures["gap_seconds"] >= 180 * 60


def test_a_short_caucus_beside_a_declined_offer_is_not_flagged(
    new_case: Build, advance_to: AdvanceTo, clock: ManualClock
) -> None:
    case = advance_to(new_case(), "common_ground")
    case.offer_caucus("m", "b")
    _caucus(case, clock, "a", 20)
    assert not [f for f in case.pending_findings() if f.check == "caucus_balance"]


@pytest.mark.parametrize(
    ("minutes", "flagged"), [(60, False), (80, False), (100, True), (180, True)]
)
@pytest.mark.parametrize(("taker", "decliner"), [("a", "b"), ("b", "a")])
def test_the_gap_is_judged_from_min_gap(
    new_case: Build,
    advance_to: AdvanceTo,
    clock: ManualClock,
    minutes: int,
    flagged: bool,
    taker: str,
    decliner: str,
) -> None:
    """Default 90 minutes: one ordinary caucus beside a declined offer is not judged (the
    clock ticks a little per event, so the probes stand clear of the boundary), whichever
    party declines."""
    case = advance_to(new_case(), "common_ground")
    case.offer_caucus("m", decliner)
    _caucus(case, clock, taker, minutes)
    found = [f for f in case.pending_findings() if f.check == "caucus_balance"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].parties == (decliner,)


def test_policy_values_are_validated() -> None:
    with pytest.raises(InvalidInput):
        Policy(caucus_balance=CaucusBalance(min_gap=-5))
    with pytest.raises(InvalidInput):
        Policy(caucus_balance=CaucusBalance(max_time_ratio=0.5))
    assert Policy.from_dict({"caucus_balance": {"min_gap": 600}}).caucus_balance.min_gap == (
        timedelta(minutes=10)
    )


def test_messages_have_chinese_text() -> None:
    template = caucus_balance.MESSAGES["caucus_time_one_sided"]
    values = {"minutes": "A 180 min", "ratio": "∞", "max_ratio": 2, "gap": "180"}
    text = render(template, "zh", min_gap="60", parties="B", **values)
    assert "单独会谈" in text
