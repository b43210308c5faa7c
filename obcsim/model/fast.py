"""The fast engine: the flow model vectorised with NumPy over iterations, with no queues.

It runs the same model as `flow` (same scenario, probabilities, cascade, unit costs and
counterfactual) but counts people instead of following them. With common random numbers, a
person the intervention does not reach costs the same in both worlds, so only two kinds of
episode differ between them: those only business as usual has (an avoided index episode, a
reoffence the intervention prevents) and those only the intervention world has (where
p1 > p0). The flow engine draws people one by one; here the same counts are drawn directly
from their exact distributions, for every iteration at once:

    people      N = floor(c) + Bernoulli(c - floor(c))        (stochastic rounding, as flow)
    treated     T ~ Binomial(N, uptake x completion)          (no queue: everyone is served)
    by group    T_g ~ Multinomial(T, shares)
    avoided     index ~ Binomial(T, d); reoffenders ~ Binomial(T_g, max(p0 - p1, 0))
    breaches    B ~ Binomial(N - T, u (1 - q) / (1 - u q))   (only where the strand has a breach)
    charges     of A avoided arrests, Hypergeometric(index, reoffences, A) were index episodes,
                priced as a charge (only where the strand diverts from prosecution)
    offences    K reoffenders commit K + Poisson(K (f - 1)) offences
    cascade     arrests ~ Binomial(K, a); hearings ~ Poisson(h x arrests);
                community orders ~ Binomial(arrests, co);
                custody ~ Binomial(arrests - orders, cu / (1 - co))

Sums of independent Bernoulli and Poisson draws are binomial and Poisson, so these are the
flow engine's distributions exactly; `tests/test_engines.py` checks that the two agree.
"""

from __future__ import annotations

import math

import numpy as np

from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.model.params import ScenarioDraw, StrandDraw

CHUNK = 5_000  # iterations per random stream: fixed, so results never depend on workers


def check_capacity(scn: Scenario) -> None:
    """Refuse a scenario whose capacity may bind: only `flow` has queues."""
    for name, strand in scn.costed():
        cap, cohort = strand.capacity, strand.cohort
        if cap is None or cohort is None:
            continue
        most = cohort.support()[1]
        if not math.isfinite(most) or cap.servers < math.ceil(most):
            raise InputError(
                "--engine fast",
                f"strands.{name}.capacity",
                f"{cap.servers} places for up to {most:g} people may bind, and the fast engine "
                "has no queues; use --engine flow (the engine of record where capacity binds)",
            )


def _cascade(k: np.ndarray, s: StrandDraw, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Event counts for k episodes per iteration."""
    c = s.cascade
    arrests = rng.binomial(k, c["arrest"])
    hearings = rng.poisson(c["hearings"] * arrests)
    orders = rng.binomial(arrests, c["community_order"])
    rest = np.clip(1.0 - c["community_order"], 1e-300, None)
    custody = rng.binomial(arrests - orders, np.clip(c["custody"] / rest, 0.0, 1.0))
    return {
        "arrest": arrests,
        "cps_hearing": hearings,
        "court_hearing": hearings,
        "community_order": orders,
        "custody": custody,
    }


def _strand(scn: Scenario, s: StrandDraw, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """(saving per agency (iterations x agencies), people, treated) for one strand."""
    size = len(s.cohort)
    whole = np.floor(s.cohort)
    people = (whole + (rng.random(size) < s.cohort - whole)).astype(np.int64)
    treated = rng.binomial(people, s.uptake * s.completion)
    shares = np.stack([g.share for g in s.groups], axis=1)
    shares = np.clip(shares, 0.0, None) / np.clip(shares.sum(axis=1, keepdims=True), 1e-300, None)
    by_group = rng.multinomial(treated, shares)
    only_bau = rng.binomial(treated, s.diversion)
    index = only_bau.copy()
    only_int = np.zeros(size, np.int64)
    for j, g in enumerate(s.groups):
        gap = g.reoffend_without - g.reoffend_with
        fewer = rng.binomial(by_group[:, j], np.clip(gap, 0.0, 1.0))
        more = rng.binomial(by_group[:, j], np.clip(-gap, 0.0, 1.0))
        extra = np.maximum(g.offences_per_reoffender - 1.0, 0.0)
        only_bau += fewer + rng.poisson(fewer * extra)
        only_int += more + rng.poisson(more * extra)
    plus, minus = _cascade(only_bau, s, rng), _cascade(only_int, s, rng)
    saving = np.zeros((size, len(scn.agencies)))
    for event, cost in s.unit_cost.items():
        saving[:, scn.agencies.index(scn.agency_of(event))] += cost * (plus[event] - minus[event])
    if s.charge is not None:
        # which avoided arrests were index episodes (priced as a charge): hypergeometric
        arrests = plus["arrest"]
        at_index = rng.hypergeometric(index, only_bau - index, arrests) if arrests.any() else 0
        police = scn.agencies.index(scn.agency_of("arrest"))
        saving[:, police] += (s.charge - s.unit_cost["arrest"]) * at_index
    if s.breach is not None:
        # among those not treated, who took part and did not complete: u (1 - q) / (1 - u q)
        reach = s.uptake * s.completion
        p = np.where(reach < 1, s.uptake * (1 - s.completion) / np.clip(1 - reach, 1e-300, None), 0)
        broke = rng.binomial(people - treated, np.clip(p, 0.0, 1.0))
        saving[:, scn.agencies.index(s.breach[0])] -= s.breach[1] * broke
    return saving, people, treated, (only_bau - only_int).astype(float)


def simulate(
    scn: Scenario, draw: ScenarioDraw, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Gross savings (iterations, strands, agencies) and statistics (iterations, strands,
    `flow.STATS`) for every iteration of `draw`; what only queues know is NaN (waits) or 0."""
    gross, stats = [], []
    for s in draw.strands.values():
        saving, people, treated, avoided = _strand(scn, s, rng)
        gross.append(saving)
        nan = np.full(len(people), np.nan)
        stats.append(
            np.stack(
                [people, nan, nan, np.zeros(len(people)), treated, nan, nan, nan, avoided], axis=1
            )
        )
    return np.stack(gross, axis=1), np.stack(stats, axis=1).astype(float)
