"""Parameter draws: every scenario value drawn once per Monte Carlo iteration.

`draw(scn, rng, size)` returns `size` joint draws of every value in a fixed order (strands in
table order, then cost items), as arrays; a fixed value takes no random numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from obcsim.case.distributions import Dist
from obcsim.case.scenario import CASCADE, EVENTS, Scenario, event_counts

Sampler = Callable[[Dist], np.ndarray]


@dataclass(frozen=True)
class GroupDraw:
    share: np.ndarray
    reoffend_without: np.ndarray
    reoffend_with: np.ndarray
    offences_per_reoffender: np.ndarray


@dataclass(frozen=True)
class StrandDraw:
    """One strand's values; every array has one entry per iteration."""

    go_live_day: int  # days from the programme's first go-live
    cohort: np.ndarray
    uptake: np.ndarray
    completion: np.ndarray
    diversion: np.ndarray
    groups: tuple[GroupDraw, ...]
    cascade: dict[str, np.ndarray]
    unit_cost: dict[str, np.ndarray]  # events the cascade can start; others cost nothing
    servers: int | None
    service_days: np.ndarray | None
    max_wait_days: float | None
    breach: tuple[str, np.ndarray] | None  # (agency, cost per non-completer)
    charge: np.ndarray | None = None  # an index episode's arrest priced as a charge instead


@dataclass(frozen=True)
class ScenarioDraw:
    size: int
    strands: dict[str, StrandDraw]
    cost_amounts: tuple[np.ndarray, ...]  # one per `scn.cost_items()`


def _strands(scn: Scenario, value: Sampler, size: int) -> dict[str, StrandDraw]:
    start = min(s.go_live for _, s in scn.costed() if s.go_live is not None)
    out = {}
    scale = value(scn.unit_cost_scale)  # one draw for every strand's unit costs
    for name, s in scn.costed():
        assert s.cohort is not None and s.go_live is not None
        cohort, uptake = value(s.cohort), value(s.uptake)
        completion, diversion = value(s.completion), value(s.diversion)
        groups, taken = [], np.zeros(size)
        open_index = None
        for i, (_, g) in enumerate(s.groups.items()):
            share = np.zeros(size) if g.share is None else value(g.share)
            if g.share is None:
                open_index = i
            taken = taken + share
            p0 = value(g.reoffend_without)
            if g.reduction is not None:
                p1 = p0 * (1.0 - value(g.reduction))
            else:
                assert g.reoffend_with is not None
                p1 = value(g.reoffend_with)
            groups.append(GroupDraw(share, p0, p1, value(g.offences_per_reoffender)))
        if open_index is not None:
            rest = groups[open_index]
            groups[open_index] = GroupDraw(
                1.0 - taken, rest.reoffend_without, rest.reoffend_with, rest.offences_per_reoffender
            )
        cascade_dists = scn.cascade_for(name)
        cascade = {p: value(cascade_dists[p]) for p in CASCADE}
        counts = event_counts(cascade_dists)
        unit_cost = {}
        for event in EVENTS:
            dist = scn.unit_cost_dist(name, event)
            if counts[event] > 0 and dist is not None:
                unit_cost[event] = value(dist) * scale
        cap = s.capacity
        out[name] = StrandDraw(
            (s.go_live - start).days,
            cohort,
            uptake,
            completion,
            diversion,
            tuple(groups),
            cascade,
            unit_cost,
            None if cap is None else cap.servers,
            None if cap is None else value(cap.service_days),
            None if cap is None else cap.max_wait_days,
            None if s.breach is None else (s.breach.agency, value(s.breach.cost)),
            None if s.charge is None else value(s.charge) * scale,
        )
    return out


def draw(scn: Scenario, rng: np.random.Generator, size: int = 1) -> ScenarioDraw:
    """`size` joint draws of every scenario value (parameter uncertainty)."""
    value: Sampler = lambda d: d.sample(rng, size)  # noqa: E731
    strands = _strands(scn, value, size)
    amounts = tuple(value(item.amount) for _, item in scn.cost_items())
    return ScenarioDraw(size, strands, amounts)
