"""The SQL store (SQLAlchemy Core 2): a SQLite file by default, PostgreSQL for many servers.

Both databases get the same schema (table names start with ``mediation_``):

``mediation_schema``
    One row: the schema version (:data:`SCHEMA_VERSION`), for future migrations.
``mediation_events``
    One row per event: ``case_id``, ``seq``, ``hash`` (64 hex digits) and ``body`` (the
    canonical bytes, see :mod:`mediation.audit`). The primary key ``(case_id, seq)``
    makes the database refuse a second event at the same place.
``mediation_cases``
    One row per case: ``version`` and ``head`` (the audit anchor), ``stage``,
    ``outcome``, ``opened_at``, ``updated_at``, ``next_due`` (indexed, for overdue
    queries) and ``tracker`` (the JSON the next deadline is computed from).
``mediation_reads``
    The read log: ``case_id``, ``reader``, ``at``, ``access``, ``purpose``.

Times are stored as UTC ISO 8601 text of fixed width, which sorts like time on both
databases. The statements of appends and loads are built with SQLAlchemy Core once per
store and run on the driver connection. Each append is one transaction: the case row is
checked (read ``FOR UPDATE`` on PostgreSQL; SQLite takes the write lock at ``BEGIN
IMMEDIATE``), the version compared, the events inserted and the case row updated in the
same transaction; any conflict raises
:class:`~mediation.errors.ConcurrencyError` and nothing is written. The common append —
one event on a case this store wrote last, not moving the stage or a deadline — skips the
read: the case row's ``UPDATE`` names the version and head it expects, and on PostgreSQL
that ``UPDATE`` and the event's ``INSERT`` are one statement committed on its own (one
round trip instead of four).

SQLite connections the library opens run with ``journal_mode=WAL`` (readers never block
the writer), ``synchronous=FULL`` (a committed append survives power loss),
``foreign_keys=ON`` and a ``busy_timeout`` (writers wait for each other instead of
failing). Connections a host opens are left as the host configured them: given a host's
SQLite engine, the store opens its own connections to the same file; given a host's
:class:`~sqlalchemy.engine.Connection`, it writes inside the host's transaction and
changes none of its settings.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import operator
import os
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from mediation import audit
from mediation import events as ev
from mediation._catalogs import N_
from mediation._logging import get_logger
from mediation.audit import ReadRecord, RecordedEvent
from mediation.audit.chain import unseal
from mediation.audit.migration import upgrade_v2
from mediation.errors import (
    CaseNotFound,
    ChainBroken,
    ConcurrencyError,
    InvalidInput,
    MediationError,
    SchemaVersionError,
    StoreUnavailable,
)
from mediation.store._audit import adoptable, erase_spans
from mediation.store._summary import (
    DEADLINE_EVENTS,
    CaseSummary,
    DeadlineTracker,
    check_batch,
    check_batch_size,
    conflict,
    iso,
    moves_deadlines,
    parse_iso,
    summarize,
)

__all__ = ["SCHEMA_VERSION", "SQLStore", "metadata", "migrate", "normalize_url"]

_log = get_logger("mediation.store")

SCHEMA_VERSION = 3
"""The schema version this module creates and understands. Older ones are migrated by
:func:`migrate`: 1 (unsalted bodies) and 2 (names and other nested personal data in the
clear, so not erasable; see :mod:`mediation.audit.migration`)."""

metadata = sa.MetaData()
"""The tables (for hosts that manage migrations with their own tools)."""

schema_table = sa.Table(
    "mediation_schema",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("store_id", sa.String(64), nullable=True),
)

events_table = sa.Table(
    "mediation_events",
    metadata,
    sa.Column("case_id", sa.String(128), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=True),
    # A rowid table on SQLite, not WITHOUT ROWID: bodies are hundreds of bytes, and a
    # WITHOUT ROWID b-tree keeps whole rows in its interior pages; the same durable
    # append cost ~10 µs (~8%) more on it, measured side by side.
)

cases_table = sa.Table(
    "mediation_cases",
    metadata,
    sa.Column("case_id", sa.String(128), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("head", sa.String(64), nullable=False),
    sa.Column("stage", sa.String(128), nullable=False),
    sa.Column("outcome", sa.String(64), nullable=True),
    sa.Column("opened_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("next_due", sa.String(40), nullable=True, index=True),
    sa.Column("tracker", sa.Text, nullable=False),
    sa.Column("reads", sa.Integer, nullable=False, server_default="0"),
    sa.Column("read_head", sa.String(64), nullable=True),
    sqlite_with_rowid=False,
)

reads_table = sa.Table(
    "mediation_reads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(128), nullable=False, index=True),
    sa.Column("reader", sa.String(128), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("access", sa.String(64), nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("hash", sa.String(64), nullable=True),
)


class _Statement:
    """A Core statement compiled once for a dialect, run on the DBAPI cursor (the hot path
    of appends and loads skips building and caching statements on every call).

    ``order`` optionally names the parameters in the order a caller that passes a plain
    tuple gives them (see :attr:`takes_rows_as_given`).
    """

    def __init__(
        self, statement: sa.ClauseElement, dialect: sa.Dialect, order: tuple[str, ...] = ()
    ) -> None:
        compiled = statement.compile(dialect=dialect)
        self.text = str(compiled)
        positions = getattr(compiled, "positiontup", None)  # set for positional paramstyles
        self._pick: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None
        if positions is not None:
            pick = operator.itemgetter(*positions)
            self._pick = pick if len(positions) > 1 else lambda values: (pick(values),)
        self.takes_rows_as_given = positions is not None and tuple(positions) == order
        """Whether the driver takes a tuple of the values in ``order`` as they are."""

    def params(self, **values: Any) -> Any:
        """The parameters in the driver's style."""
        if self._pick is not None:
            return self._pick(values)
        return values

    def __call__(self, **values: Any) -> tuple[str, Any]:
        return self.text, self.params(**values)


_SUMMARY_COLUMNS = (
    "version",
    "head",
    "stage",
    "outcome",
    "opened_at",
    "updated_at",
    "next_due",
    "tracker",
)


