"""Time to evidence: when participants have a complete one-year proven-reoffending outcome.

A SimPy model of the evaluation's data, not of the savings. From each strand's go-live date,
participants arrive at its yearly rate (cohort x uptake, times the strand's `ramp_up` factor in
each year of operation), evenly spaced: the i-th arrives when the cumulative rate reaches
i + 1/2. Each participant's outcome is complete after the follow-up period (the scenario's
`follow_up_days`, one year for proven reoffending) plus `RECORDING_DAYS` for convictions to be
recorded (six months). `complete_by` counts, per strand, the participants with a complete
outcome on each date asked for. The count has a closed form (`closed_form`) the tests hold the
simulation to.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import simpy

RECORDING_DAYS = 183  # six months for a conviction to reach the records


@dataclass(frozen=True)
class Stream:
    """One strand's participants: go-live, yearly rate, and the ramp-up factor per year."""

    strand: str
    go_live: dt.date
    per_year: float
    ramp_up: tuple[float, ...] = ()

    def rate(self, year: int) -> float:
        """Participants a day in operating year `year` (0 first)."""
        factor = self.ramp_up[year] if year < len(self.ramp_up) else 1.0
        return self.per_year * factor / 365.25

    def cumulative(self, days: float) -> float:
        """Participants expected by `days` after go-live: the integral of the rate."""
        total, year = 0.0, 0
        while days > 0:
            span = min(days, 365.25)
            total += self.rate(year) * span
            days -= span
            year += 1
        return total


def _arrivals(
    env: simpy.Environment, s: Stream, done: list[float], lag: float, until: float
) -> simpy.events.ProcessGenerator:
    """Participants arrive in time order; each starts an outcome clock of its own."""
    owed = 0.5  # the next participant arrives when the cumulative rate reaches this
    reached, year = 0.0, 0
    while env.now < until:
        rate = s.rate(year)
        year_end = (year + 1) * 365.25
        if rate <= 0:
            yield env.timeout(year_end - env.now)
            year += 1
            continue
        wait = (owed - reached) / rate
        if env.now + wait > year_end:
            reached += rate * (year_end - env.now)
            yield env.timeout(year_end - env.now)
            year += 1
            continue
        yield env.timeout(wait)
        reached, owed = owed, owed + 1.0
        env.process(_outcome(env, done, lag))


def _outcome(
    env: simpy.Environment, done: list[float], lag: float
) -> simpy.events.ProcessGenerator:
    """Follow-up, then recording: the outcome is complete."""
    yield env.timeout(lag)
    done.append(env.now)


def complete_by(
    streams: Sequence[Stream], dates: Sequence[dt.date], follow_up_days: float
) -> dict[str, list[int]]:
    """Per strand, participants with a complete outcome on or before each of `dates`."""
    lag = follow_up_days + RECORDING_DAYS
    out = {}
    for s in streams:
        last = max(dates)
        until = (last - s.go_live).days + 1.0
        env = simpy.Environment()
        done: list[float] = []
        env.process(_arrivals(env, s, done, lag, max(until - lag, 0.0)))
        env.run(until=max(until, 0.0) + 1e-9)
        done.sort()
        out[s.strand] = [sum(1 for t in done if t <= (d - s.go_live).days) for d in dates]
    return out


def closed_form(s: Stream, date: dt.date, follow_up_days: float) -> int:
    """The count `complete_by` must give: participants whose arrival (where the cumulative
    rate reaches i + 1/2) is at least the lag before `date`."""
    days = (date - s.go_live).days - follow_up_days - RECORDING_DAYS
    if days < 0:
        return 0
    return max(math.floor(s.cumulative(days) + 0.5 + 1e-9), 0)
