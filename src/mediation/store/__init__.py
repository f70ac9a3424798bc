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

import copy
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Any, Generic, TypeVar

import attrs

from mediation import audit
from mediation import events as ev
from mediation._catalogs import N_
from mediation._logging import get_logger
from mediation.audit import ChainHead, ReadRecord, RecordedEvent, SaltSource, Verification
from mediation.case import DEFAULT_PROCESS, Clock, Mediation
from mediation.errors import (
    CaseNotFound,
    ConcurrencyError,
    IntegrityError,
    InvalidInput,
    NotAuthorized,
)
from mediation.model import Mediator, Party, check_id
from mediation.process import Process
from mediation.store._audit import (
    adoptable,
    anchor_store,
    erase_spans,
    export_store,
    import_export,
    summary_mismatch,
    verify_anchors,
    verify_case,
)
from mediation.store._privacy import (
    RetentionResult,
    SubjectAccess,
    apply_retention,
    erase,
    export_research,
    export_subject,
    spans_of_party,
)
from mediation.store._protocol import EventStore, ManagedStore, ReadLog, StoredRows
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
    "ManagedStore",
    "ReadLog",
    "Repository",
    "RetentionResult",
    "Saved",
    "StoredRows",
    "SubjectAccess",
    "Updated",
    "adoptable",
    "anchor_store",
    "apply_retention",
    "check_batch",
    "check_batch_size",
    "erase",
    "erase_spans",
    "export_research",
    "export_store",
    "export_subject",
    "import_export",
    "open_store",
    "retry_on_conflict",
    "spans_of_party",
    "summary_mismatch",
    "verify_anchors",
    "verify_case",
]

_log = get_logger("mediation.store")

T = TypeVar("T")

_DEFAULT_POLICY = audit.DataPolicy()


def _aware(now: datetime) -> datetime:
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInput.of(
            "naive_datetime", N_("now must be a timezone-aware datetime; got {now!r}"), now=now
        )
    return now


class InMemoryStore:
    """A store in a dictionary: for tests, simulations and short-lived hosts.

    It enforces everything a durable store does: unique ``(case_id, seq)``, atomic
    appends, optimistic concurrency (safe to share between threads), the hash chain with
    salted commitments, erasure and the summary. It also keeps a hash-chained read log.

    Args:
        salts: Where the commitments' random salts come from (default:
            :func:`secrets.token_bytes`; tests may pass a seeded source).
    """

    def __init__(self, *, salts: SaltSource = secrets.token_bytes) -> None:
        self._lock = threading.Lock()
        self._salts = salts
        self._records: dict[str, list[RecordedEvent]] = {}
        self._events: dict[str, list[ev.Event]] = {}
        self._keys: set[tuple[str, int]] = set()
        self._summaries: dict[str, tuple[CaseSummary, DeadlineTracker]] = {}
        self._reads: dict[str, list[ReadRecord]] = {}
        self.store_id: str = secrets.token_hex(16)
        """A random identifier of this store, named in its signed heads."""

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
            recorded = audit.record_events(case_id, batch, previous, salts=self._salts)
            self._store(case_id, batch, recorded, current)
        return recorded

    def _store(
        self,
        case_id: str,
        batch: Sequence[ev.Event],
        recorded: Sequence[RecordedEvent],
        current: tuple[CaseSummary, DeadlineTracker] | None,
    ) -> None:
        summary, tracker = summarize(
            case_id,
            batch,
            recorded[-1].hash,
            current[1] if current is not None else None,
            current[0].opened_at if current is not None else None,
        )
        self._records.setdefault(case_id, []).extend(recorded)
        self._events.setdefault(case_id, []).extend(batch)
        self._keys.update((case_id, event.seq) for event in batch)
        self._summaries[case_id] = (summary, tracker)

    def adopt(self, case_id: str, records: Sequence[RecordedEvent]) -> ChainHead:
        """See :meth:`ManagedStore.adopt`."""
        events = adoptable(case_id, records)
        with self._lock:
            if case_id in self._summaries:
                raise ConcurrencyError.of(
                    "case_exists", N_("case {case} already exists in the store"), case=repr(case_id)
                )
            self._store(case_id, events, records, None)
        return ChainHead(case_id, len(records), records[-1].hash)

    def erase(
        self, case_id: str, erasure: ev.ContentErased, expected_version: int
    ) -> RecordedEvent:
        """See :meth:`ManagedStore.erase`."""
        check_batch(case_id, [erasure], expected_version)
        with self._lock:
            current = self._summaries.get(case_id)
            version = current[0].version if current is not None else 0
            if current is None or version != expected_version:
                raise conflict(case_id, expected_version, version)
            records = self._records[case_id]
            erased = erase_spans(records, erasure)
            (recorded,) = audit.record_events(
                case_id, [erasure], current[0].head, salts=self._salts
            )
            for seq, record in erased.items():
                records[seq - 1] = record
                self._events[case_id][seq - 1] = record.event()
            self._store(case_id, [erasure], [recorded], current)
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

    def record_read(self, record: ReadRecord) -> ReadRecord:
        """See :meth:`ReadLog.record_read`."""
        with self._lock:
            log = self._reads.setdefault(record.case_id, [])
            chained = audit.chain_read(log[-1].hash if log else None, record)
            log.append(chained)
        return chained

    def reads(self, case_id: str) -> tuple[ReadRecord, ...]:
        """See :meth:`ReadLog.reads`."""
        with self._lock:
            return tuple(self._reads.get(case_id, ()))

    def read_head(self, case_id: str) -> tuple[int, str | None]:
        """See :meth:`ReadLog.read_head`."""
        with self._lock:
            log = self._reads.get(case_id, ())
            return len(log), (log[-1].hash if log else None)


