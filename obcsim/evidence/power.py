"""Power and minimum detectable effect of a comparison of one-year proven reoffending.

The test: two proportions, two-sided at 5% (as the Justice Data Lab reports significance), the
intervention group's rate against a comparison group's, z statistic with the pooled rate under
no effect and each group's own variance under the effect (Fleiss, Statistical Methods for
Rates and Proportions, 3rd ed., 4.2):

    power = Phi((|d| sqrt(n1) - z_{1-a/2} sqrt(pbar qbar (1 + 1/k))) / sqrt(p1 q1 + p0 q0 / k))

with n0 = k n1 comparison people, d = p1 - p0 and pbar the pooled rate (the other tail, below
0.0001 here, is left out). The minimum detectable effect is the smallest reduction with 80%
power; the cohort needed is the n1 that gives 80% power for the expected effect. Rates are
intention to treat: what an evaluation of everyone referred sees.
"""

from __future__ import annotations

import math

from scipy import optimize, stats

ALPHA = 0.05  # two-sided
POWER = 0.80
JDL_MINIMUM = 60  # the Justice Data Lab analyses groups of at least 60 people


def _z(x: float) -> float:
    return float(stats.norm.ppf(x))


def power(n1: float, p0: float, p1: float, ratio: float = 1.0, alpha: float = ALPHA) -> float:
    """Probability that the two-sided test rejects no effect, n1 treated and ratio x n1 in the
    comparison group, true rates p1 (treated) and p0 (comparison)."""
    if n1 <= 0 or p0 == p1:
        return alpha / 2 if n1 > 0 else 0.0
    n0 = ratio * n1
    pbar = (n1 * p1 + n0 * p0) / (n1 + n0)
    null_sd = math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n0))
    alt_sd = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return float(stats.norm.cdf((abs(p1 - p0) - _z(1 - alpha / 2) * null_sd) / alt_sd))


def cohort_needed(p0: float, p1: float, ratio: float = 1.0, target: float = POWER) -> float:
    """Treated people for `target` power (Fleiss's closed form, before rounding up)."""
    if p0 == p1:
        return math.inf
    k = ratio
    pbar = (p1 + k * p0) / (1 + k)
    top = _z(1 - ALPHA / 2) * math.sqrt(pbar * (1 - pbar) * (1 + 1 / k)) + _z(target) * math.sqrt(
        p1 * (1 - p1) + p0 * (1 - p0) / k
    )
    return (top / (p1 - p0)) ** 2


def minimum_detectable(n1: float, p0: float, ratio: float = 1.0, target: float = POWER) -> float:
    """The smallest reduction p0 - p1 the test detects with `target` power (nan if none up to
    p1 = 0 does)."""
    if n1 <= 0 or power(n1, p0, 0.0, ratio) < target:
        return math.nan
    return float(optimize.brentq(lambda d: power(n1, p0, p0 - d, ratio) - target, 1e-9, p0))
