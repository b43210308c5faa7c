"""How money is written for people: whole pounds, costs in brackets, as the OBC shows them;
and chances, as whole percentages (the names of strands and agencies: `case.words`)."""

from __future__ import annotations

import math

from obcsim.case.words import AGENCY_LABELS, STRAND_LABELS, agency_label

__all__ = ["AGENCY_LABELS", "MEASURE_LABELS", "STRAND_LABELS", "agency_label", "gbp", "pct"]

MEASURE_LABELS = {
    "gross_saving": "gross saving",
    "operating_cost": "operating cost",
    "annual_impact": "annual impact",
    "setup_cost": "set-up cost",
    "year1_impact": "year-1 impact",
}


def gbp(x: float) -> str:
    """£1,234 for inflows, (£1,234) for costs; whole pounds."""
    if math.isnan(x):
        return "-"
    pounds = round(x)
    return f"(£{-pounds:,})" if pounds < 0 else f"£{pounds:,}"


def pct(p: float) -> str:
    """A probability as a whole percentage: 45%, and <1% / >99% rather than a misleading 0% /
    100% when it is not exactly 0 or 1."""
    written = f"{p:.0%}"
    if written == "0%" and p > 0:
        return "<1%"
    if written == "100%" and p < 1:
        return ">99%"
    return written
