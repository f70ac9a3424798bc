"""Peak memory of a fairness audit, in a fresh process (used by ``bench_fairness.py``).

``python fairness_memory.py build STORE N`` writes a SQLite store of ``N`` short cases
(copies of 64 generated templates under new case ids, each chain recorded afresh);
``python fairness_memory.py audit STORE`` audits it with the default dimensions and
prints ``{"cases": ..., "events": ..., "seconds": ..., "peak_rss_mb": ...}``, the peak
resident memory of the auditing process (``VmHWM`` on Linux, else ``ru_maxrss``).
"""

from __future__ import annotations

import json
import logging
import resource
import secrets
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from random import Random
from typing import Any

import attrs
import structlog

TEMPLATES = 64


def _templates() -> list[Any]:
    from mediation.case import Mediation
    from mediation.clocks import ManualClock
    from mediation.model import NO_CONCERNS, Mediator, Party, Relation, RelationKind

    rng = Random(5)
    out: list[Any] = []
    for index in range(TEMPLATES):
        a, b = f"p-{rng.randrange(400):03d}", f"p-{400 + rng.randrange(400):03d}"
        manages = index % 2 == 0
        case = Mediation.open(
            f"template-{index}",
            [Party(a, "A", "manager" if manages else "staff"), Party(b, "B", "staff")],
            Mediator(f"m-{index % 4}", "Mo"),
            clock=ManualClock(datetime(2026, 1, 5, tzinfo=timezone.utc), tick=timedelta(minutes=5)),
            supervisors=["hr-lead"],
            relations=[Relation(RelationKind.MANAGES if manages else RelationKind.COLLEAGUE, a, b)],
        )
        case.disclose(case.state.mediator.id, "No ties.")
        for party in (a, b):
            case.screen(case.state.mediator.id, party, NO_CONCERNS)
            case.consent(party)
        case.advance(case.state.mediator.id)
        for speaker in (b, a):
            case.speak(speaker, "My side.", rng.uniform(100, 150))
        ending = rng.random()
        if ending < 0.1:
            case.withdraw(b, "No.")
        elif ending < 0.2:
            case.escalate(case.state.mediator.id, "hr", "Beyond mediation.")
            case.close(case.state.mediator.id, "escalated")
        else:
            case.close(
                case.state.mediator.id,
                "impasse" if ending < 0.5 else "terminated_by_mediator",
                "No agreement.",
            )
        out.append(case.events)
    return out


def build(path: Path, cases: int) -> None:
    """Write ``cases`` short cases into a new store at ``path``."""
    from mediation import audit
    from mediation.store.sql import SQLStore

    SQLStore(path).close()
    templates = _templates()
    raw = sqlite3.connect(path)
    with raw:
        for number in range(cases):
            case_id = f"case-{number:07d}"
            events = list(templates[number % TEMPLATES])
            events[0] = attrs.evolve(events[0], case_id=case_id)
            records = audit.record_events(case_id, events, salts=secrets.token_bytes)
            raw.executemany(
                "INSERT INTO mediation_events (case_id, seq, hash, body, content) "
                "VALUES (?, ?, ?, ?, ?)",
                [(r.case_id, r.seq, r.hash, r.body, r.content) for r in records],
            )
    raw.close()


def _own_peak_kb() -> int:
    """This process's peak resident memory (KiB): ``VmHWM`` on Linux, which starts afresh
    at ``exec`` (``ru_maxrss`` there carries over the parent's peak across fork and exec, so
    it read the benchmark process's size), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(path: Path) -> dict[str, float]:
    """Audit the store at ``path``; the figures and this process's peak memory."""
    from mediation.fairness import audit_store
    from mediation.store.sql import SQLStore

    began = time.perf_counter()
    with SQLStore(path, create=False) as store:
        report = audit_store(store, seed=0)
    seconds = time.perf_counter() - began
    peak_kb = _own_peak_kb()
    return {
        "cases": report.cases,
        "events": report.events,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def main() -> None:
    """``build STORE N`` or ``audit STORE``."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    command, path = sys.argv[1], Path(sys.argv[2])
    if command == "build":
        build(path, int(sys.argv[3]))
    else:
        print(json.dumps(measure(path)))


if __name__ == "__main__":
    main()
