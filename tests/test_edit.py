"""Editing a scenario: what the app may change, moved means, YAML that loads back."""

import pytest
from pydantic import TypeAdapter

from conftest import ROOT
from obcsim.case import edit
from obcsim.case.distributions import Value
from obcsim.case.load import load_scenario, parse_scenario
from obcsim.errors import InputError

value = TypeAdapter(Value)


def test_yaml_round_trip(barnet):
    assert parse_scenario(edit.to_yaml(barnet), "again") == barnet


def test_editable_lists_every_strand_and_unit_costs(barnet):
    fields = edit.editable(barnet)
    groups = {f.group for f in fields}
    assert groups == {"njp", "coaches", "conditional_cautions", "iom", "unit_costs"}
    cohort = next(f for f in fields if f.path == ("strands", "njp", "cohort"))
    assert cohort.value == 200 and cohort.source.startswith("OBC 5.2")
    payer = next(f for f in fields if f.kind == "agency")
    assert payer.value in barnet.agencies


@pytest.mark.parametrize(
    ("spec", "new"),
    [
        ({"value": 3}, 5),
        ({"dist": "beta", "alpha": 4, "beta": 76}, 0.1),
        ({"dist": "pert", "min": 0.3, "mode": 0.4, "max": 0.5}, 0.45),
        ({"dist": "triangular", "min": 10, "mode": 20, "max": 60}, 40),
        ({"dist": "lognormal", "mean": 100, "sd": 30}, 200),
    ],
)
def test_with_mean_moves_the_mean_and_keeps_the_shape(spec, new):
    d = value.validate_python(spec)
    moved = d.with_mean(new)
    assert moved.dist == d.dist and moved.expected() == pytest.approx(new)
    if d.dist == "beta":
        assert moved.alpha + moved.beta == pytest.approx(d.alpha + d.beta)
    if d.dist == "lognormal":
        assert moved.sd / moved.mean == pytest.approx(d.sd / d.mean)
    if d.dist in ("pert", "triangular"):
        assert moved.max - moved.min == pytest.approx(d.max - d.min)


def test_apply_changes_values_and_payer(barnet):
    scn = edit.apply(
        barnet,
        {("strands", "njp", "cohort"): 300, ("strands", "njp", "costs", 1, "agency"): "police"},
    )
    assert scn.strands.njp.cohort.expected() == pytest.approx(300)
    assert scn.strands.njp.cohort.point() == pytest.approx(300)
    assert scn.strands.njp.costs[1].agency == "police"
    assert barnet.strands.njp.cohort.point() == 200  # the original is untouched


def test_base_only_moves_the_base_and_keeps_the_evidence(barnet):
    path = ("strands", "njp", "groups", "all", "reduction")
    scn = edit.apply(barnet, {path: 0.95}, base_only=True)
    moved, before = (
        scn.strands.njp.groups["all"].reduction,
        barnet.strands.njp.groups["all"].reduction,
    )
    assert moved.point() == 0.95 and moved.expected() == pytest.approx(before.expected())


@pytest.mark.parametrize(
    ("edits", "field"),
    [
        ({("strands", "njp", "uptake"): 1.5}, "strands.njp.uptake"),
        (
            {("strands", "njp", "groups", "all", "reduction"): 0.95},
            "strands.njp.groups.all.reduction",
        ),
        ({("strands", "njp", "costs", 1, "agency"): "nhs"}, "strands.njp.costs.1.agency"),
        ({("strands", "nowhere", "cohort"): 1}, "strands.nowhere.cohort"),
    ],
)
def test_impossible_edits_name_the_field(barnet, edits, field):
    with pytest.raises(InputError) as err:
        edit.apply(barnet, edits)
    assert err.value.field == field


@pytest.mark.parametrize("name", ["barnet_obc_2013", "barnet_external_costs"])
def test_every_editable_label_is_in_words(name):
    """No field names on the board's inputs: strands, groups, events and agencies in words."""
    scn = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    labels = [f.label for f in edit.editable(scn)]
    assert not [label for label in labels if "_" in label or "(cps)" in label], labels
    assert "Police's cost of an arrest, all strands" in labels or (
        "Police's cost of an arrest, enhanced IOM only" in labels
    )
