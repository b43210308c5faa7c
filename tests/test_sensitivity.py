"""Sensitivity and value of information against known answers: closed forms, Ishigami, a model
with one uncertain input, and the same numbers whatever runs the sweep."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from obcsim.model import sweep, voi
from obcsim.model.sensitivity import Input, precise_enough, sobol, tornado

A = np.array([3.0, -2.0, 1.0, 0.5])
MU = np.array([10.0, 5.0, -1.0, 2.0])
SD = np.array([1.0, 2.0, 0.5, 4.0])


def normal(i: int) -> Input:
    return Input(f"x{i}", f"Input {i}", f"g{i}", stats.norm(MU[i], SD[i]).ppf, float(MU[i]))


LINEAR = [normal(i) for i in range(4)]


def linear(X: np.ndarray) -> dict[str, np.ndarray]:
    return {"y": X @ A, "half": 0.5 * X @ A - 5.0}


def uniform_pi(i: int) -> Input:
    return Input(f"x{i}", f"x{i}", f"g{i}", lambda u: np.pi * (2 * u - 1), 0.0)


def ishigami(X: np.ndarray) -> dict[str, np.ndarray]:
    x1, x2, x3 = X.T
    return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}


def indexed(table, outcome="y"):
    return table[table["outcome"] == outcome].set_index("key")


def test_tornado_on_a_linear_model_is_slope_times_the_90_percent_range():
    table = tornado(LINEAR, linear)
    y = indexed(table)
    for i in range(4):
        q05, q95 = stats.norm(MU[i], SD[i]).ppf([0.05, 0.95])
        row = y.loc[f"x{i}"]
        assert row["at_high"] - row["at_low"] == pytest.approx(A[i] * (q95 - q05))
        assert row["swing"] == pytest.approx(abs(A[i]) * (q95 - q05))
        assert row["base"] == pytest.approx(MU @ A)
        assert (row["input_low"], row["input_high"]) == pytest.approx((q05, q95))
    assert list(y["swing"]) == sorted(y["swing"], reverse=True)
    assert set(table["outcome"]) == {"y", "half"}


def test_sobol_linear_model_matches_the_closed_form_within_the_interval():
    exact = A**2 * SD**2 / (A**2 * SD**2).sum()
    y = indexed(sobol(LINEAR, linear, 2**12, seed=3))
    for i in range(4):
        row = y.loc[f"x{i}"]
        assert abs(row["S1"] - exact[i]) <= row["S1_conf"]
        assert abs(row["ST"] - exact[i]) <= row["ST_conf"]


def test_sobol_ishigami_known_indices():
    table = sobol([uniform_pi(i) for i in range(3)], ishigami, 2**14, seed=7)
    y = indexed(table)
    assert y.loc[["x0", "x1", "x2"], "S1"].to_numpy() == pytest.approx(
        [0.314, 0.442, 0.0], abs=0.03
    )
    assert y.loc[["x0", "x1", "x2"], "ST"].to_numpy() == pytest.approx(
        [0.558, 0.442, 0.244], abs=0.03
    )
    assert table.attrs["evaluations"] == 2**14 * 5


def test_the_indices_and_their_intervals_are_salibs():
    """Second route: SALib's own analyze on the same outputs and bootstrap seed."""
    from SALib.analyze import sobol as salib

    from obcsim.model.sensitivity import _analyze, _problem, _seeds, sobol_sample

    items = [uniform_pi(i) for i in range(3)]
    y = ishigami(sweep.to_values(items, sobol_sample(items, 2**10, 5)))["y"]
    problem, boot = _problem(items), _seeds(5)[1]
    ours = _analyze(problem, y, 0.95, 100, boot)
    theirs = salib.analyze(problem, y, calc_second_order=False, num_resamples=100, seed=boot)
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-9, atol=1e-12)


def test_the_design_is_salibs():
    from SALib.sample import sobol as salib

    from obcsim.model.sensitivity import _problem, _seeds, sobol_sample

    items = [uniform_pi(i) for i in range(4)]
    theirs = salib.sample(
        _problem(items), 64, calc_second_order=False, scramble=True, seed=_seeds(9)[0]
    )
    np.testing.assert_array_equal(sobol_sample(items, 64, 9), theirs)


def test_one_uncertain_input_takes_all_the_variance_and_all_the_value():
    inputs = [
        Input("volume", "Volume", "volume", stats.norm(100, 30).ppf, 100.0),
        Input("cost", "Unit cost", "cost", lambda u: np.full_like(u, 2.0), 2.0),
    ]

    def evaluate(X):
        return {"programme": X[:, 0] * X[:, 1] - 190.0}

    y = indexed(sobol(inputs, evaluate, 2**10, seed=1), "programme")
    for idx in ("S1", "ST"):
        assert abs(y.loc["volume", idx] - 1.0) <= min(y.loc["volume", f"{idx}_conf"], 0.02)
    assert y.loc["cost", "ST"] == pytest.approx(0.0, abs=1e-9)
    X, out = sweep.draw(inputs, evaluate, 50_000, seed=2)
    table = voi.evppi(inputs, X, out).set_index("group")
    total = voi.evpi(out)["programme"]
    assert total > 0
    assert table.loc["volume", "evppi"] == pytest.approx(total, rel=1e-3)
    assert table.loc["cost", "evppi"] == 0.0
    assert table.loc["cost", "note"] == "inputs do not vary"


