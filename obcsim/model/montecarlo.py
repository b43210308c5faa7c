"""Monte Carlo: many iterations of an engine, reproducible for any number of workers.

Iteration i draws every uncertain scenario value once (parameter uncertainty) and then every
person's outcomes (stochastic uncertainty), all from its own streams: child i of one
`numpy.random.SeedSequence(seed)` (the fast engine: child b for block b of `fast.CHUNK`
iterations), split by name into one stream per strand (`streams.Streams`), so an edit to one
strand leaves every other strand's numbers unchanged. Which process runs an iteration never
changes its numbers, and the results are gathered in iteration order.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from obcsim.case import limits
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.model import fast, flow, params
from obcsim.model.streams import Streams

ENGINES = ("flow", "fast")
BLOCK = 50_000  # iterations a streamed block holds (`run_blocks`)
FAST_PER_WORKER = 50_000  # fast iterations that pay for starting one more process
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Draws:
    """Per-iteration results, in iteration order. The ledger turns them into the OBC's tables
    (`accounts.ledger.draw_tables`); what it derives is kept in `memo`."""

    scenario: Scenario
    seed: int
    engine: str
    gross: np.ndarray  # (runs, strands, agencies)
    amounts: np.ndarray  # (runs, cost items)
    stats: np.ndarray  # (runs, strands, flow.STATS)
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def memo(self, name: str, make: Callable[[], Any]) -> Any:
        """`make()` once per name: views of the draws (tables, summary) are derived once and
        kept, since the app asks for them on every redraw."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]

    @property
    def runs(self) -> int:
        return int(self.gross.shape[0])

    @property
    def strands(self) -> list[str]:
        return [name for name, _ in self.scenario.costed()]

    def gross_by_strand(self) -> dict[str, dict[str, np.ndarray]]:
        """Gross savings as the ledger takes them: strand -> agency -> array over runs."""
        agencies = self.scenario.agencies
        return {
            s: {a: self.gross[:, i, j] for j, a in enumerate(agencies)}
            for i, s in enumerate(self.strands)
        }

    def avoided_by_strand(self) -> dict[str, np.ndarray]:
        """Avoided criminal-justice episodes: strand -> array over runs."""
        column = flow.STATS.index("avoided_episodes")
        return {s: self.stats[:, i, column] for i, s in enumerate(self.strands)}


def preferred_engine(scn: Scenario) -> str:
    """`fast`, unless the scenario's capacity may bind: then `flow`, which has queues."""
    try:
        fast.check_capacity(scn)
    except InputError:
        return "flow"
    return "fast"


def _flow_task(scn: Scenario, seeds: list[np.random.SeedSequence]) -> tuple[np.ndarray, ...]:
    """Iterations of the flow engine, one stream each."""
    gross, amounts, stats = [], [], []
    for seed in seeds:
        streams = Streams(seed)
        draw = params.draw(scn, streams, 1)
        result = flow.simulate(scn, draw, streams)
        gross.append([[result.gross[s][a] for a in scn.agencies] for s in result.gross])
        amounts.append([a[0] for a in draw.cost_amounts])
        stats.append([[result.stats[s][k] for k in flow.STATS] for s in result.stats])
    n_items = len(scn.cost_items())
    return (
        np.array(gross, float),
        np.array(amounts, float).reshape(len(seeds), n_items),
        np.array(stats, float),
    )


def _fast_task(scn: Scenario, task: tuple[np.random.SeedSequence, int]) -> tuple[np.ndarray, ...]:
    """A block of iterations of the fast engine, one stream for the block."""
    seed, size = task
    streams = Streams(seed)
    draw = params.draw(scn, streams, size)
    gross, stats = fast.simulate(scn, draw, streams)
    amounts = np.stack(draw.cost_amounts, axis=1) if draw.cost_amounts else np.zeros((size, 0))
    return gross, amounts, stats


