"""The evaluation plan's tables for people (percentages, points, money as text), shared by the
app's Evaluate tab and notebooks. They format `evidence.plan.plan`'s figures; they compute
nothing."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from obcsim.accounts.money import gbp


def _pct(x: float | None) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.0%}"


def _pts(x: float | None) -> str:
    return "none" if x is None or not math.isfinite(x) else f"{x * 100:.1f} points"


def _people(x: float) -> str:
    return "never" if not math.isfinite(x) else f"{math.ceil(x):,}"


def power_display(figures: dict[str, Any]) -> pd.DataFrame:
    """Per strand: participants, rates, power, smallest detectable effect, cohort needed."""
    rows = figures["power"]
    return pd.DataFrame(
        {
            "strand": [r["label"] for r in rows],
            "participants a year": [f"{r['participants_a_year']:,.0f}" for r in rows],
            "reoffending without": [_pct(r["reoffending_without"]) for r in rows],
            "with (everyone referred)": [_pct(r["reoffending_referred"]) for r in rows],
            "power, one year's cohort": [_pct(r["power_one_year"]) for r in rows],
            "smallest detectable effect": [_pts(r["mde_one_year"]) for r in rows],
            "cohort for 80% power": [_people(r["cohort_for_80"]) for r in rows],
            "complete by Sep 2014": [f"{r['complete_by_window_end']:,}" for r in rows],
            "enough outcomes from": [r["date_enough_complete"] or "never" for r in rows],
        }
    )


def worth_display(figures: dict[str, Any]) -> pd.DataFrame:
    """EVPPI per evidence group, largest first, as money."""
    rows = sorted(figures["worth"], key=lambda w: -w["programme"] - (w["own"] or 0.0))
    return pd.DataFrame(
        {
            "evidence": [w["evidence"] for w in rows],
            "worth to the programme's decision": [gbp(w["programme"]) for w in rows],
            "worth to the strand's own decision": [
                "-" if w["own"] is None else gbp(w["own"]) for w in rows
            ],
        }
    )
