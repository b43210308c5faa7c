"""Bayesian recalibration: observed counts move the scenario's assumptions.

Probabilities are updated beta-binomially (completion or compliance from the intervention
group; reoffending with the intervention from the intervention group; reoffending without it
from a comparison group where one exists); offence frequencies gamma-Poisson (a reoffender's
offences beyond the first are Poisson, as in the engines). The prior is the scenario's own
distribution: a beta or gamma as it is; any other matched by its mean and variance; a fixed
value, which states no uncertainty, becomes a weak prior worth two observations. The report says
which. The new scenario carries the posteriors, each with a `source:` naming the data file, its
hash, the period and n.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from obcsim.case import edit
from obcsim.case.distributions import Dist
from obcsim.case.load import scenario_from_data
from obcsim.case.scenario import Scenario
from obcsim.evidence.observed import Observed, Row

WEAK = 2.0  # a fixed prior counts as this many observations


@dataclass(frozen=True)
class Update:
    path: tuple[str, ...]
    kind: str  # "beta" or "gamma"
    prior: Dist
    prior_params: tuple[float, float]
    posterior: Dist
    n: int  # people (beta) or reoffenders (gamma)
    events: int  # successes (beta) or offences beyond the first (gamma)
    note: str

    @property
    def field(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Effect:
    strand: str
    subgroup: str | None
    p_with: Dist
    p_without: Dist
    mean: float
    low: float
    high: float
    published_interval: tuple[float, float] | None

    @property
    def no_effect_possible(self) -> bool:
        return self.low <= 0 <= self.high


def beta_prior(d: Dist) -> tuple[float, float, str]:
    """(alpha, beta, how) for a probability's prior."""
    if d.dist == "beta":
        return float(d.alpha), float(d.beta), "the scenario's beta"  # type: ignore[arg-type]
    m = min(max(d.expected(), 0.01), 0.99)
    if d.is_fixed:
        return (
            WEAK * m,
            WEAK * (1 - m),
            (
                f"the scenario's fixed {d.expected():g} states no "
                f"uncertainty: a weak Beta worth {WEAK:g} people"
            ),
        )
    v = float(d.frozen().var())
    k = m * (1 - m) / v - 1
    if k <= 0:
        return WEAK * m, WEAK * (1 - m), "too wide for a beta: a weak Beta instead"
    return m * k, (1 - m) * k, f"the scenario's {d.dist} matched to a Beta by its moments"


def gamma_prior(d: Dist) -> tuple[float, float, str]:
    """(shape, rate) for the mean offences beyond the first, from the prior on offences per
    reoffender."""
    extra = d.expected() - 1.0
    if d.dist == "gamma" and (d.loc or 0.0) == 1.0:
        return float(d.shape), float(d.rate), "the scenario's gamma"  # type: ignore[arg-type]
    if d.is_fixed or extra <= 0:
        m = max(extra, 0.1)
        return (
            1.0,
            1.0 / m,
            (
                f"the scenario's {d.expected():g} offences per reoffender state "
                "no uncertainty: a weak Gamma(1) prior"
            ),
        )
    v = float(d.frozen().var())
    return extra**2 / v, extra / v, f"the scenario's {d.dist} matched to a Gamma by its moments"


def _note(obs: Observed, rows: list[Row], what: str) -> str:
    lines = ", ".join(str(r.line) for r in rows)
    return (
        f"posterior: {what}; data {obs.source} (sha256 {obs.sha256[:12]}), "
        f"period {obs.period()}, rows {lines}"
    )


def _targets(scn: Scenario, strand: str, sub: str | None) -> list[str]:
    return [sub] if sub else list(scn.strand(strand).groups)


