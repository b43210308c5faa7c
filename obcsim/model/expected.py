"""The model in closed form: expected savings per strand and agency.

For strand s and agency a (MODEL.md), with N cohort, u uptake, q completion, d the share whose
index episode (arrest or prosecution) the intervention replaces, and per group g its share,
offences per reoffender f, reoffending without (p0) and with (p1) the intervention, and k the
scenario's unit-cost scale:

    avoided episodes  E_s = N * u * q * (d + sum_g share_g * f_g * (p0_g - p1_g))
    gross saving      S[s,a] = E_s * k * sum over events j borne by a of count_j * cost_j

count_j is the expected number of event j in one episode (the cascade). A strand that diverts
from prosecution (`diverts_from: prosecution`) prices its index episodes' arrests as the
police's charge instead (`charge_adjustment`): its people were arrested before the caution.
Each input is read by a `Reader`: `BASE` (the case's own points: the base-case tables), `MEAN`
(the distributions' means) or any function that returns arrays (a vector of parameter sets, for
sensitivity). Every factor is an independent draw in the Monte Carlo, and each enters every term
at most once (with a relative reduction, p0 - p1 = p0 r), so the Monte Carlo mean converges to
the `MEAN` figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from obcsim.case.distributions import Dist
from obcsim.case.scenario import EVENTS, Scenario, event_counts

Reader = Callable[[Dist], Any]  # a Dist -> a float, or an array over parameter sets


def BASE(d: Dist) -> float:
    """The case's own point estimate."""
    return d.point()


def MEAN(d: Dist) -> float:
    """The distribution's mean."""
    return d.expected()


def share(scn: Scenario, name: str, group: str, value: Reader = BASE) -> Any:
    """A group's share; the open group takes what the others leave."""
    strand = scn.strand(name)
    grp = strand.groups[group]
    if grp.share is not None:
        return value(grp.share)
    return 1.0 - sum(value(g.share) for g in strand.groups.values() if g.share is not None)


def reoffending_reduction(scn: Scenario, name: str, value: Reader = BASE) -> Any:
    """Fewer offences per participant who completes: sum_g share f (p0 - p1)."""
    strand = scn.strand(name)
    return sum(
        share(scn, name, g, value) * value(grp.offences_per_reoffender) * grp.gap(value)
        for g, grp in strand.groups.items()
    )


def avoided_episodes(scn: Scenario, name: str, value: Reader = BASE) -> Any:
    """E_s: criminal-justice episodes the strand avoids in a year."""
    s = scn.strand(name)
    assert s.cohort is not None  # guaranteed for costed strands by the schema
    per_completer = value(s.diversion) + reoffending_reduction(scn, name, value)
    return value(s.cohort) * value(s.uptake) * value(s.completion) * per_completer


def cost_per_episode(scn: Scenario, name: str, value: Reader = BASE) -> dict[str, Any]:
    """Cost of one episode to each agency (GBP), the unit-cost scale included."""
    counts = event_counts(scn.cascade_for(name), value)
    scale = value(scn.unit_cost_scale)
    out: dict[str, Any] = dict.fromkeys(scn.agencies, 0.0)
    for event in EVENTS:
        cost = scn.unit_cost_dist(name, event)
        if cost is not None:
            out[scn.agency_of(event)] += counts[event] * value(cost) * scale
    return out


def breaches(scn: Scenario, name: str, value: Reader = BASE) -> Any:
    """Participants who do not complete: N u (1 - q)."""
    s = scn.strand(name)
    assert s.cohort is not None
    return value(s.cohort) * value(s.uptake) * (1.0 - value(s.completion))


def charge_adjustment(scn: Scenario, name: str, value: Reader = BASE) -> Any:
    """With `diverts_from: prosecution`, each avoided index episode's arrest is priced as a
    charge instead: N u q d x P(arrest) x (charge - arrest cost) x k, to the arrest's agency."""
    s = scn.strand(name)
    if s.charge is None:
        return 0.0
    assert s.cohort is not None
    arrest = scn.unit_cost_dist(name, "arrest")
    index = value(s.cohort) * value(s.uptake) * value(s.completion) * value(s.diversion)
    per = value(scn.cascade_for(name)["arrest"]) * value(scn.unit_cost_scale)
    return index * per * (value(s.charge) - (0.0 if arrest is None else value(arrest)))


def gross_savings(scn: Scenario, value: Reader = BASE) -> dict[str, dict[str, Any]]:
    """S[strand][agency] for every costed strand, GBP a year; a strand's breach cost (what a
    non-completer costs beyond business as usual) is a negative saving to its agency."""
    out = {}
    for name, strand in scn.costed():
        episodes = avoided_episodes(scn, name, value)
        out[name] = {a: episodes * c for a, c in cost_per_episode(scn, name, value).items()}
        if strand.charge is not None:
            police = scn.agency_of("arrest")
            out[name][police] = out[name][police] + charge_adjustment(scn, name, value)
        if strand.breach is not None:
            lost = breaches(scn, name, value) * value(strand.breach.cost)
            out[name][strand.breach.agency] = out[name][strand.breach.agency] - lost
    return out
