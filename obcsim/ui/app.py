"""The project board's app: explore funding scenarios, see who gains and how sure we are.

UI only: every figure comes from the obcsim API (scenario, edit, montecarlo, report, charts).
Start it with `obcsim app` (or `streamlit run streamlit_app.py`).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import streamlit as st

from obcsim.accounts import ledger
from obcsim.accounts.money import STRAND_LABELS
from obcsim.case import edit
from obcsim.case.load import parse_scenario
from obcsim.case.safeyaml import MAX_BYTES
from obcsim.case.scenario import Scenario
from obcsim.case.shipped import shipped
from obcsim.errors import InputError
from obcsim.evidence import evaluation, observed
from obcsim.model.montecarlo import Draws, preferred_engine, run
from obcsim.obc.published import published_tables
from obcsim.outputs import charts, report
from obcsim.ui import drivers_page

CACHE_SIZE = 32
BEFORE_EDITS = "The same scenario before my edits"
KIND_INPUT: dict[str, dict[str, Any]] = {
    "probability": {"max_value": 1.0, "step": 0.01, "format": "%.3f"},
    "count": {"max_value": None, "step": 10.0, "format": "%.0f"},
    "money": {"max_value": None, "step": 100.0, "format": "%.2f"},
}


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def simulate(scn: Scenario, runs: int, seed: int, label: str) -> Draws:
    """Monte Carlo results, cached in the session by scenario content, seed and runs."""
    cache: OrderedDict[tuple[str, int, int], Draws] = st.session_state.setdefault(
        "results", OrderedDict()
    )
    key = (_key(edit.to_yaml(scn)), runs, seed)
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    engine = preferred_engine(scn)
    bar = st.progress(0.0, text=f"Running {label}: {runs:,} iterations ({engine} engine)")

    def advance(done: int, total: int) -> None:
        bar.progress(done / total)

    draws = run(scn, runs, seed, engine, workers=1, progress=advance)
    bar.empty()
    cache[key] = draws
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return draws


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Bad input is one `st.error` naming file, field and rule; anything else too, rather than
    a traceback on the board's page. (Streamlit's own stop and rerun are not `Exception`s.)"""
    try:
        yield
    except InputError as exc:
        st.error(str(exc))
    except Exception as exc:
        st.error(
            f"obcsim could not finish this: {type(exc).__name__}: {' '.join(str(exc).split())}"
        )


def choose_scenario() -> Scenario | None:
    """The base scenario: a shipped one, or an upload (refused with a message if bad)."""
    files = shipped()
    name = st.sidebar.selectbox("Scenario", list(files), help="Scenarios shipped with obcsim")
    upload = st.sidebar.file_uploader(
        "...or upload a scenario (YAML)",
        type=["yaml", "yml"],
        help=f"At most {MAX_BYTES:,} bytes; loaded safely (no YAML tags that build objects)",
        key="scenario_upload",
    )
    if upload is not None:
        data = upload.getvalue()
        if len(data) > MAX_BYTES:
            st.error(f"{upload.name}: the file is larger than {MAX_BYTES:,} bytes")
            return None
        with guarded():
            return parse_scenario(data, upload.name)
        return None
    return parse_scenario(files[name], name)


def edits_sidebar(base: Scenario) -> dict[edit.Path, float | str]:
    """Inputs for the assumptions that matter, grouped by strand, each with its source note."""
    edits: dict[edit.Path, float | str] = {}
    tag = _key(edit.to_yaml(base))
    fields = edit.editable(base)
    groups = dict.fromkeys(f.group for f in fields)
    st.sidebar.subheader("Assumptions")
    for group in groups:
        title = "Unit costs by agency" if group == "unit_costs" else STRAND_LABELS.get(group, group)
        with st.sidebar.expander(title[:1].upper() + title[1:]):
            for f in (f for f in fields if f.group == group):
                key = f"{tag}:{'.'.join(map(str, f.path))}"
                if f.kind == "agency":
                    agencies = list(base.agencies)
                    new: float | str = st.selectbox(
                        f.label,
                        agencies,
                        index=agencies.index(str(f.value)),
                        key=key,
                        help=f.source,
                    )
                else:
                    bounds = KIND_INPUT[f.kind]
                    new = st.number_input(
                        f.label,
                        min_value=0.0,
                        max_value=bounds["max_value"],
                        value=float(f.value),
                        step=bounds["step"],
                        format=bounds["format"],
                        key=key,
                        help=f.source,
                    )
                if new != f.value:
                    edits[f.path] = new
    return edits


