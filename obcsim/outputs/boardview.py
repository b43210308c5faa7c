"""What the board's app shows, as text for people: plain labels, money as money (£1,234, costs
in brackets), probabilities as percentages, and what a download says about where it came from.

Every figure is read from an obcsim result (`ledger.compare`, `funding_choice.Position`, the
recalibration's figures); nothing here computes one.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd

from obcsim.accounts.funding_choice import ALL_YEARS, Position
from obcsim.accounts.money import STRAND_LABELS, agency_label, gbp, pct
from obcsim.case import edit
from obcsim.case.scenario import Scenario
from obcsim.outputs import report

MODEL_LABELS = {
    "as_published": "As published (each partner pays its own costs)",
    "pro_rata": "Pro rata to benefit (partners pay in proportion to what they save)",
    "pooled": "Pooled budget (shares the board sets)",
    "pbr": "Payment by results (a share up front, the rest per avoided episode)",
}
IDENTICAL = "none: the same in every iteration"


def interval(lo: float, hi: float) -> str:
    return "-" if lo == hi else f"{gbp(lo)} to {gbp(hi)}"


def strand_label(name: str) -> str:
    label = STRAND_LABELS.get(name, name.replace("_", " "))
    return label[:1].upper() + label[1:]


def who(agency: str) -> str:
    return "Programme" if agency == "total" else agency_label(agency)


def field_labels(scn: Scenario) -> dict[str, str]:
    """Plain labels for the scenario's editable fields, keyed by their dotted path."""
    out = {}
    for f in edit.editable(scn):
        group = "Unit costs" if f.group == "unit_costs" else strand_label(f.group)
        out[".".join(map(str, f.path))] = f"{group}: {f.label}"
    return out


def field_label(scn: Scenario, path: str) -> str:
    """`strands.njp.groups.all.reoffend_with` -> `Neighbourhood Justice Panels: reoffending
    with`; a field the editor does not list reads as words."""
    known = field_labels(scn)
    if path in known:
        return known[path]
    parts = path.split(".")
    if parts[0] == "strands" and len(parts) > 2:
        rest = [p for p in parts[2:] if p not in ("groups", "all")]
        return f"{strand_label(parts[1])}: {' '.join(rest).replace('_', ' ')}"
    return path.replace(".", ": ").replace("_", " ")


def describe_edits(base: Scenario, edits: Mapping[edit.Path, float | str]) -> list[str]:
    """Each edit in words: `Neighbourhood Justice Panels: cohort (people a year) 300 (was 190)`."""
    fields = {f.path: f for f in edit.editable(base)}
    labels = field_labels(base)
    out = []
    for path, new in edits.items():
        f = fields.get(path)
        was = "" if f is None else f" (was {_value(f.kind, f.value)})"
        kind = "count" if f is None else f.kind
        out.append(f"{labels.get('.'.join(map(str, path)), str(path))} {_value(kind, new)}{was}")
    return out


def _value(kind: str, v: float | str) -> str:
    if isinstance(v, str):
        return v
    if kind == "money":
        return gbp(float(v))
    if kind == "probability":
        return f"{float(v):.1%}"
    return f"{float(v):,.0f}" if float(v).is_integer() else f"{float(v):,.2f}"


def edited(base: Scenario, scn: Scenario, edits: Mapping[edit.Path, float | str]) -> Scenario:
    """The edited scenario named and described as edited (the base's description, which may
    say it reproduces the OBC, no longer holds)."""
    if not edits:
        return scn
    words = "; ".join(describe_edits(base, edits))
    return scn.model_copy(
        update={
            "name": f"{base.name}, edited",
            "description": f"Edited in the obcsim app from '{base.name}': {words}.",
        }
    )


def provenance(
    scn: Scenario, edits: list[str], seed: int, runs: int, engine: str
) -> dict[str, str]:
    """Where a download's figures come from, as text cells."""
    return {
        "scenario": scn.name,
        "edits": "; ".join(edits) or "none",
        "seed": str(seed),
        "iterations": f"{runs}",
        "engine": engine,
    }


def tables_csv(table: pd.DataFrame, about: Mapping[str, str]) -> bytes:
    """The board table as CSV, each row carrying the scenario, edits, seed and iterations."""
    return table.assign(**dict(about)).to_csv(index=False).encode()


def tables_xlsx(table: pd.DataFrame, about: Mapping[str, str]) -> bytes:
    """The board table's workbook with an 'About' sheet first: scenario, edits, seed, runs."""
    sheets = {"About": pd.DataFrame({"": list(about), "value": list(about.values())})}
    return report.xlsx_bytes(sheets | report.board_sheets(table))


def compare_display(diff: pd.DataFrame) -> pd.DataFrame:
    """`ledger.compare` for people. An agency the change does not reach (the same in every
    iteration, by common random numbers) shows a difference of £0 and no interval or
    probability."""
    same = diff.identical.to_numpy() if "identical" in diff else [False] * len(diff)
    return pd.DataFrame(
        {
            "agency": [who(a) for a in diff.agency],
            "this case": [gbp(v) for v in diff.mean_a],
            "comparison": [gbp(v) for v in diff.mean_b],
            "difference": [
                "£0" if s else gbp(v) for s, v in zip(same, diff.difference, strict=True)
            ],
            "difference 90% interval": [
                IDENTICAL if s else interval(lo, hi)
                for s, lo, hi in zip(same, diff.p05, diff.p95, strict=True)
            ],
            "P(this case better)": [
                "-" if s else pct(p) for s, p in zip(same, diff.p_a_better, strict=True)
            ],
        }
    )


