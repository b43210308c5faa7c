"""Committee sheets laid out for print: the years, one row a year.

The pack's years frames are long (one row per agency and year: 7 x N rows), right for JSON and
for a machine; printed over 40 years they run to pages. The committee's sheets have one row a
year: the discount factor, each agency's net position and the programme's gross saving, costs
and net.
"""

from __future__ import annotations

import pandas as pd

from obcsim.accounts.money import agency_label


def years_wide(frame: pd.DataFrame) -> pd.DataFrame:
    """One row a year from `appraisal.years_frame` (or its discounted copy)."""
    agencies = [a for a in dict.fromkeys(frame.agency) if a != "total"]
    total = frame[frame.agency == "total"].set_index("year")
    out = pd.DataFrame({"year": total.index, "discount_factor": total.discount_factor.to_numpy()})
    for agency in agencies:
        net = frame[frame.agency == agency].set_index("year").net
        out[f"{agency_label(agency)} net"] = net.reindex(total.index).to_numpy()
    for column in ("gross_saving", "operating_cost", "setup_cost", "net"):
        out[f"programme {column}"] = total[column].to_numpy()
    return out
