"""Event stores: where cases live between commands, and the repository hosts use.

An :class:`EventStore` appends a case's new events atomically, refusing with
:class:`~mediation.errors.ConcurrencyError` when someone else appended first
(optimistic concurrency on ``(case_id, seq)``), and loads them back. It chains every
event into the case's audit hash chain (:mod:`mediation.audit`) and keeps a small
summary per case (:class:`CaseSummary`: version, head hash, stage, outcome, next
deadline) for listing cases and finding overdue ones.

Implementations: :class:`InMemoryStore` here, and
:class:`mediation.store.sql.SQLStore` (a SQLite file by default, or PostgreSQL).
:class:`Repository` is what a host uses: open, load, run commands, save, with a retry
helper for conflicts; it can record who read which case. The audit helpers that take a
store — :func:`verify_case`, :func:`export_store`, :func:`import_export` — live here too,
so that :mod:`mediation.audit` never imports the stores.

Third-party stores prove themselves with :class:`mediation.testing.StoreConformance`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO, Any, TypeVar

from mediation import audit
from mediation import events as ev
from mediation._logging import get_logger
from mediation.audit import ChainHead, ReadRecord, RecordedEvent, Verification
from mediation.case import DEFAULT_PROCESS, Clock, Mediation
from mediation.errors import CaseNotFound, ConcurrencyError, InvalidInput
from mediation.model import Mediator, Party, check_id
from mediation.process import Process
from mediation.store._audit import export_store, import_export, verify_case
from mediation.store._protocol import EventStore, ReadLog
from mediation.store._summary import (
    CaseSummary,
    DeadlineTracker,
    check_batch,
    check_batch_size,
    conflict,
    summarize,
)

__all__ = [
    "CaseSummary",
    "EventStore",
    "InMemoryStore",
    "ReadLog",
    "Repository",
    "check_batch",
    "check_batch_size",
    "export_store",
    "import_export",
    "open_store",
    "retry_on_conflict",
    "verify_case",
]

_log = get_logger("mediation.store")

T = TypeVar("T")


def _aware(now: datetime) -> datetime:
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInput(f"now must be a timezone-aware datetime; got {now!r}")
    return now


class InMemoryStore:
    """A store in a dictionary: for tests, simulations and short-lived hosts.

    It enforces everything a durable store does: unique ``(case_id, seq)``, atomic
    appends, optimistic concurrency (safe to share between threads), the hash chain and
    the summary. It also keeps a read log.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, list[RecordedEvent]] = {}
        self._events: dict[str, list[ev.Event]] = {}
        self._keys: set[tuple[str, int]] = set()
        self._summaries: dict[str, tuple[CaseSummary, DeadlineTracker]] = {}
        self._reads: list[ReadRecord] = []

    def append(
        self, case_id: str, events: Sequence[ev.Event], expected_version: int
    ) -> tuple[RecordedEvent, ...]:
        """See :meth:`EventStore.append`."""
        batch = check_batch(case_id, events, expected_version)
        with self._lock:
            current = self._summaries.get(case_id)
            version = current[0].version if current is not None else 0
            if version != expected_version:
                raise conflict(case_id, expected_version, version)
            if not batch:
                return ()
            keys = [(case_id, event.seq) for event in batch]
            if any(key in self._keys for key in keys):
                raise ConcurrencyError(f"case {case_id!r} already has an event at one of {keys}")
            previous = current[0].head if current is not None else None
            recorded = audit.record_events(case_id, batch, previous)
            summary, tracker = summarize(
                case_id,
                batch,
                recorded[-1].hash,
                current[1] if current is not None else None,
                current[0].opened_at if current is not None else None,
            )
            self._records.setdefault(case_id, []).extend(recorded)
            self._events.setdefault(case_id, []).extend(batch)
            self._keys.update(keys)
            self._summaries[case_id] = (summary, tracker)
        return recorded

    def load(self, case_id: str) -> tuple[ev.Event, ...]:
        """See :meth:`EventStore.load`."""
        with self._lock:
            found = self._events.get(case_id)
            if not found:
                raise CaseNotFound(case_id)
            return tuple(found)

    def records(self, case_id: str) -> tuple[RecordedEvent, ...]:
        """See :meth:`EventStore.records`."""
        with self._lock:
            found = self._records.get(case_id)
            if not found:
                raise CaseNotFound(case_id)
            return tuple(found)

    def summary(self, case_id: str) -> CaseSummary | None:
        """See :meth:`EventStore.summary`."""
        with self._lock:
            current = self._summaries.get(case_id)
            return current[0] if current is not None else None

    def cases(self) -> tuple[CaseSummary, ...]:
        """See :meth:`EventStore.cases`."""
        with self._lock:
            summaries = [summary for summary, _ in self._summaries.values()]
        return tuple(sorted(summaries, key=lambda s: (s.opened_at, s.case_id)))

    def overdue(self, now: datetime) -> tuple[CaseSummary, ...]:
        """See :meth:`EventStore.overdue`."""
        audit_now = _aware(now)
        with self._lock:
            found = [s for s, _ in self._summaries.values() if s.is_overdue(audit_now)]
        return tuple(sorted(found, key=lambda s: (s.next_due, s.case_id)))

    def stream_cases(self, batch_size: int = 500) -> Iterator[tuple[ev.Event, ...]]:
        """See :meth:`EventStore.stream_cases` (``batch_size`` is checked, then unused:
        each case is copied under the lock as it is reached)."""
        check_batch_size(batch_size)
        return self._stream()

    def _stream(self) -> Iterator[tuple[ev.Event, ...]]:
        with self._lock:
            ids = sorted(self._events)
        for case_id in ids:
            with self._lock:
                events = tuple(self._events[case_id])
            yield events

    def record_read(self, record: ReadRecord) -> None:
        """See :meth:`ReadLog.record_read`."""
        with self._lock:
            self._reads.append(record)

    def reads(self, case_id: str) -> tuple[ReadRecord, ...]:
        """See :meth:`ReadLog.reads`."""
        with self._lock:
            return tuple(read for read in self._reads if read.case_id == case_id)


