"""Which savings become cash (the OBC's Appendix 1): a rule per agency, applied each year.

`full`: every pound. `step`: whole steps only (for example one probation FTE: a saving of 0.9
of a step is an efficiency, 2.3 steps cash 2). `threshold`: all of it once a year's saving
reaches the threshold (for example enough to close a court), nothing below. `never`: the
agency holds no local budget (CPS, courts, prison). Agencies without a rule: `full`.

Each rule applies to a stated base: the `gross` saving, or the saving `net` of the agency's own
staff operating costs on the programme (police officer time spent on conditional cautions is a
cost in posts, so only the net saving can free a post).
"""

from __future__ import annotations

import numpy as np

from obcsim.accounts.years import Settings, profiles
from obcsim.case.scenario import Cashability, Scenario


def cashable(rule: Cashability, saving: np.ndarray) -> np.ndarray:
    """The cashable part of a year's saving (element-wise; negative savings cash nothing)."""
    s = np.maximum(np.asarray(saving, float), 0.0)
    if rule.rule == "full":
        return s
    if rule.rule == "never":
        return np.zeros_like(s)
    if rule.rule == "step":
        assert rule.step is not None
        return np.floor(s / rule.step + 1e-9) * rule.step
    assert rule.threshold is not None
    return np.where(s >= rule.threshold, s, 0.0)


def rule_for(scn: Scenario, agency: str) -> Cashability:
    return scn.finance.cashability.get(agency, Cashability())


def staff_costs(scn: Scenario, s: Settings) -> np.ndarray:
    """Each agency's own staff operating costs on the programme, per year (means, no optimism
    bias): (agencies, years)."""
    prof = profiles(scn, s)
    out = np.zeros((len(scn.agencies), s.years))
    for strand, item in scn.cost_items():
        if item.kind == "operating" and item.type == "staff":
            out[scn.agencies.index(item.agency)] += prof[strand].operating * item.amount.expected()
    return out


def base(scn: Scenario, gross: np.ndarray, staff: np.ndarray) -> np.ndarray:
    """The saving each agency's rule applies to: (agencies, years, runs)."""
    nets = [scn.finance.cashability.get(a, Cashability()).base == "net" for a in scn.agencies]
    own = np.where(np.array(nets)[:, None], staff, 0.0)
    return np.asarray(gross, float) - own[:, :, None]


def split(scn: Scenario, gross: np.ndarray, staff: np.ndarray | None = None) -> np.ndarray:
    """Cashable savings for an (agencies, years, runs) array of gross savings; `staff`: the
    agencies' own staff operating costs (agencies, years), netted where a rule's base is net."""
    b = gross if staff is None else base(scn, gross, staff)
    return np.stack([cashable(rule_for(scn, a), b[i]) for i, a in enumerate(scn.agencies)])


def describe(rule: Cashability) -> str:
    of = " of the saving net of own staff costs" if rule.base == "net" else ""
    if rule.rule == "step":
        return f"in whole steps of £{rule.step:,.0f}{of}"
    if rule.rule == "threshold":
        return f"only once a year's saving reaches £{rule.threshold:,.0f}"
    return {"full": "fully cashable", "never": "never cashable locally"}[rule.rule] + of