def updates(scn: Scenario, obs: Observed) -> list[Update]:
    """Every posterior the data support, prior and counts alongside."""
    out: list[Update] = []
    data = edit.scenario_data(scn)

    def beta_update(path: tuple[str, ...], rows: list[Row], n: int, k: int, what: str) -> None:
        prior = _prior_at(scn, data, path)
        a, b, how = beta_prior(prior)
        post = Dist(
            dist="beta",
            alpha=a + k,
            beta=b + n - k,
            source=_note(obs, rows, f"{what}: {k} of {n}; prior {how}"),
        )
        out.append(Update(path, "beta", prior, (a, b), post, n, k, how))

    for strand in dict.fromkeys(r.strand for r in obs.rows):
        mine = [r for r in obs.rows if r.strand == strand]
        done = [r for r in mine if r.group == "intervention" and r.completed is not None]
        if done:
            n, k = sum(r.people for r in done), sum(int(r.completed or 0) for r in done)
            beta_update(("strands", strand, "completion"), done, n, k, "completed or complied")
        counted = [r for r in mine if r.offences is not None and r.reoffended > 0]
        for sub in dict.fromkeys(r.subgroup for r in mine):
            for group, field, what in (
                ("intervention", "reoffend_with", "reoffended"),
                ("comparison", "reoffend_without", "comparison group reoffended"),
            ):
                rows = [r for r in mine if r.group == group and r.subgroup == sub]
                if not rows:
                    continue
                n, k = sum(r.people for r in rows), sum(r.reoffended for r in rows)
                for g in _targets(scn, strand, sub):
                    beta_update(("strands", strand, "groups", g, field), rows, n, k, what)
        for sub in dict.fromkeys(r.subgroup for r in counted):
            rows = [r for r in counted if r.subgroup == sub]
            n = sum(r.reoffended for r in rows)
            extra = sum(int(r.offences or 0) - r.reoffended for r in rows)
            for g in _targets(scn, strand, sub):
                path = ("strands", strand, "groups", g, "offences_per_reoffender")
                prior = edit.dist_at(data, path)
                a, b, how = gamma_prior(prior)
                post = Dist(
                    dist="gamma",
                    shape=a + extra,
                    rate=b + n,
                    loc=1.0,
                    source=_note(
                        obs,
                        rows,
                        f"{extra} offences beyond the first by {n} reoffenders; prior {how}",
                    ),
                )
                out.append(Update(path, "gamma", prior, (a, b), post, n, extra, how))
    return out


def _prior_at(scn: Scenario, data: dict[str, object], path: tuple[str, ...]) -> Dist:
    """The prior at `path`. A group stated as a relative reduction has no with-rate of its
    own: its prior is p0 (1 - r), matched to a beta by its moments."""
    if path[-1] != "reoffend_with" or "reduction" not in edit.get(data, path[:-1]):
        return edit.dist_at(data, path)
    grp = scn.strand(path[1]).groups[path[3]]
    assert grp.reduction is not None
    rng = np.random.default_rng(0)
    p1 = grp.reoffend_without.sample(rng, 100_000) * (1 - grp.reduction.sample(rng, 100_000))
    m, v = float(p1.mean()), float(p1.var())
    k = m * (1 - m) / v - 1 if v > 0 else 0.0
    if k <= 0:
        return Dist(value=m, source="p0 (1 - reduction) at its mean")
    return Dist(dist="beta", alpha=m * k, beta=(1 - m) * k, source="p0 (1 - reduction)")


def calibrated(scn: Scenario, obs: Observed, ups: list[Update]) -> Scenario:
    """The scenario with every posterior in place (an observed with-rate replaces a relative
    reduction: the data measure the rate)."""
    data = edit.scenario_data(scn)
    for u in ups:
        edit.put(data, u.path, u.posterior.to_yaml())
        if u.path[-1] == "reoffend_with":
            edit.get(data, u.path[:-1]).pop("reduction", None)
    data["name"] = f"{scn.name} (calibrated: {obs.source.rsplit('/', 1)[-1]})"
    return scenario_from_data(data, f"calibrated {scn.name}")


def effects(scn: Scenario, ups: list[Update], obs: Observed, seed: int = 0) -> list[Effect]:
    """Reoffending with against without, where both were updated: the posterior difference."""
    by = {u.path: u for u in ups}
    rng = np.random.default_rng(seed)
    out = []
    for name, strand in scn.costed():
        for g in strand.groups:
            w = by.get(("strands", name, "groups", g, "reoffend_with"))
            wo = by.get(("strands", name, "groups", g, "reoffend_without"))
            if not (w and wo):
                continue
            d = w.posterior.sample(rng, 200_000) - wo.posterior.sample(rng, 200_000)
            low, high = np.percentile(d, [5, 95])
            jdl = next(
                (
                    r.difference_interval
                    for r in obs.rows
                    if r.strand == name and r.subgroup in (g, None) and r.difference_interval
                ),
                None,
            )
            out.append(
                Effect(
                    name,
                    g,
                    w.posterior,
                    wo.posterior,
                    float(d.mean()),
                    float(low),
                    float(high),
                    jdl,
                )
            )
    return out
