"""A separate OS process that appends to one case in a SQL store (used by test_store_sql).

Usage::

    python store_worker.py append URL CASE_ID WORKER COUNT START
        wait until the epoch time START (so that all workers start together), append
        COUNT statements, retrying on conflicts; print one JSON line with the number of
        tries, conflicts and saved statements.
    python store_worker.py update URL CASE_ID WORKER COUNT START
        the same through ``Repository.update`` (the repository keeps the case between
        updates and reloads it when another worker appended); print the number saved.
    python store_worker.py forever URL CASE_ID WORKER
        append batches of five statements until killed; print "saved <version>" after
        each committed append.
"""

from __future__ import annotations

import json
import sys
import time

from mediation.case import Mediation
from mediation.clocks import system_clock
from mediation.errors import ConcurrencyError
from mediation.store import Repository
from mediation.store.sql import SQLStore


def main(argv: list[str]) -> None:
    """Run the mode named in ``argv``."""
    mode, url, case_id, worker = argv[:4]
    store = SQLStore(url, create=False)
    repository = Repository(store, clock=system_clock)
    party = "ab"[int(worker) % 2]
    if mode == "update":
        count = int(argv[4])
        time.sleep(max(0.0, float(argv[5]) - time.time()))
        for index in range(count):
            text = f"worker {worker} statement {index}"

            def statement(case: Mediation, text: str = text) -> object:
                return case.speak(party, text, 1)

            repository.update(case_id, statement, attempts=1000)
        print(json.dumps({"saved": count}), flush=True)
        return
    if mode == "append":
        count = int(argv[4])
        time.sleep(max(0.0, float(argv[5]) - time.time()))
        tries = conflicts = saved = 0
        for index in range(count):
            while True:
                tries += 1
                case = repository.load(case_id)
                loaded = case.version
                case.speak(party, f"worker {worker} statement {index}", 1)
                try:
                    repository.save(case, expected_version=loaded)
                except ConcurrencyError:
                    conflicts += 1
                    continue
                saved += 1
                break
        print(json.dumps({"tries": tries, "conflicts": conflicts, "saved": saved}), flush=True)
        return
    index = 0
    while True:
        case = repository.load(case_id)
        loaded = case.version
        for _ in range(5):
            case.speak(party, f"worker {worker} statement {index}", 1)
            index += 1
        try:
            repository.save(case, expected_version=loaded)
        except ConcurrencyError:
            continue
        print(f"saved {case.version}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
