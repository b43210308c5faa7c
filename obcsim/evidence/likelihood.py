"""The likelihood of observed counts under the model's own mixture, and its grid posterior.

The model (model/expected.py) gives a participant who completes the with-rate p1 and one who
does not the without-rate p0. So the intervention group's reoffenders are intention to treat:

* with completion observed (c of n completed): reoffended = Bin(c, p1) + Bin(n - c, p0), whose
  probability is the convolution sum_j Bin(j; c, p1) Bin(k - j; n - c, p0), exact;
* without it (a Justice Data Lab summary): reoffended ~ Bin(n, q p1 + (1 - q) p0), with the
  completion q integrated over its distribution;
* a comparison group: reoffended ~ Bin(m, p0).

The data's people are participants (they took up the offer), so uptake does not enter; the
diversion of the index episode is not a reoffence, so the data carry nothing on it. Completion
q has its own binomial likelihood from the completion counts. The posterior of (p0, p1) is
computed on a grid (two passes: the unit square, then the box holding the posterior mass, so
large samples are resolved), and summarised by draws from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from obcsim.evidence.priors import EffectPrior, RatePrior

SIZE = 160  # grid points a side
DROP = 30.0  # a cell this far below the top in log posterior holds no mass
Q_POINTS = 40  # completion values integrated over where completion is not observed


class NoPosterior(ValueError):
    """The prior puts no weight where the data could arise."""


@dataclass(frozen=True)
class Treated:
    """One intervention-group row: people, completed (None if not observed), reoffended."""

    people: int
    completed: int | None
    reoffended: int


@dataclass(frozen=True)
class Counts:
    """A group's data: intervention rows, and the comparison group pooled (0 people if none)."""

    treated: tuple[Treated, ...]
    comparison_people: int = 0
    comparison_reoffended: int = 0


def _axis(lo: float, hi: float, size: int) -> np.ndarray:
    step = (hi - lo) / size
    return lo + step * (np.arange(size) + 0.5)


