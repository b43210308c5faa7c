"""What drives the answer on the real scenarios: known answers (one uncertain input: total
index 1 and EVPPI = EVPI), the tornado against a scenario edited by hand, the Monte Carlo mean
against the closed form at the means, and `obcsim sensitivity` end to end."""

import json

import numpy as np
import pytest
from openpyxl import load_workbook

from conftest import BARNET, run_cli, run_main
from obcsim.accounts.appraisal import expected_case
from obcsim.accounts.drivers import drivers
from obcsim.accounts.uncertainty import Evaluator, inputs
from obcsim.accounts.years import Settings
from obcsim.case import edit
from obcsim.case.load import scenario_from_data
from obcsim.errors import InputError

COHORT = "strands.conditional_cautions.cohort"


def path(key: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in key.split("."))


def only(scn, keep: set[str]):
    """The scenario with every uncertain input but `keep` fixed at its mean."""
    data = edit.scenario_data(scn)
    for i in inputs(scn):
        if i.key not in keep:
            edit.put(data, path(i.key), float(i.mean))
    return scenario_from_data(data)


def programme_npv(scn) -> float:
    return float(expected_case(scn, Settings.of(scn)).years.programme().npv()[0, 0])


@pytest.fixture(scope="module")
def report(barnet):
    return drivers(barnet, runs=20_000, seed=3, sobol=False, n_jobs=1)


def test_one_uncertain_input_carries_all_the_variance_and_all_the_value(barnet):
    scn = only(barnet, {COHORT})
    d = drivers(scn, runs=20_000, seed=1, n_jobs=1)
    assert d.inputs == 1
    s = d.sobol.set_index("outcome").loc["programme"]
    assert s["ST"] == pytest.approx(1.0, abs=0.02) and s["S1"] == pytest.approx(1.0, abs=0.02)
    e = d.evppi[d.evppi["outcome"] == "programme"].iloc[0]
    assert e["evpi"] > 0
    assert e["evppi"] == pytest.approx(e["evpi"], rel=0.02)
    # Nothing uncertain: refused in words (nothing can drive it; EVPI would be 0).
    with pytest.raises(InputError, match="no uncertain inputs"):
        drivers(only(barnet, set()), runs=1000, n_jobs=1)


def test_the_tornado_matches_the_scenario_edited_by_hand(barnet, report):
    at_means = only(barnet, set())
    row = report.tornado[report.tornado["outcome"] == "programme"].iloc[0]
    for value, npv in ((row["input_low"], row["at_low"]), (row["input_high"], row["at_high"])):
        data = edit.scenario_data(at_means)
        edit.put(data, path(row["key"]), float(value))
        assert programme_npv(scenario_from_data(data)) == pytest.approx(npv, rel=1e-9)
    assert row["base"] == pytest.approx(programme_npv(at_means), rel=1e-9)


def test_chances_agree_with_the_closed_form_at_the_means(barnet, report):
    """Each NPV is multilinear in independent inputs, so its Monte Carlo mean estimates the
    NPV at the inputs' means: within four standard errors."""
    c = report.chances.set_index("outcome")
    g = report.gap.set_index("outcome")
    ev = Evaluator(barnet, Settings.of(barnet))
    from obcsim.model import sweep

    _, Y = sweep.draw(ev.inputs, ev.evaluate, 20_000, 3, n_jobs=1)
    for outcome in ("programme", "police", "strand:conditional_cautions"):
        se = Y[outcome].std() / np.sqrt(len(Y[outcome]))
        assert c.loc[outcome, "expected"] == pytest.approx(
            g.loc[outcome, "expected_value"], abs=4 * se
        )
        assert c.loc[outcome, "p_ahead"] == pytest.approx((Y[outcome] > 0).mean(), abs=1e-12)
    assert g.loc["programme", "base_case"] == pytest.approx(programme_npv(barnet), rel=1e-9)
    assert report.optimism == pytest.approx(
        g.loc["programme", "base_case"] - g.loc["programme", "expected_value"]
    )
    assert "The point estimates are optimistic by £" in report.finding()
    assert len(report.top) == 3
    assert report.sentences and all("£" in s or "No further" in s for s in report.sentences)


