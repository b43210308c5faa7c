"""External unit costs against the OBC's back-solved ones, strand by strand.

A scenario that prices its events from the GMCA Unit Cost Database is compared with the shipped
as-published scenario (whose unit costs are back-solved from the OBC's tables): each strand's
and the programme's year-1 gross saving and annual impact, agency by agency, under both.
"""

from __future__ import annotations

import pandas as pd

from obcsim.accounts.ledger import expected_tables
from obcsim.case.load import load_scenario
from obcsim.case.scenario import Scenario
from obcsim.case.shipped import shipped_scenario


def against_backsolved(scn: Scenario) -> pd.DataFrame:
    """Per strand and agency: gross saving and annual impact with the back-solved unit costs
    (the shipped OBC scenario) and with this scenario's, and the differences."""
    base = expected_tables(load_scenario(shipped_scenario()))
    here = expected_tables(scn)
    keys = ["strand", "agency"]
    merged = base[[*keys, "gross_saving", "annual_impact"]].merge(
        here[[*keys, "gross_saving", "annual_impact"]], on=keys, suffixes=("_backsolved", "")
    )
    return pd.DataFrame(
        {
            "strand": merged.strand,
            "agency": merged.agency,
            "gross_saving_backsolved": merged.gross_saving_backsolved,
            "gross_saving_external": merged.gross_saving,
            "gross_saving_difference": merged.gross_saving - merged.gross_saving_backsolved,
            "annual_impact_backsolved": merged.annual_impact_backsolved,
            "annual_impact_external": merged.annual_impact,
            "annual_impact_difference": merged.annual_impact - merged.annual_impact_backsolved,
        }
    )
