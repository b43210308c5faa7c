"""Benchmark: the board pack, end to end and stage by stage.

    python benchmarks/boardpack.py            # table, then JSON
    python benchmarks/boardpack.py --json     # JSON only

The command as a user runs it (`obcsim boardpack ... --out pack.pdf` and `.docx` in a fresh
process, best of two), then, in this process, where the time goes (best of three, after one
warm-up): the figures (`boardpack.build`: the Monte Carlo draws, the funding models, what
drives the answer), the four charts (vl-convert), the PDF (Typst) and the Word file
(python-docx); and the PDF's page count (pdfinfo, when poppler is installed). Shipped
as-published scenario, 2,000 runs. Not part of the test suite: timings belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "barnet_obc_2013.yaml"
RUNS = 2000


def command(out: Path) -> float:
    """Wall seconds of one `obcsim boardpack ... --out` in a fresh process (best of two)."""
    args = [sys.executable, "-m", "obcsim.ui.cli", "boardpack", str(SCENARIO), "--out", str(out)]
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        subprocess.run([*args, "--runs", str(RUNS)], check=True, capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


def best_of(fn: Callable[[], Any], n: int = 3) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(n):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def pages(pdf: Path) -> int | None:
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((int(ln.split()[1]) for ln in info.splitlines() if ln.startswith("Pages:")), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from obcsim.accounts.years import Settings
    from obcsim.case.load import load_scenario
    from obcsim.outputs import boardpack, boardpack_charts, boardpack_docx, boardpack_pdf

    scn = load_scenario(SCENARIO)
    settings = Settings.of(scn)

    def build() -> boardpack.Pack:
        return boardpack.build(
            scn, settings, funding_model="as_published", runs=RUNS, seed=1, scenario_path=SCENARIO
        )

    build()  # warm-up: imports, the process pool, vl-convert's engine
    with tempfile.TemporaryDirectory() as folder:
        pdf_path, docx_path = Path(folder) / "pack.pdf", Path(folder) / "pack.docx"
        cmd_pdf, cmd_docx = command(pdf_path), command(docx_path)
        count, sizes = pages(pdf_path), (pdf_path.stat().st_size, docx_path.stat().st_size)
    t_build, pack = best_of(build)
    t_charts, charts = best_of(lambda: boardpack_charts.render(pack.figures))
    t_pdf, _ = best_of(lambda: boardpack_pdf.render(pack.blocks, charts, pack.figures))
    t_docx, _ = best_of(lambda: boardpack_docx.render(pack.blocks, charts, pack.figures))
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "runs": RUNS,
        "command_pdf_s": cmd_pdf,
        "command_docx_s": cmd_docx,
        "pdf_pages": count,
        "pdf_bytes": sizes[0],
        "docx_bytes": sizes[1],
        "build_s": t_build,
        "charts_s": t_charts,
        "pdf_render_s": t_pdf,
        "docx_render_s": t_docx,
    }
    if not args.json:
        print(f"obcsim boardpack, {RUNS:,} runs, shipped scenario ({os.cpu_count()} CPUs)")
        print(f"  command, PDF:  {cmd_pdf:6.2f} s  ({count} pages, {sizes[0] / 1024:.0f} KiB)")
        print(f"  command, Word: {cmd_docx:6.2f} s  ({sizes[1] / 1024:.0f} KiB)")
        print(f"  in process: figures {t_build:.2f} s, charts {t_charts:.2f} s, "
              f"PDF {t_pdf:.2f} s, Word {t_docx:.2f} s")  # fmt: skip
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
