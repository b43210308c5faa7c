"""Editing a scenario: the values a board member may change, applied and validated.

`editable(scn)` lists the assumptions that matter (per strand: cohort, uptake, completion,
diversion, reoffending with and without, costs and who pays them; unit costs), each with its
current base value and its `source:` note. `apply(scn, edits)` returns a new validated scenario, or
raises `InputError` naming the field. `to_yaml(scn)` writes a scenario `obcsim` can re-run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from obcsim.case.distributions import Dist, Value
from obcsim.case.load import scenario_from_data
from obcsim.case.scenario import EVENTS, Scenario
from obcsim.case.words import EVENT_WORDS, STRAND_LABELS, agency_label
from obcsim.errors import InputError

Path = tuple[str | int, ...]
_VALUE: TypeAdapter[Dist] = TypeAdapter(Value)


@dataclass(frozen=True)
class Field:
    """One editable assumption."""

    path: Path
    group: str  # strand name, or "unit_costs"
    label: str
    kind: str  # "probability", "count", "money" or "agency"
    value: float | str
    source: str | None


def _dist_field(path: Path, group: str, label: str, kind: str, d: Dist) -> Field:
    return Field(path, group, label, kind, d.point(), d.source)


def editable(scn: Scenario) -> list[Field]:
    """The assumptions the board may edit, grouped by strand and then unit costs."""
    out: list[Field] = []
    for name, s in scn.costed():
        base: Path = ("strands", name)
        assert s.cohort is not None
        out.append(
            _dist_field((*base, "cohort"), name, "cohort (people a year)", "count", s.cohort)
        )
        for attr, label in (
            ("uptake", "uptake"),
            ("completion", "completion / compliance"),
            ("diversion", "share diverted from arrest or prosecution"),
        ):
            out.append(_dist_field((*base, attr), name, label, "probability", getattr(s, attr)))
        for g, grp in s.groups.items():
            tag = "" if len(s.groups) == 1 else f" ({g.replace('_', ' ')})"
            if grp.share is not None and len(s.groups) > 1:
                out.append(
                    _dist_field(
                        (*base, "groups", g, "share"), name, f"share{tag}", "probability", grp.share
                    )
                )
            out.append(
                _dist_field(
                    (*base, "groups", g, "reoffend_without"),
                    name,
                    f"reoffending without{tag}",
                    "probability",
                    grp.reoffend_without,
                )
            )
            effect = grp.effect
            out.append(
                _dist_field(
                    (*base, "groups", g, effect),
                    name,
                    f"reoffending with{tag}"
                    if effect == "reoffend_with"
                    else f"relative reduction in reoffending{tag}",
                    "probability",
                    getattr(grp, effect),
                )
            )
        for i, item in enumerate(s.costs):
            label = f"{item.kind} {item.type}: {item.label}"
            out.append(
                _dist_field((*base, "costs", i, "amount"), name, label, "money", item.amount)
            )
            out.append(
                Field(
                    (*base, "costs", i, "agency"),
                    name,
                    f"{label}: paid by",
                    "agency",
                    item.agency,
                    item.source,
                )
            )
    for event in EVENTS:
        uc = scn.unit_costs[event]
        what = f"{agency_label(uc.agency)}'s cost of {EVENT_WORDS[event]}"
        if uc.cost is not None:
            out.append(
                _dist_field(
                    ("unit_costs", event, "cost"),
                    "unit_costs",
                    f"{what}, all strands",
                    "money",
                    uc.cost,
                )
            )
        for name, s in scn.costed():
            own = s.unit_costs.get(event)
            if own is not None:
                out.append(
                    _dist_field(
                        ("strands", name, "unit_costs", event),
                        "unit_costs",
                        f"{what}, {STRAND_LABELS.get(name, name)} only",
                        "money",
                        own,
                    )
                )
    return out


def get(data: Any, path: Path) -> Any:
    """The value at `path` in plain scenario data."""
    for key in path:
        data = data[key]
    return data


def put(data: Any, path: Path, value: Any) -> None:
    """Set the value at `path` in plain scenario data."""
    get(data, path[:-1])[path[-1]] = value


def dist_at(data: Any, path: Path) -> Dist:
    """The uncertain value at `path` in plain scenario data, as a `Dist`."""
    return _VALUE.validate_python(get(data, path))


def scenario_data(scn: Scenario) -> dict[str, Any]:
    """The scenario as plain YAML-ready data (every value as `Dist.to_yaml` writes it)."""

    def plain(x: Any) -> Any:
        if isinstance(x, Dist):
            return x.to_yaml()
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items() if v is not None}
        if isinstance(x, list | tuple):
            return [plain(v) for v in x]
        if isinstance(x, BaseModel):
            return plain({k: getattr(x, k) for k in type(x).model_fields})
        if hasattr(x, "isoformat"):
            return x.isoformat()
        return x

    data: dict[str, Any] = plain(scn)
    return data


def apply(
    scn: Scenario, edits: Mapping[Path, float | str], source: str = "edits", base_only: bool = False
) -> Scenario:
    """A new scenario with `edits` (path -> new value, or agency name) applied and validated.
    A new value becomes the value's base and its distribution's mean; with `base_only`, only
    its base (the base case moves, the evidence does not)."""
    data = scenario_data(scn)
    for path, new in edits.items():
        field = ".".join(map(str, path))
        try:
            old = get(data, path)
        except (KeyError, IndexError, TypeError):
            raise InputError(source, field, "no such field in this scenario") from None
        if isinstance(new, str):
            put(data, path, new)
            continue
        try:
            dist = _VALUE.validate_python(old)
            if base_only and not dist.is_fixed:
                dist = dist.model_copy(update={"base": float(new)})
            else:
                dist = dist.with_mean(float(new))
        except (ValidationError, ValueError) as exc:
            raise InputError(source, field, str(exc).splitlines()[0]) from None
        put(data, path, dist.to_yaml())
    return scenario_from_data(data, source)


def to_yaml(scn: Scenario) -> str:
    """YAML text that `obcsim` loads back into the same scenario."""
    return yaml.safe_dump(scenario_data(scn), sort_keys=False, allow_unicode=True, width=100)
