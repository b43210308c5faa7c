"""The evaluation plan: power against simulated trials, the SimPy time to evidence against its
closed form and a hand count, the EVPPI table, the command, the app's page."""

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from conftest import BARNET, ROOT, run_cli, run_notebook
from obcsim.accounts.years import Settings
from obcsim.evidence import plan, plan_text, power
from obcsim.model import arrivals
from obcsim.outputs.plan_chart import time_to_evidence


def simulated_power(n1: int, p0: float, p1: float, ratio: int, trials: int = 40_000) -> float:
    """Rejection rate of the two-sided pooled z test over simulated trials."""
    rng = np.random.default_rng(5)
    n0 = ratio * n1
    k1, k0 = rng.binomial(n1, p1, trials), rng.binomial(n0, p0, trials)
    pooled = (k1 + k0) / (n1 + n0)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (k1 / n1 - k0 / n0) / se
    return float(np.mean(np.abs(np.nan_to_num(z)) > stats.norm.ppf(0.975)))


@pytest.mark.parametrize(
    ("n1", "p0", "p1", "ratio"), [(150, 0.5, 0.35, 1), (97, 0.5, 0.434, 1), (60, 0.8, 0.6, 3)]
)
def test_power_against_simulated_trials(n1, p0, p1, ratio):
    got = power.power(n1, p0, p1, ratio)
    sim = simulated_power(n1, p0, p1, ratio)
    # Monte Carlo error (4 sd) plus the normal approximation's own (about a point)
    assert got == pytest.approx(sim, abs=4 * math.sqrt(sim * (1 - sim) / 40_000) + 0.015)


def test_cohort_needed_and_minimum_detectable_effect():
    need = power.cohort_needed(0.5, 0.35)
    assert power.power(need, 0.5, 0.35) == pytest.approx(0.8, abs=1e-9)
    # by hand: z = 1.959964 (two-sided 5%) and 0.841621 (80%), pooled rate 0.425
    by_hand = (1.959964 * math.sqrt(2 * 0.425 * 0.575) + 0.841621 * math.sqrt(0.25 + 0.2275)) ** 2
    assert need == pytest.approx(by_hand / 0.15**2, rel=1e-5)
    assert math.ceil(need) == 170
    assert simulated_power(170, 0.5, 0.35, 1) == pytest.approx(0.8, abs=0.02)
    mde = power.minimum_detectable(170, 0.5)
    assert mde == pytest.approx(0.15, abs=0.002)
    assert power.minimum_detectable(680, 0.5) < mde / 1.8  # four times the people: half the MDE
    assert math.isnan(power.minimum_detectable(5, 0.5))


def test_simpy_count_matches_the_closed_form():
    streams = [
        arrivals.Stream("a", dt.date(2013, 7, 1), 133.0),
        arrivals.Stream("b", dt.date(2013, 3, 1), 99.5, (0.5, 0.8)),
        arrivals.Stream("c", dt.date(2013, 9, 1), 7.3),
    ]
    dates = plan.monthly(dt.date(2013, 1, 1), dt.date(2018, 1, 1))
    got = arrivals.complete_by(streams, dates, 365)
    for s in streams:
        for d, count in zip(dates, got[s.strand], strict=True):
            assert count == arrivals.closed_form(s, d, 365), (s.strand, d)


