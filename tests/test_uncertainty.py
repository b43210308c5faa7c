"""Honest uncertainty: every input uncertain or fixed for a written reason; base and expected
value apart; effects as relative reductions; one unit-cost basis; the vectorised closed form
agrees with the scalar one."""

import numpy as np
import pytest

from conftest import ROOT
from obcsim.accounts.appraisal import expected_case
from obcsim.accounts.uncertainty import Evaluator, base_and_expected, inputs, walk
from obcsim.accounts.years import Settings
from obcsim.case import edit
from obcsim.case.load import load_scenario, scenario_from_data
from obcsim.model import params
from obcsim.model.expected import BASE, MEAN

SHIPPED = ["barnet_obc_2013.yaml", "barnet_evidence_adjusted.yaml", "barnet_external_costs.yaml"]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_input_is_uncertain_or_fixed_for_a_reason(name):
    scn = load_scenario(ROOT / "scenarios" / name)
    unexplained = []
    costed = {name for name, _ in scn.costed()}
    for path, d in walk(scn):
        if path[0] == "strands" and path[1] not in costed:
            continue  # housing policy carries no figures
        where = ".".join(map(str, path))
        if d.is_fixed and not d.fixed_because:
            unexplained.append(f"{where}: fixed with no fixed_because")
        if not d.is_fixed and not d.source:
            unexplained.append(f"{where}: a distribution with no source")
    assert not unexplained, "\n".join(unexplained)
    kinds = {i.key.rsplit(".", 1)[-1] for i in inputs(scn)}
    assert {"cohort", "uptake", "completion", "reduction", "reoffend_without"} <= kinds


def npvs(case) -> dict[str, float]:
    y = case.years
    out = {"programme": float(y.programme().npv()[0, 0])}
    out.update({a: float(v) for a, v in zip(y.agencies, y.npv()[:, 0], strict=True)})
    out.update(
        {f"strand:{s}": float(case.by_strand[s].programme().npv()[0, 0]) for s in case.annual.gross}
    )
    return out


@pytest.mark.parametrize("name", SHIPPED)
def test_vectorised_closed_form_agrees_with_the_scalar_one(name):
    scn = load_scenario(ROOT / "scenarios" / name)
    s = Settings.of(scn)
    ev = Evaluator(scn, s)
    for value in (BASE, MEAN):
        want = npvs(expected_case(scn, s, value))
        got = ev.at(value)
        for k in ev.outcomes:
            assert float(got[k][0]) == pytest.approx(want[k], rel=1e-9, abs=1e-6), k
    # Random parameter sets, second route: a scenario with each input fixed at the row's value.
    rng = np.random.default_rng(3)
    x = np.column_stack([i.ppf(rng.random(3)) for i in ev.inputs])
    got = ev.evaluate(x)
    data = edit.scenario_data(scn)
    for row in range(3):
        for j, i in enumerate(ev.inputs):
            edit.put(
                data,
                tuple(int(p) if p.isdigit() else p for p in i.key.split(".")),
                float(x[row, j]),
            )
        want = npvs(expected_case(scenario_from_data(data), s))
        for k in ev.outcomes:
            assert float(got[k][row]) == pytest.approx(want[k], rel=1e-9, abs=1e-6), (row, k)


def test_the_obc_points_are_optimistic():
    scn = load_scenario(ROOT / "scenarios" / "barnet_obc_2013.yaml")
    gap = base_and_expected(Evaluator(scn, Settings.of(scn))).set_index("outcome")
    assert gap.loc["programme", "base_case"] == pytest.approx(2_475_598.36, abs=0.01)
    assert gap.loc["programme", "optimism"] > 1_000_000
    assert (gap.optimism == gap.base_case - gap.expected_value).all()


def test_a_relative_reduction_moves_both_rates_together(barnet):
    draw = params.draw(barnet, np.random.default_rng(1), 20_000)
    g = draw.strands["njp"].groups[0]
    reduction = 1 - g.reoffend_with / g.reoffend_without
    assert np.corrcoef(g.reoffend_without, g.reoffend_with)[0, 1] > 0.3
    r = barnet.strands.njp.groups["all"].reduction
    assert reduction.mean() == pytest.approx(r.expected(), abs=0.01)


def test_one_unit_cost_basis_for_every_strand(barnet):
    draw = params.draw(barnet, np.random.default_rng(2), 1000)
    ratios = [
        draw.strands[s].unit_cost["arrest"] / barnet.strand(s).unit_costs["arrest"].point()
        for s in ("njp", "coaches", "conditional_cautions", "iom")
    ]
    for other in ratios[1:]:
        np.testing.assert_allclose(other, ratios[0])
    assert ratios[0].std() > 0.2


def test_base_outside_the_evidence_is_allowed_but_range_checked(barnet_data):
    cc = barnet_data["strands"]["conditional_cautions"]
    assert cc["completion"]["base"] == 1.0 and cc["completion"]["max"] < 1.0
    cc["completion"]["base"] = 1.2
    with pytest.raises(ValueError, match="base must lie in"):
        scenario_from_data(barnet_data)


def test_a_breach_costs_what_the_closed_form_says(barnet_data):
    """Conditional cautions with half complying and a £100 breach: the CPS loses N u (1 - q)
    x £100 against the same case without a breach, in the closed form and both engines."""
    from obcsim.accounts.ledger import expected_tables
    from obcsim.model.montecarlo import run

    cc = barnet_data["strands"]["conditional_cautions"]
    cc["cohort"], cc["uptake"], cc["completion"] = 200, 0.8, 0.5
    cc["breach"]["cost"] = 100
    with_breach = scenario_from_data(barnet_data | {"unit_cost_scale": 1.0})
    cc.pop("breach")
    without = scenario_from_data(barnet_data | {"unit_cost_scale": 1.0})

    def cps(scn, value=BASE):
        t = expected_tables(scn, value).set_index(["strand", "agency"])
        return t.loc[("conditional_cautions", "cps"), "gross_saving"]

    assert cps(without) - cps(with_breach) == pytest.approx(200 * 0.8 * 0.5 * 100)
    for engine in ("fast", "flow"):
        a = run(with_breach, 300, seed=5, engine=engine, workers=1)
        b = run(without, 300, seed=5, engine=engine, workers=1)
        i, j = a.strands.index("conditional_cautions"), barnet_data["agencies"].index("cps")
        lost = b.gross[:, i, j] - a.gross[:, i, j]
        # 80 breaches expected; Binomial(200, 0.4) has sd 6.9: the mean over 300 runs is close
        assert lost.mean() == pytest.approx(8000, abs=3 * 100 * 6.93 / np.sqrt(300) + 1), engine
