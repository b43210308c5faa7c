"""Which savings become cash (the OBC's Appendix 1): a rule per agency, applied each year.

`full`: every pound. `step`: whole steps only (for example one probation FTE: a saving of 0.9
of a step is an efficiency, 2.3 steps cash 2). `threshold`: all of it once a year's saving
reaches the threshold (for example enough to close a court), nothing below. `never`: the
agency holds no local budget (CPS, courts, prison). Agencies without a rule: `full`.
"""

from __future__ import annotations

import numpy as np

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


def split(scn: Scenario, gross: np.ndarray) -> np.ndarray:
    """Cashable savings for an (agencies, years, runs) array of gross savings."""
    return np.stack([cashable(rule_for(scn, a), gross[i]) for i, a in enumerate(scn.agencies)])


def describe(rule: Cashability) -> str:
    if rule.rule == "step":
        return f"in whole steps of £{rule.step:,.0f}"
    if rule.rule == "threshold":
        return f"only once a year's saving reaches £{rule.threshold:,.0f}"
    return {"full": "fully cashable", "never": "never cashable locally"}[rule.rule]
