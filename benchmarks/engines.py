"""Benchmark: the flow and fast engines on the shipped scenarios, side by side in one process.

    python benchmarks/engines.py            # table, then JSON
    python benchmarks/engines.py --json     # JSON only

For each scenario it measures, on one core: milliseconds per iteration of `flow` and of `fast`,
and the RNG floor (the time NumPy takes just to draw the uniforms the person-by-person model
needs: 7 per person and 3 per episode, counted from the flow runs). It also times 10,000 fast
iterations with 2 workers (the interactive target) and the peak memory of 100,000 fast
iterations in a fresh process. Not part of the test suite: timings belong here, not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from obcsim.case.load import load_scenario
from obcsim.model.flow import STATS
from obcsim.model.montecarlo import run

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ["barnet_obc_2013.yaml", "barnet_evidence_adjusted.yaml"]
MEMORY = """
import resource, sys
from obcsim.model.montecarlo import run
from obcsim.case.load import load_scenario
from obcsim.accounts import ledger
draws = run(load_scenario(sys.argv[1]), 100_000, seed=1, engine="fast", workers=1)
ledger.summary(draws)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def timed(fn, repeat: int = 3) -> float:
    """Best of `repeat` wall times, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def rng_floor(uniforms: int) -> float:
    """Seconds to draw `uniforms` uniforms with NumPy's default generator, in 1e7 blocks."""
    rng = np.random.default_rng(0)

    def draw() -> None:
        left = uniforms
        while left > 0:
            rng.random(min(left, 10_000_000))
            left -= 10_000_000

    return timed(draw)


def bench(name: str, flow_runs: int, fast_runs: int) -> dict[str, float | str]:
    path = ROOT / "scenarios" / name
    scn = load_scenario(path)
    flow_s = timed(lambda: run(scn, flow_runs, seed=1, engine="flow", workers=1), repeat=2)
    flow = run(scn, flow_runs, seed=1, engine="flow", workers=1)
    stats = flow.stats.mean(axis=0)
    people = stats[:, STATS.index("people")].sum()
    episodes = stats[:, STATS.index("bau_episodes")].sum()
    uniforms = int(np.rint(7 * people + 3 * episodes))
    fast_s = timed(lambda: run(scn, fast_runs, seed=1, engine="fast", workers=1))
    fast2_s = timed(lambda: run(scn, 10_000, seed=1, engine="fast", workers=2))
    floor_s = rng_floor(uniforms * fast_runs)
    memory = subprocess.run(
        [sys.executable, "-c", MEMORY, str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()
    flow_ms, fast_ms, floor_ms = (
        1000 * flow_s / flow_runs,
        1000 * fast_s / fast_runs,
        1000 * floor_s / fast_runs,
    )
    return {
        "scenario": name,
        "people_per_iteration": round(float(people), 1),
        "uniforms_per_iteration": uniforms,
        "flow_ms_per_iteration_1_core": round(flow_ms, 4),
        "fast_ms_per_iteration_1_core": round(fast_ms, 5),
        "rng_floor_ms_per_iteration": round(floor_ms, 5),
        "fast_over_flow_speedup": round(flow_ms / fast_ms, 1),
        "fast_over_rng_floor_ratio": round(fast_ms / floor_ms, 3),
        "fast_10000_iterations_2_workers_s": round(fast2_s, 3),
        "fast_100000_iterations_peak_rss_mb": round(float(memory), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flow-runs", type=int, default=500)
    parser.add_argument("--fast-runs", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    results = [bench(name, args.flow_runs, args.fast_runs) for name in SCENARIOS]
    machine = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "processor": platform.machine(),
    }
    if not args.json:
        keys = list(results[0])[1:]
        width = max(map(len, keys))
        print(f"machine: {machine}")
        print(f"{'':<{width}}  " + "  ".join(f"{r['scenario'][:28]:>28}" for r in results))
        for k in keys:
            print(f"{k:<{width}}  " + "  ".join(f"{r[k]!s:>28}" for r in results))
        print()
    print(json.dumps({"machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
