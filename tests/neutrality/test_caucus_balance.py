"""Tests for mediation.neutrality.caucus_balance: caucus time over the whole case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mediation import CaucusBalance, Finding, InvalidInput, Mediation, Policy
from mediation.clocks import ManualClock
from mediation.neutrality import caucus_balance
from mediation.neutrality._messages import render
from tests.conftest import still_case

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


def _still_case(parties: int = 2, **kwargs: object) -> tuple[Mediation, ManualClock]:
    return still_case("common_ground", parties, **kwargs)


def _one_sided(case: Mediation) -> list[Finding]:
    return [f for f in case.pending_findings() if f.check == "caucus_balance"]


@pytest.mark.parametrize(("minutes", "flagged"), [(89, False), (90, True), (91, True)])
def test_a_gap_of_exactly_min_gap_is_judged(minutes: int, flagged: bool) -> None:
    """A finding needs "a gap of at least min_gap" (90 min by default): 90 min against a
    declined offer is judged, 89 is not."""
    case, clock = _still_case()
    case.offer_caucus("m", "b")
    _caucus(case, clock, "a", minutes)
    assert case.state.caucus_seconds["a"] == minutes * 60
    assert bool(_one_sided(case)) is flagged


@pytest.mark.parametrize(
    ("shorter", "flagged"),
    [(100, False), (99, True)],  # against 200 min: a ratio of exactly 2, and just above it
)
def test_the_time_ratio_is_judged_at_max_time_ratio(shorter: int, flagged: bool) -> None:
    """Both parties had caucuses with a gap of 100 min or more: the ratio decides; at most
    ``max_time_ratio`` (2) is fine, above it is one-sided."""
    case, clock = _still_case()
    _caucus(case, clock, "a", 200)
    _caucus(case, clock, "b", shorter)
    found = _one_sided(case)
    assert bool(found) is flagged
    if flagged:
        (finding,) = found
        assert finding.parties == ("b",)
        assert finding.figures == {"ratio": 200 / 99, "gap_seconds": 101 * 60.0}


def test_the_message_gives_minutes_the_gap_and_min_gap() -> None:
    case, clock = _still_case()
    case.offer_caucus("m", "b")
    _caucus(case, clock, "a", 180)
    (finding,) = _one_sided(case)
    assert "A 180 min, B 0 min" in finding.message
    assert "a gap of 180 min (judged from 90 min)" in finding.message
    assert "longest/shortest ∞ (at most 2.0)" in finding.message
    assert finding.figures == {"ratio": float("inf"), "gap_seconds": 180 * 60.0}


def test_a_third_party_without_a_caucus_counts_with_zero_minutes() -> None:
    case, clock = _still_case(3)
    _caucus(case, clock, "a", 100)
    _caucus(case, clock, "b", 100)
    (finding,) = _one_sided(case)
    assert finding.parties == ("c",)
