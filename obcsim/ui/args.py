"""The `obcsim` command line: its parser, options and their limits (one line and exit 2 for a
bad one)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any, NoReturn

from obcsim.case.limits import MAX_PORT, MAX_RUNS, MAX_YEARS, max_workers
from obcsim.case.shipped import SHIPPED

ENGINES = ("flow", "fast")
FUNDING = ("as_published", "pro_rata", "pooled", "pbr")
FORMATS = ("csv", "md", "xlsx")
DRAWS = ("parquet", "csv")
PACK_FORMATS = ("pdf", "docx")
PRIORS = ("weak", "scenario", "flat")
SETTINGS = ("years", "discount_rate", "optimism_bias", "first_year", "green_book")
FINANCE_OPTIONS = (*SETTINGS, "funding", "runs")


def obcsim_version() -> str:
    try:
        return version("obcsim")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def whole(low: int, high: int, limit: str = "") -> Callable[[str], int]:
    """A whole number in [low, high]; `limit` names the limit in the message."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number; got {text!r}") from None
        if not low <= value <= high:
            named = f" ({limit})" if limit else ""
            raise argparse.ArgumentTypeError(f"must lie in [{low}, {high:,}]{named}; got {value}")
        return value

    return parse


def fraction(top: float = 1.0) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number; got {text!r}") from None
        if not 0 <= value <= top:
            raise argparse.ArgumentTypeError(f"must lie in [0, {top:g}]; got {text}")
        return value

    return parse


RUNS = whole(1, MAX_RUNS, "the limit on runs")
SEED = whole(0, 2**63 - 1)