def _binom_loglik(k: int, n: int, p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = k * np.log(p) + (n - k) * np.log1p(-p)
    return np.where(np.isnan(out), -np.inf, out)


def _box(logpost: np.ndarray, axis: np.ndarray, along: int) -> tuple[float, float]:
    """The range of `axis` (a grid axis of `logpost`) where the posterior has mass."""
    keep = (logpost > logpost.max() - DROP).any(
        axis=tuple(i for i in range(logpost.ndim) if i != along)
    )
    idx = np.flatnonzero(keep)
    step = axis[1] - axis[0] if len(axis) > 1 else 0.0
    lo = max(axis[idx[0]] - 1.5 * step, 0.0)
    hi = min(axis[idx[-1]] + 1.5 * step, 1.0)
    return lo, hi


@dataclass(frozen=True)
class Grid1:
    """A posterior over one probability on a grid: values and normalised weights."""

    values: np.ndarray
    weights: np.ndarray

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if len(self.values) == 1:
            return np.full(n, self.values[0])
        step = self.values[1] - self.values[0]
        i = rng.choice(len(self.values), n, p=self.weights)
        return self.values[i] + step * (rng.random(n) - 0.5)

    def coarse(self, points: int) -> Grid1:
        """At most `points` values (for integrating over it), weights summed into them."""
        if len(self.values) <= points:
            return self
        parts = np.array_split(np.arange(len(self.values)), points)
        w = np.array([self.weights[p].sum() for p in parts])
        v = np.array([np.average(self.values[p], weights=self.weights[p] + 1e-300) for p in parts])
        return Grid1(v, w / w.sum())


def _normalise(logpost: np.ndarray) -> np.ndarray:
    w = np.exp(logpost - logpost.max())
    return w / w.sum()


def completion_posterior(prior: RatePrior, people: int, completed: int, size: int = SIZE) -> Grid1:
    """Completion given `completed` of `people` (a held prior stays where it is)."""
    if prior.point is not None:
        return Grid1(np.array([prior.point]), np.array([1.0]))
    lo, hi = 0.0, 1.0
    for _ in range(2):
        q = _axis(lo, hi, size)
        logpost = prior.logpdf(q) + _binom_loglik(completed, people, q)
        if not np.isfinite(logpost.max()):
            raise NoPosterior("the prior gives these completion counts no chance")
        lo, hi = _box(logpost, q, 0)
    return Grid1(q, _normalise(logpost))


def _convolution(row: Treated, p0: np.ndarray, p1: np.ndarray) -> np.ndarray:
    """log P(k reoffended | c completers at p1, n - c others at p0) on the (p0, p1) grid."""
    from scipy import stats

    n, c, k = row.people, int(row.completed or 0), row.reoffended
    j = np.arange(max(0, k - (n - c)), min(c, k) + 1)[:, None]
    a = stats.binom.pmf(j, c, p1[None, :])  # (j, p1)
    b = stats.binom.pmf(k - j, n - c, p0[None, :])  # (j, p0)
    with np.errstate(divide="ignore"):
        return np.log(b.T @ a)


def _loglik(counts: Counts, q: Grid1, p0: np.ndarray, p1: np.ndarray) -> np.ndarray:
    """log likelihood on the (p0, p1) grid (rows p0, columns p1), q integrated out."""
    P0, P1 = p0[:, None], p1[None, :]
    out = np.broadcast_to(
        _binom_loglik(counts.comparison_reoffended, counts.comparison_people, P0),
        (len(p0), len(p1)),
    ).copy()
    itt = [t for t in counts.treated if t.completed is None]
    for t in counts.treated:
        if t.completed is not None:
            out += _convolution(t, p0, p1)
    if itt:
        qs = q.coarse(Q_POINTS)
        terms = []
        for qv, w in zip(qs.values, qs.weights, strict=True):
            pi = qv * P1 + (1 - qv) * P0
            terms.append(
                np.log(w + 1e-300) + sum(_binom_loglik(t.reoffended, t.people, pi) for t in itt)
            )
        stack = np.array(terms)
        top = stack.max(axis=0)
        with np.errstate(invalid="ignore"):
            out += np.where(
                np.isfinite(top), top + np.log(np.exp(stack - top).sum(axis=0)), -np.inf
            )
    return out


@dataclass(frozen=True)
class Grid2:
    """The posterior of (p0, p1) on a grid: rows p0, columns p1."""

    p0: np.ndarray
    p1: np.ndarray
    weights: np.ndarray

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        flat = rng.choice(self.weights.size, n, p=self.weights.ravel())
        i, j = np.unravel_index(flat, self.weights.shape)
        s0, s1 = self.p0[1] - self.p0[0], self.p1[1] - self.p1[0]
        return (
            self.p0[i] + s0 * (rng.random(n) - 0.5),
            self.p1[j] + s1 * (rng.random(n) - 0.5),
        )


def rates_posterior(
    counts: Counts, without: RatePrior, effect: EffectPrior, q: Grid1, size: int = SIZE
) -> Grid2:
    """The posterior of the without- and with-rates given the group's counts."""
    box = ((0.0, 1.0), (0.0, 1.0))
    for _ in range(2):
        p0, p1 = _axis(*box[0], size), _axis(*box[1], size)
        P0, P1 = p0[:, None], p1[None, :]
        with np.errstate(invalid="ignore"):
            prior = without.logpdf(P0) + effect.logpdf(P0, P1)
        logpost = np.where(np.isnan(prior), -np.inf, prior) + _loglik(counts, q, p0, p1)
        if not np.isfinite(logpost.max()):
            raise NoPosterior("the prior gives these reoffending counts no chance")
        box = (_box(logpost, p0, 0), _box(logpost, p1, 1))
    return Grid2(p0, p1, _normalise(logpost))
