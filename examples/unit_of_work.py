"""One transaction for the host's own rows and a case's events.

An HR tool keeps its tickets in its own table, in the same database as its cases. When a
ticket is filed and its case moves on, both must be saved or neither: the tool runs its
own statement and the case command in one unit of work (``Repository.transaction``),
which commits both together. The second ticket's transaction fails half-way, and
neither its row nor the case's event is left behind. Subscribers hear of a change only
once it has committed. Run it: ``python examples/unit_of_work.py``.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
import structlog

from mediation import Mediator, Party
from mediation.clocks import ManualClock
from mediation.store import Repository, Updated
from mediation.store.sql import SQLStore

host_tables = sa.MetaData()
tickets = sa.Table(
    "tickets",
    host_tables,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.String(128), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
)


def on_sqlite_connect(dbapi_connection: object, _record: object) -> None:
    """What this host sets on its own SQLite connections (the library sets nothing on
    them): wait for other writers, WAL, durable commits."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def main(directory: Path) -> None:
    """File one ticket with its case move, then fail a second one half-way."""
    path = directory / "hr.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    sa.event.listen(engine, "connect", on_sqlite_connect)
    host_tables.create_all(engine)
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc), tick=timedelta(minutes=1))
    store = SQLStore(engine)  # the store opens its own connections to the same file
    repo = Repository(store, clock=clock)
    announced: list[str] = []

    def announce(updated: Updated[object]) -> None:
        announced.append(f"{updated.case.case_id} at version {updated.version}")

    repo.subscribe(announce)
    repo.open("hr-7", [Party("ana", "Ana"), Party("ben", "Ben")], Mediator("mo", "Mo"))
    announced.clear()

    with engine.connect() as connection, repo.transaction(connection) as work:
        connection.execute(sa.insert(tickets).values(case_id="hr-7", summary="Disclosure"))
        updated = work.apply("hr-7", lambda case: case.disclose("mo", "No ties.", []))
        print(f"inside the transaction: version {updated.version}, announced {announced}")
    print(f"committed: announced {announced}")

    try:
        with engine.connect() as connection, repo.transaction(connection) as work:
            connection.execute(sa.insert(tickets).values(case_id="hr-7", summary="Consent"))
            work.apply("hr-7", lambda case: case.consent("ana"))
            raise RuntimeError("the ticket system failed before the end of the request")
    except RuntimeError as error:
        print(f"rolled back: {error}")

    with engine.connect() as connection:
        rows = connection.execute(sa.select(tickets.c.summary).order_by(tickets.c.id)).all()
    case = repo.load("hr-7")
    print(f"tickets: {[row.summary for row in rows]}")
    print(f"case hr-7: version {case.version}, events {[e.type_name for e in case.events]}")
    print(f"announced: {announced}")
    store.close()
    engine.dispose()


if __name__ == "__main__":
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with tempfile.TemporaryDirectory() as directory:
        main(Path(directory))
