"""The store protocols: what the library needs from an event store and a read log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from mediation import events as ev
from mediation.audit import ChainHead, ReadRecord, RecordedEvent
from mediation.store._summary import CaseSummary

__all__ = ["EventStore", "ManagedStore", "ReadLog", "StoredRows"]

StoredRow = tuple[int, str, bytes, bytes | None]
StoredBody = tuple[int, bytes, bytes | None]
"""One stored event as the store holds it: ``(seq, hash, sealed body, content)``."""


@runtime_checkable
class EventStore(Protocol):
    """What the library needs from a store. ``docs/stores.md`` lists the requirements.

    A store must: append a batch atomically (all or nothing); refuse with
    :class:`~mediation.errors.ConcurrencyError` when the case's stored version is not
    ``expected_version`` (and never store two events with the same ``(case_id, seq)``,
    even under concurrent appends); chain each event with
    :func:`mediation.audit.record_events` and return the bytes and hashes exactly as
    given; keep the summary (version and head in the same transaction as the events).
    """

    def append(
        self, case_id: str, events: Sequence[ev.Event], expected_version: int
    ) -> tuple[RecordedEvent, ...]:
        """Append ``events`` (sequence numbers ``expected_version + 1`` on) atomically.

        Args:
            case_id: The case.
            events: The new events, in order; the first event of a case is its
                ``case_opened``, appended with ``expected_version`` 0.
            expected_version: The version the caller last saw (0 for a new case).

        Returns:
            The recorded events (canonical bytes and chained hashes).

        Raises:
            ConcurrencyError: the stored version is not ``expected_version``.
            InvalidInput: the batch does not fit (see :func:`check_batch`).
        """
        ...

    def load(self, case_id: str) -> tuple[ev.Event, ...]:
        """Every event of the case, in order.

        Raises:
            CaseNotFound: no such case.
        """
        ...

    def records(self, case_id: str) -> tuple[RecordedEvent, ...]:
        """Every recorded event of the case (bytes and hashes), in order of ``seq``.

        Raises:
            CaseNotFound: no such case.
        """
        ...

    def summary(self, case_id: str) -> CaseSummary | None:
        """The case's summary (its audit anchor included), or ``None`` if unknown."""
        ...

    def cases(self) -> tuple[CaseSummary, ...]:
        """Every case, ordered by opening time then id."""
        ...

    def overdue(self, now: datetime) -> tuple[CaseSummary, ...]:
        """Open cases with a deadline that counts and has passed at ``now``, earliest
        first (the cases whose :meth:`mediation.Mediation.overdue` is not empty)."""
        ...

    def stream_cases(self, batch_size: int = 500) -> Iterator[tuple[ev.Event, ...]]:
        """Every case's events, one case at a time, ordered by case id.

        For reading a whole store in one pass (audits, exports) in memory that does not
        grow with the number of cases: a durable store reads its rows in batches of
        ``batch_size`` (PostgreSQL: a server-side cursor) and never holds more than one
        case's events and one batch at once. Cases appended while the stream runs may
        or may not appear; each case that appears is whole up to some version.

        Args:
            batch_size: Rows fetched per round trip (>= 1).

        Returns:
            An iterator of each case's events, in order of ``seq``.

        Raises:
            InvalidInput: ``batch_size`` is not a whole number >= 1 (at the call), or a
                stored event is not well-formed (when it is reached).
        """
        ...


@runtime_checkable
class ReadLog(Protocol):
    """Where reads of cases are recorded (who read which case, when, how)."""

    def record_read(self, record: ReadRecord) -> ReadRecord:
        """Store one read, chained after the case's last (:func:`mediation.audit.chain_read`),
        and return it with its hash."""
        ...

    def read_head(self, case_id: str) -> tuple[int, str | None]:
        """How many reads of ``case_id`` are logged and the last one's hash (the read
        log's anchor, kept apart from the reads)."""
        ...

    def reads(self, case_id: str) -> tuple[ReadRecord, ...]:
        """Every read of ``case_id``, oldest first."""
        ...


@runtime_checkable
class ManagedStore(Protocol):
    """A store that can erase content and adopt already-chained records (both built-in
    stores are). Erasure and import need it."""

    store_id: str
    """A random identifier of the store, made when it was created: signed heads name it,
    so an anchor of another store is refused."""

    def adopt(self, case_id: str, records: Sequence[RecordedEvent]) -> ChainHead:
        """Store a new case's records exactly as given (an import): same bodies, content
        and hashes. The records are checked first (:func:`mediation.store.adoptable`).

        Raises:
            ChainBroken: the records do not verify.
            ConcurrencyError: the case exists already.
        """
        ...

    def erase(
        self, case_id: str, erasure: ev.ContentErased, expected_version: int
    ) -> RecordedEvent:
        """In one transaction: remove the content (values and salts) ``erasure.spans``
        name from the stored records and append ``erasure``. Hashes do not change.

        Raises:
            NothingToErase: a span names nothing held; nothing changed.
            ConcurrencyError: the stored version is not ``expected_version``.
        """
        ...


@runtime_checkable
class StoredRows(Protocol):
    """A store that hands out a case's stored events as plain rows (the SQL store does).

    :meth:`mediation.store.Repository.load` verifies and decodes these directly instead
    of building a :class:`~mediation.audit.RecordedEvent` per event first: the sealed
    bodies and contents against the store's head (:func:`mediation.audit.verified_events`),
    and when they do not verify that way, the rows with their stored hashes
    (:func:`mediation.audit.verify_stored`), which names the break. A store without it
    is read through :meth:`EventStore.records`.
    """

    def stored_bodies(self, case_id: str) -> Sequence[StoredBody]:
        """Every stored event of the case as ``(seq, sealed body, content)``, in order of
        ``seq``: :meth:`stored_rows` without the hashes.

        Raises:
            CaseNotFound: no such case.
        """
        ...

    def stored_rows(self, case_id: str) -> Sequence[StoredRow]:
        """Every stored event of the case as ``(seq, hash, sealed body, content)``, in
        order of ``seq``: the same values :meth:`EventStore.records` gives.

        Raises:
            CaseNotFound: no such case.
        """
        ...
