"""The app's strand page: how likely each strand is to come out ahead, and where its money
lands, agency by agency."""

from __future__ import annotations

import streamlit as st

from obcsim.accounts import ledger
from obcsim.outputs import boardcharts, boardview, charts
from obcsim.ui.state import View, chart, run_caption


def show(view: View) -> None:
    draws = view.draws
    summary = ledger.summary(draws)
    run_caption(draws)
    st.subheader("How likely is each strand to come out ahead?")
    chart(draws, "strand chances", lambda: boardcharts.strand_p_positive(summary))
    st.dataframe(boardview.strand_chances(summary), hide_index=True)
    st.subheader("Where the money lands: mean annual impact by strand and agency")
    chart(draws, "heatmap", lambda: charts.heatmap(summary))
