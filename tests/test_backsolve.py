"""The back-solved unit costs are reproducible from the scenario's other inputs."""

import pytest

from obcsim.accounts.ledger import expected_tables
from obcsim.case.load import scenario_from_data
from obcsim.obc.backsolve import backsolve, common_unit, current_value, shortest
from obcsim.obc.published import published_gross


def test_shipped_values_are_what_backsolve_derives(barnet):
    derived = backsolve(barnet)
    assert len(derived) == 15
    for d in derived:
        assert current_value(barnet, d.path) == d.value, d.path


def test_shipped_source_notes_say_how(barnet):
    for d in backsolve(barnet):
        if d.path[0] == "unit_costs":
            note = barnet.unit_costs[d.path[1]].cost.source
        elif d.path[2] == "cascade":
            note = getattr(barnet.strand(d.path[1]).cascade, d.path[3]).source
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
