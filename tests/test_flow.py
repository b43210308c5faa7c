"""The SimPy engine against known answers: binomial counts, no-effect, capacity, conservation."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import one_strand
from obcsim.accounts import ledger
from obcsim.case.load import scenario_from_data
from obcsim.model import flow, params
from obcsim.model.montecarlo import run

ENGINES = pytest.mark.parametrize("engine", ["flow", "fast"])


def iterate(data, runs=300, seed=11, engine="flow"):
    return run(scenario_from_data(data), runs, seed=seed, engine=engine, workers=1)


@ENGINES
def test_a_harmful_intervention_costs_money(engine):
    """p1 > p0: the intervention world has the extra reoffences, and the saving is negative."""
    draws = iterate(one_strand(cohort=1000, p0=0.2, p1=0.3), 200, engine=engine)
    se = police(draws).std(ddof=1) / np.sqrt(200)
    assert abs(police(draws).mean() + 100) < 3 * se


def police(draws, strand="coaches"):
    i = draws.strands.index(strand)
    return draws.gross[:, i, draws.scenario.agencies.index("police")]


@ENGINES
def test_binomial_mean_and_variance(engine):
    """With fixed p0 = 0.5, p1 = 0.2 and common random numbers, a person's avoided reoffence is
    Bernoulli(0.3): avoided arrests ~ Binomial(1000, 0.3); BAU reoffences ~ Binomial(1000, 0.5)."""
    draws = iterate(one_strand(), runs=400, engine=engine)
    avoided = police(draws)
    n, p = 1000, 0.3
    se_mean = np.sqrt(n * p * (1 - p) / len(avoided))
    assert abs(avoided.mean() - n * p) < 3 * se_mean
    var = n * p * (1 - p)
    assert abs(avoided.var(ddof=1) - var) < 4 * var * np.sqrt(2 / (len(avoided) - 1))
    if engine == "fast":
        return  # the fast engine counts only the episodes that differ between the worlds
    bau = draws.stats[:, 0, list(flow.STATS).index("bau_episodes")]
    assert abs(bau.mean() - 500) < 3 * np.sqrt(250 / len(bau))
    assert abs(bau.var(ddof=1) - 250) < 4 * 250 * np.sqrt(2 / (len(bau) - 1))


@ENGINES
def test_no_effect_saves_nothing_in_every_iteration(engine):
    data = one_strand(p0=0.4, p1=0.4, hearings=2.0, community_order=0.5)
    draws = iterate(data, runs=50, engine=engine)
    assert np.all(draws.gross == 0)


@ENGINES
def test_doubling_the_cohort_doubles_savings(engine):
    one = iterate(one_strand(cohort=500), engine=engine)
    two = iterate(one_strand(cohort=1000), engine=engine)
    a, b = police(one), police(two)
    se = np.sqrt(4 * a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert abs(b.mean() - 2 * a.mean()) < 3 * se


def test_capacity_that_binds_lengthens_waits_and_lowers_savings():
    free = iterate(one_strand(cohort=300), runs=40)
    slack = iterate(
        one_strand(cohort=300, capacity={"servers": 1000, "service_days": 90, "max_wait_days": 30}),
        runs=40,
    )
    tight = iterate(
        one_strand(cohort=300, capacity={"servers": 10, "service_days": 90, "max_wait_days": 30}),
        runs=40,
    )
    np.testing.assert_array_equal(free.gross, slack.gross)  # capacity that never binds
    col = list(flow.STATS)
    wait = lambda d: d.stats[:, 0, col.index("mean_wait_days")].mean()  # noqa: E731
    dropped = lambda d: d.stats[:, 0, col.index("dropped")].mean()  # noqa: E731
    assert wait(slack) < 1e-9 and dropped(slack) == 0
    assert wait(tight) > 5 and dropped(tight) > 50
    assert police(tight).mean() < 0.8 * police(free).mean()


@ENGINES
def test_breach_sends_the_case_back_to_prosecution(engine):
    """Completion q scales the diverted index episodes: saving = N (d q + q (p0 - p1))."""
    data = one_strand(cohort=1000, p0=0.5, p1=0.5, diversion=1.0, completion=0.8)
    draws = iterate(data, 200, engine=engine)
    se = police(draws).std(ddof=1) / np.sqrt(200)
    assert abs(police(draws).mean() - 800) < 3 * se


def test_event_log_accounts_for_every_pound(barnet):
    rng = np.random.default_rng(5)
    result = flow.simulate(barnet, params.draw(barnet, rng), rng, log=True)
    assert result.log
    for strand, savings in result.gross.items():
        for agency, saving in savings.items():
            costs = {
                w: sum(
                    e.cost
                    for e in result.log
                    if e.strand == strand and e.agency == agency and e.world == w
                )
                for w in ("bau", "intervention")
            }
            assert costs["bau"] - costs["intervention"] == pytest.approx(saving, abs=1e-6)
    kinds = {e.event for e in result.log}
    assert {
        "referral",
        "arrest",
        "reoffence",
        "index episode",
        "allocated a coach",
        "accepts a conditional caution",
        "complies",
    } <= kinds


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cohort=st.floats(0, 60),
    p0=st.floats(0, 1),
    cut=st.floats(0, 1),
    diversion=st.floats(0, 1),
    uptake=st.floats(0, 1),
    completion=st.floats(0, 1),
    hearings=st.floats(0, 5),
    co=st.floats(0, 1),
    servers=st.one_of(st.none(), st.integers(1, 5)),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants(cohort, p0, cut, diversion, uptake, completion, hearings, co, servers, seed):
    """Whatever the values: an effective intervention never costs an agency more than business
    as usual, the intervention world has no more episodes, and the ledger's identities hold."""
    cap = None if servers is None else {"servers": servers, "service_days": 30, "max_wait_days": 10}
    data = one_strand(
        cohort,
        p0,
        p0 * cut,
        diversion,
        uptake,
        completion,
        cap,
        hearings=hearings,
        community_order=co,
        custody=(1 - co) / 2,
    )
    scn = scenario_from_data(data)
    rng = np.random.default_rng(seed)
    result = flow.simulate(scn, params.draw(scn, rng), rng)
    assert all(v >= 0 for v in result.gross["coaches"].values())
    stats = result.stats["coaches"]
    assert stats["intervention_episodes"] <= stats["bau_episodes"]
    assert stats["treated"] <= stats["served"] <= stats["participants"] <= stats["people"]
    draws = run(scn, 3, seed=seed % 1000, workers=1)
    t = ledger.draw_tables(draws)
    for m in ("annual_impact", "year1_impact"):
        for r in t.itertuples():
            parts = (
                (r.gross_saving + r.operating_cost)
                if m == "annual_impact"
                else (r.annual_impact + r.setup_cost)
            )
            np.testing.assert_allclose(getattr(r, m), parts)
