"""Plot the cost of one command against the length of the case it is run on.

Three curves, each the median time of one ``speak`` command on a case that already holds
10, 100, 1,000, 10,000 and 100,000 events:

- in memory: the command on a ``Mediation`` (decide, record, fold);
- the repository on SQLite and on PostgreSQL: ``Repository.update`` (load and verify the
  case, run the command, append the event durably).

PostgreSQL is measured when ``MEDIATION_BENCH_POSTGRES_URL`` names a server (``make
bench`` starts one; so does ``benchmarks/bench.sh``), else its curve is left out. The
picture goes to ``docs/images/cost-per-command.svg`` and the numbers beside it
(``cost-per-command.json``). Needs matplotlib (the ``charts`` extra).

Usage: ``python benchmarks/plot_cost.py [--max-events N] [--out PATH]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import attrs
import structlog
from bench_store import _long_case

from mediation import events as ev
from mediation.case import Mediation
from mediation.clocks import ManualClock
from mediation.store import Repository
from mediation.store.sql import SQLStore

LENGTHS = (10, 100, 1_000, 10_000, 100_000)
OUT = Path(__file__).resolve().parents[1] / "docs" / "images" / "cost-per-command.svg"


def _median_seconds(command: Callable[[], object], times: int) -> float:
    taken = []
    for _ in range(times):
        began = time.perf_counter()
        command()
        taken.append(time.perf_counter() - began)
    return statistics.median(taken)


def _times(length: int) -> int:
    """How many repository updates to time at this length (one may replay the case)."""
    return 51 if length <= 1_000 else (9 if length <= 10_000 else 5)


def _in_memory(events: Sequence[ev.Event], length: int) -> float:
    case = Mediation.replay(events[:length], clock=ManualClock(events[length - 1].at))
    turn = iter(range(10**9))
    return _median_seconds(
        lambda: case.speak("ab"[next(turn) % 2], "One more statement, for the timing.", 30),
        51,
    )


def _repository(store: SQLStore, events: Sequence[ev.Event], length: int) -> float:
    opened = events[0]
    assert isinstance(opened, ev.CaseOpened)
    case_id = f"plot-{length}-{uuid.uuid4().hex[:8]}"
    store.append(case_id, (attrs.evolve(opened, case_id=case_id), *events[1:length]), 0)
    clock = ManualClock(events[length - 1].at, tick=timedelta(seconds=1))
    repository = Repository(store, clock=clock)
    turn = iter(range(10**9))

    def speak(case: Mediation) -> object:
        return case.speak("ab"[next(turn) % 2], "One more statement, for the timing.", 30)

    return _median_seconds(lambda: repository.update(case_id, speak), _times(length))


def measure(max_events: int = LENGTHS[-1]) -> dict[str, dict[int, float]]:
    """Median seconds per command at each length, per curve.

    Args:
        max_events: The longest case measured.

    Returns:
        Curve name → length → median seconds of one command.
    """
    lengths = [length for length in LENGTHS if length <= max_events]
    events = _long_case("plot", lengths[-1]).events
    curves: dict[str, dict[int, float]] = {"in memory": {}, "repository, SQLite": {}}
    with tempfile.TemporaryDirectory() as directory:
        sqlite = SQLStore(Path(directory) / "plot.db")
        url = os.environ.get("MEDIATION_BENCH_POSTGRES_URL")
        postgres = SQLStore(url) if url else None
        if postgres is not None:
            curves["repository, PostgreSQL"] = {}
        for length in lengths:
            curves["in memory"][length] = _in_memory(events, length)
            curves["repository, SQLite"][length] = _repository(sqlite, events, length)
            if postgres is not None:
                curves["repository, PostgreSQL"][length] = _repository(postgres, events, length)
            costs = (f"{name} {curve[length] * 1e6:.0f} us" for name, curve in curves.items())
            print(f"plot_cost: {length} events: " + ", ".join(costs), file=sys.stderr)
        sqlite.close()
        if postgres is not None:
            postgres.close()
    return curves


def plot(curves: dict[str, dict[int, float]], out: Path) -> None:
    """Draw the curves (log-log) to ``out`` and write their numbers beside it.

    Args:
        curves: As :func:`measure` returns.
        out: The picture's path (its suffix picks the format; SVG is written without a
            date, so the file changes only when the numbers do).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "mediation-cost-per-command"
    figure, axes = plt.subplots(figsize=(7, 4.2))
    for (name, curve), marker in zip(curves.items(), "os^", strict=False):
        lengths = sorted(curve)
        axes.plot(lengths, [curve[n] * 1e6 for n in lengths], marker=marker, label=name)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("events already in the case")
    axes.set_ylabel("median time of one command (µs)")
    axes.set_title("Cost of one command against case length")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, metadata={"Date": None} if out.suffix == ".svg" else None)
    plt.close(figure)
    numbers = {
        "load_average": list(os.getloadavg()),
        "microseconds_per_command": {
            name: {str(n): round(seconds * 1e6, 1) for n, seconds in curve.items()}
            for name, curve in curves.items()
        },
    }
    out.with_suffix(".json").write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """Measure and plot (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-events", type=int, default=LENGTHS[-1])
    parser.add_argument("--out", type=Path, default=OUT)
    options = parser.parse_args(argv)
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=True,
    )
    plot(measure(options.max_events), options.out)
    print(f"plot_cost: wrote {options.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