class _Statements:
    """The statements of the hot path, compiled for one dialect."""

    def __init__(self, dialect: sa.Dialect) -> None:
        case: sa.BindParameter[Any] = sa.bindparam("case_id")
        summary: dict[str, sa.BindParameter[Any]] = {
            name: sa.bindparam(name) for name in _SUMMARY_COLUMNS
        }
        self.select_case = _Statement(
            sa.select(
                cases_table.c.version,
                cases_table.c.head,
                cases_table.c.tracker,
                cases_table.c.opened_at,
            )
            .where(cases_table.c.case_id == case)
            .with_for_update(),
            dialect,
        )
        self.insert_case = _Statement(
            sa.insert(cases_table).values(case_id=case, **summary), dialect
        )
        self.update_case = _Statement(
            sa.update(cases_table)
            .where(
                cases_table.c.case_id == sa.bindparam("key"),
                cases_table.c.version == sa.bindparam("expected"),
            )
            .values(**summary),
            dialect,
        )
        self.update_progress = _Statement(
            sa.update(cases_table)
            .where(
                cases_table.c.case_id == sa.bindparam("key"),
                cases_table.c.version == sa.bindparam("expected"),
                cases_table.c.head == sa.bindparam("head_before"),
            )
            .values(
                version=sa.bindparam("version"),
                head=sa.bindparam("head"),
                updated_at=sa.bindparam("updated_at"),
            ),
            dialect,
            ("version", "head", "updated_at", "key", "expected", "head_before"),
        )
        # Leaving next_due out of the SET when it did not change spares its index a write.
        self.update_case_same_due = _Statement(
            sa.update(cases_table)
            .where(
                cases_table.c.case_id == sa.bindparam("key"),
                cases_table.c.version == sa.bindparam("expected"),
            )
            .values(**{name: param for name, param in summary.items() if name != "next_due"}),
            dialect,
        )
        self.insert_event = _Statement(
            sa.insert(events_table).values(
                case_id=case,
                seq=sa.bindparam("seq"),
                hash=sa.bindparam("hash"),
                body=sa.bindparam("body"),
                content=sa.bindparam("content"),
            ),
            dialect,
            ("case_id", "seq", "hash", "body", "content"),
        )
        self.progress_and_event = (
            _Statement(_progress_and_event(), dialect) if dialect.name == "postgresql" else None
        )
        """PostgreSQL: the case row's progress and the event in one statement (see
        :meth:`SQLStore._append_one`)."""
        self.select_bodies = _Statement(
            sa.select(events_table.c.body, events_table.c.content)
            .where(events_table.c.case_id == case)
            .order_by(events_table.c.seq),
            dialect,
        )
        self.select_all_bodies = str(
            sa.select(events_table.c.case_id, events_table.c.body, events_table.c.content)
            .order_by(events_table.c.case_id, events_table.c.seq)
            .compile(dialect=dialect)
        )
        self.select_sealed = _Statement(
            sa.select(events_table.c.seq, events_table.c.body, events_table.c.content)
            .where(events_table.c.case_id == case)
            .order_by(events_table.c.seq),
            dialect,
        )
        self.select_records = _Statement(
            sa.select(
                events_table.c.seq,
                events_table.c.hash,
                events_table.c.body,
                events_table.c.content,
            )
            .where(events_table.c.case_id == case)
            .order_by(events_table.c.seq),
            dialect,
        )


def _progress_and_event() -> sa.Insert:
    """One statement that moves the case row on (version, head, updated_at; only if it
    is still at the expected version and head) and inserts the event only if it did:
    the ``UPDATE`` is a data-modifying ``WITH`` query the ``INSERT`` selects from, so
    nothing is inserted when no case row matched (PostgreSQL)."""
    cases = cases_table.c
    progress = (
        sa.update(cases_table)
        .where(
            cases.case_id == sa.bindparam("key"),
            cases.version == sa.bindparam("expected"),
            cases.head == sa.bindparam("head_before"),
        )
        .values(
            version=sa.bindparam("version"),
            head=sa.bindparam("head"),
            updated_at=sa.bindparam("updated_at"),
        )
        .returning(cases.case_id)
        .cte("progress")
    )
    events = events_table.c
    return sa.insert(events_table).from_select(
        ["case_id", "seq", "hash", "body", "content"],
        sa.select(
            progress.c.case_id,
            sa.cast(sa.bindparam("version"), events.seq.type),
            sa.cast(sa.bindparam("head"), events.hash.type),
            sa.cast(sa.bindparam("body"), events.body.type),
            sa.cast(sa.bindparam("content"), events.content.type),
        ),
    )


_decoder = json.JSONDecoder()
_COMMITTED = b'{"commitment":'
_HEADS_KEPT = 4096
_SCHEMA_LOCK = 0x6D656469  # pg_advisory_xact_lock key used while creating the schema
_WRITE = "mediation_write"


