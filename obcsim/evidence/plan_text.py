"""The evaluation plan in Markdown, from `plan.plan`'s figures, for a reader who never saw the
code; and the sentences the app and the command line share."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from obcsim.accounts.money import gbp


def _pct(x: float) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.0%}"


def _pts(x: float) -> str:
    return "none" if x is None or not math.isfinite(x) else f"{x * 100:.1f} points"


def _people(x: float) -> str:
    return "never (no effect expected)" if not math.isfinite(x) else f"{math.ceil(x):,}"


def findings(p: dict[str, Any]) -> list[str]:
    """The plan's headline sentences."""
    start, end = (dt.date.fromisoformat(d) for d in p["obc_window"])
    window = f"{start:%B} to {end:%B %Y}"
    out = []
    for r in p["power"]:
        done = r["complete_by_window_end"]
        need = max(r["cohort_for_80"], p["jdl_minimum"])
        out.append(
            f"{r['label']}: {done:,} participants have a complete one-year outcome by the end of "
            f"the OBC's evaluation window ({window}); {_people(need)} are needed (80% power to "
            f"detect the expected effect of {_pts(-r['expected_effect'])}, and at least the "
            f"Justice Data Lab's {p['jdl_minimum']}), complete from "
            f"{r['date_enough_complete'] or 'never'}."
        )
    worth = [w for w in p["worth"] if w["programme"] > 0.005 * max(w["evpi_programme"], 1.0)]
    top = sorted({(w["evidence"], w["programme"]) for w in worth}, key=lambda x: -x[1])
    if top:
        best = ", ".join(f"{g} ({gbp(v)})" for g, v in top[:3])
        out.append(f"Worth most to the programme's decision (EVPPI): {best}.")
    else:
        out.append("No evidence would change the programme's decision (EVPPI below 0.5% of EVPI).")
    return out


def markdown(p: dict[str, Any]) -> str:
    """The plan for people."""
    ratio = p["comparison_ratio"]
    size = "of the same size" if ratio == 1 else f"{ratio:g} times as large"
    lag = p["follow_up_days"] + p["recording_days"]
    out = [
        f"# Evaluation plan for '{p['scenario']}'",
        "",
        *[f"- {s}" for s in findings(p)],
        "",
        "## Power and minimum detectable effect",
        "",
        "One-year proven reoffending of everyone referred who took part (intention to treat) "
        f"against a comparison group {size}; two-sided test of two proportions "
        f"at {p['alpha_two_sided']:.0%}; power {p['target_power']:.0%}. Participants a year are "
        "the cohort times uptake (the distributions' means); the rate with the intervention "
        "mixes completers (at the with-rate) and non-completers (at the without-rate). The "
        f"Justice Data Lab analyses groups of at least {p['jdl_minimum']} people.",
        "",
        "| strand | participants a year | reoffending without | with (everyone referred) "
        "| power, one year's cohort | smallest effect detectable (80%) | cohort for 80% power "
        "| years of referrals | Justice Data Lab minimum in a year |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in p["power"]:
        out.append(
            f"| {r['label']} | {r['participants_a_year']:,.0f} | "
            f"{_pct(r['reoffending_without'])} | {_pct(r['reoffending_referred'])} | "
            f"{_pct(r['power_one_year'])} | {_pts(r['mde_one_year'])} | "
            f"{_people(r['cohort_for_80'])} | {r['years_of_referrals']:.1f} | "
            f"{'met' if r['jdl_minimum_met_in_a_year'] else '**not met**'} |"
        )
    out += [
        "",
        "## Time to evidence",
        "",
        f"An outcome is complete {p['follow_up_days']} days of follow-up plus "
        f"{p['recording_days']} days for convictions to be recorded ({lag} days) after "
        "referral. Participants arrive evenly from each strand's go-live (SimPy model).",
        "",
        "| strand | go-live | complete by the window's end | power then "
        "| enough for 80% power from |",
        "|---|---|---|---|---|",
    ]
    for r in p["power"]:
        out.append(
            f"| {r['label']} | {r['go_live']} | {r['complete_by_window_end']:,} | "
            f"{_pct(r['power_at_window'])} | {r['date_enough_complete'] or 'never'} |"
        )
    out += ["", "Participants with a complete outcome on the first of each quarter:", ""]
    dates = sorted({t["date"] for t in p["timeline"] if t["date"][5:7] in ("01", "04", "07", "10")})
    labels = list(dict.fromkeys(t["label"] for t in p["timeline"]))
    out += ["| date | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    by = {(t["date"], t["label"]): t["complete"] for t in p["timeline"]}
    for d in dates:
        out.append(f"| {d} | " + " | ".join(f"{by[(d, s)]:,}" for s in labels) + " |")
    out += [
        "",
        "## Which evaluation is worth commissioning",
        "",
        "Expected value of perfect information about each group of inputs (EVPPI, GBP, net "
        f"present value over {p['horizon_years']} years at {p['discount_rate']:.1%}; "
        f"{p['evppi_draws']:,} draws, seed {p['seed']}): what resolving it would be worth to "
        "the decision to fund the programme, and to the decision on the strand itself. An "
        "evaluation costing more than this is not worth commissioning for that decision.",
        "",
        "| strand | evidence | programme decision | the strand's own decision |",
        "|---|---|---|---|",
    ]
    for w in sorted(p["worth"], key=lambda w: -w["programme"] - (w["own"] or 0.0)):
        own = "-" if w["own"] is None else gbp(w["own"])
        out.append(f"| {w['label']} | {w['evidence']} | {gbp(w['programme'])} | {own} |")
    return "\n".join(out) + "\n"
