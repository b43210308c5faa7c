"""The board app's charts that carry their numbers: probability bars labelled with their
percentage (per agency and per strand), and who pays against who gains under a funding model.
Built with Altair from obcsim results; nothing here computes a figure."""

from __future__ import annotations

import altair as alt
import pandas as pd

from obcsim.accounts.funding_choice import Position
from obcsim.outputs.boardview import pct, strand_label, who
from obcsim.outputs.charts import GBP


def _labelled_bars(data: pd.DataFrame, title: str) -> alt.LayerChart:
    """Horizontal bars of `p` by `name`, each with its percentage written at its end."""
    data = data.assign(text=[pct(p) for p in data.p])
    base = alt.Chart(data).encode(
        y=alt.Y("name:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("p:Q", title=title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "p:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]), legend=None
        ),
        tooltip=[alt.Tooltip("name:N", title="who"), alt.Tooltip("text:N", title="chance")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(text="text:N")
    half = alt.Chart(pd.DataFrame({"x": [0.5]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return (bars + text + half).properties(height=34 * len(data) + 20, width=560)


def p_positive(summary: pd.DataFrame, measure: str = "annual_impact") -> alt.LayerChart:
    """P(each agency, and the programme, comes out ahead), its number on each bar."""
    rows = summary[(summary.strand == "all") & (summary.measure == measure)]
    data = pd.DataFrame({"name": [who(a) for a in rows.agency], "p": rows.p_positive.to_numpy()})
    return _labelled_bars(data, "chance the annual impact is above zero")


def strand_p_positive(summary: pd.DataFrame) -> alt.LayerChart:
    """P(each strand, and the programme, comes out ahead), its number on each bar."""
    rows = summary[(summary.agency == "total") & (summary.measure == "annual_impact")]
    names = ["The programme" if s == "all" else strand_label(s) for s in rows.strand]
    data = pd.DataFrame({"name": names, "p": rows.p_positive.to_numpy()})
    return _labelled_bars(data, "chance the strand's annual impact is above zero")


def who_pays(position: Position) -> alt.Chart:
    """Per agency (present values over the horizon): what it pays against what it gains,
    split into cashable and not; the net position with its 90% interval beside it."""
    t = position.partners[position.partners.agency != "total"]
    rows = []
    for r in t.to_dict("records"):
        name = who(str(r["agency"]))
        rows += [
            {"agency": name, "what": "pays", "GBP": -float(r["contribution"])},
            {"agency": name, "what": "gains: cashable", "GBP": float(r["cashable"])},
            {"agency": name, "what": "gains: not cashable", "GBP": float(r["non_cashable"])},
        ]
    data = pd.DataFrame(rows)
    order = ["pays", "gains: cashable", "gains: not cashable"]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("agency:N", sort=None, title=None),
            x=alt.X(
                "sum(GBP):Q",
                title="present value (GBP; paying shown left)",
                axis=alt.Axis(format=GBP),
            ),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=order, range=["#c92a2a", "#2b8a3e", "#8ce99a"]),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("what:N"),
            tooltip=["agency:N", "what:N", alt.Tooltip("GBP:Q", format=GBP)],
        )
    )
    net = pd.DataFrame(
        {
            "agency": [who(str(a)) for a in t.agency],
            "net": t.net.to_numpy(),
            "lo": t.net_p05.to_numpy(),
            "hi": t.net_p95.to_numpy(),
        }
    )
    base = alt.Chart(net).encode(y=alt.Y("agency:N", sort=None, title=None))
    points = base.mark_point(shape="diamond", filled=True, size=90, color="black").encode(
        x="net:Q",
        tooltip=[
            "agency:N",
            alt.Tooltip("net:Q", format=GBP, title="net position"),
            alt.Tooltip("lo:Q", format=GBP, title="5%"),
            alt.Tooltip("hi:Q", format=GBP, title="95%"),
        ],
    )
    whiskers = base.mark_rule(color="black").encode(x="lo:Q", x2="hi:Q")
    return (bars + whiskers + points).properties(height=40 * len(t) + 20, width=620)