def retry_on_conflict(
    operation: Callable[[], T],
    *,
    attempts: int = 3,
    on_conflict: Callable[[ConcurrencyError, int], None] | None = None,
) -> T:
    """Run ``operation`` until it does not raise :class:`~mediation.errors.ConcurrencyError`.

    ``operation`` must reload what it works on each time (as
    :meth:`Repository.update` does); other errors propagate at once.

    Args:
        operation: What to run; returns the result.
        attempts: How many times to try in all (at least 1).
        on_conflict: Called with the error and the attempt number after each conflict
            that will be retried (e.g. to sleep a little, or count).

    Returns:
        What ``operation`` returned.

    Raises:
        ConcurrencyError: every attempt conflicted (the last conflict).
        InvalidInput: ``attempts`` is less than 1.
    """
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise InvalidInput(f"attempts must be an int >= 1; got {attempts!r}")
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except ConcurrencyError as error:
            if attempt == attempts:
                raise
            _log.info("retrying_after_conflict", attempt=attempt)
            if on_conflict is not None:
                on_conflict(error, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


class Repository:
    """Load a case, run commands, save: what a host uses on top of a store.

    Args:
        store: Where the cases live.
        clock: The clock given to every case it opens or loads.
        process: The process the cases follow.
        read_log: Where to record reads; default: the store itself when it is a
            :class:`ReadLog` (both built-in stores are), else reads are not recorded.
        require_reader: Refuse to load a case without saying who reads it.

    Example:
        >>> from datetime import datetime, timezone
        >>> from mediation import Mediator, Party
        >>> from mediation.clocks import ManualClock
        >>> repo = Repository(
        ...     InMemoryStore(), clock=ManualClock(datetime(2026, 3, 2, tzinfo=timezone.utc))
        ... )
        >>> case = repo.open("c-1", [Party("a", "Ann"), Party("b", "Bo")], Mediator("m", "Mo"))
        >>> repo.update("c-1", lambda case: case.disclose("m", "No ties.", [])).seq
        2
        >>> repo.load("c-1", reader="hr-officer").version
        2
        >>> [read.reader for read in repo.reads("c-1")]
        ['hr-officer']
    """

    def __init__(
        self,
        store: EventStore,
        *,
        clock: Clock,
        process: Process = DEFAULT_PROCESS,
        read_log: ReadLog | None = None,
        require_reader: bool = False,
    ) -> None:
        self.store = store
        self.clock = clock
        self.process = process
        self.read_log: ReadLog | None = (
            read_log if read_log is not None else (store if isinstance(store, ReadLog) else None)
        )
        self.require_reader = require_reader

    def open(
        self, case_id: str, parties: Sequence[Party], mediator: Mediator, **options: Any
    ) -> Mediation:
        """Open a case (see :meth:`mediation.Mediation.open`) and save it.

        Args:
            case_id: The case's id.
            parties: The parties.
            mediator: The mediator.
            **options: Other keyword arguments of :meth:`~mediation.Mediation.open`.

        Returns:
            The new case.

        Raises:
            ConcurrencyError: a case with this id exists already.
        """
        case = Mediation.open(
            case_id, parties, mediator, clock=self.clock, process=self.process, **options
        )
        self.save(case, expected_version=0)
        return case

    def load(self, case_id: str, *, reader: str | None = None, purpose: str = "") -> Mediation:
        """Rebuild a case from the store.

        Args:
            case_id: The case.
            reader: Who reads it; recorded in the read log when given.
            purpose: Why (recorded with the read).

        Returns:
            The case, at its stored version.

        Raises:
            CaseNotFound: no such case.
            InvalidInput: no reader given though the repository requires one.
        """
        if reader is not None:
            self._record_read(case_id, reader, "load", purpose)
        elif self.require_reader:
            raise InvalidInput("this repository records every read: say who reads the case")
        return self._replay(case_id)

    def _replay(self, case_id: str) -> Mediation:
        return Mediation.replay(self.store.load(case_id), clock=self.clock, process=self.process)

    def save(self, case: Mediation, *, expected_version: int) -> int:
        """Append the case's events after ``expected_version`` (the version it was loaded
        at, 0 for a new case).

        Returns:
            The case's new stored version.

        Raises:
            ConcurrencyError: someone appended first.
        """
        self.store.append(case.case_id, case.events_since(expected_version), expected_version)
        return case.version

    def update(
        self,
        case_id: str,
        command: Callable[[Mediation], T],
        *,
        attempts: int = 3,
        reader: str | None = None,
    ) -> T:
        """Load the case, run ``command`` on it and save, retrying on conflicts.

        On a :class:`~mediation.errors.ConcurrencyError` the case is reloaded and the
        command run again against the fresh state (so it may be refused this time).

        Args:
            case_id: The case.
            command: Runs commands on the case and returns anything (e.g. the event).
            attempts: How many tries in all.
            reader: Recorded as reading the case (each try) when given.

        Returns:
            What ``command`` returned on the try that was saved.

        Raises:
            ConcurrencyError: every try conflicted.
            CommandRefused: the command was refused (nothing saved).
        """

        def attempt() -> T:
            case = self.load(case_id, reader=reader, purpose="update")
            loaded = case.version
            result = command(case)
            self.save(case, expected_version=loaded)
            return result

        return retry_on_conflict(attempt, attempts=attempts)

    def view(self, case_id: str, reader: str, *, purpose: str = "") -> audit.CaseView:
        """The case as ``reader`` may see it (:func:`mediation.audit.view`); recorded.

        Raises:
            CaseNotFound: no such case.
            NotAuthorized: the reader takes no part in the case.
        """
        case = self._replay(case_id)
        self._record_read(case_id, reader, "view", purpose)
        return audit.view(case, reader)

    def authority_report(
        self, case_id: str, reader: str, *, purpose: str = ""
    ) -> audit.AuthorityReport:
        """The outside-authority report (:func:`mediation.audit.authority_report`); recorded.

        Raises:
            CaseNotFound: no such case.
        """
        case = self._replay(case_id)
        self._record_read(case_id, reader, "authority_report", purpose)
        return audit.authority_report(case)

    def verify(self, case_id: str, *, deep: bool = False) -> Verification:
        """Verify the stored case's chain against the store's head
        (:func:`verify_case`).

        Raises:
            CaseNotFound: no such case.
        """
        return verify_case(self.store, case_id, deep=deep)

    def export(
        self, out: IO[bytes], case_ids: Iterable[str], *, reader: str, purpose: str = ""
    ) -> tuple[ChainHead, ...]:
        """Export cases as JSON Lines (:func:`export_store`); recorded.

        Raises:
            CaseNotFound: a case is not in the store.
            ChainBroken: a case's chain does not verify.
        """
        ids = list(case_ids)
        written = export_store(self.store, out, ids)
        for case_id in ids:
            self._record_read(case_id, reader, "export", purpose)
        return written

    def export_for(
        self, out: IO[bytes], case_ids: Iterable[str], *, reader: str, purpose: str = ""
    ) -> tuple[ChainHead, ...]:
        """Export cases as ``reader`` may see them (:func:`mediation.audit.export_view`):
        redacted, still verifiable, not importable; each export recorded.

        Raises:
            CaseNotFound: a case is not in the store.
            NotAuthorized: the reader takes no part in a case.
            ChainBroken: a stored chain does not verify.
        """
        written: list[ChainHead] = []
        for case_id in case_ids:
            verify_case(self.store, case_id).raise_if_broken()
            case = self._replay(case_id)
            self._record_read(case_id, reader, "export_for_reader", purpose)
            written.append(audit.export_view(case, reader, out))
        return tuple(written)

    def reads(self, case_id: str) -> tuple[ReadRecord, ...]:
        """Every recorded read of ``case_id`` (empty when reads are not recorded)."""
        return self.read_log.reads(case_id) if self.read_log is not None else ()

    def _record_read(self, case_id: str, reader: str, access: str, purpose: str) -> None:
        check_id(reader, "reader")
        if self.store.summary(case_id) is None:
            raise CaseNotFound(case_id)
        record = ReadRecord(case_id, reader, self.clock(), access, purpose)
        _log.info("case_read", case_id=case_id, reader=reader, access=access)
        if self.read_log is not None:
            self.read_log.record_read(record)


def open_store(url: str, **options: Any) -> EventStore:
    """Open a store from a URL or path.

    ``memory:`` gives a new :class:`InMemoryStore`; anything else is given to
    :class:`mediation.store.sql.SQLStore` (a ``sqlite:///`` or ``postgresql://`` URL, or a
    plain file path for a SQLite file).

    Args:
        url: Where the store is.
        **options: Keyword arguments of :class:`~mediation.store.sql.SQLStore`.

    Returns:
        The store.
    """
    if url == "memory:":
        return InMemoryStore()
    # Imported here, not at the top, only to defer loading SQLAlchemy until a SQL store
    # is opened (it adds about half to the time `import mediation` takes); no import loop.
    from mediation.store.sql import SQLStore

    return SQLStore(url, **options)
