"""`obcsim evaluate-plan SCENARIO`: power, time to evidence and the worth of each evaluation.

Thin: the figures come from `obcsim.evidence.plan`, the words from `plan_text`, the chart from
`outputs.plan_chart`; this prints the headline and writes the files asked for.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from obcsim.case.load import load_scenario
from obcsim.outputs.files import Outputs


def cmd_evaluate_plan(args: argparse.Namespace) -> int:
    from obcsim.accounts.years import Settings
    from obcsim.evidence import plan, plan_text
    from obcsim.outputs import report
    from obcsim.outputs.plan_chart import time_to_evidence

    targets: dict[str, Path] = {}
    if args.out:
        targets["--out"] = Path(args.out)
        targets["--out (JSON)"] = Path(args.out).with_suffix(".json")
    if args.chart:
        targets["--chart"] = Path(args.chart)
    outs = Outputs(targets)
    scn = load_scenario(args.scenario)
    figures = plan.plan(scn, Settings.of(scn), args.seed, args.comparison_ratio, args.draws)
    with outs:
        if args.out:
            outs.stage("--out").write_text(plan_text.markdown(figures), encoding="utf-8")
            outs.stage("--out (JSON)").write_text(report.dumps(figures) + "\n", encoding="utf-8")
        if args.chart:
            needed = {r["strand"]: r["cohort_for_80"] for r in figures["power"]}
            chart = time_to_evidence(plan.timeline(scn), plan.OBC_WINDOW, needed)
            chart.save(str(outs.stage("--chart")), format="html")
    if targets:
        print(f"wrote {', '.join(str(p) for p in targets.values())}", file=sys.stderr)
    print(f"Evaluation plan for {scn.name}\n")
    for line in plan_text.findings(figures):
        print(f"- {line}")
    return 0