def test_time_to_evidence_on_barnet(barnet):
    rows = {r["strand"]: r for r in plan.power_table(barnet)}
    end = plan.OBC_WINDOW[1]
    lag = dt.timedelta(days=365 + arrivals.RECORDING_DAYS)
    for name in ("njp", "coaches", "conditional_cautions"):  # first outcomes after the window
        assert barnet.strand(name).go_live + lag > end
        assert rows[name]["complete_by_window_end"] == 0
    # IOM: live from 1 March 2013, 30 days of referrals have complete outcomes by 30 Sep 2014
    iom = barnet.strand("iom")
    days = (end - iom.go_live).days - 365 - 183
    per_year = iom.cohort.expected() * iom.uptake.expected()
    assert rows["iom"]["complete_by_window_end"] == math.floor(per_year * days / 365.25 + 0.5)
    tl = plan.timeline(barnet)
    last = tl[tl.date == tl.date.max()].set_index("strand")["complete"]
    for name, r in rows.items():
        assert last[name] == arrivals.closed_form(
            plan.streams(barnet)[0].__class__(
                name, barnet.strand(name).go_live, r["participants_a_year"]
            ),
            tl.date.max(),
            365,
        )
    # the intention-to-treat rate: q p1 + (1 - q) p0 with the means (NJP: reduction r)
    njp = barnet.strand("njp")
    p0 = njp.groups["all"].reoffend_without.expected()
    r = njp.groups["all"].reduction.expected()
    q = njp.completion.expected()
    assert rows["njp"]["reoffending_referred"] == pytest.approx(q * p0 * (1 - r) + (1 - q) * p0)


@pytest.fixture(scope="module")
def figures():
    from obcsim.case.load import load_scenario

    scn = load_scenario(BARNET)
    return plan.plan(scn, Settings.of(scn), seed=1, draws=4000)


def test_worth_table(figures):
    worth = figures["worth"]
    assert {w["strand"] for w in worth} == {"njp", "coaches", "conditional_cautions", "iom", "all"}
    for w in worth:
        assert 0 <= w["programme"] <= w["evpi_programme"] + 1e-6
        assert w["own"] is None or 0 <= w["own"] <= w["evpi_own"] + 1e-6
    assert any(w["evidence"] == "Conditional cautions: effect" for w in worth)
    text = plan_text.markdown(figures)
    for heading in ("## Power", "## Time to evidence", "## Which evaluation is worth"):
        assert heading in text
    assert "strands." not in text


def test_chart_marks_the_obc_window(barnet):
    spec = time_to_evidence(plan.timeline(barnet), plan.OBC_WINDOW, {"njp": 173}).to_dict()
    text = json.dumps(spec)
    assert "2014-07-01" in text and "2014-09-30" in text and "Needed for 80% power" in text


def test_cli_evaluate_plan(tmp_path: Path):
    out, chart = tmp_path / "plan.md", tmp_path / "plan.html"
    result = run_cli(
        "evaluate-plan", str(BARNET), "--out", str(out), "--chart", str(chart), "--draws", "2000"
    )
    assert result.returncode == 0, result.stderr
    assert "Evaluation plan for" in result.stdout and "Justice Data Lab" in result.stdout
    figures = json.loads(out.with_suffix(".json").read_text())
    assert [r["strand"] for r in figures["power"]] == [
        "njp",
        "coaches",
        "conditional_cautions",
        "iom",
    ]
    assert "## Time to evidence" in out.read_text()
    assert "vega" in chart.read_text()
    bad = run_cli("evaluate-plan", str(tmp_path / "missing.yaml"), "--out", str(out))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    bad = run_cli("evaluate-plan", str(BARNET), "--comparison-ratio", "0")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def _page() -> None:
    from obcsim.case.load import load_scenario
    from obcsim.ui import plan_page

    plan_page.show(load_scenario("scenarios/barnet_obc_2013.yaml"), 1)


def test_the_apps_plan_page(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("obcsim.ui.plan_page.DRAWS", 2000)
    at = AppTest.from_function(_page, default_timeout=120)
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 2 and len(at.get("vega_lite_chart")) == 1
    shown = at.session_state["plan"]
    table = at.dataframe[0].value
    assert list(table["strand"]) == [r["label"] for r in shown["power"]]
    assert table["complete by Sep 2014"].tolist() == [
        f"{r['complete_by_window_end']:,}" for r in shown["power"]
    ]
    assert any("Justice Data Lab" in m.value for m in at.markdown)


def test_the_plan_notebook_runs(tmp_path: Path):
    outputs = run_notebook(ROOT / "notebooks" / "evaluation_plan.ipynb", tmp_path)
    assert "complete one-year outcome" in outputs and "cohort for 80% power" in outputs
    assert (tmp_path / "plan.md").read_text().startswith("# Evaluation plan")
