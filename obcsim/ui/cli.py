"""The `obcsim` command. Thin: it parses arguments, calls the library and prints or writes.

Every bad input ends in one line on stderr naming the file, field and rule, and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from obcsim.accounts import ledger
from obcsim.case.load import load_scenario
from obcsim.case.scenario import Scenario
from obcsim.case.shipped import SHIPPED, shipped_scenario
from obcsim.errors import InputError

ENGINES = ("flow", "fast")
FUNDING = ("as_published", "pro_rata", "pooled", "pbr")
FORMATS = ("csv", "md", "xlsx")
SETTINGS = ("years", "discount_rate", "optimism_bias", "first_year", "green_book")
FINANCE_OPTIONS = (*SETTINGS, "funding", "runs")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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
    if not path.parent.is_dir():
        raise InputError("--out", "", f"no such directory: {path.parent}")
    return fmt, path


def cmd_tables(args: argparse.Namespace) -> int:
    from obcsim.accounts.ledger import expected_annual, tables
    from obcsim.accounts.years import Settings
    from obcsim.outputs import finance, report

    fmt, path = _out_path(args)
    scn = load_scenario(args.scenario)
    annual = expected_annual(scn)
    frame = tables(scn, annual)
    multi_year = any(getattr(args, v) is not None for v in FINANCE_OPTIONS)
    if not (multi_year or fmt == "xlsx"):
        if path is not None and fmt is not None:
            report.write_tables(frame, fmt, path)
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
        if fmt == "xlsx":
            with report.atomic_path(path) as tmp:
                tmp.write_bytes(built.workbook())
        else:
            report.write_tables(built.frames["tables"], fmt, path)
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


def _at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number; got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}; got {value}")
        return value

    return parse


def _fraction(top: float = 1.0) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number; got {text!r}") from None
        if not 0 <= value <= top:
            raise argparse.ArgumentTypeError(f"must lie in [0, {top:g}]; got {text}")
        return value

    return parse


def cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from obcsim.model.montecarlo import run
    from obcsim.outputs import report

    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        raise InputError("--out", "", f"{out} exists and is not a directory")
    scn = load_scenario(args.scenario)
    with tqdm(total=args.runs, unit="run", file=sys.stderr, disable=None, leave=False) as bar:
        draws = run(
            scn,
            args.runs,
            args.seed,
            args.engine,
            args.workers,
            progress=lambda done, _: bar.update(done - bar.n),
        )
    summary = ledger.summary(draws)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        with report.atomic_path(out / "summary.json") as tmp:
            tmp.write_text(report.dumps(summary.to_dict("records")) + "\n")
        with report.atomic_path(out / "draws.csv") as tmp:
            ledger.draw_frame(draws).to_csv(tmp, index=False, float_format="%.2f")
        print(f"wrote {out / 'summary.json'} and {out / 'draws.csv'}", file=sys.stderr)
    print(f"{scn.name}: {draws.runs} runs, seed {args.seed}, engine {args.engine}\n")
    print(report.mc_terminal(summary, scn.price_year), end="")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from obcsim.case.edit import to_yaml
    from obcsim.evidence import evaluation, observed
    from obcsim.outputs import report

    out = Path(args.out)
    report_path = Path(args.report) if args.report else None
    for flag, path in (("--out", out), ("--report", report_path)):
        if path is not None and not path.parent.is_dir():
            raise InputError(flag, "", f"no such directory: {path.parent}")
    scn = load_scenario(args.scenario)
    obs = observed.load(args.observed, scn)
    new, figures = evaluation.evaluate(scn, obs, args.runs, args.seed)
    text = to_yaml(new)
    with report.atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    written = [str(out)]
    if report_path is not None:
        with report.atomic_path(report_path) as tmp:
            tmp.write_text(evaluation.markdown(figures), encoding="utf-8")
        as_json = report_path.with_suffix(".json")
        with report.atomic_path(as_json) as tmp:
            tmp.write_text(report.dumps(figures) + "\n", encoding="utf-8")
        written += [str(report_path), str(as_json)]
    print(f"wrote {', '.join(written)}", file=sys.stderr)
    for p in figures["parameters"]:
        print(
            f"{p['field']}: {p['prior_mean']:.3f} -> {p['posterior_mean']:.3f} "
            f"[{p['posterior_p05']:.3f}, {p['posterior_p95']:.3f}]"
        )
    total = next(c for c in figures["case"] if c["agency"] == "total")
    print(
        f"programme annual impact: {report.gbp(total['before_mean'])} -> "
        f"{report.gbp(total['after_mean'])}; P(> 0) {total['before_p_positive']:.0%} -> "
        f"{total['after_p_positive']:.0%}"
    )
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    import subprocess

    app = Path(__file__).with_name("app.py")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(args.port),
        "--browser.gatherUsageStats",
        "false",
    ]
    if args.headless:
        command += ["--server.headless", "true"]
    print(f"obcsim app: http://localhost:{args.port} (Ctrl+C to stop)", file=sys.stderr)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="obcsim", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("tables", help="the OBC's strand and programme tables from a scenario")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--json", action="store_true", help="print JSON rows instead of tables")
    p.add_argument("--format", choices=FORMATS, help="file format for --out")
    p.add_argument("--out", help="write the tables to this file (csv, md or xlsx)")
    g = p.add_argument_group("finance (any of these adds the multi-year appraisal)")
    g.add_argument("--years", type=_at_least(1), help="horizon in years (scenario default: 5)")
    g.add_argument(
        "--discount-rate",
        type=_fraction(),
        help="a year, e.g. 0.035 (Green Book; lower beyond year 30)",
    )
    g.add_argument(
        "--optimism-bias",
        type=_fraction(10.0),
        help="uplift on costs, e.g. 0.2 for 20%% (default 0)",
    )
    g.add_argument("--first-year", choices=("undiscounted", "discounted"), help="t=0 or t=1")
    g.add_argument("--green-book", choices=("2022", "2026"), help="edition (default 2022)")
    g.add_argument("--funding", choices=FUNDING, help="one funding model (default: all)")
    g.add_argument(
        "--runs",
        type=_at_least(1),
        help="Monte Carlo runs (fast engine) for intervals and P(worse off)",
    )
    g.add_argument("--seed", type=_at_least(0), default=1, help="random seed (default 1)")
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser(
        "reconcile", help="check the OBC's published tables, and a scenario against them"
    )
    p.add_argument("--scenario", help=f"scenario to compare (default: the shipped {SHIPPED})")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--cells", action="store_true", help="every failing cell, not grouped")
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("run", help="Monte Carlo: distributions of savings and costs by agency")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--runs", type=_at_least(1), default=1000, help="iterations (default 1000)")
    p.add_argument("--seed", type=_at_least(0), default=1, help="random seed (default 1)")
    p.add_argument("--engine", choices=ENGINES, default="flow", help="engine (default flow)")
    p.add_argument(
        "--workers",
        type=_at_least(1),
        default=None,
        help="processes (default: all cores); results do not depend on it",
    )
    p.add_argument("--out", help="directory for summary.json and draws.csv")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("calibrate", help="update a scenario with observed outcomes (Bayesian)")
    p.add_argument("scenario", help="scenario YAML file (the prior)")
    p.add_argument("observed", help="observed outcomes CSV (see README)")
    p.add_argument("--out", required=True, help="the calibrated scenario (YAML) to write")
    p.add_argument("--report", help="a Markdown report to write (and the same figures as .json)")
    p.add_argument(
        "--runs",
        type=_at_least(1),
        default=2000,
        help="fast-engine iterations for the re-run case (default 2000)",
    )
    p.add_argument("--seed", type=_at_least(0), default=1, help="random seed (default 1)")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("app", help="the project board's app in your browser (Streamlit)")
    p.add_argument("--port", type=_at_least(1), default=8501, help="port (default 8501)")
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_app)

    p = sub.add_parser("backsolve", help="derive the OBC's hidden unit costs from its tables")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_backsolve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"obcsim {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
