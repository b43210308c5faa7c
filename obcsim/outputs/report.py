"""The OBC's tables for people and files: terminal, JSON rows, CSV, Markdown and Excel.

Every writer writes to a temporary file beside the target and renames it into place, so a
failure never leaves a partial output file.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from obcsim.accounts.ledger import MEASURES
from obcsim.accounts.money import MEASURE_LABELS, STRAND_LABELS, agency_label, gbp, pct
from obcsim.outputs.files import umask

# Control characters an xlsx (XML) cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
GBP_FORMAT = '"£"#,##0;("£"#,##0);"£"0'
SHEET_TITLES = {
    "all": "Table 1 programme",
    "njp": "NJP",
    "coaches": "Community coaches",
    "conditional_cautions": "Conditional cautions",
    "iom": "IOM",
}


def json_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One object per strand and agency, money rounded to the penny."""
    rows = []
    for r in frame.itertuples(index=False):
        row: dict[str, Any] = {"strand": r.strand, "agency": r.agency}
        row.update({m: round(float(getattr(r, m)), 2) + 0.0 for m in MEASURES})
        rows.append(row)
    return rows


def _title(strand: str) -> str:
    if strand == "all":
        return "Programme (OBC Table 1)"
    return f"{STRAND_LABELS.get(strand, strand)[:1].upper()}{STRAND_LABELS.get(strand, strand)[1:]}"


def _display(block: pd.DataFrame) -> pd.DataFrame:
    shown = pd.DataFrame({"": [agency_label(a) for a in block.agency]})
    for m in MEASURES:
        shown[MEASURE_LABELS[m]] = [gbp(v) for v in block[m]]
    return shown


def terminal(frame: pd.DataFrame, price_year: str = "") -> str:
    """Readable tables, one per strand then the programme, costs in brackets."""
    parts = []
    unit = f" (GBP a year, {price_year} prices)" if price_year else ""
    for strand, block in frame.groupby("strand", sort=False):
        text = _display(block).to_string(index=False, justify="right")
        parts.append(f"{_title(str(strand))}{unit}\n{text}")
    return "\n\n".join(parts) + "\n"


def markdown(frame: pd.DataFrame) -> str:
    parts = []
    for strand, block in frame.groupby("strand", sort=False):
        shown = _display(block)
        header = "| " + " | ".join(["agency", *shown.columns[1:]]) + " |"
        rule = "|---" + "|---:" * (len(shown.columns) - 1) + "|"
        lines = ["| " + " | ".join(map(str, row)) + " |" for row in shown.itertuples(index=False)]
        parts.append("\n".join([f"## {_title(str(strand))}", "", header, rule, *lines]))
    return "\n\n".join(parts) + "\n"


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed onto it only if the block succeeds."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes it 0600; a new file follows the umask
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_xlsx(
    sheets: dict[str, pd.DataFrame], path: Path, money: Callable[[str, str], bool] | None = None
) -> None:
    """Write `xlsx_bytes(sheets, money)` to `path`, atomically."""
    data = xlsx_bytes(sheets, money)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _cell(v: Any) -> Any:
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, str):  # characters XML cannot hold (a control byte in a note) are dropped
        return ILLEGAL_CHARACTERS_RE.sub("", v)
    return None if isinstance(v, float) and math.isnan(v) else v


def _as_text(row: Any) -> None:
    """Text that looks like a formula (`=`, `+`, `-`, `@` first) stays text: a note from an
    uploaded scenario must never run in the reader's spreadsheet."""
    for cell in row:
        if cell.data_type == "f":
            cell.data_type = "s"


