"""Altair chart builders: a tidy DataFrame in, a chart out. Shared by the app and notebooks.

They draw; they compute nothing of their own beyond binning for a histogram. Frames come from
`ledger.summary(draws)` (strand, agency, measure, mean, sd, p05, p50, p95, p_positive),
`ledger.draw_frame(draws)` (iteration, strand, agency, measures) or `ledger.compare`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from obcsim.accounts.money import STRAND_LABELS, agency_label, pct

# Money as the tables write it, £1,234 and (£1,234), in d3's en-GB number locale: `LOCALE`, as
# Vega's `config.locale`, which the app sets (without it "$" is the dollar).
GBP = "($,.0f"
LOCALE = {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["£", ""]}}
AGENCY = "Agency"


def _thousands(x: float) -> str:
    k = round(x / 1000)
    return f"(£{-k:,}k)" if k < 0 else f"£{k:,}k"


def _agencies(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(Agency=[agency_label(a) for a in frame.agency])


def impact_distribution(
    frame: pd.DataFrame, measure: str = "annual_impact", bins: int = 80
) -> alt.Chart:
    """Histogram of the programme's annual impact for each agency, on bins shared by all
    agencies so that widths compare: who gains, who pays."""
    programme = frame[frame.strand == "all"]
    values = programme[measure].to_numpy(float)
    lo, hi = float(values.min()), float(values.max())
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    rows = []
    for agency, block in programme.groupby("agency", sort=False):
        counts, _ = np.histogram(block[measure].to_numpy(float), bins=edges)
        share = counts / counts.sum()
        rows += [
            {"agency": agency, "from": a, "to": b, "share": c}
            for c, a, b in zip(share, edges[:-1], edges[1:], strict=True)
            if c > 0
        ]
    data = _agencies(pd.DataFrame(rows))
    order = [agency_label(a) for a in dict.fromkeys(data.agency)]
    bars = (
        alt.Chart(data)
        .mark_rect(opacity=0.85)
        .encode(
            x=alt.X("from:Q", title="annual impact (GBP a year)", axis=alt.Axis(format=GBP)),
            x2="to:Q",
            y=alt.Y("share:Q", title="share of runs", axis=alt.Axis(format=".0%", tickCount=3)),
            y2=alt.datum(0),
            color=alt.condition(alt.datum["from"] >= 0, alt.value("#2b8a3e"), alt.value("#c92a2a")),
            tooltip=[
                AGENCY,
                alt.Tooltip("from:Q", format=GBP),
                alt.Tooltip("to:Q", format=GBP),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
    )
    return (
        bars.properties(height=90, width=560)
        .facet(row=alt.Row(f"{AGENCY}:N", sort=order, title=None))
        .resolve_scale(y="independent")
    )


def p_positive(summary: pd.DataFrame, measure: str = "annual_impact") -> alt.Chart:
    """Probability that each agency, and the programme, comes out ahead."""
    data = _agencies(summary[(summary.strand == "all") & (summary.measure == measure)])
    data = data.assign(
        Agency=[
            ("Programme" if a == "total" else lbl)
            for a, lbl in zip(data.agency, data.Agency, strict=True)
        ]
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "p_positive:Q",
                title="P(annual impact > 0)",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y(f"{AGENCY}:N", sort=None, title=None),
            color=alt.Color(
                "p_positive:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]), legend=None
            ),
            tooltip=[AGENCY, alt.Tooltip("p_positive:Q", format=".1%", title="P(ahead)")],
        )
    )
    half = alt.Chart(pd.DataFrame({"x": [0.5]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return (bars + half).properties(height=220, width=560)


def heatmap(summary: pd.DataFrame, measure: str = "annual_impact") -> alt.Chart:
    """Mean impact by strand and agency: where the money lands."""
    data = _agencies(summary[summary.measure == measure])
    data = data.assign(
        Strand=[STRAND_LABELS.get(s, s) for s in data.strand],
        label=[_thousands(m) for m in data["mean"]],
    )
    top = float(np.abs(data["mean"]).max()) or 1.0
    base = alt.Chart(data).encode(
        x=alt.X(f"{AGENCY}:N", sort=None, title=None),
        y=alt.Y("Strand:N", sort=None, title=None, axis=alt.Axis(labelLimit=240)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "mean:Q", title="mean (GBP)", scale=alt.Scale(scheme="redblue", domain=[-top, top])
        ),
        tooltip=[
            "Strand",
            AGENCY,
            alt.Tooltip("mean:Q", format=GBP),
            alt.Tooltip("p05:Q", format=GBP),
            alt.Tooltip("p95:Q", format=GBP),
        ],
    )
    return (cells + base.mark_text(fontSize=11).encode(text="label:N")).properties(
        height=220, width=560
    )


def savings_vs_costs(summary: pd.DataFrame) -> alt.Chart:
    """Per agency: mean gross saving against operating and set-up costs, with 90% intervals."""
    measures = {
        "gross_saving": "gross saving",
        "operating_cost": "operating cost",
        "setup_cost": "set-up cost",
    }
    data = _agencies(
        summary[
            (summary.strand == "all")
            & summary.measure.isin(list(measures))
            & (summary.agency != "total")
        ]
    )
    data = data.assign(Measure=data.measure.map(measures))
    base = alt.Chart(data).encode(
        y=alt.Y(f"{AGENCY}:N", sort=None, title=None), yOffset=alt.YOffset("Measure:N")
    )
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", title="GBP a year (costs negative)", axis=alt.Axis(format=GBP)),
        color=alt.Color(
            "Measure:N",
            scale=alt.Scale(
                domain=list(measures.values()), range=["#2b8a3e", "#c92a2a", "#e67700"]
            ),
        ),
        tooltip=[
            AGENCY,
            "Measure",
            alt.Tooltip("mean:Q", format=GBP),
            alt.Tooltip("p05:Q", format=GBP),
            alt.Tooltip("p95:Q", format=GBP),
        ],
    )
    whiskers = base.mark_rule().encode(x="p05:Q", x2="p95:Q")
    return (bars + whiskers).properties(height=320, width=560)


def difference(diff: pd.DataFrame, label_a: str, label_b: str) -> alt.Chart:
    """`ledger.compare` as points with 90% intervals: who gains or loses from the change."""
    data = _agencies(diff)
    data = data.assign(
        Agency=[
            ("Programme" if a == "total" else lbl)
            for a, lbl in zip(data.agency, data.Agency, strict=True)
        ]
    )
    base = alt.Chart(data).encode(y=alt.Y(f"{AGENCY}:N", sort=None, title=None))
    title = f"annual impact: {label_a} minus {label_b} (GBP a year)"
    points = base.mark_point(filled=True, size=80).encode(
        x=alt.X("difference:Q", title=title, axis=alt.Axis(format=GBP)),
        tooltip=[
            AGENCY,
            alt.Tooltip("difference:Q", format=GBP),
            alt.Tooltip("p05:Q", format=GBP),
            alt.Tooltip("p95:Q", format=GBP),
        ],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return (base.mark_rule().encode(x="p05:Q", x2="p95:Q") + points + zero).properties(
        height=220, width=560
    )


def prior_posterior(parameters: pd.DataFrame) -> alt.Chart:
    """Each recalibrated parameter: prior and posterior means with their 90% intervals."""
    rows = []
    for r in parameters.to_dict("records"):
        for which in ("prior", "posterior"):
            rows.append(
                {
                    "parameter": r["field"].removeprefix("strands."),
                    "which": which,
                    "mean": r[f"{which}_mean"],
                    "p05": r[f"{which}_p05"],
                    "p95": r[f"{which}_p95"],
                }
            )
    data = pd.DataFrame(rows)
    bounds = data[["p05", "p95"]]
    chances = bool(((bounds >= 0) & (bounds <= 1)).all(axis=None))  # rates: as percentages
    number = ".1%" if chances else ".3f"
    base = alt.Chart(data).encode(
        y=alt.Y("parameter:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("which:N"),
        color=alt.Color(
            "which:N",
            title=None,
            scale=alt.Scale(domain=["prior", "posterior"], range=["#868e96", "#1971c2"]),
        ),
    )
    tips = [
        "parameter",
        "which",
        alt.Tooltip("mean:Q", format=number),
        alt.Tooltip("p05:Q", format=number),
        alt.Tooltip("p95:Q", format=number),
    ]
    axis = alt.Axis(format="%" if chances else "~g")
    rules = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("p05:Q", title="value (90% interval)", axis=axis), x2="p95:Q", tooltip=tips
    )
    return (
        rules + base.mark_point(filled=True, size=60).encode(x="mean:Q", tooltip=tips)
    ).properties(height=max(120, 36 * len(parameters)), width=560)


def chances(table: pd.DataFrame) -> alt.Chart:
    """P(comes out ahead) for each outcome of a sensitivity report (`howsure.how_sure_frame`:
    outcome, p_ahead), with the percentage written on each bar."""
    data = table[["outcome", "p_ahead"]].assign(
        text=[pct(p) for p in table["p_ahead"]], ahead=table["p_ahead"] >= 0.5
    )
    base = alt.Chart(data).encode(
        y=alt.Y("outcome:N", sort=list(data["outcome"]), title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(
            "p_ahead:Q",
            title="P(comes out ahead)",
            scale=alt.Scale(domain=[0, 1.1], nice=False),  # room for the 100% label
            axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1]),
        ),
        tooltip=[alt.Tooltip("outcome:N"), alt.Tooltip("p_ahead:Q", format=".1%")],
    )
    bars = base.mark_bar().encode(
        color=alt.condition(alt.datum.ahead, alt.value("#2b8a3e"), alt.value("#c92a2a"))
    )
    text = base.mark_text(align="left", dx=4).encode(text="text:N")
    return (bars + text).properties(width=520, height=alt.Step(22))


def tornado(frame: pd.DataFrame, base: float, top: int = 12) -> alt.Chart:
    """One-way sensitivity (`howsure.drivers_frame`): each input's NPV range from its 5th to
    its 95th percentile, largest first, about the NPV with every input at its mean."""
    data = frame.head(top).assign(
        low=lambda f: f[["npv_at_low", "npv_at_high"]].min(axis=1),
        high=lambda f: f[["npv_at_low", "npv_at_high"]].max(axis=1),
    )
    order = list(data["input"])
    bars = (
        alt.Chart(data)
        .mark_bar(color="#4c6ef5")
        .encode(
            y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=440)),
            x=alt.X(
                "low:Q",
                title="NPV (GBP), input at its 5th to 95th percentile",
                axis=alt.Axis(format=GBP),
            ),
            x2="high:Q",
            tooltip=[
                alt.Tooltip("input:N"),
                alt.Tooltip("npv_at_low:Q", title="NPV at 5th percentile", format=GBP),
                alt.Tooltip("npv_at_high:Q", title="NPV at 95th percentile", format=GBP),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [base]})).mark_rule(color="black").encode(x="x:Q")
    return (bars + rule).properties(width=480, height=alt.Step(22))