@attrs.frozen
class Updated(Generic[T]):
    """What :meth:`Repository.apply` returns: the command's result and the case as saved.

    Attributes:
        result: What the command returned (e.g. the event it recorded).
        case: The case at its new stored version. Read it; to change the case again, call
            :meth:`Repository.apply` (or :meth:`Repository.update`) once more. The
            repository may hand the same object to its next update of the case, so it
            is not yours to run commands on: if you do, the repository notices (the
            version moved) and loads the case afresh.
        events: The events this update saved (empty when the command recorded none).
        version: The case's stored version after the update.
        stage: The case's stage after the update.

    ``version`` and ``stage`` are taken when the update is saved: in a host with threads,
    read those (or what you need of ``case`` straight away), since another update of the
    same case may move the kept case on afterwards.
    """

    result: T
    case: Mediation
    events: tuple[ev.Event, ...]
    version: int
    stage: str


Saved = Callable[["Updated[Any]"], None]
"""A repository subscriber: called with each saved change after its transaction commits."""


@attrs.define
class _Cached:
    """A case the repository folded, at the stored ``version`` whose chain ends at ``head``."""

    case: Mediation
    version: int
    head: str
    verified: bool


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
        raise InvalidInput.of(
            "invalid_attempts",
            N_("attempts must be an int >= 1; got {attempts!r}"),
            attempts=attempts,
        )
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

    Loads are verified: the chain recomputed from the stored sealed bodies must end at
    the store's head, and every content must match its commitment, before the case is
    rebuilt; any changed, removed or reordered event raises
    :class:`~mediation.errors.IntegrityError` naming the event (a stored hash rewritten
    over an intact body changes no event: :meth:`verify` reports it). Pass
    ``verify_loads=False`` (or ``verify=False`` to one load) to skip that, e.g. for a
    batch job that verified the store as a whole just before.

    Reads are authorised and logged: a reader must take part in the case (a party, its
    mediator or a supervisor) or hold a role the data policy grants
    (``policy.readers``), else :class:`~mediation.errors.NotAuthorized`; each read is
    appended to the case's hash-chained read log.

    Updates do not replay the case: the repository keeps the cases it last folded (up to
    ``cache_size``, least recently updated dropped first), each with the stored version
    and chain head it was verified at. An update asks the store for the case's head; when
    it is still the one kept, the command runs on the kept case and only its new events
    are written; when another writer (another process, another repository) appended in
    between, or the kept case was changed outside the repository, the case is loaded and
    verified afresh. The cost of an update therefore does not grow with the case's
    history. A row changed behind the library's back without moving the head is caught by
    the next full load or :meth:`verify`, not by an update of a kept case.

    Args:
        store: Where the cases live.
        clock: The clock given to every case it opens or loads.
        process: The process the cases follow.
        read_log: Where to record reads; default: the store itself when it is a
            :class:`ReadLog` (both built-in stores are), else reads are not recorded.
        require_reader: Refuse to load a case without saying who reads it.
        verify_loads: Verify every load (default).
        policy: Who may read beyond the participants, and who may erase.
        cache_size: How many folded cases updates keep (0: none; every update then
            loads and verifies the whole case).

    Example:
        >>> from datetime import datetime, timezone
        >>> from mediation import Mediator, Party
        >>> from mediation.audit import DataPolicy
        >>> from mediation.clocks import ManualClock
        >>> repo = Repository(
        ...     InMemoryStore(),
        ...     clock=ManualClock(datetime(2026, 3, 2, tzinfo=timezone.utc)),
        ...     policy=DataPolicy(readers=frozenset({"hr"})),
        ... )
        >>> case = repo.open("c-1", [Party("a", "Ann"), Party("b", "Bo")], Mediator("m", "Mo"))
        >>> repo.update("c-1", lambda case: case.disclose("m", "No ties.", [])).seq
        2
        >>> repo.load("c-1", reader="hr-officer", role="hr").version
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
        verify_loads: bool = True,
        policy: audit.DataPolicy = _DEFAULT_POLICY,
        cache_size: int = 128,
    ) -> None:
        if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 0:
            raise InvalidInput.of(
                "invalid_cache_size",
                N_("cache_size must be an int >= 0; got {cache_size!r}"),
                cache_size=cache_size,
            )
        self.store = store
        self.clock = clock
        self.process = process
        self.read_log: ReadLog | None = (
            read_log if read_log is not None else (store if isinstance(store, ReadLog) else None)
        )
        self._log_in_store = read_log is None and isinstance(store, ReadLog)
        self.require_reader = require_reader
        self.verify_loads = verify_loads
        self.policy = policy
        self.cache_size = cache_size
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._subscribers: list[Saved] = []
        self._pending: list[Updated[Any]] = []
        self._commits_itself = getattr(store, "commits_itself", True) is not False

    # -- after-commit hooks ---------------------------------------------------------------

    def subscribe(self, subscriber: Saved) -> Callable[[], None]:
        """Call ``subscriber(updated)`` after each change this repository saves has
        committed: cases opened, :meth:`save`, :meth:`update` and :meth:`apply`.

        Never before the commit, and never for a change that was not committed: a refused
        command, a conflict (only the try that was saved is announced), or a transaction
        the host rolled back. When the store writes inside a host's transaction (see
        :meth:`transaction`), subscribers are called once that transaction commits. A
        subscriber that raises is logged (``subscriber_failed``) and the others still run:
        the change is saved, so the caller is not told it failed.

        Args:
            subscriber: Called with an :class:`Updated` (for :meth:`open` its ``result``
                is the case; for :meth:`save`, ``None``).

        Returns:
            A function that unsubscribes it.

        Raises:
            InvalidInput: ``subscriber`` is not callable.
        """
        if not callable(subscriber):
            raise InvalidInput.of(
                "not_callable",
                N_("subscriber must be callable; got {subscriber!r}"),
                subscriber=subscriber,
            )
        self._subscribers.append(subscriber)
        subscribers = self._subscribers

        def unsubscribe() -> None:
            if subscriber in subscribers:
                subscribers.remove(subscriber)

        return unsubscribe

    def _saved(self, updated: Updated[Any]) -> None:
        """Announce a change the store has written: now if the store committed it,
        else when the host's transaction commits (:meth:`committed`)."""
        if self._commits_itself:
            self._announce((updated,))
        else:
            self._pending.append(updated)

    def _announce(self, changes: Sequence[Updated[Any]]) -> None:
        for updated in changes:
            for subscriber in tuple(self._subscribers):
                try:
                    subscriber(updated)
                except Exception as error:
                    _log.warning(
                        "subscriber_failed",
                        case_id=updated.case.case_id,
                        version=updated.version,
                        error=type(error).__name__,
                    )

    @contextmanager
    def transaction(self, connection: Any) -> Iterator[Repository]:
        """A unit of work: the host's rows and the cases' events in one transaction.

        Yields a repository like this one (same clock, policy, cache and subscribers)
        whose store writes on ``connection``, a SQLAlchemy
        :class:`~sqlalchemy.engine.Connection` to the same database as this repository's
        :class:`~mediation.store.sql.SQLStore`. Run your own statements on
        ``connection`` and the case commands through the yielded repository. If the
        connection has no transaction under way, one is begun: on leaving the block it is
        committed and then subscribers hear of the changes; if the block raises it is
        rolled back, nothing is announced, and the error propagates. If the connection
        is already in a transaction (the host's framework manages it), the unit of work
        joins it and the host commits: call :meth:`committed` (or :meth:`rolled_back`)
        on the yielded repository afterwards.

        Args:
            connection: The host's connection.

        Yields:
            The repository to run commands through.

        Raises:
            InvalidInput: the store is not a SQL store, or the connection is not to its
                database.
        """
        bind = getattr(self.store, "bound", None)
        if bind is None:
            raise InvalidInput.of(
                "not_a_sql_store",
                N_(
                    "a unit of work needs a SQL store (mediation.store.sql.SQLStore); "
                    "this repository's store is {kind}"
                ),
                kind=type(self.store).__name__,
            )
        from sqlalchemy.engine import Connection  # loaded already: the store is a SQL one

        if not isinstance(connection, Connection):
            raise InvalidInput.of(
                "not_a_connection",
                N_("a unit of work needs a SQLAlchemy Connection; got {kind}"),
                kind=type(connection).__name__,
            )
        # Whether the host began a transaction, asked before anything runs on it.
        joined = connection.in_transaction()
        began = None if joined else connection.begin()
        try:
            store = bind(connection)
            work = copy.copy(self)
            work.store = store
            if self._log_in_store:
                work.read_log = store
            work._pending = []
            work._commits_itself = False
        except BaseException:
            if began is not None:
                began.rollback()
            raise
        try:
            yield work
        except BaseException:
            if began is not None:
                began.rollback()
                work.rolled_back()
            raise
        if began is not None:
            try:
                began.commit()
            except BaseException:
                work.rolled_back()
                raise
            work.committed()

    def committed(self) -> int:
        """Tell the repository that the host's transaction its store writes in has
        committed: subscribers hear of every change saved in it (for a store that
        commits itself, nothing is waiting). :meth:`transaction` calls this for you.

        Returns:
            How many changes were announced.
        """
        changes, self._pending = self._pending, []
        self._announce(changes)
        return len(changes)

    def rolled_back(self) -> int:
        """Tell the repository that the host's transaction was rolled back: the changes
        saved in it are forgotten, unannounced, and the cases they touched are no longer
        kept. :meth:`transaction` calls this for you.

        Returns:
            How many changes were forgotten.
        """
        changes, self._pending = self._pending, []
        with self._cache_lock:
            for updated in changes:
                self._cache.pop(updated.case.case_id, None)
        return len(changes)

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
        events = case.events_since(0)
        recorded = self.store.append(case.case_id, events, 0)
        # Kept as verified: the repository made this chain itself.
        self._keep(case_id, _Cached(case, case.version, recorded[-1].hash, verified=True))
        self._saved(Updated(case, case, events, case.version, case.stage))
        return case

    def load(
        self,
        case_id: str,
        *,
        reader: str | None = None,
        role: str | None = None,
        purpose: str = "",
        verify: bool | None = None,
    ) -> Mediation:
        """Rebuild a case from the store, verified unless told otherwise.

        Args:
            case_id: The case.
            reader: Who reads it; authorised and recorded in the read log when given.
            role: The reader's role, for a reader who takes no part in the case.
            purpose: Why (recorded with the read).
            verify: Verify this load; default: the repository's ``verify_loads``.

        Returns:
            The case, at its stored version.

        Raises:
            CaseNotFound: no such case.
            IntegrityError: the stored case does not verify (names the event).
            NotAuthorized: the reader takes no part in the case and holds no role the
                policy grants (nothing recorded).
            InvalidInput: no reader given though the repository requires one.
        """
        if reader is None and self.require_reader:
            raise InvalidInput.of(
                "reader_required",
                N_("this repository records every read: say who reads the case"),
            )
        verified = self.verify_loads if verify is None else verify
        case = self._verified(case_id) if verified else self._replay(case_id)
        if reader is not None:
            self.authorize(case, reader, role)
            self._record_read(case_id, reader, "load", purpose)
        return case

    def authorize(self, case: Mediation, reader: str, role: str | None = None) -> None:
        """Check that ``reader`` may read ``case``.

        Raises:
            NotAuthorized: the reader is not a party, the mediator or a supervisor of the
                case, and ``role`` is not one the policy grants.
        """
        check_id(reader, "reader")
        state = case.state
        if reader in state.parties or reader == state.mediator.id or reader in state.supervisors:
            return
        if role is not None and role in self.policy.readers:
            return
        raise NotAuthorized.of(
            "reader_not_in_case",
            N_(
                "{reader!r} takes no part in case {case_id!r} and holds no role the data "
                "policy lets read it (granted roles: {readers})"
            ),
            reader=reader,
            case_id=case.case_id,
            readers=sorted(self.policy.readers),
        )

    def _replay(self, case_id: str) -> Mediation:
        return Mediation.replay(self.store.load(case_id), clock=self.clock, process=self.process)

    def _verified(self, case_id: str) -> Mediation:
        return self._verified_at(case_id).case

    def _verified_at(self, case_id: str) -> _Cached:
        """The case rebuilt from its verified chain, with the version and head verified."""
        # The head first, then the events: a concurrent append can only lengthen the
        # chain past the head read, and the chain must still pass through that head.
        summary = self.store.summary(case_id)
        store = self.store
        anchor = ChainHead(case_id, summary.version, summary.head) if summary else None
        if anchor is not None and isinstance(store, StoredRows):
            # The events the store's head commits to; the stored hashes of the rows are
            # read only when they are not (to name the break), or the case moved on.
            verified = audit.verified_events(case_id, store.stored_bodies(case_id), anchor)
            if verified is not None:
                case = Mediation.replay(verified, clock=self.clock, process=self.process)
                return _Cached(case, anchor.version, anchor.head, verified=True)
        rows = (
            store.stored_rows(case_id)
            if isinstance(store, StoredRows)
            else [(r.seq, r.hash, r.body, r.content) for r in store.records(case_id)]
        )
        result, events = audit.verify_stored(case_id, rows, anchor=anchor, anchor_is_earlier=True)
        broken = result.broken
        if broken is None and summary is None:
            broken = audit.ChainBreak(None, "no_anchor", "the store keeps no head for this case")
        if broken is not None:
            raise IntegrityError(
                case_id,
                broken.seq,
                broken.code,
                f"case {case_id!r} does not verify, so it was not loaded: {broken.message}",
            )
        case = Mediation.replay(events, clock=self.clock, process=self.process)
        return _Cached(case, result.count, result.head, verified=True)

    def _replayed_at(self, case_id: str) -> _Cached:
        """The case rebuilt without verifying, with the head the store reports for it (no
        head when the store moved on between the two reads: then it is not kept)."""
        summary = self.store.summary(case_id)
        case = self._replay(case_id)
        head = summary.head if summary is not None and summary.version == case.version else ""
        return _Cached(case, case.version, head, verified=False)

    def save(self, case: Mediation, *, expected_version: int) -> int:
        """Append the case's events after ``expected_version`` (the version it was loaded
        at, 0 for a new case).

        Returns:
            The case's new stored version.

        Raises:
            ConcurrencyError: someone appended first.
        """
        events = case.events_since(expected_version)
        self.store.append(case.case_id, events, expected_version)
        if events:
            self._saved(Updated(None, case, events, case.version, case.stage))
        return case.version

    def update(
        self,
        case_id: str,
        command: Callable[[Mediation], T],
        *,
        attempts: int = 3,
        reader: str | None = None,
        role: str | None = None,
    ) -> T:
        """Run ``command`` on the case and save, retrying on conflicts; return its result.

        The same as :meth:`apply`, returning only what ``command`` returned (use
        :meth:`apply` to get the saved case too, without loading it again).

        Args:
            case_id: The case.
            command: Runs commands on the case and returns anything (e.g. the event).
            attempts: How many tries in all.
            reader: Recorded as reading the case (each try) when given.
            role: The reader's role (see :meth:`load`).

        Returns:
            What ``command`` returned on the try that was saved.

        Raises:
            ConcurrencyError: every try conflicted.
            CommandRefused: the command was refused (nothing saved).
            IntegrityError: the stored case does not verify.
        """
        return self.apply(case_id, command, attempts=attempts, reader=reader, role=role).result

    def apply(
        self,
        case_id: str,
        command: Callable[[Mediation], T],
        *,
        attempts: int = 3,
        reader: str | None = None,
        role: str | None = None,
    ) -> Updated[T]:
        """Run ``command`` on the case and save, retrying on conflicts.

        The case comes from the repository's cache when the store's head is still the one
        it was kept at (see the class's notes), else it is loaded (verified unless the
        repository was told not to). On a :class:`~mediation.errors.ConcurrencyError` the
        case is reloaded and the command run again against the fresh state (so it may be
        refused this time). A command that raises leaves nothing saved and nothing kept.

        Args:
            case_id: The case.
            command: Runs commands on the case and returns anything (e.g. the event).
            attempts: How many tries in all.
            reader: Recorded as reading the case (each try) when given.
            role: The reader's role (see :meth:`load`).

        Returns:
            The command's result, the case as saved and the events saved.

        Raises:
            ConcurrencyError: every try conflicted.
            CommandRefused: the command was refused (nothing saved).
            IntegrityError: the stored case does not verify.
            NotAuthorized: ``reader`` may not read the case.
        """
        if reader is None and self.require_reader:
            raise InvalidInput.of(
                "reader_required",
                N_("this repository records every read: say who reads the case"),
            )

        def attempt() -> Updated[T]:
            kept = self._checkout(case_id)
            case = kept.case
            if reader is not None:
                self.authorize(case, reader, role)
                self._record_read(case_id, reader, "load", "update")
            result = command(case)
            new = case.events_since(kept.version)
            recorded = self.store.append(case_id, new, kept.version)
            head = recorded[-1].hash if recorded else kept.head
            self._keep(case_id, _Cached(case, case.version, head, kept.verified))
            return Updated(result, case, new, case.version, case.stage)

        updated = retry_on_conflict(attempt, attempts=attempts)
        if updated.events:
            self._saved(updated)
        return updated

    def _checkout(self, case_id: str) -> _Cached:
        """The case to run a command on: the kept one, taken out of the cache (so no other
        thread runs a command on it at the same time), if the store's head is still the
        one it was kept at; else the case loaded afresh."""
        with self._cache_lock:
            kept = self._cache.pop(case_id, None)
        if (
            kept is not None
            and kept.case.version == kept.version
            and (kept.verified or not self.verify_loads)
        ):
            summary = self.store.summary(case_id)
            if summary is not None and (summary.version, summary.head) == (
                kept.version,
                kept.head,
            ):
                kept.case._listeners = None  # a host's listeners belong to its own copy
                return kept
        return self._verified_at(case_id) if self.verify_loads else self._replayed_at(case_id)

    def _keep(self, case_id: str, kept: _Cached) -> None:
        if self.cache_size == 0 or not kept.head:
            return
        with self._cache_lock:
            self._cache[case_id] = kept
            self._cache.move_to_end(case_id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def view(self, case_id: str, reader: str, *, purpose: str = "") -> audit.CaseView:
        """The case as ``reader`` may see it (:func:`mediation.audit.view`); recorded.

        Raises:
            CaseNotFound: no such case.
            NotAuthorized: the reader takes no part in the case.
            IntegrityError: the stored case does not verify.
        """
        case = self._load_for_reading(case_id)
        seen = audit.view(case, reader)
        self._record_read(case_id, reader, "view", purpose)
        return seen

    def _load_for_reading(self, case_id: str) -> Mediation:
        return self._verified(case_id) if self.verify_loads else self._replay(case_id)

    def authority_report(
        self, case_id: str, reader: str, *, purpose: str = ""
    ) -> audit.AuthorityReport:
        """The outside-authority report (:func:`mediation.audit.authority_report`); recorded.

        Raises:
            CaseNotFound: no such case.
        """
        case = self._load_for_reading(case_id)
        self._record_read(case_id, reader, "authority_report", purpose)
        return audit.authority_report(case)

    def verify(self, case_id: str, *, deep: bool = False) -> Verification:
        """Verify the stored case's chain against the store's head, and its summary
        (:func:`verify_case`).

        Raises:
            CaseNotFound: no such case.
        """
        return verify_case(self.store, case_id, deep=deep)

    def verify_reads(self, case_id: str) -> Verification:
        """Verify the case's read log chain against the head the store keeps for it.

        Returns:
            The verification (intact and empty when reads are not recorded).
        """
        if self.read_log is None:
            return Verification(case_id, 0, audit.read_genesis(case_id))
        return audit.verify_reads(
            case_id, self.read_log.reads(case_id), self.read_log.read_head(case_id)
        )

    def export(
        self,
        out: IO[bytes],
        case_ids: Iterable[str],
        *,
        reader: str,
        role: str | None = None,
        purpose: str = "",
        signer: audit.Signer | None = None,
    ) -> tuple[ChainHead, ...]:
        """Export cases in full as JSON Lines (:func:`export_store`); authorised, recorded;
        each trailer signed when a ``signer`` is given.

        Raises:
            CaseNotFound: a case is not in the store.
            NotAuthorized: the reader may not read a case (see :meth:`load`).
            ChainBroken: a case's chain does not verify.
        """
        ids = list(case_ids)
        for case_id in ids:
            self.authorize(self._load_for_reading(case_id), reader, role)
        written = export_store(self.store, out, ids, signer=signer)
        for case_id in ids:
            self._record_read(case_id, reader, "export", purpose)
        return written

    def export_for(
        self,
        out: IO[bytes],
        case_ids: Iterable[str],
        *,
        reader: str,
        purpose: str = "",
        signer: audit.Signer | None = None,
    ) -> tuple[ChainHead, ...]:
        """Export cases as ``reader`` may see them (:func:`mediation.audit.export_view`):
        withheld content left out (its salted commitment stays), still verifiable, not
        importable; each export recorded.

        Raises:
            CaseNotFound: a case is not in the store.
            NotAuthorized: the reader takes no part in a case.
            IntegrityError: a stored chain does not verify.
        """
        written: list[ChainHead] = []
        for case_id in case_ids:
            case = self._verified(case_id)
            records = self.store.records(case_id)
            audit.view(case, reader)  # refuses a reader who takes no part, before recording
            self._record_read(case_id, reader, "export_for_reader", purpose)
            written.append(audit.export_view(case, records, reader, out, signer=signer))
        return tuple(written)

    def erase(
        self,
        case_id: str,
        *,
        actor: str,
        role: str,
        grounds: str,
        party: str | None = None,
        seq: int | None = None,
        fields: Iterable[str] | None = None,
    ) -> RecordedEvent:
        """Erase content (:func:`erase`) at the repository clock's time, under its policy.

        Raises:
            NotAuthorized: ``role`` may not erase.
            NothingToErase: nothing (left) to erase there.
        """
        return erase(
            self.store,
            case_id,
            actor=actor,
            role=role,
            grounds=grounds,
            at=self.clock(),
            party=party,
            seq=seq,
            fields=fields,
            policy=self.policy,
        )

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
