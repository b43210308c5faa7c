"""The app's tables in the OBC's layout, and the downloads: each carries the scenario's name,
the edits in words, the seed and the iterations, so a figure can be traced and re-run."""

from __future__ import annotations

import re

import streamlit as st

from obcsim.accounts import ledger
from obcsim.case import edit
from obcsim.obc.published import published_tables
from obcsim.outputs import boardview, report
from obcsim.ui.state import View, scenario_key

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stem(view: View) -> str:
    """A file name stem from the scenario's name (and 'edited'), and its content hash."""
    name = re.sub(r"[^a-z0-9]+", "-", view.scn.name.lower()).strip("-")[:60]
    return f"{name}-{scenario_key(view.scn)[:8]}"


def show(view: View) -> None:
    draws = view.draws
    table = report.board_table(ledger.summary(draws), published_tables())
    about = boardview.provenance(view.scn, list(view.edits), view.seed, view.runs, draws.engine)
    # Made when a button is clicked, not on every redraw (the workbook takes ~0.3 s).
    downloads = {
        "csv": lambda: boardview.tables_csv(table, about),
        "xlsx": lambda: boardview.tables_xlsx(table, about),
        "yaml": lambda: edit.to_yaml(view.scn).encode(),
    }
    st.session_state["downloads"] = downloads
    st.session_state["shown_table"] = table
    strands = ["all", *[s for s in dict.fromkeys(table.strand) if s != "all"]]
    strand = st.selectbox(
        "Table",
        strands,
        format_func=lambda s: "The programme" if s == "all" else boardview.strand_label(s),
        key="table_strand",
    )
    st.dataframe(report.board_display(table, strand), hide_index=True)
    st.caption("Mean and 90% interval from the Monte Carlo; 'published' is the OBC's figure.")
    name = stem(view)
    a, b, c = st.columns(3)
    a.download_button("Tables (CSV)", downloads["csv"], f"obcsim-tables-{name}.csv", "text/csv")
    b.download_button("Tables (Excel)", downloads["xlsx"], f"obcsim-tables-{name}.xlsx", XLSX)
    c.download_button(
        "Scenario (YAML)", downloads["yaml"], f"obcsim-scenario-{name}.yaml", "application/yaml"
    )
    st.caption(
        f"Scenario: {view.scn.name}. Edits: {about['edits']}. Re-run exactly this with: "
        f"obcsim run obcsim-scenario-{name}.yaml --runs {view.runs} --seed {view.seed} "
        f"--engine {draws.engine}"
    )
