"""A funding scenario the board sets up: which strands, at what scale, under which model.

`funded(scn, choice)` is the scenario the board would fund: strands left out are removed (with
common random numbers, the others keep their draws), a strand's scale multiplies its cohort and
its operating costs as random variables (a PERT's min, mode and max alike; its set-up cost is
one-off and stays), and the pooled shares or the payment
by results split are the board's. `position(draws, settings, choice)` is who pays and who gains
under it, per partner and year: contribution, benefit (cashable or not), net position with its
90% interval and the probability of ending up worse off; and the programme's NPV and BCR.

Contributions in a year: as published, each agency's own costs of that year; under the other
models, the agency's share of the programme's present-value cost (`funding.allocate`) applied
to each year's programme cost, so the present values are the allocation's exactly and every
year's contributions sum to that year's programme cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from obcsim.accounts import appraisal, cashability, funding
from obcsim.accounts.years import Settings
from obcsim.case.funded import funded as case_funded
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.model.montecarlo import Draws

ALL_YEARS = 0  # the `year` of the rows over the whole horizon (present values)


@dataclass(frozen=True)
class Choice:
    """What the board funds: strand -> scale (1 = as in the scenario; strands not named are
    not funded), the funding model, and its terms (`shares` for pooled: partner -> share summing
    to 1; `attachment_share` and `commissioner` for payment by results; None: the scenario's)."""

    strands: Mapping[str, float]
    model: str = "as_published"
    shares: Mapping[str, float] = field(default_factory=dict)
    attachment_share: float | None = None
    commissioner: str | None = None


def funded(scn: Scenario, choice: Choice, source: str = "funding choice") -> Scenario:
    """The scenario with only the chosen strands, each at its scale, and the board's terms;
    refused as `case.funded` refuses the CLI's, under `source`."""
    if choice.model not in funding.MODELS:
        raise InputError(source, "model", f"unknown funding model {choice.model!r}")
    pbr = {"attachment_share": choice.attachment_share, "commissioner": choice.commissioner}
    return case_funded(
        scn,
        dict(choice.strands),
        dict(choice.shares) if choice.model == "pooled" else None,
        {k: v for k, v in pbr.items() if v is not None},
        source,
    )


@dataclass(frozen=True)
class Position:
    """Who pays and who gains: `partners` over the horizon (present values), `years` per
    agency and year, `programme` (NPV, its interval, P(NPV > 0), BCR), and the arrays behind
    them (agencies x years x runs) for checking."""

    model: str
    partners: pd.DataFrame
    years: pd.DataFrame
    programme: dict[str, Any]
    contribution: np.ndarray
    benefit: np.ndarray
    cashable: np.ndarray
    factors: np.ndarray


def _row(agency: str, year: int, c: np.ndarray, b: np.ndarray, cash: np.ndarray) -> dict:
    net = b - c
    return {
        "agency": agency,
        "year": year,
        "contribution": float(c.mean()),
        "benefit": float(b.mean()),
        "cashable": float(cash.mean()),
        "non_cashable": float((b - cash).mean()),
        "net": float(net.mean()),
        "net_p05": float(np.percentile(net, 5)),
        "net_p95": float(np.percentile(net, 95)),
        "p_worse_off": float((net < 0).mean()),
    }


def position(draws: Draws, settings: Settings | None = None, model: str | None = None) -> Position:
    """Who pays and who gains in the funded scenario's draws under `model` (default: as
    published); the payment-by-results tariff is priced on the expected case."""
    scn = draws.scenario
    s = settings or Settings.of(scn)
    model = model or "as_published"
    case = appraisal.draws_case(draws, s)
    price = appraisal.expected_case(scn, s)
    y = case.years
    alloc = funding.allocate(scn, y, model, case.outcomes, float(price.outcomes.mean()))
    total = y.costs.sum(axis=0)  # (years, runs)
    if model == "as_published":
        contribution = y.costs
    else:
        pv_total = y.pv(y.costs).sum(axis=0)
        share = alloc.contribution / np.where(pv_total > 0, pv_total, 1.0)
        contribution = share[:, None, :] * total[None, :, :]
    benefit = y.gross
    cash = cashability.split(scn, benefit, cashability.staff_costs(scn, s))
    paying = funding.partners(scn)
    rows, year_rows = [], []
    for i, a in enumerate(scn.agencies):
        pv = (y.pv(contribution)[i], y.pv(benefit)[i], y.pv(cash)[i])
        rows.append({**_row(a, ALL_YEARS, *pv), "partner": a in paying})
        for t in range(s.years):
            year_rows.append(_row(a, t + 1, contribution[i, t], benefit[i, t], cash[i, t]))
    pv_all = (y.pv(contribution).sum(0), y.pv(benefit).sum(0), y.pv(cash).sum(0))
    rows.append({**_row("total", ALL_YEARS, *pv_all), "partner": False})
    appraisal_rows = appraisal.appraisal_frame(case)
    prog = {str(k): v for k, v in appraisal_rows[appraisal_rows.agency == "total"].iloc[-1].items()}
    return Position(
        model,
        pd.DataFrame(rows),
        pd.DataFrame(year_rows),
        {**prog, "years": s.years, "discount_rate": s.discount_rate},
        contribution,
        benefit,
        cash,
        y.factors,
    )
