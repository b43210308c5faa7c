"""What the committee workbook says about itself: its cover, each sheet's note, each cell's format.

The cover lists every setting that produced the figures (scenario and its SHA-256, price year,
horizon, discounting, optimism bias, Monte Carlo runs and seed, funding models, cashability
bases, unit-cost sources, obcsim version), so a reader can tell from the print-out alone how to
reproduce it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from obcsim.accounts import cashability
from obcsim.accounts.appraisal import Case
from obcsim.accounts.money import agency_label
from obcsim.case.scenario import Scenario

GBP = '"£"#,##0;("£"#,##0);"£"0'
PERCENT = "0%"
RATE = "0.00%"
RATIO = "0.00"
FACTOR = "0.000000"
GMCA = (
    "Contains data from the Unit Cost Database v1.4, New Economy / GMCA, CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/)"
)
COUNTS = {"year", "payback_year", "cells"}


@dataclass(frozen=True)
class Run:
    """How the pack was produced, as the caller knows it."""

    scenario_path: Path | None
    runs: int | None
    seed: int | None
    models: tuple[str, ...]
    omitted: Mapping[str, str]
    version: str


def sha256(path: Path | None) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else "(in memory)"


def uses_gmca(scn: Scenario) -> bool:
    """Whether any unit cost is priced from the GMCA Unit Cost Database."""
    notes = [uc.cost.source or "" for uc in scn.unit_costs.values() if uc.cost is not None]
    notes += [d.source or "" for _, st in scn.costed() for d in st.unit_costs.values()]
    return any("GMCA" in n for n in notes)


def cover_rows(case: Case, run: Run) -> list[tuple[str, str]]:
    """(setting, value) rows for the cover sheet and the JSON's settings."""
    scn, s = case.scenario, case.settings
    rules = [
        f"{agency_label(a)}: {cashability.describe(cashability.rule_for(scn, a))}"
        f" (base: {cashability.rule_for(scn, a).base})"
        for a in scn.agencies
    ]
    draws = (
        f"{run.runs} Monte Carlo runs (fast engine), seed {run.seed}: intervals are 5th-95th "
        "percentiles"
        if run.runs
        else "none: the expected case only (no intervals, no probabilities)"
    )
    omitted = "; ".join(f"{m} not shown: {why}" for m, why in run.omitted.items())
    rows = [
        ("scenario", scn.name),
        ("scenario file", str(run.scenario_path) if run.scenario_path else "(in memory)"),
        ("scenario SHA-256", sha256(run.scenario_path)),
        ("price year", f"{scn.price_year} prices (GBP, real terms)"),
        ("horizon", f"{s.years} years"),
        (
            "discount rate",
            f"{s.discount_rate:.2%} a year for t = 1-30 years from the present, then "
            f"{max(s.discount_rate - 0.005, 0):.2%} for t = 31-75 and lower beyond (Green Book)",
        ),
        ("Green Book edition", green_book_note(s.green_book)),
        (
            "discounting convention",
            "year 1 undiscounted: programme year k is discounted over k - 1 years (t = 0)"
            if s.first_year == "undiscounted"
            else "year 1 discounted: programme year k is discounted over k years (t = 1)",
        ),
        ("optimism bias", f"{s.optimism_bias:.0%} uplift on every cost"),
        ("benefit persistence", f"{s.persistence:.0%} of a year's saving recurs the next year"),
        ("years counted", "calendar years from first go-live" if s.calendar else "operating years"),
        ("Monte Carlo", draws),
        ("funding models", ", ".join(run.models) + (f" ({omitted})" if omitted else "")),
        ("cashability", "; ".join(rules)),
        ("unit costs", unit_cost_note(scn)),
        ("obcsim version", run.version),
        ("produced", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if uses_gmca(scn):
        rows.append(("attribution", GMCA))
    return rows


def green_book_note(edition: str) -> str:
    if edition == "2026":
        return (
            "February 2026: the BCR is one value-for-money measure, read with the NPV, who gains "
            "and what is not monetised; a lower-rate sensitivity test (from 3.0%) is required "
            "for horizons over 50 years"
        )
    return "2022: NPV and BCR; the standard declining schedule (3.5%, 3.0% from year 31 ...)"


def unit_cost_note(scn: Scenario) -> str:
    if uses_gmca(scn):
        return (
            "external: GMCA Unit Cost Database v1.4 rows named in each source note (see the "
            f"Assumptions sheet), repriced to {scn.price_year} with its GDP deflators"
        )
    return "back-solved from the OBC's published tables (obcsim backsolve)"


def notes(case: Case, sheets: list[str], names: Mapping[str, str]) -> dict[str, str]:
    """The line under each sheet's title: units, prices and what the figures are."""
    scn, s = case.scenario, case.settings
    prices = f"GBP, {scn.price_year} prices"
    pv = f"{prices}; present values over {s.years} years at {s.discount_rate:.1%} (Green Book)"
    vfm = (
        "; the BCR is one value-for-money measure (Green Book 2026), read with the NPV"
        if s.green_book == "2026"
        else ""
    )
    out = {name: f"{prices} a year; costs in brackets" for name in sheets}
    out.update(
        {
            names["investment"]: f"{prices}; Table 2 layout: set-up and ongoing, staff and cash",
            names["years"]: f"{prices}, undiscounted; one row a year: each agency's net "
            "position and the programme's flows",
            names["years_discounted"]: f"{prices}, discounted (each figure x its year's factor)",
            names["appraisal"]: f"{pv}{vfm}",
            names["sensitivity"]: f"{pv}; the programme under other discounting",
            names["cashability"]: f"{pv}; which savings can be taken as cash, by rule",
            names["funding"]: (
                f"{pv}; partners' net positions sum to the partners' row; all agencies' net "
                "positions (the total row) sum to the programme NPV"
            ),
            names["switching_values"]: f"{pv}; the value at which each NPV reaches zero",
            names["assumptions"]: f"{prices}; every input with its source note",
            names["reconciliation"]: (
                "each distinct fault once, with the cells it propagates to (published tables)"
            ),
            names["external"]: (
                f"{prices} a year, year 1; this scenario's unit costs (GMCA UCD v1.4, CC BY 4.0) "
                "against those back-solved from the OBC's tables, strand by strand"
            ),
        }
    )
    return out


def cell_format(sheet: str, column: str, row: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The number format of one cell."""
    col = column.replace(" ", "_")
    if col in COUNTS:
        return "0"
    if col == "discount_factor" or col.endswith("_factor"):
        return FACTOR
    if col == "bcr":
        return RATIO
    if col.startswith("p_") or col in ("share",):
        return PERCENT
    if sheet == names["assumptions"]:
        return assumption_format(str(row.get("field", "")), row.get("mean"))
    if sheet == names["switching_values"] and col in ("current", "switching_value", "change"):
        what = str(row.get("assumption", ""))
        if what.endswith("amount"):
            return GBP
        return "#,##0.0" if what == "cohort" else "0.0%"
    return GBP


MONEY_FIELDS = (".amount", "unit_costs.", ".cost", ".step", ".threshold")
PROBABILITIES = {"uptake", "completion", "diversion", "share", "reoffend_without"}
PROBABILITIES |= {
    "reoffend_with",
    "reduction",
    "arrest",
    "community_order",
    "custody",
    "attachment_share",
}
PROBABILITIES |= {"discount_rate", "optimism_bias", "benefit_persistence"}


def assumption_format(field: str, mean: Any) -> str:
    """An input's format: money in GBP, probabilities and rates as percentages, else a number."""
    if any(k in field for k in MONEY_FIELDS):
        return GBP
    last = field.rsplit(".", 1)[-1]
    if last in PROBABILITIES and isinstance(mean, int | float) and 0 <= mean <= 1:
        return "0.0%"
    return "#,##0.####"
