"""The app's "How sure" page: how likely each agency, strand and the programme are to come
out ahead under the evidence, the gap between the point estimates and the evidence, and which
assumptions drive the answer. UI only: `accounts.drivers` computes, `outputs.howsure` lays out."""

from __future__ import annotations

import streamlit as st

from obcsim.accounts.drivers import drivers
from obcsim.accounts.money import gbp, pct
from obcsim.accounts.years import Settings
from obcsim.case import edit
from obcsim.case.load import parse_scenario
from obcsim.case.scenario import Scenario
from obcsim.outputs import charts, howsure
from obcsim.ui.state import altair

DRAWS = 10_000  # P(ahead) to within half a point (standard error); about a second


@st.cache_data(max_entries=16, show_spinner=False)
def _report(text: str, name: str, seed: int, sobol: bool) -> dict:
    """The report's frames for a scenario's YAML (cached by content: at most 16 kept)."""
    scn = parse_scenario(text, name)
    found = drivers(scn, Settings.of(scn), runs=DRAWS, seed=seed, sobol=sobol, n_jobs=1)
    return {
        "frames": howsure.frames(found),
        "finding": found.finding(),
        "top": found.top,
        "sentences": found.sentences,
        "base": float(found.tornado["base"].to_numpy()[0]),
        "years": found.settings.years,
        "inputs": found.inputs,
    }


def show(scn: Scenario, seed: int) -> None:
    """The page for the scenario as edited."""
    text = edit.to_yaml(scn)
    sobol = st.toggle(
        "Also apportion the variance (Sobol' indices; about five seconds)", key="sobol"
    )
    with st.spinner("Working out what drives the answer..."):
        r = _report(text, scn.name, seed, sobol)
    frames = r["frames"]
    st.subheader(f"How sure: each {r['years']}-year NPV under the evidence")
    st.info(r["finding"])
    st.caption(
        f"{DRAWS:,} draws of the {r['inputs']} uncertain inputs (seed {seed}); the uncertainty "
        "is in what the evidence supports, averaged over people. The figure above is worked out "
        "exactly with every input at its mean; the table averages the draws."
    )
    how = frames["how_sure"]
    altair(charts.chances(how))
    shown = how.assign(
        **{c: how[c].map(gbp) for c in ("base_case", "mean", "p05", "p95")},
        p_ahead=how["p_ahead"].map(pct),
        evpi=how["evpi"].map(gbp),
    )[["outcome", "base_case", "mean", "p05", "p95", "p_ahead", "evpi"]]
    st.dataframe(
        shown.rename(
            columns={
                "outcome": "Who",
                "base_case": "Point estimates",
                "mean": "Mean of the draws",
                "p05": "5th pct.",
                "p95": "95th pct.",
                "p_ahead": "Chance ahead",
                "evpi": "Worth knowing",
            }
        ),
        hide_index=True,
        height=35 * (len(shown) + 1) + 3,  # every row shown, no inner scroll
        column_config={
            "Who": st.column_config.TextColumn(width="medium"),
            "Point estimates": st.column_config.TextColumn(help="NPV at the base case's points"),
            "Worth knowing": st.column_config.TextColumn(
                help="The expected value of perfect information: what knowing every uncertain "
                "input for sure would be worth to this decision"
            ),
        },
    )
    st.subheader("The three assumptions that matter most")
    for i, label in enumerate(r["top"], 1):
        st.markdown(f"{i}. {label}")
    altair(charts.tornado(frames["drivers"], r["base"]))
    st.caption(
        "Each bar: the programme's NPV with one input at its 5th and at its 95th percentile, "
        "every other at its mean (the line)."
    )
    st.subheader("Which evidence is worth paying for")
    for sentence in r["sentences"]:
        st.markdown(f"- {sentence}")
    if "sobol" in frames:
        st.subheader("Share of the variance, by input (programme)")
        table = frames["drivers"][["input", "total_index", "total_index_ci"]].head(10)
        st.dataframe(
            table.rename(
                columns={
                    "input": "Input",
                    "total_index": "Total index",
                    "total_index_ci": "± (95%)",
                }
            ),
            hide_index=True,
        )
