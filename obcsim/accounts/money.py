"""How money is written for people: whole pounds, costs in brackets, as the OBC shows them."""

from __future__ import annotations

import math

MEASURE_LABELS = {
    "gross_saving": "gross saving",
    "operating_cost": "operating cost",
    "annual_impact": "annual impact",
    "setup_cost": "set-up cost",
    "year1_impact": "year-1 impact",
}
STRAND_LABELS = {
    "njp": "Neighbourhood Justice Panels",
    "coaches": "community coaches",
    "conditional_cautions": "conditional cautions",
    "iom": "enhanced IOM",
    "housing_policy": "housing policy",
    "all": "the programme",
}
AGENCY_LABELS = {"cps": "CPS"}


def gbp(x: float) -> str:
    """£1,234 for inflows, (£1,234) for costs; whole pounds."""
    if math.isnan(x):
        return "-"
    pounds = round(x)
    return f"(£{-pounds:,})" if pounds < 0 else f"£{pounds:,}"


def agency_label(agency: str) -> str:
    return AGENCY_LABELS.get(agency, agency.capitalize())
