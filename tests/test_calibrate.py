"""Recalibration: the intention-to-treat likelihood against exact rejection sampling, coverage
of the 90% intervals over repeated synthetic data sets, prior weights, the posterior predictive
check, calibrated files that say what they are, bad data refused."""

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from conftest import BARNET, ROOT, run_cli, run_notebook
from obcsim.case.load import scenario_from_data
from obcsim.evidence import calibrate, evaluation, likelihood, observed, predictive, priors

HEADER = "strand,group,period_start,period_end,people,completed,reoffended,offences\n"
EXAMPLE = ROOT / "examples" / "observed_outcomes.csv"


def obs_of(scn, text: str) -> observed.Observed:
    return observed.read(text.encode(), "obs.csv", scn)


def by_field(scn, text, mode="weak"):
    return {u.field: u for u in calibrate.updates(scn, obs_of(scn, text), mode).updates}


def test_completion_is_the_conjugate_beta(barnet):
    # NJP completion is Beta(18, 2) in the scenario: the posterior is Beta(18 + 90, 2 + 10).
    ups = by_field(
        barnet, HEADER + "njp,intervention,2013-07-01,2014-06-30,100,90,12,15\n", "scenario"
    )
    u = ups["strands.njp.completion"]
    exact = stats.beta(18 + 90, 2 + 10)
    assert u.posterior.expected() == pytest.approx(exact.mean(), abs=5e-4)
    assert u.posterior.frozen().std() == pytest.approx(exact.std(), rel=0.02)
    assert u.prior_ess == pytest.approx(20)


def test_gamma_poisson_closed_form(barnet):
    ups = by_field(barnet, HEADER + "njp,intervention,2013-07-01,2014-06-30,100,90,12,20\n")
    u = ups["strands.njp.groups.all.offences_per_reoffender"]
    a, b = u.prior.shape, u.prior.rate
    assert (u.posterior.shape, u.posterior.rate, u.posterior.loc) == (a + 8, b + 12, 1.0)
    assert u.posterior.expected() == pytest.approx(1 + (a + 8) / (b + 12))


def test_mixture_posterior_matches_exact_rejection_sampling():
    # Small counts, flat priors: draw (p0, p1) uniform, simulate the data the model's way and
    # keep the draws that reproduce the observed counts exactly: an exact posterior sample.
    n, c, k, m, k0 = 20, 14, 7, 20, 11
    rng = np.random.default_rng(3)
    size = 4_000_000
    p0, p1 = rng.random(size), rng.random(size)
    sim_k = rng.binomial(c, p1) + rng.binomial(n - c, p0)
    keep = (sim_k == k) & (rng.binomial(m, p0) == k0)
    assert keep.sum() > 2000
    counts = likelihood.Counts((likelihood.Treated(n, c, k),), m, k0)
    q = likelihood.Grid1(np.array([c / n]), np.array([1.0]))
    grid = likelihood.rates_posterior(counts, priors.flat(), priors.effect_prior_flat(), q)
    g0, g1 = grid.sample(np.random.default_rng(0), 200_000)
    for got, exact in ((g0, p0[keep]), (g1, p1[keep])):
        se = exact.std() / np.sqrt(len(exact))
        assert got.mean() == pytest.approx(exact.mean(), abs=4 * se)
        assert got.std() == pytest.approx(exact.std(), rel=0.08)


def test_justice_data_lab_mixture_integrates_completion():
    # No completion counts: reoffended ~ Bin(n, q p1 + (1 - q) p0) with q held at 0.5. The grid
    # against rejection sampling again.
    n, k, m, k0 = 30, 9, 30, 15
    rng = np.random.default_rng(4)
    size = 3_000_000
    p0, p1 = rng.random(size), rng.random(size)
    keep = (rng.binomial(n, 0.5 * p1 + 0.5 * p0) == k) & (rng.binomial(m, p0) == k0)
    counts = likelihood.Counts((likelihood.Treated(n, None, k),), m, k0)
    q = likelihood.Grid1(np.array([0.5]), np.array([1.0]))
    grid = likelihood.rates_posterior(counts, priors.flat(), priors.effect_prior_flat(), q)
    _, g1 = grid.sample(np.random.default_rng(0), 200_000)
    exact = p1[keep]
    assert g1.mean() == pytest.approx(exact.mean(), abs=4 * exact.std() / np.sqrt(len(exact)))


