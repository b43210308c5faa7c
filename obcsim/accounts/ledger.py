"""Agency x strand accounting in the OBC's layout.

The ledger takes one year's inputs (`Annual`: gross savings by strand and agency, cost items by
strand, agency and kind, avoided episodes by strand), either the closed form's means or Monte
Carlo draws, and builds the OBC's tables: rows are agencies and a total, columns the five
measures. Costs are negative, as the OBC shows them in brackets. Values may be floats or arrays
over iterations; the arithmetic is the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from obcsim.case.scenario import PROGRAMME, Scenario
from obcsim.model import expected
from obcsim.model.montecarlo import Draws

MEASURES = ("gross_saving", "operating_cost", "annual_impact", "setup_cost", "year1_impact")
ArrayLike = np.ndarray | float


@dataclass(frozen=True)
class Annual:
    """One year's inputs to the accounts, computed once and handed on."""

    gross: Mapping[str, Mapping[str, ArrayLike]]  # strand -> agency -> saving
    costs: Mapping[tuple[str, str, str], ArrayLike]  # (strand, agency, kind) -> cost, positive
    avoided: Mapping[str, ArrayLike]  # strand -> avoided episodes


def item_totals(
    scn: Scenario, amounts: Iterable[np.ndarray | float] | None = None
) -> dict[tuple[str, str, str], np.ndarray]:
    """Sum of cost amounts by (strand, agency, kind), positive. `amounts` (one per item of
    `scn.cost_items()`) defaults to the items' base values."""
    items = scn.cost_items()
    values = amounts if amounts is not None else (i.amount.point() for _, i in items)
    out: dict[tuple[str, str, str], np.ndarray] = {}
    for (strand, item), value in zip(items, values, strict=True):
        key = (strand, item.agency, item.kind)
        out[key] = out.get(key, 0.0) + np.asarray(value, dtype=float)
    return out


def expected_annual(scn: Scenario, value: expected.Reader = expected.BASE) -> Annual:
    """One year in closed form, every input read by `value`: `expected.BASE` (the case's own
    points, the base case: what `obcsim tables` prints), `expected.MEAN` (the distributions'
    means: the expected value the Monte Carlo converges to) or arrays of parameter sets."""
    avoided = {name: expected.avoided_episodes(scn, name, value) for name, _ in scn.costed()}
    costs = item_totals(scn, [value(i.amount) for _, i in scn.cost_items()])
    return Annual(expected.gross_savings(scn, value), costs, avoided)


def draws_annual(draws: Draws) -> Annual:
    """Each iteration's year, as arrays over iterations."""
    costs = item_totals(draws.scenario, draws.amounts.T)
    return Annual(draws.gross_by_strand(), costs, draws.avoided_by_strand())


def build_tables(
    scn: Scenario,
    gross: Mapping[str, Mapping[str, ArrayLike]],
    costs: Mapping[tuple[str, str, str], ArrayLike],
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


def tables(scn: Scenario, annual: Annual) -> pd.DataFrame:
    """The OBC's tables for one year's inputs."""
    return build_tables(scn, annual.gross, annual.costs)


def expected_tables(scn: Scenario, value: expected.Reader = expected.BASE) -> pd.DataFrame:
    """The OBC's tables in closed form: the base case (what `obcsim tables` prints), or with
    `expected.MEAN` the expected value."""
    return tables(scn, expected_annual(scn, value))


def investment_table(scn: Scenario) -> pd.DataFrame:
    """The OBC's Table 2 layout: cost by organisation, staff / cash, set-up / ongoing."""
    rows: dict[str, dict[str, float]] = {}
    for _, item in scn.cost_items():
        col = f"{'setup' if item.kind == 'setup' else 'ongoing'}_{item.type}"
        rows.setdefault(item.agency, {}).setdefault(col, 0.0)
        rows[item.agency][col] += item.amount.point()
    cols = ["setup_staff", "setup_cash", "ongoing_staff", "ongoing_cash"]
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=cols).fillna(0.0)
    frame = frame.reindex([a for a in scn.agencies if a in rows])
    frame.loc["total"] = frame.sum()
    return frame.rename_axis("agency").reset_index()


# --- Monte Carlo draws in the OBC's layout ------------------------------------------------


def draw_tables(draws: Draws) -> pd.DataFrame:
    """The OBC's tables with an array over iterations in every cell (do not modify)."""
    return draws.memo("tables", lambda: tables(draws.scenario, draws_annual(draws)))


def draw_frame(draws: Draws) -> pd.DataFrame:
    """One row per iteration x strand x agency, the five measures as columns."""
    return draws.memo("frame", lambda: _frame(draws))


def _frame(draws: Draws) -> pd.DataFrame:
    t = draw_tables(draws)
    n = draws.runs
    out = pd.DataFrame(
        {
            "iteration": np.tile(np.arange(n), len(t)),
            "strand": np.repeat(t.strand.to_numpy(), n),
            "agency": np.repeat(t.agency.to_numpy(), n),
        }
    )
    for m in MEASURES:
        out[m] = np.concatenate(t[m].to_list())
    return out


def summary(draws: Draws) -> pd.DataFrame:
    """Mean, sd, 5/50/95th percentiles and P(> 0) for every strand, agency and measure."""
    return draws.memo("summary", lambda: _summary(draws))


def _summary(draws: Draws) -> pd.DataFrame:
    rows = []
    for r in draw_tables(draws).itertuples(index=False):
        for m in MEASURES:
            x = np.asarray(getattr(r, m), float)
            p05, p50, p95 = np.percentile(x, [5, 50, 95])
            rows.append(
                {
                    "strand": r.strand,
                    "agency": r.agency,
                    "measure": m,
                    "mean": float(x.mean()),
                    "sd": float(x.std(ddof=1)) if len(x) > 1 else 0.0,
                    "p05": float(p05),
                    "p50": float(p50),
                    "p95": float(p95),
                    "p_positive": float((x > 0).mean()),
                }
            )
    return pd.DataFrame(rows)


def compare(
    a: Draws, b: Draws, strand: str = "all", measure: str = "annual_impact"
) -> pd.DataFrame:
    """Per agency: `a` against `b`, iteration by iteration (run both with the same seed and runs
    so that the difference is paired): means, mean difference, its 90% interval, P(a > b)."""
    if a.runs != b.runs:
        raise ValueError("compare runs of the same length (and seed)")
    ta, tb = (draw_tables(d).set_index(["strand", "agency"]) for d in (a, b))
    rows = []
    for agency in [*a.scenario.agencies, "total"]:
        x = np.asarray(ta.loc[(strand, agency), measure], float)
        y = np.asarray(tb.loc[(strand, agency), measure], float)
        d = x - y
        p05, p95 = np.percentile(d, [5, 95])
        rows.append(
            {
                "agency": agency,
                "mean_a": x.mean(),
                "mean_b": y.mean(),
                "difference": d.mean(),
                "p05": p05,
                "p95": p95,
                "p_a_better": float((d > 0).mean()),
            }
        )
    return pd.DataFrame(rows)


def annual_gap(scn: Scenario) -> tuple[float, float]:
    """The programme's annual impact (year-1 layout) at the scenario's point estimates and at
    the evidence's means: what `obcsim run` sets its Monte Carlo mean beside."""

    def impact(value: expected.Reader) -> float:
        t = expected_tables(scn, value)
        row = t[(t["strand"] == "all") & (t["agency"] == "total")]
        return float(row["annual_impact"].to_numpy()[0])

    return impact(expected.BASE), impact(expected.MEAN)