def results(draws: Draws, scn: Scenario, base: Scenario, runs: int, seed: int) -> None:
    summary = ledger.summary(draws)
    table = report.board_table(summary, published_tables())
    # Made when a button is clicked, not on every redraw (the workbook takes ~0.3 s).
    downloads: dict[str, Callable[[], bytes]] = {
        "csv": lambda: table.to_csv(index=False).encode(),
        "xlsx": lambda: report.xlsx_bytes(report.board_sheets(table)),
        "yaml": lambda: edit.to_yaml(scn).encode(),
    }
    st.session_state["downloads"] = downloads
    st.session_state["shown_table"] = table
    gains, sure, tables, versus, evaluate = st.tabs(
        ["Who gains", "How sure", "Tables and downloads", "Compare", "Evaluate"]
    )
    with sure:
        drivers_page.show(scn, seed)
    with gains:
        st.caption(f"{draws.runs:,} iterations, seed {draws.seed}, {draws.engine} engine")
        st.subheader("Annual impact by agency: who gains, who pays")
        st.altair_chart(charts.impact_distribution(ledger.draw_frame(draws)))
        st.subheader("How likely is each agency to come out ahead?")
        st.altair_chart(charts.p_positive(summary))
        st.subheader("Where the money lands: mean annual impact by strand and agency")
        st.altair_chart(charts.heatmap(summary))
        st.subheader("Savings against costs, per agency (90% intervals)")
        st.altair_chart(charts.savings_vs_costs(summary))
    with tables:
        strands = ["all", *[s for s in dict.fromkeys(table.strand) if s != "all"]]
        strand = st.selectbox(
            "Table", strands, format_func=lambda s: STRAND_LABELS.get(s, s), key="table_strand"
        )
        st.dataframe(report.board_display(table, strand), hide_index=True)
        st.caption("Mean and 90% interval from the Monte Carlo; 'published' is the OBC's figure.")
        stem = _key(edit.to_yaml(scn))[:8]
        a, b, c = st.columns(3)
        a.download_button("Tables (CSV)", downloads["csv"], f"obcsim-tables-{stem}.csv", "text/csv")
        b.download_button(
            "Tables (Excel)",
            downloads["xlsx"],
            f"obcsim-tables-{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        c.download_button(
            "Scenario (YAML)", downloads["yaml"], f"obcsim-scenario-{stem}.yaml", "application/yaml"
        )
        st.caption(
            f"Re-run exactly this with: obcsim run obcsim-scenario-{stem}.yaml "
            f"--runs {runs} --seed {seed} --engine {draws.engine}"
        )
    with versus:
        files = shipped()
        options = [BEFORE_EDITS, *files]
        other_name = st.selectbox("Compare with", options, key="compare_with")
        other = (
            base if other_name == BEFORE_EDITS else parse_scenario(files[other_name], other_name)
        )
        other_draws = simulate(other, runs, seed, other_name)
        diff = ledger.compare(draws, other_draws)
        st.altair_chart(charts.difference(diff, "this case", "comparison"))
        st.dataframe(report.compare_display(diff), hide_index=True)
    with evaluate:
        evaluate_page(scn, runs, seed)