def normalize_url(url: str | os.PathLike[str]) -> str:
    """Turn a path or a short URL into a SQLAlchemy URL.

    A plain path becomes ``sqlite:///<absolute path>``; ``postgresql://`` and
    ``postgres://`` become ``postgresql+psycopg://`` (psycopg 3).

    Args:
        url: A path to a SQLite file, or a database URL.

    Returns:
        The URL to give SQLAlchemy.
    """
    if isinstance(url, os.PathLike) or "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guard(
    method: Callable[Concatenate[SQLStore, _P], _R],
) -> Callable[Concatenate[SQLStore, _P], _R]:
    """Turn the driver's errors (locked, unreachable, not a database, read-only) raised
    by ``method`` into :class:`~mediation.errors.StoreUnavailable`."""

    @functools.wraps(method)
    def guarded(store: SQLStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(store, *args, **kwargs)
        except store._driver_errors as error:
            if isinstance(error, (sa.exc.IntegrityError, store._integrity_error)):
                raise  # not unavailability: a conflict the method did not expect
            raise store._failed(error) from error

    return guarded


class SQLStore:
    """An :class:`~mediation.store.EventStore` (and read log) in a SQL database.

    Args:
        url: A SQLite file path (text or path object), a ``sqlite:///`` URL, a
            ``postgresql://`` URL, an :class:`sqlalchemy.engine.Engine` the host
            configured, or a host's :class:`sqlalchemy.engine.Connection` (a unit of work:
            see below).
        create: Create the tables (and a missing SQLite file) if they are missing
            (default); otherwise require them, and never create a file.
        busy_timeout: SQLite only: seconds a writer waits for another writer.
        read_only: Open for reading only and never create anything: a SQLite file is
            opened in read-only mode (a missing file is an error, not a new database),
            PostgreSQL sessions are read-only; writes raise
            :class:`~mediation.errors.StoreUnavailable`.
        migrate: Migrate a store of schema version 1 to version 2 (see :func:`migrate`)
            instead of refusing it.
        salts: Where the commitments' random salts come from (default:
            :func:`secrets.token_bytes`).

    Raises:
        SchemaVersionError: the database has a schema this version does not understand
            (or none, when ``create`` is false or ``read_only`` true; or version 1
            without ``migrate``).
        InvalidInput: the URL cannot be parsed or names an unknown database kind.
        StoreUnavailable: the database cannot be reached or opened (missing, locked,
            not a database, refused the connection) or its driver is not installed.
        ChainBroken: ``migrate`` was asked but a version-1 chain does not verify.

    Use one store (one engine) per process; after ``fork`` call :meth:`close` in the
    child and open a new store.

    **A host's engine.** PostgreSQL: the store uses it as it is. A SQLite file: the store
    opens its own connections to the file named by the engine's URL (with the settings
    above) and never changes the host's. An in-memory SQLite engine is one database only
    its own connections see, so the store uses and configures it.

    **A host's connection: one transaction for the host's rows and the case's events.**
    Given a :class:`~sqlalchemy.engine.Connection`, every statement runs on it, inside the
    host's transaction (begun if none is): each append, erasure and read record sits in a
    ``SAVEPOINT``, so a conflict undoes only its own statements and leaves the host's
    transaction usable. The store never commits or rolls back; the host does, and its
    rows and the events commit or vanish together (:attr:`commits_itself` is False;
    :meth:`mediation.store.Repository.transaction` commits for you and then calls the
    repository's subscribers). :meth:`close` leaves the connection open. On SQLite the
    store starts the transaction with ``BEGIN IMMEDIATE`` when the host has not begun
    one, so the write lock is taken up front; set a ``busy_timeout`` (and WAL, and
    ``synchronous=FULL`` if you want durable commits) on your own engine, e.g. in a
    ``connect`` event listener.
    """

    def __init__(
        self,
        url: str | os.PathLike[str] | Engine | Connection,
        *,
        create: bool = True,
        busy_timeout: float = 30.0,
        read_only: bool = False,
        migrate: bool = False,
        salts: audit.SaltSource = secrets.token_bytes,
    ) -> None:
        self._salts = salts
        self.store_id: str = ""
        """A random identifier made when the store was created, named in signed heads."""
        self._host: Connection | None = None
        self.commits_itself = True
        """Whether each write commits (False on a host's connection: the host commits)."""
        self._own_engine = True
        if isinstance(url, Connection):
            self._host, self.commits_itself, self._own_engine = url, False, False
            engine, self._where = url.engine, url.engine.url.render_as_string(hide_password=True)
        elif isinstance(url, Engine) and not (
            url.dialect.name == "sqlite" and url.url.database not in (None, "", ":memory:")
        ):
            engine, self._where = url, url.url.render_as_string(hide_password=True)
            self._own_engine = False
        elif isinstance(url, Engine):
            # A host's SQLite file: the library's own connections to it, the host's untouched.
            engine, self._where = _engine(
                url.url.render_as_string(hide_password=False), read_only=read_only, create=create
            )
        else:
            engine, self._where = _engine(url, read_only=read_only, create=create)
        self._driver_errors = _driver_errors(engine)
        try:
            self._open(
                engine,
                busy_timeout,
                create=create and not read_only,
                read_only=read_only,
                migrate=migrate and not read_only,
            )
        except self._driver_errors as error:
            if self._own_engine:
                engine.dispose()
            raise _unavailable(self._where, error) from error
        except MediationError:
            if self._own_engine:
                engine.dispose()
            raise

    def _open(
        self, engine: Engine, busy_timeout: float, *, create: bool, read_only: bool, migrate: bool
    ) -> None:
        self._read_only = read_only
        self.engine: Engine = engine
        self.dialect: str = engine.dialect.name
        self._busy_ms = int(busy_timeout * 1000)
        self._in_memory = self.dialect == "sqlite" and engine.url.database in (
            None,
            "",
            ":memory:",
        )
        self._local = threading.local()
        self._own: list[Any] = []
        self._own_lock = threading.Lock()
        self._heads: dict[str, tuple[int, str]] = {}
        """Case id -> (version, head) of this store's last append (a hint, re-checked)."""
        if self.dialect == "sqlite" and self._host is None:
            _configure_sqlite(engine, self._busy_ms, read_only=read_only)
        self._sql = _Statements(engine.dialect)
        self._one_event_path = self._host is None and (
            (
                self.dialect == "sqlite"
                and not self._in_memory
                and self._sql.update_progress.takes_rows_as_given
                and self._sql.insert_event.takes_rows_as_given
            )
            or (self._sql.progress_and_event is not None and not read_only)
        )
        self._integrity_error: type[Exception] = engine.dialect.loaded_dbapi.IntegrityError
        self._ensure_schema(create, migrate)

    def bound(self, connection: Connection) -> SQLStore:
        """This store working inside a host's transaction on ``connection`` (see the
        class's notes on a host's connection), without checking the schema again.

        Args:
            connection: A connection to the same database (same kind, same store id).

        Returns:
            A store whose writes the host commits or rolls back.

        Raises:
            InvalidInput: ``connection`` is not a SQLAlchemy connection to this store's
                database.
            StoreUnavailable: the database cannot be used.
        """
        if not isinstance(connection, Connection):
            raise InvalidInput.of(
                "not_a_connection",
                N_("a unit of work needs a SQLAlchemy Connection; got {kind}"),
                kind=type(connection).__name__,
            )
        if connection.dialect.name != self.dialect:
            raise InvalidInput.of(
                "wrong_dialect",
                N_("the connection is to a {name} database; this store is on {dialect}"),
                name=connection.dialect.name,
                dialect=self.dialect,
            )
        try:
            found = (
                connection.execute(sa.select(schema_table.c.store_id)).scalar()
                if sa.inspect(connection).has_table(schema_table.name)
                else None
            )
        except sa.exc.DBAPIError as error:
            raise self._failed(error) from error
        if found != self.store_id:
            raise InvalidInput.of(
                "another_database", N_("the connection is to another database than this store's")
            )
        work = copy.copy(self)
        work._host = connection
        work.commits_itself = False
        work._own_engine = False
        work._one_event_path = False  # the host's transaction, not one of its own
        work._heads = {}
        return work

    def _failed(self, error: Exception) -> StoreUnavailable:
        return _unavailable(self._where, error)

    # -- set-up --------------------------------------------------------------------------

    def _ensure_schema(self, create: bool, migrate: bool) -> None:
        with self._read() if self._read_only else self._write() as conn:
            if self.dialect == "postgresql" and not self._read_only:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            inspector = sa.inspect(conn)
            if not inspector.has_table(schema_table.name):
                if not create:
                    raise SchemaVersionError.of(
                        "no_schema", N_("the database has no mediation schema")
                    )
                metadata.create_all(conn)
                self.store_id = secrets.token_hex(16)
                conn.execute(
                    sa.insert(schema_table).values(version=SCHEMA_VERSION, store_id=self.store_id)
                )
                _log.info("schema_created", dialect=self.dialect, version=SCHEMA_VERSION)
                return
            version = conn.execute(sa.text("SELECT max(version) FROM mediation_schema")).scalar()
            if version == 1 and migrate:
                self.store_id = _migrate_v1(conn, self.dialect, self._salts)
                return
            if version == 2 and migrate:
                self.store_id = _migrate_v2(conn, self.dialect, self._salts)
                return
            if version == 2:
                raise SchemaVersionError.of(
                    "schema_to_migrate",
                    N_(
                        "the database has mediation schema version 2 (names and other personal "
                        "data nested in events are not committed, so they cannot be erased); "
                        "migrate it with `mediation migrate STORE` or SQLStore(url, migrate=True)"
                    ),
                )
            if version == 1:
                raise SchemaVersionError.of(
                    "schema_to_migrate",
                    N_(
                        "the database has mediation schema version 1 (bodies without salted "
                        "commitments); migrate it with `mediation migrate STORE` or "
                        "SQLStore(url, migrate=True)"
                    ),
                )
            if version != SCHEMA_VERSION:
                raise SchemaVersionError.of(
                    "schema_too_new",
                    N_(
                        "the database has mediation schema version {version}; this library "
                        "understands version {understood}"
                    ),
                    version=version,
                    understood=SCHEMA_VERSION,
                )
            self.store_id = str(conn.execute(sa.select(schema_table.c.store_id)).scalar())

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        if self._host is not None:
            with self._savepoint() as conn:
                yield conn
            return
        with self.engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._host is not None:
            yield self._host
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _savepoint(self) -> Iterator[Connection]:
        """A ``SAVEPOINT`` in the host's transaction (which is begun if none is)."""
        host = self._host
        assert host is not None
        if self.dialect == "sqlite":
            raw = host.connection.dbapi_connection
            if raw is not None and not raw.in_transaction:
                # pysqlite begins transactions lazily: without a BEGIN, the SAVEPOINT
                # would be the outermost transaction and its RELEASE a COMMIT.
                host.exec_driver_sql("BEGIN IMMEDIATE")
        with host.begin_nested():
            yield host

    def close(self) -> None:
        """Close the store's connections (an engine the store made is disposed; a host's
        engine or connection stays open: it is the host's)."""
        if self._host is not None:
            return
        with self._own_lock:
            for connection in self._own:
                connection.close()
            self._own.clear()
        self._local = threading.local()
        if self._own_engine:
            self.engine.dispose()

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SQLStore {self.engine.url.render_as_string(hide_password=True)}>"

    # -- EventStore ----------------------------------------------------------------------

    @_guard
    def append(
        self, case_id: str, events: Sequence[ev.Event], expected_version: int
    ) -> tuple[RecordedEvent, ...]:
        """See :meth:`mediation.store.EventStore.append`."""
        if self._host is not None:
            return self._append_hosted(case_id, events, expected_version)
        if self._one_event_path:
            recorded = self._append_one(case_id, events, expected_version)
            if recorded is not None:
                return recorded
        batch = check_batch(case_id, events, expected_version)
        connection, release = self._connection()
        try:
            cursor = connection.cursor()
            self._begin(cursor)
            try:
                recorded = self._append_in(cursor, case_id, batch, expected_version)
                self._commit(connection, cursor)
            except BaseException:
                self._heads.pop(case_id, None)
                self._rollback(connection, cursor)
                raise
            finally:
                cursor.close()
        except self._integrity_error as error:
            raise _taken(case_id, expected_version) from error
        finally:
            release()
        if recorded:
            if len(self._heads) >= _HEADS_KEPT:
                self._heads.clear()
            self._heads[case_id] = (recorded[-1].seq, recorded[-1].hash)
        return recorded

    def _append_hosted(
        self, case_id: str, events: Sequence[ev.Event], expected_version: int
    ) -> tuple[RecordedEvent, ...]:
        """An append in a savepoint of the host's transaction (committed by the host)."""
        batch = check_batch(case_id, events, expected_version)
        try:
            with self._savepoint() as conn:
                cursor = conn.connection.cursor()
                try:
                    return self._append_in(cursor, case_id, batch, expected_version)
                finally:
                    cursor.close()
        except (self._integrity_error, sa.exc.IntegrityError) as error:
            raise _taken(case_id, expected_version) from error

    def _append_one(
        self, case_id: str, events: Sequence[ev.Event], expected_version: int
    ) -> tuple[RecordedEvent, ...] | None:
        """Append one event on a SQLite file or on PostgreSQL, chained on the head this
        store wrote last.

        The common case (a command's event on a case this process is working on), done
        with as little Python as it needs: right after the fsync of the previous append,
        Python runs several times slower than warm, and each layer of the general path
        showed in ``append_vs_sqlite``. On PostgreSQL it is one statement committed on its
        own (see :meth:`_append_in_one_statement`). Returns None when the case is not
        that simple (a batch, a first event, an event that moves the stage or deadlines,
        a head this store did not write, or a case someone else appended to): the
        general path then checks and does everything.
        """
        if type(events) is not tuple and type(events) is not list:
            return None
        if len(events) != 1 or type(expected_version) is not int:
            return None
        event = events[0]
        known = self._heads.get(case_id)
        if (
            known is None
            or known[0] != expected_version
            or not isinstance(event, ev.Event)
            or isinstance(event, DEADLINE_EVENTS)
            or event.seq != expected_version + 1
        ):
            return None
        head_before = known[1]
        if self._sql.progress_and_event is not None:
            (recorded,) = audit.record_events(case_id, events, head_before, salts=self._salts)
            if not self._append_in_one_statement(
                recorded, iso(event.at), expected_version, head_before
            ):
                self._heads.pop(case_id, None)  # someone else appended: the general path
                return None
            self._heads[case_id] = (recorded.seq, recorded.hash)
            return (recorded,)
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            return None
        (recorded,) = audit.record_events(case_id, events, head_before, salts=self._salts)
        seq, digest = recorded.seq, recorded.hash
        updated_at = iso(event.at)
        try:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(
                self._sql.update_progress.text,
                (seq, digest, updated_at, case_id, expected_version, head_before),
            )
            if cursor.rowcount != 1:  # someone else appended: the general path says what
                cursor.execute("ROLLBACK")
                self._heads.pop(case_id, None)  # other threads share the map
                return None
            cursor.execute(
                self._sql.insert_event.text,
                (case_id, seq, digest, recorded.body, recorded.content),
            )
            cursor.execute("COMMIT")
        except BaseException as error:
            self._heads.pop(case_id, None)
            if cursor.connection.in_transaction:
                cursor.execute("ROLLBACK")
            if isinstance(error, self._integrity_error):
                raise _taken(case_id, expected_version) from error
            raise
        self._heads[case_id] = (seq, digest)
        return (recorded,)

    def _append_in_one_statement(
        self, recorded: RecordedEvent, updated_at: str, expected_version: int, head_before: str
    ) -> bool:
        """PostgreSQL: the case row's progress and the event in one statement
        (:func:`_progress_and_event`), committed on its own. Whether it was appended
        (False: the case row was not at ``expected_version`` and ``head_before``, and
        nothing was written).

        One statement is atomic, and in autocommit mode its commit is as durable as any
        (the server flushes its WAL before answering, unless the host turned
        ``synchronous_commit`` off). In a transaction the same append takes four round
        trips — ``BEGIN`` (psycopg sends it on its own), ``UPDATE``, ``INSERT``,
        ``COMMIT`` — where a bare insert takes three; this takes one. A concurrent
        appender's ``UPDATE`` of the same row waits for this one's commit, then finds
        the version moved and matches nothing.

        Raises:
            ConcurrencyError: the event's place is taken.
        """
        statement = self._sql.progress_and_event
        assert statement is not None
        pooled = self.engine.raw_connection()
        driver: Any = pooled.driver_connection
        given = driver.autocommit  # a host's engine may be set to autocommit already
        try:
            driver.autocommit = True
            with driver.cursor() as cursor:
                cursor.execute(
                    statement.text,
                    statement.params(
                        key=recorded.case_id,
                        expected=expected_version,
                        head_before=head_before,
                        version=recorded.seq,
                        head=recorded.hash,
                        updated_at=updated_at,
                        body=recorded.body,
                        content=recorded.content,
                    ),
                )
                appended = bool(cursor.rowcount == 1)
            driver.autocommit = given
        except BaseException as error:
            pooled.invalidate()  # never back into the pool in a mode it was not in
            if isinstance(error, self._integrity_error):
                raise _taken(recorded.case_id, expected_version) from error
            raise
        finally:
            pooled.close()
        return appended

    def _append_in(
        self, cursor: Any, case_id: str, batch: Sequence[ev.Event], expected_version: int
    ) -> tuple[RecordedEvent, ...]:
        """The statements of one append, inside its transaction."""
        sql = self._sql
        known = self._heads.get(case_id)
        if (
            batch
            and known is not None
            and known[0] == expected_version
            and not moves_deadlines(batch)
        ):
            # This store wrote the last append: chain on the head it remembers, and let
            # the UPDATE's WHERE confirm that nobody appended since.
            recorded = audit.record_events(case_id, batch, known[1], salts=self._salts)
            cursor.execute(
                *sql.update_progress(
                    key=case_id,
                    expected=expected_version,
                    head_before=known[1],
                    version=batch[-1].seq,
                    head=recorded[-1].hash,
                    updated_at=iso(batch[-1].at),
                )
            )
            if cursor.rowcount == 1:
                self._insert_events(cursor, recorded)
                return recorded
        cursor.execute(*sql.select_case(case_id=case_id))
        row = cursor.fetchone()
        version = row[0] if row is not None else 0
        if version != expected_version:
            raise conflict(case_id, expected_version, version)
        recorded = audit.record_events(case_id, batch, row[1] if row else None, salts=self._salts)
        if not batch:
            return recorded
        if row is not None and not moves_deadlines(batch):
            cursor.execute(
                *sql.update_progress(
                    key=case_id,
                    expected=expected_version,
                    head_before=row[1],
                    version=batch[-1].seq,
                    head=recorded[-1].hash,
                    updated_at=iso(batch[-1].at),
                )
            )
        else:
            self._write_summary(cursor, case_id, batch, recorded, row, expected_version)
        self._insert_events(cursor, recorded)
        return recorded

    def _insert_events(self, cursor: Any, recorded: Sequence[RecordedEvent]) -> None:
        statement = self._sql.insert_event
        rows = [
            statement.params(
                case_id=r.case_id, seq=r.seq, hash=r.hash, body=r.body, content=r.content
            )
            for r in recorded
        ]
        if len(rows) == 1:
            cursor.execute(statement.text, rows[0])
        else:
            cursor.executemany(statement.text, rows)

    def _write_summary(
        self,
        cursor: Any,
        case_id: str,
        batch: Sequence[ev.Event],
        recorded: Sequence[RecordedEvent],
        row: Any,
        expected_version: int,
    ) -> None:
        sql = self._sql
        previous = DeadlineTracker.from_json(row[2]) if row is not None else None
        due_before = previous.next_due() if previous is not None else None
        summary, tracker = summarize(
            case_id,
            batch,
            recorded[-1].hash,
            previous,
            parse_iso(row[3]) if row is not None else None,
        )
        values = _summary_values(summary, tracker)
        if row is None:
            cursor.execute(*sql.insert_case(case_id=case_id, **values))
            return
        update = sql.update_case
        if due_before == summary.next_due:
            update = sql.update_case_same_due
            del values["next_due"]
        cursor.execute(*update(key=case_id, expected=expected_version, **values))

    @_guard
    def load(self, case_id: str) -> tuple[ev.Event, ...]:
        """See :meth:`mediation.store.EventStore.load`.

        Raises:
            CaseNotFound: no such case.
            InvalidInput: a stored body is not a well-formed event (see
                :func:`mediation.store.verify_case` for where the chain breaks).
        """
        rows = self._fetch(self._sql.select_bodies, case_id)
        if not rows:
            raise CaseNotFound(case_id)
        try:
            return tuple(audit.decode_stored(rows))
        except InvalidInput as error:
            raise InvalidInput.of(
                "malformed_event", N_("case {case_id!r}: {error}"), case_id=case_id, error=error
            ) from error

    def stream_cases(self, batch_size: int = 500) -> Iterator[tuple[ev.Event, ...]]:
        """See :meth:`mediation.store.EventStore.stream_cases`.

        One ``SELECT`` ordered by ``(case_id, seq)`` (the primary key's order), on a
        connection of its own, fetched ``batch_size`` rows at a time; on PostgreSQL
        through a server-side cursor, so the database sends rows as they are read.
        """
        check_batch_size(batch_size)
        return self._stream(batch_size)

    def _stream(self, batch_size: int) -> Iterator[tuple[ev.Event, ...]]:
        try:
            yield from self._stream_rows(batch_size)
        except self._driver_errors as error:
            raise self._failed(error) from error

    def _stream_rows(self, batch_size: int) -> Iterator[tuple[ev.Event, ...]]:
        hosted = self._host is not None
        pooled: Any = (
            self._host.connection if self._host is not None else self.engine.raw_connection()
        )
        try:
            if self.dialect == "postgresql" and not hosted:
                # A named cursor is a server-side cursor in psycopg: rows come as fetched.
                cursor: Any = pooled.dbapi_connection.cursor(name="mediation_stream")
                cursor.itersize = batch_size
            else:
                cursor = pooled.cursor()
            cursor.execute(self._sql.select_all_bodies)
            decode = _decoder.decode
            from_dict = ev.from_dict
            current: str | None = None
            events: list[ev.Event] = []
            while True:
                rows = cursor.fetchmany(batch_size)
                if not rows:
                    break
                for case_id, body, content in rows:
                    if case_id != current:
                        if events:
                            yield tuple(events)
                        current, events = case_id, []
                    try:
                        if content is None and _COMMITTED not in body:
                            events.append(from_dict(decode(str(body, "utf-8"))))
                        else:
                            held = decode(str(content, "utf-8")) if content is not None else {}
                            events.append(unseal(decode(str(body, "utf-8")), held))
                    except (UnicodeDecodeError, ValueError) as error:
                        raise InvalidInput.of(
                            "malformed_event",
                            N_("case {case_id!r} holds an event that is not well-formed: {error}"),
                            case_id=case_id,
                            error=error,
                        ) from error
            if events:
                yield tuple(events)
            cursor.close()
        finally:
            if not hosted:
                if self.dialect != "sqlite":
                    pooled.rollback()  # end the read transaction
                pooled.close()

    @_guard
    def records(self, case_id: str) -> tuple[RecordedEvent, ...]:
        """See :meth:`mediation.store.EventStore.records`."""
        rows = self._fetch(self._sql.select_records, case_id)
        if not rows:
            raise CaseNotFound(case_id)
        return tuple(
            RecordedEvent(
                case_id, seq, hash_, bytes(body), bytes(content) if content is not None else None
            )
            for seq, hash_, body, content in rows
        )

    @_guard
    def stored_rows(self, case_id: str) -> list[tuple[int, str, bytes, bytes | None]]:
        """See :meth:`mediation.store.StoredRows.stored_rows`."""
        rows = self._fetch(self._sql.select_records, case_id)
        if not rows:
            raise CaseNotFound(case_id)
        if self.dialect == "sqlite":  # sqlite3 gives bytes already
            return rows
        return [
            (seq, hash_, bytes(body), bytes(content) if content is not None else None)
            for seq, hash_, body, content in rows
        ]

    @_guard
    def stored_bodies(self, case_id: str) -> list[tuple[int, bytes, bytes | None]]:
        """See :meth:`mediation.store.StoredRows.stored_bodies`."""
        rows = self._fetch(self._sql.select_sealed, case_id)
        if not rows:
            raise CaseNotFound(case_id)
        if self.dialect == "sqlite":  # sqlite3 gives bytes already
            return rows
        return [
            (seq, bytes(body), bytes(content) if content is not None else None)
            for seq, body, content in rows
        ]

    def _fetch(self, statement: _Statement, case_id: str) -> list[Any]:
        if self._host is not None:
            cursor = self._host.connection.cursor()
            try:
                cursor.execute(*statement(case_id=case_id))
                hosted = list(cursor.fetchall())
            finally:
                cursor.close()
            return hosted
        connection, release = self._connection()
        try:
            cursor = connection.cursor()
            cursor.execute(*statement(case_id=case_id))
            rows: list[Any] = cursor.fetchall()
            cursor.close()
            if self.dialect != "sqlite":
                connection.rollback()  # end the read transaction
            return rows
        finally:
            release()

    def _connection(self) -> tuple[Any, Callable[[], None]]:
        """A DBAPI connection for the hot path, and how to give it back.

        SQLite: one connection per thread, kept open (a file database's connections are
        cheap to keep and costly to check out on every append). Others: from the pool.
        """
        if self.dialect == "sqlite" and not self._in_memory:
            connection = getattr(self._local, "connection", None)
            if connection is None:
                cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
                cparams["check_same_thread"] = False  # closed by whoever closes the store
                connection = self.engine.dialect.loaded_dbapi.connect(*cargs, **cparams)
                _sqlite_pragmas(connection, self._busy_ms, in_memory=self._read_only)
                self._local.connection = connection
                self._local.cursor = connection.cursor()
                with self._own_lock:
                    self._own.append(connection)
            return connection, _nothing
        pooled = self.engine.raw_connection()
        return pooled, pooled.close

    def _begin(self, cursor: Any) -> None:
        if self.dialect == "sqlite":
            # Take the write lock up front: no deadlock on upgrading a read lock.
            cursor.execute("BEGIN IMMEDIATE")

    def _commit(self, connection: Any, cursor: Any) -> None:
        if self.dialect == "sqlite":
            cursor.execute("COMMIT")
        else:
            connection.commit()

    def _rollback(self, connection: Any, cursor: Any) -> None:
        if self.dialect == "sqlite":
            if connection.in_transaction:
                cursor.execute("ROLLBACK")
        else:
            connection.rollback()

    @_guard
    def summary(self, case_id: str) -> CaseSummary | None:
        """See :meth:`mediation.store.EventStore.summary`."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(cases_table).where(cases_table.c.case_id == case_id)
            ).first()
        return _summary(row) if row is not None else None

    @_guard
    def cases(self) -> tuple[CaseSummary, ...]:
        """See :meth:`mediation.store.EventStore.cases`."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(cases_table).order_by(cases_table.c.opened_at, cases_table.c.case_id)
            ).all()
        return tuple(_summary(row) for row in rows)

    @_guard
    def overdue(self, now: datetime) -> tuple[CaseSummary, ...]:
        """See :meth:`mediation.store.EventStore.overdue`."""
        if not isinstance(now, datetime):
            raise InvalidInput.of(
                "naive_datetime", N_("now must be a timezone-aware datetime; got {now!r}"), now=now
            )
        with self._read() as conn:
            rows = conn.execute(
                sa.select(cases_table)
                .where(
                    cases_table.c.outcome.is_(None),
                    cases_table.c.next_due.is_not(None),
                    cases_table.c.next_due < iso(now),
                )
                .order_by(cases_table.c.next_due, cases_table.c.case_id)
            ).all()
        return tuple(_summary(row) for row in rows)

    # -- ManagedStore --------------------------------------------------------------------

    def adopt(self, case_id: str, records: Sequence[RecordedEvent]) -> audit.ChainHead:
        """See :meth:`mediation.store.ManagedStore.adopt`."""
        events = adoptable(case_id, records)
        summary, tracker = summarize(case_id, events, records[-1].hash, None, None)
        try:
            with self._write() as conn:
                if self.dialect == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
                found = conn.execute(
                    sa.select(cases_table.c.case_id).where(cases_table.c.case_id == case_id)
                ).first()
                if found is not None:
                    raise ConcurrencyError(f"case {case_id!r} already exists in the store")
                conn.execute(
                    sa.insert(cases_table).values(
                        case_id=case_id, **_summary_values(summary, tracker)
                    )
                )
                conn.execute(
                    sa.insert(events_table),
                    [
                        {
                            "case_id": case_id,
                            "seq": r.seq,
                            "hash": r.hash,
                            "body": r.body,
                            "content": r.content,
                        }
                        for r in records
                    ],
                )
        except sa.exc.IntegrityError as error:
            raise _taken(case_id, 0) from error
        return audit.ChainHead(case_id, len(records), records[-1].hash)

    def erase(
        self, case_id: str, erasure: ev.ContentErased, expected_version: int
    ) -> RecordedEvent:
        """See :meth:`mediation.store.ManagedStore.erase`.

        On SQLite the connection runs with ``secure_delete`` (freed space is overwritten)
        and the write-ahead log is checkpointed and truncated after the erasure, so the
        erased bytes are in neither the database file nor its WAL. On PostgreSQL the old
        row versions stay on disk until ``VACUUM`` reclaims them (see ``docs/audit.md``).
        On a host's connection (a unit of work) the store changes none of the host's
        settings and does not checkpoint: set ``secure_delete`` on your connection and
        run ``PRAGMA wal_checkpoint(TRUNCATE)`` after the commit, or erase through a
        store with its own connections.
        """
        batch = check_batch(case_id, [erasure], expected_version)
        self._heads.pop(case_id, None)
        with self._write() as conn:
            if self.dialect == "sqlite" and self._host is None:
                conn.exec_driver_sql("PRAGMA secure_delete = ON")
            row = conn.execute(
                sa.select(
                    cases_table.c.version,
                    cases_table.c.head,
                    cases_table.c.tracker,
                    cases_table.c.opened_at,
                )
                .where(cases_table.c.case_id == case_id)
                .with_for_update()
            ).first()
            version = row[0] if row is not None else 0
            if row is None or version != expected_version:
                raise conflict(case_id, expected_version, version)
            records = tuple(
                RecordedEvent(case_id, seq, hash_, bytes(body), _bytes(content))
                for seq, hash_, body, content in conn.execute(
                    sa.select(
                        events_table.c.seq,
                        events_table.c.hash,
                        events_table.c.body,
                        events_table.c.content,
                    )
                    .where(events_table.c.case_id == case_id)
                    .order_by(events_table.c.seq)
                )
            )
            changed = erase_spans(records, erasure)
            for seq, record in changed.items():
                conn.execute(
                    sa.update(events_table)
                    .where(events_table.c.case_id == case_id, events_table.c.seq == seq)
                    .values(content=record.content)
                )
            (recorded,) = audit.record_events(case_id, batch, row[1], salts=self._salts)
            conn.execute(
                sa.insert(events_table).values(
                    case_id=case_id,
                    seq=recorded.seq,
                    hash=recorded.hash,
                    body=recorded.body,
                    content=recorded.content,
                )
            )
            previous = DeadlineTracker.from_json(row[2])
            summary, tracker = summarize(case_id, batch, recorded.hash, previous, parse_iso(row[3]))
            conn.execute(
                sa.update(cases_table)
                .where(cases_table.c.case_id == case_id)
                .values(**_summary_values(summary, tracker))
            )
        if self.dialect == "sqlite" and not self._in_memory and self._host is None:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        _log.info("content_erased", case_id=case_id, spans=len(erasure.spans))
        return recorded

    def vacuum(self) -> None:
        """Reclaim the space of erased content now (PostgreSQL: ``VACUUM`` of the events
        table, so old row versions holding it are removed; SQLite: ``VACUUM``)."""
        if self.dialect == "sqlite":
            # Outside any transaction: the engine's connections begin one explicitly
            # (_configure_sqlite), even in autocommit mode, and VACUUM refuses to run in it.
            connection, release = self._connection()
            try:
                cursor = connection.cursor()
                try:
                    cursor.execute("VACUUM")
                finally:
                    cursor.close()
            finally:
                release()
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM mediation_events")

    # -- ReadLog -------------------------------------------------------------------------

    @_guard
    def record_read(self, record: ReadRecord) -> ReadRecord:
        """See :meth:`mediation.store.ReadLog.record_read`."""
        with self._write() as conn:
            row = conn.execute(
                sa.select(cases_table.c.reads, cases_table.c.read_head)
                .where(cases_table.c.case_id == record.case_id)
                .with_for_update()
            ).first()
            if row is None:
                raise CaseNotFound(record.case_id)
            chained = audit.chain_read(row[1], record)
            conn.execute(
                sa.insert(reads_table).values(
                    case_id=record.case_id,
                    reader=record.reader,
                    at=iso(record.at),
                    access=record.access,
                    purpose=record.purpose,
                    hash=chained.hash,
                )
            )
            conn.execute(
                sa.update(cases_table)
                .where(cases_table.c.case_id == record.case_id)
                .values(reads=row[0] + 1, read_head=chained.hash)
            )
        return chained

    @_guard
    def reads(self, case_id: str) -> tuple[ReadRecord, ...]:
        """See :meth:`mediation.store.ReadLog.reads`."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(reads_table)
                .where(reads_table.c.case_id == case_id)
                .order_by(reads_table.c.id)
            ).all()
        return tuple(
            ReadRecord(
                row.case_id, row.reader, parse_iso(row.at), row.access, row.purpose, row.hash or ""
            )
            for row in rows
        )

    def read_head(self, case_id: str) -> tuple[int, str | None]:
        """See :meth:`mediation.store.ReadLog.read_head`."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(cases_table.c.reads, cases_table.c.read_head).where(
                    cases_table.c.case_id == case_id
                )
            ).first()
        return (0, None) if row is None else (int(row[0]), row[1])


