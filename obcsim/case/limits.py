"""The limits obcsim works within, stated up front: each is refused with a message naming it.

They keep a command from running away (hours of work, or more memory than the machine has)
on an argument or scenario that asks for too much; `check_run` applies them before any work.
"""

from __future__ import annotations

import os

from obcsim.case.scenario import Scenario
from obcsim.errors import InputError

MAX_RUNS = 10_000_000  # Monte Carlo iterations (past memory's limit only `run --engine fast`)
MAX_YEARS = 500  # appraisal horizon (the scenario's finance.horizon_years has the same cap)
MAX_PORT = 65_535
# The flow engine follows every person: about 2 microseconds and, held at once, 60 bytes each.
MAX_FLOW_PEOPLE = 1_000_000  # expected people in one iteration (all strands)
MAX_FLOW_WORK = 50_000_000  # expected people x iterations (about two minutes on one core)
# Memory the iterations' results take, held at once (gross, costs and statistics, 8 bytes each).
MAX_RESULT_BYTES = 2 * 1024**3


def max_workers() -> int:
    """Twice this machine's cores (at least 4): more processes only compete for them."""
    return max(4, 2 * (os.cpu_count() or 1))


def people(scn: Scenario) -> float:
    """Expected people referred in one iteration, over every costed strand."""
    return sum(s.cohort.expected() for _, s in scn.costed() if s.cohort is not None)


def result_bytes(scn: Scenario, runs: int) -> int:
    """Bytes the results of `runs` iterations take when held at once, as float64: per strand,
    agencies and 9 statistics, one amount per cost item, and the tables derived from them
    (every strand and agency cell's five measures, twice over while they are written)."""
    cells = (len(scn.costed()) + 1) * (len(scn.agencies) + 1)
    per_run = len(scn.costed()) * (len(scn.agencies) + 9) + len(scn.cost_items()) + 13 * cells
    return 8 * per_run * runs


def check_workers(workers: int | None) -> None:
    if workers is not None and not 1 <= workers <= max_workers():
        raise InputError(
            "--workers",
            "",
            f"must lie in [1, {max_workers()}] (twice this machine's cores); got {workers}",
        )


def check_run(
    scn: Scenario, runs: int, engine: str, source: str = "--runs", streamed: bool = False
) -> None:
    """Refuse, before any work, a run that exceeds a limit. A `streamed` run (the fast
    engine's `obcsim run`) holds one block at a time, so memory sets it no limit."""
    if not 1 <= runs <= MAX_RUNS:
        raise InputError(
            source, "", f"must lie in [1, {MAX_RUNS:,}] (the limit on runs); got {runs:,}"
        )
    size = result_bytes(scn, runs)
    if size > MAX_RESULT_BYTES and not streamed:
        raise InputError(
            source,
            "",
            f"{runs:,} runs of this scenario need {size / 1024**3:.1f} GiB for their results; "
            f"the limit is {MAX_RESULT_BYTES / 1024**3:.0f} GiB: use fewer runs (`obcsim run "
            "--engine fast` streams any number)",
        )
    if engine != "flow":
        return
    n = people(scn)
    if n > MAX_FLOW_PEOPLE:
        raise InputError(
            source,
            "strands.*.cohort",
            f"the flow engine follows each person: {n:,.0f} people an iteration is over its "
            f"limit of {MAX_FLOW_PEOPLE:,}; use --engine fast",
        )
    if n * runs > MAX_FLOW_WORK:
        raise InputError(
            source,
            "",
            f"the flow engine follows each person: {n:,.0f} people x {runs:,} runs is over its "
            f"limit of {MAX_FLOW_WORK:,} (about two minutes a core); use fewer runs or "
            "--engine fast",
        )


def check_horizon(scn: Scenario, years: int | None, runs: int | None) -> None:
    """Refuse a horizon past `MAX_YEARS`, or years x runs whose flows would not fit in memory
    (per agency and year: gross, operating and set-up flows, held several times over)."""
    if years is not None and not 1 <= years <= MAX_YEARS:
        raise InputError(
            "--years", "", f"must lie in [1, {MAX_YEARS}] (the limit on years); got {years:,}"
        )
    n = years if years is not None else scn.finance.horizon_years
    size = 8 * 8 * len(scn.agencies) * n * (runs or 1)
    if size > MAX_RESULT_BYTES:
        raise InputError(
            "--years",
            "",
            f"{n} years x {runs or 1:,} runs need about {size / 1024**3:.1f} GiB; the limit is "
            f"{MAX_RESULT_BYTES / 1024**3:.0f} GiB: use fewer years or runs",
        )
