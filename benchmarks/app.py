"""Benchmark: the board's interactive loop (issue 13's targets).

    python benchmarks/app.py            # JSON
    python benchmarks/app.py --browser  # also time the first load in headless Chromium

* edit -> funding page: with the funding page open on "fund NJP and IOM only, pooled 40/40/20",
  the NJP cohort is changed in the sidebar; the time until 2,000 iterations of the case and of
  the funded case are run and the funding page is drawn again (Streamlit's AppTest runs the
  real script without a browser). Target: median <= 1 s.
* first load: a new session's first page (AppTest, in a fresh process: imports, 2,000
  iterations, every chart of the first page; and a second session in the same process, as a
  running server serves it; the first of these is served from the cache a second session
  shares); with --browser, from `page.goto` to the headline and to the first chart drawn in
  Chromium against a running `obcsim app`: the first visit after the server starts, visits
  from new browser profiles (empty cache) and from a returning browser, each paired with one
  to a bare Streamlit page with one chart. Target: <= 3 s.
* memory: the caches are LRUs of at most `state.CACHE_SIZE` entries and
  `state.ITERATION_BUDGET` iterations; the results LRU is the server's (shared by sessions),
  the funding positions' LRU each session's, and a session also holds the result on show. The
  bytes an entry takes (draws and what the pages derive from them; a funding position) at 2,000
  and 50,000 iterations give the bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
FIRST_LOAD = f"""
import time
start = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({APP!r}, default_timeout=120)
at.run()
assert not at.exception
first = time.perf_counter() - start
start = time.perf_counter()
at = AppTest.from_file({APP!r}, default_timeout=120)
at.run()
print(first, time.perf_counter() - start)
"""


def funding_loop(repeats: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.session_state["assumptions_open"] = True  # the sidebar's fold, as a board member opens it
    at.session_state["page"] = "Who pays (funding)"
    at.run()
    at.multiselect(key="fund_strands").set_value(["njp", "iom"]).run()
    at.radio(key="fund_model").set_value("pooled").run()
    for agency, share in (("council", 40), ("police", 40), ("probation", 20)):
        at.number_input(key=f"fund_share:{agency}").set_value(share)
    at.run()
    assert not at.exception and not at.error
    key = next(w.key for w in at.number_input if w.key and w.key.endswith(":strands.njp.cohort"))
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        at.number_input(key=key).set_value(205 + 10 * i).run()
        times.append(time.perf_counter() - start)
        assert not at.exception and not at.error
        assert at.session_state["funding_position"] is not None
    return {
        "edit_to_funding_page_median_s": round(statistics.median(times), 3),
        "edit_to_funding_page_max_s": round(max(times), 3),
    }


def first_load(repeats: int) -> dict[str, float]:
    fresh, warm = [], []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_LOAD], capture_output=True, text=True, check=True
        )
        a, b = out.stdout.strip().splitlines()[-1].split()
        fresh.append(float(a))
        warm.append(float(b))
    return {
        "first_load_fresh_process_median_s": round(statistics.median(fresh), 3),
        "first_load_new_session_median_s": round(statistics.median(warm), 3),
    }


REFERENCE = """
import altair as alt
import pandas as pd
import streamlit as st

