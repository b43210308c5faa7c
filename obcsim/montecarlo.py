"""Monte Carlo: many iterations of an engine, reproducible for any number of workers.

Iteration i draws every uncertain scenario value once (parameter uncertainty) and then every
person's outcomes (stochastic uncertainty), all from its own stream: child i of one
`numpy.random.SeedSequence(seed)`. Which process runs an iteration therefore never changes its
numbers, and the results are gathered in iteration order.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from obcsim import fast, flow, params
from obcsim.ledger import MEASURES, build_tables, cost_items, item_totals
from obcsim.scenario import Scenario

ENGINES = ("flow", "fast")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Draws:
    """Per-iteration results, in iteration order."""

    scenario: Scenario
    seed: int
    engine: str
    gross: np.ndarray  # (runs, strands, agencies)
    amounts: np.ndarray  # (runs, cost items)
    stats: np.ndarray  # (runs, strands, flow.STATS)
    # tables, frame and summary are derived once and kept: the app asks for them on every redraw
    _derived: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    def _once(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]

    @property
    def runs(self) -> int:
        return int(self.gross.shape[0])

    @property
    def strands(self) -> list[str]:
        return [name for name, _ in self.scenario.costed()]

    def tables(self) -> pd.DataFrame:
        """The OBC's tables with an array over iterations in every cell (do not modify)."""
        return self._once("tables", self._tables)

    def gross_by_strand(self) -> dict[str, dict[str, np.ndarray]]:
        """Gross savings as the ledger takes them: strand -> agency -> array over runs."""
        agencies = self.scenario.agencies
        return {
            s: {a: self.gross[:, i, j] for j, a in enumerate(agencies)}
            for i, s in enumerate(self.strands)
        }

    def _tables(self) -> pd.DataFrame:
        costs = item_totals(self.scenario, self.amounts.T)
        return build_tables(self.scenario, self.gross_by_strand(), costs)

    def frame(self) -> pd.DataFrame:
        """One row per iteration x strand x agency, the five measures as columns."""
        return self._once("frame", self._frame)

    def _frame(self) -> pd.DataFrame:
        t = self.tables()
        n = self.runs
        out = pd.DataFrame(
            {
                "iteration": np.tile(np.arange(n), len(t)),
                "strand": np.repeat(t.strand.to_numpy(), n),
                "agency": np.repeat(t.agency.to_numpy(), n),
            }
        )
        for m in MEASURES:
            out[m] = np.concatenate(t[m].to_list())
        return out

    def summary(self) -> pd.DataFrame:
        """Mean, sd, 5/50/95th percentiles and P(> 0) for every strand, agency and measure."""
        return self._once("summary", self._summary)

    def _summary(self) -> pd.DataFrame:
        rows = []
        for r in self.tables().itertuples(index=False):
            for m in MEASURES:
                x = np.asarray(getattr(r, m), float)
                p05, p50, p95 = np.percentile(x, [5, 50, 95])
                rows.append(
                    {
                        "strand": r.strand,
                        "agency": r.agency,
                        "measure": m,
                        "mean": float(x.mean()),
                        "sd": float(x.std(ddof=1)) if len(x) > 1 else 0.0,
                        "p05": float(p05),
                        "p50": float(p50),
                        "p95": float(p95),
                        "p_positive": float((x > 0).mean()),
                    }
                )
        return pd.DataFrame(rows)


def preferred_engine(scn: Scenario) -> str:
    """`fast`, unless the scenario's capacity may bind: then `flow`, which has queues."""
    from obcsim.errors import InputError

    try:
        fast.check_capacity(scn)
    except InputError:
        return "flow"
    return "fast"


def compare(
    a: Draws, b: Draws, strand: str = "all", measure: str = "annual_impact"
) -> pd.DataFrame:
    """Per agency: `a` against `b`, iteration by iteration (run both with the same seed and runs
    so that the difference is paired): means, mean difference, its 90% interval, P(a > b)."""
    if a.runs != b.runs:
        raise ValueError("compare runs of the same length (and seed)")
    ta, tb = (d.tables().set_index(["strand", "agency"]) for d in (a, b))
    rows = []
    for agency in [*a.scenario.agencies, "total"]:
        x = np.asarray(ta.loc[(strand, agency), measure], float)
        y = np.asarray(tb.loc[(strand, agency), measure], float)
        d = x - y
        p05, p95 = np.percentile(d, [5, 95])
        rows.append(
            {
                "agency": agency,
                "mean_a": x.mean(),
                "mean_b": y.mean(),
                "difference": d.mean(),
                "p05": p05,
                "p95": p95,
                "p_a_better": float((d > 0).mean()),
            }
        )
    return pd.DataFrame(rows)


def _flow_task(scn: Scenario, seeds: list[np.random.SeedSequence]) -> tuple[np.ndarray, ...]:
    """Iterations of the flow engine, one stream each."""
    gross, amounts, stats = [], [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        draw = params.draw(scn, rng, 1)
        result = flow.simulate(scn, draw, rng)
        gross.append([[result.gross[s][a] for a in scn.agencies] for s in result.gross])
        amounts.append([a[0] for a in draw.cost_amounts])
        stats.append([[result.stats[s][k] for k in flow.STATS] for s in result.stats])
    n_items = len(cost_items(scn))
    return (
        np.array(gross, float),
        np.array(amounts, float).reshape(len(seeds), n_items),
        np.array(stats, float),
    )


def _fast_task(scn: Scenario, task: tuple[np.random.SeedSequence, int]) -> tuple[np.ndarray, ...]:
    """A block of iterations of the fast engine, one stream for the block."""
    seed, size = task
    rng = np.random.default_rng(seed)
    draw = params.draw(scn, rng, size)
    gross, stats = fast.simulate(scn, draw, rng)
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


def _count(engine: str, task: Any) -> int:
    return int(task[1]) if engine == "fast" else len(task)


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
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; engines are {ENGINES}")
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if engine == "fast":
        fast.check_capacity(scn)
    workers = max(1, min(workers or os.cpu_count() or 1, runs))
    work, tasks = _tasks(engine, runs, seed, workers)
    workers = min(workers, len(tasks))
    parts: list[tuple[np.ndarray, ...]] = []
    done = 0
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        results = (
            pool.map(work, [scn] * len(tasks), tasks)
            if pool
            else (work(scn, task) for task in tasks)
        )
        for task, part in zip(tasks, results, strict=True):
            parts.append(part)
            done += _count(engine, task)
            if progress:
                progress(done, runs)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    gross, amounts, stats = (np.concatenate(p) for p in zip(*parts, strict=True))
    return Draws(scn, seed, engine, gross, amounts, stats)
