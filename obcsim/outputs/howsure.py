"""How sure, and what drives it: a sensitivity report (`accounts.drivers.Drivers`) as named
frames for a workbook and JSON, and as text for the terminal. Formats only; no figures are made
here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from obcsim.accounts.drivers import Drivers, outcome_label
from obcsim.accounts.money import gbp, pct
from obcsim.outputs import committee, cover

SHEETS = {
    "how_sure": "How sure",
    "drivers": "What drives it",
    "sobol": "Variance indices",
    "evppi": "Value of information",
}
INDEX = "0.000"
UNITS = {cover.GBP: "money", "0.0%": "share"}  # an input's unit, from its workbook format
UNIT_FORMATS = {"money": cover.GBP, "share": "0.0%", "number": "#,##0.##"}


def how_sure_frame(d: Drivers) -> pd.DataFrame:
    """Per outcome: NPV at the point estimates, at the evidence's means, the gap, then the Monte
    Carlo mean, 5th and 95th percentiles, P(ahead), the decision and its EVPI."""
    gap = d.gap.drop(columns="label")
    chances = d.chances.rename(columns={"expected": "mean"})
    both = chances.merge(gap, on="outcome", validate="one_to_one")
    columns = ["label", "base_case", "expected_value", "optimism", "mean", "p05", "p95"]
    return both[[*columns, "p_ahead", "decision", "evpi"]].rename(columns={"label": "outcome"})


def drivers_frame(d: Drivers, outcome: str = "programme") -> pd.DataFrame:
    """One outcome's inputs, largest effect first: each input from its 5th to its 95th
    percentile (the others at their means), and its total Sobol index where there is one."""
    rows = d.tornado[d.tornado["outcome"] == outcome].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "rank": range(1, len(rows) + 1),
            "input": rows["label"],
            "evidence_group": rows["group"],
            "unit": [
                UNITS.get(cover.assumption_format(k, lo), "number")
                for k, lo in zip(rows["key"], rows["input_low"], strict=True)
            ],
            "value_low": rows["input_low"],
            "value_high": rows["input_high"],
            "npv_at_low": rows["at_low"],
            "npv_at_high": rows["at_high"],
            "swing": rows["swing"],
        }
    )
    if d.sobol is not None:
        s = d.sobol[d.sobol["outcome"] == outcome].set_index("key")
        out["total_index"] = list(s.loc[rows["key"], "ST"])
        out["total_index_ci"] = list(s.loc[rows["key"], "ST_conf"])
        out["first_order_index"] = list(s.loc[rows["key"], "S1"])
    return out


def sobol_frame(d: Drivers) -> pd.DataFrame:
    """Every outcome's first and total-order indices with their confidence half-widths."""
    if d.sobol is None:
        return pd.DataFrame()
    s = d.sobol
    return pd.DataFrame(
        {
            "outcome": s["outcome"].map(outcome_label),
            "input": s["label"],
            "first_order_index": s["S1"],
            "first_order_ci": s["S1_conf"],
            "total_index": s["ST"],
            "total_index_ci": s["ST_conf"],
            "note": s["note"],
        }
    )


def evppi_frame(d: Drivers) -> pd.DataFrame:
    """What resolving each evidence group is worth to each decision (EVPPI), beside EVPI."""
    e = d.evppi
    return pd.DataFrame(
        {
            "outcome": e["outcome"].map(outcome_label),
            "evidence_group": e["group"],
            "evppi": e["evppi"],
            "evppi_se": e["se"],
            "evpi": e["evpi"],
            "share": e["share"],
        }
    )


def frames(d: Drivers) -> dict[str, pd.DataFrame]:
    """The report's sheets, keyed as `SHEETS` (no variance sheet without Sobol indices)."""
    out = {"how_sure": how_sure_frame(d), "drivers": drivers_frame(d)}
    if d.sobol is not None:
        out["sobol"] = sobol_frame(d)
    out["evppi"] = evppi_frame(d)
    return out


def notes(d: Drivers) -> dict[str, str]:
    """The line under each sheet's title."""
    pv = f"present values over {d.settings.years} years at {d.settings.discount_rate:.1%}"
    draws = f"{d.runs:,} draws of the {d.inputs} uncertain inputs, seed {d.seed}"
    return {
        SHEETS["how_sure"]: f"{pv}; at the point estimates, at the evidence's means, and over "
        f"{draws}",
        SHEETS["drivers"]: "the programme's NPV with one input at its 5th or 95th percentile, "
        "the others at their means; total index: its share of the variance",
        SHEETS["sobol"]: "first-order and total Sobol' indices (Saltelli 2010, SALib) with 95% "
        "bootstrap half-widths, for every outcome",
        SHEETS["evppi"]: f"expected value of partial perfect information ({pv}) per evidence "
        f"group, by regression (Strong, Oakley & Brennan 2014), from {draws}",
    }


