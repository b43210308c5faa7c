"""The evaluators' report in Markdown, from `evaluation.evaluate`'s figures: written for a reader
who never saw the code (each section says what its numbers are)."""

from __future__ import annotations

from typing import Any

from obcsim.accounts.money import STRAND_LABELS, agency_label, gbp, pct

WIDTH = 40


def _bar(lo: float, mean: float, hi: float, top: float) -> str:
    cells = ["·"] * WIDTH

    def at(x: float) -> int:
        return min(WIDTH - 1, max(0, round(x / top * (WIDTH - 1))))

    for i in range(at(lo), at(hi) + 1):
        cells[i] = "="
    cells[at(mean)] = "o"
    return "|" + "".join(cells) + "|"


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _pts(x: float) -> str:
    return f"{x * 100:+.1f}"


def _estimate(e: dict[str, Any], name: str) -> str:
    """`name`'s mean [5th, 95th percentile] in percentage points."""
    return f"{_pts(e[f'{name}_mean'])} [{_pts(e[f'{name}_p05'])}, {_pts(e[f'{name}_p95'])}]"


def _worth(p: dict[str, Any]) -> str:
    if p["kind"] == "gamma":
        return f"{p['prior_ess']:.3g} reoffenders"
    return "none (held)" if p["prior_ess"] == float("inf") else f"{p['prior_ess']:.3g} people"


def _parameters(f: dict[str, Any]) -> list[str]:
    out = [
        "## Prior and posterior",
        "",
        "Each prior's worth is its effective sample size: a prior worth 40 people moves the "
        "answer as much as 40 observed people would. Compare it with the data's n.",
        "",
        "| parameter | prior mean [90%] | prior worth | data (n) | posterior mean [90%] | prior |",
        "|---|---|---|---|---|---|",
    ]
    for p in f["parameters"]:
        fmt = _pct if p["kind"] == "beta" else (lambda x: f"{x:.2f}")
        out.append(
            f"| {p['label']} | {fmt(p['prior_mean'])} [{fmt(p['prior_p05'])}, "
            f"{fmt(p['prior_p95'])}] | {_worth(p)} | {p['data']} ({p['n']:,}) | "
            f"{fmt(p['posterior_mean'])} [{fmt(p['posterior_p05'])}, "
            f"{fmt(p['posterior_p95'])}] | {p['prior_note']} |"
        )
    out += ["", "```"]
    for p in f["parameters"]:
        top = 1.0 if p["kind"] == "beta" else max(p["prior_p95"], p["posterior_p95"]) * 1.1
        out.append(p["label"])
        out.append(f"  prior     {_bar(p['prior_p05'], p['prior_mean'], p['prior_p95'], top)}")
        out.append(
            f"  posterior {_bar(p['posterior_p05'], p['posterior_mean'], p['posterior_p95'], top)}"
        )
    out += ["```", "(scale 0 to 100% for rates; o the mean, = the 90% interval)", ""]
    return out


def _effects(f: dict[str, Any]) -> list[str]:
    out = [
        "## The effect against the comparison group",
        "",
        "Differences in one-year proven reoffending, in percentage points (negative: less "
        "reoffending). *Completers* is the model's effect: the with-rate applies only to those "
        "who complete. *Everyone referred* is what an evaluation compares (intention to treat): "
        "the completers' effect diluted by those who do not complete. *Data alone* is the "
        "observed intervention rate minus the comparison rate, with a 90% normal interval and "
        "no prior: where the posterior differs from it, the prior moved it.",
        "",
    ]
    if not f["effects"]:
        return [*out, "No strand has both intervention and comparison data: no effect measured."]
    out += [
        "| strand | group | completers [90%] | everyone referred [90%] | data alone [90%] | flag |",
        "|---|---|---|---|---|---|",
    ]
    for e in f["effects"]:
        flag = "**the interval includes no effect**" if e["no_effect_possible"] else "an effect"
        if e["published_includes_no_effect"]:
            flag += "; **the published interval includes no effect**"
        pub = (
            f" (published {_pts(e['published_interval'][0])} to {_pts(e['published_interval'][1])})"
            if e["published_interval"]
            else ""
        )
        a = e["data_alone"]
        alone = f"{_pts(a[0])} [{_pts(a[1])}, {_pts(a[2])}]{pub}" if a else "-"
        out.append(
            f"| {e['strand_label']} | {e['group']} | {_estimate(e, 'difference')} | "
            f"{_estimate(e, 'itt')} | {alone} | {flag} |"
        )
    return out


