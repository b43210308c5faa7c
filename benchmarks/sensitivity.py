"""Benchmark: the full sensitivity report on the shipped Barnet case, stage by stage.

    python benchmarks/sensitivity.py                   # joblib, 2 workers
    python benchmarks/sensitivity.py --local-cluster   # the same on a local Dask cluster
    python benchmarks/sensitivity.py --scenario scenarios/barnet_evidence_adjusted.yaml

It times, on the scenario's own settings: the vectorised closed form (parameter sets a second,
one core, 1,000,000 rows); the tornado; Sobol' indices, n raised until every outcome's five
largest total indices have 95% half-widths <= 10% of the index (`sobol_until`); 20,000 Monte
Carlo draws; EVPI and EVPPI for every group and outcome; and `accounts.drivers.drivers`, which
does all of them, end to end (the `obcsim sensitivity` command less start-up). Targets
(issue 11): >= 1,000,000 parameter sets a second; the whole report <= 30 s on the 2-core
machine. Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from obcsim.accounts.drivers import drivers
from obcsim.accounts.uncertainty import Evaluator
from obcsim.accounts.years import Settings
from obcsim.case.load import load_scenario
from obcsim.model import sweep, voi
from obcsim.model.sensitivity import sobol_until, tornado

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "barnet_obc_2013.yaml"))
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--local-cluster", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scn = load_scenario(args.scenario)
    ev = Evaluator(scn, Settings.of(scn))
    items = ev.inputs
    n_jobs = None if (args.scheduler or args.local_cluster) else args.n_jobs
    figures: dict[str, object] = {
        "scenario": scn.name,
        "cores": os.cpu_count(),
        "inputs": len(items),
        "outcomes": len(ev.outcomes),
        "backend": args.scheduler or ("dask LocalCluster" if args.local_cluster else "joblib"),
    }
    X = sweep.to_values(items, np.random.default_rng(0).random((1_000_000, len(items))))
    t = time.perf_counter()
    ev.evaluate(X)
    figures["closed_form_sets_per_s_one_core"] = round(1_000_000 / (time.perf_counter() - t))

    with sweep.executor(args.scheduler, args.local_cluster):
        t = time.perf_counter()
        tornado(items, ev.evaluate)
        figures["tornado_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        indices = sobol_until(items, ev.evaluate, args.seed, n_jobs=n_jobs)
        figures["sobol_s"] = round(time.perf_counter() - t, 2)
        figures["sobol_tried"] = indices.attrs["tried"]
        figures["sobol_evaluations"] = indices.attrs["evaluations"]
        figures["sobol_precise"] = indices.attrs["precise"]
        t = time.perf_counter()
        draws, out = sweep.draw(items, ev.evaluate, args.draws, args.seed, n_jobs=n_jobs)
        figures["draws_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        table = voi.evppi(items, draws, out)
        figures["evppi_s"] = round(time.perf_counter() - t, 2)
        figures["evppi_rows"] = len(table)
        t = time.perf_counter()
        report = drivers(scn, runs=args.draws, seed=args.seed, n_jobs=n_jobs)
        figures["full_report_s"] = round(time.perf_counter() - t, 2)

    worst = max(
        float((rows.head(5)["ST_conf"] / rows.head(5)["ST"]).max())
        for _, rows in indices[indices["ST"] >= 0.01].groupby("outcome", sort=False)
    )
    figures["worst_top5_ST_half_width_ratio"] = round(worst, 3)
    figures["top_three"] = report.top
    print(report.finding())
    for name, value in figures.items():
        print(f"{name:>34}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
