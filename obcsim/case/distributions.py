"""Uncertain values: a number or a distribution (fixed, beta, PERT, triangular, lognormal).

A `Dist` is parsed from YAML (a bare number means fixed). It has two faces:
* its **base** (`point()`): the case's own point estimate (for Barnet, the OBC's figure), which
  the base-case tables use; `base:` may differ from the distribution's mean, because the
  evidence need not be centred on the case's figure;
* its **distribution**: what the evidence supports, with a mean (`expected()`), a support,
  an inverse CDF (`ppf`) and draws from a `numpy.random.Generator` (the Monte Carlo).
A fixed value carries `fixed_because:` in a shipped scenario: the written reason it is certain.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator

Kind = Literal["fixed", "beta", "pert", "triangular", "lognormal", "gamma"]

# The parameters each kind takes; every other parameter must be left out.
PARAMS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "beta": ("alpha", "beta"),
    "pert": ("min", "mode", "max"),
    "triangular": ("min", "mode", "max"),
    "lognormal": ("mean", "sd"),
    "gamma": ("shape", "rate", "loc"),  # loc may be left out (0): a gamma shifted to start there
}
OPTIONAL = {"gamma": ("loc",)}
MAX_MAGNITUDE = 1e12  # no count or GBP figure is larger: keeps every sum far from overflow
MAX_CV = 100.0  # a lognormal's sd at most this many times its mean


class Dist(BaseModel):
    """One uncertain value. `source` says where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    dist: Kind = "fixed"
    value: float | None = None
    alpha: float | None = None
    beta: float | None = None
    min: float | None = None
    mode: float | None = None
    max: float | None = None
    mean: float | None = None
    sd: float | None = None
    shape: float | None = None
    rate: float | None = None
    loc: float | None = None
    base: float | None = None
    source: str | None = None
    fixed_because: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Dist:
        wanted = PARAMS[self.dist]
        missing = [
            p for p in wanted if getattr(self, p) is None and p not in OPTIONAL.get(self.dist, ())
        ]
        extra = [p for q in PARAMS.values() for p in q if p not in wanted and getattr(self, p)]
        extra = [p for p in dict.fromkeys(extra) if getattr(self, p) is not None]
        if missing or extra:
            raise ValueError(
                f"a {self.dist} value takes {', '.join(wanted)}"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unexpected {', '.join(extra)}" if extra else "")
            )
        if self.dist == "fixed" and self.base is not None:
            raise ValueError("a fixed value is its own base; give value only")
        if self.dist == "beta" and not (self.alpha > 0 and self.beta > 0):  # type: ignore[operator]
            raise ValueError("beta needs alpha > 0 and beta > 0")
        if self.dist in ("pert", "triangular"):
            lo, mode, hi = self.min, self.mode, self.max
            if not (lo <= mode <= hi and lo < hi):  # type: ignore[operator]
                raise ValueError(f"{self.dist} needs min <= mode <= max and min < max")
        if self.dist == "lognormal" and not (self.mean > 0 and self.sd > 0):  # type: ignore[operator]
            raise ValueError("lognormal needs mean > 0 and sd > 0")
        if self.dist == "gamma" and not (self.shape > 0 and self.rate > 0):  # type: ignore[operator]
            raise ValueError("gamma needs shape > 0 and rate > 0")
        big = [p for p in wanted if abs(getattr(self, p) or 0.0) > MAX_MAGNITUDE]
        if big:
            raise ValueError(f"{big[0]} must be at most {MAX_MAGNITUDE:g} in size (a limit)")
        if self.dist == "lognormal" and self.sd > MAX_CV * self.mean:  # type: ignore[operator]
            raise ValueError(f"a lognormal's sd must be at most {MAX_CV:g} times its mean")
        if self.dist == "gamma" and self.shape / self.rate > MAX_MAGNITUDE:  # type: ignore[operator]
            raise ValueError(f"a gamma's mean must be at most {MAX_MAGNITUDE:g} (a limit)")
        return self

    @property
    def is_fixed(self) -> bool:
        return self.dist == "fixed"

    def point(self) -> float:
        """The base case's value: `base` if given, else the fixed value or the mean."""
        if self.base is not None:
            return float(self.base)
        return self.expected()

    def expected(self) -> float:
        """The distribution's mean: what the Monte Carlo converges to."""
        if self.dist == "fixed":
            return float(self.value)  # type: ignore[arg-type]
        return _mean(self)

    def support(self) -> tuple[float, float]:
        """The range every draw lies in."""
        if self.dist == "fixed":
            return float(self.value), float(self.value)  # type: ignore[arg-type]
        if self.dist == "beta":
            return 0.0, 1.0
        if self.dist == "lognormal":
            return 0.0, math.inf
        if self.dist == "gamma":
            return float(self.loc or 0.0), math.inf
        return float(self.min), float(self.max)  # type: ignore[arg-type]

    def frozen(self) -> Any:
        """The scipy.stats frozen distribution (not for `fixed`)."""
        from scipy import stats  # imported here: scipy.stats takes most of start-up time

        if self.dist == "beta":
            return stats.beta(self.alpha, self.beta)
        if self.dist in ("pert", "triangular"):
            lo, mode, hi = float(self.min), float(self.mode), float(self.max)  # type: ignore[arg-type]
            width = hi - lo
            if self.dist == "pert":
                a = 1 + 4 * (mode - lo) / width
                b = 1 + 4 * (hi - mode) / width
                return stats.beta(a, b, loc=lo, scale=width)
            return stats.triang((mode - lo) / width, loc=lo, scale=width)
        if self.dist == "lognormal":
            mean, sd = float(self.mean), float(self.sd)  # type: ignore[arg-type]
            sigma2 = math.log1p((sd / mean) ** 2)
            return stats.lognorm(s=math.sqrt(sigma2), scale=math.exp(math.log(mean) - sigma2 / 2))
        if self.dist == "gamma":
            return stats.gamma(self.shape, loc=self.loc or 0.0, scale=1 / self.rate)  # type: ignore[operator]
        raise ValueError("a fixed value has no distribution")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """`size` independent draws, with NumPy's own samplers (the same laws as `frozen()`,
        which the tests check, at a fraction of scipy's per-call cost)."""
        if self.dist == "fixed":
            return np.full(size, float(self.value))  # type: ignore[arg-type]
        if self.dist == "beta":
            return rng.beta(self.alpha, self.beta, size)  # type: ignore[arg-type]
        if self.dist == "lognormal":
            mean, sd = float(self.mean), float(self.sd)  # type: ignore[arg-type]
            sigma2 = math.log1p((sd / mean) ** 2)
            return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size)
        if self.dist == "gamma":
            shape, rate = float(self.shape), float(self.rate)  # type: ignore[arg-type]
            return (self.loc or 0.0) + rng.gamma(shape, 1 / rate, size)
        lo, mode, hi = float(self.min), float(self.mode), float(self.max)  # type: ignore[arg-type]
        if self.dist == "triangular":
            return rng.triangular(lo, mode, hi, size)
        width = hi - lo
        a, b = 1 + 4 * (mode - lo) / width, 1 + 4 * (hi - mode) / width
        return lo + width * rng.beta(a, b, size)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The inverse CDF at probabilities `u` (a fixed value is constant)."""
        u = np.asarray(u, float)
        if self.dist == "fixed":
            return np.full(u.shape, float(self.value))  # type: ignore[arg-type]
        return np.asarray(self.frozen().ppf(u), float)

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """Central interval holding `level` of the probability."""
        if self.dist == "fixed":
            return self.support()
        lo, hi = self.frozen().interval(level)
        return float(lo), float(hi)

    def with_mean(self, mean: float) -> Dist:
        """The same kind of distribution moved to a new mean, which is also its base: a beta
        keeps its concentration, PERT and triangular shift, a lognormal keeps its coefficient
        of variation."""
        if self.base is not None:
            return self.model_copy(update={"base": None}).with_mean(mean)
        old = self.expected()
        if self.dist == "fixed":
            return self.model_copy(update={"value": mean})
        if self.dist == "beta":
            if not 0 < mean < 1:
                raise ValueError("a beta's mean must lie strictly between 0 and 1")
            k = float(self.alpha) + float(self.beta)  # type: ignore[arg-type]
            return Dist(dist="beta", alpha=mean * k, beta=(1 - mean) * k, source=self.source)
        if self.dist == "lognormal":
            if mean <= 0:
                raise ValueError("a lognormal's mean must be > 0")
            sd = float(self.sd) * mean / old  # type: ignore[arg-type]
            return Dist(dist="lognormal", mean=mean, sd=sd, source=self.source)
        shift = mean - old
        if self.dist == "gamma":
            return self.model_copy(update={"loc": (self.loc or 0.0) + shift})
        lo, mode, hi = (float(getattr(self, p)) + shift for p in ("min", "mode", "max"))
        return Dist(dist=self.dist, min=lo, mode=mode, max=hi, source=self.source)

    def to_yaml(self) -> Any:
        """Plain data for YAML: a bare number when fixed and unsourced."""
        if self.dist == "fixed" and self.source is None and self.fixed_because is None:
            return _plain(self.value)
        out: dict[str, Any] = {} if self.dist == "fixed" else {"dist": self.dist}
        out.update(
            {p: _plain(getattr(self, p)) for p in PARAMS[self.dist] if getattr(self, p) is not None}
        )
        if self.base is not None:
            out["base"] = _plain(self.base)
        if self.source is not None:
            out["source"] = self.source
        if self.fixed_because is not None:
            out["fixed_because"] = self.fixed_because
        return out


def _plain(x: float | None) -> float | int | None:
    if x is not None and float(x).is_integer() and abs(x) < 1e15:
        return int(x)
    return x


def fixed(value: float, source: str | None = None) -> Dist:
    return Dist(value=value, source=source)


def _coerce(raw: Any) -> Any:
    if isinstance(raw, bool):
        raise ValueError("must be a number or a distribution, not true/false")
    if isinstance(raw, int | float):
        return {"value": raw}
    if raw is None:
        raise ValueError("must be a number or a distribution; it is empty")
    return raw


def _within(lo: float, hi: float, what: str) -> Any:
    def check(d: Dist) -> Dist:
        a, b = d.support()
        bounds = f"be >= {lo:g}" if math.isinf(hi) else f"lie in [{lo:g}, {hi:g}]"
        if a < lo or b > hi:
            shown = f"{a:g}" if d.is_fixed else f"a {d.dist} over [{a:g}, {b:g}]"
            raise ValueError(f"must {bounds} ({what}); got {shown}")
        if d.base is not None and not lo <= d.base <= hi:
            raise ValueError(f"base must {bounds} ({what}); got {d.base:g}")
        return d

    return check


Value = Annotated[Dist, BeforeValidator(_coerce)]
Probability = Annotated[Value, AfterValidator(_within(0.0, 1.0, "a probability"))]
NonNegative = Annotated[
    Value, AfterValidator(_within(0.0, math.inf, "costs and counts are never negative"))
]
AtLeastOne = Annotated[
    Value, AfterValidator(_within(1.0, math.inf, "a reoffender offends at least once"))
]
Reduction = Annotated[
    Value, AfterValidator(_within(-1.0, 1.0, "a relative reduction, 1 - with / without"))
]


def _mean(d: Dist) -> float:
    """The mean in closed form (scipy's frozen distributions take a millisecond to build, and
    sweeps ask for every mean many times); a test checks each against scipy's."""
    if d.dist == "beta":
        return float(d.alpha / (d.alpha + d.beta))  # type: ignore[operator]
    if d.dist == "pert":
        return float((d.min + 4 * d.mode + d.max) / 6)  # type: ignore[operator]
    if d.dist == "triangular":
        return float((d.min + d.mode + d.max) / 3)  # type: ignore[operator]
    if d.dist == "lognormal":
        return float(d.mean)  # type: ignore[arg-type]
    if d.dist == "gamma":
        return float((d.loc or 0.0) + d.shape / d.rate)  # type: ignore[operator]
    raise ValueError(f"no mean for {d.dist}")
