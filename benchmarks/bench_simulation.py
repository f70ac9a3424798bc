"""Simulation benchmark: simulated mediations per second, against NegMAS, and scaling.

Figures (medians of repetitions, measured in the same process):

- ``sim_per_s``: simulated mediations per second on one core, built-in scenario
  ``plain_5x5`` (2 parties, 5 issues x 5 options), each through the real ``Mediation``
  with its policy, checks and events.
- ``sim_vs_negmas``: ``sim_per_s`` / NegMAS negotiations per second (SAO mechanism, two
  ``AspirationNegotiator``s, 5 issues x 5 values, random linear-additive utilities,
  100-step limit), measured interleaved with ours. Target >= 30. Needs the ``bench``
  extra (``pip install -e '.[bench]'``); without NegMAS the figure is left out.
- ``sim_parallel_efficiency``: throughput with 2 worker processes / (2 x throughput
  with 1), same mediations. Target >= 0.85.
- ``dask_parallel_efficiency``: the same with the work sent to a Dask
  ``distributed.LocalCluster`` of 2 worker processes (one thread each) through
  ``Client.get_executor()``, against one process inline; the cluster is started (and
  warmed up) before the timing. Target >= 0.8. Needs the ``dask`` extra (in the ``bench``
  extra); without Dask the figure is left out.
"""

from __future__ import annotations

import importlib
import json
import logging
import statistics
import sys
import time
import warnings
from typing import Any

import structlog

from mediation.simulation import builtin
from mediation.simulation import run as simulate_run

SCENARIO = "plain_5x5"


def _quiet_logging() -> None:
    # As a host would: library logs below WARNING are dropped cheaply.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=True,
    )


def _our_rate(n: int, seed: int) -> float:
    scenario = builtin(SCENARIO)
    started = time.perf_counter()
    simulate_run(scenario, n, seed, workers=1)
    return n / (time.perf_counter() - started)


def _negmas() -> Any | None:
    try:
        return importlib.import_module("negmas")
    except ImportError:
        return None


def _negmas_rate(negmas: Any, n: int) -> float:
    issues = [negmas.make_issue(5, f"i{k}") for k in range(5)]
    additive = negmas.preferences.LinearAdditiveUtilityFunction
    started = time.perf_counter()
    for _ in range(n):
        mechanism = negmas.SAOMechanism(issues=issues, n_steps=100)
        for _ in range(2):
            ufun = additive.random(outcome_space=mechanism.outcome_space, reserved_value=0.0)
            mechanism.add(negmas.AspirationNegotiator(), preferences=ufun)
        mechanism.run()
    return n / (time.perf_counter() - started)


def per_second(repeats: int = 5, n: int = 400) -> dict[str, float]:
    """``sim_per_s`` and, with NegMAS installed, ``sim_vs_negmas``."""
    _our_rate(50, 0)  # warm up
    negmas = _negmas()
    ours: list[float] = []
    ratios: list[float] = []
    theirs: list[float] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if negmas is not None:
            _negmas_rate(negmas, 5)
        for repeat in range(repeats):
            rate = _our_rate(n, repeat)
            ours.append(rate)
            if negmas is not None:
                other = _negmas_rate(negmas, max(20, n // 20))
                theirs.append(other)
                ratios.append(rate / other)
    figures = {"sim_per_s": round(statistics.median(ours), 1)}
    if negmas is None:
        print(
            "bench_simulation: NegMAS is not installed, so sim_vs_negmas is left out; "
            "install the bench extra to measure it: pip install -e '.[bench]'",
            file=sys.stderr,
        )
    else:
        figures["sim_vs_negmas"] = round(statistics.median(ratios), 2)
        figures["negmas_per_s"] = round(statistics.median(theirs), 1)
    return figures


def parallel_efficiency(repeats: int = 3, n: int = 2400) -> dict[str, float]:
    """Throughput with 2 worker processes over twice the throughput with 1."""
    scenario = builtin(SCENARIO)
    efficiencies = []
    for repeat in range(repeats):
        started = time.perf_counter()
        simulate_run(scenario, n, repeat, workers=1)
        one = time.perf_counter() - started
        started = time.perf_counter()
        simulate_run(scenario, n, repeat, workers=2)
        two = time.perf_counter() - started
        efficiencies.append(one / (2 * two))
    return {"sim_parallel_efficiency": round(statistics.median(efficiencies), 3)}


def dask_parallel_efficiency(repeats: int = 3, n: int = 2400) -> dict[str, float]:
    """Throughput on a 2-process Dask LocalCluster over twice the throughput inline."""
    try:
        distributed = importlib.import_module("distributed")
    except ImportError:
        print(
            "bench_simulation: Dask is not installed, so dask_parallel_efficiency is left out; "
            "install the bench extra to measure it: pip install -e '.[bench]'",
            file=sys.stderr,
        )
        return {}
    scenario = builtin(SCENARIO)
    efficiencies = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = distributed.Client(cluster)
        try:
            executor = client.get_executor()
            simulate_run(scenario, 200, 0, executor=executor, workers=2)  # warm up
            for repeat in range(repeats):
                started = time.perf_counter()
                simulate_run(scenario, n, repeat, workers=1)
                one = time.perf_counter() - started
                started = time.perf_counter()
                simulate_run(scenario, n, repeat, executor=executor, workers=2)
                two = time.perf_counter() - started
                efficiencies.append(one / (2 * two))
        finally:
            client.close()
            cluster.close()
    return {"dask_parallel_efficiency": round(statistics.median(efficiencies), 3)}


def run() -> dict[str, float]:
    """All simulation figures."""
    _quiet_logging()
    figures: dict[str, float] = {}
    figures.update(per_second())
    figures.update(parallel_efficiency())
    figures.update(dask_parallel_efficiency())
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), sort_keys=True))