def test_constant_outcome_gives_zero_indices_and_no_warnings():
    def evaluate(X):
        return {"y": X @ A, "flat": np.full(len(X), 7.0)}

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = sobol(LINEAR, evaluate, 2**8, seed=1)
    flat = indexed(table, "flat")
    assert (flat[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy() == 0).all()
    assert flat["note"].str.startswith("constant").all()
    assert not table.isna().any().any()


def test_evpi_is_zero_without_uncertainty():
    assert voi.evpi({"sure": np.full(1000, 5.0), "loss": np.full(1000, -3.0)}) == {
        "sure": 0.0,
        "loss": 0.0,
    }


@pytest.mark.parametrize("mu", [-1.0, 0.0, 0.5, 2.0])
def test_evpi_of_a_normal_net_benefit_matches_the_closed_form(mu):
    sigma = 1.5
    nb = stats.norm(mu, sigma).ppf((np.arange(200_000) + 0.5) / 200_000)
    exact = sigma * stats.norm.pdf(mu / sigma) + mu * stats.norm.cdf(mu / sigma) - max(mu, 0)
    assert voi.evpi({"nb": nb})["nb"] == pytest.approx(exact, rel=2e-3)


def test_evppi_of_an_irrelevant_input_is_about_zero_and_never_exceeds_evpi():
    inputs = [*LINEAR, Input("noise", "Noise", "noise", stats.norm(0, 1).ppf, 0.0)]

    def evaluate(X):
        return {"y": X[:, :4] @ A - MU @ A + 1.0}

    X, out = sweep.draw(inputs, evaluate, 100_000, seed=5)
    total = voi.evpi(out)["y"]
    table = voi.evppi(inputs, X, out, {**{f"g{i}": [f"x{i}"] for i in range(4)},
                                       "noise": ["noise"], "pair": ["x0", "x1"],
                                       "four": ["x0", "x1", "x2", "x3"]})  # fmt: skip
    t = table.set_index("group")
    assert t.loc["noise", "evppi"] <= 0.01 * total
    assert (table["evppi"] <= table["evpi"] + 1e-12).all()
    assert (table["evppi"] >= 0).all()
    # all four inputs determine y: EVPPI = EVPI (within the regression's error)
    assert t.loc["four", "evppi"] == pytest.approx(total, rel=0.01)
    assert t.loc["four", "se"] >= 0
    # the largest contributor to variance (x3: 0.5 * 4 = 2) carries the most value
    assert table.iloc[0]["group"] in {"four", "pair"}
    assert t.loc["g3", "evppi"] > t.loc["g2", "evppi"]


def test_decisions_report_the_chance_of_coming_out_ahead():
    d = voi.decisions({"a": np.array([-1.0, 1.0, 2.0, 3.0])}).iloc[0]
    assert (d["expected"], d["p_ahead"], d["decision"]) == (1.25, 0.75, "fund")
    assert d["evpi"] == pytest.approx(1.5 - 1.25)


def test_same_seed_same_bytes_for_one_or_two_workers():
    kw = {"chunk": 10_000}
    one = sweep.draw(LINEAR, linear, 35_000, seed=11, n_jobs=1, **kw)
    two = sweep.draw(LINEAR, linear, 35_000, seed=11, n_jobs=2, **kw)
    assert one[0].tobytes() == two[0].tobytes()
    assert all(one[1][k].tobytes() == two[1][k].tobytes() for k in one[1])
    s1 = sobol(LINEAR, linear, 2**10, seed=4, n_jobs=1, chunk=1000)
    s2 = sobol(LINEAR, linear, 2**10, seed=4, n_jobs=2, chunk=1000)
    assert s1.equals(s2)
    other = sweep.draw(LINEAR, linear, 35_000, seed=12, **kw)
    assert one[0].tobytes() != other[0].tobytes()


def test_same_bytes_on_a_local_dask_cluster():
    pytest.importorskip("distributed")
    kw = {"chunk": 10_000}
    here = sweep.draw(LINEAR, linear, 35_000, seed=11, n_jobs=1, **kw)
    with sweep.executor(local_cluster=True, n_workers=2) as client:
        assert client is not None and len(client.scheduler_info()["workers"]) == 2
        there = sweep.draw(LINEAR, linear, 35_000, seed=11, **kw)
        s_there = sobol(LINEAR, linear, 2**10, seed=4, chunk=1000)
    assert here[0].tobytes() == there[0].tobytes()
    assert all(here[1][k].tobytes() == there[1][k].tobytes() for k in here[1])
    assert s_there.equals(sobol(LINEAR, linear, 2**10, seed=4, n_jobs=1, chunk=1000))


def test_precise_enough_reads_the_half_widths():
    table = sobol(LINEAR, linear, 2**12, seed=3)
    assert precise_enough(table, top=1, rel=0.5)
    assert not precise_enough(table, top=4, rel=1e-6)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="power of 2"):
        sobol(LINEAR, linear, 1000, seed=1)
    with pytest.raises(ValueError, match="unique"):
        tornado([LINEAR[0], LINEAR[0]], linear)
    with pytest.raises(ValueError, match="one column per input"):
        voi.evppi(LINEAR, np.ones((5, 2)), {"y": np.ones(5)})