def migrate(url: str | os.PathLike[str] | Engine) -> str:
    """Migrate a store of schema version 1 or 2 to version 3, in one transaction.

    Version 1 kept each event's canonical bytes in the chain unsalted; version 2 kept a
    sealed body with salted commitments of what people said, but names and other
    personal data nested in events in the clear; version 3 commits each personal value
    on its own, so each can be erased (see :mod:`mediation.audit.chain` and
    :mod:`mediation.audit.migration`). Every case's chain is verified first; if any is
    broken nothing is changed. Hashes change: heads signed before no longer apply, so
    take (and sign) new heads after migrating.

    Args:
        url: The store (as for :class:`SQLStore`).

    Returns:
        The store's (new) id.

    Raises:
        ChainBroken: an old chain does not verify (nothing changed).
        SchemaVersionError: the database has no mediation schema or one this library
            does not know.
    """
    with SQLStore(url, create=False, migrate=True) as store:
        return store.store_id


def _bytes(value: Any) -> bytes | None:
    return bytes(value) if value is not None else None


def _migrate_v2(conn: Connection, dialect: str, salts: audit.SaltSource) -> str:
    """Migrate a schema-2 store to schema 3 inside the caller's transaction.

    Each case's chain is verified against its stored head first (the hash construction
    is the same in both versions); any break refuses the whole migration. Every personal
    value a version-2 body holds in the clear is then committed with a fresh salt, and
    the chain computed anew (:func:`mediation.audit.migration.upgrade_v2`); commitments
    and erased content stay as they were. The read log does not change.
    """
    cases = conn.execute(
        sa.select(cases_table.c.case_id, cases_table.c.version, cases_table.c.head)
    ).all()
    for case_id, version, stored_head in cases:
        rows = conn.execute(
            sa.select(
                events_table.c.seq,
                events_table.c.hash,
                events_table.c.body,
                events_table.c.content,
            )
            .where(events_table.c.case_id == case_id)
            .order_by(events_table.c.seq)
        ).all()
        records = [
            RecordedEvent(case_id, seq, hash_, bytes(body), _bytes(content))
            for seq, hash_, body, content in rows
        ]
        try:
            upgraded = upgrade_v2(
                case_id, records, anchor=audit.ChainHead(case_id, version, stored_head), salts=salts
            )
        except ChainBroken as error:
            raise ChainBroken(
                case_id, error.seq, error.code, f"{error}; nothing was migrated"
            ) from error
        for old, new in zip(records, upgraded, strict=True):
            conn.execute(
                sa.update(events_table)
                .where(events_table.c.case_id == case_id, events_table.c.seq == new.seq)
                .values(
                    hash=new.hash,
                    **({"body": new.body, "content": new.content} if new.body != old.body else {}),
                )
            )
        conn.execute(
            sa.update(cases_table)
            .where(cases_table.c.case_id == case_id)
            .values(head=upgraded[-1].hash if upgraded else stored_head)
        )
        _log.info("case_migrated", case_id=case_id, events=len(upgraded))
    store_id = str(conn.execute(sa.select(schema_table.c.store_id)).scalar())
    conn.execute(sa.update(schema_table).values(version=SCHEMA_VERSION))
    _log.info("schema_migrated", dialect=dialect, version=SCHEMA_VERSION, cases=len(cases))
    return store_id