COVERAGE_SETS = 200


def test_90_percent_intervals_cover_known_rates(barnet):
    """Rates drawn from the (flat) prior, data simulated from them the model's way, then
    calibrated: the 90% intervals must hold the rates that made the data in about 90% of the
    data sets (a binomial tolerance). The old per-protocol reading (with-rate from the
    intervention group alone) fails the same test."""
    rng = np.random.default_rng(11)
    hits = {"completion": 0, "reoffend_without": 0, "reoffend_with": 0}
    per_protocol = 0
    for i in range(COVERAGE_SETS):
        q, p0, p1 = rng.uniform(0.3, 1.0), rng.random(), rng.random()
        text = observed.synthetic(barnet, "coaches", 120, q, p1, p0, 1.0, seed=i)
        ups = by_field(barnet, text, "flat")
        truth = {"completion": q, "reoffend_without": p0, "reoffend_with": p1}
        for name, value in truth.items():
            field = "strands.coaches." + (
                "completion" if name == "completion" else f"groups.all.{name}"
            )
            lo, hi = ups[field].posterior.interval(0.9)
            hits[name] += lo <= value <= hi
        k = int(text.splitlines()[1].split(",")[6])
        per_protocol += (
            stats.beta(1 + k, 1 + 120 - k).ppf(0.05)
            <= p1
            <= stats.beta(1 + k, 1 + 120 - k).ppf(0.95)
        )
    lo, hi = stats.binom(COVERAGE_SETS, 0.9).interval(0.999)
    for name, count in hits.items():
        assert lo <= count <= hi, (name, count)
    assert per_protocol < lo


def test_posterior_converges_to_the_rates_that_made_the_data(barnet):
    text = observed.synthetic(barnet, "coaches", 20_000, 0.7, 0.55, 0.75, 1.8, seed=4)
    ups = by_field(barnet, text)
    truth = {
        "strands.coaches.completion": 0.7,
        "strands.coaches.groups.all.reoffend_with": 0.55,
        "strands.coaches.groups.all.reoffend_without": 0.75,
        "strands.coaches.groups.all.offences_per_reoffender": 1.8,
    }
    for field, value in truth.items():
        assert ups[field].posterior.expected() == pytest.approx(value, abs=0.015), field


def test_prior_weights(barnet):
    # Beta(20, 20) is worth 40 people; a PERT by its moments; weak caps assumed values at CAP.
    cc = barnet.strand("conditional_cautions")
    assert priors.rate_prior(cc.groups["all"].reoffend_without, "scenario").ess == pytest.approx(40)
    pert = cc.completion.frozen()
    m, v = pert.mean(), pert.var()
    assert priors.rate_prior(cc.completion, "scenario").ess == pytest.approx(m * (1 - m) / v - 1)
    assert priors.rate_prior(cc.completion, "weak").ess == priors.CAP
    assert priors.rate_prior(cc.completion, "flat").ess == 2
    # the implied with-rate p0 (1 - r): its variance against a Monte Carlo of the product
    mean, var = priors.implied_with_rate(cc.groups["all"])
    rng = np.random.default_rng(0)
    x = cc.groups["all"].reoffend_without.sample(rng, 400_000) * (
        1 - cc.groups["all"].reduction.sample(rng, 400_000)
    )
    assert mean == pytest.approx(x.mean(), abs=1e-3) and var == pytest.approx(x.var(), rel=0.02)


@pytest.fixture(scope="module")
def example():
    from obcsim.case.load import load_scenario

    scn = load_scenario(BARNET)
    obs = observed.load(EXAMPLE, scn)
    new, figures = evaluation.evaluate(scn, obs, runs=300, seed=1)
    return scn, obs, new, figures


