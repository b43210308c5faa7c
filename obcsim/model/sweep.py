"""Large sweeps of a vectorised evaluate: rows in fixed chunks through joblib, on this machine or
on a Dask cluster, with the same numbers whatever runs them.

Chunk boundaries depend only on the number of rows and `chunk`, never on the number of workers;
chunk c draws its uniforms from child c of one `numpy.random.SeedSequence(seed)`; results are
gathered in chunk order. So `n_jobs=1`, `n_jobs=2` and a Dask cluster give identical bytes.

    with executor(local_cluster=True):          # or executor("tcp://host:8786")
        X, Y = draw(inputs, evaluate, 100_000, seed=1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
from joblib import Parallel, delayed, parallel_config

CHUNK = 65_536
# Uniforms are kept inside the open interval so that an unbounded ppf never returns +-inf.
TINY = 1e-12

Evaluate = Callable[[np.ndarray], dict[str, np.ndarray]]


class InputLike(Protocol):
    """One uncertain input, as the scenario describes it (read-only: a frozen dataclass fits)."""

    @property
    def key(self) -> str: ...  # e.g. "strands.conditional_cautions.cohort"
    @property
    def label(self) -> str: ...  # plain words, e.g. "Conditional cautions: cohort"
    @property
    def group(self) -> str: ...  # EVPPI group, e.g. "conditional cautions: volume"
    @property
    def mean(self) -> float: ...
    @property
    def ppf(self) -> Callable[[np.ndarray], np.ndarray]: ...  # inverse CDF: uniform -> values


def to_values(inputs: Sequence[InputLike], U: np.ndarray) -> np.ndarray:
    """Map uniforms (n, k) column by column through each input's inverse CDF. Each distinct
    uniform is mapped once: a Saltelli design repeats every column's values (k + 2) / 2 times,
    and scipy's inverse CDFs (the beta's above all) cost microseconds a value."""
    U = np.clip(U, TINY, 1.0 - TINY)
    X = np.empty_like(U, dtype=np.float64)
    for j, item in enumerate(inputs):
        distinct, where = np.unique(U[:, j], return_inverse=True)
        X[:, j] = np.asarray(item.ppf(distinct), dtype=np.float64)[where]
    return X


def bounds(n: int, chunk: int = CHUNK) -> list[tuple[int, int]]:
    """Row ranges [start, stop) of the chunks; independent of the number of workers."""
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    return [(start, min(start + chunk, n)) for start in range(0, n, chunk)]


def _stack(parts: Sequence[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    if not parts:
        return {}
    return {
        name: np.concatenate([np.asarray(p[name], dtype=np.float64) for p in parts])
        for name in parts[0]
    }


def parallel(n_jobs: int | None) -> Parallel:
    """A Parallel that honours an enclosing `parallel_config` (Dask) unless told n_jobs."""
    return Parallel() if n_jobs is None else Parallel(n_jobs=n_jobs)


def evaluate_rows(
    evaluate: Evaluate, X: np.ndarray, *, chunk: int = CHUNK, n_jobs: int | None = None
) -> dict[str, np.ndarray]:
    """evaluate(X) computed chunk by chunk in parallel; same result as one call for a row-wise
    (vectorised) evaluate."""
    parts = bounds(len(X), chunk)
    if len(parts) <= 1:
        return _stack([evaluate(X)])
    out = parallel(n_jobs)(delayed(evaluate)(X[a:b]) for a, b in parts)
    return _stack(list(out))


def _map_evaluate(
    inputs: Sequence[InputLike], evaluate: Evaluate, U: np.ndarray
) -> dict[str, np.ndarray]:
    return evaluate(to_values(inputs, U))


def evaluate_uniform(
    inputs: Sequence[InputLike],
    evaluate: Evaluate,
    U: np.ndarray,
    *,
    chunk: int = CHUNK,
    n_jobs: int | None = None,
) -> dict[str, np.ndarray]:
    """evaluate(to_values(inputs, U)) chunk by chunk in parallel: the inverse CDFs (scipy's can
    cost microseconds a value) run in the workers too."""
    parts = bounds(len(U), chunk)
    if len(parts) <= 1:
        return _stack([_map_evaluate(inputs, evaluate, U)])
    out = parallel(n_jobs)(delayed(_map_evaluate)(inputs, evaluate, U[a:b]) for a, b in parts)
    return _stack(list(out))


def _draw_chunk(
    inputs: Sequence[InputLike], evaluate: Evaluate, rows: int, seq: np.random.SeedSequence
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    U = np.random.default_rng(seq).random((rows, len(inputs)))
    X = to_values(inputs, U)
    return X, evaluate(X)


def draw(
    inputs: Sequence[InputLike],
    evaluate: Evaluate,
    n: int,
    seed: int,
    *,
    chunk: int = CHUNK,
    n_jobs: int | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Monte Carlo: n independent draws of every input and the outcomes they give.

    Returns X (n, k), column j = inputs[j], and each outcome's n values."""
    parts = bounds(n, chunk)
    seqs = np.random.SeedSequence(seed).spawn(len(parts))
    args = [(inputs, evaluate, b - a, s) for (a, b), s in zip(parts, seqs, strict=True)]
    if len(args) <= 1:
        out: list[Any] = [_draw_chunk(*a) for a in args]
    else:
        out = list(parallel(n_jobs)(delayed(_draw_chunk)(*a) for a in args))
    if not out:
        return np.empty((0, len(inputs))), {}
    X = np.concatenate([x for x, _ in out])
    return X, _stack([y for _, y in out])


@contextmanager
def executor(
    scheduler: str | None = None,
    local_cluster: bool = False,
    *,
    n_workers: int = 2,
    processes: bool = False,
) -> Iterator[Any]:
    """Where joblib sends the chunks inside the `with` block.

    - `scheduler="tcp://host:8786"`: an existing Dask cluster (`distributed.Client(address)`);
    - `local_cluster=True`: a `distributed.LocalCluster` of `n_workers` on this machine
      (threads by default: starting worker processes costs seconds, and NumPy releases the GIL
      in the heavy work; `processes=True` for separate processes);
    - neither: joblib's own backend on this machine (loky processes for n_jobs > 1).

    Yields the Dask client, or None. Needs `pip install obcsim[cluster]` for the Dask cases."""
    if scheduler is None and not local_cluster:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:  # pragma: no cover - dask is a dev and `cluster` extra
        raise RuntimeError(
            'a Dask scheduler needs dask[distributed]: pip install "obcsim[cluster]"'
        ) from err
    if scheduler is not None:
        with Client(scheduler) as client, parallel_config(backend="dask", n_jobs=-1):
            yield client
        return
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
        parallel_config(backend="dask", n_jobs=-1),
    ):
        yield client
