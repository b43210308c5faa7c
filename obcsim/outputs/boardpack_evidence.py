"""The board pack's evidence sections as figures: what drives the answer, and the evaluation plan.

What drives the answer comes from `accounts.drivers` (the engine of `obcsim sensitivity`,
without its Sobol indices): the point estimates against the expected value, the programme's
one-way swings, the evidence worth having for its decision (EVPPI) and the board sentences.
The evaluation plan is the OBC's own (monitoring from go-live, the year-1 evaluation in July to
September 2014) set against the evidence wing's plan: per strand, the outcomes complete by the
end of that window and the outcomes needed to measure the expected effect, and from when.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from obcsim.accounts.years import Settings
from obcsim.case.scenario import Scenario
from obcsim.outputs.boardpack_blocks import strand_label

DRIVERS_RUNS = 5_000  # closed-form draws for the value of information (obcsim sensitivity: 20,000)
MIN_DRIVERS_RUNS, MAX_DRIVERS_RUNS = 1_000, 2_000_000
TORNADO_ROWS = 6


def drivers_note(runs: int, seed: int) -> str:
    return (
        f"{runs:,} draws of the uncertain inputs through the closed form (seed {seed}): one-way "
        "swings and the expected value of partial perfect information (obcsim sensitivity)"
    )


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain JSON values (NaN as None)."""
    out = []
    for row in frame.astype(object).to_dict("records"):
        clean = {}
        for k, v in row.items():
            v = v.item() if hasattr(v, "item") else v
            clean[str(k)] = None if isinstance(v, float) and np.isnan(v) else v
        out.append(clean)
    return out


def drivers_figures(scn: Scenario, settings: Settings, runs: int, seed: int) -> dict[str, Any]:
    """What drives the answer (`accounts.drivers`, without the Sobol indices): the base case
    against the expected value, the programme's one-way swings (largest first), the evidence
    worth having for the programme's decision (EVPPI at least 1% of the EVPI and twice its
    standard error, as the drivers' sentences count it), the top inputs and the sentences."""
    from obcsim.accounts.drivers import drivers, evidence_phrase
    from obcsim.accounts.uncertainty import Evaluator, base_and_expected, inputs

    items = inputs(scn)
    if not items:  # nothing uncertain: the gap only
        gap = records(base_and_expected(Evaluator(scn, settings)))[0]
        return {"gap": gap, "tornado": [], "evidence": [], "top": [], "sentences": [], "runs": 0}
    d = drivers(scn, settings, runs=runs, seed=seed, sobol=False, n_jobs=1)
    gap = next(g for g in records(d.gap) if g["outcome"] == "programme")
    swings = d.tornado[d.tornado.outcome == "programme"].head(TORNADO_ROWS)
    keep = ["label", "input_low", "input_high", "base", "at_low", "at_high", "swing"]
    values = d.evppi[d.evppi.outcome == "programme"]
    real = values[(values.evppi >= 0.01 * values.evpi) & (values.evppi > 2 * values.se)]
    key = {i.group: i.key for i in items}
    evidence = [
        {
            "group": r["group"],
            "phrase": evidence_phrase(key.get(r["group"], ""), r["group"]),
            "evppi": r["evppi"],
            "evpi": r["evpi"],
        }
        for r in records(real)
    ]
    return {
        "gap": gap,
        "finding": d.finding(),
        "tornado": records(swings[keep]),
        "evidence": evidence,
        "top": list(d.top),
        "sentences": list(d.sentences),
        "runs": runs,
    }


def evaluation_figures(scn: Scenario, top: list[str]) -> dict[str, Any]:
    """The evaluation plan: the OBC's own (monitoring from each go-live, the year-1 evaluation
    and funding proposals in July to September 2014), and from the evidence wing's plan
    (`evidence.plan.power_table`, as `obcsim evaluate-plan`) per strand: people a year, how
    many have a complete one-year outcome by the end of the OBC's window, how many are needed
    (80% power for the expected effect, and the Justice Data Lab's minimum) and from when."""
    from obcsim.evidence import power
    from obcsim.evidence.plan import OBC_WINDOW, power_table

    strands = [
        {
            "strand": r["strand"],
            "label": strand_label(r["strand"]),
            "go_live": r["go_live"],
            "people_a_year": r["participants_a_year"],
            "expected_effect": r["expected_effect"],
            "complete_by_window_end": r["complete_by_window_end"],
            "power_at_window": r["power_at_window"],
            "needed": max(r["cohort_for_80"], power.JDL_MINIMUM),
            "date_enough_complete": r["date_enough_complete"],
        }
        for r in power_table(scn)
    ]
    return {
        "source": "the OBC's initial project plan, section 7",
        "year_one_evaluation": "July to September 2014",
        "window_end": OBC_WINDOW[1].isoformat(),
        "strands": strands,
        "follow_up_days": scn.follow_up_days,
        "jdl_minimum": power.JDL_MINIMUM,
        "priorities": top,
    }
