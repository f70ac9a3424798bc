"""Core benchmark: the cost of a recorded command, memory per case, and growth.

Figures (ratios against baselines measured in the same process; medians):

- ``step_vs_transitions``: one recorded stage-changing command (``pause`` then ``resume``,
  through the shared Machine, with guard checks, event, fold and logging) / the same two
  triggers on a bare ``transitions.Machine`` built from the same transition table with
  the model registered the usual way. Target <= 1.3.
- ``bytes_per_case``: traced memory per open case at intake with two parties, over
  10,000 cases in one process. Target <= 2048.
- ``step_cost_growth``: cost per command once the case holds 10,000 events / once it
  holds 10. Target <= 1.2.
- ``check_cost_growth``: the same for evaluating every neutrality check for the next move,
  both cases holding the same kinds of events (a caucus note, statements, and mediator
  invitations, paraphrases and questions in English and Chinese, marked, which the
  transcript and leak checks read): the long one thousands of them, the short one one
  round (about 20 events).
"""

from __future__ import annotations

import gc
import json
import logging
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import structlog
from transitions import Machine

from mediation import DEFAULT_PROCESS, NO_CONCERNS, Mediation, Mediator, Party
from mediation.clocks import ManualClock

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _quiet_logging() -> None:
    # As a host would: library logs below WARNING are dropped cheaply.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=True,
    )


def _open(case_id: str, clock: ManualClock) -> Mediation:
    return Mediation.open(
        case_id,
        [Party(f"{case_id}-a", "Ann"), Party(f"{case_id}-b", "Bo")],
        Mediator("med", "Mia"),
        clock=clock,
    )


def _listening_case(clock: ManualClock) -> Mediation:
    case = _open("bench", clock)
    case.disclose("med", "No relationships.", [])
    for party in ("bench-a", "bench-b"):
        case.screen("med", party, NO_CONCERNS)
        case.consent(party)
    case.advance("med")
    return case