def test_predictive_check_passes_on_the_example_data(example):
    _, _, _, figures = example
    rows = figures["predictive_check"]
    assert len(rows) == 15 and all(r["inside"] for r in rows)
    assert (
        "All 15 observed counts lie inside their 90% predictive intervals"
        in evaluation.markdown(figures)
    )


def test_predictive_check_flags_a_scenario_the_data_contradict(barnet_data):
    # The OBC's points (every referral completes, 5% reoffend after a panel) against the data.
    for strand in barnet_data["strands"].values():
        for f in ("cohort", "uptake", "completion", "diversion"):
            if isinstance(strand.get(f), dict) and "base" in strand[f]:
                strand[f] = strand[f]["base"]
    scn = scenario_from_data(barnet_data)
    rows = predictive.check(scn, observed.load(EXAMPLE, scn))
    njp = {r["measure"]: r for r in rows if r["strand"] == "njp" and r["group"] == "intervention"}
    assert not njp["completed"]["inside"] and njp["completed"]["low"] == 180


def test_predictive_interval_by_a_second_route(example):
    # The comparison group: Bin(m, p0) with p0 ~ the calibrated Beta is beta-binomial.
    _, _, new, figures = example
    p0 = new.strand("coaches").groups["all"].reoffend_without
    row = next(
        r
        for r in figures["predictive_check"]
        if r["strand"] == "coaches" and r["group"] == "comparison" and r["measure"] == "reoffended"
    )
    bb = stats.betabinom(60, p0.alpha, p0.beta)
    assert row["predicted_mean"] == pytest.approx(bb.mean(), abs=0.1)
    assert abs(row["low"] - bb.ppf(0.05)) <= 1 and abs(row["high"] - bb.ppf(0.95)) <= 1


def test_the_data_not_the_prior_set_the_effect(example):
    # Conditional cautions: the data alone say +5.3 points; the scenario's assumed prior used to
    # turn that into a reduction. Under the weak default the posterior sits with the data.
    _, _, _, figures = example
    cc = next(e for e in figures["effects"] if e["strand"] == "conditional_cautions")
    alone = cc["data_alone"]
    assert alone[0] == pytest.approx(80 / 150 - 72 / 150)
    assert cc["itt_p05"] < alone[0] < cc["itt_p95"] and cc["no_effect_possible"]
    table = {s["prior"]: s for s in figures["sensitivity"]}
    assert list(table) == ["scenario", "weak", "flat"]
    scenario_cc = next(
        e for e in table["scenario"]["effects"] if e["strand"] == "conditional_cautions"
    )
    assert scenario_cc["difference_p95"] < 0  # the stated prior forces a reduction
    # the calibrated model now reproduces the observed intervention rates (the defect)
    for e in figures["effects"]:
        ppc = next(
            r
            for r in figures["predictive_check"]
            if r["strand"] == e["strand"]
            and r["group"] == "intervention"
            and r["measure"] == "reoffended"
        )
        assert ppc["low"] <= ppc["observed"] <= ppc["high"]


def test_calibrated_scenario_says_what_it_is(example):
    scn, obs, new, _ = example
    assert new.name != scn.name and new.name.startswith("Calibrated to observed_outcomes.csv")
    assert "weak priors" in new.name and obs.period() in new.name
    assert (
        obs.sha256 in new.description
        and "does not reproduce the OBC"
        in new.description.replace("do not reproduce the OBC", "does not reproduce the OBC")
    )
    assert "to the pound" not in new.description
    note = new.strand("coaches").groups["all"].reoffend_with.source
    assert EXAMPLE.name in note and obs.sha256[:12] in note and obs.period() in note
    assert new.strand("coaches").groups["all"].reduction is None


def test_report_shows_prior_worth_beside_n(example):
    _, _, _, figures = example
    text = evaluation.markdown(figures)
    assert "| prior worth | data (n) |" in text
    row = next(
        p
        for p in figures["parameters"]
        if p["field"] == "strands.coaches.groups.all.reoffend_without"
    )
    assert row["prior_ess"] == priors.CAP and row["n"] == 60
    assert "| 10 people | 29 of 60 reoffended" in text
    assert "## Prior sensitivity" in text and "| weak (used) |" in text
    assert "strands." not in text.split("```")[0]  # plain labels, not field paths


