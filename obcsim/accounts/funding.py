"""Who pays: the OBC's Appendix 2 funding models, over the horizon in present values.

* `as_published`: each partner pays the costs the scenario puts on it (the OBC's Table 2).
* `pro_rata`: the partners pay the programme's costs in proportion to their share of the
  savings (the re-allocation the OBC proposes after evaluation, its Figure 3).
* `pooled`: a pooled budget with the stated shares (`finance.pooled_shares`).
* `pbr`: payment by results: `attachment_share` of the costs is paid up front in the
  as-published shares; the rest is a tariff per avoided episode, priced on the expected case and
  paid by the partners in proportion to their savings; the commissioner pays what is left (more
  when results fall short, less when they beat the price).

Every model allocates exactly the programme's total cost; an agency's net position is its
benefit less its contribution, so net positions add up to the programme's net present value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from obcsim.accounts.years import Years
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError

MODELS = ("as_published", "pro_rata", "pooled", "pbr")


@dataclass(frozen=True)
class Allocation:
    model: str
    agencies: tuple[str, ...]
    contribution: np.ndarray  # (agencies, runs), present values
    benefit: np.ndarray

    @property
    def net(self) -> np.ndarray:
        return self.benefit - self.contribution


def partners(scn: Scenario) -> tuple[str, ...]:
    """The agencies that may pay: `finance.partners`, else those the scenario puts costs on."""
    if scn.finance.partners:
        return scn.finance.partners
    paying = {item.agency for _, item in scn.cost_items()}
    return tuple(a for a in scn.agencies if a in paying)


def _shares(weights: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Normalise (agencies, runs) weights column by column; `fallback` where they sum to 0."""
    total = weights.sum(axis=0, keepdims=True)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, weights / safe, fallback)


def allocate(
    scn: Scenario,
    years: Years,
    model: str,
    outcomes: np.ndarray | None = None,
    expected_outcomes: float | None = None,
) -> Allocation:
    """Contributions and benefits (present values) per agency under `model`. For `pbr`,
    `outcomes` are the avoided episodes (present-valued, per run) and `expected_outcomes` the
    expected case's, which prices the tariff."""
    if model not in MODELS:
        raise InputError(
            "--funding", "", f"unknown funding model {model!r}; models are {', '.join(MODELS)}"
        )
    agencies = scn.agencies
    own = years.pv(years.costs)  # (agencies, runs)
    total = own.sum(axis=0, keepdims=True)
    benefit = years.pv(years.gross)
    paying = partners(scn)
    is_partner = np.array([[a in paying] for a in agencies], float)
    published = _shares(own, is_partner / max(is_partner.sum(), 1.0))
    by_benefit = _shares(np.maximum(benefit, 0.0) * is_partner, published)
    if model == "as_published":
        contribution = own
    elif model == "pro_rata":
        contribution = total * by_benefit
    elif model == "pooled":
        shares = scn.finance.pooled_shares
        if not shares:
            raise InputError(
                "scenario",
                "finance.pooled_shares",
                "the pooled model needs shares for the partners (summing to 1)",
            )
        contribution = total * np.array([[shares.get(a, 0.0)] for a in agencies])
    else:
        pbr = scn.finance.pbr
        attachment = pbr.attachment_share * total * published
        if outcomes is None or not expected_outcomes:
            raise InputError("--funding", "", "payment by results needs outcomes to pay for")
        tariff = (1 - pbr.attachment_share) * total.mean() / expected_outcomes
        results = tariff * np.asarray(outcomes, float)[None, :] * by_benefit
        contribution = attachment + results
        rest = total - contribution.sum(axis=0, keepdims=True)
        contribution[agencies.index(pbr.commissioner)] += rest[0]
    return Allocation(model, agencies, contribution, benefit)
