"""What every store shares: checking a batch to append, refusing a stale one, and the summary.

The summary is a small row per case (version and head for concurrency and as the audit
anchor; stage, outcome and the next deadline for listing and for finding overdue
cases). The deadline part follows :class:`mediation.state.CaseState` exactly: a stage's
policy deadline starts when the stage is first entered, ``deadline_set`` overrides it,
and the deadlines that count are those of the current stage and of the stage a
cooling-off left, as :meth:`mediation.Mediation.overdue` says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from mediation import events as ev
from mediation._logging import get_logger
from mediation.errors import ConcurrencyError, InvalidInput
from mediation.model import Outcome, check_id
from mediation.state import Schedule

__all__ = [
    "DEADLINE_EVENTS",
    "CaseSummary",
    "DeadlineTracker",
    "check_batch",
    "conflict",
    "iso",
    "moves_deadlines",
    "parse_iso",
    "summarize",
]

_log = get_logger("mediation.store")


def iso(moment: datetime) -> str:
    """``moment`` in UTC as a fixed-width ISO 8601 text that sorts like time.

    Raises:
        InvalidInput: ``moment`` is naive.
    """
    if moment.tzinfo is timezone.utc:  # what the library's clocks give: no conversion
        return moment.isoformat(timespec="microseconds")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"a time must be timezone-aware; got {moment!r}")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    """Read a time written by :func:`iso`."""
    return datetime.fromisoformat(text)


@attrs.frozen
class CaseSummary:
    """What a store keeps about a case besides its events.

    Attributes:
        case_id: The case.
        version: Number of events stored (sequence number of the last one).
        head: Hash of the last event: the audit anchor.
        stage: The stage the case is in.
        outcome: How the case ended (an :class:`~mediation.model.Outcome` value), or
            ``None`` while it is open.
        opened_at: Time of the first event.
        updated_at: Time of the last event.
        next_due: The earliest deadline that counts now (of the current stage or of the
            stage a cooling-off left), or ``None``; never set on a closed case.
    """

    case_id: str
    version: int
    head: str
    stage: str
    outcome: str | None
    opened_at: datetime
    updated_at: datetime
    next_due: datetime | None

    @property
    def is_closed(self) -> bool:
        """Whether the case is closed."""
        return self.outcome is not None

    def is_overdue(self, now: datetime) -> bool:
        """Whether a deadline that counts has passed at ``now``."""
        return self.next_due is not None and self.next_due < now


@attrs.define(slots=True, kw_only=True)
class DeadlineTracker(Schedule):
    """The part of a case's state a store keeps to know what is due: the fold's own
    :class:`~mediation.state.Schedule`, saved with the case's summary row."""

    @classmethod
    def start(cls, opened: ev.CaseOpened) -> DeadlineTracker:
        """The tracker right after the case's first event."""
        tracker = cls(stage=opened.stage, limits=dict(opened.policy.deadlines))
        tracker.enter(opened.stage, opened.at)
        return tracker

    def apply(self, event: ev.Event) -> None:
        """Update with one more event."""
        self.follow(event)

    def to_json(self) -> str:
        """Plain JSON text (for a store's summary row)."""
        return json.dumps(
            {
                "stage": self.stage,
                "paused_from": self.paused_from,
                "outcome": None if self.outcome is None else self.outcome.value,
                "limits": {stage: limit.total_seconds() for stage, limit in self.limits.items()},
                "deadlines": {stage: due.isoformat() for stage, due in self.deadlines.items()},
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> DeadlineTracker:
        """Read :meth:`to_json` output (plain data; nothing is evaluated).

        Raises:
            InvalidInput: the text is not a tracker.
        """
        try:
            data: dict[str, Any] = json.loads(text)
            return cls(
                stage=str(data["stage"]),
                paused_from=data["paused_from"],
                outcome=None if data["outcome"] is None else Outcome(data["outcome"]),
                limits={str(k): timedelta(seconds=float(v)) for k, v in data["limits"].items()},
                deadlines={str(k): parse_iso(v) for k, v in data["deadlines"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidInput(f"corrupt case summary: {error}") from error


def check_batch(
    case_id: str, events: Iterable[ev.Event], expected_version: int
) -> tuple[ev.Event, ...]:
    """Check a batch before appending it; return it as a tuple.

    Raises:
        InvalidInput: a bad case id or version, a non-event, sequence numbers that do not
            follow ``expected_version`` one by one, or a first event that is not this
            case's ``case_opened`` (or a ``case_opened`` later on).
    """
    check_id(case_id, "case id")
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise InvalidInput(f"expected_version must be an int; got {expected_version!r}")
    if expected_version < 0:
        raise InvalidInput(f"expected_version must be >= 0; got {expected_version}")
    batch = tuple(events)
    for index, event in enumerate(batch):
        if not isinstance(event, ev.Event):
            raise InvalidInput(f"only events can be appended; got {event!r}")
        if event.seq != expected_version + 1 + index:
            raise InvalidInput(
                f"event seq {event.seq} does not follow version {expected_version + index} "
                f"of case {case_id!r}"
            )
        if (event.seq == 1) != isinstance(event, ev.CaseOpened):
            raise InvalidInput("a case starts with case_opened, and only its first event is one")
        if isinstance(event, ev.CaseOpened) and event.case_id != case_id:
            raise InvalidInput(f"case_opened is for case {event.case_id!r}, not {case_id!r}")
    return batch


DEADLINE_EVENTS = (ev.CaseOpened, ev.StageChanged, ev.Escalated, ev.Closed, ev.DeadlineSet)
"""The event types that can change a case's stage, outcome or deadlines."""


def check_batch_size(batch_size: object) -> int:
    """Return ``batch_size`` if it is a whole number >= 1, else raise :class:`InvalidInput`.

    Args:
        batch_size: Rows per round trip wanted from a store's streaming read.

    Returns:
        ``batch_size``.

    Raises:
        InvalidInput: not a whole number >= 1.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInput(f"batch_size must be a whole number >= 1; got {batch_size!r}")
    return batch_size


def moves_deadlines(batch: Sequence[ev.Event]) -> bool:
    """Whether any event of ``batch`` can change the stage, outcome or deadlines (if not,
    a store only needs to move the summary's version, head and time)."""
    return any(isinstance(event, DEADLINE_EVENTS) for event in batch)


def summarize(
    case_id: str,
    batch: Sequence[ev.Event],
    head: str,
    tracker: DeadlineTracker | None,
    opened_at: datetime | None,
) -> tuple[CaseSummary, DeadlineTracker]:
    """The summary after appending ``batch`` (non-empty) with resulting ``head``."""
    first = batch[0]
    if tracker is None:
        assert isinstance(first, ev.CaseOpened)
        tracker = DeadlineTracker.start(first)
        opened_at = first.at
        rest: Sequence[ev.Event] = batch[1:]
    else:
        rest = batch
    for event in rest:
        tracker.apply(event)
    assert opened_at is not None
    last = batch[-1]
    summary = CaseSummary(
        case_id=case_id,
        version=last.seq,
        head=head,
        stage=tracker.stage,
        outcome=None if tracker.outcome is None else tracker.outcome.value,
        opened_at=opened_at,
        updated_at=last.at,
        next_due=tracker.next_due(),
    )
    return summary, tracker


def conflict(case_id: str, expected: int, found: int) -> ConcurrencyError:
    """The error a store raises when an append finds another version than expected.

    Args:
        case_id: The case.
        expected: The version the caller gave.
        found: The version stored.

    Returns:
        The error to raise (the conflict is also logged).
    """
    _log.info("append_conflict", case_id=case_id, expected_version=expected, version=found)
    return ConcurrencyError(
        f"case {case_id!r} is at version {found}, not {expected}: someone appended first; "
        "reload and retry"
    )
