"""Unit costs at the scenario's price year; the external-costs scenario against its sources."""

import csv
from importlib import resources

import pytest
import yaml

from conftest import ROOT
from obcsim.accounts.ledger import expected_tables
from obcsim.case.load import load_scenario, scenario_from_data
from obcsim.case.prices import factor
from obcsim.errors import InputError
from obcsim.outputs import cover, external

EXTERNAL = ROOT / "scenarios" / "barnet_external_costs.yaml"
# GDP deflator index (1989/90 = 100) as printed in the database's Lookups sheet
INDEX = {"2006/07": 161.73897791, "2008/09": 170.64989406, "2012/13": 186.08289431}


def test_factor_by_hand():
    assert factor("2006/07", "2012/13") == pytest.approx(INDEX["2012/13"] / INDEX["2006/07"])
    assert factor("2012/13", "2012/13") == 1


def test_a_unit_cost_with_its_own_price_year_is_repriced(barnet_data):
    barnet_data["unit_costs"]["court_hearing"]["price_year"] = "2008/09"
    scn = scenario_from_data(barnet_data)
    cost = scn.unit_costs["court_hearing"]
    assert cost.cost.expected() == pytest.approx(192 * INDEX["2012/13"] / INDEX["2008/09"])
    assert cost.price_year == "2012/13" and "at 2008/09 prices" in cost.cost.source
    same = scenario_from_data({**barnet_data, "price_year": "2008/09"})
    assert same.unit_costs["court_hearing"].cost.expected() == 192
    barnet_data["unit_costs"]["court_hearing"]["price_year"] = "1980/81"
    with pytest.raises(InputError, match=r"unit_costs\.court_hearing\.price_year"):
        scenario_from_data(barnet_data)


def test_external_scenario_names_and_prices_its_rows():
    rows_file = resources.files("obcsim.data").joinpath("gmca_ucd_v1_4_rows.csv")
    with rows_file.open("r", encoding="utf-8") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    raw = yaml.safe_load(EXTERNAL.read_text())
    scn = load_scenario(EXTERNAL)
    used = {"arrest": ("CR7.0", 342), "court_hearing": ("CR5.6", 445)}
    used |= {"community_order": ("CR3.2", 357), "custody": ("CR3.1", 2367 * 3)}
    for event, (code, value) in used.items():
        given = raw["unit_costs"][event]
        row = rows[code]
        assert f"{code} (workbook row {row['workbook_row']})" in given["cost"]["source"]
        assert given["price_year"] == row["price_year"]
        assert given["cost"]["value"] == value
        expected = value * INDEX["2012/13"] / INDEX[row["price_year"]]
        assert scn.unit_costs[event].cost.expected() == pytest.approx(expected)
    assert "£342 police" in rows["CR7.0"]["comment"]
    assert float(rows["CR3.1"]["value_gbp"]) == 2367
    # one set of unit costs for every strand: no strand overrides a cost
    assert all(not st.unit_costs for _, st in scn.costed())
    assert cover.uses_gmca(scn) and not cover.uses_gmca(
        load_scenario(ROOT / "scenarios" / "barnet_obc_2013.yaml")
    )


def test_external_against_backsolved_strand_by_strand():
    scn = load_scenario(EXTERNAL)
    frame = external.against_backsolved(scn)
    here = expected_tables(scn).set_index(["strand", "agency"])
    for r in frame.itertuples():
        assert r.gross_saving_external == pytest.approx(
            here.loc[(r.strand, r.agency), "gross_saving"]
        )
        assert r.gross_saving_difference == pytest.approx(
            r.gross_saving_external - r.gross_saving_backsolved
        )
    programme = frame[(frame.strand == "all") & (frame.agency == "total")].iloc[0]
    assert programme.gross_saving_backsolved == pytest.approx(795_424, abs=0.5)
    cps = frame[(frame.strand == "all") & (frame.agency == "cps")].iloc[0]
    assert cps.gross_saving_difference == pytest.approx(0)  # CPS keeps the back-solved £125


def test_reconcile_groups_a_scenarios_own_differences_by_table():
    from obcsim.obc.faults import by_fault
    from obcsim.obc.published import published_investment, published_tables

    scn = load_scenario(EXTERNAL)
    inputs = (published_tables(), published_investment(), expected_tables(scn), scn.name)
    faults = by_fault(*inputs, scn=scn)
    own = [f for f in faults if f.check == "scenario_vs_published"]
    assert len({(f.table, f.strand) for f in own}) == len(own) == 5  # four strands, Table 1
    assert all("differs from" in f.message for f in own)
    assert len(faults) == 15
