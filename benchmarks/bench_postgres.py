"""PostgreSQL figure: a durable append through the store against raw psycopg.

- ``pg_append_vs_psycopg``: median time of one durable append of one event through
  :class:`~mediation.store.sql.SQLStore` on PostgreSQL / median time of a raw psycopg
  ``INSERT`` of the same bytes (case id, seq, hash, body) followed by ``COMMIT``, on the
  same server, taken in turn. Target <= 1.3.

The server is named by ``MEDIATION_BENCH_POSTGRES_URL`` (``make bench`` starts a
throwaway one when none is given, see ``benchmarks/bench.sh``); without it the figure is
left out, with a note on stderr. Run directly to print the JSON.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import statistics
import sys
import time
import uuid

import structlog
from bench_store import _long_case

from mediation import audit
from mediation.store.sql import SQLStore

APPENDS = 600


def _append_ratio(url: str) -> float:
    import psycopg  # the postgres extra; a dev dependency

    case_id = f"pg-append-{uuid.uuid4().hex[:12]}"
    case = _long_case(case_id, 5 + APPENDS)
    records = audit.record_events(case_id, case.events, salts=secrets.token_bytes)
    store = SQLStore(url)
    store.append(case_id, case.events[:5], 0)
    raw = psycopg.connect(url)
    table = f"bench_raw_{uuid.uuid4().hex[:12]}"
    with raw.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {table} (case_id VARCHAR(128), seq INTEGER, hash VARCHAR(64), "
            "body BYTEA, PRIMARY KEY (case_id, seq))"
        )
    raw.commit()
    mine: list[float] = []
    theirs: list[float] = []

    def ours(index: int) -> None:
        event = case.events[index]
        began = time.perf_counter()
        store.append(case_id, (event,), event.seq - 1)
        mine.append(time.perf_counter() - began)

    def baseline(index: int) -> None:
        record = records[index]
        began = time.perf_counter()
        with raw.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} VALUES (%s, %s, %s, %s)",
                (record.case_id, record.seq, record.hash, record.body),
            )
        raw.commit()
        theirs.append(time.perf_counter() - began)

    try:
        for index in range(5, 5 + APPENDS):
            if index % 2:  # interleaved, each first in turn
                ours(index)
                baseline(index)
            else:
                baseline(index)
                ours(index)
    finally:
        with raw.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")
        raw.commit()
        raw.close()
        store.close()
    return statistics.median(mine) / statistics.median(theirs)


def run() -> dict[str, float]:
    """Measure ``pg_append_vs_psycopg`` when a server is named (a few seconds).

    Returns:
        ``{"pg_append_vs_psycopg": ratio}``, or nothing without a server URL.
    """
    url = os.environ.get("MEDIATION_BENCH_POSTGRES_URL", "")
    if not url:
        print(
            "bench_postgres: MEDIATION_BENCH_POSTGRES_URL is not set, so pg_append_vs_psycopg "
            "is left out; `make bench` starts a throwaway server",
            file=sys.stderr,
        )
        return {}
    previous = structlog.get_config()
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=True,
    )
    try:
        return {"pg_append_vs_psycopg": round(_append_ratio(url), 3)}
    finally:
        structlog.configure(**previous)


if __name__ == "__main__":
    print(json.dumps(run(), sort_keys=True))
