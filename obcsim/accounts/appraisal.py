"""The finance view of a case: years, present values, cashability, who pays, switching values.

Everything here is computed from the ledger's annual inputs, either the scenario's means (the
expected case) or Monte Carlo draws (`montecarlo.Draws`), through `years.yearly`; the frames
are what `obcsim tables --years ...` prints, writes to its workbook and emits as JSON.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from obcsim.accounts import cashability, funding
from obcsim.accounts.ledger import Annual, draws_annual, expected_annual
from obcsim.accounts.years import Settings, Years, profiles, yearly
from obcsim.case import edit
from obcsim.case.load import scenario_from_data
from obcsim.case.scenario import PROGRAMME, Scenario
from obcsim.model.montecarlo import Draws


@dataclass(frozen=True)
class Case:
    """One case over the horizon, computed once and handed to every view: its year's inputs
    (`annual`), each strand's own flows (`by_strand`: its savings and its own costs; key `all`
    holds programme-level costs), their sum (`years`) and the avoided episodes, present-valued
    (`outcomes`, per run)."""

    scenario: Scenario
    settings: Settings
    annual: Annual
    by_strand: dict[str, Years]
    years: Years
    outcomes: np.ndarray  # (runs,)


def case_of(scn: Scenario, s: Settings, annual: Annual) -> Case:
    """The case over the horizon from one year's inputs."""
    prof = profiles(scn, s)
    by_strand = {}
    for name in [*annual.gross, PROGRAMME]:
        gross = {name: annual.gross[name]} if name in annual.gross else {}
        costs = {k: v for k, v in annual.costs.items() if k[0] == name}
        by_strand[name] = yearly(scn, s, gross, costs, prof)
    total = by_strand[PROGRAMME]
    for name in annual.gross:
        total = total + by_strand[name]
    outcomes = np.zeros(1)
    for name, v in annual.avoided.items():
        outcomes = outcomes + (total.factors @ prof[name].activity) * np.asarray(v, float)
    return Case(scn, s, annual, by_strand, total, np.atleast_1d(outcomes))


def expected_case(scn: Scenario, s: Settings) -> Case:
    """The expected case: the closed form's year over the horizon."""
    return case_of(scn, s, expected_annual(scn))


def draws_case(draws: Draws, s: Settings) -> Case:
    """Every Monte Carlo iteration over the horizon."""
    return case_of(draws.scenario, s, draws_annual(draws))


def years_frame(case: Case) -> pd.DataFrame:
    """Per agency and year (means over runs): gross saving, costs, net, discounted."""
    y = case.years
    rows = []
    blocks = [(a, y.gross[i], y.operating[i], y.setup[i]) for i, a in enumerate(y.agencies)]
    blocks.append(("total", y.gross.sum(axis=0), y.operating.sum(axis=0), y.setup.sum(axis=0)))
    for agency, gross, operating, setup in blocks:
        for t in range(y.settings.years):
            g, op, su = (float(x[t].mean()) for x in (gross, operating, setup))
            df = float(y.factors[t])
            rows.append(
                {
                    "agency": agency,
                    "year": t + 1,
                    "gross_saving": g,
                    "operating_cost": -op,
                    "setup_cost": -su,
                    "net": g - op - su,
                    "discount_factor": df,
                }
            )
    return pd.DataFrame(rows)


def appraisal_frame(case: Case) -> pd.DataFrame:
    """Per agency and the programme: PV of benefits and costs, NPV, BCR, payback year."""
    rows = []
    for y in (case.years, case.years.programme()):
        npv, bcr, payback = y.npv(), y.bcr(), y.payback()
        benefits, costs = y.pv(y.gross), y.pv(y.costs)
        for i, agency in enumerate(y.agencies):
            first = payback[i]
            rows.append(
                {
                    "agency": agency,
                    "pv_benefits": float(benefits[i].mean()),
                    "pv_costs": float(costs[i].mean()),
                    "npv": float(npv[i].mean()),
                    "npv_p05": float(np.percentile(npv[i], 5)),
                    "npv_p95": float(np.percentile(npv[i], 95)),
                    "p_npv_positive": float((npv[i] > 0).mean()),
                    "bcr": float(np.nanmean(bcr[i])) if np.isfinite(bcr[i]).any() else None,
                    "payback_year": int(np.median(first)) if (first > 0).mean() >= 0.5 else None,
                }
            )
    return pd.DataFrame(rows)


