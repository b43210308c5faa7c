"""The evaluation plan's chart: participants with a complete one-year outcome over time, per
strand, with the OBC's planned evaluation window shaded. It draws `plan.timeline`'s frame; it
computes nothing."""

from __future__ import annotations

import datetime as dt
from typing import cast

import altair as alt
import pandas as pd

LEGEND = alt.Legend(labelLimit=320)  # the strands' full names


def time_to_evidence(
    timeline: pd.DataFrame, window: tuple[dt.date, dt.date], needed: dict[str, float] | None = None
) -> alt.LayerChart:
    """Lines of participants with a complete outcome by date; the window as a grey band; and,
    if given, each strand's cohort for 80% power as a dashed rule."""
    frame = timeline.assign(date=pd.to_datetime(timeline["date"]))
    lines = (
        alt.Chart(frame)
        .mark_line(point=False)
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y("complete:Q", title="Participants with a complete outcome"),
            color=alt.Color("label:N", title="Strand", legend=LEGEND),
            tooltip=[
                alt.Tooltip("label:N", title="Strand"),
                alt.Tooltip("date:T", title="Date"),
                alt.Tooltip("complete:Q", title="Complete outcomes", format=",d"),
            ],
        )
    )
    band = pd.DataFrame(
        {
            "start": [pd.Timestamp(window[0])],
            "end": [pd.Timestamp(window[1])],
            "what": ["OBC's planned evaluation (Jul-Sep 2014)"],
        }
    )
    shade = (
        alt.Chart(band)
        .mark_rect(opacity=0.2, color="grey")
        .encode(x="start:T", x2="end:T", tooltip=alt.Tooltip("what:N", title="Window"))
    )
    layers: list[alt.Chart] = [shade, lines]
    if needed:
        labels = dict(zip(timeline["strand"], timeline["label"], strict=False))
        rules = pd.DataFrame(
            [{"label": labels.get(s, s), "needed": v} for s, v in needed.items() if v < 1e5]
        )
        if len(rules):
            layers.append(
                alt.Chart(rules)
                .mark_rule(strokeDash=[4, 4])
                .encode(
                    y="needed:Q",
                    color=alt.Color("label:N", title="Strand", legend=LEGEND),
                    tooltip=[
                        alt.Tooltip("label:N", title="Strand"),
                        alt.Tooltip("needed:Q", title="Needed for 80% power", format=",.0f"),
                    ],
                )
            )
    chart = cast(alt.LayerChart, alt.layer(*layers))
    return chart.properties(
        title="Time to evidence: one-year proven reoffending outcomes complete", width=600
    )
