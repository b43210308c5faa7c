"""The reference engine: SimPy, person by person, with each person's business-as-usual twin.

For one Monte Carlo iteration (one parameter draw), every referred person arrives over the
strand's first year, and if they take part, follows the pathway as a SimPy process: they ask
for a place (a `simpy.Resource` when the scenario sets capacity), wait at most `max_wait_days`
or drop to business as usual, hold the place for the service period, and complete or disengage.

The same person also lives business as usual. Both worlds use the same random numbers wherever
they share an event (the index episode, the reoffending draw, each episode's cascade), so the
saving is measured person by person with little noise: a person the intervention does not
touch costs the same in both worlds. Each episode starts the criminal-justice cascade: arrest
(police), court hearings (CPS and court), and a community order (probation) or custody (prison).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from obcsim.case.scenario import Scenario
from obcsim.model.params import ScenarioDraw, StrandDraw

REFERRAL_DAYS = 365.0  # referrals arrive over each strand's first year
# What the pathway's steps are called in the event log: (starts, completes, does not complete).
STEPS = {
    "njp": (
        "victim and perpetrator agree: panel conference",
        "completes the panel agreement",
        "does not complete the agreement",
    ),
    "coaches": ("allocated a coach", "completes the engagement period", "disengages"),
    "conditional_cautions": (
        "accepts a conditional caution",
        "complies",
        "breaches: prosecution resumes",
    ),
    "iom": ("takes an IOM caseload place", "completes a year on IOM", "leaves IOM early"),
}
STATS = (
    "people",
    "participants",
    "served",
    "dropped",
    "treated",
    "mean_wait_days",
    "bau_episodes",
    "intervention_episodes",
    "avoided_episodes",
)


@dataclass(frozen=True)
class Event:
    """One line of the event log: what happened to whom, in which world, and what it cost."""

    person: int
    strand: str
    world: str  # "bau" or "intervention"
    time: float  # days from the programme's first go-live
    event: str
    agency: str
    cost: float


@dataclass
class FlowResult:
    gross: dict[str, dict[str, float]]  # strand -> agency -> BAU cost - intervention cost
    stats: dict[str, dict[str, float]]
    log: list[Event] | None = None


@dataclass
class _People:
    """A strand's referrals and what the SimPy journeys set."""

    arrival: np.ndarray
    takes_part: np.ndarray
    completes: np.ndarray
    hold_days: np.ndarray
    served: np.ndarray = field(init=False)
    start: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.served = np.zeros(len(self.arrival), bool)
        self.start = np.full(len(self.arrival), np.nan)


def _referrals(
    env: simpy.Environment, people: _People, place: simpy.Resource | None, max_wait: float
) -> simpy.events.ProcessGenerator:
    """Participants arrive in time order. With no capacity a participant starts at once;
    otherwise each queues for a place in a process of their own."""
    order = np.flatnonzero(people.takes_part)
    order = order[np.argsort(people.arrival[order])]
    for i, at in zip(order.tolist(), people.arrival[order].tolist(), strict=True):
        yield env.timeout(at - env.now)
        if place is None:
            people.served[i], people.start[i] = True, env.now
        else:
            env.process(_queue(env, people, i, place, max_wait))


def _queue(
    env: simpy.Environment, people: _People, i: int, place: simpy.Resource, max_wait: float
) -> simpy.events.ProcessGenerator:
    """Wait for a place at most `max_wait` days, then hold it for the service period."""
    with place.request() as request:
        outcome = yield request | env.timeout(max_wait)
        if request not in outcome:
            return  # waited too long: business as usual
        people.served[i], people.start[i] = True, env.now
        yield env.timeout(people.hold_days[i])


def _stochastic_round(x: float, rng: np.random.Generator) -> int:
    whole = int(np.floor(x))
    return whole + int(rng.random() < x - whole)


def _refer(s: StrandDraw, rng: np.random.Generator) -> tuple[_People, dict[str, np.ndarray]]:
    n = _stochastic_round(float(s.cohort[0]), rng)
    u = rng.random((7, n))
    service = 0.0 if s.service_days is None else float(s.service_days[0])
    completes = u[2] < s.completion[0]
    people = _People(
        arrival=s.go_live_day + u[0] * REFERRAL_DAYS,
        takes_part=u[1] < s.uptake[0],
        completes=completes,
        hold_days=np.where(completes, service, u[6] * service),
    )
    shares = np.cumsum([g.share[0] for g in s.groups])
    group = np.minimum(np.searchsorted(shares, u[4] * shares[-1], side="right"), len(shares) - 1)
    pick = lambda attr: np.array([getattr(g, attr)[0] for g in s.groups])[group]  # noqa: E731
    draws = {
        "index": u[3] < s.diversion[0],
        "group": group,
        "u_reoffend": u[5],
        "p0": pick("reoffend_without"),
        "p1": pick("reoffend_with"),
        "offences": 1 + rng.poisson(np.maximum(pick("offences_per_reoffender") - 1, 0.0)),
    }
    return people, draws


