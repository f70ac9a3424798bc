"""Clocks to inject into a case.

The core never reads the wall clock: every :class:`~mediation.Mediation` is given a
``clock``. Production hosts pass :func:`system_clock`; tests, demos and simulations pass a
:class:`ManualClock` so that runs are reproducible to the second.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from mediation.errors import InvalidInput

__all__ = ["ManualClock", "system_clock"]


def system_clock() -> datetime:
    """The current UTC time from the operating system (for production hosts)."""
    return datetime.now(timezone.utc)


class ManualClock:
    """A clock that only moves when told to.

    Args:
        start: The first time returned; must be timezone-aware.
        tick: How far the clock moves after each reading (default: not at all).

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> start = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> clock = ManualClock(start, tick=timedelta(minutes=1))
        >>> clock().minute, clock().minute
        (0, 1)
        >>> clock.advance(timedelta(hours=1)).hour
        10
    """

    __slots__ = ("_now", "_tick")

    def __init__(self, start: datetime, tick: timedelta = timedelta(0)) -> None:
        if start.tzinfo is None or start.utcoffset() is None:
            raise InvalidInput(f"start must be timezone-aware; got {start!r}")
        if tick < timedelta(0):
            raise InvalidInput(f"tick must not be negative; got {tick!r}")
        self._now = start
        self._tick = tick

    def __call__(self) -> datetime:
        now = self._now
        self._now = now + self._tick
        return now

    @property
    def now(self) -> datetime:
        """The time the next reading will return."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` and return the new time."""
        if delta < timedelta(0):
            raise InvalidInput(f"a clock only moves forward; got {delta!r}")
        self._now += delta
        return self._now
