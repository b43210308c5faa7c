"""The model in closed form: expected savings per strand and agency from the scenario's means.

For strand s and agency a (MODEL.md), with N cohort, u uptake, q completion, d the share whose
index episode (arrest or prosecution) the intervention replaces, and per group g its share,
offences per reoffender f, reoffending without (p0) and with (p1) the intervention:

    avoided episodes  E_s = N * u * q * (d + sum_g share_g * f_g * (p0_g - p1_g))
    gross saving      S[s,a] = E_s * sum over events k borne by a of count_k * cost_k

count_k is the expected number of event k in one episode (the cascade). Every factor is an
independent draw in the Monte Carlo, so the mean of the product is the product of the means:
this is the figure the Monte Carlo mean must converge to.
"""

from __future__ import annotations

from obcsim.case.distributions import Dist
from obcsim.case.scenario import EVENTS, Scenario, event_counts


def _mean(x: Dist | float) -> float:
    return x.expected() if isinstance(x, Dist) else float(x)


def reoffending_reduction(scn: Scenario, name: str) -> float:
    """Expected fewer offences per participant who completes: sum_g share f (p0 - p1)."""
    strand = scn.strand(name)
    return sum(
        _mean(strand.share(g))
        * grp.offences_per_reoffender.expected()
        * (grp.reoffend_without.expected() - grp.reoffend_with.expected())
        for g, grp in strand.groups.items()
    )


def avoided_episodes(scn: Scenario, name: str) -> float:
    """E_s: expected criminal-justice episodes the strand avoids in a year."""
    s = scn.strand(name)
    assert s.cohort is not None  # guaranteed for costed strands by the schema
    per_completer = s.diversion.expected() + reoffending_reduction(scn, name)
    return s.cohort.expected() * s.uptake.expected() * s.completion.expected() * per_completer


def cost_per_episode(scn: Scenario, name: str) -> dict[str, float]:
    """Expected cost of one episode to each agency (GBP)."""
    counts = event_counts(scn.cascade_for(name))
    out = dict.fromkeys(scn.agencies, 0.0)
    for event in EVENTS:
        if counts[event] > 0:
            cost = scn.unit_cost_dist(name, event)
            assert cost is not None  # the schema refuses a counted event without a cost
            out[scn.agency_of(event)] += counts[event] * cost.expected()
    return out


def gross_savings(scn: Scenario) -> dict[str, dict[str, float]]:
    """S[strand][agency] for every costed strand, GBP a year."""
    out = {}
    for name, _ in scn.costed():
        episodes = avoided_episodes(scn, name)
        out[name] = {a: episodes * c for a, c in cost_per_episode(scn, name).items()}
    return out
