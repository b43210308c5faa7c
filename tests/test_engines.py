"""The fast engine against the flow engine: same model, same distributions."""

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from conftest import ROOT, one_strand, run_cli
from obcsim.accounts import ledger
from obcsim.accounts.ledger import MEASURES
from obcsim.case.load import load_scenario, scenario_from_data
from obcsim.errors import InputError
from obcsim.model.montecarlo import run

SCENARIOS = ["barnet_obc_2013.yaml", "barnet_evidence_adjusted.yaml"]
CELLS = ("gross_saving", "annual_impact", "year1_impact")


@pytest.fixture(scope="module", params=SCENARIOS)
def both(request):
    scn = load_scenario(ROOT / "scenarios" / request.param)
    return run(scn, 500, seed=21, engine="flow"), run(scn, 20_000, seed=22, engine="fast")


def test_means_agree_within_4_standard_errors(both):
    flow, fast = (ledger.draw_tables(d).set_index(["strand", "agency"]) for d in both)
    for key in flow.index:
        for m in CELLS:
            a, b = np.asarray(flow.loc[key, m]), np.asarray(fast.loc[key, m])
            se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
            assert abs(a.mean() - b.mean()) <= max(4 * se, 1e-6), (key, m)


def test_total_annual_impact_has_the_same_distribution(both):
    flow, fast = (
        np.asarray(
            ledger.draw_tables(d)
            .set_index(["strand", "agency"])
            .loc[("all", "total"), "annual_impact"]
        )
        for d in both
    )
    assert stats.ks_2samp(flow, fast).pvalue > 0.01


def test_fast_is_reproducible_for_any_workers(barnet):
    one = run(barnet, 12_000, seed=5, engine="fast", workers=1)
    two = run(barnet, 12_000, seed=5, engine="fast", workers=2)
    np.testing.assert_array_equal(one.gross, two.gross)
    np.testing.assert_array_equal(one.amounts, two.amounts)
    assert len(one.gross) == 12_000


def test_fast_draws_each_cost_item(barnet_data):
    item = barnet_data["strands"]["coaches"]["costs"][1]
    item["amount"] = {"dist": "pert", "min": 60000, "mode": 75000, "max": 90000}
    draws = run(scenario_from_data(barnet_data), 4000, seed=1, engine="fast", workers=1)
    operating = (
        ledger.draw_tables(draws)
        .set_index(["strand", "agency"])
        .loc[("coaches", "council"), "operating_cost"]
    )
    assert np.std(operating) > 1000 and abs(np.mean(operating) + 75000) < 500
    for m in MEASURES:
        assert np.all(np.isfinite(np.asarray(ledger.draw_tables(draws)[m].iloc[0])))


def test_fast_refuses_capacity_that_may_bind():
    binding = scenario_from_data(
        one_strand(cohort=300, capacity={"servers": 10, "service_days": 90, "max_wait_days": 30})
    )
    with pytest.raises(InputError, match="use --engine flow"):
        run(binding, 10, engine="fast")
    ample = scenario_from_data(
        one_strand(cohort=300, capacity={"servers": 300, "service_days": 90, "max_wait_days": 30})
    )
    assert run(ample, 10, engine="fast").runs == 10


def test_cli_fast_with_binding_capacity_points_to_flow(tmp_path: Path):
    import yaml

    path = tmp_path / "capacity.yaml"
    path.write_text(
        yaml.safe_dump(
            one_strand(
                cohort=300, capacity={"servers": 10, "service_days": 90, "max_wait_days": 30}
            )
        )
    )
    result = run_cli("run", str(path), "--engine", "fast", "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "strands.coaches.capacity" in result.stderr
    assert "--engine flow" in result.stderr and not (tmp_path / "o").exists()


def test_cli_fast_run(tmp_path: Path):
    result = run_cli(
        "run",
        "scenarios/barnet_obc_2013.yaml",
        "--engine",
        "fast",
        "--runs",
        "10000",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "engine fast" in result.stdout and (tmp_path / "summary.json").exists()


def test_preferred_engine():
    from obcsim.model.montecarlo import preferred_engine

    tight = scenario_from_data(
        one_strand(cohort=300, capacity={"servers": 10, "service_days": 90, "max_wait_days": 30})
    )
    assert preferred_engine(tight) == "flow"
    assert preferred_engine(scenario_from_data(one_strand())) == "fast"


@pytest.mark.parametrize("engine", ["flow", "fast"])
def test_a_diverted_prosecution_saves_a_charge_not_an_arrest(engine):
    """1,000 people, 60% diverted, reoffending 50% -> 20%, arrests 0.7 an episode, a charge
    £10 against an arrest £1: police save 1000 x 0.7 x (0.6 x 10 + 0.3 x 1) = £4,410 a year
    (by hand); both engines' means within 4 standard errors, and the event log prices the index
    episodes' arrests as charges."""
    from obcsim.model.flow import simulate
    from obcsim.model.params import draw as draw_params

    data = one_strand(diversion=0.6, arrest=0.7)
    data["strands"]["coaches"] |= {"diverts_from": "prosecution", "charge": 10}
    scn = scenario_from_data(data)
    want = 1000 * 0.7 * (0.6 * 10 + 0.3 * 1)
    t = ledger.expected_tables(scn).set_index(["strand", "agency"])
    assert t.loc[("coaches", "police"), "gross_saving"] == pytest.approx(want)
    d = run(scn, 400 if engine == "flow" else 20_000, seed=4, engine=engine, workers=1)
    police = d.gross[:, 0, scn.agencies.index("police")]
    assert abs(police.mean() - want) <= 4 * police.std(ddof=1) / np.sqrt(len(police))
    log = simulate(scn, draw_params(scn, np.random.default_rng(1)), np.random.default_rng(2), True)
    charges = [e for e in log.log if e.event == "charge"]
    assert charges and all(e.agency == "police" and e.cost == 10 for e in charges)
