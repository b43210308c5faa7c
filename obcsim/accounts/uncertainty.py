"""The case under uncertainty: which inputs are uncertain, and the case's NPVs for many
parameter sets at once.

`inputs(scn)` lists every uncertain value of the scenario (every `Dist` that is not fixed),
with a plain-words label and the group a board would commission evidence on (a strand's volume,
its take-up and completion, its reoffending, its effect, its costs; the unit-cost basis).
`Evaluator` is the closed form of the expected case (`model.expected` over arrays) with the
horizon folded in: every NPV is linear in each year's figures, so a strand's present value is
its annual saving times one factor per strand (the discounted activity profile), less its costs
times their discounted profiles and the optimism-bias uplift. It evaluates parameter sets as
rows of a matrix, in chunks, for sensitivity and value-of-information sweeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from obcsim.accounts.ledger import expected_annual
from obcsim.accounts.money import STRAND_LABELS, agency_label
from obcsim.accounts.years import Settings, discount_factors, profiles
from obcsim.case.distributions import Dist
from obcsim.case.scenario import PROGRAMME, Scenario
from obcsim.model.expected import BASE, MEAN, Reader

CHUNK = 200_000  # parameter sets per evaluation chunk: bounds memory at about 100 MB
GROUPS = {
    "cohort": "volume",
    "uptake": "take-up and completion",
    "completion": "take-up and completion",
    "diversion": "diversion",
    "share": "reoffending without",
    "reoffend_without": "reoffending without",
    "reoffend_with": "effect",
    "reduction": "effect",
    "offences_per_reoffender": "effect",
    "costs": "costs",
}
WORDS = {
    "cohort": "cohort",
    "uptake": "uptake",
    "completion": "completion / compliance",
    "diversion": "share diverted from arrest or prosecution",
    "share": "share",
    "reoffend_without": "reoffending without",
    "reoffend_with": "reoffending with",
    "reduction": "relative reduction in reoffending",
    "offences_per_reoffender": "offences per reoffender",
    "hearings": "hearings per arrest",
    "arrest": "arrests per episode",
    "community_order": "community orders per arrest",
    "custody": "custody per arrest",
    "charge": "police charge per avoided prosecution",
}


@dataclass(frozen=True)
class Input:
    """One uncertain value: where it is, what it is called, its evidence group, its law."""

    key: str
    label: str
    group: str
    dist: Dist

    @property
    def mean(self) -> float:
        return self.dist.expected()

    @property
    def base(self) -> float:
        return self.dist.point()

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.dist.ppf(u)


def walk(x: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Dist]]:
    """Every `Dist` in a scenario with its path, in declaration order."""
    if isinstance(x, Dist):
        yield path, x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from walk(v, (*path, k))
    elif isinstance(x, list | tuple):
        for i, v in enumerate(x):
            yield from walk(v, (*path, i))
    elif isinstance(x, BaseModel):
        for k in type(x).model_fields:
            yield from walk(getattr(x, k), (*path, k))


def _describe(scn: Scenario, path: tuple[Any, ...]) -> tuple[str, str]:
    """(label, group) in plain words."""
    if path[0] != "strands":
        if path[0] == "programme_costs":
            return f"Programme: {scn.programme_costs[path[1]].label}", "programme costs"
        what = "unit-cost scale" if path[0] == "unit_cost_scale" else " ".join(map(str, path))
        return f"Unit costs: {what}", "unit costs"
    strand = str(path[1])
    name = STRAND_LABELS.get(strand, strand)
    name = name[:1].upper() + name[1:]
    field = str(path[-1])
    if path[2] == "costs":
        item = scn.strand(strand).costs[path[3]]
        return f"{name}: {item.label} ({agency_label(item.agency)})", f"{name}: costs"
    if path[2] == "breach":
        breach = scn.strand(strand).breach
        assert breach is not None
        return f"{name}: cost of a breach ({agency_label(breach.agency)})", f"{name}: costs"
    if path[2] in ("unit_costs", "cascade"):
        return f"{name}: {WORDS.get(field, field)} (unit costs)", "unit costs"
    group = (
        f" ({str(path[3]).replace('_', ' ')})"
        if path[2] == "groups" and len(scn.strand(strand).groups) > 1
        else ""
    )
    return f"{name}: {WORDS.get(field, field)}{group}", f"{name}: {GROUPS.get(field, field)}"


def inputs(scn: Scenario) -> list[Input]:
    """Every uncertain value of the scenario, in a fixed order."""
    out = []
    for path, d in walk(scn):
        if not d.is_fixed:
            label, group = _describe(scn, path)
            out.append(Input(".".join(map(str, path)), label, group, d))
    return out


def reader(items: list[Input], x: np.ndarray) -> Reader:
    """Read each uncertain value from its column of `x` (rows: parameter sets), every other
    value at its point (fixed values: point = mean)."""
    columns = {id(i.dist): x[:, j] for j, i in enumerate(items)}

    def value(d: Dist) -> Any:
        column = columns.get(id(d))
        return d.point() if column is None else column

    return value


class Evaluator:
    """NPVs of the expected case for parameter sets: `evaluate(X)` -> outcome -> array."""

    def __init__(self, scn: Scenario, settings: Settings) -> None:
        self.scenario, self.settings = scn, settings
        self.inputs = inputs(scn)
        factors = discount_factors(settings.years, settings.discount_rate)
        prof = profiles(scn, settings)
        uplift = 1.0 + settings.optimism_bias
        self._benefit = {s: float(factors @ p.activity) for s, p in prof.items()}
        self._cost = {
            (s, kind): uplift * float(factors @ getattr(p, kind))
            for s, p in prof.items()
            for kind in ("operating", "setup")
        }

    @property
    def outcomes(self) -> list[str]:
        strands = [f"strand:{s}" for s, _ in self.scenario.costed()]
        return ["programme", *self.scenario.agencies, *strands]

    def at(self, value: Reader) -> dict[str, np.ndarray]:
        """The NPVs with every input read by `value`."""
        scn = self.scenario
        year = expected_annual(scn, value)
        agency = {a: np.zeros(1) for a in scn.agencies}
        strand = {s: np.zeros(1) for s in [*year.gross, PROGRAMME]}
        for s, by_agency in year.gross.items():
            for a, g in by_agency.items():
                pv = self._benefit[s] * np.asarray(g, float)
                agency[a] = agency[a] + pv
                strand[s] = strand[s] + pv
        for (s, a, kind), c in year.costs.items():
            pv = self._cost[(s, kind)] * np.asarray(c, float)
            agency[a] = agency[a] - pv
            strand[s] = strand[s] - pv
        out = {"programme": sum(agency.values(), np.zeros(1))}
        out.update(agency)
        out.update({f"strand:{s}": v for s, v in strand.items() if s != PROGRAMME})
        return out

    def evaluate(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """NPVs for each row of `x` (columns: `self.inputs`), computed in chunks."""
        x = np.atleast_2d(np.asarray(x, float))
        n = len(x)
        parts = []
        for start in range(0, n, CHUNK):
            block = x[start : start + CHUNK]
            got = self.at(reader(self.inputs, block))
            parts.append({k: np.broadcast_to(v, (len(block),)) for k, v in got.items()})
        return {k: np.concatenate([p[k] for p in parts]) for k in self.outcomes}


def base_and_expected(evaluator: Evaluator) -> pd.DataFrame:
    """Per outcome: the base case's NPV (the case's own points), the expected value's (the
    distributions' means), and the gap: how optimistic the point estimates are."""
    base, mean = evaluator.at(BASE), evaluator.at(MEAN)
    rows = [
        {
            "outcome": k,
            "base_case": float(base[k][0]),
            "expected_value": float(mean[k][0]),
            "optimism": float(base[k][0] - mean[k][0]),
        }
        for k in evaluator.outcomes
    ]
    return pd.DataFrame(rows)
