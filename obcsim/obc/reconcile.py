"""Reconciliation: the OBC's published tables checked against themselves and against a scenario.

The checks are general rules, not a list of known answers: rows add up to totals; annual impact
is gross saving plus operating cost; year-1 impact is annual impact plus set-up; the strand
tables add up to the programme table (Table 1); Table 1 agrees with Table 2 organisation by
organisation; a cost is never an inflow. Every finding says, in a sentence, what is wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from obcsim.accounts.ledger import MEASURES
from obcsim.accounts.money import MEASURE_LABELS, STRAND_LABELS, agency_label, gbp
from obcsim.obc.published import PROGRAMME_TABLE, STRAND_TABLE

TOLERANCE = 0.5  # published figures are whole pounds
# (check, measure, first, second): measure = first + second in every row.
IDENTITIES = (
    ("impact_identity", "annual_impact", "gross_saving", "operating_cost"),
    ("year1_identity", "year1_impact", "annual_impact", "setup_cost"),
)


@dataclass(frozen=True)
class Finding:
    check: str
    table: str
    strand: str
    agency: str
    measure: str
    published: float | None
    implied: float
    difference: float | None
    message: str
    propagates_to: str = ""  # the other cells a fault reaches ("; "-separated)
    cells: int = 1  # how many cell-level findings the fault accounts for

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _title(table: str, strand: str) -> str:
    if table == PROGRAMME_TABLE:
        return "Table 1 (programme)"
    if table == "table2_investment":
        return "Table 2 (investment)"
    return f"the {STRAND_LABELS.get(strand, strand)} table"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finding(
    check: str,
    row: pd.Series | dict,
    measure: str,
    published: float | None,
    implied: float,
    message: str,
) -> Finding:
    diff = None if published is None else published - implied
    return Finding(
        check,
        str(row["table"]),
        str(row["strand"]),
        str(row["agency"]),
        measure,
        published,
        implied,
        diff,
        message,
    )


def _differs(a: float, b: float) -> bool:
    return abs(a - b) > TOLERANCE


def check_rows(tables: pd.DataFrame) -> list[Finding]:
    """Identities within each row, sign rules, and agency rows against the total row."""
    out: list[Finding] = []
    for _, r in tables.iterrows():
        where = f"In {_title(r.table, r.strand)}, {agency_label(r.agency)}"
        for check, measure, first, second in IDENTITIES:
            implied = r[first] + r[second]
            if _differs(r[measure], implied):
                out.append(
                    _finding(
                        check,
                        r,
                        measure,
                        r[measure],
                        implied,
                        f"{where}: {MEASURE_LABELS[measure]} should be {MEASURE_LABELS[first]} "
                        f"plus {MEASURE_LABELS[second]} ({gbp(r[first])} + {gbp(r[second])} = "
                        f"{gbp(implied)}), but the table shows {gbp(r[measure])}.",
                    )
                )
        if r.agency == "total":
            continue
        if r.gross_saving < 0:
            out.append(
                _finding(
                    "sign",
                    r,
                    "gross_saving",
                    r.gross_saving,
                    0.0,
                    f"{where}: the gross saving is negative ({gbp(r.gross_saving)}); a cost "
                    f"belongs in the cost columns, so this is probably a sign error.",
                )
            )
        for m in ("operating_cost", "setup_cost"):
            if r[m] > 0:
                out.append(
                    _finding(
                        "sign",
                        r,
                        m,
                        r[m],
                        -r[m],
                        f"{where}: the {MEASURE_LABELS[m]} is shown as an inflow ({gbp(r[m])}); a "
                        f"cost is never an inflow, so this is probably a sign error and should "
                        f"read {gbp(-r[m])}.",
                    )
                )
    for (table, strand), block in tables.groupby(["table", "strand"], sort=False):
        table, strand = str(table), str(strand)
        rows, total = block[block.agency != "total"], block[block.agency == "total"]
        for m in MEASURES:
            implied = float(rows[m].sum())
            head = {"table": table, "strand": strand, "agency": "total"}
            if total.empty:
                out.append(
                    _finding(
                        "missing_total",
                        head,
                        m,
                        None,
                        implied,
                        f"{_upper_first(_title(table, strand))} has no total row; its rows "
                        f"add up to {gbp(implied)} {MEASURE_LABELS[m]}.",
                    )
                )
            elif _differs(float(total[m].iloc[0]), implied):
                shown = float(total[m].iloc[0])
                out.append(
                    _finding(
                        "row_sum",
                        head,
                        m,
                        shown,
                        implied,
                        f"In {_title(table, strand)}, the agencies' {MEASURE_LABELS[m]} adds up "
                        f"to {gbp(implied)}, but the total row shows {gbp(shown)} "
                        f"(a difference of {gbp(shown - implied)}).",
                    )
                )
    return out


def check_strands_vs_programme(tables: pd.DataFrame) -> list[Finding]:
    """Each agency's programme figure against the sum of the strand tables."""
    out: list[Finding] = []
    programme = tables[(tables.table == PROGRAMME_TABLE) & (tables.agency != "total")]
    strands = tables[(tables.table == STRAND_TABLE) & (tables.agency != "total")]
    for _, r in programme.iterrows():
        parts = strands[strands.agency == r.agency]
        for m in MEASURES:
            implied = float(parts[m].sum())
            if _differs(r[m], implied):
                listed = ", ".join(
                    f"{STRAND_LABELS.get(p.strand, p.strand)} {gbp(p[m])}"
                    for _, p in parts.iterrows()
                    if p[m]
                )
                out.append(
                    _finding(
                        "strands_vs_programme",
                        r,
                        m,
                        r[m],
                        implied,
                        f"Table 1 shows {agency_label(r.agency)} {MEASURE_LABELS[m]} of "
                        f"{gbp(r[m])}, but the strand tables add up to {gbp(implied)} "
                        f"({listed or 'nothing'}): "
                        f"{gbp(r[m] - implied)} is not in any strand table.",
                    )
                )
    return out


