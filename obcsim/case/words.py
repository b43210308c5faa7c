"""The scenario's names in words, for people: strands, agencies and the events they pay for."""

from __future__ import annotations

STRAND_LABELS = {
    "njp": "Neighbourhood Justice Panels",
    "coaches": "community coaches",
    "conditional_cautions": "conditional cautions",
    "iom": "enhanced IOM",
    "housing_policy": "housing policy",
    "all": "the programme",
}
AGENCY_LABELS = {"cps": "CPS"}
EVENT_WORDS = {
    "arrest": "an arrest",
    "cps_hearing": "a hearing",
    "court_hearing": "a hearing",
    "community_order": "a community order",
    "custody": "custody",
}


def agency_label(agency: str) -> str:
    return AGENCY_LABELS.get(agency, agency.capitalize())
