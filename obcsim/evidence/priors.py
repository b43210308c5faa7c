"""Priors for recalibration, and what each is worth in people (its effective sample size).

Three choices (`--prior`):

* `scenario`: each value's own distribution as the scenario states it (a fixed value, which
  states no uncertainty, becomes a Beta worth `FIXED` people at that value);
* `weak` (the default): the same, except that a value the scenario marks as assumed (its
  `source:` says "assum..." or it is fixed) keeps its mean but is worth at most `CAP` people;
* `flat`: every rate uniform on [0, 1] (a Beta(1, 1), worth 2 people).

A probability's effective sample size is the alpha + beta of the Beta with the same mean and
variance: a prior worth 40 people moves as much as 40 observed people. A relative reduction r
is a prior on the with-rate p1 = p0 (1 - r): its worth is that of p1's implied distribution;
under `scenario` (and `weak`, when r is not assumed) the joint density of (p0, p1) is used as it
is, so p1 moves with p0 as in the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from obcsim.case.distributions import Dist
from obcsim.case.pathway import Group

MODES = ("scenario", "weak", "flat")
CAP = 10.0  # a weak prior is worth at most this many people
FIXED = 2.0  # a fixed value's prior is worth this many people
LogPdf = Callable[[np.ndarray], np.ndarray]


def assumed(d: Dist) -> bool:
    """The scenario marks the value as assumed (or gives it no uncertainty at all)."""
    return d.is_fixed or "assum" in (d.source or "").lower()


def _beta_logpdf(a: float, b: float) -> LogPdf:
    from scipy import stats

    return lambda x: np.asarray(stats.beta(a, b).logpdf(x), float)


def moments_ess(mean: float, var: float) -> float:
    """alpha + beta of the Beta with this mean and variance (0 when none fits)."""
    if var <= 0:
        return float("inf")
    return max(mean * (1 - mean) / var - 1, 0.0)


@dataclass(frozen=True)
class RatePrior:
    """A prior on one probability: its log density, mean, worth in people and how it was
    chosen. `point` is set when the value is held where it is (not learnt)."""

    logpdf: LogPdf
    mean: float
    ess: float
    note: str
    point: float | None = None


def _capped(mean: float, ess: float, why: str) -> RatePrior:
    m = min(max(mean, 0.005), 0.995)
    k = min(ess, CAP)
    return RatePrior(
        _beta_logpdf(m * k, (1 - m) * k),
        m,
        k,
        f"{why}: a Beta with its mean {m:.3f}, worth {k:.3g} people (cap {CAP:g})",
    )


def flat() -> RatePrior:
    return RatePrior(_beta_logpdf(1, 1), 0.5, 2.0, "flat: uniform on [0, 1], worth 2 people")


def rate_prior(d: Dist, mode: str) -> RatePrior:
    """The prior on a probability stated by `d`, under `mode`."""
    if mode == "flat":
        return flat()
    m = d.expected()
    if d.is_fixed:
        return _capped(m, FIXED, f"the scenario's fixed {m:g} states no uncertainty")
    ess = moments_ess(m, float(d.frozen().var()))
    if mode == "weak" and assumed(d) and ess > CAP:
        return _capped(m, ess, f"the scenario's {d.dist} (worth {ess:.0f} people) is assumed")
    frozen = d.frozen()
    return RatePrior(
        lambda x: np.asarray(frozen.logpdf(x), float),
        m,
        ess,
        f"the scenario's {d.dist} as stated, worth {ess:.0f} people",
    )


def held(d: Dist) -> RatePrior:
    """A value the data cannot inform, kept at the scenario's distribution (a fixed value at its
    point)."""
    if d.is_fixed:
        return RatePrior(lambda x: np.zeros_like(x), d.expected(), float("inf"), "", d.expected())
    p = rate_prior(d, "scenario")
    return RatePrior(p.logpdf, p.mean, p.ess, "not in the data: the scenario's own distribution")


@dataclass(frozen=True)
class EffectPrior:
    """The prior on the with-rate p1, possibly through a relative reduction (then joint with
    p0). `logpdf(p0, p1)` broadcasts over a grid."""

    logpdf: Callable[[np.ndarray, np.ndarray], np.ndarray]
    mean: float
    ess: float
    note: str


def implied_with_rate(grp: Group) -> tuple[float, float]:
    """Mean and variance of p1 = p0 (1 - r) with p0 and r independent (the model's draws)."""
    assert grp.reduction is not None
    p0, r = grp.reoffend_without, grp.reduction

    def moments(d: Dist) -> tuple[float, float]:
        return (d.expected(), 0.0) if d.is_fixed else (d.expected(), float(d.frozen().var()))

    (m0, v0), (mr, vr) = moments(p0), moments(r)
    mean = m0 * (1 - mr)
    second = (v0 + m0**2) * (vr + (1 - mr) ** 2)
    return mean, second - mean**2


def effect_prior(grp: Group, mode: str) -> EffectPrior:
    """The prior on the group's with-rate under `mode`."""
    if grp.reoffend_with is not None:
        p = rate_prior(grp.reoffend_with, mode)
        return EffectPrior(lambda p0, p1: p.logpdf(p1) + 0 * p0, p.mean, p.ess, p.note)
    assert grp.reduction is not None
    mean, var = implied_with_rate(grp)
    ess = moments_ess(mean, var)
    if mode == "flat":
        return effect_prior_flat()
    r = grp.reduction
    if r.is_fixed or (mode == "weak" and assumed(r) and ess > CAP):
        why = f"p0 (1 - r) with r {'fixed' if r.is_fixed else 'assumed'} (worth {ess:.0f} people)"
        p = _capped(mean, min(ess, FIXED) if r.is_fixed else ess, why)
        return EffectPrior(lambda p0, p1: p.logpdf(p1) + 0 * p0, p.mean, p.ess, p.note)
    frozen = r.frozen()

    def joint(p0: np.ndarray, p1: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(frozen.logpdf(1 - p1 / p0), float) - np.log(p0)

    return EffectPrior(
        joint,
        mean,
        ess,
        f"p0 (1 - r) with the scenario's {r.dist} on r as stated, worth {ess:.0f} people",
    )


def effect_prior_flat() -> EffectPrior:
    """A uniform prior on the with-rate, whatever the scenario says."""
    p = flat()
    return EffectPrior(lambda p0, p1: p.logpdf(p1) + 0 * p0, p.mean, p.ess, p.note)
