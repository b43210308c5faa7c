"""`obcsim boardpack`: the board's committee report as PDF or Word, or its figures as JSON.

Thin: it reads the options, calls `obcsim.outputs.boardpack.build` and writes the file through
`Outputs` (all or nothing: a failure leaves no partial file).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from obcsim.case.load import load_scenario
from obcsim.errors import InputError
from obcsim.outputs.files import Outputs
from obcsim.ui.args import PACK_FORMATS, SETTINGS


def pairs(text: str | None, flag: str, default: float | None) -> dict[str, float] | None:
    """`a=0.4,b=0.6` (or `a,b` when `default` is given) as {name: number}."""
    if text is None:
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        name, eq, value = part.strip().partition("=")
        name = name.strip()
        if not name:
            raise InputError(flag, "", f"expected name=number pairs, comma-separated; got {text!r}")
        if name in out:
            raise InputError(flag, name, "given twice")
        if not eq:
            if default is None:
                raise InputError(flag, name, "give a number, as in name=0.4")
            out[name] = default
            continue
        try:
            number = float(value)
        except ValueError:
            raise InputError(flag, name, f"must be a number; got {value.strip()!r}") from None
        if not math.isfinite(number):
            raise InputError(flag, name, f"must be a finite number; got {value.strip()!r}")
        out[name] = number
    return out


def _target(args: argparse.Namespace) -> tuple[str | None, Path | None]:
    if args.out is None:
        if args.format is not None:
            raise InputError("--format", "", f"--format {args.format} needs --out PATH")
        if not args.json:
            raise InputError("--out", "", "give --out pack.pdf (or pack.docx), or --json")
        return None, None
    path = Path(args.out)
    fmt = args.format or path.suffix.lstrip(".").lower()
    if fmt not in PACK_FORMATS:
        raise InputError("--out", "", f"cannot tell the format from '{args.out}': use .pdf, .docx")
    return fmt, path


def cmd_boardpack(args: argparse.Namespace) -> int:
    from obcsim.accounts.years import Settings
    from obcsim.outputs import boardpack, report

    fmt, path = _target(args)
    outs = Outputs({"--out": path} if path is not None else {})
    strands = pairs(args.strands, "--strands", 1.0)
    shares = pairs(args.shares, "--shares", None)
    terms = {"attachment_share": args.attachment_share, "commissioner": args.commissioner}
    pbr = {k: v for k, v in terms.items() if v is not None}
    scn = load_scenario(args.scenario)
    settings = Settings.of(scn, *(getattr(args, k) for k in SETTINGS))
    pack = boardpack.build(
        scn,
        settings,
        funding_model=args.funding,
        runs=args.runs,
        seed=args.seed,
        strands=strands,
        shares=shares,
        pbr=pbr or None,
        scenario_path=Path(args.scenario),
    )
    if path is not None:
        data = pack.pdf() if fmt == "pdf" else pack.docx()
        with outs:
            outs.stage("--out").write_bytes(data)
        print(f"wrote {path}", file=sys.stderr)
    if args.json:
        print(report.dumps(pack.figures))
    return 0