def test_worse_reoffending_lowers_the_case_and_better_raises_it(barnet):
    def after(p1: float) -> float:
        text = observed.synthetic(barnet, "njp", 2000, 1.0, p1, 0.5, 1.0, seed=2)
        _, figures = evaluation.evaluate(barnet, obs_of(barnet, text), runs=400, seed=1)
        total = next(c for c in figures["case"] if c["agency"] == "total")
        return total["after_mean"] - total["before_mean"]

    worse, middling, better = after(0.6), after(0.3), after(0.01)
    assert worse < 0 < better  # 0.6: worse than without the panel (0.5)
    assert worse < middling < better


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
    # IOM completion is 1 (fixed): everyone referred is a completer, so the two differences agree
    assert effects["non_statutory"]["itt_mean"] == pytest.approx(
        effects["non_statutory"]["difference_mean"]
    )
    assert "the published interval includes no effect" in evaluation.markdown(figures)
    assert all(r["inside"] for r in figures["predictive_check"])


def test_no_effect_is_flagged(barnet):
    text = observed.synthetic(barnet, "coaches", 5000, 1.0, 0.8, 0.8, 1.0, seed=5)
    _, figures = evaluation.evaluate(barnet, obs_of(barnet, text), runs=100)
    assert figures["effects"][0]["no_effect_possible"]
    assert "**the interval includes no effect**" in evaluation.markdown(figures)


def test_unknown_prior_choice_is_refused(barnet):
    with pytest.raises(ValueError, match="prior must be one of"):
        calibrate.updates(barnet, observed.load(EXAMPLE, barnet), "strong")


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
        "--prior",
        "flat",
    )
    assert result.returncode == 0, result.stderr
    assert "programme annual impact" in result.stdout
    figures = json.loads(rep.with_suffix(".json").read_text())
    assert figures["prior"] == "flat" and "flat priors" in figures["calibrated_scenario"]
    assert "## Prior and posterior" in rep.read_text()
    rerun = run_cli("tables", str(out), "--json")
    assert rerun.returncode == 0, rerun.stderr
    assert {p["field"] for p in figures["parameters"]} >= {
        "strands.njp.completion",
        "strands.coaches.groups.all.reoffend_with",
    }
    bad = run_cli(
        "calibrate",
        str(BARNET),
        "examples/observed_outcomes.csv",
        "--out",
        str(out),
        "--prior",
        "strong",
    )
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


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
    outputs = run_notebook(ROOT / "notebooks" / "recalibrate.ipynb", tmp_path)
    assert "posterior" in outputs and np.isfinite(len(outputs))


def test_actual_costs_are_reported(barnet):
    text = (ROOT / "examples" / "observed_outcomes.csv").read_bytes()
    _, figures = evaluation.evaluate(barnet, observed.read(text, "obs.csv", barnet), runs=100)
    njp = next(c for c in figures["costs"] if c["strand"] == "njp")
    assert njp["observed"] == 45_500 and njp["scenario_operating"] == 42_500
    assert njp["observed_a_year"] == pytest.approx(45_500 / (364 / 365.25))
    assert "## Actual costs" in evaluation.markdown(figures)


def test_a_prior_the_grid_cannot_see_is_an_input_error(barnet_data):
    from obcsim.errors import InputError

    barnet_data["strands"]["njp"]["completion"] = {
        "dist": "pert",
        "min": 0.5001,
        "mode": 0.50015,
        "max": 0.5002,
        "source": "absurdly narrow",
    }
    scn = scenario_from_data(barnet_data)
    obs = obs_of(scn, HEADER + "njp,intervention,2013-07-01,2014-06-30,100,90,12,15\n")
    with pytest.raises(InputError, match="no chance under --prior scenario"):
        calibrate.updates(scn, obs, "scenario")
    assert calibrate.updates(scn, obs, "flat").updates  # the flat prior has no such trouble
