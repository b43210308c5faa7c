"""Recalibration: conjugate updates, convergence to known rates, the case moving the right way,
bad data refused."""

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import BARNET, ROOT, run_cli
from obcsim.case.distributions import Dist
from obcsim.case.load import scenario_from_data
from obcsim.evidence import calibrate, evaluation, observed

HEADER = "strand,group,period_start,period_end,people,completed,reoffended,offences\n"
# The OBC's reoffending points as independent with-rates with the spreads the scenario gave them
# before it stated effects as relative reductions: the posterior arithmetic is checked on them.
RATES = {
    ("njp", "all"): {"dist": "beta", "alpha": 4, "beta": 76},
    ("coaches", "all"): {"dist": "pert", "min": 0.32, "mode": 0.4, "max": 0.48},
    ("conditional_cautions", "all"): {"dist": "pert", "min": 0.35, "mode": 0.4, "max": 0.45},
    ("iom", "statutory"): {"dist": "beta", "alpha": 23.6, "beta": 35.4},
    ("iom", "non_statutory"): {"dist": "beta", "alpha": 13.2, "beta": 30.8},
}


@pytest.fixture
def barnet(barnet_data):
    """The as-published case at its base values, with the OBC's with-rates as above."""
    for name, strand in barnet_data["strands"].items():
        for field in ("cohort", "uptake", "completion", "diversion"):
            if isinstance(strand.get(field), dict) and "base" in strand[field]:
                strand[field] = strand[field]["base"]
        for g, grp in strand.get("groups", {}).items():
            grp.pop("reduction")
            grp["reoffend_with"] = RATES[(name, g)]
            grp["reoffend_without"] = grp["reoffend_without"]["base"]
    return scenario_from_data(barnet_data)


def obs_of(barnet, text: str) -> observed.Observed:
    return observed.read(text.encode(), "obs.csv", barnet)


def by_field(barnet, text):
    return {u.field: u for u in calibrate.updates(barnet, obs_of(barnet, text))}


def test_beta_binomial_closed_form(barnet):
    ups = by_field(barnet, HEADER + "njp,intervention,2013-07-01,2014-06-30,100,90,12,15\n")
    u = ups["strands.njp.groups.all.reoffend_with"]
    assert u.prior.dist == "beta" and (u.prior.alpha, u.prior.beta) == (4, 76)
    assert (u.posterior.alpha, u.posterior.beta) == (4 + 12, 76 + 88)
    assert u.posterior.expected() == pytest.approx(16 / 180)
    done = ups["strands.njp.completion"]  # prior fixed at 1: a weak beta worth 2 people
    assert done.posterior.alpha == pytest.approx(2 * 0.99 + 90)
    assert done.posterior.beta == pytest.approx(2 * 0.01 + 10)


def test_gamma_poisson_closed_form(barnet):
    ups = by_field(barnet, HEADER + "njp,intervention,2013-07-01,2014-06-30,100,90,12,20\n")
    u = ups["strands.njp.groups.all.offences_per_reoffender"]
    a, b = u.prior_params
    assert (u.posterior.shape, u.posterior.rate, u.posterior.loc) == (a + 8, b + 12, 1.0)
    assert u.posterior.expected() == pytest.approx(1 + (a + 8) / (b + 12))


def test_non_beta_prior_matched_by_moments():
    pert = Dist(dist="pert", min=0.32, mode=0.4, max=0.48)
    a, b, how = calibrate.beta_prior(pert)
    beta = Dist(dist="beta", alpha=a, beta=b)
    assert beta.expected() == pytest.approx(pert.expected())
    assert beta.frozen().var() == pytest.approx(pert.frozen().var())
    assert "matched to a Beta by its moments" in how


def test_posterior_converges_to_the_rates_that_made_the_data(barnet):
    text = observed.synthetic(
        barnet,
        "coaches",
        100_000,
        completion=0.7,
        reoffend_with=0.55,
        reoffend_without=0.75,
        offences_per_reoffender=1.8,
        seed=4,
    )
    ups = by_field(barnet, text)
    truth = {
        "strands.coaches.completion": 0.7,
        "strands.coaches.groups.all.reoffend_with": 0.55,
        "strands.coaches.groups.all.reoffend_without": 0.75,
        "strands.coaches.groups.all.offences_per_reoffender": 1.8,
    }
    for field, value in truth.items():
        assert ups[field].posterior.expected() == pytest.approx(value, abs=0.01), field


def test_source_notes_name_the_data(barnet):
    text = HEADER + "iom,intervention,2013-03-01,2014-02-28,50,,20,30\n"
    obs = obs_of(barnet, text)
    new = calibrate.calibrated(barnet, obs, calibrate.updates(barnet, obs))
    note = new.strands.iom.groups["statutory"].reoffend_with.source
    assert "obs.csv" in note and obs.sha256[:12] in note and "2013-03-01 to 2014-02-28" in note
    assert "20 of 50" in note
    assert new.strands.iom.groups["non_statutory"].reoffend_with.source == note.replace(
        "statutory", "statutory"
    )  # no subgroup given: both groups learn from the data


def test_worse_reoffending_lowers_the_case_and_better_raises_it(barnet):
    def after(p1: float) -> float:
        text = observed.synthetic(barnet, "njp", 2000, 1.0, p1, 0.5, 1.0, seed=2)
        _, figures = evaluation.evaluate(barnet, obs_of(barnet, text), runs=400, seed=1)
        total = next(c for c in figures["case"] if c["agency"] == "total")
        return total["after_mean"] - total["before_mean"]

    assert after(0.25) < -20_000
    assert after(0.01) > 0


