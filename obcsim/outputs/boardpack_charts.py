"""The board pack's charts: Altair specs from the pack's figures, drawn to PNG by vl-convert.

They draw what `figures` holds and compute nothing: the programme a year, each agency's net
position with its interval, each partner's probability of ending up worse off (with the number
on each bar), and what drives the programme's NPV. Money on the axes reads £1,234 with losses
in brackets (d3's en-GB locale).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from obcsim.accounts.money import pct
from obcsim.outputs.charts import GBP

MONEY = GBP  # vl-convert draws these in the en-GB locale: £1,234, (£1,234)
WIDTH = 520
GREEN, RED, GREY, BLUE = "#2b8a3e", "#c92a2a", "#868e96", "#1c5d99"
FONT = "Liberation Sans"
# £1,234k axis labels for wide ranges: "(£700k)" for losses
THOUSANDS = (
    "datum.value == 0 ? '£0' : datum.value < 0 ? '(£' + format(-datum.value / 1000, ',.0f') + 'k)' "
    ": '£' + format(datum.value / 1000, ',.0f') + 'k'"
)
LEGEND = ("gross saving", "costs", "cumulative net (discounted)")


def years(f: dict[str, Any]) -> alt.LayerChart:
    """Savings and costs a year as bars; the cumulative discounted net as a line."""
    rows = []
    for r in f["years"]:
        rows += [
            {"year": r["year"], "what": "gross saving", "value": r["gross_saving"]},
            {"year": r["year"], "what": "costs", "value": r["costs"]},
        ]
    bars = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar(opacity=0.8)
        .encode(
            x=alt.X("year:O", title="programme year", axis=alt.Axis(labelAngle=0)),
            xOffset="what:N",
            y=alt.Y(
                "value:Q", title="£ (bars: a year; line: to date)", axis=alt.Axis(format=MONEY)
            ),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=[*LEGEND], range=[GREEN, RED, BLUE]),
                legend=alt.Legend(orient="top"),
            ),
        )
    )
    line = (
        alt.Chart(pd.DataFrame(f["years"]))
        .mark_line(point=True)
        .encode(x="year:O", y=alt.Y("cumulative_discounted_net:Q"), color=alt.datum(LEGEND[2]))
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=GREY).encode(y="y:Q")
    return (bars + line + zero).properties(width=WIDTH, height=200)


def net_positions(f: dict[str, Any]) -> alt.LayerChart:
    """Each agency's net position under the chosen model, with its 90% interval."""
    data = pd.DataFrame(
        [r for r in f["who_pays"] if r["agency"] not in ("partners", "total")]
    ).assign(ahead=lambda d: d.net >= 0)
    base = alt.Chart(data).encode(y=alt.Y("label:N", sort=None, title=None))
    bars = base.mark_bar(opacity=0.85).encode(
        x=alt.X("net:Q", title="net position (present value)", axis=alt.Axis(labelExpr=THOUSANDS)),
        color=alt.Color(
            "ahead:N", scale=alt.Scale(domain=[True, False], range=[GREEN, RED]), legend=None
        ),
    )
    whiskers = base.mark_rule(color="#222").encode(x="net_p05:Q", x2="net_p95:Q")
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=GREY).encode(x="x:Q")
    return (bars + whiskers + zero).properties(width=WIDTH, height=24 * len(data) + 20)


def p_worse_off(f: dict[str, Any]) -> alt.LayerChart:
    """Each paying partner's probability of ending up worse off, the number on each bar."""
    rows = [
        r
        for r in f["who_pays"]
        if r.get("p_worse_off") is not None
        and r["agency"] not in ("total", "partners")
        and r["contribution"] > 0
    ]
    data = pd.DataFrame(rows or [{"label": "(no partner pays)", "p_worse_off": 0.0}])
    data = data.assign(text=[pct(p) for p in data.p_worse_off])  # as the tables write it
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=None, title=None),
        x=alt.X(
            "p_worse_off:Q",
            title="probability of ending up worse off",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "p_worse_off:Q",
            scale=alt.Scale(scheme="redyellowgreen", reverse=True, domain=[0, 1]),
            legend=None,
        )
    )
    text = base.mark_text(align="left", dx=4).encode(text="text:N")
    half = alt.Chart(pd.DataFrame({"x": [0.5]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return (bars + text + half).properties(width=WIDTH, height=26 * len(data) + 20)


def drivers(f: dict[str, Any]) -> alt.LayerChart:
    """One-way swings of the programme's NPV: a bar from the NPV at each input's 5th
    percentile to its 95th, the largest first, around the NPV with every input at its mean."""
    data = pd.DataFrame(f["drivers"]["tornado"])
    data = data.assign(
        lo=data[["at_low", "at_high"]].min(axis=1), hi=data[["at_low", "at_high"]].max(axis=1)
    )
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=360))
    )
    bars = base.mark_bar(color=BLUE, opacity=0.8).encode(
        x=alt.X(
            "lo:Q",
            title="programme net present value",
            axis=alt.Axis(labelExpr=THOUSANDS),
            scale=alt.Scale(zero=False),
        ),
        x2="hi:Q",
    )
    centre = float(data.base.iloc[0]) if len(data) else 0.0
    mid = alt.Chart(pd.DataFrame({"x": [centre]})).mark_rule(color="#222").encode(x="x:Q")
    return (bars + mid).properties(width=WIDTH - 120, height=26 * len(data) + 20)


CHARTS = {
    "years": years,
    "net_positions": net_positions,
    "p_worse_off": p_worse_off,
    "drivers": drivers,
}


def spec(name: str, f: dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite spec of one chart, with the pack's font."""
    chart = CHARTS[name](f).configure(font=FONT, background="white").configure_view(stroke=None)
    return chart.to_dict()


def render(f: dict[str, Any], scale: float = 2.0) -> dict[str, bytes]:
    """Every chart the figures allow, as PNG bytes (`scale` x 72 pixels an inch)."""
    import vl_convert as vlc

    out = {}
    for name in CHARTS:
        if name == "drivers" and not f["drivers"]["tornado"]:
            continue
        out[name] = vlc.vegalite_to_png(spec(name, f), scale=scale, format_locale="en-GB")
    return out