def strand_chances(summary: pd.DataFrame) -> pd.DataFrame:
    """Per strand and the programme: mean annual impact, its 90% interval and P(ahead)."""
    rows = summary[(summary.agency == "total") & (summary.measure == "annual_impact")]
    return pd.DataFrame(
        {
            "strand": ["The programme" if s == "all" else strand_label(s) for s in rows.strand],
            "annual impact: mean": [gbp(v) for v in rows["mean"]],
            "90% interval": [interval(lo, hi) for lo, hi in zip(rows.p05, rows.p95, strict=True)],
            "P(comes out ahead)": [pct(p) for p in rows.p_positive],
        }
    )


def evaluation_parameters(scn: Scenario, params: pd.DataFrame) -> pd.DataFrame:
    """The recalibrated assumptions in words, probabilities as percentages."""

    def value(kind: str, x: float) -> str:
        return f"{x:.1%}" if kind == "beta" else f"{x:,.1f}"

    rows = []
    for r in params.to_dict("records"):
        k = str(r.get("kind", "beta"))
        rows.append(
            {
                "assumption": r.get("label") or field_label(scn, str(r["field"])),
                "before (prior): mean": value(k, r["prior_mean"]),
                "before: 90% interval": f"{value(k, r['prior_p05'])} to {value(k, r['prior_p95'])}",
                "after (posterior): mean": value(k, r["posterior_mean"]),
                "after: 90% interval": (
                    f"{value(k, r['posterior_p05'])} to {value(k, r['posterior_p95'])}"
                ),
                "people observed": f"{int(r['n']):,}",
                "events observed": f"{int(r['events']):,}",
                "what the prior rests on": r.get("prior_note") or "",
            }
        )
    return pd.DataFrame(rows)


def evaluation_effects(effects: list[dict[str, Any]]) -> pd.DataFrame:
    """The effect against the comparison group, in percentage points."""
    return pd.DataFrame(
        {
            "strand": [strand_label(e["strand"]) for e in effects],
            "group": [str(e["group"]) for e in effects],
            "reoffending with minus without: mean": [
                f"{100 * e['difference_mean']:+.1f} points" for e in effects
            ],
            "90% interval": [
                f"{100 * e['difference_p05']:+.1f} to {100 * e['difference_p95']:+.1f} points"
                for e in effects
            ],
            "could there be no effect?": [
                "yes: the interval includes no effect" if e["no_effect_possible"] else "no"
                for e in effects
            ],
        }
    )


def labelled_parameters(scn: Scenario, params: pd.DataFrame) -> pd.DataFrame:
    """`params` with plain labels in `field` (for the prior-posterior chart)."""
    labels = params["label"] if "label" in params else [None] * len(params)
    return params.assign(
        field=[lbl or field_label(scn, str(f)) for f, lbl in zip(params.field, labels, strict=True)]
    )


def programme_headline(position: Position) -> dict[str, str]:
    """The funding page's headline: the programme's NPV, its interval, P(NPV > 0), BCR."""
    p = position.programme
    bcr = p.get("bcr")
    return {
        f"NPV, {p['years']} years (mean)": gbp(float(p["npv"])),
        "90% interval": interval(float(p["npv_p05"]), float(p["npv_p95"])),
        "P(NPV above zero)": pct(float(p["p_npv_positive"])),
        "Benefit-cost ratio": "-" if bcr is None or pd.isna(bcr) else f"{float(bcr):.2f}",
    }


def _money_columns(t: pd.DataFrame) -> dict[str, list[str]]:
    """What a row of a `Position` frame pays, gains and nets, written for people."""
    return {
        "pays": [gbp(v) for v in t.contribution],
        "gains": [gbp(v) for v in t.benefit],
        "of which cashable": [gbp(v) for v in t.cashable],
        "net position": [gbp(v) for v in t.net],
        "net: 90% interval": [
            interval(lo, hi) for lo, hi in zip(t.net_p05, t.net_p95, strict=True)
        ],
        "P(worse off)": [pct(p) for p in t.p_worse_off],
    }


def partners_display(position: Position) -> pd.DataFrame:
    """Who pays and who gains over the horizon (present values), one row per agency."""
    t = position.partners
    return pd.DataFrame(
        {
            "agency": [who(a) for a in t.agency],
            "partner": ["yes" if p else "" for p in t.partner],
            **_money_columns(t),
        }
    )


def years_display(position: Position, agency: str) -> pd.DataFrame:
    """One agency's position year by year (undiscounted), and over the horizon (PV)."""
    t = position.years[position.years.agency == agency]
    pv = position.partners[position.partners.agency == agency]
    both = pd.concat([t, pv.drop(columns="partner")], ignore_index=True)
    return pd.DataFrame(
        {
            "year": [
                "all years (present value)" if y == ALL_YEARS else f"year {y}" for y in both.year
            ],
            **_money_columns(both),
        }
    )


def funding_csv(position: Position, about: Mapping[str, str]) -> bytes:
    """Every agency and year of the funding position, with where it came from."""
    frame = pd.concat([position.years, position.partners.drop(columns="partner")])
    buf = io.StringIO()
    frame.assign(model=position.model, **dict(about)).to_csv(buf, index=False)
    return buf.getvalue().encode()
