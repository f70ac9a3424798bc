"""Import benchmark: peak memory of importing a large export file into a SQLite store.

Figures:

- ``import_peak_mb``: peak resident memory (MiB) of a fresh Python process that imports
  an export of 500,000 events (500 cases of 1,000 events: statements with a caucus note
  now and then) into a new SQLite store with :func:`mediation.store.import_export`.
  It includes the interpreter and the imported libraries (``import_floor_mb``: the same
  process opening the store without importing anything). Target <= 150.
- ``import_peak_mb_100k``: the same for the first 100,000 events of that file (100 cases):
  the memory held does not grow with the file (import reads one case at a time).
- ``import_s``: seconds the 500,000-event import took (verification included).

Each figure is measured in its own process (its peak resident memory: ``VmHWM`` on
Linux, which starts afresh at ``exec``; ``ru_maxrss`` elsewhere, which on Linux would
carry over the benchmark process's own peak), so nothing the other benchmarks hold
counts. Run directly to print the JSON.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs
from bench_store import _long_case

from mediation import audit
from mediation import events as ev
from mediation.audit import ChainHead

EVENTS_PER_CASE = 1_000  # each case: statements with a caucus note now and then
CASES = 500

_CHILD = """
import resource, sys, time
from mediation.store import import_export
from mediation.store.sql import SQLStore
path, target, run = sys.argv[1], sys.argv[2], sys.argv[3] == "import"
began = time.perf_counter()
with SQLStore(target) as store:
    if run:
        with open(path, "rb") as stream:
            heads = import_export(stream, store)
        assert sum(head.version for head in heads) > 0
elapsed = time.perf_counter() - began
try:  # this process's own peak: ru_maxrss keeps the parent's peak across fork and exec
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak / 1024, elapsed)
"""


def write_export(path: Path, cases: int, events_per_case: int = EVENTS_PER_CASE) -> int:
    """Write an export of ``cases`` cases of ``events_per_case`` events each.

    Args:
        path: The file to write.
        cases: How many cases.
        events_per_case: Events in each.

    Returns:
        The number of events written.
    """
    # The cases differ in their id (in the first event, so in every hash of the chain)
    # and share the other sealed bodies: sealing is what takes time, hashing is cheap.
    template = audit.record_events(
        "template", _long_case("template", events_per_case).events, salts=secrets.token_bytes
    )
    opened = template[0].event()
    assert isinstance(opened, ev.CaseOpened)
    with path.open("wb") as out:
        for number in range(cases):
            case_id = f"case-{number:06d}"
            (first,) = audit.record_events(
                case_id, [attrs.evolve(opened, case_id=case_id)], salts=secrets.token_bytes
            )
            records = [first]
            for record in template[1:]:
                previous = records[-1].hash
                records.append(
                    attrs.evolve(
                        record, case_id=case_id, hash=audit.chain_hash(previous, record.body)
                    )
                )
            audit.export_case(records, ChainHead(case_id, len(records), records[-1].hash), out)
    return cases * events_per_case


def _first_cases(source: Path, target: Path, cases: int) -> None:
    """Copy the first ``cases`` sections of an export."""
    with source.open("rb") as stream, target.open("wb") as out:
        left = cases
        for line in stream:
            out.write(line)
            if line.startswith(b'{"case_id":') and b'"end":true' in line:
                left -= 1
                if not left:
                    return


def _child(path: Path, target: Path, *, run: bool) -> tuple[float, float]:
    """Peak RSS (MiB) and seconds of a fresh process importing ``path`` (or not)."""
    env = dict(os.environ)
    source = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(target), "import" if run else "floor"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    peak, seconds = done.stdout.split()
    return float(peak), float(seconds)


def run() -> dict[str, float]:
    """Measure the import figures (about a minute and a half on a quiet machine).

    Returns:
        ``import_peak_mb``, ``import_peak_mb_100k``, ``import_floor_mb`` and ``import_s``.
    """
    with tempfile.TemporaryDirectory() as directory:
        place = Path(directory)
        full = place / "export.jsonl"
        write_export(full, CASES)
        part = place / "export-100k.jsonl"
        _first_cases(full, part, CASES // 5)
        floor, _ = _child(full, place / "floor.db", run=False)
        small, _ = _child(part, place / "small.db", run=True)
        peak, seconds = _child(full, place / "full.db", run=True)
    return {
        "import_peak_mb": round(peak, 1),
        "import_peak_mb_100k": round(small, 1),
        "import_floor_mb": round(floor, 1),
        "import_s": round(seconds, 1),
    }


if __name__ == "__main__":
    began = time.perf_counter()
    print(json.dumps(run(), sort_keys=True))
    print(f"bench_import: {time.perf_counter() - began:.0f} s", file=sys.stderr)
