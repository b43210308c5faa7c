"""The evaluators' report: prior against posterior with each prior's worth beside the data, the
measured effect, the posterior predictive check, the prior-sensitivity table and the case
re-run.

`evaluate` gathers the figures (JSON-ready); `markdown` (evidence/report_text.py) writes them
for people. The re-run uses the fast engine with the same seed before and after.
"""

from __future__ import annotations

from typing import Any

from obcsim.accounts import ledger
from obcsim.accounts.money import STRAND_LABELS
from obcsim.accounts.uncertainty import WORDS
from obcsim.case.scenario import Scenario
from obcsim.evidence import calibrate, predictive, priors
from obcsim.evidence.effects import effects
from obcsim.evidence.observed import Observed
from obcsim.model.montecarlo import run


def label(scn: Scenario, path: tuple[str, ...]) -> str:
    """A parameter in plain words: 'Conditional cautions: reoffending with'."""
    strand = path[1]
    name = STRAND_LABELS.get(strand, strand)
    name = name[:1].upper() + name[1:]
    group = (
        f" ({path[3].replace('_', ' ')})"
        if path[2] == "groups" and len(scn.strand(strand).groups) > 1
        else ""
    )
    return f"{name}: {WORDS.get(path[-1], path[-1])}{group}"


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


def _effects(scn: Scenario, cal: calibrate.Calibration, obs: Observed) -> list[dict[str, Any]]:
    out = []
    for e in effects(cal, obs):
        alone = e.data_alone
        out.append(
            {
                "strand": e.strand,
                "strand_label": STRAND_LABELS.get(e.strand, e.strand),
                "group": e.subgroup,
                "difference_mean": e.mean,
                "difference_p05": e.low,
                "difference_p95": e.high,
                "itt_mean": e.itt_mean,
                "itt_p05": e.itt_low,
                "itt_p95": e.itt_high,
                "data_alone": list(alone) if alone else None,
                "no_effect_possible": e.no_effect_possible,
                "published_interval": list(e.published_interval) if e.published_interval else None,
                "published_includes_no_effect": bool(
                    e.published_interval and e.published_interval[0] <= 0 <= e.published_interval[1]
                ),
            }
        )
    return out


def sensitivity(scn: Scenario, obs: Observed, runs: int, seed: int) -> list[dict[str, Any]]:
    """The effects and the programme's annual impact under each prior choice."""
    out = []
    for mode in priors.MODES:
        cal = calibrate.updates(scn, obs, mode)
        new = calibrate.calibrated(scn, obs, cal)
        total = next(c for c in _case(new, runs, seed) if c["agency"] == "total")
        out.append({"prior": mode, "effects": _effects(scn, cal, obs), "case": total})
    return out


def evaluate(
    scn: Scenario, obs: Observed, runs: int = 2000, seed: int = 1, prior: str = "weak"
) -> tuple[Scenario, dict[str, Any]]:
    """The calibrated scenario and every figure of the report."""
    cal = calibrate.updates(scn, obs, prior)
    new = calibrate.calibrated(scn, obs, cal)
    params = []
    for u in cal.updates:
        params.append(
            {
                "field": u.field,
                "label": label(scn, u.path),
                "kind": u.kind,
                "n": u.n,
                "events": u.events,
                "data": u.data,
                "prior_note": u.note,
                "prior_ess": u.prior_ess,
                "prior_mean": u.prior.expected(),
                "prior_p05": _interval(u.prior)[0],
                "prior_p95": _interval(u.prior)[1],
                "posterior_mean": u.posterior.expected(),
                "posterior_p05": _interval(u.posterior)[0],
                "posterior_p95": _interval(u.posterior)[1],
                "posterior": u.posterior.to_yaml(),
            }
        )
    ppc = predictive.check(new, obs, seed)
    for row in ppc:
        row["strand_label"] = STRAND_LABELS.get(row["strand"], row["strand"])
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
        "calibrated_description": new.description,
        "prior": prior,
        "prior_words": calibrate.MODE_WORDS[prior],
        "weak_cap": priors.CAP,
        "runs": runs,
        "seed": seed,
        "parameters": params,
        "effects": _effects(scn, cal, obs),
        "predictive_check": ppc,
        "predictive_level": predictive.LEVEL,
        "sensitivity": sensitivity(scn, obs, runs, seed),
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


def markdown(f: dict[str, Any]) -> str:
    """The report for people (written by evidence/report_text.py)."""
    from obcsim.evidence.report_text import markdown as text

    return text(f)