def _migrate_v1(conn: Connection, dialect: str, salts: audit.SaltSource) -> str:
    """Migrate a schema-1 store to schema 3 inside the caller's transaction.

    Each case's version-1 chain (unsalted bodies) is verified against its stored head
    first; any break refuses the whole migration. Every event is then sealed with fresh
    salts and chained anew (new hashes: version-1 heads kept elsewhere no longer apply),
    the read log is chained, and the schema version set to 3 with a new store id (the
    bodies are sealed as version 3 seals them).
    """
    binary = sa.LargeBinary().compile(dialect=conn.dialect)
    for statement in (
        f"ALTER TABLE mediation_events ADD COLUMN content {binary}",
        "ALTER TABLE mediation_cases ADD COLUMN reads INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE mediation_cases ADD COLUMN read_head VARCHAR(64)",
        "ALTER TABLE mediation_reads ADD COLUMN hash VARCHAR(64)",
        "ALTER TABLE mediation_schema ADD COLUMN store_id VARCHAR(64)",
    ):
        conn.exec_driver_sql(statement)
    cases = conn.execute(sa.select(cases_table.c.case_id, cases_table.c.head)).all()
    for case_id, stored_head in cases:
        rows = conn.execute(
            sa.select(events_table.c.seq, events_table.c.hash, events_table.c.body)
            .where(events_table.c.case_id == case_id)
            .order_by(events_table.c.seq)
        ).all()
        head = hashlib.sha256(("mediation-chain-v1:" + case_id).encode("utf-8")).digest()
        events: list[ev.Event] = []
        for position, (seq, hash_, body) in enumerate(rows, start=1):
            head = hashlib.sha256(head + hashlib.sha256(bytes(body)).digest()).digest()
            if seq != position or head.hex() != hash_:
                raise ChainBroken(
                    case_id,
                    position,
                    "hash_mismatch",
                    f"case {case_id!r}: version-1 event "
                    f"{position} does not verify; nothing was migrated",
                )
            events.append(ev.from_dict(json.loads(bytes(body))))
        if head.hex() != stored_head:
            raise ChainBroken(
                case_id,
                None,
                "head_mismatch",
                f"case {case_id!r}: the version-1 chain does "
                "not end at the stored head; nothing was migrated",
            )
        recorded = audit.record_events(case_id, events, salts=salts)
        for record in recorded:
            conn.execute(
                sa.update(events_table)
                .where(events_table.c.case_id == case_id, events_table.c.seq == record.seq)
                .values(hash=record.hash, body=record.body, content=record.content)
            )
        new_head = recorded[-1].hash if recorded else audit.genesis(case_id)
        previous: str | None = None
        reads = conn.execute(
            sa.select(reads_table)
            .where(reads_table.c.case_id == case_id)
            .order_by(reads_table.c.id)
        ).all()
        for read in reads:
            chained = audit.chain_read(
                previous,
                ReadRecord(
                    read.case_id, read.reader, parse_iso(read.at), read.access, read.purpose
                ),
            )
            conn.execute(
                sa.update(reads_table).where(reads_table.c.id == read.id).values(hash=chained.hash)
            )
            previous = chained.hash
        conn.execute(
            sa.update(cases_table)
            .where(cases_table.c.case_id == case_id)
            .values(head=new_head, reads=len(reads), read_head=previous)
        )
        _log.info("case_migrated", case_id=case_id, events=len(recorded))
    store_id = secrets.token_hex(16)
    conn.execute(sa.update(schema_table).values(version=SCHEMA_VERSION, store_id=store_id))
    _log.info("schema_migrated", dialect=dialect, version=SCHEMA_VERSION, cases=len(cases))
    return store_id


