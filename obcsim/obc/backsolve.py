"""Back-solving the OBC's hidden unit costs from its published savings.

The OBC keeps its unit costs in an unpublished document. Given the scenario's cohorts and
probabilities (which fix E_s, the avoided episodes of each strand), each published gross saving
pins down one unknown:

* CPS and court: every NJP, coaches and conditional-caution saving is a whole multiple of one
  amount per agency (their greatest common divisor: £125 CPS, £192 court), with the same
  multiples for both (85, 36, 880 units of avoided hearings). So the unit cost per hearing is
  common to all strands, and what each strand's figure pins down is its mean hearings per arrest.
* Every other agency bears one event (police: arrest; probation: community order; prison:
  custody), so its saving pins down that event's cost per strand: S / (E_s * count).

Each value is rounded to the fewest decimals that still reproduce the published pound to the
penny, and comes with a `source:` note saying how it was derived.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from obcsim.case.scenario import EVENTS, Scenario, event_counts
from obcsim.model import expected
from obcsim.obc.published import published_gross, published_tables

HEARING_EVENTS = ("cps_hearing", "court_hearing")
TOLERANCE = 0.005  # the reproduced saving must be within half a penny


@dataclass(frozen=True)
class Derived:
    """One back-solved value: where it goes in the scenario, the value and its note."""

    path: tuple[str, ...]
    value: float
    source: str


def common_unit(savings: list[float]) -> int:
    """The greatest common divisor of the non-zero savings (whole pounds)."""
    whole = [round(s) for s in savings if s]
    if not whole or any(
        not math.isclose(w, s) for w, s in zip(whole, [s for s in savings if s], strict=True)
    ):
        raise ValueError("savings must be whole pounds to find a common unit cost")
    return math.gcd(*whole)


def shortest(value: float, factor: float, target: float) -> float:
    """`value` rounded to the fewest decimals with |factor * rounded - target| <= half a penny."""
    for decimals in range(0, 13):
        rounded = round(value, decimals)
        if abs(factor * rounded - target) <= TOLERANCE:
            return rounded
    return value


def _money(x: float) -> str:
    return f"£{x:,.0f}"


def backsolve(scn: Scenario) -> list[Derived]:
    """The unit costs and hearings that make the scenario reproduce the published savings."""
    tables = published_tables()
    out: list[Derived] = []
    strands = [name for name, _ in scn.costed()]
    episodes = {s: expected.avoided_episodes(scn, s) for s in strands}

    units: dict[str, dict[str, int]] = {}
    for event in HEARING_EVENTS:
        agency = scn.agency_of(event)
        savings = {s: published_gross(s, agency, tables) for s in strands}
        unit = common_unit(list(savings.values()))
        units[event] = {s: round(v) // unit for s, v in savings.items()}
        table = ", ".join(f"{s} {_money(v)}" for s, v in savings.items() if v)
        out.append(
            Derived(
                ("unit_costs", event, "cost"),
                float(unit),
                f"back-solved (obcsim backsolve): greatest common divisor of the published "
                f"{agency} gross savings ({table}); each is a whole number of {_money(unit)} units",
            )
        )
    first, second = (units[e] for e in HEARING_EVENTS)
    if first != second:
        raise ValueError(
            f"CPS and court savings imply different hearing counts: {first} vs {second}"
        )
    costs = {e: out[i].value for i, e in enumerate(HEARING_EVENTS)}

    for s in strands:
        arrests = episodes[s] * scn.cascade_for(s)["arrest"].point()
        n = first[s]
        if n and not arrests:
            raise ValueError(f"{s}: published CPS/court savings but no arrests to carry them")
        if arrests:
            hearings = shortest(n / arrests, arrests * max(costs.values()), n * max(costs.values()))
            out.append(
                Derived(
                    ("strands", s, "cascade", "hearings"),
                    hearings,
                    f"back-solved (obcsim backsolve): {n} avoided hearings (the published CPS and "
                    f"court savings / {_money(costs['cps_hearing'])} and "
                    f"{_money(costs['court_hearing'])}) / {arrests:g} avoided arrests",
                )
            )
        counts = event_counts(scn.cascade_for(s))
        for event in EVENTS:
            if event in HEARING_EVENTS:
                continue
            agency = scn.agency_of(event)
            saving = published_gross(s, agency, tables)
            per_episode = episodes[s] * counts[event]
            if per_episode == 0:
                if saving:
                    raise ValueError(f"{s}: published {agency} saving but no {event} events")
                continue
            if event == "arrest" and scn.strand(s).charge is not None:
                out.append(_charge(scn, s, saving, episodes[s], counts[event]))
                continue
            cost = shortest(saving / per_episode, per_episode, saving)
            out.append(
                Derived(
                    ("strands", s, "unit_costs", event),
                    cost,
                    f"back-solved (obcsim backsolve): published {s} {agency} gross saving "
                    f"{_money(saving)} / ({episodes[s]:g} avoided episodes x {counts[event]:g} "
                    f"{event} per episode)",
                )
            )
    return out


def _charge(scn: Scenario, s: str, saving: float, episodes: float, arrests: float) -> Derived:
    """A strand that diverts from prosecution: its reoffences' arrests cost what the scenario
    says an arrest costs, and the charge is what is left of the police saving per index
    episode (the tables fix only their sum)."""
    strand = scn.strand(s)
    assert strand.cohort is not None
    index = (
        strand.cohort.point()
        * strand.uptake.point()
        * strand.completion.point()
        * strand.diversion.point()
    )
    arrest = scn.unit_cost_dist(s, "arrest")
    price = 0.0 if arrest is None else arrest.point()
    reoffences = (episodes - index) * arrests
    rest = saving - reoffences * price
    charge = shortest(rest / (index * arrests), index * arrests, rest)
    return Derived(
        ("strands", s, "charge"),
        charge,
        f"back-solved (obcsim backsolve): published {s} police gross saving {_money(saving)}, "
        f"less {reoffences:g} avoided reoffence arrests at {_money(price)}, / {index * arrests:g} "
        "avoided prosecutions (their people were already arrested)",
    )


def current_value(scn: Scenario, path: tuple[str, ...]) -> float | None:
    """The scenario's present (mean) value at a back-solve path, or None if unset."""
    if path[0] == "unit_costs":
        cost = scn.unit_costs[path[1]].cost
        return None if cost is None else cost.point()
    strand = scn.strand(path[1])
    if path[2] == "cascade":
        d = getattr(strand.cascade, path[3])
        return None if d is None else d.point()
    if path[2] == "charge":
        return None if strand.charge is None else strand.charge.point()
    d = strand.unit_costs.get(path[3])
    return None if d is None else d.point()
