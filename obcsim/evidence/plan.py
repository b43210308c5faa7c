"""The evaluation plan: can each strand's effect be measured, when, and is it worth measuring?

* Power: each strand's participants a year (cohort x uptake, the distributions' means) against
  a comparison group `ratio` times as large, on one-year proven reoffending, intention to treat
  (p0 against q p1 + (1 - q) p0, the model's own mixture). Power for the expected effect, the
  minimum detectable effect and the cohort needed for 80% power (evidence/power.py); the
  Justice Data Lab's minimum of 60.
* Time to evidence: participants with a complete outcome (12 months' follow-up plus 6 for
  recording) by each date, from the SimPy arrivals model (model/arrivals.py), beside the
  OBC's planned evaluation window, July to September 2014.
* Worth: the expected value of perfect information about each strand's inputs (EVPPI, by
  regression: model/voi.py) for the programme's go/no-go and for the strand's own.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from obcsim.accounts import uncertainty
from obcsim.accounts.money import STRAND_LABELS
from obcsim.accounts.years import Settings
from obcsim.case.scenario import Scenario
from obcsim.evidence import power
from obcsim.model import arrivals, sweep, voi
from obcsim.model.expected import MEAN, share

OBC_WINDOW = (dt.date(2014, 7, 1), dt.date(2014, 9, 30))  # OBC: evaluation in Jul-Sep 2014
EVPPI_DRAWS = 20_000


def label(strand: str) -> str:
    name = STRAND_LABELS.get(strand, strand)
    return name[:1].upper() + name[1:]


def streams(scn: Scenario) -> list[arrivals.Stream]:
    """Each costed strand's participants a year (mean cohort x mean uptake) from go-live."""
    out = []
    for name, s in scn.costed():
        assert s.cohort is not None and s.go_live is not None
        per_year = s.cohort.expected() * s.uptake.expected()
        out.append(arrivals.Stream(name, s.go_live, per_year, tuple(s.ramp_up)))
    return out


def itt_rates(scn: Scenario, name: str) -> tuple[float, float]:
    """(p0, the intervention group's rate): without-rate and q p1 + (1 - q) p0, means."""
    s = scn.strand(name)
    groups = s.groups.items()
    p0 = sum(share(scn, name, g, MEAN) * grp.reoffend_without.expected() for g, grp in groups)
    gap = sum(share(scn, name, g, MEAN) * grp.gap(MEAN) for g, grp in groups)
    return float(p0), float(p0 - s.completion.expected() * gap)


