"""Benchmark: the end-to-end `obcsim run` command, fast engine against flow, in one run.

    python benchmarks/outputs.py            # table, then JSON
    python benchmarks/outputs.py --json     # JSON only

Each command runs as a user runs it (a fresh process: start-up, scenario, simulation, summary,
printing, and `--out` written as a set), on the shipped as-published scenario, 2 workers. Per
iteration: wall time / runs, and the marginal cost (the slope between two run counts, which
leaves out the fixed start-up). It also times, in this process, where the fast command's time
goes at 20,000 runs: the engine, the summary, and the draws as Parquet and as CSV, with their
sizes. Not part of the test suite: timings belong here, not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "barnet_obc_2013.yaml"


def command(engine: str, runs: int, out: Path, draws: str = "parquet") -> float:
    """Wall seconds of one `obcsim run ... --out` in a fresh process (best of two)."""
    args = [sys.executable, "-m", "obcsim.ui.cli", "run", str(SCENARIO), "--engine", engine]
    args += ["--runs", str(runs), "--workers", "2", "--out", str(out), "--draws", draws]
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


def breakdown(runs: int, folder: Path) -> dict[str, float]:
    """Seconds for each step of the fast command, in this process, and the files' sizes."""
    from obcsim.accounts import ledger
    from obcsim.case.load import load_scenario
    from obcsim.model.montecarlo import run
    from obcsim.outputs import draws as draws_file

    scn = load_scenario(SCENARIO)
    out: dict[str, float] = {}
    start = time.perf_counter()
    draws = run(scn, runs, 1, "fast", workers=2)
    out["engine_s"] = time.perf_counter() - start
    start = time.perf_counter()
    ledger.summary(draws)
    out["summary_s"] = time.perf_counter() - start
    for fmt in ("parquet", "csv"):
        path = folder / f"draws.{fmt}"
        start = time.perf_counter()
        draws_file.write(draws, path, fmt)
        out[f"draws_{fmt}_s"] = time.perf_counter() - start
        out[f"draws_{fmt}_mb"] = path.stat().st_size / 1e6
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        flow_small, flow_big = 500, 2_000
        fast_small, fast_big = 20_000, 200_000
        t = {
            "flow_500": command("flow", flow_small, folder / "a"),
            "flow_2000": command("flow", flow_big, folder / "b"),
            "fast_20000": command("fast", fast_small, folder / "c"),
            "fast_20000_csv": command("fast", fast_small, folder / "d", "csv"),
            "fast_200000": command("fast", fast_big, folder / "e"),
        }
        steps = breakdown(fast_small, folder)
    flow_per = t["flow_2000"] / flow_big
    flow_marginal = (t["flow_2000"] - t["flow_500"]) / (flow_big - flow_small)
    fast_per = t["fast_20000"] / fast_small
    fast_per_big = t["fast_200000"] / fast_big
    fast_marginal = (t["fast_200000"] - t["fast_20000"]) / (fast_big - fast_small)
    result = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "processor": platform.machine(),
        },
        "seconds": {k: round(v, 3) for k, v in t.items()},
        "flow_us_per_iteration": round(flow_per * 1e6, 1),
        "flow_marginal_us_per_iteration": round(flow_marginal * 1e6, 1),
        "fast_us_per_iteration_at_20000": round(fast_per * 1e6, 1),
        "fast_us_per_iteration_at_200000": round(fast_per_big * 1e6, 2),
        "fast_marginal_us_per_iteration": round(fast_marginal * 1e6, 2),
        "ratio_at_20000": round(flow_per / fast_per, 1),
        "ratio_at_200000": round(flow_per / fast_per_big, 1),
        "ratio_marginal": round(flow_marginal / fast_marginal, 1),
        "fast_20000_in_process": {k: round(v, 3) for k, v in steps.items()},
    }
    if not args.json:
        print(f"end-to-end `obcsim run --out` (2 workers, {result['machine']})")
        print(f"  flow: {flow_per * 1e6:8.1f} us an iteration at {flow_big:,} runs")
        print(
            f"  fast: {fast_per * 1e6:8.1f} us at {fast_small:,} runs: {result['ratio_at_20000']}x"
        )
        print(
            f"  fast: {fast_per_big * 1e6:8.2f} us at {fast_big:,} runs: "
            f"{result['ratio_at_200000']}x"
        )
        print(
            f"  marginal: flow {flow_marginal * 1e6:.1f} us, fast {fast_marginal * 1e6:.2f} us -> "
            f"{result['ratio_marginal']}x"
        )
        print(f"  20,000 fast runs in process: {result['fast_20000_in_process']}")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
