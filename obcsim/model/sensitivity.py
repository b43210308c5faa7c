"""What drives the answer: one-way (tornado) and variance-based (Sobol) sensitivity of any
vectorised evaluate to its uncertain inputs. Knows nothing of the scenario's structure.

An input has `key`, `label`, `group`, `ppf` (inverse CDF) and `mean` (`InputLike`; `Input` is a
ready-made one). `evaluate(X)` takes X (n, k), column j = inputs[j], and returns named outcomes
of shape (n,), e.g. {"programme": ..., "police": ..., "strand:njp": ...}.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import delayed

from obcsim.model.sweep import CHUNK, Evaluate, InputLike, evaluate_uniform, parallel

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
    """Saltelli's design on the unit hypercube, first and total order only: n * (k + 2) rows,
    for each base point A, then A with column j from B for each j, then B, where (A, B) is a
    scrambled Sobol' sequence in 2k dimensions. The same design as `SALib.sample.sobol.sample`
    (same scipy generator and seed; a test checks), built with array operations rather than
    SALib's loop over rows, which takes seconds at the sizes the Barnet report needs.
    `sweep.to_values` maps it through the ppfs."""
    from scipy.stats import qmc

    if n < 2 or n & (n - 1):
        raise ValueError("n must be a power of 2 (Sobol' sequence balance)")
    k = len(inputs)
    base = qmc.Sobol(d=2 * k, scramble=True, seed=_seeds(seed)[0]).random(n)
    A, B = base[:, :k], base[:, k:]
    design = np.repeat(A[:, None, :], k + 2, axis=1)
    rows = np.arange(k)
    design[:, 1 + rows, rows] = B[:, rows]
    design[:, k + 1, :] = B
    return design.reshape(n * (k + 2), k)


def _analyze(problem: dict, y: np.ndarray, conf: float, resamples: int, boot: int) -> dict:
    """Sobol' indices of one outcome with bootstrap half-widths: SALib's estimators and
    bootstrap (`SALib.analyze.sobol.analyze`: Saltelli 2010 first order, Jansen total order,
    output standardised, `resamples` resamples of the base points drawn from `boot`), with the
    resamples' A and B gathered once for all inputs instead of once per input as SALib does
    (ten times faster for the Barnet case; a test checks the figures equal SALib's). A constant
    outcome gets zeros and a note instead of NaNs and warnings."""
    from scipy.stats import norm

    k = problem["num_vars"]
    if np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())):
        return {"S1": np.zeros(k), "S1_conf": np.zeros(k), "ST": np.zeros(k),
                "ST_conf": np.zeros(k), "note": CONSTANT}  # fmt: skip
    step = k + 2
    Y = (y - y.mean()) / y.std()
    A, B = Y[0::step], Y[step - 1 :: step]
    AB = np.column_stack([Y[j + 1 :: step] for j in range(k)])
    var = np.var(np.r_[A, B])
    out: dict = {
        "S1": np.mean(B[:, None] * (AB - A[:, None]), axis=0) / var,
        "ST": 0.5 * np.mean((A[:, None] - AB) ** 2, axis=0) / var,
    }
    r = np.random.default_rng(boot).integers(len(A), size=(len(A), resamples))
    Ar, Br = A[r], B[r]
    var_r = np.var(np.r_[Ar, Br], axis=0)
    z = float(norm.ppf(0.5 + conf / 2))
    s1, st = np.empty((resamples, k)), np.empty((resamples, k))
    for j in range(k):
        ABr = AB[:, j][r]
        s1[:, j] = np.mean(Br * (ABr - Ar), axis=0) / var_r
        st[:, j] = 0.5 * np.mean((Ar - ABr) ** 2, axis=0) / var_r
    out["S1_conf"] = z * s1.std(axis=0, ddof=1)
    out["ST_conf"] = z * st.std(axis=0, ddof=1)
    out["note"] = ""
    return out


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
    _check(inputs)
    U = sobol_sample(inputs, n, seed)
    out = evaluate_uniform(inputs, evaluate, U, chunk=chunk, n_jobs=n_jobs)
    problem = _problem(inputs)
    boot = _seeds(seed)[1]
    names = list(out)
    for name in names:
        if not np.all(np.isfinite(out[name])):
            raise ValueError(f"outcome {name!r} has non-finite values")
    args = [
        (problem, np.asarray(out[o], dtype=np.float64), conf, num_resamples, boot) for o in names
    ]
    if n_jobs == 1 or len(names) <= 1:
        found = [_analyze(*a) for a in args]
    else:  # the bootstrap dominates: one outcome a task
        found = list(parallel(n_jobs)(delayed(_analyze)(*a) for a in args))
    frames = []
    for name, si in zip(names, found, strict=True):
        frame = pd.DataFrame(
            {
                "outcome": name,
                "key": [i.key for i in inputs],
                "label": [i.label for i in inputs],
                "group": [i.group for i in inputs],
            }
        )
        for col in ["S1", "S1_conf", "ST", "ST_conf"]:
            frame[col] = si[col]
        frame["note"] = si["note"]
        frames.append(frame.sort_values("ST", ascending=False, kind="stable"))
    result = pd.concat(frames, ignore_index=True)[SOBOL_COLUMNS]
    result.attrs.update(n=n, evaluations=len(U), conf=conf, seed=seed)
    return result


def _worst(table: pd.DataFrame, top: int, rel: float, indices: Sequence[str]) -> float:
    """The largest (half-width / (rel * index)) among each outcome's `top` largest total
    indices; indices below 0.01 are exempt (under 1% of the variance is ranked, not measured)."""
    worst = 0.0
    for _, rows in table[table["note"] == ""].groupby("outcome", sort=False):
        best = rows.nlargest(top, "ST")
        for idx in indices:
            big = best[best[idx] >= 0.01]
            if len(big):
                worst = max(worst, float((big[f"{idx}_conf"] / (rel * big[idx])).max()))
    return worst


def precise_enough(
    table: pd.DataFrame, top: int = 5, rel: float = 0.10, indices: Sequence[str] = ("ST",)
) -> bool:
    """True when, for every outcome, the `top` largest total indices have confidence
    half-widths <= rel of the index (`indices=("ST", "S1")` to ask it of the first-order
    indices too). Indices below 0.01 are exempt."""
    return _worst(table, top, rel, indices) <= 1.0


def sobol_until(
    inputs: Sequence[InputLike],
    evaluate: Evaluate,
    seed: int,
    *,
    top: int = 5,
    rel: float = 0.10,
    n_start: int = 2048,
    n_max: int = 65_536,
    conf: float = 0.95,
    num_resamples: int = 100,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """`sobol` precise enough (`precise_enough(top, rel)`): a pilot at n_start, then n chosen
    from the pilot's half-widths (they shrink as 1/sqrt(n)), doubled again if need be, up to
    n_max. attrs: n, evaluations, precise (whether the target was met), tried (every n run)."""
    n, tried = n_start, []
    while True:
        table = sobol(inputs, evaluate, n, seed, conf, num_resamples=num_resamples, n_jobs=n_jobs)
        tried.append(n)
        worst = _worst(table, top, rel, ("ST",))
        if worst <= 1.0 or n >= n_max:
            table.attrs.update(precise=worst <= 1.0, tried=tried)
            return table
        # Half-widths shrink as 1/sqrt(n); the pilot's are themselves noisy, so aim 30% past
        # the estimate rather than pay for another round.
        wanted = n * worst**2 * 1.3
        n = min(n_max, max(2 * n, 1 << int(np.ceil(np.log2(wanted)))))
