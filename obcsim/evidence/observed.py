"""Observed outcomes: the evaluators' CSV, read strictly, and synthetic data from the model.

Two layouts are accepted (the header decides which):

* outcomes, one row per strand, group and period: `strand, group, period_start, period_end,
  people, completed, reoffended, offences`, with `group` `intervention` or `comparison`,
  `completed` (or `complied`) the people who completed or complied, `reoffended` the people with
  a proven reoffence within 12 months, `offences` their proven reoffences; optionally `subgroup`
  (a group of the strand in the scenario, such as `statutory`) and `cost_<agency>` (actual
  costs in the period).
* a Justice Data Lab style summary, one row per strand: `strand, treatment_people,
  treatment_rate, comparison_people, comparison_rate, difference_low, difference_high`
  (one-year proven reoffending rates and the interval of their difference), optionally
  `subgroup`, `period_start`, `period_end`.

Every problem is an `InputError` naming the file, the row (its line in the file) and the column.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from obcsim.case.inputs import read_input
from obcsim.case.safeyaml import MAX_BYTES
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.evidence.dialect import date_text, decode, number_text, read_table

OUTCOMES = (
    "strand",
    "group",
    "period_start",
    "period_end",
    "people",
    "completed",
    "reoffended",
    "offences",
)
SUMMARY = (
    "strand",
    "treatment_people",
    "treatment_rate",
    "comparison_people",
    "comparison_rate",
    "difference_low",
    "difference_high",
)
GROUPS = ("intervention", "comparison")
MAX_PEOPLE = 1_000_000_000  # people (or offences) in one row
ROUNDING = 0.005  # how far a JDL difference may lie outside its interval (rates to 2 places)


@dataclass(frozen=True)
class Row:
    """One strand x group x period of observed outcomes (JDL summaries give two rows)."""

    line: int
    strand: str
    group: str
    subgroup: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    people: int
    completed: int | None
    reoffended: int
    offences: int | None
    costs: dict[str, float] = field(default_factory=dict)
    difference_interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class Observed:
    source: str
    sha256: str
    rows: tuple[Row, ...]

    def period(self) -> str:
        starts = [r.period_start for r in self.rows if r.period_start]
        ends = [r.period_end for r in self.rows if r.period_end]
        if not starts or not ends:
            return "period not stated"
        return f"{min(starts).isoformat()} to {max(ends).isoformat()}"


class _Reader:
    def __init__(self, source: str, scn: Scenario, separator: str = ",") -> None:
        self.source, self.scn, self.separator = source, scn, separator

    def fail(self, line: int | None, column: str, rule: str) -> InputError:
        where = ", ".join(
            p for p in (f"row {line}" if line else "", f"column {column}" if column else "") if p
        )
        return InputError(self.source, where, rule)

    def count(self, rec: dict[str, str], line: int, col: str, optional: bool = False) -> int | None:
        text = (rec.get(col) or "").strip()
        if not text:
            if optional:
                return None
            raise self.fail(line, col, "is empty; a count is needed")
        try:
            value = number_text(text, self.separator)
        except ValueError:
            raise self.fail(line, col, f"must be a whole number; got {text!r}") from None
        if not np.isfinite(value) or not value.is_integer():
            raise self.fail(line, col, f"must be a whole number; got {text!r}")
        if value < 0:
            raise self.fail(line, col, f"must not be negative; got {text}")
        if value > MAX_PEOPLE:
            raise self.fail(line, col, f"must be at most {MAX_PEOPLE:,} (a limit); got {text}")
        return int(value)

    def number(self, rec: dict[str, str], line: int, col: str, lo: float, hi: float) -> float:
        text = (rec.get(col) or "").strip()
        if not text:
            raise self.fail(line, col, "is empty; a number is needed")
        try:
            value = number_text(text, self.separator)
        except ValueError:
            raise self.fail(line, col, f"must be a number; got {text!r}") from None
        if not np.isfinite(value) or not lo <= value <= hi:
            raise self.fail(line, col, f"must lie in [{lo:g}, {hi:g}]; got {text}")
        return value

    def date(self, rec: dict[str, str], line: int, col: str, optional: bool) -> dt.date | None:
        text = (rec.get(col) or "").strip()
        if not text and optional:
            return None
        try:
            return date_text(text)
        except ValueError:
            raise self.fail(
                line, col, f"must be a date like 2014-07-01 or 01/07/2014; got {text!r}"
            ) from None

    def period(self, rec: dict[str, str], line: int, optional: bool) -> tuple[dt.date | None, ...]:
        start = self.date(rec, line, "period_start", optional)
        end = self.date(rec, line, "period_end", optional)
        if start and end and end <= start:
            raise self.fail(
                line,
                "period_end",
                f"the period ends ({end}) on or before it starts ({start}): dates out of order",
            )
        return start, end

    def strand(self, rec: dict[str, str], line: int) -> tuple[str, str | None]:
        name = (rec.get("strand") or "").strip().lower()
        strands = [n for n, _ in self.scn.costed()]
        if name not in strands:
            raise self.fail(line, "strand", f"unknown strand {name!r}; strands are {strands}")
        groups = list(self.scn.strand(name).groups)
        sub = (rec.get("subgroup") or "").strip() or None
        sub = next((g for g in groups if sub is not None and g.lower() == sub.lower()), sub)
        if sub is not None and sub not in groups:
            raise self.fail(
                line, "subgroup", f"unknown group {sub!r} of {name}; groups are {groups}"
            )
        return name, sub

    def header(self, columns: list[str], required: tuple[str, ...]) -> None:
        allowed = {
            *required,
            "subgroup",
            "complied",
            "period_start",
            "period_end",
            *(f"cost_{a}" for a in self.scn.agencies),
        }
        for col in columns:
            if col not in allowed:
                near = difflib.get_close_matches(col, sorted(allowed), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise self.fail(1, col, f"unknown column{hint}")
        missing = [c for c in required if c not in columns]
        if missing:
            layout = "a Justice Data Lab summary" if required == SUMMARY else "outcomes"
            raise self.fail(1, missing[0], f"required column is missing (for {layout})")


def read(data: bytes, source: str, scn: Scenario) -> Observed:
    """Parse and check observed outcomes (either layout) against the scenario's strands."""
    if len(data) > MAX_BYTES:
        raise InputError(source, "", f"the file is larger than {MAX_BYTES:,} bytes")
    text = decode(data, source)
    if not text.strip():
        raise InputError(source, "", "the file is empty")
    table = read_table(text, source)
    r = _Reader(source, scn, table.separator)
    columns = table.columns
    summary = any(c in columns for c in SUMMARY if c not in OUTCOMES)
    if not summary and "complied" in columns and "completed" not in columns:
        columns = ["completed" if c == "complied" else c for c in columns]
        table = type(table)(
            table.separator,
            columns,
            [
                (n, {"completed" if k == "complied" else k: v for k, v in rec.items()})
                for n, rec in table.rows
            ],
        )
    r.header(columns, SUMMARY if summary else OUTCOMES)
    rows: list[Row] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, rec in table.rows:
        strand, sub = r.strand(rec, line)
        if summary:
            new = _summary_rows(r, rec, line, strand, sub)
        else:
            new = [_outcome_row(r, rec, line, strand, sub)]
        key = (new[0].strand, new[0].group, new[0].subgroup, new[0].period_start, new[0].period_end)
        if key in seen:
            raise r.fail(
                line,
                "",
                f"repeats row {seen[key]}: the same strand, group, subgroup and period "
                "(each is counted once; add them up in one row)",
            )
        seen[key] = line
        rows += new
    if not rows:
        raise r.fail(None, "", "the file has a header but no rows")
    return Observed(source, hashlib.sha256(data).hexdigest(), tuple(rows))


