"""The app's comparison: this case against another, iteration by iteration on the same random
numbers. An agency the change does not reach shows exactly £0, with no interval."""

from __future__ import annotations

import streamlit as st

from obcsim.accounts import ledger
from obcsim.case.shipped import shipped
from obcsim.outputs import boardview, charts
from obcsim.ui.sidebar import shipped_scenario, title
from obcsim.ui.state import View, altair, simulate

BEFORE_EDITS = "The same scenario before my edits"


def show(view: View) -> None:
    options = [BEFORE_EDITS, *shipped()]
    other_name = st.selectbox(
        "Compare with",
        options,
        format_func=lambda o: o if o == BEFORE_EDITS else title(o),
        key="compare_with",
    )
    other = view.base if other_name == BEFORE_EDITS else shipped_scenario(other_name)
    label = other_name if other_name == BEFORE_EDITS else other.name
    other_draws = simulate(other, view.runs, view.seed, label)
    diff = ledger.compare(view.draws, other_draws)
    st.caption(
        "Both cases run on the same random numbers (common random numbers, per strand), so a "
        "difference is the change's own; an agency it does not reach differs by exactly £0."
    )
    altair(charts.difference(diff, "this case", "comparison"))
    st.dataframe(boardview.compare_display(diff), hide_index=True)
