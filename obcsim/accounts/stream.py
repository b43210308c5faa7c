"""The Monte Carlo summary streamed over blocks of fast-engine iterations, so memory stays
bounded for any number of runs.

Up to `EXACT_RUNS` iterations the draws are held and summarised exactly (`ledger.summary`).
Beyond, each block is summarised as it comes and let go: mean and sd merged block by block
(Chan et al.), P(> 0) counted, and the percentiles read from a histogram of `BINS` bins per
series spanning its range, built in a second pass over the same iterations (the streams are
reproducible); each percentile is interpolated within its bin, so it is within
(max - min) / `BINS` of the exact one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from obcsim.accounts.ledger import MEASURES, draw_tables, summary
from obcsim.case.scenario import Scenario
from obcsim.model.montecarlo import Draws, Progress, run, run_blocks

EXACT_RUNS = 200_000
BLOCK = 50_000  # iterations summarised (and written) at a time
BINS = 16_384
QUANTILES = (0.05, 0.50, 0.95)
OnBlock = Callable[[Draws, int], None]  # a block of draws and the iteration it starts at


def _series(draws: Draws) -> tuple[list[tuple[str, str, str]], np.ndarray]:
    """Every (strand, agency, measure) and its values: (series, iterations)."""
    keys, rows = [], []
    for r in draw_tables(draws).itertuples(index=False):
        for m in MEASURES:
            keys.append((str(r.strand), str(r.agency), m))
            rows.append(np.broadcast_to(np.asarray(getattr(r, m), float), (draws.runs,)))
    return keys, np.vstack(rows)


class _Moments:
    """Count, mean, sum of squared deviations, positives, min and max per series."""

    def __init__(self) -> None:
        self.n = 0
        self.mean = self.m2 = self.positive = self.low = self.high = np.zeros(0)

    def add(self, x: np.ndarray) -> None:
        k = x.shape[1]
        mean, m2 = x.mean(axis=1), ((x - x.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
        if self.n == 0:
            self.mean, self.m2 = mean, m2
            self.positive = (x > 0).sum(axis=1)
            self.low, self.high = x.min(axis=1), x.max(axis=1)
        else:
            delta, total = mean - self.mean, self.n + k
            self.mean = self.mean + delta * k / total
            self.m2 = self.m2 + m2 + delta**2 * self.n * k / total
            self.positive = self.positive + (x > 0).sum(axis=1)
            self.low = np.minimum(self.low, x.min(axis=1))
            self.high = np.maximum(self.high, x.max(axis=1))
        self.n += k


def _bins(x: np.ndarray, low: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Each value's bin in its series' histogram, as an index into all series' bins."""
    scaled = (x - low[:, None]) / np.where(width > 0, width, 1.0)[:, None] * BINS
    index = np.clip(scaled.astype(np.int64), 0, BINS - 1)
    return index + (np.arange(len(x)) * BINS)[:, None]


def _percentiles(counts: np.ndarray, m: _Moments) -> np.ndarray:
    """(series, QUANTILES) from the histograms, as numpy's linear percentile would give."""
    width = m.high - m.low
    out = np.empty((len(counts), len(QUANTILES)))
    cumulative = np.cumsum(counts, axis=1)
    for j, q in enumerate(QUANTILES):
        rank = q * (m.n - 1)  # the value's position among the sorted values
        b = np.array([np.searchsorted(c, rank, side="right") for c in cumulative])
        b = np.minimum(b, BINS - 1)
        before = np.where(b > 0, cumulative[np.arange(len(b)), b - 1], 0)
        inside = counts[np.arange(len(b)), b]
        fraction = np.clip((rank - before + 0.5) / np.maximum(inside, 1), 0.0, 1.0)
        out[:, j] = m.low + width * (b + fraction) / BINS
    return np.where(width[:, None] > 0, out, m.low[:, None])


def streamed_summary(
    scn: Scenario,
    runs: int,
    seed: int = 1,
    workers: int | None = None,
    progress: Progress | None = None,
    on_block: OnBlock | None = None,
) -> pd.DataFrame:
    """`ledger.summary` of `runs` fast-engine iterations (the same frame), each block of draws
    handed to `on_block` (to write them) and then let go."""
    if runs <= EXACT_RUNS:
        draws = run(scn, runs, seed, "fast", workers, progress)
        if on_block:
            on_block(draws, 0)
        return summary(draws)
    m, start = _Moments(), 0
    keys: list[tuple[str, str, str]] = []
    for block in run_blocks(scn, runs, seed, workers, progress, BLOCK):
        keys, x = _series(block)
        m.add(x)
        if on_block:
            on_block(block, start)
        start += block.runs
    counts = np.zeros(len(keys) * BINS, np.int64)
    for block in run_blocks(scn, runs, seed, workers, block=BLOCK):
        _, x = _series(block)
        counts += np.bincount(_bins(x, m.low, m.high - m.low).ravel(), minlength=counts.size)
    p = _percentiles(counts.reshape(len(keys), BINS), m)
    sd = np.sqrt(m.m2 / (m.n - 1))
    return pd.DataFrame(
        [
            {
                "strand": s,
                "agency": a,
                "measure": measure,
                "mean": float(m.mean[i]),
                "sd": float(sd[i]),
                "p05": float(p[i, 0]),
                "p50": float(p[i, 1]),
                "p95": float(p[i, 2]),
                "p_positive": float(m.positive[i] / m.n),
            }
            for i, (s, a, measure) in enumerate(keys)
        ]
    )