def cashability_frame(case: Case) -> pd.DataFrame:
    """Per agency: its rule and the PV of gross savings split into cashable and not."""
    y, scn = case.years, case.scenario
    cash = y.pv(cashability.split(scn, y.gross))
    gross = y.pv(y.gross)
    rows: list[dict[str, Any]] = [
        {
            "agency": a,
            "rule": cashability.describe(cashability.rule_for(scn, a)),
            "source": cashability.rule_for(scn, a).source or "",
            "pv_gross_saving": float(gross[i].mean()),
            "pv_cashable": float(cash[i].mean()),
            "pv_non_cashable": float((gross[i] - cash[i]).mean()),
        }
        for i, a in enumerate(y.agencies)
    ]
    keys = ("pv_gross_saving", "pv_cashable", "pv_non_cashable")
    total = {k: sum(float(r[k]) for r in rows) for k in keys}
    return pd.DataFrame([*rows, {"agency": "total", "rule": "", "source": "", **total}])


def funding_frame(case: Case, model: str, priced_on: Case | None = None) -> pd.DataFrame:
    """Per agency under `model`: contribution, benefit and net position (PV), with their
    intervals and the probability of ending up worse off when the case holds draws."""
    price = priced_on or case
    alloc = funding.allocate(
        case.scenario, case.years, model, case.outcomes, float(price.outcomes.mean())
    )
    rows = []
    for i, agency in enumerate([*alloc.agencies, "total"]):

        def pick(x: np.ndarray, i: int = i, agency: str = agency) -> np.ndarray:
            return x.sum(axis=0) if agency == "total" else x[i]

        net = pick(alloc.net)
        rows.append(
            {
                "model": model,
                "agency": agency,
                "contribution": float(pick(alloc.contribution).mean()),
                "benefit": float(pick(alloc.benefit).mean()),
                "net": float(net.mean()),
                "net_p05": float(np.percentile(net, 5)),
                "net_p95": float(np.percentile(net, 95)),
                "p_worse_off": float((net < 0).mean()),
            }
        )
    return pd.DataFrame(rows)


def key_assumptions(scn: Scenario) -> list[edit.Path]:
    """Per strand: cohort, completion, reoffending with the intervention (each group), and each
    operating cost: the assumptions a switching value is asked of."""
    out: list[edit.Path] = []
    for name, s in scn.costed():
        out += [("strands", name, "cohort"), ("strands", name, "completion")]
        out += [("strands", name, "groups", g, "reoffend_with") for g in s.groups]
        out += [
            ("strands", name, "costs", i, "amount")
            for i, item in enumerate(s.costs)
            if item.kind == "operating"
        ]
    return out


def _npvs(case: Case, strand: str) -> np.ndarray:
    """NPVs of each agency, the programme, and `strand` alone (its savings less its costs)."""
    y = case.years
    alone = case.by_strand[strand].programme()
    return np.concatenate([y.npv()[:, 0], y.programme().npv()[:, 0], alone.npv()[:, 0]])


def _moved(data: dict[str, Any], path: edit.Path, mean: float) -> Scenario:
    """The scenario with the value at `path` fixed at `mean`. The expected case reads only
    means, so this moves the NPV exactly as shifting the distribution would, without pushing
    a PERT or triangular past its bounds (a probability's max past 1)."""
    moved = copy.deepcopy(data)
    edit.put(moved, path, mean)
    return scenario_from_data(moved, "switching values")


def switching_values(case: Case) -> pd.DataFrame:
    """For each key assumption of each strand: the value at which the strand's own NPV, the
    programme's and each affected agency's reach zero. Every NPV is linear in each of these
    means, so two evaluations find the value exactly."""
    scn, s = case.scenario, case.settings
    rows = []
    data = edit.scenario_data(scn)
    for path in key_assumptions(scn):
        strand = str(path[1])
        names = [*scn.agencies, "programme", f"{strand} alone"]
        current = float(edit.dist_at(data, path).expected())
        bounded = path[-1] in ("completion", "reoffend_with")
        step = max(abs(current) * 0.01, 1e-3)
        if bounded and current + step > 1:
            step = -step
        npv0 = _npvs(case, strand)
        npv1 = _npvs(expected_case(_moved(data, path, current + step), s), strand)
        for i, who in enumerate(names):
            slope = (npv1[i] - npv0[i]) / step
            if abs(slope) < 1e-9 * max(1.0, abs(npv0[i])):
                continue  # this assumption does not move this NPV
            value = current - npv0[i] / slope
            feasible = (0 <= value <= 1) if bounded else value >= 0
            rows.append(
                {
                    "strand": strand,
                    "assumption": ".".join(map(str, path[2:])),
                    "current": current,
                    "npv_of": who,
                    "npv_now": float(npv0[i]),
                    "switching_value": float(value),
                    "change": float(value - current),
                    "note": "" if feasible else "cannot be reached: the NPV keeps its sign",
                }
            )
    return pd.DataFrame(rows)
