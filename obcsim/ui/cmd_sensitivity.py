"""`obcsim sensitivity`: how sure the case is and what drives it (tornado, Sobol' indices,
value of information), printed, as JSON, or as a workbook. Thin: `accounts.drivers` computes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from obcsim.case.limits import check_horizon
from obcsim.case.load import load_scenario
from obcsim.errors import InputError
from obcsim.outputs.files import Outputs
from obcsim.ui.args import SETTINGS, obcsim_version

FORMATS = ("xlsx", "json")


def _format(out: str | None) -> str | None:
    if out is None:
        return None
    fmt = Path(out).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise InputError("--out", "", f"must end in .xlsx or .json; got '{out}'")
    return fmt


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from obcsim.accounts.drivers import drivers
    from obcsim.accounts.years import Settings
    from obcsim.model.sweep import executor
    from obcsim.outputs import howsure, report

    fmt = _format(args.out)
    outs = Outputs({"--out": Path(args.out)} if args.out else {})
    scn = load_scenario(args.scenario)
    check_horizon(scn, args.years, None)
    settings = Settings.of(scn, *(getattr(args, k) for k in SETTINGS))
    with executor(args.scheduler, args.local_cluster):
        n_jobs = None if args.scheduler or args.local_cluster else args.workers
        found = drivers(
            scn, settings, runs=args.runs, seed=args.seed, sobol=not args.no_sobol, n_jobs=n_jobs
        )
    if args.out:
        with outs:
            target = outs.stage("--out")
            if fmt == "xlsx":
                target.write_bytes(howsure.workbook(found, Path(args.scenario), obcsim_version()))
            else:
                target.write_text(report.dumps(found.as_dict()) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    if args.json:
        print(report.dumps(found.as_dict()))
    else:
        print(howsure.terminal(found), end="")
    return 0
