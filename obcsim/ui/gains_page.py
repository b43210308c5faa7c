"""The app's first page: who gains and who pays, agency by agency, and how sure we are.

Kept to three charts, whose specs the server builds before the first visitor comes (`warm`):
every element on the first page delays the first chart drawn. The strands have their own page."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import altair as alt
import streamlit as st

from obcsim.accounts import ledger
from obcsim.model.montecarlo import Draws
from obcsim.outputs import boardcharts, charts
from obcsim.ui.state import View, chart, run_caption, spec

# (heading, name, chart of the draws), in page order.
CHARTS: list[tuple[str, str, Callable[[Draws], alt.TopLevelMixin]]] = [
    (
        "Annual impact by agency: who gains, who pays",
        "impact",
        lambda d: charts.impact_distribution(ledger.draw_frame(d)),
    ),
    (
        "How likely is each agency to come out ahead?",
        "agency chances",
        lambda d: boardcharts.p_positive(ledger.summary(d)),
    ),
    (
        "Savings against costs, per agency (90% intervals)",
        "savings",
        lambda d: charts.savings_vs_costs(ledger.summary(d)),
    ),
]


def show(view: View) -> None:
    draws = view.draws
    run_caption(draws)
    for heading, name, build in CHARTS:
        st.subheader(heading)
        chart(draws, name, partial(build, draws))


def warm(draws: Draws) -> None:
    """Build the page's chart specs for these draws ahead of the first visitor."""
    for _, name, build in CHARTS:
        spec(draws, name, partial(build, draws))