def _tasks(engine: str, runs: int, seed: int, workers: int) -> tuple[Callable[..., Any], list[Any]]:
    root = np.random.SeedSequence(seed)
    if engine == "fast":
        sizes = [min(fast.CHUNK, runs - start) for start in range(0, runs, fast.CHUNK)]
        return _fast_task, list(zip(root.spawn(len(sizes)), sizes, strict=True))
    seeds = root.spawn(runs)
    size = max(1, min(100, runs // (workers * 4)))
    return _flow_task, [seeds[i : i + size] for i in range(0, runs, size)]


def _quiet() -> None:
    """A worker leaves Ctrl+C to the main process, which stops the pool (no worker
    tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _count(engine: str, task: Any) -> int:
    return int(task[1]) if engine == "fast" else len(task)


def _parts(
    scn: Scenario,
    runs: int,
    seed: int,
    engine: str,
    workers: int | None,
    progress: Progress | None,
) -> Iterator[tuple[int, tuple[np.ndarray, ...]]]:
    """(iterations, results) of each task, in iteration order. At most two tasks per worker
    are in flight, so results wait in memory only as long as the consumer takes."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; engines are {ENGINES}")
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if engine == "fast":
        fast.check_capacity(scn)
    workers = max(1, min(workers or os.cpu_count() or 1, runs))
    if engine == "fast":  # a process costs more than it saves below this many iterations
        workers = min(workers, -(-runs // FAST_PER_WORKER))
    work, tasks = _tasks(engine, runs, seed, workers)
    workers = min(workers, len(tasks))
    done = 0
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_quiet) if workers > 1 else None
    try:
        pending: deque[tuple[Any, Future[Any]]] = deque()
        queue = iter(tasks)
        for task in queue if pool else ():
            pending.append((task, pool.submit(work, scn, task)))  # type: ignore[union-attr]
            if len(pending) >= 2 * workers:
                break
        for task in tasks if pool is None else ():
            done += _count(engine, task)
            yield _count(engine, task), work(scn, task)
            if progress:
                progress(done, runs)
        while pending:
            task, future = pending.popleft()
            part = future.result()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(work, scn, following)))  # type: ignore[union-attr]
            done += _count(engine, task)
            yield _count(engine, task), part
            if progress:
                progress(done, runs)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def _draws(scn: Scenario, seed: int, engine: str, parts: list[tuple[np.ndarray, ...]]) -> Draws:
    gross, amounts, stats = (np.concatenate(p) for p in zip(*parts, strict=True))
    return Draws(scn, seed, engine, gross, amounts, stats)


def run(
    scn: Scenario,
    runs: int,
    seed: int = 1,
    engine: str = "flow",
    workers: int | None = None,
    progress: Progress | None = None,
) -> Draws:
    """`runs` iterations of `engine`; `workers` processes (default: all cores). The figures
    depend on the scenario, `runs`, `seed` and `engine`, never on `workers`."""
    limits.check_workers(workers)
    limits.check_run(scn, runs, engine, "runs")
    parts = [part for _, part in _parts(scn, runs, seed, engine, workers, progress)]
    return _draws(scn, seed, engine, parts)


def run_blocks(
    scn: Scenario,
    runs: int,
    seed: int = 1,
    workers: int | None = None,
    progress: Progress | None = None,
    block: int = BLOCK,
) -> Iterator[Draws]:
    """The fast engine's `runs` iterations as successive `Draws` of about `block` iterations,
    in order: the same numbers as `run(..., engine="fast")`, in bounded memory."""
    limits.check_workers(workers)
    limits.check_run(scn, runs, "fast", "runs", streamed=True)
    parts: list[tuple[np.ndarray, ...]] = []
    size = 0
    for count, part in _parts(scn, runs, seed, "fast", workers, progress):
        parts.append(part)
        size += count
        if size >= block:
            yield _draws(scn, seed, "fast", parts)
            parts, size = [], 0
    if parts:
        yield _draws(scn, seed, "fast", parts)