def _outcome_row(r: _Reader, rec: dict[str, str], line: int, strand: str, sub: str | None) -> Row:
    group = (rec.get("group") or "").strip().lower()
    if group not in GROUPS:
        raise r.fail(line, "group", f"must be one of {list(GROUPS)}; got {group!r}")
    start, end = r.period(rec, line, optional=False)
    people = r.count(rec, line, "people")
    completed = r.count(rec, line, "completed", optional=True)
    reoffended = r.count(rec, line, "reoffended")
    offences = r.count(rec, line, "offences", optional=True)
    assert people is not None and reoffended is not None
    for col, value in (("completed", completed), ("reoffended", reoffended)):
        if value is not None and value > people:
            raise r.fail(line, col, f"{value} is more than the {people} people")
    if offences is not None and offences < reoffended:
        raise r.fail(
            line,
            "offences",
            f"{offences} offences for {reoffended} people who "
            "reoffended: each reoffender has at least one",
        )
    costs = {}
    for agency in r.scn.agencies:
        text = (rec.get(f"cost_{agency}") or "").strip()
        if text:
            costs[agency] = r.number(rec, line, f"cost_{agency}", 0.0, 1e12)
    return Row(line, strand, group, sub, start, end, people, completed, reoffended, offences, costs)


def _summary_rows(
    r: _Reader, rec: dict[str, str], line: int, strand: str, sub: str | None
) -> list[Row]:
    start, end = r.period(rec, line, optional=True)
    low = r.number(rec, line, "difference_low", -1.0, 1.0)
    high = r.number(rec, line, "difference_high", -1.0, 1.0)
    if high < low:
        raise r.fail(line, "difference_high", "the interval's top is below its bottom")
    rates = [r.number(rec, line, f"{p}_rate", 0.0, 1.0) for p in ("treatment", "comparison")]
    difference = rates[0] - rates[1]
    if not low - ROUNDING <= difference <= high + ROUNDING:
        raise r.fail(
            line,
            "difference_low",
            f"the interval [{low:g}, {high:g}] does not hold the rates' own difference "
            f"({rates[0]:g} - {rates[1]:g} = {difference:+.3f}): check the columns",
        )
    out = []
    for group, prefix in (("intervention", "treatment"), ("comparison", "comparison")):
        people = r.count(rec, line, f"{prefix}_people")
        assert people is not None
        if people == 0:
            raise r.fail(line, f"{prefix}_people", "must be at least 1")
        rate = r.number(rec, line, f"{prefix}_rate", 0.0, 1.0)
        out.append(
            Row(
                line,
                strand,
                group,
                sub,
                start,
                end,
                people,
                None,
                round(rate * people),
                None,
                {},
                (low, high),
            )
        )
    return out


