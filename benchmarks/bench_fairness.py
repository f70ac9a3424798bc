"""Fairness audit figures over a generated SQLite store.

- ``fairness_events_per_s``: events per second of :func:`mediation.fairness.audit_store`
  (the default dimensions, statistics included) over a store of at least 100,000 events
  (real cases from :func:`mediation.fairness.example_cases`).
- ``fairness_vs_replay``: that rate over the store's own replay rate — every case loaded
  with ``store.load`` and rebuilt with ``Mediation.replay`` — measured in turn in the same
  process. Target >= 0.5.
- ``fairness_peak_rss_mb_10k`` / ``fairness_peak_rss_mb_100k`` and
  ``fairness_rss_growth``: the peak resident memory of a fresh process auditing a store
  of 10,000 and of 100,000 short cases (see ``fairness_memory.py``); the ratio should
  stay near 1 (memory flat in the number of cases).

The store is written row by row in one transaction with the bodies and hashes
:func:`mediation.audit.record_events` gives (the chain is valid), which is much faster
than a durable append per case and reads back the same. Run directly to print the JSON.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import structlog

from mediation import audit
from mediation.case import Mediation
from mediation.fairness import audit_store, example_cases
from mediation.store.sql import SQLStore

_NOW = datetime(2027, 1, 1, tzinfo=timezone.utc)
EVENTS = 100_000
REPEATS = 3
MEMORY_CASES = (10_000, 100_000)


def build_store(path: Path, target_events: int, *, statements: int = 12) -> list[str]:
    """Write generated cases into a new SQLite store until it holds ``target_events``.

    Returns:
        The case ids written.
    """
    SQLStore(path).close()  # the schema
    raw = sqlite3.connect(path)
    ids: list[str] = []
    written = 0
    with raw:
        for case in example_cases(10**9, seed=11, statements=statements):
            records = audit.record_events(case.case_id, case.events, salts=secrets.token_bytes)
            raw.executemany(
                "INSERT INTO mediation_events (case_id, seq, hash, body, content) "
                "VALUES (?, ?, ?, ?, ?)",
                [(r.case_id, r.seq, r.hash, r.body, r.content) for r in records],
            )
            ids.append(case.case_id)
            written += len(records)
            if written >= target_events:
                break
    raw.close()
    return ids


def _rates(path: Path, ids: list[str]) -> tuple[float, float, int]:
    store = SQLStore(path, create=False)
    events = 0

    def fairness() -> float:
        nonlocal events
        began = time.perf_counter()
        report = audit_store(store, seed=0)
        elapsed = time.perf_counter() - began
        events = report.events
        return elapsed

    def replay() -> float:
        began = time.perf_counter()
        for case_id in ids:
            Mediation.replay(store.load(case_id), clock=lambda: _NOW)
        return time.perf_counter() - began

    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(REPEATS):
        mine.append(fairness())
        theirs.append(replay())
    store.close()
    return events / statistics.median(mine), events / statistics.median(theirs), events


def _peak_rss(cases: int, directory: Path) -> float:
    script = Path(__file__).parent / "fairness_memory.py"
    db = directory / f"memory-{cases}.db"
    subprocess.run([sys.executable, str(script), "build", str(db), str(cases)], check=True)
    done = subprocess.run(
        [sys.executable, str(script), "audit", str(db)], check=True, capture_output=True, text=True
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["peak_rss_mb"])


def run() -> dict[str, float]:
    """Measure the figures (about a minute and a half on a quiet machine).

    Returns:
        ``fairness_events_per_s``, ``fairness_vs_replay``, ``fairness_events``, the peak
        RSS at 10k and 100k cases and their ratio.
    """
    previous = structlog.get_config()
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=True,
    )
    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "fairness.db"
            ids = build_store(path, EVENTS)
            fairness, replay, events = _rates(path, ids)
            small, large = (_peak_rss(n, Path(directory)) for n in MEMORY_CASES)
    finally:
        structlog.configure(**previous)
    return {
        "fairness_events": events,
        "fairness_events_per_s": round(fairness),
        "fairness_vs_replay": round(fairness / replay, 3),
        "fairness_peak_rss_mb_10k": round(small, 1),
        "fairness_peak_rss_mb_100k": round(large, 1),
        "fairness_rss_growth": round(large / small, 3),
    }


if __name__ == "__main__":
    print(json.dumps(run(), sort_keys=True))
