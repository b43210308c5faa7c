"""Reconciliation by fault: one finding per distinct fault, with the cells it propagates to.

`reconcile` reports every cell that fails a check; one slip in the OBC (a total typed wrong, a
sign flipped) fails several checks, cell after cell. Here cell-level findings are joined into
one fault when they concern the same cell, or the same strand with the same amount of
difference (an error carries its amount unchanged through every identity it enters: a set-up
total £37,000 short makes the year-1 total, Table 2's comparison and the scenario's comparison
£37,000 off too). A missing total row is one fault however many columns it lacks.

Two kinds of fault are not arithmetic and are added here: figures the OBC's text states that
its tables contradict (`published_text`), and the spread of the back-solved unit costs between
strands (the OBC's savings do not rest on one set of unit costs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace

import pandas as pd

from obcsim.accounts.money import MEASURE_LABELS, STRAND_LABELS, agency_label, gbp
from obcsim.case.scenario import Scenario
from obcsim.obc.backsolve import backsolve
from obcsim.obc.published import STRAND_TABLE, published_text
from obcsim.obc.reconcile import Finding, _title, reconcile

# Which finding of a fault is its root (the earliest in this order, then the first found).
ROOTS = (
    "sign",
    "row_sum",
    "missing_total",
    "strands_vs_programme",
    "table1_vs_table2",
    "text_vs_table",
    "scenario_vs_published",
)
SPREAD = 1.5  # a back-solved unit cost varying by more than this factor is a finding


def _cell(f: Finding) -> str:
    measure = MEASURE_LABELS.get(f.measure, f.measure.replace("_", " "))
    where = f"{_title(f.table, f.strand)}, {agency_label(f.agency)} {measure}"
    if f.check == "scenario_vs_published":
        return f"the scenario against {where}: {gbp(f.implied)}"
    if f.check == "text_vs_table":
        return f"the text's {gbp(-f.implied)} for {where}"
    return where


def check_text(tables: pd.DataFrame) -> list[Finding]:
    """Figures in the OBC's text against the same cells of its strand tables."""
    out = []
    strands = tables[tables.table == STRAND_TABLE].set_index(["strand", "agency"])
    for rec in published_text().to_dict("records"):
        r = SimpleNamespace(**{str(k): v for k, v in rec.items()})
        key = (r.strand, r.agency)
        if key not in strands.index:
            continue
        shown = float(strands.loc[key, r.measure])
        text = -float(r.text_amount)  # a cost, as the tables show it
        tolerance = 0.1 * abs(text) if r.approximate else 0.5
        if abs(shown - text) <= tolerance:
            continue
        label = MEASURE_LABELS[str(r.measure)]
        title = STRAND_LABELS.get(str(r.strand), str(r.strand))
        out.append(
            Finding(
                "text_vs_table",
                STRAND_TABLE,
                str(r.strand),
                str(r.agency),
                str(r.measure),
                shown,
                text,
                shown - text,
                f"{title[:1].upper()}{title[1:]}: the text says "
                f"{agency_label(str(r.agency))} {label} is {gbp(abs(text))} ({r.where}: "
                f"'{r.quote}'), the table shows {gbp(shown)}.",
            )
        )
    return out


def check_spread(scn: Scenario) -> list[Finding]:
    """Each event's back-solved unit cost across strands: one finding per event whose
    highest is more than `SPREAD` times its lowest."""
    by_event: dict[str, dict[str, float]] = defaultdict(dict)
    for d in backsolve(scn):
        if len(d.path) == 4 and d.path[0] == "strands" and d.path[2] == "unit_costs":
            by_event[d.path[3]][d.path[1]] = d.value
    out = []
    for event, values in by_event.items():
        lo, hi = min(values.values()), max(values.values())
        if len(values) < 2 or lo <= 0 or hi / lo <= SPREAD:
            continue
        listed = ", ".join(f"{STRAND_LABELS.get(s, s)} {gbp(v)}" for s, v in values.items())
        out.append(
            Finding(
                "unit_cost_spread",
                STRAND_TABLE,
                "all",
                scn.agency_of(event),
                event,
                hi,
                lo,
                hi - lo,
                f"The OBC's savings imply a different cost per {event.replace('_', ' ')} in "
                f"each strand ({listed}): {hi / lo:.1f} times from lowest to highest. They do "
                "not rest on one consistent set of unit costs.",
            )
        )
    return out


def group(findings: list[Finding]) -> list[Finding]:
    """One finding per fault: the root, with the cells the others concern."""
    parent = list(range(len(findings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[object, ...], int] = {}
    for i, f in enumerate(findings):
        keys: list[tuple[object, ...]] = [("cell", f.table, f.strand, f.agency, f.measure)]
        if f.check == "scenario_vs_published":
            keys = [("cell", STRAND_TABLE if f.strand != "all" else f.table, *keys[0][2:])]
        if f.check == "missing_total":
            keys.append(("missing", f.table, f.strand))
        if f.difference is not None and f.check not in ("unit_cost_spread",):
            keys.append(("amount", f.strand, round(abs(f.difference))))
        for key in keys:
            if key in first:
                parent[find(i)] = find(first[key])
            else:
                first[key] = i
    members: dict[object, list[int]] = defaultdict(list)
    for i in range(len(findings)):
        root_i = find(i)
        alone = all(f.check == "scenario_vs_published" for f in _members(findings, find, root_i))
        # a scenario's own differences (no fault of the OBC behind them): one per table
        members[("scenario", findings[i].table, findings[i].strand) if alone else root_i].append(i)
    out = []
    for group_ in members.values():
        rank = min(group_, key=lambda i: (_rank(findings[i].check), i))
        root = findings[rank]
        others = [_cell(findings[i]) for i in group_ if i != rank]
        if root.check == "scenario_vs_published" and len(group_) > 1:
            title = _title(root.table, root.strand)
            root = replace(
                root,
                message=f"The scenario differs from {title} in {len(group_)} cells, where its "
                f"inputs differ from the OBC's. The first: {root.message}",
            )
        out.append(replace(root, propagates_to="; ".join(dict.fromkeys(others)), cells=len(group_)))
    return out  # in the order of each fault's first cell


def _members(findings: list[Finding], find: Callable[[int], int], root: int) -> list[Finding]:
    return [f for i, f in enumerate(findings) if find(i) == root]


def _rank(check: str) -> int:
    return ROOTS.index(check) if check in ROOTS else len(ROOTS)


def by_fault(
    tables: pd.DataFrame,
    investment: pd.DataFrame | None = None,
    computed: pd.DataFrame | None = None,
    name: str = "",
    scn: Scenario | None = None,
    grouped: bool = True,
) -> list[Finding]:
    """Every distinct fault: the cell-level checks and the text grouped, then the spread of
    the back-solved unit costs (with a scenario). `grouped=False`: the cell-level checks of
    the tables alone, one finding per failing cell (`reconcile`)."""
    if not grouped:
        return reconcile(tables, investment, computed, name)
    cells = reconcile(tables, investment, computed, name) + check_text(tables)
    return group(cells) + (check_spread(scn) if scn is not None else [])
