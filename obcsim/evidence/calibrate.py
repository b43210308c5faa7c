"""Bayesian recalibration: observed counts move the scenario's assumptions, through the model's
own intention-to-treat mixture (evidence/likelihood.py).

Per strand, completion is learnt from the completion counts; per group of the strand, the
without-rate p0 and the with-rate p1 jointly from the intervention group's reoffenders (a
mixture of completers at p1 and non-completers at p0) and the comparison group's (at p0).
Offences per reoffender are updated gamma-Poisson (offences beyond the first are Poisson, as in
the engines). The priors are chosen by `mode` (evidence/priors.py). The new scenario carries
each posterior as a Beta (a Gamma for offences) matched to it by mean and variance, with a
`source:` naming the data file, its hash, the period, the counts and the prior; a group's
relative reduction is replaced by its learnt with-rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from obcsim.case import edit
from obcsim.case.distributions import Dist
from obcsim.case.load import scenario_from_data
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.evidence import likelihood as lk
from obcsim.evidence import priors
from obcsim.evidence.observed import Observed, Row

DRAWS = 20_000  # posterior draws per group (effects, moment matching)
MODE_WORDS = {
    "scenario": "the scenario's own distributions as stated",
    "weak": f"weak: values the scenario marks as assumed are worth at most {priors.CAP:g} people",
    "flat": "flat: every rate uniform on [0, 1]",
}


@dataclass(frozen=True)
class Update:
    """One parameter's prior, posterior and the data behind it (for the report)."""

    path: tuple[str, ...]
    kind: str  # "beta" or "gamma"
    prior: Dist  # the prior as a Beta of the same mean and worth (a Gamma for offences)
    prior_ess: float  # people the prior is worth (beta), or reoffenders (gamma: its rate)
    posterior: Dist
    n: int  # people (beta) or reoffenders (gamma)
    events: int  # successes (beta) or offences beyond the first (gamma)
    note: str
    data: str  # the counts in words

    @property
    def field(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Fit:
    """One group's joint posterior, as draws, with the counts it came from."""

    strand: str
    group: str
    counts: lk.Counts
    rows: tuple[Row, ...]
    draws: dict[str, np.ndarray]  # q, p0, p1
    treated: bool  # intervention rows informed p1
    compared: bool  # comparison rows


@dataclass(frozen=True)
class Calibration:
    mode: str
    updates: list[Update] = field(default_factory=list)
    fits: list[Fit] = field(default_factory=list)


def beta_of(x: np.ndarray, source: str) -> Dist:
    """The Beta with the mean and variance of draws `x`."""
    m, v = float(np.mean(x)), float(np.var(x))
    k = priors.moments_ess(m, v) if v > 0 else 1e6
    k = min(max(k, 1e-3), 1e9)
    m = min(max(m, 1e-6), 1 - 1e-6)
    return Dist(dist="beta", alpha=m * k, beta=(1 - m) * k, source=source)


def _shown(p: priors.RatePrior | priors.EffectPrior) -> Dist:
    k = min(max(p.ess, 1e-3), 1e9)
    m = min(max(p.mean, 1e-6), 1 - 1e-6)
    return Dist(dist="beta", alpha=m * k, beta=(1 - m) * k)


def _note(obs: Observed, rows: list[Row] | tuple[Row, ...], what: str) -> str:
    lines = ", ".join(str(r.line) for r in rows)
    return (
        f"posterior: {what}; data {obs.source} (sha256 {obs.sha256[:12]}), "
        f"period {obs.period()}, rows {lines}"
    )


def gamma_prior(d: Dist, mode: str = "scenario") -> tuple[float, float, str]:
    """(shape, rate) for the mean offences beyond the first, from the prior on offences per
    reoffender. Under `weak` and `flat`, and for a fixed or assumed value, a weak Gamma(1) at
    the scenario's mean (worth one reoffender's offences)."""
    extra = d.expected() - 1.0
    weak = (mode != "scenario" and priors.assumed(d)) or mode == "flat"
    if d.dist == "gamma" and (d.loc or 0.0) == 1.0 and not weak:
        return float(d.shape), float(d.rate), "the scenario's gamma"  # type: ignore[arg-type]
    if d.is_fixed or extra <= 0 or weak:
        m = max(extra, 0.1)
        return (
            1.0,
            1.0 / m,
            f"the scenario's {d.expected():g} offences a reoffender: a weak Gamma(1)",
        )
    v = float(d.frozen().var())
    return extra**2 / v, extra / v, f"the scenario's {d.dist} matched to a Gamma by its moments"


def _targets(scn: Scenario, strand: str, sub: str | None) -> list[str]:
    return [sub] if sub else list(scn.strand(strand).groups)


def _completion(scn: Scenario, obs: Observed, strand: str, mode: str, out: Calibration) -> lk.Grid1:
    s = scn.strand(strand)
    done = [r for r in obs.rows if r.strand == strand and r.group == "intervention"]
    done = [r for r in done if r.completed is not None]
    if not done:
        prior = priors.held(s.completion)
        return lk.completion_posterior(prior, 0, 0)
    prior = priors.rate_prior(s.completion, mode)
    n, k = sum(r.people for r in done), sum(int(r.completed or 0) for r in done)
    grid = lk.completion_posterior(prior, n, k)
    draws = grid.sample(np.random.default_rng(0), DRAWS)
    data = f"{k} of {n} completed or complied"
    post = beta_of(draws, _note(obs, done, f"{data}; prior {prior.note}"))
    path = ("strands", strand, "completion")
    out.updates.append(Update(path, "beta", _shown(prior), prior.ess, post, n, k, prior.note, data))
    return grid


def _group(
    scn: Scenario, obs: Observed, strand: str, g: str, q: lk.Grid1, mode: str, out: Calibration
) -> None:
    rows = [r for r in obs.rows if r.strand == strand and r.subgroup in (g, None)]
    treated = [r for r in rows if r.group == "intervention"]
    compared = [r for r in rows if r.group == "comparison"]
    counts = lk.Counts(
        tuple(lk.Treated(r.people, r.completed, r.reoffended) for r in treated),
        sum(r.people for r in compared),
        sum(r.reoffended for r in compared),
    )
    grp = scn.strand(strand).groups[g]
    without = priors.rate_prior(grp.reoffend_without, mode)
    effect = priors.effect_prior(grp, mode)
    post = lk.rates_posterior(counts, without, effect, q)
    rng = np.random.default_rng(1)
    p0, p1 = post.sample(rng, DRAWS)
    fit = Fit(
        strand,
        g,
        counts,
        tuple(rows),
        {"q": q.sample(rng, DRAWS), "p0": p0, "p1": p1},
        bool(treated),
        bool(compared),
    )
    out.fits.append(fit)
    base = ("strands", strand, "groups", g)
    n1, k1 = sum(r.people for r in treated), sum(r.reoffended for r in treated)
    said = []
    if treated:
        said.append(f"{k1} of {n1} reoffended with the intervention (intention to treat)")
    if compared:
        said.append(f"{counts.comparison_reoffended} of {counts.comparison_people} without")
    data = "; ".join(said)
    for name, x, prior, informed in (
        ("reoffend_without", p0, without, bool(rows)),
        ("reoffend_with", p1, effect, bool(treated)),
    ):
        if not informed:
            continue
        n, k = (
            (counts.comparison_people, counts.comparison_reoffended)
            if name == "reoffend_without" and compared
            else (n1, k1)
        )
        dist = beta_of(
            x, _note(obs, rows, f"{data}; prior {prior.note}; fitted jointly (model mixture)")
        )
        out.updates.append(
            Update((*base, name), "beta", _shown(prior), prior.ess, dist, n, k, prior.note, data)
        )


def _offences(scn: Scenario, obs: Observed, strand: str, mode: str, out: Calibration) -> None:
    data = edit.scenario_data(scn)
    counted = [
        r for r in obs.rows if r.strand == strand and r.offences is not None and r.reoffended > 0
    ]
    for sub in dict.fromkeys(r.subgroup for r in counted):
        rows = [r for r in counted if r.subgroup == sub]
        n = sum(r.reoffended for r in rows)
        extra = sum(int(r.offences or 0) - r.reoffended for r in rows)
        for g in _targets(scn, strand, sub):
            path = ("strands", strand, "groups", g, "offences_per_reoffender")
            prior = edit.dist_at(data, path)
            a, b, how = gamma_prior(prior, mode)
            words = f"{extra} offences beyond the first by {n} reoffenders"
            post = Dist(
                dist="gamma",
                shape=a + extra,
                rate=b + n,
                loc=1.0,
                source=_note(obs, rows, f"{words}; prior {how}"),
            )
            shown = Dist(dist="gamma", shape=a, rate=b, loc=1.0)
            out.updates.append(Update(path, "gamma", shown, b, post, n, extra, how, words))


def updates(scn: Scenario, obs: Observed, mode: str = "weak") -> Calibration:
    """Every posterior the data support, prior and counts alongside."""
    if mode not in priors.MODES:
        raise ValueError(f"prior must be one of {priors.MODES}; got {mode!r}")
    out = Calibration(mode)
    for strand in dict.fromkeys(r.strand for r in obs.rows):
        try:
            _strand(scn, obs, strand, mode, out)
        except lk.NoPosterior as exc:
            rows = ", ".join(str(r.line) for r in obs.rows if r.strand == strand)
            raise InputError(
                obs.source, f"rows {rows} ({strand})", f"{exc} under --prior {mode}; try flat"
            ) from None
    return out


def _strand(scn: Scenario, obs: Observed, strand: str, mode: str, out: Calibration) -> None:
    """Completion, then each group's rates, then offences, for one strand."""
    q = _completion(scn, obs, strand, mode, out)
    subs = {r.subgroup for r in obs.rows if r.strand == strand}
    groups = scn.strand(strand).groups
    for g in groups if None in subs else [g for g in groups if g in subs]:
        _group(scn, obs, strand, g, q, mode, out)
    _offences(scn, obs, strand, mode, out)


def calibrated(scn: Scenario, obs: Observed, cal: Calibration) -> Scenario:
    """The scenario with every posterior in place (an observed with-rate replaces a relative
    reduction), renamed and described as what it is."""
    data = edit.scenario_data(scn)
    for u in cal.updates:
        edit.put(data, u.path, u.posterior.to_yaml())
        if u.path[-1] == "reoffend_with":
            edit.get(data, u.path[:-1]).pop("reduction", None)
    file = obs.source.replace("\\", "/").rsplit("/", 1)[-1]
    data["name"] = f"Calibrated to {file} ({obs.period()}; {cal.mode} priors) from {scn.name}"
    data["description"] = (
        f"Calibrated from '{scn.name}' with the observed outcomes in {file} "
        f"(sha256 {obs.sha256}), period {obs.period()}. Prior: {MODE_WORDS[cal.mode]}. "
        f"{len(cal.updates)} values are posteriors (Beta or Gamma matched to the posterior; "
        "the base case uses their means); every other value is the original scenario's. "
        "This is not the as-published case: its tables do not reproduce the OBC's."
    )
    return scenario_from_data(data, f"calibrated {scn.name}")
