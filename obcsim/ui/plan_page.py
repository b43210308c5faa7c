"""The app's evaluation plan (for the Evaluate tab): power, time to evidence, and which
evaluation is worth commissioning. Thin: every figure from `obcsim.evidence.plan`, the tables
from `outputs.plan_display`, the chart from `outputs.plan_chart`."""

from __future__ import annotations

from typing import Any

import streamlit as st

from obcsim.accounts.years import Settings
from obcsim.case import edit
from obcsim.case.scenario import Scenario
from obcsim.evidence import plan, plan_text
from obcsim.outputs.plan_chart import time_to_evidence
from obcsim.outputs.plan_display import power_display, worth_display
from obcsim.ui.state import altair

DRAWS = 10_000  # EVPPI draws in the app (the CLI's default is 20,000)


def _figures(scn: Scenario, seed: int) -> tuple[dict[str, Any], Any]:
    """The plan, cached in the session by scenario content and seed."""
    cache: dict[tuple[str, int], Any] = st.session_state.setdefault("plans", {})
    key = (edit.to_yaml(scn), seed)
    if key not in cache:
        with st.spinner("Working out power, time to evidence and the value of information"):
            cache[key] = (plan.plan(scn, Settings.of(scn), seed, draws=DRAWS), plan.timeline(scn))
    return cache[key]


def show(scn: Scenario, seed: int) -> None:
    """The evaluation plan for `scn`."""
    st.subheader("Evaluation plan")
    figures, timeline = _figures(scn, seed)
    st.session_state["plan"] = figures
    for line in plan_text.findings(figures):
        st.markdown(f"- {line}")
    st.markdown(
        "**Power and smallest detectable effect** (one-year proven reoffending of everyone "
        "referred against a comparison group of the same size; two-sided test at 5%)"
    )
    st.dataframe(power_display(figures), hide_index=True)
    st.markdown(
        "**Time to evidence**: an outcome is complete 12 months after referral plus 6 months "
        "for convictions to be recorded; the grey band is the OBC's planned evaluation "
        "(July to September 2014); dashed lines, the cohort for 80% power."
    )
    needed = {r["strand"]: r["cohort_for_80"] for r in figures["power"]}
    altair(time_to_evidence(timeline, plan.OBC_WINDOW, needed))
    st.markdown(
        "**Which evaluation is worth commissioning** (expected value of perfect information, "
        f"net present value over {figures['horizon_years']} years)"
    )
    st.dataframe(worth_display(figures), hide_index=True)
    st.download_button(
        "Evaluation plan (Markdown)",
        plan_text.markdown(figures).encode(),
        "obcsim-evaluation-plan.md",
        "text/markdown",
    )
