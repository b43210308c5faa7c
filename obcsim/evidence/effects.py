"""The measured effect: reoffending with against without, from the joint posterior and from the
data alone.

Two differences are reported per group. The model's effect is p1 - p0, among those who
complete (the with-rate applies to completers only). The intention-to-treat difference is what
an evaluation sees: q (p1 - p0), everyone referred against the comparison group. The data alone
give that second one directly (intervention rate minus comparison rate, with a 90% normal
interval), so an evaluator can see where the prior moved it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from obcsim.evidence.calibrate import Calibration
from obcsim.evidence.observed import Observed

Z90 = 1.6448536269514722  # the standard normal's 95th percentile


@dataclass(frozen=True)
class Effect:
    strand: str
    subgroup: str
    mean: float  # p1 - p0 among completers
    low: float
    high: float
    itt_mean: float  # q (p1 - p0)
    itt_low: float
    itt_high: float
    data_alone: tuple[float, float, float] | None  # observed ITT difference and 90% interval
    published_interval: tuple[float, float] | None

    @property
    def no_effect_possible(self) -> bool:
        return self.low <= 0 <= self.high


def data_alone(k1: int, n1: int, k0: int, n0: int) -> tuple[float, float, float]:
    """Observed rate difference k1/n1 - k0/n0 with its 90% Wald interval."""
    a, b = k1 / n1, k0 / n0
    se = float(np.sqrt(a * (1 - a) / n1 + b * (1 - b) / n0))
    return a - b, a - b - Z90 * se, a - b + Z90 * se


def effects(cal: Calibration, obs: Observed) -> list[Effect]:
    """The effect in each group with both intervention and comparison data."""
    out = []
    for f in cal.fits:
        if not (f.treated and f.compared):
            continue
        d = f.draws["p1"] - f.draws["p0"]
        itt = f.draws["q"] * d
        c = f.counts
        n1 = sum(t.people for t in c.treated)
        k1 = sum(t.reoffended for t in c.treated)
        jdl = next(
            (
                r.difference_interval
                for r in obs.rows
                if r.strand == f.strand and r.subgroup in (f.group, None) and r.difference_interval
            ),
            None,
        )
        lo, hi = np.percentile(d, [5, 95])
        ilo, ihi = np.percentile(itt, [5, 95])
        out.append(
            Effect(
                f.strand,
                f.group,
                float(d.mean()),
                float(lo),
                float(hi),
                float(itt.mean()),
                float(ilo),
                float(ihi),
                data_alone(k1, n1, c.comparison_reoffended, c.comparison_people),
                jdl,
            )
        )
    return out