def _median_per_call(
    block: Callable[[], object],
    calls: int,
    repeats: int,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    timings = []
    for _ in range(repeats):
        started = clock()
        for _ in range(calls):
            block()
        timings.append((clock() - started) / calls)
    return statistics.median(timings)


def step_vs_transitions() -> dict[str, float]:
    """A recorded pause+resume through a case vs a bare pause+resume trigger pair."""
    clock = ManualClock(START, tick=timedelta(seconds=1))
    case = _listening_case(clock)

    def recorded() -> None:
        case.pause("bench-a", "a break")
        case.resume("med")

    class Model:
        state = "listening"
        paused_from: str | None = None

    def remember(event: Any) -> None:
        event.model.paused_from = event.transition.source

    model = Model()
    table = DEFAULT_PROCESS.table
    bare = Machine(
        model=model,
        states=[stage.name for stage in DEFAULT_PROCESS.definition.stages],
        initial="listening",
        transitions=[
            {
                "trigger": row.trigger,
                "source": row.source,
                "dest": row.dest,
                "conditions": [
                    (lambda event, dest=row.dest: event.model.paused_from == dest)
                    for _ in row.guards[:1]
                ],
                "after": [remember] if row.trigger == "pause" else [],
            }
            for row in table
        ],
        send_event=True,
        auto_transitions=False,
    )
    assert bare is not None

    def bare_pair() -> None:
        model.trigger("pause")  # type: ignore[attr-defined]
        model.trigger("resume")  # type: ignore[attr-defined]

    for block in (recorded, bare_pair):  # warm up
        for _ in range(200):
            block()
    ratios = []
    for _ in range(7):
        ours = _median_per_call(recorded, 300, 3)
        theirs = _median_per_call(bare_pair, 300, 3)
        ratios.append(ours / theirs)
    return {
        "step_vs_transitions": round(statistics.median(ratios), 3),
        "step_us": round(ours / 2 * 1e6, 2),
        "bare_trigger_us": round(theirs / 2 * 1e6, 2),
    }


def bytes_per_case(count: int = 10_000) -> dict[str, float]:
    """Traced memory per open case at intake with two parties."""
    clock = ManualClock(START)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cases = [_open(f"case-{index}", clock) for index in range(count)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(cases) == count
    return {"bytes_per_case": round((after - before) / count, 1)}


def step_cost_growth(events: int = 10_000) -> dict[str, float]:
    """Cost per command at event ~10,000 / at event ~10, same command mix."""

    def mix(case: Mediation) -> Callable[[], None]:
        def block() -> None:
            case.speak("bench-a", "I would like to say something.", 12.5)
            case.pause("bench-b", "a break")
            case.resume("med")

        return block

    early_costs: list[float] = []
    late_costs: list[float] = []
    # Early: many fresh cases, each measured right after it reaches about event 10.
    for _ in range(60):
        fresh = _listening_case(ManualClock(START, tick=timedelta(seconds=1)))
        fresh_block = mix(fresh)
        fresh_block()
        early_costs.append(_median_per_call(fresh_block, 3, 1))
    big = _listening_case(ManualClock(START, tick=timedelta(seconds=1)))
    grow = mix(big)
    while big.version < events:
        grow()
    for _ in range(60):
        late_costs.append(_median_per_call(grow, 3, 1))
    return {
        "step_cost_growth": round(
            statistics.median(late_costs) / statistics.median(early_costs), 3
        ),
        "events_in_late_case": float(big.version),
    }


def _caucus_with_a_note(case: Mediation) -> None:
    case.open_caucus("med", "bench-a")
    case.caucus_note("bench-a", "I am worried my manager will retaliate if I complain.")
    case.close_caucus("med")


def _round_of_moves(case: Mediation) -> None:
    """Statements, invitations, paraphrases and questions, in English and Chinese, each
    kind evenly to both parties (a kind given to one party only would be a finding of its
    own, and the figure would compare a move with findings to one without)."""
    case.speak("bench-a", "I would like to say something.", 12.5)
    case.speak("bench-b", "So would I.", 12.5)
    case.invite_to_speak("med", "bench-a")
    case.invite_to_speak("med", "bench-b")
    for party in ("bench-a", "bench-b"):
        case.paraphrase("med", party, "You feel that is unreasonable of the manager.")
        case.ask("med", party, "你觉得这个安排幼稚吗？")


def check_cost_growth(events: int = 10_000) -> dict[str, float]:
    """Cost of running every neutrality check for the next move (``pending_findings``)
    once the case holds 10,000 events / once it holds about 20 of the same kinds: a
    caucus with a note, then rounds of statements, invitations, paraphrases and questions
    in English and Chinese (which the transcript and leak checks read). The checks read
    running figures kept by the fold, so the ratio stays near 1.

    Both cases hold every kind of event the long one does: with only two statements in
    the short case most checks returned at once there (nothing to weigh) and the figure
    read 1.22-2.53, the cost of weighing rather than of length (every check costs the same
    at 30, 100, 1,000 and 10,000 events of the same mix). The two are timed in turn, in
    CPU seconds (the checks are CPU-bound; with the load average at 12-16 on two cores,
    wall time mostly measured when this process got a core: 96 us and then 857 us for
    the same short case), so that a busy spell on the machine hits both alike."""
    fresh_cases = []
    for _ in range(60):
        fresh = _listening_case(ManualClock(START, tick=timedelta(seconds=1)))
        _caucus_with_a_note(fresh)
        _round_of_moves(fresh)
        fresh_cases.append(fresh)
    big = _listening_case(ManualClock(START, tick=timedelta(seconds=1)))
    _caucus_with_a_note(big)
    while big.version < events:
        _round_of_moves(big)
    early: list[float] = []
    late: list[float] = []
    for fresh in fresh_cases:
        early.append(_median_per_call(fresh.pending_findings, 20, 1, time.process_time))
        late.append(_median_per_call(big.pending_findings, 20, 1, time.process_time))
    return {
        "check_cost_growth": round(statistics.median(late) / statistics.median(early), 3),
        "events_in_short_case": float(fresh_cases[0].version),
    }


def run() -> dict[str, float]:
    """All core figures."""
    _quiet_logging()
    figures: dict[str, float] = {}
    figures.update(step_vs_transitions())
    figures.update(bytes_per_case())
    figures.update(step_cost_growth())
    figures.update(check_cost_growth())
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), sort_keys=True))