def test_the_command_writes_a_workbook_that_says_the_same(tmp_path, capsys):
    out = tmp_path / "drivers.xlsx"
    code, _, err = run_main(capsys, "sensitivity", str(BARNET), "--no-sobol", "--out", str(out))
    assert code == 0, err
    code, text, _ = run_main(capsys, "sensitivity", str(BARNET), "--no-sobol", "--json")
    figures = json.loads(text)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Cover", "How sure", "What drives it", "Value of information"]
    ws = wb["How sure"]
    header = [c.value for c in ws[3]]
    first = dict(zip(header, [c.value for c in ws[4]], strict=True))
    programme = figures["chances"][0]
    assert first["outcome"] == "The programme"
    assert first["mean"] == pytest.approx(programme["expected"])
    assert first["p ahead"] == pytest.approx(programme["p_ahead"])
    assert ws.cell(4, header.index("p ahead") + 1).number_format == "0%"
    top = [ws_row[1].value for ws_row in wb["What drives it"].iter_rows(min_row=4, max_row=6)]
    assert top == figures["top_drivers"]


def test_the_same_figures_on_a_dask_cluster_and_bad_arguments_refused(tmp_path):
    base = ["sensitivity", str(BARNET), "--no-sobol", "--runs", "5000", "--json"]
    here = run_cli(*base, "--workers", "2")
    there = run_cli(*base, "--local-cluster")
    assert here.returncode == 0 and there.returncode == 0, there.stderr
    a, b = json.loads(here.stdout), json.loads(there.stdout)
    assert a["chances"] == b["chances"] and a["evppi"] == b["evppi"]
    bad = run_cli("sensitivity", str(BARNET), "--out", str(tmp_path / "x.csv"))
    assert bad.returncode == 2 and "--out" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.csv").exists()


def test_the_app_page_shows_the_chances_the_gap_and_the_drivers(barnet):
    from streamlit.testing.v1 import AppTest

    from obcsim.accounts.drivers import outcome_label
    from obcsim.ui import drivers_page

    def page(path: str) -> None:
        from obcsim.case.load import load_scenario
        from obcsim.ui.drivers_page import show

        show(load_scenario(path), 1)

    at = AppTest.from_function(page, args=(str(BARNET),), default_timeout=120)
    at.run()
    assert not at.exception
    found = drivers(barnet, runs=drivers_page.DRAWS, seed=1, sobol=False, n_jobs=1)
    assert at.info[0].value == found.finding()
    table = at.dataframe[0].value.set_index("Who")
    for r in found.chances.itertuples():
        p, words = r.p_ahead, f"{r.p_ahead:.0%}"  # never 0% or 100% unless exactly so
        words = "<1%" if words == "0%" and p > 0 else ">99%" if words == "100%" and p < 1 else words
        assert table.loc[outcome_label(r.outcome), "Chance ahead"] == words
    shown = [m.value for m in at.markdown]
    assert [f"{i}. {label}" for i, label in enumerate(found.top, 1)] == shown[:3]
    assert len(at.get("vega_lite_chart")) == 2


def test_run_sets_its_mean_beside_the_base_case_and_the_expected_value(barnet, capsys):
    from obcsim.accounts import ledger
    from obcsim.accounts.ledger import annual_gap
    from obcsim.model.montecarlo import run

    base, expected = annual_gap(barnet)
    assert base == pytest.approx(561_710, abs=0.5)  # the OBC's Table 1 total
    code, out, _ = run_main(capsys, "run", str(BARNET), "--runs", "2000", "--engine", "fast")
    assert code == 0
    assert f"£561,710 at the point estimates (base case), £{expected:,.0f} at the evidence's" in out
    assert f"optimistic by £{base - expected:,.0f} a year" in out
    # Second route: the engine's own mean estimates the expected value.
    draws = run(barnet, 4000, seed=2, engine="fast", workers=1)
    frame = ledger.draw_frame(draws)
    total = frame[(frame.strand == "all") & (frame.agency == "total")]["annual_impact"]
    assert total.mean() == pytest.approx(expected, abs=4 * total.std() / np.sqrt(len(total)))
