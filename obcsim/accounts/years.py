"""Years: the OBC's one-year tables spread over a horizon, discounted the Green Book way.

Each strand's annual figures (from the closed form or from Monte Carlo draws) are placed in
programme years 1..N. By default year t is every strand's t-th year of operation, as the OBC
counts its "year 1"; with `calendar: true` years run from the first go-live date and a strand
that starts later contributes only the part of a year it is live. Activity (what drives
savings) follows the strand's `ramp_up` factors; a year's cohort keeps saving in later years
at `benefit_persistence` a year; operating costs run while a strand is live; set-up costs fall
in the year it goes live. Costs carry the optimism-bias uplift.

Discounting (HM Treasury Green Book): programme year k sits at t = k - 1 years from the present
by default (`first_year: undiscounted`: year 1 is the present, factor 1, as the OBC counts its
year 1), or at t = k (`first_year: discounted`). The factor is the product of 1 / (1 + r_u) over
u = 1..t, with r_u the schedule's rate for year u: 3.5% for years 1-30, 3.0% for 31-75, 2.5%
for 76-125, 2.0% for 126-200, 1.5% for 201-300, 1.0% beyond. A base rate other than 3.5% keeps
the same steps down. The February 2026 edition adds a lower-rate sensitivity test (3.0%, 2.57%,
2.14%, 1.71%, 1.29%, 0.86%) for horizons over 50 years (`LOWER_2026`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from obcsim.case.scenario import PROGRAMME, Scenario

# Green Book: the standard rate for years 1-30, then lower by these steps (3.5% -> 3.0 ...).
LONG_TERM = ((30, 0.0), (75, 0.005), (125, 0.010), (200, 0.015), (300, 0.020), (math.inf, 0.025))
# Green Book 2026: the additional sensitivity test's rates (pure time preference 0), same bands.
LOWER_2026 = (0.03, 0.0257, 0.0214, 0.0171, 0.0129, 0.0086)
FIRST_YEAR_T = {"undiscounted": 0, "discounted": 1}
ArrayLike = np.ndarray | float


@dataclass(frozen=True)
class Settings:
    """The finance settings in force (scenario values, possibly overridden on the CLI)."""

    years: int
    discount_rate: float
    optimism_bias: float
    persistence: float
    calendar: bool
    first_year: str = "undiscounted"
    green_book: str = "2022"

    @classmethod
    def of(
        cls,
        scn: Scenario,
        years: int | None = None,
        discount_rate: float | None = None,
        optimism_bias: float | None = None,
        first_year: str | None = None,
        green_book: str | None = None,
    ) -> Settings:
        f = scn.finance
        return cls(
            f.horizon_years if years is None else years,
            f.discount_rate if discount_rate is None else discount_rate,
            f.optimism_bias if optimism_bias is None else optimism_bias,
            f.benefit_persistence,
            f.calendar,
            f.first_year if first_year is None else first_year,
            f.green_book if green_book is None else green_book,
        )


def rate(year: int, base: float) -> float:
    """The rate for year `year` (1, 2, ...): the step from t = year - 1 to t = year."""
    cut = next(cut for last, cut in LONG_TERM if year <= last)
    return max(base - cut, 0.0)


def lower_rate(year: int) -> float:
    """The Green Book 2026 sensitivity test's rate for year `year`."""
    band = next(i for i, (last, _) in enumerate(LONG_TERM) if year <= last)
    return LOWER_2026[band]


def discount_factors(
    n: int, base: float, first_year: str = "undiscounted", lower: bool = False
) -> np.ndarray:
    """Factors for programme years 1..n: year k at t = k - 1 (or k, if the first year is
    discounted); `lower`: the 2026 sensitivity test's schedule instead of `base`'s."""
    shift = FIRST_YEAR_T[first_year]
    out = np.ones(n + shift)
    for t in range(1, n + shift):
        out[t] = out[t - 1] / (1 + (lower_rate(t) if lower else rate(t, base)))
    return out[shift:]


def _overlap(n: int, offset: float) -> np.ndarray:
    """(programme years, operating years): the share of each programme year that falls in
    each of the strand's operating years, for a strand starting `offset` years in."""
    out = np.zeros((n, n))
    for t in range(n):
        for k in range(n):
            lo, hi = max(t, offset + k), min(t + 1, offset + k + 1)
            out[t, k] = max(hi - lo, 0.0)
    return out


@dataclass(frozen=True)
class Profile:
    """Per programme year: what multiplies a strand's annual saving, its annual operating
    cost, and its set-up cost."""

    activity: np.ndarray
    operating: np.ndarray
    setup: np.ndarray


