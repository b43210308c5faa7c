"""The app's first page: who gains, who pays, and how sure we are (per agency and per strand)."""

from __future__ import annotations

import streamlit as st

from obcsim.accounts import ledger
from obcsim.outputs import boardcharts, boardview, charts
from obcsim.ui.state import View, chart


def show(view: View) -> None:
    draws = view.draws
    summary = ledger.summary(draws)
    st.caption(f"{draws.runs:,} iterations, seed {draws.seed}, {draws.engine} engine")
    st.subheader("Annual impact by agency: who gains, who pays")
    chart(draws, "impact", lambda: charts.impact_distribution(ledger.draw_frame(draws)))
    st.subheader("How likely is each agency to come out ahead?")
    chart(draws, "agency chances", lambda: boardcharts.p_positive(summary))
    st.subheader("How likely is each strand to come out ahead?")
    chart(draws, "strand chances", lambda: boardcharts.strand_p_positive(summary))
    st.dataframe(boardview.strand_chances(summary), hide_index=True)
    st.subheader("Where the money lands: mean annual impact by strand and agency")
    chart(draws, "heatmap", lambda: charts.heatmap(summary))
    st.subheader("Savings against costs, per agency (90% intervals)")
    chart(draws, "savings", lambda: charts.savings_vs_costs(summary))
