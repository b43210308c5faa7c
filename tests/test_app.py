"""The board's app, driven with Streamlit's AppTest."""

import io

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from obcsim.accounts.money import gbp
from obcsim.case.load import parse_scenario

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def widget(at: AppTest, path: str):
    return next(w for w in at.number_input if w.key and w.key.endswith(f":{path}"))


def programme_mean(at: AppTest) -> float:
    table = at.session_state["shown_table"]
    row = table[(table.strand == "all") & (table.agency == "total")].iloc[0]
    return float(row["annual impact mean"])


def test_default_page(app):
    assert not app.error
    assert app.metric[0].label == "Programme annual impact (mean)"
    assert len(app.get("vega_lite_chart")) == 7
    assert [t.label for t in app.tabs] == [
        "Who gains",
        "How sure",
        "Tables and downloads",
        "Compare",
        "Evaluate",
    ]
    shown = next(d.value for d in app.dataframe if "agency" in d.value)
    assert list(shown.agency) == [
        "Police",
        "CPS",
        "Probation",
        "Court",
        "Prison",
        "Council",
        "Total",
    ]
    assert shown.loc[6, "annual impact: published"] == "£561,710"
    assert "OBC 5.2" in widget(app, "strands.njp.cohort").help  # the source note, beside it


def test_a_bigger_njp_cohort_raises_njp_savings(app):
    before = app.session_state["shown_table"].copy()
    programme_before = programme_mean(app)
    widget(app, "strands.njp.cohort").set_value(400).run()
    assert not app.exception and not app.error
    after = app.session_state["shown_table"]
    key = (after.strand == "njp") & (after.agency == "police")
    assert float(after[key]["gross saving mean"].iloc[0]) > 1.8 * float(
        before[key]["gross saving mean"].iloc[0]
    )
    assert programme_mean(app) > programme_before + 50_000
    assert "(edited)" in app.subheader[0].value


def test_downloads_hold_the_figures_shown(app):
    widget(app, "strands.njp.cohort").set_value(300).run()
    table = app.session_state["shown_table"]
    downloads = {k: make() for k, make in app.session_state["downloads"].items()}
    csv = pd.read_csv(io.BytesIO(downloads["csv"]))
    pd.testing.assert_frame_equal(csv, table, check_dtype=False)
    shown = next(d.value for d in app.dataframe if "agency" in d.value)
    programme = table[table.strand == "all"].reset_index(drop=True)
    assert list(shown["gross saving: mean"]) == [gbp(v) for v in programme["gross saving mean"]]
    wb = load_workbook(io.BytesIO(downloads["xlsx"]))
    ws = wb["Table 1 programme"]
    total = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "Total")
    assert total[1] == pytest.approx(programme.iloc[-1]["gross saving mean"])
    scn = parse_scenario(downloads["yaml"], "download")
    assert scn.strands.njp.cohort.expected() == 300
    assert len(app.get("download_button")) == 3


def test_bad_upload_shows_an_error_and_keeps_the_results(app):
    app.file_uploader(key="scenario_upload").set_value(
        ("bad.yaml", b"name: [unclosed", "application/yaml")
    ).run()
    assert not app.exception
    assert "bad.yaml" in app.error[0].value and "not valid YAML" in app.error[0].value
    assert app.dataframe and len(app.get("vega_lite_chart")) == 7  # last good results stay
    too_big = b"a: " + b"x" * 1_100_000
    app.file_uploader(key="scenario_upload").set_value(
        ("big.yaml", too_big, "application/yaml")
    ).run()
    assert not app.exception and "larger than" in app.error[0].value


def test_a_good_upload_replaces_the_scenario(app):
    data = yaml.safe_load((ROOT / "scenarios" / "barnet_obc_2013.yaml").read_text())
    data["name"] = "Uploaded case"
    data["strands"]["coaches"]["cohort"] = 10
    app.file_uploader(key="scenario_upload").set_value(
        ("mine.yaml", yaml.safe_dump(data).encode(), "application/yaml")
    ).run()
    assert not app.exception and not app.error
    assert app.subheader[0].value.startswith("Uploaded case")


def test_impossible_edit_names_the_field(app):
    widget(app, "strands.njp.groups.all.reduction").set_value(0.95).run()
    assert not app.exception
    assert "strands.njp.groups.all.reduction" in app.error[0].value
    assert app.dataframe  # the last good results stay


def test_compare_with_the_evidence(app):
    app.selectbox(key="compare_with").set_value("barnet_evidence_adjusted.yaml").run()
    assert not app.exception
    diff = app.dataframe[-1].value
    assert diff.iloc[-1]["agency"] == "Programme"
    assert diff.iloc[-1]["difference"].startswith("£")  # published case gains over the evidence


def test_evaluate_page(app):
    data = (ROOT / "examples" / "observed_outcomes.csv").read_bytes()
    uploader = app.file_uploader(key="observed_upload")
    uploader.set_value(("observed.csv", data, "text/csv")).run()
    assert not app.exception and not app.error
    figures = app.session_state["evaluation"]
    assert {p["field"] for p in figures["parameters"]} >= {"strands.njp.completion"}
    assert len(app.get("vega_lite_chart")) >= 8  # the prior-posterior chart joins the page
    assert len(app.get("download_button")) == 5


def test_evaluate_page_refuses_bad_data(app):
    bad = (
        b"strand,group,period_start,period_end,people,completed,reoffended,offences\n"
        b"njp,intervention,2013-07-01,2014-06-30,10,5,12,12\n"
    )
    uploader = app.file_uploader(key="observed_upload")
    uploader.set_value(("bad.csv", bad, "text/csv")).run()
    assert not app.exception
    assert "row 2, column reoffended" in app.error[0].value
