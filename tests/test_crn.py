"""Common random numbers that survive edits: one strand edited, every other strand's draws
bit-for-bit unchanged, in both engines and for any number of workers."""

import numpy as np
import pytest

from obcsim.accounts import ledger
from obcsim.case import edit
from obcsim.model import params
from obcsim.model.montecarlo import run
from obcsim.model.streams import Streams

RUNS = {"fast": 6_000, "flow": 40}


def _halved(scn, strand="njp"):
    cohort = edit.dist_at(edit.scenario_data(scn), ("strands", strand, "cohort")).expected()
    return edit.apply(scn, {("strands", strand, "cohort"): cohort / 2})


@pytest.mark.parametrize("engine", ["fast", "flow"])
def test_editing_one_strand_leaves_the_others_draws_unchanged(barnet, engine):
    runs = RUNS[engine]
    before = run(barnet, runs, seed=3, engine=engine, workers=1)
    after = run(_halved(barnet), runs, seed=3, engine=engine, workers=2)
    assert before.strands == after.strands
    for i, strand in enumerate(before.strands):
        same = np.array_equal(before.gross[:, i], after.gross[:, i])
        assert same == (strand != "njp"), strand
    njp = before.strands.index("njp")
    assert not np.array_equal(before.stats[:, njp], after.stats[:, njp])


@pytest.mark.parametrize("engine", ["fast", "flow"])
def test_leaving_a_strand_out_leaves_the_others_unchanged(barnet, engine):
    data = edit.scenario_data(barnet)
    del data["strands"]["coaches"]
    from obcsim.case.load import scenario_from_data

    without = scenario_from_data(data)
    a = run(barnet, RUNS[engine], seed=8, engine=engine, workers=1)
    b = run(without, RUNS[engine], seed=8, engine=engine, workers=3)
    for j, strand in enumerate(b.strands):
        np.testing.assert_array_equal(a.gross[:, a.strands.index(strand)], b.gross[:, j])


def test_parameter_draws_are_keyed_by_strand(barnet):
    """The parameter draws themselves (not only the results) are identical arrays."""
    one = params.draw(barnet, Streams(np.random.SeedSequence(4)), 500)
    two = params.draw(_halved(barnet, "iom"), Streams(np.random.SeedSequence(4)), 500)
    for name in one.strands:
        a, b = one.strands[name], two.strands[name]
        if name == "iom":
            assert b.cohort.mean() < 0.6 * a.cohort.mean()
            continue
        for field in ("cohort", "uptake", "completion", "diversion"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
        for event, cost in a.unit_cost.items():
            np.testing.assert_array_equal(cost, b.unit_cost[event])


def test_an_exactly_zero_difference_is_zero_in_compare(barnet):
    """Halving the NJP cohort: an agency NJP saves nothing for differs by exactly 0 in
    every iteration (a second route: the per-strand ledger cells of NJP are zero there)."""
    a = run(_halved(barnet), 2_000, seed=1, engine="fast", workers=1)
    b = run(barnet, 2_000, seed=1, engine="fast", workers=1)
    diff = ledger.compare(a, b).set_index("agency")
    cells = ledger.draw_tables(b).set_index(["strand", "agency"])
    untouched = [
        agency
        for agency in barnet.agencies
        if not np.any(np.asarray(cells.loc[("njp", agency), "annual_impact"]))
    ]
    assert untouched, "NJP touches every agency: the test needs one it does not"
    for agency in untouched:
        row = diff.loc[agency]
        assert row.difference == 0 and row.p05 == 0 and row.p95 == 0 and row.identical
    assert not diff.loc["total"].identical
