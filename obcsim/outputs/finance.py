"""The finance officer's pack: every table of `obcsim tables --years ...` as named frames.

One function builds them all, so the workbook, the JSON and the terminal show the same figures:
the OBC's tables (year 1, with gross savings split into cashable and non-cashable), Table 2,
the years undiscounted and discounted, the appraisal (NPV, BCR, payback), cashability, every
funding model, switching values, every assumption with its source note, and the
reconciliation findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from obcsim.accounts import appraisal, cashability, ledger
from obcsim.accounts.drivers import Drivers, drivers
from obcsim.accounts.funding import MODELS
from obcsim.accounts.ledger import MEASURES, Annual
from obcsim.accounts.money import agency_label, gbp, pct
from obcsim.accounts.uncertainty import inputs, walk
from obcsim.accounts.years import Settings
from obcsim.case.distributions import PARAMS
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.obc.faults import by_fault
from obcsim.obc.published import published_investment, published_tables
from obcsim.outputs import committee, cover, external, howsure
from obcsim.outputs import sheets as sheets_
from obcsim.outputs.report import SHEET_TITLES

SHEETS = {
    "tables": "OBC tables (year 1)",
    "investment": "Investment (Table 2)",
    "years": "Years",
    "years_discounted": "Years discounted",
    "appraisal": "Appraisal",
    "sensitivity": "Discounting sensitivity",
    "cashability": "Cashability",
    "funding": "Funding",
    "switching_values": "Switching values",
    "assumptions": "Assumptions",
    "reconciliation": "Reconciliation",
    "external": "Against back-solved costs",
    "how_sure": howsure.SHEETS["how_sure"],
    "drivers": howsure.SHEETS["drivers"],
}
SURE_DRAWS = 10_000  # draws of the inputs for the How sure sheet (P(ahead) within 0.5 points)
NOT_MONEY = {
    "year",
    "discount_factor",
    "bcr",
    "payback_year",
    "p_npv_positive",
    "p_worse_off",
    "current",
    "switching_value",
    "change",
    "published",
    "implied",
    "difference",
}


def tables_with_cash(scn: Scenario, t: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """The year-1 tables `t` with gross saving split into cashable and non-cashable: each
    agency's programme saving (net of its own staff costs where its rule says so) goes through
    its rule, and each strand gets its pro-rata part."""
    programme = t[(t.strand == "all") & (t.agency != "total")]
    staff = cashability.staff_costs(scn, s)[:, :1]
    fraction = {}
    for agency, saving in zip(programme.agency, programme.gross_saving, strict=True):
        i = scn.agencies.index(str(agency))
        base = cashability.base(scn, np.full((len(scn.agencies), 1, 1), saving), staff)[i]
        rule = cashability.rule_for(scn, str(agency))
        cashed = float(cashability.cashable(rule, base)[0, 0])
        fraction[agency] = cashed / saving if saving > 0 else 0.0
    rows = t.agency != "total"
    t = t.assign(gross_saving_cashable=0.0)
    t.loc[rows, "gross_saving_cashable"] = t.gross_saving[rows] * t.agency[rows].map(fraction)
    totals = t[rows].groupby("strand", sort=False).gross_saving_cashable.sum()
    t.loc[~rows, "gross_saving_cashable"] = t.strand[~rows].map(totals).to_numpy()
    t["gross_saving_non_cashable"] = t.gross_saving - t.gross_saving_cashable
    return t[["strand", "agency", *MEASURES, "gross_saving_cashable", "gross_saving_non_cashable"]]


def assumptions_frame(scn: Scenario) -> pd.DataFrame:
    """Every value in the scenario with its mean, its distribution and its source note."""
    rows: list[dict[str, Any]] = []
    for path, x in walk(scn):
        params = {p: getattr(x, p) for p in PARAMS[x.dist] if getattr(x, p) is not None}
        rows.append(
            {
                "field": ".".join(map(str, path)),
                "mean": x.expected(),
                "distribution": x.dist,
                "parameters": ", ".join(f"{k} {v:g}" for k, v in params.items()),
                "source": x.source or "",
            }
        )
    return pd.DataFrame(rows)


def pack(
    expected: appraisal.Case,
    models: tuple[str, ...] = MODELS,
    draws: appraisal.Case | None = None,
    sure: Drivers | None = None,
) -> dict[str, pd.DataFrame]:
    """Every frame of the finance pack, keyed as in `SHEETS`, from the expected case (computed
    once by the caller). With a case of Monte Carlo `draws`, the appraisal, cashability and
    funding are means over the draws with intervals and the probability of ending up worse off;
    the tables and years are the expected case. With a sensitivity report (`sure`), how likely
    each NPV is to come out ahead under the evidence, and what drives the programme's."""
    scn = expected.scenario
    case = expected if draws is None else draws
    years = appraisal.years_frame(expected)
    discounted = years.assign(
        **{
            c: years[c] * years.discount_factor
            for c in ("gross_saving", "operating_cost", "setup_cost", "net")
        }
    )
    shown, _ = shown_models(scn, models)
    funding = [appraisal.funding_frame(case, m, priced_on=expected) for m in shown]
    year1 = ledger.tables(scn, expected.annual)
    findings = by_fault(published_tables(), published_investment(), year1, scn.name, scn)
    frames = {
        "tables": tables_with_cash(scn, year1, expected.settings),
        "investment": ledger.investment_table(scn),
        "years": years,
        "years_discounted": discounted,
        "appraisal": appraisal.appraisal_frame(case),
        "sensitivity": appraisal.sensitivity_frame(expected),
        "cashability": appraisal.cashability_frame(case),
        "funding": pd.concat(funding, ignore_index=True),
        "switching_values": appraisal.switching_values(expected),
        "assumptions": assumptions_frame(scn),
        "reconciliation": pd.DataFrame([f.as_dict() for f in findings]),
    }
    if cover.uses_gmca(scn):
        frames["external"] = external.against_backsolved(scn)
    if sure is not None:
        frames |= {"how_sure": howsure.how_sure_frame(sure), "drivers": howsure.drivers_frame(sure)}
    return frames


