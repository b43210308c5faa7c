"""The project board's app: explore funding scenarios, see who gains, who pays and how sure.

UI only: every figure comes from the obcsim API. Start it with `obcsim app` (or
`streamlit run streamlit_app.py`). Each page is one `(title, function)` in `PAGES`; a page
function takes the `state.View` on show (scenario, base, draws, runs, seed, settings, edits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from obcsim.accounts import ledger
from obcsim.case import edit
from obcsim.outputs import boardview, report
from obcsim.ui import (
    compare_page,
    drivers_page,
    evaluate_page,
    funding_page,
    gains_page,
    plan_page,
    strands_page,
    tables_page,
)
from obcsim.ui.sidebar import choose_scenario, edits_sidebar, run_settings
from obcsim.ui.state import View, guarded, headline, scenario_key, simulate

# One line per page: (tab title, function taking the View).
PAGES: list[tuple[str, Callable[[View], None]]] = [
    ("Who gains", gains_page.show),
    ("By strand", strands_page.show),
    ("How sure", lambda view: drivers_page.show(view.scn, view.seed)),
    ("Who pays (funding)", funding_page.show),
    ("Tables and downloads", tables_page.show),
    ("Compare", compare_page.show),
    ("Evaluate", evaluate_page.show),
    ("Evaluation plan", lambda view: plan_page.show(view.scn, view.seed)),
]


def pages(view: View) -> None:
    """The pages as tabs that remember which is open across reruns; only the open one runs
    (so an edit redraws one page, not five)."""
    tabs = st.tabs([t for t, _ in PAGES], key="page", on_change="rerun")
    for tab, (_, show) in zip(tabs, PAGES, strict=True):
        if tab.open:
            with tab, guarded():
                show(view)


def main() -> None:
    st.set_page_config(page_title="obcsim: who gains, who pays, how sure", layout="wide")
    st.title("obcsim: the Barnet Safer Communities business case, tested")
    st.caption(
        "Open *Change the assumptions* in the sidebar to edit one; the case re-runs. Every "
        "figure comes from the obcsim model; money is GBP a year at the scenario's price year."
    )
    base, note = choose_scenario()
    if note:
        st.info(note)
    edits = edits_sidebar(base)
    runs, seed, auto, clicked = run_settings()
    last: dict[str, Any] | None = st.session_state.get("last_good")
    scn = None
    with guarded():
        scn = (
            boardview.edited(base, edit.apply(base, edits, source="your edits"), edits)
            if edits
            else base
        )
    if scn is not None and (auto or clicked or last is None):
        with guarded():
            draws = simulate(scn, runs, seed, "this case")
            words = tuple(boardview.describe_edits(base, edits))
            last = {"scn": scn, "base": base, "draws": draws, "runs": runs, "seed": seed}
            last["edits"] = words
            st.session_state["last_good"] = last
    if last is None:  # refused before any good result: the message is on the page
        return
    shown = (scenario_key(last["scn"]), last["runs"], last["seed"])
    wanted = None if scn is None else (scenario_key(scn), runs, seed)
    if wanted is not None and wanted != shown:
        st.warning(
            "Your latest changes are not run yet: the figures below are for the case named "
            "here. Press Run in the sidebar (or turn on 'Update automatically' under 'Run "
            "settings')."
        )
    elif scn is None:
        st.info("Showing the last good results.")
    st.subheader(last["scn"].name)
    if last["edits"]:
        st.caption("Edits: " + "; ".join(last["edits"]))
    headline(report.headline(ledger.summary(last["draws"])))
    pages(View(**last))


if __name__ == "__main__":
    main()