def _episodes(
    s: StrandDraw,
    people: _People,
    d: dict[str, np.ndarray],
    treated: np.ndarray,
    rng: np.random.Generator,
    follow_up: float,
) -> dict[str, np.ndarray]:
    """Every episode either world has, with its cascade drawn once and shared by both."""
    n = len(treated)
    reoffends_bau = d["u_reoffend"] < d["p0"]
    reoffends_int = np.where(treated, d["u_reoffend"] < d["p1"], reoffends_bau)
    count = np.where(reoffends_bau | reoffends_int, d["offences"], 0)
    index_people = np.flatnonzero(d["index"])
    reoff_people = np.repeat(np.arange(n), count)
    person = np.concatenate([index_people, reoff_people])
    is_index = np.arange(len(person)) < len(index_people)
    m = len(person)
    arrest = rng.random(m) < s.cascade["arrest"][0]
    hearings = np.where(arrest, rng.poisson(s.cascade["hearings"][0], m), 0)
    u_sentence = rng.random(m)
    co, cu = s.cascade["community_order"][0], s.cascade["custody"][0]
    counts = {
        "arrest": arrest.astype(float),
        "cps_hearing": hearings.astype(float),
        "court_hearing": hearings.astype(float),
        "community_order": (arrest & (u_sentence < co)).astype(float),
        "custody": (arrest & (u_sentence >= co) & (u_sentence < co + cu)).astype(float),
    }
    time = people.arrival[person] + np.where(is_index, 0.0, rng.random(m) * follow_up)
    in_bau = np.where(is_index, True, reoffends_bau[person])
    in_int = np.where(is_index, ~treated[person], reoffends_int[person])
    return {
        "person": person,
        "is_index": is_index,
        "time": time,
        "in_bau": in_bau,
        "in_int": in_int,
        **{f"n_{k}": v for k, v in counts.items()},
    }


def simulate(
    scn: Scenario, draw: ScenarioDraw, rng: np.random.Generator, log: bool = False
) -> FlowResult:
    """One iteration: every strand's people through their pathways and business as usual."""
    env = simpy.Environment()
    strands = {}
    for name, s in draw.strands.items():
        people, d = _refer(s, rng)
        place = None if s.servers is None else simpy.Resource(env, capacity=s.servers)
        max_wait = float("inf") if s.max_wait_days is None else s.max_wait_days
        env.process(_referrals(env, people, place, max_wait))
        strands[name] = (s, people, d)
    env.run()

    gross: dict[str, dict[str, float]] = {}
    stats: dict[str, dict[str, float]] = {}
    events: list[Event] | None = [] if log else None
    for name, (s, people, d) in strands.items():
        treated = people.takes_part & people.served & people.completes
        ep = _episodes(s, people, d, treated, rng, float(scn.follow_up_days))
        avoided = ep["in_bau"].astype(float) - ep["in_int"].astype(float)
        saving = dict.fromkeys(scn.agencies, 0.0)
        for event, cost in s.unit_cost.items():
            saving[scn.agency_of(event)] += float(cost[0] * np.dot(ep[f"n_{event}"], avoided))
        if s.charge is not None:  # index episodes' arrests are charges (diverts from prosecution)
            charged = ep["n_arrest"] * ep["is_index"]
            extra = (s.charge[0] - s.unit_cost["arrest"][0]) * np.dot(charged, avoided)
            saving[scn.agency_of("arrest")] += float(extra)
        if s.breach is not None:
            broke = people.takes_part & people.served & ~people.completes
            saving[s.breach[0]] -= float(s.breach[1][0] * broke.sum())
        gross[name] = saving
        waited = people.start - people.arrival
        stats[name] = {
            "people": float(len(treated)),
            "participants": float(people.takes_part.sum()),
            "served": float(people.served.sum()),
            "dropped": float((people.takes_part & ~people.served).sum()),
            "treated": float(treated.sum()),
            "mean_wait_days": float(np.nanmean(waited)) if people.served.any() else 0.0,
            "bau_episodes": float(ep["in_bau"].sum()),
            "intervention_episodes": float(ep["in_int"].sum()),
            "avoided_episodes": float(ep["in_bau"].sum()) - float(ep["in_int"].sum()),
        }
        if events is not None:
            events += _log(scn, name, s, people, ep)
    return FlowResult(gross, stats, events)


def _log(
    scn: Scenario, name: str, s: StrandDraw, people: _People, ep: dict[str, np.ndarray]
) -> list[Event]:
    out = []
    for i in range(len(people.arrival)):
        out.append(Event(i, name, "both", float(people.arrival[i]), "referral", "", 0.0))
        if people.takes_part[i]:
            if people.served[i]:
                start, done, fail = STEPS[name]
                out.append(Event(i, name, "intervention", float(people.start[i]), start, "", 0.0))
                done = done if people.completes[i] else fail
                end = float(people.start[i] + (people.hold_days[i] if s.servers else 0.0))
                out.append(Event(i, name, "intervention", end, done, "", 0.0))
                if s.breach is not None and not people.completes[i]:
                    agency, price = s.breach[0], float(s.breach[1][0])
                    out.append(Event(i, name, "intervention", end, "breach", agency, price))
            else:
                out.append(
                    Event(
                        i,
                        name,
                        "intervention",
                        float(people.arrival[i] + (s.max_wait_days or 0)),
                        "drops to business as usual",
                        "",
                        0.0,
                    )
                )
    for k in range(len(ep["person"])):
        worlds = [
            w
            for w, inside in (("bau", ep["in_bau"][k]), ("intervention", ep["in_int"][k]))
            if inside
        ]
        what = "index episode" if ep["is_index"][k] else "reoffence"
        for world in worlds:
            p, t = int(ep["person"][k]), float(ep["time"][k])
            out.append(Event(p, name, world, t, what, "", 0.0))
            charged = s.charge is not None and bool(ep["is_index"][k])
            for event, cost in s.unit_cost.items():
                times = ep[f"n_{event}"][k]
                if times:
                    agency = scn.agency_of(event)
                    if event == "arrest" and charged:  # a prosecution's charge, not an arrest
                        assert s.charge is not None
                        price = float(times * s.charge[0])
                        out.append(Event(p, name, world, t, "charge", agency, price))
                    else:
                        out.append(Event(p, name, world, t, event, agency, float(times * cost[0])))
    return sorted(out, key=lambda e: (e.time, e.person))