def profiles(scn: Scenario, s: Settings) -> dict[str, Profile]:
    """Year profiles for every costed strand and for programme-level costs (`all`)."""
    n = s.years
    strands = scn.costed()
    first = min(st.go_live for _, st in strands if st.go_live is not None)
    out = {}
    for name, st in strands:
        assert st.go_live is not None
        offset = (st.go_live - first).days / 365.25 if s.calendar else 0.0
        share = _overlap(n, offset)
        ramp = np.array([st.ramp_up[k] if k < len(st.ramp_up) else 1.0 for k in range(n)])
        cohorts = share @ ramp
        decay = np.array(
            [[s.persistence ** (t - c) if t >= c else 0.0 for c in range(n)] for t in range(n)]
        )
        setup = np.zeros(n)
        if int(offset) < n:
            setup[int(offset)] = 1.0
        out[name] = Profile(decay @ cohorts, share.sum(axis=1), setup)
    programme_setup = np.zeros(n)
    programme_setup[0] = 1.0
    out[PROGRAMME] = Profile(np.zeros(n), np.ones(n), programme_setup)
    return out


@dataclass(frozen=True)
class Years:
    """Agency x year x iteration arrays (positive money), with their discount factors."""

    agencies: tuple[str, ...]
    settings: Settings
    gross: np.ndarray  # (agencies, years, runs)
    operating: np.ndarray
    setup: np.ndarray
    factors: np.ndarray  # (years,)

    @property
    def costs(self) -> np.ndarray:
        return self.operating + self.setup

    @property
    def net(self) -> np.ndarray:
        return self.gross - self.costs

    def pv(self, x: np.ndarray) -> np.ndarray:
        """Present value over the years: (agencies, runs)."""
        return np.einsum("t,atr->ar", self.factors, x)

    def npv(self) -> np.ndarray:
        return self.pv(self.net)

    def bcr(self) -> np.ndarray:
        """PV of gross savings over PV of costs; NaN where an agency bears no cost."""
        costs = self.pv(self.costs)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(costs > 0, self.pv(self.gross) / np.where(costs > 0, costs, 1), np.nan)

    def payback(self) -> np.ndarray:
        """First programme year whose cumulative discounted net is >= 0; 0 if none."""
        cumulative = np.cumsum(self.factors[None, :, None] * self.net, axis=1) >= -1e-9
        first = cumulative.argmax(axis=1) + 1
        return np.where(cumulative.any(axis=1), first, 0)

    def __add__(self, other: Years) -> Years:
        """Two sets of flows over the same agencies and horizon, added (runs broadcast)."""
        return Years(
            self.agencies,
            self.settings,
            self.gross + other.gross,
            self.operating + other.operating,
            self.setup + other.setup,
            self.factors,
        )

    def programme(self) -> Years:
        """The same with one row, the whole programme."""

        def one(x: np.ndarray) -> np.ndarray:
            return x.sum(axis=0, keepdims=True)

        return Years(
            ("total",),
            self.settings,
            one(self.gross),
            one(self.operating),
            one(self.setup),
            self.factors,
        )


def yearly(
    scn: Scenario,
    s: Settings,
    gross: Mapping[str, Mapping[str, ArrayLike]],
    costs: Mapping[tuple[str, str, str], ArrayLike],
    prof: Mapping[str, Profile] | None = None,
) -> Years:
    """The ledger's annual inputs (gross savings by strand and agency, cost items by strand,
    agency and kind; floats or arrays over iterations) spread over the horizon. `prof`: the
    scenario's `profiles`, when the caller already has them."""
    prof = profiles(scn, s) if prof is None else prof
    runs = max(
        [np.size(v) for g in gross.values() for v in g.values()]
        + [np.size(v) for v in costs.values()]
        + [1]
    )

    def row(x: ArrayLike) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, float), (runs,))

    shape = (len(scn.agencies), s.years, runs)
    g, op, su = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for i, agency in enumerate(scn.agencies):
        for strand, by_agency in gross.items():
            g[i] += np.outer(prof[strand].activity, row(by_agency[agency]))
    for (strand, agency, kind), value in costs.items():
        i = scn.agencies.index(agency)
        target, shape_of = (
            (op, prof[strand].operating) if kind == "operating" else (su, prof[strand].setup)
        )
        target[i] += np.outer(shape_of, row(value))
    uplift = 1.0 + s.optimism_bias
    factors = discount_factors(s.years, s.discount_rate, s.first_year)
    return Years(scn.agencies, s, g, uplift * op, uplift * su, factors)
