import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from obcsim.case.distributions import Dist, NonNegative, Probability, Value

value = TypeAdapter(Value)
prob = TypeAdapter(Probability)
nonneg = TypeAdapter(NonNegative)


def test_bare_number_is_fixed():
    d = value.validate_python(0.25)
    assert d.dist == "fixed" and d.expected() == 0.25 and d.support() == (0.25, 0.25)


def test_value_with_source():
    d = value.validate_python({"value": 3, "source": "OBC 5.2"})
    assert d.expected() == 3 and d.source == "OBC 5.2"


@pytest.mark.parametrize(
    ("spec", "mean"),
    [
        ({"dist": "beta", "alpha": 2, "beta": 38}, 2 / 40),
        ({"dist": "pert", "min": 0, "mode": 0.3, "max": 0.9}, (0 + 4 * 0.3 + 0.9) / 6),
        ({"dist": "triangular", "min": 0, "mode": 0.3, "max": 0.9}, (0 + 0.3 + 0.9) / 3),
        ({"dist": "lognormal", "mean": 862.0, "sd": 300.0}, 862.0),
        ({"dist": "gamma", "shape": 3.0, "rate": 0.5, "loc": 2.0}, 2.0 + 3.0 / 0.5),
    ],
)
def test_means_match_closed_forms_and_draws(spec, mean):
    d = value.validate_python(spec)
    assert math.isclose(d.expected(), mean, rel_tol=1e-9)
    assert math.isclose(d.frozen().mean(), mean, rel_tol=1e-9)  # scipy's, a second route
    draws = d.sample(np.random.default_rng(1), 200_000)
    sd = float(np.std(draws))
    assert abs(draws.mean() - mean) < 4 * sd / math.sqrt(len(draws))
    lo, hi = d.support()
    assert draws.min() >= lo and draws.max() <= hi


def test_lognormal_sd():
    d = value.validate_python({"dist": "lognormal", "mean": 100, "sd": 30})
    assert math.isclose(d.frozen().std(), 30, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"dist": "beta", "alpha": 0, "beta": 1}, "alpha > 0"),
        ({"dist": "beta", "alpha": 1}, "missing beta"),
        ({"dist": "pert", "min": 1, "mode": 0.5, "max": 2}, "min <= mode <= max"),
        ({"dist": "triangular", "min": 1, "mode": 1, "max": 1}, "min < max"),
        ({"dist": "lognormal", "mean": -1, "sd": 1}, "mean > 0"),
        ({"dist": "beta", "alpha": 1, "beta": 1, "mean": 3}, "unexpected mean"),
        ({"dist": "weibull", "value": 1}, "fixed"),
        ({"value": float("nan")}, "finite"),
        (True, "true/false"),
    ],
)
def test_impossible_parameters_are_refused(spec, words):
    with pytest.raises(ValidationError) as err:
        value.validate_python(spec)
    assert words in str(err.value)


def test_probability_range_uses_the_support():
    assert prob.validate_python({"dist": "beta", "alpha": 2, "beta": 3}).dist == "beta"
    with pytest.raises(ValidationError, match=r"must lie in \[0, 1\]"):
        prob.validate_python(1.2)
    with pytest.raises(ValidationError, match="a pert over"):
        prob.validate_python({"dist": "pert", "min": 0.5, "mode": 0.9, "max": 1.1})
    with pytest.raises(ValidationError, match="a lognormal"):
        prob.validate_python({"dist": "lognormal", "mean": 0.5, "sd": 0.1})
    with pytest.raises(ValidationError, match=">= 0"):
        nonneg.validate_python(-5)


def test_round_trip_to_yaml():
    for spec in (7, {"value": 7, "source": "x"}, {"dist": "pert", "min": 0, "mode": 1, "max": 3}):
        d = value.validate_python(spec)
        assert value.validate_python(d.to_yaml()) == d
    assert Dist(value=2.0).to_yaml() == 2


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "beta", "alpha": 2, "beta": 38},
        {"dist": "pert", "min": 0, "mode": 0.3, "max": 0.9},
        {"dist": "triangular", "min": 10, "mode": 30, "max": 90},
        {"dist": "lognormal", "mean": 862.0, "sd": 300.0},
    ],
)
def test_numpy_draws_follow_the_scipy_law(spec):
    """The fast samplers draw from the same distribution scipy.stats describes (KS test)."""
    from scipy import stats

    d = value.validate_python(spec)
    draws = d.sample(np.random.default_rng(7), 20_000)
    assert stats.kstest(draws, d.frozen().cdf).pvalue > 0.001


def test_gamma_shifted():
    d = value.validate_python({"dist": "gamma", "shape": 4, "rate": 2, "loc": 1})
    assert d.expected() == pytest.approx(3) and d.support() == (1, math.inf)
    draws = d.sample(np.random.default_rng(3), 100_000)
    assert abs(draws.mean() - 3) < 0.02 and draws.min() >= 1
    assert d.with_mean(4).expected() == pytest.approx(4)
    assert value.validate_python({"dist": "gamma", "shape": 2, "rate": 1}).expected() == 2
    with pytest.raises(ValidationError, match="shape > 0"):
        value.validate_python({"dist": "gamma", "shape": 0, "rate": 1})