def cell_format(sheet: str, column: str, row: Mapping[str, Any]) -> str:
    """Money in GBP, probabilities and shares as percentages, indices to three places, an
    input's own values in its own units."""
    col = column.replace(" ", "_")
    if col in ("p_ahead", "share"):
        return cover.PERCENT
    if col == "rank":
        return "0"
    if "index" in col or col.endswith("_ci"):
        return INDEX
    if col in ("value_low", "value_high"):
        return UNIT_FORMATS[str(row.get("unit", "number"))]
    return cover.GBP


def cover_rows(d: Drivers, scenario_path: Path | None, version: str) -> list[tuple[str, str]]:
    """(setting, value) rows recording how the report was made."""
    s = d.settings
    sobol = (
        "not computed"
        if d.sobol is None
        else f"{d.sobol.attrs.get('n', 0):,} base points, {d.sobol.attrs.get('evaluations', 0):,}"
        " evaluations; five largest total indices within 10% of their value: "
        + ("yes" if d.sobol.attrs.get("precise") else "no")
    )
    return [
        ("scenario", d.scenario),
        ("scenario file", str(scenario_path) if scenario_path else "(in memory)"),
        ("scenario SHA-256", cover.sha256(scenario_path)),
        ("horizon", f"{s.years} years"),
        ("discount rate", f"{s.discount_rate:.2%} a year (Green Book)"),
        ("optimism bias", f"{s.optimism_bias:.0%} uplift on every cost"),
        ("uncertain inputs", str(d.inputs)),
        ("Monte Carlo", f"{d.runs:,} draws of the inputs (closed form), seed {d.seed}"),
        ("Sobol' indices", sobol),
        ("three inputs that matter most", "; ".join(d.top)),
        ("finding", d.finding()),
        ("obcsim version", version),
        ("produced", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]


def workbook(d: Drivers, scenario_path: Path | None, version: str) -> bytes:
    """The report as a committee workbook (cover, then each sheet)."""
    sheets = {
        SHEETS[k]: f.rename(columns=lambda c: c.replace("_", " ")) for k, f in frames(d).items()
    }
    digest = cover.sha256(scenario_path)[:12]
    return committee.committee_xlsx(
        cover_rows(d, scenario_path, version),
        sheets,
        notes(d),
        cell_format,
        f"{d.scenario}: how sure, and what drives it",
        f"{d.scenario}; scenario SHA-256 {digest}...; obcsim {version}",
    )


def terminal(d: Drivers, top: int = 10) -> str:
    """The report for a terminal: the finding, the chances, the drivers, the value of
    information."""
    s = d.settings
    lines = [
        f"{d.scenario}: {s.years}-year NPVs at {s.discount_rate:.1%}, {d.runs:,} draws of "
        f"{d.inputs} uncertain inputs, seed {d.seed}",
        "",
        d.finding(),
        "",
        "How sure: NPV at the point estimates, expected, 90% interval, P(comes out ahead)",
    ]
    h = how_sure_frame(d)
    for r in h.to_dict("records"):
        lines.append(
            f"  {r['outcome']:<30}{gbp(r['base_case']):>13}{gbp(r['mean']):>13}  "
            f"[{gbp(r['p05'])}, {gbp(r['p95'])}]  {pct(r['p_ahead'])}"
        )
    lines += ["", f"What drives the programme's NPV (top {top}: 5th to 95th percentile)"]
    drv = drivers_frame(d).head(top)
    for r in drv.to_dict("records"):
        index = (
            f"  total index {r['total_index']:.3f} ± {r['total_index_ci']:.3f}"
            if "total_index" in r
            else ""
        )
        lines.append(
            f"  {r['rank']:>2}. {r['input']:<62} {gbp(r['npv_at_low'])} to "
            f"{gbp(r['npv_at_high'])}{index}"
        )
    lines += ["", "The three that matter most: " + "; ".join(d.top), "", "Value of information"]
    lines += [f"  {t}" for t in d.sentences]
    return "\n".join(lines) + "\n"
