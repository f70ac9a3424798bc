"""Tests for mediation.clocks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mediation.clocks import ManualClock, system_clock
from mediation.errors import InvalidInput


def test_manual_clock_ticks_and_advances() -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    clock = ManualClock(start, tick=timedelta(seconds=5))
    assert clock() == start
    assert clock() == start + timedelta(seconds=5)
    assert clock.advance(timedelta(minutes=1)) == start + timedelta(seconds=70)
    assert clock.now == start + timedelta(seconds=70)


def test_manual_clock_refuses_naive_time_and_going_back() -> None:
    with pytest.raises(InvalidInput, match="timezone-aware"):
        ManualClock(datetime(2026, 1, 1))
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(InvalidInput, match="forward"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(InvalidInput, match="negative"):
        ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc), tick=timedelta(seconds=-1))


def test_system_clock_is_aware_utc() -> None:
    assert system_clock().tzinfo is timezone.utc