def monthly(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first of every month from `start`'s month to `end`."""
    out, y, m = [], start.year, start.month
    while dt.date(y, m, 1) <= end:
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def timeline(scn: Scenario, end: dt.date | None = None) -> pd.DataFrame:
    """Participants with a complete outcome on the first of each month, per strand (long:
    date, strand, label, complete), from the SimPy arrivals model."""
    ss = streams(scn)
    first = min(s.go_live for s in ss)
    end = end or dt.date(first.year + 4, first.month, 1)
    dates = monthly(first, end)
    counts = arrivals.complete_by(ss, dates, scn.follow_up_days)
    rows = [
        {"date": d, "strand": s.strand, "label": label(s.strand), "complete": c}
        for s in ss
        for d, c in zip(dates, counts[s.strand], strict=True)
    ]
    return pd.DataFrame(rows)


def first_date(s: arrivals.Stream, people: float, follow_up_days: float) -> dt.date | None:
    """The first day `people` participants have complete outcomes (None if never)."""
    if not math.isfinite(people) or people > 1e6:
        return None
    want = math.ceil(people)
    lo, hi = 0, 1
    while math.floor(s.cumulative(hi) + 0.5 + 1e-9) < want:
        hi *= 2
        if hi > 365 * 200:
            return None
    while lo < hi:  # the first whole day on which `want` have arrived
        mid = (lo + hi) // 2
        if math.floor(s.cumulative(mid) + 0.5 + 1e-9) >= want:
            hi = mid
        else:
            lo = mid + 1
    return s.go_live + dt.timedelta(days=lo + follow_up_days + arrivals.RECORDING_DAYS)


def power_table(scn: Scenario, ratio: float = 1.0) -> list[dict[str, Any]]:
    """Per strand: participants a year, the rates, power, minimum detectable effect, the
    cohort for 80% power, and when outcomes are complete."""
    out = []
    for s in streams(scn):
        p0, p1 = itt_rates(scn, s.strand)
        year = s.per_year
        need = power.cohort_needed(p0, p1, ratio)
        at_window = arrivals.closed_form(s, OBC_WINDOW[1], scn.follow_up_days)
        needed = max(need, power.JDL_MINIMUM)
        enough = first_date(s, needed, scn.follow_up_days)
        out.append(
            {
                "strand": s.strand,
                "label": label(s.strand),
                "go_live": s.go_live.isoformat(),
                "participants_a_year": year,
                "reoffending_without": p0,
                "reoffending_referred": p1,
                "expected_effect": p1 - p0,
                "power_one_year": power.power(year, p0, p1, ratio),
                "mde_one_year": power.minimum_detectable(year, p0, ratio),
                "cohort_for_80": need,
                "years_of_referrals": need / year if year > 0 else math.inf,
                "jdl_minimum_met_in_a_year": year >= power.JDL_MINIMUM,
                "complete_by_window_end": at_window,
                "power_at_window": power.power(at_window, p0, p1, ratio),
                "date_enough_complete": enough.isoformat() if enough else None,
            }
        )
    return out


def worth(
    scn: Scenario, settings: Settings, draws: int = EVPPI_DRAWS, seed: int = 1
) -> pd.DataFrame:
    """EVPPI of each strand's evidence groups for the programme's decision and for the
    strand's own (the shared unit costs once, for the programme): strand, label, evidence,
    programme, own, evpi_programme, evpi_own."""
    ins = uncertainty.inputs(scn)
    ev = uncertainty.Evaluator(scn, settings)
    X, out = sweep.draw(ins, ev.evaluate, draws, seed, n_jobs=1)
    names = ["programme", *(f"strand:{n}" for n, _ in scn.costed())]
    table = voi.evppi(ins, X, {k: out[k] for k in names})

    def row(strand: str, name: str, g: str, own: str | None) -> dict[str, Any]:
        prog = table[(table.outcome == "programme") & (table.group == g)].iloc[0]
        mine = table[(table.outcome == own) & (table.group == g)].iloc[0] if own else None
        return {
            "strand": strand,
            "label": name,
            "evidence": g,
            "programme": float(prog.evppi),
            "own": None if mine is None else float(mine.evppi),
            "evpi_programme": float(prog.evpi),
            "evpi_own": None if mine is None else float(mine.evpi),
        }

    groups = list(dict.fromkeys(i.group for i in ins))
    rows = [
        row(name, label(name), g, f"strand:{name}")
        for name, _ in scn.costed()
        for g in groups
        if g.startswith(label(name) + ":")
    ]
    if "unit costs" in groups:
        rows.append(row("all", "All strands", "unit costs", None))
    return pd.DataFrame(rows)


def plan(
    scn: Scenario,
    settings: Settings,
    seed: int = 1,
    ratio: float = 1.0,
    draws: int = EVPPI_DRAWS,
) -> dict[str, Any]:
    """Every figure of the plan, JSON-ready."""
    tl = timeline(scn)
    w = worth(scn, settings, draws, seed)
    return {
        "scenario": scn.name,
        "comparison_ratio": ratio,
        "alpha_two_sided": power.ALPHA,
        "target_power": power.POWER,
        "jdl_minimum": power.JDL_MINIMUM,
        "follow_up_days": scn.follow_up_days,
        "recording_days": arrivals.RECORDING_DAYS,
        "obc_window": [d.isoformat() for d in OBC_WINDOW],
        "horizon_years": settings.years,
        "discount_rate": settings.discount_rate,
        "seed": seed,
        "evppi_draws": draws,
        "power": power_table(scn, ratio),
        "timeline": [{**r, "date": r["date"].isoformat()} for r in tl.to_dict("records")],
        "worth": [
            {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
            for r in w.to_dict("records")
        ],
    }