st.title("reference")
data = pd.DataFrame({"x": range(10)})
st.altair_chart(alt.Chart(data).mark_bar().encode(x="x:O", y="x:Q"))
"""


def _serve(command: list[str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start a server (`command` then its port) on a free port, its output to `log`; wait
    until it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, str(port)], cwd=ROOT, stdout=out, stderr=out, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.5)
    return proc, url


def browser_first_load(repeats: int) -> dict[str, Any]:
    """Seconds from `page.goto` to the headline and to the first chart drawn in Chromium, each
    visit a new session, for three kinds of visit: the first after the server starts (once its
    start-up hook has run the shipped case), from a browser that has never seen it; then, with
    the server running, `repeats` visits each from a new browser profile (an empty cache: a
    board member's first visit) and `repeats` from one returning browser (its cache warm).
    Every visit is paired with the same kind of visit to a reference page (Streamlit with a
    title and one small Altair chart, nothing of obcsim), so their ratio says what the app adds
    to what Streamlit and Vega cost on this machine at that moment."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return {}
    tmp = Path(tempfile.mkdtemp())
    (tmp / "reference.py").write_text(REFERENCE)
    app, url = _serve(
        [sys.executable, "-m", "obcsim.ui.cli", "app", "--headless", "--port"], tmp / "app.log"
    )
    streamlit = [sys.executable, "-m", "streamlit", "run", str(tmp / "reference.py")]
    streamlit += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    ref, ref_url = _serve([*streamlit, "--server.port"], tmp / "reference.log")
    sites = {"app": (url, "Programme annual impact (mean)"), "reference": (ref_url, "reference")}
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    try:
        for _ in range(120):  # until the app's start-up hook has run the shipped case
            if b"is ready" in (tmp / "app.log").read_bytes():
                break
            time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )

            def visit(kind: str, site: str, context: Any) -> None:
                address, text = sites[site]
                page = context.new_page()
                start = time.perf_counter()
                page.goto(address, wait_until="domcontentloaded")
                page.get_by_text(text).first.wait_for(timeout=90_000)
                shown = time.perf_counter() - start
                page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=90_000)
                times.setdefault((kind, site), []).append((shown, time.perf_counter() - start))
                page.close()

            def new_profile() -> Any:
                return browser.new_context(viewport={"width": 1400, "height": 900})

            def visit_new(kind: str, site: str) -> None:
                context = new_profile()
                visit(kind, site, context)
                context.close()

            for site in sites:
                visit_new("after_start", site)
            returning = new_profile()
            for site in sites:  # fills the returning browser's cache
                visit("warm-up", site, returning)
            for _ in range(repeats):
                for site in sites:
                    visit_new("new_browser", site)
                    visit("returning", site, returning)
            browser.close()
    finally:
        for proc in (app, ref):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    out: dict[str, Any] = {}
    for kind in ("after_start", "new_browser", "returning"):
        charts = {site: [c for _, c in times[kind, site]] for site in sites}
        app_chart, ref_chart = (statistics.median(charts[site]) for site in sites)
        out[f"{kind}_headline_s"] = round(statistics.median(h for h, _ in times[kind, "app"]), 3)
        out[f"{kind}_first_chart_s"] = round(app_chart, 3)
        if len(charts["app"]) > 1:
            quartiles = statistics.quantiles(charts["app"])
            out[f"{kind}_first_chart_q1_q3_s"] = [round(quartiles[0], 3), round(quartiles[2], 3)]
        out[f"{kind}_reference_first_chart_s"] = round(ref_chart, 3)
        out[f"{kind}_over_reference"] = round(app_chart / ref_chart, 2)
    return out


def memory() -> dict[str, float]:
    """Bytes of one cache entry (draws with the tables, frame and summary the pages derive; a
    funding position), and the bounds: the server's results LRU (its iteration budget times the
    most an iteration takes), and per session the result on show (at most 50,000 iterations)
    with the positions LRU."""
    from obcsim.accounts import ledger
    from obcsim.accounts.funding_choice import position
    from obcsim.case.load import load_scenario
    from obcsim.model.montecarlo import run
    from obcsim.ui.state import CACHE_SIZE, ITERATION_BUDGET, MAX_APP_RUNS

    scn = load_scenario(ROOT / "scenarios" / "barnet_obc_2013.yaml")
    out: dict[str, float] = {"cache_entries": CACHE_SIZE, "iteration_budget": ITERATION_BUDGET}
    per_run, per_position = 0.0, 0.0
    for runs in (2_000, MAX_APP_RUNS):
        draws = run(scn, runs, 1, "fast", workers=1)
        ledger.summary(draws), ledger.draw_frame(draws)
        size = len(pickle.dumps((draws.gross, draws.amounts, draws.stats, draws._derived)))
        pos = len(pickle.dumps(position(draws)))
        out[f"result_entry_mb_at_{runs}"] = round(size / 1e6, 2)
        out[f"position_entry_mb_at_{runs}"] = round(pos / 1e6, 2)
        per_run, per_position = max(per_run, size / runs), max(per_position, pos / runs)
    out["server_results_bound_mb"] = round(ITERATION_BUDGET * per_run / 1e6, 1)
    out["session_bound_mb"] = round(
        (MAX_APP_RUNS * per_run + ITERATION_BUDGET * per_position) / 1e6, 1
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"iterations": 2000, "repeats": args.repeats}
    result |= funding_loop(args.repeats)
    result |= first_load(args.repeats)
    if args.browser:
        result |= browser_first_load(args.repeats)
    result |= memory()
    result["cpus"] = os.cpu_count() or 0
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
