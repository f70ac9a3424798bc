"""Running many simulated mediations: reproducible, on any executor, and in sweeps.

:func:`run` simulates ``n`` mediations of a scenario. Mediation ``i`` depends only on the
scenario, the run seed and ``i`` (:func:`~mediation.simulation.session.derive_seed`), and
results are put back in index order, so a run is identical to the bit for the same seed
whatever the executor, the number of workers, the chunk size and the order in which
chunks finish.

Work is sent in chunks to a :class:`concurrent.futures.Executor`: by default a process
pool of ``workers`` processes (inline, without a pool, when ``workers`` is 1), or any
executor given — e.g. ``dask.distributed.Client(...).get_executor()`` to spread a sweep
over a cluster. :func:`sweep` runs a grid of scenario variants (policy thresholds, style
mixes, strategies) in one call, all on the same executor.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import Any

import attrs

from mediation.errors import InvalidInput
from mediation.simulation.metrics import (
    MediationResult,
    Summary,
    summarize,
    write_csv,
    write_jsonl,
)
from mediation.simulation.scenarios import Scenario, load_scenario
from mediation.simulation.session import simulate

__all__ = ["Progress", "RunResult", "SweepPoint", "SweepResult", "run", "sweep"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` each time a chunk of mediations completes."""


@attrs.frozen(eq=False)
class RunResult:
    """The results of :func:`run`.

    Attributes:
        scenario: The scenario run.
        n: How many mediations.
        seed: The run seed.
        results: One result per mediation, in index order.
        summary: The aggregates.
    """

    scenario: Scenario
    n: int
    seed: int
    results: tuple[MediationResult, ...]
    summary: Summary

    def write_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the per-mediation table as CSV (see :func:`~mediation.simulation.write_csv`)."""
        write_csv(self.results, path)

    def write_jsonl(self, path: str | os.PathLike[str]) -> None:
        """Write the per-mediation records as JSON Lines."""
        write_jsonl(self.results, path)


@attrs.frozen(eq=False)
class SweepPoint:
    """One point of a sweep: the settings changed and the run with them.

    Attributes:
        params: Dotted setting path → value at this point.
        run: The run of the scenario with those settings.
    """

    params: Mapping[str, Any]
    run: RunResult

    def label(self) -> str:
        """``key=value`` pairs, shortest key names, for plots and tables."""
        return ", ".join(f"{key.rsplit('.', 1)[-1]}={value}" for key, value in self.params.items())


@attrs.frozen(eq=False)
class SweepResult:
    """The results of :func:`sweep`.

    Attributes:
        points: One per grid point, in grid order (the last key varies fastest).
    """

    points: tuple[SweepPoint, ...]

    def _extra(self) -> tuple[list[MediationResult], dict[int, dict[str, Any]]]:
        results: list[MediationResult] = []
        extra: dict[int, dict[str, Any]] = {}
        for number, point in enumerate(self.points):
            for result in point.run.results:
                extra[len(results)] = {"point": number, **point.params}
                results.append(result)
        return results, extra

    def write_csv(self, path: str | os.PathLike[str]) -> None:
        """Write every mediation of every point as CSV, with the point's settings first."""
        results, extra = self._extra()
        write_csv(results, path, extra)

    def write_jsonl(self, path: str | os.PathLike[str]) -> None:
        """Write every mediation of every point as JSON Lines, with the point's settings."""
        results, extra = self._extra()
        write_jsonl(results, path, extra)


def _chunk(scenario: Scenario, seed: int, start: int, stop: int) -> list[MediationResult]:
    return [simulate(scenario, index, seed) for index in range(start, stop)]


