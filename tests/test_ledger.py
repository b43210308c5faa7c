"""The as-published scenario reproduces the OBC's tables, computed from its inputs."""

import pandas as pd
import pytest

from obcsim.accounts.ledger import (
    MEASURES,
    build_tables,
    expected_tables,
    investment_table,
    item_totals,
)
from obcsim.case.load import scenario_from_data
from obcsim.model import expected
from obcsim.obc.published import published_investment, published_tables

REPRODUCED = ("gross_saving", "operating_cost", "annual_impact")


def published_cells():
    t = published_tables()
    return [
        (r.table, r.strand, r.agency, m, getattr(r, m)) for r in t.itertuples() for m in REPRODUCED
    ]


@pytest.mark.parametrize(("table", "strand", "agency", "measure", "value"), published_cells())
def test_every_published_cell_to_the_pound(barnet, table, strand, agency, measure, value):
    computed = expected_tables(barnet).set_index(["strand", "agency"])
    assert round(computed.loc[(strand, agency), measure]) == value


def test_headline_figure(barnet):
    t = expected_tables(barnet).set_index(["strand", "agency"])
    assert round(t.loc[("all", "total"), "annual_impact"]) == 561_710
    assert round(t.loc[("all", "total"), "gross_saving"]) == 795_424


def test_identities_hold_in_every_row(barnet):
    t = expected_tables(barnet)
    assert (t.annual_impact - (t.gross_saving + t.operating_cost)).abs().max() < 1e-9
    assert (t.year1_impact - (t.annual_impact + t.setup_cost)).abs().max() < 1e-9
    for _, block in t.groupby("strand"):
        rows, total = block[block.agency != "total"], block[block.agency == "total"].iloc[0]
        for m in MEASURES:
            assert rows[m].sum() == pytest.approx(total[m])


def test_programme_is_the_sum_of_strands_plus_programme_costs(barnet):
    t = expected_tables(barnet).set_index(["strand", "agency"])
    strands = [s for s, _ in barnet.costed()]
    extra = sum(i.amount.expected() for i in barnet.programme_costs)
    for m in ("gross_saving", "operating_cost"):
        assert t.loc[("all", "total"), m] == pytest.approx(
            sum(t.loc[(s, "total"), m] for s in strands)
        )
    setup = sum(t.loc[(s, "total"), "setup_cost"] for s in strands) - extra
    assert t.loc[("all", "total"), "setup_cost"] == pytest.approx(setup)


def test_no_pound_created_or_lost_between_items_and_tables(barnet):
    t = expected_tables(barnet).set_index(["strand", "agency"])
    items = item_totals(barnet)
    assert -t.loc[("all", "total"), "operating_cost"] == pytest.approx(
        sum(v for (_, _, kind), v in items.items() if kind == "operating")
    )
    assert -t.loc[("all", "total"), "setup_cost"] == pytest.approx(
        sum(v for (_, _, kind), v in items.items() if kind == "setup")
    )


def test_investment_matches_table2(barnet):
    ours = investment_table(barnet).set_index("agency")
    theirs = published_investment().set_index("organisation")
    cols = ["setup_staff", "setup_cash", "ongoing_staff", "ongoing_cash"]
    pd.testing.assert_frame_equal(
        ours.loc[theirs.index, cols], theirs[cols], check_names=False, check_dtype=False
    )


def test_closed_form_on_a_tiny_scenario(barnet_data):
    """S = N u q (d + share f (p0 - p1)) * count * cost, by hand."""
    njp = barnet_data["strands"]["njp"]
    njp.update(cohort=10, uptake=0.5, completion=0.8, diversion=0.25)
    njp["groups"] = {
        "all": {"reoffend_without": 0.6, "reoffend_with": 0.1, "offences_per_reoffender": 2}
    }
    njp["cascade"] = {"hearings": 3}
    njp["unit_costs"] = {"arrest": 100, "community_order": 1000}
    scn = scenario_from_data(barnet_data)
    episodes = 10 * 0.5 * 0.8 * (0.25 + 2 * 0.5)
    assert expected.avoided_episodes(scn, "njp") == pytest.approx(episodes)
    g = expected.gross_savings(scn)["njp"]
    assert g["police"] == pytest.approx(episodes * 100)
    assert g["cps"] == pytest.approx(episodes * 3 * 125)
    assert g["court"] == pytest.approx(episodes * 3 * 192)
    assert g["probation"] == pytest.approx(episodes * 0.5 * 1000)
    assert g["prison"] == 0 and g["council"] == 0


def test_doubling_the_cohort_doubles_savings_not_costs(barnet_data, barnet):
    barnet_data["strands"]["coaches"]["cohort"] = 200
    doubled = expected_tables(scenario_from_data(barnet_data)).set_index(["strand", "agency"])
    base = expected_tables(barnet).set_index(["strand", "agency"])
    key = ("coaches", "total")
    assert doubled.loc[key, "gross_saving"] == pytest.approx(2 * base.loc[key, "gross_saving"])
    assert doubled.loc[key, "operating_cost"] == base.loc[key, "operating_cost"]


def test_mean_is_used_for_distributions(barnet_data, barnet):
    barnet_data["strands"]["iom"]["cohort"] = {
        "dist": "triangular",
        "min": 53,
        "mode": 103,
        "max": 153,
    }
    t = expected_tables(scenario_from_data(barnet_data))
    assert t.gross_saving.sum() == pytest.approx(expected_tables(barnet).gross_saving.sum())


def test_build_tables_on_arrays(barnet):
    """The ledger does the same arithmetic on Monte Carlo arrays as on means."""
    import numpy as np

    gross = {
        s: {a: np.array([v, 2 * v]) for a, v in g.items()}
        for s, g in expected.gross_savings(barnet).items()
    }
    t = build_tables(barnet, gross, item_totals(barnet)).set_index(["strand", "agency"])
    impact = t.loc[("all", "total"), "annual_impact"]
    assert impact[0] == pytest.approx(561_710, abs=0.5)
    assert impact[1] == pytest.approx(2 * 795_424 - 233_714, abs=1)
