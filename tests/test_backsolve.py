"""The back-solved unit costs are reproducible from the scenario's other inputs."""

import pytest

from obcsim.accounts.ledger import expected_tables
from obcsim.case.load import scenario_from_data
from obcsim.obc.backsolve import backsolve, common_unit, current_value, shortest
from obcsim.obc.published import published_gross


def test_shipped_values_are_what_backsolve_derives(barnet):
    derived = backsolve(barnet)
    assert len(derived) == 15  # the caution's charge in place of its arrest
    for d in derived:
        assert current_value(barnet, d.path) == d.value, d.path


def test_shipped_source_notes_say_how(barnet):
    for d in backsolve(barnet):
        if d.path[0] == "unit_costs":
            note = barnet.unit_costs[d.path[1]].cost.source
        elif d.path[2] == "cascade":
            note = getattr(barnet.strand(d.path[1]).cascade, d.path[3]).source
        elif d.path[2] == "charge":
            note = barnet.strand(d.path[1]).charge.source
        else:
            note = barnet.strand(d.path[1]).unit_costs[d.path[3]].source
        assert note == d.source and note.startswith("back-solved")


def test_common_unit_costs_from_the_clue():
    assert common_unit([10625, 4500, 110000, 0]) == 125
    assert common_unit([16320, 6912, 168960]) == 192
    with pytest.raises(ValueError):
        common_unit([0, 0])


def test_shortest_keeps_the_penny():
    assert shortest(163946 / 190, 190, 163946) == 862.8737
    assert shortest(4.0000000001, 220 * 192, 880 * 192) == 4
    value = shortest(2 / 3, 1000, 1000 * 2 / 3)
    assert abs(1000 * value - 2000 / 3) <= 0.005


def test_backsolve_follows_a_changed_assumption(barnet_data):
    """Change the NJP reoffending assumption: the derived costs move, the tables still match."""
    barnet_data["strands"]["njp"]["groups"]["all"]["reduction"] = 0.8  # 10% with, 50% without
    scn = scenario_from_data(barnet_data)
    derived = {d.path: d.value for d in backsolve(scn)}
    arrest = derived[("strands", "njp", "unit_costs", "arrest")]
    assert arrest == pytest.approx(163946 / (200 * (0.5 + 0.4)), abs=1e-3)
    njp = barnet_data["strands"]["njp"]
    njp["unit_costs"]["arrest"] = arrest
    njp["unit_costs"]["community_order"] = derived[
        ("strands", "njp", "unit_costs", "community_order")
    ]
    njp["cascade"]["hearings"] = derived[("strands", "njp", "cascade", "hearings")]
    t = expected_tables(scenario_from_data(barnet_data)).set_index(["strand", "agency"])
    for agency in ("police", "cps", "probation", "court"):
        assert round(t.loc[("njp", agency), "gross_saving"]) == published_gross("njp", agency)


def test_backsolve_refuses_an_impossible_structure(barnet_data):
    """A published prison saving with no custody in the cascade cannot be back-solved."""
    barnet_data["strands"]["iom"]["cascade"]["custody"] = 0.0
    del barnet_data["strands"]["iom"]["unit_costs"]["custody"]
    with pytest.raises(ValueError, match="no custody events"):
        backsolve(scenario_from_data(barnet_data))


def test_a_caution_replaces_a_prosecution_not_an_arrest(barnet, barnet_data):
    """The cautioned were arrested already: the police save a charge on each of the 200
    prosecutions and an arrest (NJP's) on each of the 20 avoided reoffences; switched off, every
    episode is an arrest at £224.73. Both reproduce the published table."""
    cc = barnet.strand("conditional_cautions")
    assert cc.diverts_from == "prosecution"
    arrest, charge = cc.unit_costs["arrest"].point(), cc.charge.point()
    assert arrest == barnet.strand("njp").unit_costs["arrest"].point()
    assert 200 * charge + 20 * arrest == pytest.approx(49_440, abs=0.005)
    data = barnet_data["strands"]["conditional_cautions"]
    del data["diverts_from"], data["charge"]
    data["unit_costs"]["arrest"] = 49_440 / 220
    off = scenario_from_data(barnet_data)
    for scn in (barnet, off):
        t = expected_tables(scn).set_index(["strand", "agency"])
        assert round(t.loc[("conditional_cautions", "police"), "gross_saving"]) == 49_440
    # Under the evidence (fewer prosecutions avoided) the two structures part.
    from obcsim.model.expected import MEAN

    on_mean = expected_tables(barnet, MEAN).set_index(["strand", "agency"])
    off_mean = expected_tables(off, MEAN).set_index(["strand", "agency"])
    key = ("conditional_cautions", "police")
    assert on_mean.loc[key, "gross_saving"] != pytest.approx(off_mean.loc[key, "gross_saving"])
    with pytest.raises(ValueError, match="diverts_from: prosecution and charge go together"):
        data["diverts_from"] = "prosecution"
        scenario_from_data(barnet_data)