def shown_models(scn: Scenario, models: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The funding models the pack shows, and why any asked for is not (pooled without
    shares, when all models are asked for; asked for alone, `check_model` refuses it)."""
    omitted = {}
    if "pooled" in models and not scn.finance.pooled_shares and len(models) > 1:
        omitted["pooled"] = "the scenario sets no finance.pooled_shares"
    return tuple(m for m in models if m not in omitted), omitted


def _header(column: str) -> str:
    return column.replace("_", " ")


def is_money(sheet: str, column: str) -> bool:
    """Which workbook columns hold money (the rest: years, factors, ratios, probabilities)."""
    column = column.replace(" ", "_")
    if sheet == SHEETS["assumptions"]:
        return False
    if sheet == SHEETS["switching_values"]:
        return column == "npv_now"
    return column not in NOT_MONEY and not column.startswith("p_")


def workbook(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The pack as workbook sheets with readable headers: the OBC's tables first (Table 1, then
    each strand, agencies by name), then the rest under their sheet names."""
    t = frames["tables"]
    order = ["all", *[s for s in t.strand.unique() if s != "all"]]
    sheets = {}
    for s in order:
        block = t[t.strand == s].drop(columns="strand").reset_index(drop=True)
        block["agency"] = [agency_label(a) for a in block.agency]
        sheets[SHEET_TITLES.get(s, s)] = block.rename(columns=_header)
    for key, frame in frames.items():
        if key != "tables":
            shown = sheets_.years_wide(frame) if key.startswith("years") else frame.copy()
            if "agency" in shown:
                shown["agency"] = [agency_label(str(a)) for a in shown.agency]
            sheets[SHEETS[key]] = shown.rename(columns=_header)
    return sheets


def settings_dict(s: Settings) -> dict[str, Any]:
    return {
        "years": s.years,
        "discount_rate": s.discount_rate,
        "optimism_bias": s.optimism_bias,
        "benefit_persistence": s.persistence,
        "calendar_years": s.calendar,
        "first_year": s.first_year,
        "green_book": s.green_book,
    }


def json_pack(
    frames: dict[str, pd.DataFrame], s: Settings, run: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """The pack as JSON-ready data (NaN as null); `run`: the cover's rows, as `cover`."""
    out: dict[str, Any] = {"settings": settings_dict(s)}
    if run is not None:
        out["cover"] = dict(run)
    for key, frame in frames.items():
        out[key] = [
            {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
            for row in frame.astype(object).to_dict("records")
        ]
    return out


@dataclass(frozen=True)
class Built:
    """One finance run: its frames, its cover rows and what the workbook needs."""

    frames: dict[str, pd.DataFrame]
    cover_rows: list[tuple[str, str]]
    expected: appraisal.Case
    run: cover.Run
    sure: Drivers | None = None

    def workbook(self) -> bytes:
        """The committee workbook."""
        sheets = workbook(self.frames)
        case, run = self.expected, self.run
        digest = cover.sha256(run.scenario_path)[:12]
        notes = cover.notes(case, list(sheets), SHEETS)
        if self.sure is not None:
            notes |= howsure.notes(self.sure)

        def fmt(sheet: str, col: str, row: Any) -> str:
            if sheet in howsure.SHEETS.values():
                return howsure.cell_format(sheet, col, row)
            return cover.cell_format(sheet, col, row, SHEETS)

        return committee.committee_xlsx(
            self.cover_rows,
            sheets,
            notes,
            fmt,
            case.scenario.name,
            f"{case.scenario.name}; scenario SHA-256 {digest}...; obcsim {run.version}",
        )


def build(
    scn: Scenario,
    annual: Annual,
    s: Settings,
    funding: str | None = None,
    runs: int | None = None,
    seed: int = 1,
    scenario_path: Path | None = None,
) -> Built:
    """The finance pack for a scenario: the expected case, Monte Carlo draws if `runs`, the
    funding models asked for (all by default), and the cover that records all of it."""
    from importlib.metadata import version

    from obcsim.model.montecarlo import run as simulate

    models = check_model(scn, funding)
    expected = appraisal.case_of(scn, s, annual)
    drawn = None if runs is None else appraisal.draws_case(simulate(scn, runs, seed, "fast"), s)
    sure = (
        drivers(scn, s, runs=SURE_DRAWS, seed=seed, sobol=False, n_jobs=1)
        if has_inputs(scn)
        else None
    )
    frames = pack(expected, models, drawn, sure)
    shown, omitted = shown_models(scn, models)
    info = cover.Run(scenario_path, runs, seed if runs else None, shown, omitted, version("obcsim"))
    rows = cover.cover_rows(expected, info)
    if sure is not None:
        rows += [("how sure", sure.finding()), ("what matters most", "; ".join(sure.top))]
    return Built(frames, rows, expected, info, sure)


def has_inputs(scn: Scenario) -> bool:
    """Whether anything in the scenario is uncertain (else there is no How sure sheet)."""
    return bool(inputs(scn))


def check_model(scn: Scenario, model: str | None) -> tuple[str, ...]:
    """The funding models to show: one asked for, or all."""
    if model is None:
        return MODELS
    if model == "pooled" and not scn.finance.pooled_shares:
        raise InputError(
            "--funding",
            "",
            "the pooled model needs finance.pooled_shares in the "
            "scenario (the partners' shares, summing to 1)",
        )
    return (model,)


def _number(v: Any) -> str:
    if v is None or pd.isna(v):
        return "-"
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:.3g}"


def terminal(frames: dict[str, pd.DataFrame], s: Settings) -> str:
    """The pack's headline frames for a terminal."""

    def show(frame: pd.DataFrame, sheet: str) -> str:
        out = frame.copy()
        for col in out.columns:
            if pd.api.types.is_float_dtype(out[col]) and is_money(sheet, str(col)):
                out[col] = out[col].map(gbp)
            elif col == "bcr":
                out[col] = out[col].map(lambda v: "-" if v is None or pd.isna(v) else f"{v:.2f}")
            elif col in ("current", "switching_value", "change", "payback_year"):
                out[col] = out[col].map(_number)
            elif str(col).startswith("p_"):
                out[col] = out[col].map(pct)
        if "agency" in out:
            out["agency"] = [agency_label(str(a)) for a in out.agency]
        return out.to_string(index=False)

    head = (
        f"{s.years} years, discount rate {s.discount_rate:.1%}, optimism bias "
        f"{s.optimism_bias:.0%}, benefits persisting {s.persistence:.0%} a year, year 1 "
        f"{s.first_year}, Green Book {s.green_book}; present values in GBP"
    )
    switching = frames["switching_values"]
    alone = switching[switching.npv_of.str.endswith("alone")].drop(columns=["npv_of"])
    cash = frames["cashability"].drop(columns=["source"])
    parts = [
        f"Appraisal ({head})\n" + show(frames["appraisal"], SHEETS["appraisal"]),
        "Cashability (present values)\n" + show(cash, SHEETS["cashability"]),
        "Who pays (present values)\n" + show(frames["funding"], SHEETS["funding"]),
        "Discounting sensitivity (the programme)\n"
        + show(frames["sensitivity"], SHEETS["sensitivity"]),
        "Switching values: where each strand alone stops breaking even\n"
        + show(alone, SHEETS["switching_values"]),
    ]
    return "\n\n".join(parts) + "\n"