def evaluate_page(scn: Scenario, runs: int, seed: int) -> None:
    """Observed outcomes in; prior against posterior, the case re-run, the new scenario out."""
    st.subheader("Recalibrate the case with observed outcomes")
    st.caption(
        "Upload a CSV of observed outcomes (one row per strand, group and period; or a Justice "
        "Data Lab style summary): see the README for the columns. The case shown is the prior."
    )
    upload = st.file_uploader("Observed outcomes (CSV)", type=["csv"], key="observed_upload")
    if upload is None:
        return
    key: tuple[str, str, int, int] | None = None
    cache: dict[tuple[str, str, int, int], Any] = st.session_state.setdefault("evaluations", {})
    with guarded():
        obs = observed.read(upload.getvalue(), upload.name, scn)
        key = (_key(edit.to_yaml(scn)), obs.sha256, runs, seed)
        if key not in cache:
            with st.spinner("Updating the assumptions and re-running the case"):
                cache[key] = evaluation.evaluate(scn, obs, runs, seed)
    if key not in cache:  # refused: the message is on the page
        return
    new, figures = cache[key]
    st.session_state["evaluation"] = figures
    params = pd.DataFrame(figures["parameters"])
    st.altair_chart(charts.prior_posterior(params))
    st.dataframe(
        params[
            [
                "field",
                "prior_mean",
                "prior_p05",
                "prior_p95",
                "posterior_mean",
                "posterior_p05",
                "posterior_p95",
                "n",
                "events",
                "prior_note",
            ]
        ].round(3),
        hide_index=True,
    )
    if figures["effects"]:
        st.markdown(
            "**The effect against the comparison group** (reoffending with minus "
            "without, posterior mean and 90% interval)"
        )
        st.dataframe(pd.DataFrame(figures["effects"]), hide_index=True)
    st.markdown("**The case re-run on the posterior** (programme annual impact by agency)")
    st.dataframe(report.evaluation_display(figures["case"]), hide_index=True)
    st.download_button(
        "Recalibrated scenario (YAML)",
        edit.to_yaml(new).encode(),
        "obcsim-calibrated.yaml",
        "application/yaml",
    )
    st.download_button(
        "Report (Markdown)",
        evaluation.markdown(figures).encode(),
        "obcsim-recalibration.md",
        "text/markdown",
    )


def main() -> None:
    st.set_page_config(page_title="obcsim: who gains, how sure", layout="wide")
    st.title("obcsim: the Barnet Safer Communities business case, tested")
    st.caption(
        "Change an assumption in the sidebar; the case re-runs. Every figure comes from "
        "the obcsim model; money is GBP a year at the scenario's price year."
    )
    base = choose_scenario()
    last: dict[str, Any] | None = st.session_state.get("last_good")
    if base is None:
        if last:
            st.info("Showing the last good results.")
            results(**last)
        return
    edits = edits_sidebar(base)
    st.sidebar.subheader("Run")
    runs = int(st.sidebar.number_input("Iterations", 100, 50_000, 2_000, step=500))
    seed = int(st.sidebar.number_input("Seed", 0, 2**31 - 1, 1, step=1))
    auto = st.sidebar.toggle("Update automatically", value=True)
    clicked = st.sidebar.button("Run", type="primary")
    scn = None
    with guarded():
        scn = edit.apply(base, edits, source="your edits")
    if scn is None:  # refused: the message is on the page
        if last:
            st.info("Showing the last good results.")
            results(**last)
        return
    if auto or clicked or last is None:
        with guarded():
            draws = simulate(scn, runs, seed, "this case")
            last = {"draws": draws, "scn": scn, "base": base, "runs": runs, "seed": seed}
            st.session_state["last_good"] = last
        if last is None:  # refused before any good result: the message is on the page
            return
    st.subheader(last["scn"].name + (" (edited)" if edits else ""))
    for column, (label, value) in zip(
        st.columns(3), report.headline(ledger.summary(last["draws"])).items(), strict=True
    ):
        column.metric(label, value)
    results(**last)


if __name__ == "__main__":
    main()
