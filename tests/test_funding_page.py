"""The funding page and its API (`accounts.funding_choice`): conservation, a partner's net
position by a second route, the board's terms, and the page's figures against the API."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from obcsim.accounts import appraisal
from obcsim.accounts.funding_choice import ALL_YEARS, Choice, funded, position
from obcsim.accounts.money import gbp
from obcsim.accounts.years import Settings
from obcsim.errors import InputError
from obcsim.model.montecarlo import run
from obcsim.outputs import boardview

POOLED = Choice(
    {"njp": 1.0, "iom": 1.0}, "pooled", {"council": 0.4, "police": 0.4, "probation": 0.2}
)
RUNS, SEED = 3_000, 7


@pytest.fixture(scope="module")
def pooled(barnet):
    draws = run(funded(barnet, POOLED), RUNS, SEED, "fast", workers=1)
    return draws, position(draws, Settings.of(draws.scenario), "pooled")


def test_contributions_sum_to_the_programme_cost_and_benefits_to_gross_savings(pooled):
    draws, pos = pooled
    case = appraisal.draws_case(draws, Settings.of(draws.scenario))
    np.testing.assert_allclose(pos.contribution.sum(axis=0), case.years.costs.sum(axis=0))
    np.testing.assert_allclose(pos.benefit.sum(axis=0), case.years.gross.sum(axis=0))
    rows = pos.partners.set_index("agency")
    frame = appraisal.appraisal_frame(case).set_index("agency")
    assert rows.loc["total", "contribution"] == pytest.approx(frame.loc["total", "pv_costs"])
    assert rows.loc["total", "benefit"] == pytest.approx(frame.loc["total", "pv_benefits"])
    assert rows.loc["total", "net"] == pytest.approx(pos.programme["npv"])
    partners = rows.loc[["council", "police", "probation"], "contribution"]
    assert partners.sum() == pytest.approx(rows.loc["total", "contribution"])


def test_pooled_shares_are_the_boards(pooled):
    _, pos = pooled
    rows = pos.partners.set_index("agency")
    total = rows.loc["total", "contribution"]
    for agency, share in POOLED.shares.items():
        assert rows.loc[agency, "contribution"] == pytest.approx(share * total)
        years = pos.years[pos.years.agency == agency].contribution.to_numpy()
        allyears = pos.years.groupby("year").contribution.sum().to_numpy()
        np.testing.assert_allclose(years, share * allyears)


def test_a_partners_net_position_by_hand(barnet, pooled):
    """Police, by a second route: its benefit is what NJP and IOM save it in the *full* case's
    draws (common random numbers: the funded case keeps those strands' draws), year by year
    from the ledger, discounted by hand; its payment 40% of the funded programme's cost."""
    draws, pos = pooled
    full = run(barnet, RUNS, SEED, "fast", workers=1)
    s = Settings.of(barnet)
    case = appraisal.draws_case(full, s)
    police = barnet.agencies.index("police")
    gross = sum(case.by_strand[n].gross[police] for n in ("njp", "iom"))  # (years, runs)
    factors = 1 / 1.035 ** np.arange(s.years)  # year 1 undiscounted, 3.5%
    benefit = factors @ gross
    funded_case = appraisal.draws_case(draws, Settings.of(draws.scenario))
    cost = factors @ funded_case.years.costs.sum(axis=0)
    net = benefit - 0.4 * cost
    row = pos.partners.set_index("agency").loc["police"]
    assert row.benefit == pytest.approx(benefit.mean())
    assert row.net == pytest.approx(net.mean())
    assert row.net_p05 == pytest.approx(np.percentile(net, 5))
    assert row.p_worse_off == pytest.approx((net < 0).mean())


def test_as_published_contributions_are_own_costs_each_year(barnet):
    draws = run(funded(barnet, Choice({"coaches": 1.0, "njp": 1.0})), 500, 1, "fast", workers=1)
    pos = position(draws)
    case = appraisal.draws_case(draws, Settings.of(draws.scenario))
    np.testing.assert_allclose(pos.contribution, case.years.costs)


def test_a_scale_multiplies_the_cohorts_draws(barnet):
    """Common random numbers and a location-scale cohort: the funded strand's cohort draws are
    the scenario's times the scale, draw for draw; the other strand's are the same."""
    from obcsim.model import params
    from obcsim.model.streams import Streams

    half = funded(barnet, Choice({"iom": 0.5, "njp": 1.0}))
    a = params.draw(barnet, Streams(np.random.SeedSequence(3)), 400)
    b = params.draw(half, Streams(np.random.SeedSequence(3)), 400)
    np.testing.assert_allclose(b.strands["iom"].cohort, 0.5 * a.strands["iom"].cohort)
    np.testing.assert_array_equal(b.strands["njp"].cohort, a.strands["njp"].cohort)


def test_scale_and_strands_left_out(barnet):
    half = funded(barnet, Choice({"njp": 0.5, "iom": 1.0}))
    assert [n for n, _ in half.costed()] == ["njp", "iom"]
    assert half.strands.njp.cohort.expected() == pytest.approx(
        0.5 * barnet.strands.njp.cohort.expected()
    )
    for old, new in zip(barnet.strands.njp.costs, half.strands.njp.costs, strict=True):
        k = 0.5 if old.kind == "operating" else 1.0
        assert new.amount.expected() == pytest.approx(k * old.amount.expected())


@pytest.mark.parametrize(
    ("choice", "words"),
    [
        (Choice({}), "at least one strand"),
        (Choice({"nope": 1.0}), "funding choice: nope: not a costed strand"),
        (Choice({"njp": 0.0}), "scale"),
        (Choice({"njp": 101.0}), r"funding choice: njp: scale must lie in \[0, 100\]"),
        (
            Choice({"njp": 1.0}, "pooled", {"council": 0.5, "police": 0.4}),
            r"funding choice: the pooled shares must sum to 1 \(100%\); got 0.9 \(90.0%\)",
        ),
        (
            Choice({"njp": 1.0}, "pbr", commissioner="nobody"),
            "funding choice: commissioner nobody: not an agency",
        ),
        (Choice({"njp": 1.0}, "pbr", attachment_share=2), "funding choice: attachment_share"),
        (Choice({"njp": 1.0}, "barter"), "unknown funding model"),
    ],
)
def test_bad_choices_are_refused(barnet, choice, words):
    with pytest.raises(InputError, match=words):
        funded(barnet, choice)


def test_payment_by_results_split(barnet):
    choice = Choice({"njp": 1.0, "iom": 1.0}, "pbr", attachment_share=0.5, commissioner="council")
    draws = run(funded(barnet, choice), 1000, 2, "fast", workers=1)
    pos = position(draws, None, "pbr")
    total = pos.contribution.sum(axis=0)
    case = appraisal.draws_case(draws, Settings.of(draws.scenario))
    np.testing.assert_allclose(total, case.years.costs.sum(axis=0))
    assert draws.scenario.finance.pbr.attachment_share == 0.5


@pytest.fixture(scope="module")
def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.session_state["page"] = "Who pays (funding)"
    at.run()
    at.multiselect(key="fund_strands").set_value(["njp", "iom"]).run()
    at.radio(key="fund_model").set_value("pooled").run()
    for agency, share in POOLED.shares.items():
        at.number_input(key=f"fund_share:{agency}").set_value(100 * share)
    at.run()
    assert not at.exception and not at.error
    return at


def test_the_page_shows_the_apis_figures(page, barnet):
    """The walkthrough: fund NJP and IOM only, pooled 40/40/20; the page's table is the API's
    position of an independent run of the same funded case (same seed and iterations)."""
    settings = page.session_state["last_good"]
    draws = run(funded(barnet, POOLED), settings["runs"], settings["seed"], "fast", workers=1)
    pos = position(draws, Settings.of(draws.scenario), "pooled")
    shown = next(
        d.value for d in page.dataframe if "P(worse off)" in d.value and "agency" in d.value
    )
    expected = boardview.partners_display(pos)
    assert shown.to_dict("list") == expected.to_dict("list")
    council = pos.partners.set_index("agency").loc["council"]
    row = shown.set_index("agency").loc["Council"]
    assert row["pays"] == gbp(council.contribution) and row["partner"] == "yes"
    headline = boardview.programme_headline(pos)
    words = " ".join(str(m.value) for m in page.markdown)
    for value in headline.values():
        assert value in words
    years = next(d.value for d in page.dataframe if "year" in d.value)
    assert years.iloc[-1]["year"] == "all years (present value)"
    assert len(years) == pos.programme["years"] + 1
    assert ALL_YEARS == 0


def test_the_page_refuses_shares_that_do_not_add_up(page):
    page.number_input(key="fund_share:probation").set_value(50).run()
    assert not page.exception
    assert any("sum to 1" in e.value for e in page.error)
    page.number_input(key="fund_share:probation").set_value(20).run()
    assert not page.error


def test_the_readmes_walkthrough_figures_are_the_apis(barnet):
    """The figures the README quotes for "fund NJP and IOM only, pooled 40/40/20" (2,000
    iterations, seed 1, the app's defaults) are what the API gives."""
    readme = " ".join((ROOT / "README.md").read_text().split())
    draws = run(funded(barnet, POOLED), 2000, 1, "fast", workers=1)
    pos = position(draws, Settings.of(draws.scenario), "pooled")
    for value in boardview.programme_headline(pos).values():
        assert value in readme, value
    rows = pos.partners.set_index("agency")
    for agency in ("police", "probation", "council"):
        assert gbp(rows.loc[agency, "contribution"]) in readme
    assert (
        gbp(rows.loc["police", "net"]) in readme and gbp(rows.loc["police", "cashable"]) in readme
    )
    assert f"worse off in {rows.loc['police', 'p_worse_off']:.0%} of runs" in readme


def test_pooled_starts_from_equal_shares_that_add_up(barnet):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.session_state["page"] = "Who pays (funding)"
    at.run()
    at.radio(key="fund_model").set_value("pooled").run()
    assert not at.exception and not at.error
    shares = [at.number_input(key=f"fund_share:{a}").value for a in ("council", "police")]
    assert shares[0] + 2 * shares[1] == pytest.approx(100)
    assert "The shares add up to 100.0%." in [c.value for c in at.caption]
    rows = at.session_state["funding_position"].partners.set_index("agency")
    assert rows.loc["police", "contribution"] == pytest.approx(
        shares[1] / 100 * rows.loc["total", "contribution"]
    )


def test_the_page_offers_the_board_pack_of_its_own_figures(page):
    """Both buttons are on the page, and the pack they build from the page's own draws prints
    the page's programme NPV and partners' chances (the pack's figures, read back from its PDF,
    are tests/test_boardpack.py's)."""
    from obcsim.outputs import boardpack

    labels = [b.proto.label for b in page.get("download_button")]
    assert {"Board pack (PDF)", "Board pack (Word)"} <= set(labels)
    shown = page.session_state["funding_position"]
    (pos, draws), _ = next(reversed(page.session_state["positions"].values()))
    assert pos is shown
    pack = boardpack.build(
        draws.scenario, Settings.of(draws.scenario), funding_model="pooled", runs=draws.runs,
        seed=draws.seed, strands=dict(POOLED.strands), shares=dict(POOLED.shares), draws=draws,
        drivers_runs=boardpack.MIN_DRIVERS_RUNS,
    )  # fmt: skip
    assert pack.figures["programme"]["npv"] == pytest.approx(shown.programme["npv"])
