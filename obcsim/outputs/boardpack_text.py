"""The board pack's words: its sections as blocks, in the form of the partnership's papers.

Summary and purpose, decision requested, the financial case per partner, who pays under the
chosen model, risks with their probabilities, what drives the answer, the evaluation plan, and
how the figures were produced (blocks: `boardpack_blocks`). The PDF and Word writers lay the
blocks out and add nothing; every number in them is formatted here from `figures`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from obcsim.accounts.money import agency_label, gbp
from obcsim.outputs.boardpack_blocks import (
    BOARD,
    CONTACT,
    MODEL_WORDS,
    SHARED,
    Block,
    case_line,
    chart,
    heading,
    items,
    listed,
    para,
    paying,
    pct,
    people,
    span,
    table,
)


def summary(f: dict[str, Any]) -> list[Block]:
    t, p = f["traceability"], f["programme"]
    base = f["drivers"]["gap"]["base_case"]
    years = t["settings"]["years"]
    strands = listed([s["label"] for s in f["strands"]])
    return [
        heading("1. Summary and purpose of report"),
        para(
            f"This report asks the Board to decide who pays for the programme ({strands}) and "
            f"on what terms. It sets out the financial case for each partner over {years} "
            f"years, who pays under the {f['funding_model'].replace('_', ' ')} funding model, "
            "how likely each partner is to end up worse off, what drives the answer, and how "
            "the programme will be evaluated."
        ),
        para(
            f"Over {years} years the programme's expected net present value is "
            f"{gbp(p['npv'])} (90% interval {span(p['npv_p05'], p['npv_p95'])}): benefits of "
            f"{gbp(p['pv_benefits'])} against costs of {gbp(p['pv_costs'])}. The chance that it "
            f"comes out ahead is {pct(p['p_npv_positive'])}. The point estimates (the base case) "
            f"give {gbp(base)}, {'more' if base > p['npv'] else 'less'} than the expected "
            "value over the evidence (section 6)."
        ),
        para(
            f"Figures are in {f['price_year']} prices, from {t['runs']:,} Monte Carlo runs "
            f"(seed {t['seed']}); section 8 lists every setting that produced them."
        ),
    ]


def decision(f: dict[str, Any]) -> list[Block]:
    p, t = f["programme"], f["traceability"]
    strands = listed([s["label"] for s in f["strands"]])
    exposed = [r for r in paying(f) if r["p_worse_off"] > 0.5]
    model = MODEL_WORDS[f["funding_model"]]
    verb = "agree" if p["p_npv_positive"] >= 0.5 else "consider whether"
    recs = [
        f"That the Board note the programme's expected net present value of {gbp(p['npv'])} over "
        f"{t['settings']['years']} years (90% interval {span(p['npv_p05'], p['npv_p95'])}), and a "
        f"{pct(p['p_npv_positive'])} chance that it comes out ahead.",
        f"That the Board {verb} to fund {strands}, with the costs shared "
        f"{SHARED.get(f['funding_model'], '')}{model}.",
    ]
    if exposed:
        names = listed([f"{r['label']} ({pct(r['p_worse_off'])})" for r in exposed])
        are = "is" if len(exposed) == 1 else "are"
        recs.append(
            f"That the Board note that under this model {names} {are} more likely than not to end "
            "up worse off, and agree how that will be reviewed at the year-1 evaluation."
        )
    else:
        recs.append(
            "That the Board note that under this model no paying partner is more likely than "
            "not to end up worse off (section 5)."
        )
    weak = [s for s in f["strands"] if s["p_ahead"] < 0.5]
    if weak and len(f["strands"]) > 1:
        names = listed([f"{s['label']} ({pct(s['p_ahead'])})" for s in weak])
        recs.append(
            f"That the Board note that on its own {names} "
            f"{'is' if len(weak) == 1 else 'are'} more likely than not to cost more than "
            "it saves (its chance of coming out ahead in brackets; section 5)."
        )
    evidence = f["drivers"]["evidence"]
    if evidence:
        worth = "; ".join(f"{e['phrase']} (worth up to {gbp(e['evppi'])})" for e in evidence[:3])
        recs.append(
            "That the Board ask the evaluation to resolve first the evidence worth most to its "
            f"decision: {worth}; perfect information on everything would be worth "
            f"{gbp(evidence[0]['evpi'])} (section 6)."
        )
    e = f["evaluation"]
    done = sum(s["complete_by_window_end"] for s in e["strands"])
    if done < e["jdl_minimum"]:
        recs.append(
            f"That the Board note that the year-1 evaluation ({e['year_one_evaluation']}) will "
            f"have {done:,.0f} complete reoffending outcomes, too few to measure the effect, and "
            "agree to judge it on activity and costs, and on reoffending when enough outcomes "
            "are complete (section 7)."
        )
    return [heading("2. Decision requested"), para("The Board is asked:"), items(recs, True)]


def financial_case(f: dict[str, Any]) -> list[Block]:
    years = f["traceability"]["settings"]["years"]
    named = [(agency_label(a["agency"]), a) for a in f["agencies"]]
    rows = [
        [
            label,
            *(gbp(v) for v in (a["pv_benefits"], -a["pv_costs"], a["npv"])),
            span(a["npv_p05"], a["npv_p95"]),
            pct(a["p_npv_positive"]),
        ]
        for label, a in [*named, ("Programme", f["programme"])]
    ]
    cols = ["Agency", "Benefits", "Costs", "Net present value", "90% interval", "P(ahead)"]
    return [
        heading("3. The financial case per partner"),
        para(
            f"Present values over {years} years, with each agency paying the costs the scenario "
            "puts on it. Benefits are the avoided costs of reoffending that fall to each agency; "
            "not all of them can be taken as cash (section 4)."
        ),
        table("financial_case", cols, rows, bold=[len(rows) - 1], widths=[12, 10, 10, 11, 20, 8]),
        chart("years", "The programme a year: savings, costs and the cumulative discounted net"),
    ]


def who_pays(f: dict[str, Any]) -> list[Block]:
    model = f["funding_model"]
    rows: list[list[str]] = []
    bold: list[int] = []
    for r in f["who_pays"]:
        if r["agency"] in ("partners", "total"):
            bold.append(len(rows))
        rows.append(
            [
                r["label"],
                gbp(-r["contribution"]),
                gbp(r["benefit"]),
                gbp(r["cashable"]) if "cashable" in r else "-",
                gbp(r["net"]),
                span(r["net_p05"], r["net_p95"]) if r.get("net_p05") is not None else "-",
                pct(r.get("p_worse_off")),
            ]
        )
    cols = ["Agency", "Pays", "Benefit", "Cashable", "Net position", "90% interval", "P(worse off)"]
    models = sorted({m["model"] for m in f["models"]}, key=list(MODEL_WORDS).index)
    partners = list(dict.fromkeys(m["label"] for m in f["models"]))
    cmp_rows = [
        [label]
        + [
            f"{gbp(m['net'])} ({pct(m['p_worse_off'])})"
            for mdl in models
            for m in f["models"]
            if m["model"] == mdl and m["label"] == label
        ]
        for label in partners
    ]
    cmp_cols = ["Partner", *[m.replace("_", " ") for m in models]]
    return [
        heading("4. Who pays under the chosen model"),
        para(
            f"Funding model: {MODEL_WORDS[model]}. Each agency's net position is its benefit "
            "less what it pays; the net positions add up to the programme's net present value. "
            "'Cashable' is the part of the benefit that can be taken out of a budget, under each "
            "agency's cashability rule (section 8)."
        ),
        table("who_pays", cols, rows, bold=bold, widths=[12, 11, 11, 10, 10, 19, 9]),
        chart("net_positions", "Each agency's net position under the chosen model (90% interval)"),
        para("The same partners under every funding model (net position, P(worse off)):"),
        table("models", cmp_cols, cmp_rows, widths=[8] + [13] * len(models)),
    ]


def risks(f: dict[str, Any]) -> list[Block]:
    p = f["programme"]
    rows = [[r["label"], pct(r["p_worse_off"]), gbp(r["net_p05"])] for r in paying(f)]
    strand_rows = [
        [s["label"], gbp(s["mean"]), span(s["p05"], s["p95"]), pct(s["p_ahead"])]
        for s in f["strands"]
    ]
    return [
        heading("5. Risks and their probabilities"),
        para(
            f"The programme comes out ahead in {pct(p['p_npv_positive'])} of the simulated "
            "futures. For each partner that pays, the chance of ending up worse off under the "
            "chosen model, and its net position in a bad case (the 5th percentile of the "
            "simulated futures):"
        ),
        table("risks", ["Partner", "P(worse off)", "Bad case (5th percentile)"], rows),
        chart("p_worse_off", "Probability each partner ends up worse off"),
        para("Each strand on its own (its savings less its own costs):"),
        table(
            "strands",
            ["Strand", "NPV", "90% interval", "P(ahead)"],
            strand_rows,
            widths=[18, 10, 18, 7],
        ),
    ]


def drivers(f: dict[str, Any]) -> list[Block]:
    d, t = f["drivers"], f["traceability"]
    out = [heading("6. What drives the answer")]
    if not d["tornado"]:
        return [*out, para("No input of this case is uncertain: nothing moves the answer.")]
    first = d["tornado"][0]
    lo, hi = sorted((first["at_low"], first["at_high"]))
    mean, npv = gbp(d["gap"]["expected_value"]), gbp(f["programme"]["npv"])
    out.append(
        para(
            f"{d['finding']} Moving one uncertain input at a time across its 90% range, the "
            f"others at their means (expected value {mean}), the one that moves the programme's "
            f"net present value most is {first['label']}: from {gbp(lo)} to {gbp(hi)}. The "
            "expected value here is the net present value with every input at its mean, "
            f"worked out exactly; sections 2 to 5 give the average of {t['runs']:,} simulated "
            f"runs instead ({npv})."
        )
    )
    rows = [
        [r["label"], gbp(r["at_low"]), gbp(r["at_high"]), gbp(r["swing"])] for r in d["tornado"]
    ]
    cols = ["Input", "NPV at its 5th percentile", "NPV at its 95th", "Swing"]
    out += [
        table("drivers", cols, rows, widths=[26, 11, 11, 9]),
        chart("drivers", "What moves the programme's net present value (one way, 90% range)"),
    ]
    if d["sentences"]:
        out += [
            para(
                "What evidence is worth before the decisions are made (the expected value of "
                "partial perfect information, for the programme, each strand and each partner):"
            ),
            items(d["sentences"]),
        ]
    return out


def evaluation(f: dict[str, Any]) -> list[Block]:
    e = f["evaluation"]
    end = dt.date.fromisoformat(e["window_end"])
    by = f"{end.day} {end:%B %Y}"
    rows = [
        [s["label"], s["go_live"], f"{s['people_a_year']:,.0f}",
         f"{s['complete_by_window_end']:,.0f}", people(s["needed"]),
         s["date_enough_complete"] or "never"]
        for s in e["strands"]
    ]  # fmt: skip
    done = sum(s["complete_by_window_end"] for s in e["strands"])
    dates = sorted(s["date_enough_complete"] for s in e["strands"] if s["date_enough_complete"])
    lines = [
        f"The OBC plans monitoring from each strand's go-live and the year-1 evaluation and "
        f"future funding proposals in {e['year_one_evaluation']} ({e['source']}).",
        f"By {by}, {done:,.0f} participants in all have a complete one-year reoffending outcome "
        f"({e['follow_up_days']} days' follow-up, then time to record it): "
        + (
            "the year-1 evaluation can report activity and costs, not yet the effect on "
            "reoffending."
            if done < e["jdl_minimum"]
            else "enough to begin measuring the effect on reoffending."
        ),
    ]
    if dates:
        lines.append(
            "Enough outcomes to detect each strand's expected effect (80% power, and at least "
            f"the Justice Data Lab's {e['jdl_minimum']}) are complete from {dates[0]} to "
            f"{dates[-1]} (table below; obcsim evaluate-plan gives the full plan)."
        )
    lines += [
        "Data each strand needs: people referred and starting, completions, proven reoffending "
        "for them and for a comparison group, and the actual costs by agency. The evaluation "
        "re-runs this case on the outcomes observed (obcsim calibrate) and re-allocates the "
        "costs in proportion to the benefits observed (the OBC's Figure 3).",
    ]
    if e["priorities"]:
        lines.append("Evidence to get first: " + "; ".join(e["priorities"]) + " (section 6).")
    cols = ["Strand", "Go-live", "People a year", f"Outcomes by {by}", "Needed", "Enough from"]
    return [
        heading("7. Evaluation plan"),
        items(lines),
        table(
            "evaluation", cols, rows, align=["left"] + ["right"] * 5, widths=[16, 9, 7, 10, 7, 9]
        ),
    ]


def production(f: dict[str, Any]) -> list[Block]:
    return [
        heading("8. How these figures were produced"),
        para(
            "Every figure in this report comes from the scenario, seed and settings below; "
            "running obcsim boardpack with them reproduces it."
        ),
        table(
            "cover",
            ["Setting", "Value"],
            [[str(a), str(b)] for a, b in f["cover"]],
            align=["left", "left"],
            widths=[1, 3],
        ),
    ]


def blocks(f: dict[str, Any]) -> list[Block]:
    """The report's sections, in the order of the partnership's papers."""
    head = [
        {
            "kind": "masthead",
            "board": BOARD,
            "title": f["title"],
            "lines": [
                ["AGENDA ITEM", "[number]"],
                ["REPORT OF", "[officer and role]"],
                ["DATE", "[date of the meeting]"],
                [
                    "SCENARIO",
                    f"{f['scenario']} (SHA-256 {f['traceability']['scenario_sha256'][:12]}...)",
                ],
                ["CASE", case_line(f)],
            ],
        },
    ]
    body = [summary, decision, financial_case, who_pays, risks, drivers, evaluation, production]
    out = head + [b for part in body for b in part(f)]
    out += [heading("Contact for further information"), para(CONTACT)]
    return out
