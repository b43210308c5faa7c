"""The evaluators' report: prior against posterior, the measured effect, and the case re-run.

`evaluate` gathers the figures (JSON-ready); `markdown` writes them for people, with a small
text chart per parameter. The re-run uses the fast engine with the same seed before and after.
"""

from __future__ import annotations

from typing import Any

from obcsim.accounts import ledger
from obcsim.accounts.money import STRAND_LABELS, agency_label, gbp
from obcsim.case.scenario import Scenario
from obcsim.evidence import calibrate
from obcsim.evidence.observed import Observed
from obcsim.model.montecarlo import run

WIDTH = 40


def _interval(d: Any) -> tuple[float, float]:
    lo, hi = d.interval(0.9)
    return float(lo), float(hi)


def _case(scn: Scenario, runs: int, seed: int) -> list[dict[str, Any]]:
    summary = ledger.summary(run(scn, runs, seed, "fast", workers=1))
    rows = summary[(summary.strand == "all") & (summary.measure == "annual_impact")]
    return [
        {
            "agency": r["agency"],
            "mean": float(r["mean"]),
            "p05": float(r["p05"]),
            "p95": float(r["p95"]),
            "p_positive": float(r["p_positive"]),
        }
        for r in rows.to_dict("records")
    ]


def evaluate(
    scn: Scenario, obs: Observed, runs: int = 2000, seed: int = 1
) -> tuple[Scenario, dict[str, Any]]:
    """The calibrated scenario and every figure of the report."""
    ups = calibrate.updates(scn, obs)
    new = calibrate.calibrated(scn, obs, ups)
    params = []
    for u in ups:
        params.append(
            {
                "field": u.field,
                "kind": u.kind,
                "n": u.n,
                "events": u.events,
                "prior_note": u.note,
                "prior_mean": u.prior.expected(),
                "prior_p05": _interval(u.prior)[0],
                "prior_p95": _interval(u.prior)[1],
                "posterior_mean": u.posterior.expected(),
                "posterior_p05": _interval(u.posterior)[0],
                "posterior_p95": _interval(u.posterior)[1],
                "posterior": u.posterior.to_yaml(),
            }
        )
    effects = [
        {
            "strand": e.strand,
            "group": e.subgroup,
            "difference_mean": e.mean,
            "difference_p05": e.low,
            "difference_p95": e.high,
            "no_effect_possible": e.no_effect_possible,
            "published_interval": list(e.published_interval) if e.published_interval else None,
            "published_includes_no_effect": bool(
                e.published_interval and e.published_interval[0] <= 0 <= e.published_interval[1]
            ),
        }
        for e in calibrate.effects(scn, ups, obs)
    ]
    before, after = _case(scn, runs, seed), _case(new, runs, seed)
    case = [
        {
            "agency": b["agency"],
            **{f"before_{k}": v for k, v in b.items() if k != "agency"},
            **{f"after_{k}": v for k, v in a.items() if k != "agency"},
        }
        for b, a in zip(before, after, strict=True)
    ]
    figures = {
        "costs": observed_costs(scn, obs),
        "data": {
            "file": obs.source,
            "sha256": obs.sha256,
            "period": obs.period(),
            "rows": len(obs.rows),
        },
        "scenario": scn.name,
        "calibrated_scenario": new.name,
        "runs": runs,
        "seed": seed,
        "parameters": params,
        "effects": effects,
        "case": case,
    }
    return new, figures


def observed_costs(scn: Scenario, obs: Observed) -> list[dict[str, Any]]:
    """Actual costs in the data, annualised by the period's length, beside the scenario's
    operating cost for the same strand and agency. Reported only: cost items stay as they are."""

    planned = ledger.item_totals(scn)
    out = []
    for r in obs.rows:
        if not (r.costs and r.period_start and r.period_end):
            continue
        years = (r.period_end - r.period_start).days / 365.25
        for agency, cost in r.costs.items():
            out.append(
                {
                    "strand": r.strand,
                    "agency": agency,
                    "row": r.line,
                    "observed": cost,
                    "observed_a_year": cost / years,
                    "scenario_operating": float(planned.get((r.strand, agency, "operating"), 0.0)),
                }
            )
    return out