def _tables(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--json", action="store_true", help="print JSON rows instead of tables")
    p.add_argument("--format", choices=FORMATS, help="file format for --out")
    p.add_argument("--out", help="write the tables to this file (csv, md or xlsx)")
    g = p.add_argument_group("finance (any of these adds the multi-year appraisal)")
    _settings(g)
    g.add_argument("--funding", choices=FUNDING, help="one funding model (default: all)")
    g.add_argument(
        "--runs", type=RUNS, help="Monte Carlo runs (fast engine) for intervals and P(worse off)"
    )
    g.add_argument("--seed", type=SEED, default=1, help="random seed (default 1)")


def _boardpack(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--out", help="the report to write: .pdf, or .docx (editable in Word)")
    p.add_argument("--format", choices=PACK_FORMATS, help="file format for --out")
    p.add_argument("--json", action="store_true", help="print every figure of the report as JSON")
    g = p.add_argument_group("the case and its finance")
    g.add_argument(
        "--strands",
        help="strands to fund, each at a scale (cohort and running costs), e.g. njp,iom or "
        "njp=1,iom=0.5 (default: all as the scenario states them)",
    )
    g.add_argument(
        "--funding",
        choices=FUNDING,
        default="as_published",
        help="who pays (default as_published)",
    )
    g.add_argument(
        "--shares",
        help="pooled budget shares, e.g. police=0.4,council=0.4,probation=0.2 "
        "(default: the scenario's finance.pooled_shares)",
    )
    g.add_argument(
        "--attachment-share",
        type=fraction(),
        help="payment by results: the share of the costs paid up front (default: the scenario's)",
    )
    g.add_argument(
        "--commissioner", help="payment by results: the agency that commissions (and pays the rest)"
    )
    _settings(g)
    g.add_argument(
        "--runs", type=RUNS, default=2000, help="Monte Carlo runs (fast engine; default 2000)"
    )
    g.add_argument("--seed", type=SEED, default=1, help="random seed (default 1)")


def _run(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument(
        "--runs", type=RUNS, default=1000, help=f"iterations (default 1000, at most {MAX_RUNS:,})"
    )
    p.add_argument("--seed", type=SEED, default=1, help="random seed (default 1)")
    p.add_argument("--engine", choices=ENGINES, default="flow", help="engine (default flow)")
    p.add_argument(
        "--workers",
        type=whole(1, max_workers(), "twice this machine's cores"),
        default=None,
        help="processes (default: all cores); results do not depend on it",
    )
    p.add_argument("--out", help="directory for summary.json and the draws")
    p.add_argument(
        "--draws",
        choices=DRAWS,
        default="parquet",
        help="format of the draws file in --out (default parquet; csv is ten times slower)",
    )


def _calibrate(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file (the prior)")
    p.add_argument("observed", help="observed outcomes CSV (see README)")
    p.add_argument("--out", required=True, help="the calibrated scenario (YAML) to write")
    p.add_argument("--report", help="a Markdown report to write (and the same figures as .json)")
    p.add_argument(
        "--runs",
        type=RUNS,
        default=2000,
        help="fast-engine iterations for the re-run case (default 2000)",
    )
    p.add_argument("--seed", type=SEED, default=1, help="random seed (default 1)")
    p.add_argument(
        "--prior",
        choices=PRIORS,
        default="weak",
        help="priors: 'weak' (default: values the scenario marks as assumed are worth at most "
        "10 people), 'scenario' (its distributions as stated) or 'flat' (every rate uniform)",
    )


def _evaluate_plan(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--out", help="the plan as Markdown (and the same figures as .json)")
    p.add_argument("--chart", help="the time-to-evidence chart (HTML)")
    p.add_argument(
        "--comparison-ratio",
        type=whole(1, 100, "comparison people per participant"),
        default=1,
        help="comparison group size per participant (default 1)",
    )
    p.add_argument(
        "--draws",
        type=whole(1000, 1_000_000, "the limit on EVPPI draws"),
        default=20_000,
        help="Monte Carlo draws for the EVPPI (default 20,000)",
    )
    p.add_argument("--seed", type=SEED, default=1, help="random seed (default 1)")


DRAWS_MAX = 2_000_000  # closed-form parameter sets held at once: about 0.5 GB for Barnet


def _settings(g: argparse._ArgumentGroup) -> None:
    g.add_argument(
        "--years",
        type=whole(1, MAX_YEARS, "the limit on years"),
        help=f"horizon in years, at most {MAX_YEARS} (scenario default: 5)",
    )
    g.add_argument(
        "--discount-rate",
        type=fraction(),
        help="a year, e.g. 0.035 (Green Book; lower beyond year 30)",
    )
    g.add_argument(
        "--optimism-bias",
        type=fraction(10.0),
        help="uplift on costs, e.g. 0.2 for 20%% (default 0)",
    )
    g.add_argument("--first-year", choices=("undiscounted", "discounted"), help="t=0 or t=1")
    g.add_argument("--green-book", choices=("2022", "2026"), help="edition (default 2022)")


def _sensitivity(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    p.add_argument("--out", help="write the report to this file (.xlsx workbook or .json)")
    p.add_argument(
        "--runs",
        type=whole(1000, DRAWS_MAX, "the limit on closed-form draws"),
        default=20_000,
        help="draws of the inputs for P(ahead) and EVPPI (default 20,000)",
    )
    p.add_argument("--seed", type=SEED, default=1, help="random seed (default 1)")
    p.add_argument(
        "--no-sobol", action="store_true", help="skip the variance-based indices (the slow part)"
    )
    g = p.add_argument_group("where the sweeps run (the figures do not depend on it)")
    g.add_argument(
        "--workers",
        type=whole(1, max_workers(), "twice this machine's cores"),
        default=None,
        help="processes on this machine (default 1)",
    )
    w = g.add_mutually_exclusive_group()
    w.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    w.add_argument(
        "--local-cluster", action="store_true", help="start a Dask LocalCluster on this machine"
    )
    _settings(p.add_argument_group("finance settings (default: the scenario's)"))


def build_parser(commands: dict[str, Callable[[argparse.Namespace], int]], doc: str) -> Parser:
    """The parser; `commands` maps each subcommand to the function that carries it out."""
    parser = Parser(prog="obcsim", description=doc)
    parser.add_argument("--version", action="version", version=f"obcsim {obcsim_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    helps: dict[str, tuple[str, Callable[[Any], None] | None]] = {
        "tables": ("the OBC's strand and programme tables from a scenario", _tables),
        "reconcile": ("check the OBC's published tables, and a scenario against them", None),
        "run": ("Monte Carlo: distributions of savings and costs by agency", _run),
        "calibrate": ("update a scenario with observed outcomes (Bayesian)", _calibrate),
        "evaluate-plan": (
            "power, time to evidence and the worth of each evaluation (EVPPI)",
            _evaluate_plan,
        ),
        "app": ("the project board's app in your browser (Streamlit)", None),
        "backsolve": ("derive the OBC's hidden unit costs from its tables", None),
        "sensitivity": ("how sure the case is, and which assumptions drive it", _sensitivity),
        "boardpack": ("the board's committee report: who pays, how sure (PDF or Word)", _boardpack),
    }
    for name, (text, add) in helps.items():
        p = sub.add_parser(name, help=text)
        if add is not None:
            add(p)
        elif name == "reconcile":
            p.add_argument(
                "--scenario", help=f"scenario to compare (default: the shipped {SHIPPED})"
            )
            p.add_argument("--json", action="store_true", help="print the findings as JSON")
            p.add_argument("--cells", action="store_true", help="every failing cell, not grouped")
        elif name == "app":
            p.add_argument(
                "--port",
                type=whole(1, MAX_PORT, "a TCP port"),
                default=8501,
                help="port (default 8501)",
            )
            p.add_argument("--headless", action="store_true", help="do not open a browser")
        else:
            p.add_argument("scenario", help="scenario YAML file")
            p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=commands[name])
    return parser
