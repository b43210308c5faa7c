"""What drives the answer: one-way (tornado) and variance-based (Sobol) sensitivity of any
vectorised evaluate to its uncertain inputs. Knows nothing of the scenario's structure.

An input has `key`, `label`, `group`, `ppf` (inverse CDF) and `mean` (`InputLike`; `Input` is a
ready-made one). `evaluate(X)` takes X (n, k), column j = inputs[j], and returns named outcomes
of shape (n,), e.g. {"programme": ..., "police": ..., "strand:njp": ...}.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from obcsim.model.sweep import CHUNK, Evaluate, InputLike, evaluate_rows, to_values

TORNADO_COLUMNS = [
    "outcome", "key", "label", "input_low", "input_high", "base", "at_low", "at_high", "swing"
]  # fmt: skip
SOBOL_COLUMNS = ["outcome", "key", "label", "group", "S1", "S1_conf", "ST", "ST_conf", "note"]
CONSTANT = "constant outcome: no variance to apportion"


@dataclass(frozen=True)
class Input:
    """An uncertain input (satisfies `InputLike`)."""

    key: str
    label: str
    group: str
    ppf: Callable[[np.ndarray], np.ndarray]
    mean: float


def _check(inputs: Sequence[InputLike]) -> None:
    if not inputs:
        raise ValueError("no uncertain inputs")
    keys = [i.key for i in inputs]
    if len(set(keys)) != len(keys):
        raise ValueError("input keys must be unique")


def tornado(
    inputs: Sequence[InputLike], evaluate: Evaluate, low: float = 0.05, high: float = 0.95
) -> pd.DataFrame:
    """One-way sensitivity: every input at its mean except one, set to its `low` and `high`
    quantile. One row per (outcome, input): the input's two values, the outcome at the base
    (all means), at low and at high, and the swing |at_high - at_low|; rows sorted by swing,
    largest first, within each outcome (outcomes in evaluate's order)."""
    _check(inputs)
    if not 0 < low < high < 1:
        raise ValueError("need 0 < low < high < 1")
    k = len(inputs)
    means = np.array([i.mean for i in inputs], dtype=np.float64)
    lo = np.array([float(np.asarray(i.ppf(np.array([low])))[0]) for i in inputs])
    hi = np.array([float(np.asarray(i.ppf(np.array([high])))[0]) for i in inputs])
    X = np.tile(means, (1 + 2 * k, 1))
    X[1 + np.arange(k), np.arange(k)] = lo
    X[1 + k + np.arange(k), np.arange(k)] = hi
    out = evaluate(X)
    frames = []
    for name, y in out.items():
        y = np.asarray(y, dtype=np.float64)
        frame = pd.DataFrame(
            {
                "outcome": name,
                "key": [i.key for i in inputs],
                "label": [i.label for i in inputs],
                "input_low": lo,
                "input_high": hi,
                "base": y[0],
                "at_low": y[1 : 1 + k],
                "at_high": y[1 + k :],
            }
        )
        frame["swing"] = (frame["at_high"] - frame["at_low"]).abs()
        frames.append(frame.sort_values("swing", ascending=False, kind="stable"))
    return pd.concat(frames, ignore_index=True)[TORNADO_COLUMNS]


def _problem(inputs: Sequence[InputLike]) -> dict:
    return {
        "num_vars": len(inputs),
        "names": [i.key for i in inputs],
        "bounds": [[0.0, 1.0]] * len(inputs),
    }


def _seeds(seed: int) -> tuple[np.random.Generator, int]:
    """The sampler's generator and the bootstrap's seed, both from one SeedSequence. SALib
    ignores a bootstrap seed of 0 (it falls back to the global RNG), so it is never 0."""
    sample, boot = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(sample), int(boot.generate_state(1)[0]) + 1


def sobol_sample(inputs: Sequence[InputLike], n: int, seed: int) -> np.ndarray:
    """Saltelli's design on the unit hypercube (scrambled Sobol' sequence, n base points, first
    and total order only: n * (k + 2) rows), mapped through each input's ppf."""
    from SALib.sample import sobol as sobol_sampler

    if n < 2 or n & (n - 1):
        raise ValueError("n must be a power of 2 (Sobol' sequence balance)")
    U = sobol_sampler.sample(
        _problem(inputs), n, calc_second_order=False, scramble=True, seed=_seeds(seed)[0]
    )
    return to_values(inputs, U)


def sobol(
    inputs: Sequence[InputLike],
    evaluate: Evaluate,
    n: int,
    seed: int,
    conf: float = 0.95,
    *,
    num_resamples: int = 100,
    chunk: int = CHUNK,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol' indices of every input for every outcome, each with
    the half-width of its `conf` bootstrap confidence interval (S1_conf, ST_conf), by SALib
    (Saltelli 2010 estimators). `n` base points (a power of 2): n * (k + 2) evaluations, run in
    chunks through joblib (`sweep.evaluate_rows`). Rows sorted by ST, largest first, within each
    outcome. An outcome that does not vary gets indices 0 and the note "constant outcome"."""
    from SALib.analyze import sobol as sobol_analyzer

    _check(inputs)
    X = sobol_sample(inputs, n, seed)
    out = evaluate_rows(evaluate, X, chunk=chunk, n_jobs=n_jobs)
    problem = _problem(inputs)
    boot = _seeds(seed)[1]
    frames = []
    for name, y in out.items():
        y = np.asarray(y, dtype=np.float64)
        frame = pd.DataFrame(
            {
                "outcome": name,
                "key": [i.key for i in inputs],
                "label": [i.label for i in inputs],
                "group": [i.group for i in inputs],
            }
        )
        if not np.all(np.isfinite(y)):
            raise ValueError(f"outcome {name!r} has non-finite values")
        if np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())):
            frame[["S1", "S1_conf", "ST", "ST_conf"]] = 0.0
            frame["note"] = CONSTANT
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                si = sobol_analyzer.analyze(
                    problem,
                    y,
                    calc_second_order=False,
                    num_resamples=num_resamples,
                    conf_level=conf,
                    seed=boot,
                )
            for col in ["S1", "S1_conf", "ST", "ST_conf"]:
                frame[col] = np.asarray(si[col], dtype=np.float64)
            frame["note"] = ""
        frames.append(frame.sort_values("ST", ascending=False, kind="stable"))
    result = pd.concat(frames, ignore_index=True)[SOBOL_COLUMNS]
    result.attrs.update(n=n, evaluations=len(X), conf=conf, seed=seed)
    return result


def precise_enough(table: pd.DataFrame, top: int = 5, rel: float = 0.10) -> bool:
    """True when, for every outcome, the `top` largest total indices (and their first-order
    indices) have confidence half-widths <= rel of the index (indices below 0.01 are exempt:
    an input that explains under 1% of the variance is ranked, not measured)."""
    for _, rows in table[table["note"] == ""].groupby("outcome", sort=False):
        best = rows.nlargest(top, "ST")
        for idx, half in [("ST", "ST_conf"), ("S1", "S1_conf")]:
            big = best[best[idx] >= 0.01]
            if (big[half] > rel * big[idx]).any():
                return False
    return True


def sobol_until(
    inputs: Sequence[InputLike],
    evaluate: Evaluate,
    seed: int,
    *,
    top: int = 5,
    rel: float = 0.10,
    n_start: int = 1024,
    n_max: int = 65_536,
    conf: float = 0.95,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """`sobol` with n doubled from n_start until `precise_enough(top, rel)` or n_max. The
    table's attrs say which n it stopped at and whether the target was met."""
    n = n_start
    while True:
        table = sobol(inputs, evaluate, n, seed, conf, n_jobs=n_jobs)
        met = precise_enough(table, top, rel)
        if met or n >= n_max:
            table.attrs["precise"] = met
            return table
        n *= 2