# -- the store boundary: driver errors become StoreUnavailable ------------------------------


def _driver_errors(engine: Engine) -> tuple[type[Exception], ...]:
    dbapi = engine.dialect.loaded_dbapi
    return (
        sa.exc.OperationalError,
        sa.exc.InterfaceError,
        sa.exc.ProgrammingError,
        sa.exc.InternalError,
        sa.exc.NotSupportedError,
        sa.exc.DatabaseError,
        dbapi.OperationalError,
        dbapi.InterfaceError,
        dbapi.ProgrammingError,
        dbapi.InternalError,
        dbapi.NotSupportedError,
        # "file is not a database" is a bare DatabaseError on SQLite.
        *((dbapi.DatabaseError,) if dbapi.DatabaseError is not dbapi.Error else ()),
    )


def _unavailable(where: str, error: BaseException) -> StoreUnavailable:
    original = getattr(error, "orig", None) or error
    detail = str(original).strip().splitlines()[0] if str(original).strip() else ""
    kind = type(original).__name__
    return StoreUnavailable.of(
        "store_unavailable",
        N_("{where}: store unavailable: {detail}"),
        where=where,
        detail=detail or kind,
    )


def _engine(url: str | os.PathLike[str], *, read_only: bool, create: bool) -> tuple[Engine, str]:
    """An engine for ``url`` with the library's options (see :class:`SQLStore`), and the
    URL to name in messages (without its password)."""
    try:
        target = sa.make_url(normalize_url(url))
    except (sa.exc.ArgumentError, ValueError):
        raise InvalidInput.of(
            "not_a_database_url", N_("not a database URL or path: {url!r}"), url=os.fspath(url)
        ) from None
    where = target.render_as_string(hide_password=True)
    options: dict[str, Any] = {}
    backend = target.get_backend_name()
    if backend == "sqlite":
        # Every transaction on these connections ends in an explicit COMMIT or
        # ROLLBACK (autocommit driver mode), so the pool need not reset them.
        options["pool_reset_on_return"] = None
        if target.database in (None, "", ":memory:"):
            options["poolclass"] = StaticPool
            options["connect_args"] = {"check_same_thread": False}
            return sa.create_engine(target, **options), where
        path = Path(target.database).expanduser().resolve()
        if (read_only or not create) and not path.exists():
            raise StoreUnavailable.of(
                "no_such_database",
                N_(
                    "{where}: no such database file (a store opened read-only or with "
                    "create=False is never created)"
                ),
                where=where,
            )
        if read_only:
            # SQLite's URI form opens the file read-only and never creates it.
            target = target.set(
                database=f"file:{urllib.parse.quote(str(path))}",
                query={**target.query, "mode": "ro", "uri": "true"},
            )
    elif backend == "postgresql" and read_only:
        # Added to the libpq options the URL may already carry (a search_path, say).
        given = target.query.get("options", "")
        given = given if isinstance(given, str) else " ".join(given)
        target = target.update_query_dict(
            {"options": f"{given} -c default_transaction_read_only=on".strip()}
        )
    try:
        return sa.create_engine(target, **options), where
    except sa.exc.NoSuchModuleError:
        raise InvalidInput.of(
            "unknown_database",
            N_(
                "unknown kind of database {drivername!r} in {where!r}; use a SQLite path, "
                "sqlite:///PATH or postgresql://..."
            ),
            drivername=target.drivername,
            where=where,
        ) from None
    except ImportError as error:
        raise StoreUnavailable.of(
            "driver_missing",
            N_(
                "the database driver for {drivername!r} is not installed ({name}); "
                "for PostgreSQL: pip install 'mediation[postgres]'"
            ),
            drivername=target.drivername,
            name=error.name,
        ) from error


