"""The app's evaluation: observed outcomes in; the assumptions before and after (in words, as
percentages), the case re-run, the recalibrated scenario out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from obcsim.case import edit
from obcsim.evidence import evaluation, observed
from obcsim.outputs import boardview, charts, report
from obcsim.ui.state import View, altair, guarded, recall, remember, scenario_key


def show(view: View) -> None:
    scn, runs, seed = view.scn, view.runs, view.seed
    st.subheader("Recalibrate the case with observed outcomes")
    st.caption(
        "Upload a CSV of observed outcomes (one row per strand, group and period; or a Justice "
        "Data Lab style summary): see the README for the columns. The case shown is the prior."
    )
    upload = st.file_uploader("Observed outcomes (CSV)", type=["csv"], key="observed_upload")
    if upload is None:
        return
    result = None
    with guarded():
        obs = observed.read(upload.getvalue(), upload.name, scn)
        k = (scenario_key(scn), obs.sha256, runs, seed)
        result = recall("evaluations", k)
        if result is None:
            with st.spinner("Updating the assumptions and re-running the case"):
                result = remember("evaluations", k, evaluation.evaluate(scn, obs, runs, seed), runs)
    if result is None:  # refused: the message is on the page
        return
    new, figures = result
    st.session_state["evaluation"] = figures
    params = pd.DataFrame(figures["parameters"])
    altair(charts.prior_posterior(boardview.labelled_parameters(scn, params)))
    st.dataframe(boardview.evaluation_parameters(scn, params), hide_index=True)
    if figures["effects"]:
        st.markdown(
            "**The effect against the comparison group** (reoffending with minus without, in "
            "percentage points: posterior mean and 90% interval)"
        )
        st.dataframe(boardview.evaluation_effects(figures["effects"]), hide_index=True)
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
