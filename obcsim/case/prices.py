"""Prices: every unit cost at the scenario's price year.

A scenario-level unit cost may state its own `price_year` (an external source's, such as the
GMCA Unit Cost Database's); on loading, it is repriced to the scenario's `price_year` with the
GDP deflators shipped as `obcsim/data/gmca_ucd_v1_4_deflators.csv` (HM Treasury, Budget March
2015, as in the database: index 1989/90 = 100; from 2014/15 on they were forecasts): cost x
index[scenario year] / index[cost's year]. The repriced cost keeps its source note, with the
original figure and the factor added, and its price year becomes the scenario's.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

from obcsim.case.distributions import Dist
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError

DEFLATORS = "gmca_ucd_v1_4_deflators.csv"
LINEAR = ("value", "min", "mode", "max", "mean", "sd", "loc", "base")  # scale with money


@cache
def deflators() -> dict[str, float]:
    """GDP deflator index by financial year ("2012/13" -> 186.08...)."""
    text = resources.files("obcsim.data").joinpath(DEFLATORS).read_text(encoding="utf-8")
    return {row["year"]: float(row["index"]) for row in csv.DictReader(io.StringIO(text))}


def factor(from_year: str, to_year: str) -> float:
    """What one pound at `from_year` prices is worth at `to_year` prices."""
    index = deflators()
    for year in (from_year, to_year):
        if year not in index:
            raise KeyError(year)
    return index[to_year] / index[from_year]


def scale(d: Dist, f: float) -> Dist:
    """A money distribution times `f` (every parameter in pounds scales; a gamma's rate is
    per pound, so it divides)."""
    update: dict[str, float] = {p: getattr(d, p) * f for p in LINEAR if getattr(d, p) is not None}
    if d.rate is not None:
        update["rate"] = d.rate / f
    if d.dist == "beta":
        raise ValueError("a beta distribution is a probability, not money")
    return d.model_copy(update=update)


def repriced(scn: Scenario, source: str = "scenario") -> Scenario:
    """The scenario with every unit cost at its price year (unchanged if all already are)."""
    costs = dict(scn.unit_costs)
    for event, uc in scn.unit_costs.items():
        if uc.price_year is None or uc.price_year == scn.price_year or uc.cost is None:
            continue
        try:
            f = factor(uc.price_year, scn.price_year)
        except KeyError as exc:
            first, last = min(deflators()), max(deflators())
            raise InputError(
                source,
                f"unit_costs.{event}.price_year",
                f"no GDP deflator for {exc.args[0]} (the table runs {first} to {last})",
            ) from None
        was = uc.cost.point()
        note = (
            f"{uc.cost.source or ''} [£{was:,.2f} at {uc.price_year} prices x {f:.5f} "
            f"(GDP deflator, {uc.price_year} to {scn.price_year}) = £{was * f:,.2f}]"
        ).strip()
        cost = scale(uc.cost, f).model_copy(update={"source": note})
        costs[event] = uc.model_copy(update={"cost": cost, "price_year": scn.price_year})
    return scn.model_copy(update={"unit_costs": costs})