def load(path: str | Path, scn: Scenario) -> Observed:
    """Read and check an observed-outcomes file (its size checked before it is read)."""
    return read(read_input(path, MAX_BYTES), str(path), scn)


def synthetic(
    scn: Scenario,
    strand: str,
    people: int,
    completion: float,
    reoffend_with: float,
    reoffend_without: float,
    offences_per_reoffender: float,
    seed: int,
    start: str = "2013-07-01",
    end: str = "2014-06-30",
) -> str:
    """Outcomes CSV drawn from the model's own laws at known rates: data for the walkthrough
    and the tests. The intervention group is intention to treat, as the model counts it:
    completed ~ Bin(people, completion); completers reoffend at `reoffend_with`, the others at
    `reoffend_without`; the comparison group at `reoffend_without`; each reoffender commits
    1 + Poisson(offences_per_reoffender - 1) offences."""
    if strand not in dict(scn.costed()):
        raise ValueError(f"{strand!r} is not a costed strand of {scn.name!r}")
    rng = np.random.default_rng(seed)
    lines = [",".join(OUTCOMES)]
    done = int(rng.binomial(people, completion))
    for group in GROUPS:
        if group == "intervention":
            completed = str(done)
            reoffended = int(rng.binomial(done, reoffend_with))
            reoffended += int(rng.binomial(people - done, reoffend_without))
        else:
            completed = ""
            reoffended = int(rng.binomial(people, reoffend_without))
        offences = reoffended + int(rng.poisson(reoffended * (offences_per_reoffender - 1)))
        lines.append(f"{strand},{group},{start},{end},{people},{completed},{reoffended},{offences}")
    return "\n".join(lines) + "\n"