def test_justice_data_lab_summary(barnet):
    text = (ROOT / "examples" / "jdl_summary.csv").read_bytes()
    obs = observed.read(text, "jdl.csv", barnet)
    assert [(r.group, r.people, r.reoffended) for r in obs.rows[:2]] == [
        ("intervention", 56, 26),
        ("comparison", 560, 308),
    ]
    _, figures = evaluation.evaluate(barnet, obs, runs=200)
    effects = {e["group"]: e for e in figures["effects"]}
    assert effects["statutory"]["published_interval"] == [-0.22, 0.04]
    assert effects["statutory"]["published_includes_no_effect"]
    assert effects["non_statutory"]["published_interval"] == [-0.36, -0.08]
    assert not effects["non_statutory"]["published_includes_no_effect"]
    assert not effects["non_statutory"]["no_effect_possible"]
    assert "the published interval includes no effect" in evaluation.markdown(figures)


def test_no_effect_is_flagged(barnet):
    text = observed.synthetic(barnet, "coaches", 5000, 1.0, 0.82, 0.8, 1.0, seed=5)
    _, figures = evaluation.evaluate(barnet, obs_of(barnet, text), runs=100)
    assert figures["effects"][0]["no_effect_possible"]
    assert "**the interval includes no effect**" in evaluation.markdown(figures)


def test_cli_calibrate_writes_scenario_and_report(tmp_path: Path):
    out, rep = tmp_path / "new.yaml", tmp_path / "report.md"
    result = run_cli(
        "calibrate",
        str(BARNET),
        "examples/observed_outcomes.csv",
        "--out",
        str(out),
        "--report",
        str(rep),
        "--runs",
        "300",
    )
    assert result.returncode == 0, result.stderr
    assert "programme annual impact" in result.stdout
    figures = json.loads(rep.with_suffix(".json").read_text())
    assert "## Prior and posterior" in rep.read_text()
    rerun = run_cli("tables", str(out), "--json")
    assert rerun.returncode == 0, rerun.stderr
    assert {p["field"] for p in figures["parameters"]} >= {
        "strands.njp.completion",
        "strands.coaches.groups.all.reoffend_with",
    }


BAD = {
    "reoffended_above_people": (
        HEADER + "njp,intervention,2013-07-01,2014-06-30,10,5,12,12\n",
        "row 2, column reoffended",
        "more than the 10 people",
    ),
    "negative": (
        HEADER + "njp,intervention,2013-07-01,2014-06-30,-1,0,0,0\n",
        "row 2, column people",
        "negative",
    ),
    "unknown_strand": (
        HEADER + "nap,intervention,2013-07-01,2014-06-30,10,5,2,2\n",
        "row 2, column strand",
        "unknown strand",
    ),
    "unknown_group": (
        HEADER + "njp,treated,2013-07-01,2014-06-30,10,5,2,2\n",
        "row 2, column group",
        "intervention",
    ),
    "unknown_subgroup": (
        HEADER.replace("strand,", "strand,subgroup,")
        + "iom,lifers,intervention,2013-07-01,2014-06-30,10,5,2,2\n",
        "row 2, column subgroup",
        "unknown group",
    ),
    "misspelt_column": (
        HEADER.replace("reoffended", "reofended")
        + "njp,intervention,2013-07-01,2014-06-30,10,5,2,2\n",
        "row 1, column reofended",
        "did you mean 'reoffended'",
    ),
    "missing_column": (
        HEADER.replace(",offences", "") + "njp,intervention,2013-07-01,2014-06-30,10,5,2\n",
        "row 1, column offences",
        "missing",
    ),
    "dates_out_of_order": (
        HEADER + "njp,intervention,2014-07-01,2013-06-30,10,5,2,2\n",
        "row 2, column period_end",
        "out of order",
    ),
    "bad_date": (
        HEADER + "njp,intervention,July 2013,2014-06-30,10,5,2,2\n",
        "row 2, column period_start",
        "date",
    ),
    "not_a_count": (
        HEADER + "njp,intervention,2013-07-01,2014-06-30,ten,5,2,2\n",
        "row 2, column people",
        "whole number",
    ),
    "empty": ("", "", "empty"),
    "header_only": (HEADER, "", "no rows"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_observed_data(tmp_path: Path, case):
    text, where, words = BAD[case]
    data = tmp_path / "obs.csv"
    data.write_text(text)
    out, rep = tmp_path / "new.yaml", tmp_path / "r.md"
    result = run_cli("calibrate", str(BARNET), str(data), "--out", str(out), "--report", str(rep))
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert str(data) in line and where in line and words in line
    assert not out.exists() and not rep.exists() and not rep.with_suffix(".json").exists()


def test_the_notebook_runs(tmp_path: Path):
    # The runner is in the dev extra: a missing one fails here rather than skipping quietly.
    import nbclient
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "recalibrate.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs = "".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert "posterior" in outputs and np.isfinite(len(outputs))


def test_actual_costs_are_reported(barnet):
    text = (ROOT / "examples" / "observed_outcomes.csv").read_bytes()
    _, figures = evaluation.evaluate(barnet, observed.read(text, "obs.csv", barnet), runs=100)
    njp = next(c for c in figures["costs"] if c["strand"] == "njp")
    assert njp["observed"] == 45_500 and njp["scenario_operating"] == 42_500
    assert njp["observed_a_year"] == pytest.approx(45_500 / (364 / 365.25))
    assert "## Actual costs" in evaluation.markdown(figures)
