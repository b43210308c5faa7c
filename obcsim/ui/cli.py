"""The `obcsim` command. Thin: it parses arguments, calls the library and prints or writes.

Every bad input ends in one line on stderr naming the file, field and rule, and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import FrameType

from obcsim.case.limits import check_horizon, check_run
from obcsim.case.load import load_scenario
from obcsim.case.scenario import Scenario
from obcsim.case.shipped import shipped_scenario
from obcsim.errors import InputError
from obcsim.outputs.files import Outputs
from obcsim.ui.args import FINANCE_OPTIONS, FORMATS, SETTINGS
from obcsim.ui.args import build_parser as args_parser
from obcsim.ui.cmd_boardpack import cmd_boardpack
from obcsim.ui.cmd_evaluate_plan import cmd_evaluate_plan
from obcsim.ui.cmd_sensitivity import cmd_sensitivity


def _out_path(args: argparse.Namespace) -> tuple[str | None, Path | None]:
    fmt, out = args.format, args.out
    if out is None:
        if fmt is not None:
            raise InputError("--format", "", f"--format {fmt} needs --out PATH")
        return None, None
    path = Path(out)
    if fmt is None:
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise InputError(
                "--out", "", f"cannot tell the format from '{out}'; add --format csv|md|xlsx"
            )
    return fmt, path


def cmd_tables(args: argparse.Namespace) -> int:
    from obcsim.accounts.ledger import expected_annual, tables
    from obcsim.accounts.years import Settings
    from obcsim.outputs import finance, report

    fmt, path = _out_path(args)
    outs = Outputs({"--out": path} if path is not None else {})
    scn = load_scenario(args.scenario)
    check_horizon(scn, args.years, args.runs)
    if args.runs is not None:
        check_run(scn, args.runs, "fast")
    annual = expected_annual(scn)
    frame = tables(scn, annual)
    multi_year = any(getattr(args, v) is not None for v in FINANCE_OPTIONS)
    if not (multi_year or fmt == "xlsx"):
        if path is not None and fmt is not None:
            with outs:
                report.write_tables(frame, fmt, outs.stage("--out"))
            print(f"wrote {path}", file=sys.stderr)
        elif args.json:
            print(report.dumps(report.json_rows(frame)))
        else:
            print(f"{scn.name}\n")
            print(report.terminal(frame, scn.price_year), end="")
        return 0
    settings = Settings.of(scn, *(getattr(args, k) for k in SETTINGS))
    built = finance.build(
        scn, annual, settings, args.funding, args.runs, args.seed, Path(args.scenario)
    )
    if path is not None and fmt is not None:
        with outs:
            if fmt == "xlsx":
                outs.stage("--out").write_bytes(built.workbook())
            else:
                report.write_tables(built.frames["tables"], fmt, outs.stage("--out"))
        print(f"wrote {path}", file=sys.stderr)
    elif args.json:
        print(report.dumps(finance.json_pack(built.frames, settings, built.cover_rows)))
    else:
        print(f"{scn.name}\n")
        print(report.terminal(frame, scn.price_year))
        print(finance.terminal(built.frames, settings), end="")
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from obcsim.accounts.ledger import expected_tables
    from obcsim.obc.faults import by_fault
    from obcsim.obc.published import published_investment, published_tables
    from obcsim.outputs import report

    scn: Scenario = load_scenario(args.scenario or shipped_scenario())
    inputs = (published_tables(), published_investment(), expected_tables(scn), scn.name)
    findings = by_fault(*inputs, scn=scn, grouped=not args.cells)
    if args.json:
        print(report.dumps([f.as_dict() for f in findings]))
        return 0
    kind = "failing cells" if args.cells else "distinct faults"
    print(f"{len(findings)} {kind} in the OBC's published tables and '{scn.name}':\n")
    for i, f in enumerate(findings, 1):
        print(f"{i:>3}. [{f.check}] {f.message}")
        if f.propagates_to:
            print(f"     It propagates to: {f.propagates_to}.")
    return 0


def cmd_backsolve(args: argparse.Namespace) -> int:
    from obcsim.obc.backsolve import backsolve, current_value
    from obcsim.outputs import report

    scn = load_scenario(args.scenario)
    derived = backsolve(scn)
    rows = [
        {
            "path": ".".join(d.path),
            "value": d.value,
            "scenario": current_value(scn, d.path),
            "source": d.source,
        }
        for d in derived
    ]
    if args.json:
        print(report.dumps(rows))
        return 0
    for r in rows:
        same = "ok" if r["scenario"] == r["value"] else f"scenario has {r['scenario']}"
        print(f"{r['path']}: {r['value']:g}  [{same}]\n    {r['source']}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from obcsim.accounts import ledger
    from obcsim.accounts.ledger import annual_gap
    from obcsim.accounts.stream import streamed_summary
    from obcsim.model.montecarlo import run
    from obcsim.outputs import draws as draws_file
    from obcsim.outputs import report

    outs = Outputs({"--out": Path(args.out)} if args.out else {}, folders=("--out",))
    scn = load_scenario(args.scenario)
    check_run(scn, args.runs, args.engine, streamed=args.engine == "fast")
    name = f"draws.{args.draws}"
    with (
        tqdm(total=args.runs, unit="run", file=sys.stderr, disable=None, leave=False) as bar,
        outs if args.out else contextlib.nullcontext(),
    ):
        folder = outs.stage("--out") if args.out else None
        with contextlib.ExitStack() as stack:
            writer = None
            if folder is not None:
                writer = stack.enter_context(draws_file.Writer(folder / name, args.draws))
            advance = lambda done, _: bar.update(done - bar.n)  # noqa: E731
            if args.engine == "fast":  # streamed: bounded memory for any number of runs
                on_block = writer.write if writer else None
                summary = streamed_summary(
                    scn, args.runs, args.seed, args.workers, advance, on_block
                )
            else:
                draws = run(scn, args.runs, args.seed, args.engine, args.workers, advance)
                summary = ledger.summary(draws)
                if writer:
                    writer.write(draws)
        if folder is not None:
            (folder / "summary.json").write_text(report.dumps(summary.to_dict("records")) + "\n")
    if args.out:
        out = Path(args.out)
        print(f"wrote {out / 'summary.json'} and {out / name}", file=sys.stderr)
    print(f"{scn.name}: {args.runs} runs, seed {args.seed}, engine {args.engine}\n")
    print(report.mc_terminal(summary, scn.price_year), end="")
    print(report.gap_lines(*annual_gap(scn), summary), end="")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from obcsim.case.edit import to_yaml
    from obcsim.evidence import evaluation, observed
    from obcsim.outputs import report

    targets = {"--out": Path(args.out)}
    if args.report:
        targets["--report"] = Path(args.report)
        targets["--report (JSON)"] = Path(args.report).with_suffix(".json")
    outs = Outputs(targets)
    scn = load_scenario(args.scenario)
    check_run(scn, args.runs, "fast")
    obs = observed.load(args.observed, scn)
    new, figures = evaluation.evaluate(scn, obs, args.runs, args.seed, args.prior)
    texts = {"--out": to_yaml(new)}
    if args.report:
        texts["--report"] = evaluation.markdown(figures)
        texts["--report (JSON)"] = report.dumps(figures) + "\n"
    with outs:
        for flag, text in texts.items():
            outs.stage(flag).write_text(text, encoding="utf-8")
    written = [str(p) for p in targets.values()]
    print(f"wrote {', '.join(written)}", file=sys.stderr)
    print(f"{new.name}\nprior: {figures['prior_words']}\n")
    for p in figures["parameters"]:
        print(
            f"{p['label']}: {p['prior_mean']:.3f} -> {p['posterior_mean']:.3f} "
            f"[{p['posterior_p05']:.3f}, {p['posterior_p95']:.3f}] "
            f"(data n = {p['n']:,}; prior worth {p['prior_ess']:.3g})"
        )
    outside = [r for r in figures["predictive_check"] if not r["inside"]]
    print(
        f"predictive check: {len(figures['predictive_check']) - len(outside)} of "
        f"{len(figures['predictive_check'])} observed counts inside their 90% intervals"
    )
    total = next(c for c in figures["case"] if c["agency"] == "total")
    print(
        f"programme annual impact: {report.gbp(total['before_mean'])} -> "
        f"{report.gbp(total['after_mean'])}; P(> 0) {report.pct(total['before_p_positive'])} -> "
        f"{report.pct(total['after_p_positive'])}"
    )
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from obcsim.ui.serve import serve

    return serve(args.port, args.headless)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "tables": cmd_tables,
    "reconcile": cmd_reconcile,
    "run": cmd_run,
    "calibrate": cmd_calibrate,
    "evaluate-plan": cmd_evaluate_plan,
    "app": cmd_app,
    "backsolve": cmd_backsolve,
    "sensitivity": cmd_sensitivity,
    "boardpack": cmd_boardpack,
}


def build_parser() -> argparse.ArgumentParser:
    return args_parser(COMMANDS, __doc__.splitlines()[0] if __doc__ else "")


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM: stop as Ctrl+C does (outputs not yet in place are not written)."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """`obcsim`: 0 done, 2 bad input (one line), 130 interrupted, 1 anything else (one line)."""
    args = build_parser().parse_args(argv)
    name = f"obcsim {args.command}"
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop) if main_thread else None
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"{name}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"{name}: interrupted; no output written (earlier outputs as they were)",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        return 0
    except BrokenProcessPool:
        print(f"{name}: a worker process died (out of memory?); nothing written", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("OBCSIM_DEBUG"):
            raise
        print(
            f"{name}: internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
            "(OBCSIM_DEBUG=1 shows the traceback; please report it)",
            file=sys.stderr,
        )
        return 1
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