def xlsx_bytes(
    sheets: dict[str, pd.DataFrame], money: Callable[[str, str], bool] | None = None
) -> bytes:
    """One sheet per table: header in bold and frozen, columns as wide as their contents (up to
    80 characters), money (by default every decimal column; else where `money(sheet, column)`)
    in GBP with negatives in brackets."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for title, table in sheets.items():
        ws = wb.create_sheet(title[:31])
        ws.append([_cell(str(c)) for c in table.columns])
        _as_text(ws[1])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False):
            ws.append([_cell(v) for v in row])
            _as_text(ws[ws.max_row])
        for j, col in enumerate(table.columns, start=1):
            decimal = pd.api.types.is_float_dtype(table[col])
            is_money = decimal and (money is None or money(title, str(col)))
            shown = [gbp(v) if is_money else str(_cell(v)) for v in table[col]]
            width = min(80, max([len(str(col)), *map(len, shown)]))
            ws.column_dimensions[get_column_letter(j)].width = width + 3
            if is_money:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = GBP_FORMAT
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_tables(frame: pd.DataFrame, fmt: str, path: Path) -> None:
    """Write the tables as csv (every column, to the penny) or md. (The workbook is
    `finance.workbook`.)"""
    text = markdown(frame) if fmt == "md" else frame.round(2).to_csv(index=False)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _short(x: float) -> str:
    """Compact money for intervals: 181k, (1.2m), 950."""
    sign, v = ("-" if x < 0 else ""), abs(x)
    if v >= 1e6:
        return f"{sign}{v / 1e6:.2f}m"
    if v >= 1e4:
        return f"{sign}{v / 1e3:.0f}k"
    return f"{sign}{v:,.0f}"


def mc_terminal(summary: pd.DataFrame, price_year: str) -> str:
    """The programme table from Monte Carlo (mean [90% interval] per measure, P(impact > 0)),
    then each strand's annual impact."""
    records = [{str(k): v for k, v in r.items()} for r in summary.to_dict("records")]
    cells = {(r["strand"], r["agency"], r["measure"]): r for r in records}
    rows = []
    for agency in dict.fromkeys(r["agency"] for r in records):
        row = {"": agency_label(agency)}
        for m in MEASURES:
            r = cells[("all", agency, m)]
            spread = "" if r["p05"] == r["p95"] else f" [{_short(r['p05'])}, {_short(r['p95'])}]"
            row[MEASURE_LABELS[m]] = f"{gbp(r['mean'])}{spread}"
        row["P(annual impact > 0)"] = pct(cells[("all", agency, "annual_impact")]["p_positive"])
        rows.append(row)
    lines = [
        f"Programme (GBP a year, {price_year} prices): mean [90% interval]",
        pd.DataFrame(rows).to_string(index=False, justify="right"),
        "",
        "Annual impact by strand: mean [90% interval], P(> 0)",
    ]
    for r in records:
        if r["agency"] == "total" and r["measure"] == "annual_impact":
            lines.append(
                f"  {_title(r['strand']):<30}{gbp(r['mean']):>11} [{gbp(r['p05'])}, "
                f"{gbp(r['p95'])}]  {pct(r['p_positive'])}"
            )
    return "\n".join(lines) + "\n"


def gap_lines(base: float, expected: float, summary: pd.DataFrame) -> str:
    """The programme's annual impact at the point estimates, at the evidence's means and in this
    run, and the gap between the first two as a finding."""
    cell = summary[
        (summary.strand == "all")
        & (summary.agency == "total")
        & (summary.measure == "annual_impact")
    ]
    mean = float(cell["mean"].to_numpy()[0])
    word = "optimistic" if base >= expected else "pessimistic"
    return (
        f"\nProgramme annual impact: {gbp(base)} at the point estimates (base case), "
        f"{gbp(expected)} at the evidence's means (expected value), {gbp(mean)} in this run.\n"
        f"The point estimates are {word} by {gbp(abs(base - expected))} a year.\n"
    )


