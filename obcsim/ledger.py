"""Agency x strand accounting in the OBC's layout.

The ledger takes gross savings (from the closed form or from Monte Carlo draws) and the cost
items, and builds the OBC's tables: rows are agencies and a total, columns the five measures.
Costs are negative, as the OBC shows them in brackets. Values may be floats or arrays over
iterations; the arithmetic is the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from obcsim import expected
from obcsim.scenario import CostItem, Scenario

MEASURES = ("gross_saving", "operating_cost", "annual_impact", "setup_cost", "year1_impact")
PROGRAMME = "all"


def cost_items(scn: Scenario) -> list[tuple[str, CostItem]]:
    """(strand, item) for every cost; programme-level items carry strand `all`."""
    out = [(name, item) for name, strand in scn.costed() for item in strand.costs]
    return out + [(PROGRAMME, item) for item in scn.programme_costs]


def item_totals(
    scn: Scenario, amounts: Iterable[np.ndarray | float] | None = None
) -> dict[tuple[str, str, str], np.ndarray]:
    """Sum of cost amounts by (strand, agency, kind), positive. `amounts` (one per item of
    `cost_items`) defaults to the items' means."""
    items = cost_items(scn)
    values = amounts if amounts is not None else (i.amount.expected() for _, i in items)
    out: dict[tuple[str, str, str], np.ndarray] = {}
    for (strand, item), value in zip(items, values, strict=True):
        key = (strand, item.agency, item.kind)
        out[key] = out.get(key, 0.0) + np.asarray(value, dtype=float)
    return out


def build_tables(
    scn: Scenario,
    gross: Mapping[str, Mapping[str, np.ndarray | float]],
    costs: Mapping[tuple[str, str, str], np.ndarray | float],
) -> pd.DataFrame:
    """The strand tables and the programme table as one frame.

    Columns: strand, agency, then the five measures. Each measure holds a float, or with
    Monte Carlo draws an array over iterations. Strand `all` is the sum of the strands plus
    programme-level costs; agency `total` is the sum of the agencies.
    """
    strands = [name for name, _ in scn.costed()]
    rows = []
    zero = np.zeros_like(np.asarray(next(iter(next(iter(gross.values())).values()))), float)
    for strand in [*strands, PROGRAMME]:
        members = strands if strand == PROGRAMME else [strand]
        block = []
        for agency in scn.agencies:
            g = sum((np.asarray(gross[m][agency], float) for m in members), zero)
            own = [strand] if strand != PROGRAMME else [*strands, PROGRAMME]
            op = 0.0 - sum(
                (np.asarray(costs.get((m, agency, "operating"), 0.0)) for m in own), zero
            )
            su = 0.0 - sum((np.asarray(costs.get((m, agency, "setup"), 0.0)) for m in own), zero)
            block.append([g, op, g + op, su, g + op + su])
        total = [sum((r[i] for r in block), zero) for i in range(len(MEASURES))]
        for agency, values in [*zip(scn.agencies, block, strict=True), ("total", total)]:
            rows.append(
                {"strand": strand, "agency": agency, **dict(zip(MEASURES, values, strict=True))}
            )
    frame = pd.DataFrame(rows)
    for m in MEASURES:
        if frame[m].map(np.ndim).max() == 0:
            frame[m] = frame[m].astype(float)
    return frame


def expected_tables(scn: Scenario) -> pd.DataFrame:
    """The OBC's tables from the scenario's means (what `obcsim tables` prints)."""
    return build_tables(scn, expected.gross_savings(scn), item_totals(scn))


def investment_table(scn: Scenario) -> pd.DataFrame:
    """The OBC's Table 2 layout: cost by organisation, staff / cash, set-up / ongoing."""
    rows: dict[str, dict[str, float]] = {}
    for _, item in cost_items(scn):
        col = f"{'setup' if item.kind == 'setup' else 'ongoing'}_{item.type}"
        rows.setdefault(item.agency, {}).setdefault(col, 0.0)
        rows[item.agency][col] += item.amount.expected()
    cols = ["setup_staff", "setup_cash", "ongoing_staff", "ongoing_cash"]
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=cols).fillna(0.0)
    frame = frame.reindex([a for a in scn.agencies if a in rows])
    frame.loc["total"] = frame.sum()
    return frame.rename_axis("agency").reset_index()