def _summary_values(summary: CaseSummary, tracker: DeadlineTracker) -> dict[str, Any]:
    return {
        "version": summary.version,
        "head": summary.head,
        "stage": summary.stage,
        "outcome": summary.outcome,
        "opened_at": iso(summary.opened_at),
        "updated_at": iso(summary.updated_at),
        "next_due": iso(summary.next_due) if summary.next_due is not None else None,
        "tracker": tracker.to_json(),
    }


def _summary(row: sa.Row[Any]) -> CaseSummary:
    return CaseSummary(
        case_id=row.case_id,
        version=row.version,
        head=row.head,
        stage=row.stage,
        outcome=row.outcome,
        opened_at=parse_iso(row.opened_at),
        updated_at=parse_iso(row.updated_at),
        next_due=parse_iso(row.next_due) if row.next_due is not None else None,
    )


def _taken(case_id: str, expected_version: int) -> ConcurrencyError:
    """The error for an append the database refused: an event was already at its place."""
    _log.info("append_conflict", case_id=case_id, expected_version=expected_version)
    return ConcurrencyError(
        f"case {case_id!r}: another writer stored events at the same place first; reload and retry"
    )


def _nothing() -> None:
    pass


def _sqlite_pragmas(dbapi_connection: Any, busy_ms: int, *, in_memory: bool) -> None:
    # Transactions are begun explicitly (BEGIN / BEGIN IMMEDIATE), not by pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _configure_sqlite(engine: Engine, busy_ms: int, *, read_only: bool = False) -> None:
    """Durable, concurrent SQLite: WAL, synchronous=FULL, busy timeout, explicit BEGIN."""
    # A read-only connection cannot switch the journal mode (and need not: WAL is a
    # property of the file, set by the first writer).
    in_memory = read_only or engine.url.database in (None, "", ":memory:")

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        _sqlite_pragmas(dbapi_connection, busy_ms, in_memory=in_memory)

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front: no deadlock on upgrading a read lock.
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