def _check_count(value: object, what: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidInput(f"{what} must be a whole number >= {low}; got {value!r}")
    return value


Job = tuple[Scenario, int, int, int]


def _execute(
    jobs: Sequence[Job],
    executor: Executor | None,
    workers: int,
    progress: Progress | None,
) -> list[list[MediationResult]]:
    total = sum(stop - start for _, _, start, stop in jobs)
    done = 0
    out: list[list[MediationResult]] = [[] for _ in jobs]
    if executor is None and workers == 1:
        for number, job in enumerate(jobs):
            out[number] = _chunk(*job)
            done += job[3] - job[2]
            if progress is not None:
                progress(done, total)
        return out
    owned: ProcessPoolExecutor | None = None
    if executor is None:
        owned = executor = ProcessPoolExecutor(max_workers=workers)
    try:
        futures: dict[Future[list[MediationResult]], int] = {
            executor.submit(_chunk, *job): number for number, job in enumerate(jobs)
        }
        for future in as_completed(futures):
            number = futures[future]
            out[number] = future.result()
            done += jobs[number][3] - jobs[number][2]
            if progress is not None:
                progress(done, total)
    finally:
        if owned is not None:
            owned.shutdown(wait=True, cancel_futures=True)
    return out


_MOST_PER_CHUNK = 250
_LEAST_PER_CHUNK = 8


def _jobs(
    variants: Sequence[Scenario], n: int, seed: int, workers: int, chunk_size: int | None
) -> list[Job]:
    """The chunks of ``n`` mediations of each variant, in order.

    ``chunk_size`` mediations each when given. Else the chunks shrink as the work runs
    out ("guided" scheduling): each is a quarter of an even share of what is left (at
    most 250, at least 8 mediations), so the last chunks are short and no worker waits
    long at the end for another to finish a large one. (Equal chunks of 250 left one of
    two workers idle for about a chunk's time at the end of a 2,400-mediation run: 5-10 %
    of the run.)
    """
    fixed = _check_count(chunk_size, "chunk_size", 1) if chunk_size is not None else None
    left = n * len(variants)
    jobs: list[Job] = []
    for variant in variants:
        start = 0
        while start < n:
            size = fixed or max(
                _LEAST_PER_CHUNK, min(_MOST_PER_CHUNK, math.ceil(left / (4 * workers)))
            )
            stop = min(n, start + size)
            jobs.append((variant, seed, start, stop))
            left -= stop - start
            start = stop
    return jobs


def _scenario(scenario: Scenario | str | os.PathLike[str]) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _workers(workers: int | None) -> int:
    if workers is None:
        return os.cpu_count() or 1
    return _check_count(workers, "workers", 1)


def run(
    scenario: Scenario | str | os.PathLike[str],
    n: int,
    seed: int = 0,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Simulate ``n`` mediations of a scenario.

    Args:
        scenario: A :class:`Scenario`, a TOML file path or a built-in scenario name.
        n: How many mediations (>= 1).
        seed: The run seed; the same seed gives the same results to the bit.
        executor: Where to run chunks; default: a process pool of ``workers`` processes
            started (and shut down) by this call, or inline when ``workers`` is 1.
        workers: Processes for the default pool (default: the number of CPUs). Also
            sizes the chunks when ``executor`` is given.
        chunk_size: Mediations per task (default: shrinking as the run goes, each a
            quarter of an even share of what is left, from at most 250 to at least 8).
            Does not change the results.
        progress: Called as ``progress(done, total)`` as chunks complete.

    Returns:
        A :class:`RunResult` with the results in index order and their summary.

    Raises:
        InvalidInput: a bad ``n``, ``workers`` or ``chunk_size``; a bad scenario
            (:class:`~mediation.simulation.ScenarioError`).
    """
    chosen = _scenario(scenario)
    n = _check_count(n, "n", 1)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInput(f"seed must be a whole number; got {seed!r}")
    count = _workers(workers)
    jobs = _jobs((chosen,), n, seed, count, chunk_size)
    chunks = _execute(jobs, executor, count, progress)
    results = tuple(result for chunk in chunks for result in chunk)
    return RunResult(scenario=chosen, n=n, seed=seed, results=results, summary=summarize(results))


def sweep(
    scenario: Scenario | str | os.PathLike[str],
    grid: Mapping[str, Sequence[Any]],
    n: int,
    seed: int = 0,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Run a grid of scenario variants in one call, all chunks on one executor.

    Every point uses the same seed, so the points face the same disputes (common random
    numbers) and differences between them come from the settings alone.

    Args:
        scenario: The base scenario (object, file path or built-in name).
        grid: Dotted setting path → values to try, e.g.
            ``{"policy.voice_balance.max_ratio": [2.0, 3.0], "strategy.approach":
            ["facilitative", "evaluative"]}``; the points are the cartesian product.
        n: Mediations per point.
        seed: The run seed.
        executor: As for :func:`run`.
        workers: As for :func:`run`.
        chunk_size: As for :func:`run`.
        progress: Called as ``progress(done, total)`` over all points together.

    Returns:
        A :class:`SweepResult`, one point per combination in grid order.

    Raises:
        InvalidInput: an empty grid or value list, or a setting that makes the scenario
            invalid (the message names the point).
    """
    base = _scenario(scenario)
    n = _check_count(n, "n", 1)
    if not isinstance(grid, Mapping) or not grid:
        raise InvalidInput("a sweep needs a grid: setting path -> list of values")
    keys = list(grid)
    for key in keys:
        values = grid[key]
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise InvalidInput(f"grid[{key!r}] must be a non-empty list of values; got {values!r}")
    params = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grid.values())]
    variants = [base.with_values(point) for point in params]
    count = _workers(workers)
    jobs = _jobs(variants, n, seed, count, chunk_size)
    chunks = _execute(jobs, executor, count, progress)
    points = []
    cursor = 0
    for point, variant in zip(params, variants, strict=True):
        results: list[MediationResult] = []
        while len(results) < n:
            results.extend(chunks[cursor])
            cursor += 1
        run_result = RunResult(
            scenario=variant, n=n, seed=seed, results=tuple(results), summary=summarize(results)
        )
        points.append(SweepPoint(params=point, run=run_result))
    return SweepResult(points=tuple(points))