def board_table(summary: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monte Carlo results in the OBC's layout: per strand and agency, each measure's mean and
    90% interval, beside the published figure where the OBC published one."""
    out = summary[["strand", "agency"]].drop_duplicates().reset_index(drop=True)
    keys = list(zip(out.strand, out.agency, strict=True))
    cells = {(r["strand"], r["agency"], r["measure"]): r for r in summary.to_dict("records")}
    pub = {} if published is None else published.set_index(["strand", "agency"]).to_dict("index")
    for m in MEASURES:
        label = MEASURE_LABELS[m]
        for stat, suffix in (("mean", "mean"), ("p05", "5%"), ("p95", "95%")):
            out[f"{label} {suffix}"] = [float(cells[(*k, m)][stat]) for k in keys]
        out[f"{label} published"] = [pub.get(k, {}).get(m, float("nan")) for k in keys]
    return out


def board_display(table: pd.DataFrame, strand: str = "all") -> pd.DataFrame:
    """`board_table` for people: one strand, money as text, interval in one column."""
    block = table[table.strand == strand]
    shown = pd.DataFrame({"agency": [agency_label(a) for a in block.agency]})
    for m in MEASURES:
        label = MEASURE_LABELS[m]
        shown[f"{label}: mean"] = [gbp(v) for v in block[f"{label} mean"]]
        shown[f"{label}: 90% interval"] = [
            "-" if lo == hi else f"{gbp(lo)} to {gbp(hi)}"
            for lo, hi in zip(block[f"{label} 5%"], block[f"{label} 95%"], strict=True)
        ]
        shown[f"{label}: published"] = [gbp(v) for v in block[f"{label} published"]]
    return shown


def headline(summary: pd.DataFrame, strand: str = "all") -> dict[str, str]:
    """The three figures a board member reads first, as text."""
    rows = summary[
        (summary.strand == strand)
        & (summary.agency == "total")
        & (summary.measure == "annual_impact")
    ].to_dict("records")
    r = rows[0]
    return {
        "Programme annual impact (mean)": gbp(float(r["mean"])),
        "90% interval": f"{gbp(float(r['p05']))} to {gbp(float(r['p95']))}",
        "P(programme comes out ahead)": pct(float(r["p_positive"])),
    }


def compare_display(diff: pd.DataFrame) -> pd.DataFrame:
    """`ledger.compare` for people: money as text, the probability as a percentage."""
    return pd.DataFrame(
        {
            "agency": ["Programme" if a == "total" else agency_label(a) for a in diff.agency],
            "this case": [gbp(v) for v in diff.mean_a],
            "comparison": [gbp(v) for v in diff.mean_b],
            "difference": [gbp(v) for v in diff.difference],
            "difference 90% interval": [
                f"{gbp(a)} to {gbp(b)}" for a, b in zip(diff.p05, diff.p95, strict=True)
            ],
            "P(this case better)": [pct(p) for p in diff.p_a_better],
        }
    )


def evaluation_display(case: list[dict[str, Any]]) -> pd.DataFrame:
    """The before/after case of a recalibration, for people."""
    return pd.DataFrame(
        {
            "agency": [
                "Programme" if c["agency"] == "total" else agency_label(c["agency"]) for c in case
            ],
            "before": [gbp(c["before_mean"]) for c in case],
            "after": [gbp(c["after_mean"]) for c in case],
            "after: 90% interval": [
                f"{gbp(c['after_p05'])} to {gbp(c['after_p95'])}" for c in case
            ],
            "P(> 0) before": [pct(c["before_p_positive"]) for c in case],
            "P(> 0) after": [pct(c["after_p_positive"]) for c in case],
        }
    )


def board_sheets(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`board_table` as workbook sheets: the programme first, then each strand."""
    order = ["all", *[s for s in table.strand.unique() if s != "all"]]
    sheets = {}
    for strand in order:
        block = table[table.strand == strand].drop(columns="strand")
        block = block.assign(agency=[agency_label(a) for a in block.agency])
        sheets[SHEET_TITLES.get(strand, strand)] = block.reset_index(drop=True)
    return sheets


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)