def _check(f: dict[str, Any]) -> list[str]:
    rows = f["predictive_check"]
    level = f"{f['predictive_level']:.0%}"
    outside = [r for r in rows if not r["inside"]]
    verdict = (
        f"All {len(rows)} observed counts lie inside their {level} predictive intervals."
        if not outside
        else f"**{len(outside)} of {len(rows)} observed counts lie outside their {level} "
        "predictive intervals** (flagged below): the calibrated model does not reproduce them."
    )
    out = [
        "",
        "## Posterior predictive check",
        "",
        "Each observed group re-simulated 20,000 times from the calibrated scenario (completers "
        "reoffend at the with-rate, the others at the without-rate). " + verdict,
        "",
        f"| strand | group | count | observed | predicted mean | {level} predictive interval | |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        who = r["group"] + (f" ({r['subgroup']})" if r["subgroup"] else "")
        flag = "inside" if r["inside"] else "**outside**"
        out.append(
            f"| {r['strand_label']} | {who} | {r['measure']} | {r['observed']:,} | "
            f"{r['predicted_mean']:,.1f} | {r['low']:,.0f} to {r['high']:,.0f} | {flag} |"
        )
    return out


def _sensitivity(f: dict[str, Any]) -> list[str]:
    out = [
        "",
        "## Prior sensitivity",
        "",
        "The same data under each prior choice: *scenario* (the scenario's distributions as "
        f"stated), *weak* (assumed values worth at most {f['weak_cap']:g} people) and *flat* "
        "(every rate uniform). Effects: completers, percentage points [90%]; the case: "
        "programme annual impact, mean [90% interval], P(> 0).",
        "",
    ]
    first = f["sensitivity"][0]["effects"]
    heads = [f"{e['strand_label']} ({e['group']})" for e in first]
    out += [
        "| prior | " + " | ".join(heads) + " | programme annual impact |",
        "|---|" + "---|" * (len(heads) + 1),
    ]
    for s in f["sensitivity"]:
        cells = [_estimate(e, "difference") for e in s["effects"]]
        c = s["case"]
        case = f"{gbp(c['mean'])} [{gbp(c['p05'])}, {gbp(c['p95'])}], {pct(c['p_positive'])}"
        mark = " (used)" if s["prior"] == f["prior"] else ""
        out.append(f"| {s['prior']}{mark} | " + " | ".join(cells) + f" | {case} |")
    return out


def _costs(f: dict[str, Any]) -> list[str]:
    if not f["costs"]:
        return []
    out = [
        "",
        "## Actual costs (reported, not used to update the scenario)",
        "",
        "| strand | agency | row | observed | a year | scenario operating cost |",
        "|---|---|---|---|---|---|",
    ]
    for c in f["costs"]:
        out.append(
            f"| {STRAND_LABELS.get(c['strand'], c['strand'])} | "
            f"{agency_label(c['agency'])} | {c['row']} | "
            f"{gbp(c['observed'])} | {gbp(c['observed_a_year'])} | "
            f"{gbp(c['scenario_operating'])} |"
        )
    return out


def _case(f: dict[str, Any]) -> list[str]:
    out = [
        "",
        f"## The case re-run ({f['runs']:,} fast-engine iterations, seed {f['seed']})",
        "",
        "Programme annual impact by agency (GBP a year): mean [90% interval], P(> 0).",
        "",
        "| agency | before | after |",
        "|---|---|---|",
    ]
    for c in f["case"]:

        def cell(w: str, c: dict[str, Any] = c) -> str:
            return (
                f"{gbp(c[w + '_mean'])} [{gbp(c[w + '_p05'])}, {gbp(c[w + '_p95'])}], "
                f"{pct(c[w + '_p_positive'])}"
            )

        label = "Programme" if c["agency"] == "total" else agency_label(c["agency"])
        out.append(f"| {label} | {cell('before')} | {cell('after')} |")
    return out


def markdown(f: dict[str, Any]) -> str:
    """The report for people."""
    d = f["data"]
    out = [
        f"# Recalibration of '{f['scenario']}'",
        "",
        f"Data: `{d['file']}` (sha256 `{d['sha256']}`), {d['period']}, {d['rows']} rows.",
        f"Prior: **{f['prior']}** ({f['prior_words']}).",
        f"New scenario: '{f['calibrated_scenario']}'. {f['calibrated_description']}",
        "",
        "How the data are read: the intervention group is everyone who took part, so its "
        "reoffending mixes those who completed (reoffending at the with-rate) and those who did "
        "not (at the without-rate), as the model itself counts them; the comparison group "
        "reoffends at the without-rate. All rates are fitted together.",
        "",
    ]
    out += _parameters(f) + _effects(f) + _check(f) + _sensitivity(f) + _costs(f) + _case(f)
    return "\n".join(out) + "\n"