def _bar(lo: float, mean: float, hi: float, top: float) -> str:
    cells = ["·"] * WIDTH

    def at(x: float) -> int:
        return min(WIDTH - 1, max(0, round(x / top * (WIDTH - 1))))

    for i in range(at(lo), at(hi) + 1):
        cells[i] = "="
    cells[at(mean)] = "o"
    return "|" + "".join(cells) + "|"


def markdown(f: dict[str, Any]) -> str:
    """The report for people."""
    d = f["data"]
    out = [
        f"# Recalibration of '{f['scenario']}'",
        "",
        f"Data: `{d['file']}` (sha256 `{d['sha256'][:12]}`), {d['period']}, {d['rows']} rows.",
        f"New scenario: '{f['calibrated_scenario']}'.",
        "",
        "## Prior and posterior",
        "",
        "| parameter | prior mean [90%] | posterior mean [90%] | data | prior |",
        "|---|---|---|---|---|",
    ]
    for p in f["parameters"]:
        data = (
            f"{p['events']} of {p['n']}"
            if p["kind"] == "beta"
            else f"{p['events']} extra offences, {p['n']} reoffenders"
        )
        out.append(
            f"| `{p['field']}` | {p['prior_mean']:.3f} [{p['prior_p05']:.3f}, "
            f"{p['prior_p95']:.3f}] | {p['posterior_mean']:.3f} [{p['posterior_p05']:.3f}, "
            f"{p['posterior_p95']:.3f}] | {data} | {p['prior_note']} |"
        )
    out += ["", "```"]
    for p in f["parameters"]:
        top = 1.0 if p["kind"] == "beta" else max(p["prior_p95"], p["posterior_p95"]) * 1.1
        out.append(p["field"])
        out.append(f"  prior     {_bar(p['prior_p05'], p['prior_mean'], p['prior_p95'], top)}")
        out.append(
            f"  posterior {_bar(p['posterior_p05'], p['posterior_mean'], p['posterior_p95'], top)}"
        )
    out += ["```", "(scale 0 to 1 for probabilities; o the mean, = the 90% interval)", ""]
    out += ["## The effect against the comparison group", ""]
    if not f["effects"]:
        out.append("No strand has both intervention and comparison data: no effect measured.")
    else:
        out += [
            "| strand | group | reoffending with minus without [90%] | flag |",
            "|---|---|---|---|",
        ]
        for e in f["effects"]:
            flag = "**the interval includes no effect**" if e["no_effect_possible"] else "an effect"
            if e["published_includes_no_effect"]:
                flag += "; **the published interval includes no effect**"
            pub = (
                f" (published interval {e['published_interval'][0]:+.3f} to "
                f"{e['published_interval'][1]:+.3f})"
                if e["published_interval"]
                else ""
            )
            out.append(
                f"| {STRAND_LABELS.get(e['strand'], e['strand'])} | {e['group']} | "
                f"{e['difference_mean']:+.3f} [{e['difference_p05']:+.3f}, "
                f"{e['difference_p95']:+.3f}]{pub} | {flag} |"
            )
    if f["costs"]:
        out += [
            "",
            "## Actual costs (reported, not used to update the scenario)",
            "",
            "| strand | agency | row | observed | a year | scenario operating cost |",
            "|---|---|---|---|---|---|",
        ]
        for c in f["costs"]:
            out.append(
                f"| {STRAND_LABELS.get(c['strand'], c['strand'])} | "
                f"{agency_label(c['agency'])} | {c['row']} | {gbp(c['observed'])} | "
                f"{gbp(c['observed_a_year'])} | {gbp(c['scenario_operating'])} |"
            )
    out += [
        "",
        f"## The case re-run ({f['runs']:,} fast-engine iterations, seed {f['seed']})",
        "",
        "Programme annual impact by agency (GBP a year): mean [90% interval], P(> 0).",
        "",
        "| agency | before | after |",
        "|---|---|---|",
    ]
    for c in f["case"]:

        def cell(w: str, c: dict[str, Any] = c) -> str:
            return (
                f"{gbp(c[w + '_mean'])} [{gbp(c[w + '_p05'])}, {gbp(c[w + '_p95'])}], "
                f"{c[w + '_p_positive']:.0%}"
            )

        label = "Programme" if c["agency"] == "total" else agency_label(c["agency"])
        out.append(f"| {label} | {cell('before')} | {cell('after')} |")
    return "\n".join(out) + "\n"