def check_investment(tables: pd.DataFrame, investment: pd.DataFrame) -> list[Finding]:
    """Table 2 against itself and against Table 1, organisation by organisation."""
    out: list[Finding] = []
    t1 = tables[tables.table == PROGRAMME_TABLE].set_index("agency")
    columns = ["setup_staff", "setup_cash", "ongoing_staff", "ongoing_cash", "annual_net_benefit"]
    orgs = investment[investment.organisation != "total"]
    total = investment[investment.organisation == "total"]
    head = {"table": "table2_investment", "strand": "all", "agency": "total"}
    for c in columns:
        implied = float(orgs[c].sum())
        if not total.empty and _differs(float(total[c].iloc[0]), implied):
            shown = float(total[c].iloc[0])
            out.append(
                _finding(
                    "row_sum",
                    head,
                    c,
                    shown,
                    implied,
                    f"In Table 2, the organisations' {c.replace('_', ' ')} adds up to "
                    f"{gbp(implied)}, but the total row shows {gbp(shown)}.",
                )
            )
    pairs = [
        ("setup_cost", ("setup_staff", "setup_cash"), -1.0),
        ("operating_cost", ("ongoing_staff", "ongoing_cash"), -1.0),
        ("annual_impact", ("annual_net_benefit",), 1.0),
    ]
    for _, r in investment.iterrows():
        org = str(r.organisation)
        if org not in t1.index:
            continue
        row = {"table": "table2_investment", "strand": "all", "agency": org}
        for measure, cols, sign in pairs:
            t2 = sign * float(sum(r[c] for c in cols))
            t1v = float(t1.at[org, measure])  # type: ignore[arg-type]
            if not _differs(t2, t1v):
                continue
            name = "the total" if org == "total" else agency_label(org)
            why = ""
            if org == "total":
                missing = [a for a in t1.index if a != "total" and a not in set(orgs.organisation)]
                gap = float(t1.loc[missing, measure].sum()) if missing else 0.0
                if missing and not _differs(t1v - t2, gap):
                    why = (
                        f": Table 2 lists only {', '.join(map(agency_label, orgs.organisation))}, "
                        f"so the {gbp(gap)} of {', '.join(map(agency_label, missing))} is not in it"
                    )
                else:
                    why = (
                        ": the difference is not explained by the organisations Table 2 leaves out"
                    )
            out.append(
                _finding(
                    "table1_vs_table2",
                    row,
                    measure,
                    t2,
                    t1v,
                    f"For {name}, Table 2 implies {MEASURE_LABELS[measure]} of {gbp(t2)} "
                    f"({' + '.join(c.replace('_', ' ') for c in cols)}), but Table 1 shows "
                    f"{gbp(t1v)}{why}.",
                )
            )
    return out


def check_scenario(tables: pd.DataFrame, computed: pd.DataFrame, name: str) -> list[Finding]:
    """The scenario's computed tables against every published cell."""
    out: list[Finding] = []
    keyed = computed.set_index(["strand", "agency"])
    for _, r in tables.iterrows():
        key = (r.strand, r.agency)
        if key not in keyed.index:
            continue
        for m in MEASURES:
            value = float(keyed.loc[key, m])
            if abs(round(value) - r[m]) >= 1:
                out.append(
                    _finding(
                        "scenario_vs_published",
                        r,
                        m,
                        r[m],
                        value,
                        f"The scenario '{name}' gives {agency_label(r.agency)} {MEASURE_LABELS[m]} "
                        f"of {gbp(value)} for {STRAND_LABELS.get(r.strand, r.strand)}; the OBC "
                        f"published {gbp(r[m])} ({_title(r.table, r.strand)}).",
                    )
                )
    return out


def reconcile(
    tables: pd.DataFrame,
    investment: pd.DataFrame | None = None,
    computed: pd.DataFrame | None = None,
    name: str = "",
) -> list[Finding]:
    """Every finding: internal checks of the published tables, then the scenario comparison."""
    out = check_rows(tables) + check_strands_vs_programme(tables)
    if investment is not None:
        out += check_investment(tables, investment)
    if computed is not None:
        out += check_scenario(tables, computed, name)
    return out
