"""Benchmark: a full sensitivity report on a synthetic case the size of Barnet's.

    python benchmarks/sensitivity.py                   # joblib on this machine, 2 workers
    python benchmarks/sensitivity.py --local-cluster   # the same on a local Dask cluster
    python benchmarks/sensitivity.py --scheduler tcp://host:8786

The synthetic evaluate has 20 inputs (5 strands x volume, effect, running cost; 5 shared unit
costs, one EVPPI group) and 10 outcomes (programme, 4 agencies, 5 strands), net present values
in pounds with a multiplicative structure like the real closed form. It times: tornado; Sobol
indices, doubling n until every outcome's five largest indices have 95% half-widths <= 10% of
the index (`sobol_until`); a Monte Carlo sweep; EVPI and EVPPI for every group and outcome.
Target (issue 11): the whole report <= 30 s on the 2-core machine. Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
from scipy import stats

from obcsim.model import sweep, voi
from obcsim.model.sensitivity import Input, sobol_until, tornado

STRANDS = ["njp", "coaches", "conditional_cautions", "iom", "housing_policy"]
AGENCIES = ["police", "cps", "courts", "probation"]
# Share of each strand's avoided cost falling to each agency (rows sum to 1).
SHARES = np.array(
    [
        [0.5, 0.2, 0.2, 0.1],
        [0.6, 0.1, 0.1, 0.2],
        [0.3, 0.4, 0.3, 0.0],
        [0.4, 0.1, 0.2, 0.3],
        [0.7, 0.1, 0.1, 0.1],
    ]
)
VOLUME = np.array([120.0, 60.0, 200.0, 30.0, 80.0])
EFFECT = np.array([0.15, 0.10, 0.20, 0.25, 0.08])
RUNNING = np.array([60e3, 45e3, 90e3, 80e3, 20e3])
UNIT = np.array([1500.0, 900.0, 1200.0, 800.0])
ANNUITY = 4.45  # five years at 3.5%


def inputs() -> list[Input]:
    out = []
    for s, name in enumerate(STRANDS):
        v = stats.lognorm(0.5, scale=VOLUME[s])
        e = stats.beta(4, 4 * (1 - EFFECT[s]) / EFFECT[s])
        c = stats.gamma(25, scale=RUNNING[s] / 25)
        out += [
            Input(f"{name}.volume", f"{name}: volume", f"{name}: volume", v.ppf, float(v.mean())),
            Input(f"{name}.effect", f"{name}: effect", f"{name}: effect", e.ppf, float(e.mean())),
            Input(f"{name}.cost", f"{name}: running cost", f"{name}: cost", c.ppf, c.mean()),
        ]
    for a, agency in enumerate(AGENCIES):
        u = stats.lognorm(0.3, scale=UNIT[a])
        out.append(Input(f"unit.{agency}", f"{agency}: unit cost", "unit costs", u.ppf, u.mean()))
    return out


def evaluate(X: np.ndarray) -> dict[str, np.ndarray]:
    n = len(X)
    vol, eff, cost = X[:, 0:15:3], X[:, 1:15:3], X[:, 2:15:3]
    unit = X[:, 15:19]
    # strand s, agency a: avoided episodes x 3 episodes a person x unit cost x share, 5 years
    saved = (vol * eff * 3.0)[:, :, None] * unit[:, None, :] * SHARES[None] * ANNUITY
    running = cost * ANNUITY
    out = {"programme": saved.sum(axis=(1, 2)) - running.sum(axis=1)}
    for a, agency in enumerate(AGENCIES):
        out[agency] = saved[:, :, a].sum(axis=1) - running @ SHARES[:, a]
    for s, name in enumerate(STRANDS):
        out[f"strand:{name}"] = saved[:, s].sum(axis=1) - running[:, s]
    assert all(v.shape == (n,) for v in out.values())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--voi-draws", type=int, default=100_000)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--local-cluster", action="store_true")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--resamples", type=int, default=100, help="Sobol bootstrap resamples")
    args = parser.parse_args()
    items = inputs()
    n_jobs = None if (args.scheduler or args.local_cluster) else args.n_jobs
    figures: dict[str, object] = {
        "cores": os.cpu_count(),
        "inputs": len(items),
        "backend": args.scheduler or ("dask LocalCluster" if args.local_cluster else "joblib"),
        "resamples": args.resamples,
    }

    X = np.random.default_rng(0).random((1_000_000, len(items)))
    X = sweep.to_values(items, X)
    t = time.perf_counter()
    evaluate(X)
    figures["evaluate_rows_per_s"] = round(1_000_000 / (time.perf_counter() - t))

    with sweep.executor(args.scheduler, args.local_cluster):
        start = time.perf_counter()
        tornado(items, evaluate)
        figures["tornado_s"] = round(time.perf_counter() - start, 3)

        t = time.perf_counter()
        indices = sobol_until(
            items, evaluate, args.seed, num_resamples=args.resamples, n_jobs=n_jobs
        )
        figures["sobol_s"] = round(time.perf_counter() - t, 2)
        figures["sobol_n"] = indices.attrs["n"]
        figures["sobol_tried"] = indices.attrs["tried"]
        figures["sobol_evaluations"] = indices.attrs["evaluations"]
        figures["sobol_precise"] = indices.attrs["precise"]

        t = time.perf_counter()
        draws, out = sweep.draw(items, evaluate, args.voi_draws, args.seed, n_jobs=n_jobs)
        figures["draw_s"] = round(time.perf_counter() - t, 2)

        t = time.perf_counter()
        table = voi.evppi(items, draws, out)
        lines = voi.sentences(table)
        figures["evppi_s"] = round(time.perf_counter() - t, 2)
        figures["evppi_rows"] = len(table)
        figures["total_s"] = round(time.perf_counter() - start, 2)

    top = indices[indices["outcome"] == "programme"].head(5)
    worst = max(
        float((rows.head(5)["ST_conf"] / rows.head(5)["ST"]).max())
        for _, rows in indices.groupby("outcome", sort=False)
    )
    figures["worst_top5_ST_half_width_ratio"] = round(worst, 3)
    print(top[["label", "S1", "S1_conf", "ST", "ST_conf"]].to_string(index=False))
    print(voi.decisions(out).to_string(index=False))
    print("\n".join(lines[:6]))
    for name, value in figures.items():
        print(f"{name:>32}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
