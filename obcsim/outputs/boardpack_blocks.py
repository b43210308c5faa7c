"""The board pack's building blocks: how its numbers are written, and its block types.

A block is a dict with `kind` heading (`text`, `level`), para (`text`), items (`items`,
`numbered`), table (`key`, `columns`, `align`, `rows` of formatted strings, `bold` row
indexes, relative `widths`), chart (`name`, `caption`) or masthead (`board`, `title`,
`lines`). Money is written £1,234 with costs and losses in brackets, probabilities as whole
percentages (<1% and >99% when not exactly 0 or 1), strands and agencies by name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from obcsim.accounts import money
from obcsim.accounts.money import STRAND_LABELS, agency_label, gbp
from obcsim.case.scenario import Scenario
from obcsim.outputs.report import ILLEGAL_CHARACTERS_RE

Block = dict[str, Any]
BOARD = "Safer Communities Partnership Board"
SHARED = {"pooled": "through ", "pbr": "by "}  # "costs shared through a pooled budget"
CONTACT = "[Name, role, telephone and e-mail of the officer presenting this report]"
MODEL_WORDS = {
    "as_published": "as published (each partner pays the costs the OBC puts on it)",
    "pro_rata": "pro rata to benefit (partners pay in proportion to their savings)",
    "pooled": "a pooled budget (partners pay the shares the board sets)",
    "pbr": "payment by results (an attachment fee; the rest a tariff per avoided episode, "
    "the commissioner carrying any shortfall)",
}


def pct(p: float | None) -> str:
    """A probability as a whole percentage, written as the app writes it (<1%, >99%)."""
    return "-" if p is None else money.pct(p)


def people(x: float) -> str:
    """A number of people, rounded up; never when none would do."""
    return f"{math.ceil(x):,}" if math.isfinite(x) else "never (no effect expected)"


def span(lo: float, hi: float) -> str:
    return f"{gbp(lo)} to {gbp(hi)}"


def strand_label(name: str) -> str:
    label = STRAND_LABELS.get(name, name)
    return label[:1].upper() + label[1:]


def strands_note(scn: Scenario, strands: Mapping[str, float] | None) -> str:
    """Which strands the case funds, and at what scale (of cohort and running costs)."""
    if strands is None:
        return "all costed strands, as the scenario states them"
    parts = []
    for name, _ in scn.costed():
        k = strands.get(name, 0.0)
        what = "not funded" if k == 0 else "as stated" if k == 1 else f"at {k:.0%} scale"
        parts.append(f"{strand_label(name)}: {what}")
    return "; ".join(parts)


def shares_note(scn: Scenario) -> str:
    shares = scn.finance.pooled_shares
    if not shares:
        return "none set (the pooled model is not available)"
    return ", ".join(f"{agency_label(a)} {v:.0%}" for a, v in shares.items())


def pbr_note(scn: Scenario) -> str:
    pbr = scn.finance.pbr
    return (
        f"{pbr.attachment_share:.0%} of the costs paid up front (the attachment fee), the rest "
        f"as a tariff per avoided episode; {agency_label(pbr.commissioner)} commissions and "
        "carries any shortfall"
    )


def paying(f: dict[str, Any]) -> list[dict[str, Any]]:
    """The agencies that pay under the chosen model, with their P(worse off)."""
    rows = [r for r in f["who_pays"] if r.get("p_worse_off") is not None]
    return [r for r in rows if r["agency"] not in ("total", "partners") and r["contribution"] > 0]


def clean(x: Any) -> Any:
    """`x` with the control characters a document cannot hold taken out of every string."""
    if isinstance(x, str):
        return ILLEGAL_CHARACTERS_RE.sub("", x)
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [clean(v) for v in x]
    return x


def listed(names: list[str]) -> str:
    """ "A, B and C"."""
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def heading(text: str, level: int = 1) -> Block:
    return {"kind": "heading", "text": text, "level": level}


def para(text: str) -> Block:
    return {"kind": "para", "text": text}


def items(lines: list[str], numbered: bool = False) -> Block:
    return {"kind": "items", "items": lines, "numbered": numbered}


def table(key: str, columns: list[str], rows: list[list[str]], **kw: Any) -> Block:
    """A table: `align` per column (default: the first left, the rest right), `bold` rows,
    relative column `widths`."""
    align = kw.get("align") or ["left"] + ["right"] * (len(columns) - 1)
    out = {"kind": "table", "key": key, "columns": columns, "rows": rows, "align": align}
    return out | {"bold": kw.get("bold", []), "widths": kw.get("widths")}


def chart(name: str, caption: str) -> Block:
    return {"kind": "chart", "name": name, "caption": caption}


def case_line(f: dict[str, Any]) -> str:
    """The funded case in one line: its strands and who pays."""
    strands = listed([s["label"] for s in f["strands"]])
    model = f["funding_model"]
    terms = dict(f["cover"])
    extra = {"pooled": terms.get("pooled shares"), "pbr": terms.get("payment by results")}
    how = MODEL_WORDS[model].split(" (")[0]
    return f"{strands}; {how}" + (f" ({extra[model]})" if extra.get(model) else "")
