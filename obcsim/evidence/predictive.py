"""Posterior predictive checks: could the calibrated scenario have produced the data?

Each observed group is re-simulated from a scenario (the calibrated one, or any other: then it
is a prior predictive check) by the model's own laws: completion ~ Bin(n, q); an intervention
group's reoffenders ~ Bin(c, p1) + Bin(n - c, p0) (completers at the with-rate, the others at
the without-rate); a comparison group's ~ Bin(m, p0); offences = reoffenders + Poisson(
reoffenders x (f - 1)). One parameter draw per replicate, so the interval holds both parameter
and sampling uncertainty. An observed count outside the central 90% predictive interval is
flagged: either the data or the model's structure is off for that group.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from obcsim.case.scenario import Scenario
from obcsim.evidence.observed import Observed, Row

LEVEL = 0.90
REPLICATES = 20_000


def _rates(
    scn: Scenario, strand: str, sub: str | None, rng: np.random.Generator, n: int
) -> dict[str, np.ndarray]:
    """Draws of p0, p1 and offences per reoffender for a subgroup, or the share-weighted mix of
    the strand's groups when the data name none."""
    s = scn.strand(strand)
    names = [sub] if sub else list(s.groups)
    shares = []
    for g in names:
        grp = s.groups[g]
        shares.append(
            1.0 if sub or len(names) == 1 else (grp.share.expected() if grp.share else np.nan)
        )
    if np.isnan(shares).any():
        shares = [x if np.isfinite(x) else 1 - np.nansum(shares) for x in shares]
    out = {"p0": np.zeros(n), "p1": np.zeros(n), "f": np.zeros(n)}
    for g, w in zip(names, shares, strict=True):
        grp = s.groups[g]
        p0 = grp.reoffend_without.sample(rng, n)
        if grp.reoffend_with is not None:
            p1 = grp.reoffend_with.sample(rng, n)
        else:
            assert grp.reduction is not None
            p1 = p0 * (1 - grp.reduction.sample(rng, n))
        out["p0"] += w * p0
        out["p1"] += w * np.clip(p1, 0, 1)
        out["f"] += w * grp.offences_per_reoffender.sample(rng, n)
    return out


def _row(
    strand: str, sub: str | None, group: str, measure: str, observed: int, sims: np.ndarray
) -> dict[str, Any]:
    lo, hi = np.percentile(sims, [50 * (1 - LEVEL), 50 * (1 + LEVEL)])
    return {
        "strand": strand,
        "subgroup": sub,
        "group": group,
        "measure": measure,
        "observed": int(observed),
        "predicted_mean": float(sims.mean()),
        "low": float(lo),
        "high": float(hi),
        "inside": bool(lo <= observed <= hi),
    }


def check(
    scn: Scenario, obs: Observed, seed: int = 0, replicates: int = REPLICATES
) -> list[dict[str, Any]]:
    """Observed counts against their 90% predictive intervals, one row per strand, subgroup,
    group and measure (completed, reoffended, offences)."""
    rng = np.random.default_rng(seed)
    out = []
    keys = dict.fromkeys((r.strand, r.subgroup, r.group) for r in obs.rows)
    for strand, sub, group in keys:
        rows: list[Row] = [
            r for r in obs.rows if (r.strand, r.subgroup, r.group) == (strand, sub, group)
        ]
        n = sum(r.people for r in rows)
        rates = _rates(scn, strand, sub, rng, replicates)
        k = sum(r.reoffended for r in rows)
        if group == "intervention":
            q = scn.strand(strand).completion.sample(rng, replicates)
            c = rng.binomial(n, np.clip(q, 0, 1))
            sims = rng.binomial(c, rates["p1"]) + rng.binomial(n - c, rates["p0"])
            if all(r.completed is not None for r in rows):
                out.append(
                    _row(
                        strand, sub, group, "completed", sum(int(r.completed or 0) for r in rows), c
                    )
                )
        else:
            sims = rng.binomial(n, rates["p0"])
        out.append(_row(strand, sub, group, "reoffended", k, sims))
        if all(r.offences is not None for r in rows):
            extra = rng.poisson(sims * np.maximum(rates["f"] - 1, 0))
            out.append(
                _row(
                    strand,
                    sub,
                    group,
                    "offences",
                    sum(int(r.offences or 0) for r in rows),
                    sims + extra,
                )
            )
    return out
