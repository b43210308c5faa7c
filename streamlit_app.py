"""The project board's app (placeholder until the app issue lands).

UI only: every figure shown comes from the obcsim API.
"""

import streamlit as st

from obcsim.cli import shipped_scenario
from obcsim.ledger import expected_tables
from obcsim.report import json_rows
from obcsim.scenario import load_scenario

st.set_page_config(page_title="obcsim", layout="wide")
scenario = load_scenario(shipped_scenario())
st.title("obcsim")
st.caption(f"{scenario.name}: expected annual figures, GBP at {scenario.price_year} prices")
rows = [r for r in json_rows(expected_tables(scenario)) if r["strand"] == "all"]
st.dataframe(rows, hide_index=True)
