"""The scenario: a frozen, validated description of one business case, loaded from YAML.

Units and conventions (DESIGN.md): money in GBP at `price_year`, stored positive (tables show
costs negative); probabilities in [0, 1]; one row of a table is one year of the pilot.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from obcsim.case.distributions import Dist, NonNegative, Probability
from obcsim.case.pathway import Breach, Capacity, Group, _Located, _Model

# The strands the OBC costs, in its table order; housing policy is a strand with no figures.
STRANDS = ("njp", "coaches", "conditional_cautions", "iom")
PROGRAMME = "all"  # the strand key of programme-level costs and of the programme row
ALL_STRANDS = (*STRANDS, "housing_policy")
# Events of the criminal-justice cascade one episode (an offence) may start.
EVENTS = ("arrest", "cps_hearing", "court_hearing", "community_order", "custody")
CASCADE = ("arrest", "hearings", "community_order", "custody")


class Cascade(_Model):
    """What one episode (offence) starts: P(arrest), mean court hearings per arrest (each with
    CPS and court time), and P(community order) and P(custody) per arrest."""

    arrest: Probability | None = None
    hearings: NonNegative | None = None
    community_order: Probability | None = None
    custody: Probability | None = None

    @model_validator(mode="after")
    def _sentences(self) -> Cascade:
        co, cu = self.community_order, self.custody
        if co is not None and cu is not None and co.support()[1] + cu.support()[1] > 1 + 1e-12:
            raise ValueError(
                "community_order and custody are shares of one sentence: their largest "
                "values must not sum to more than 1"
            )
        return self


class UnitCost(_Model):
    """Who bears an event's cost, and (optionally) its default cost per event in GBP, at the
    scenario's price year unless `price_year` says otherwise (then it is repriced on loading:
    `case.prices`)."""

    agency: str
    cost: NonNegative | None = None
    price_year: Annotated[str, BeforeValidator(str)] | None = Field(
        default=None, pattern=r"^\d{4}/\d{2}$"
    )


class CostItem(_Model):
    """A set-up or operating cost of the programme to one agency, in GBP (a year, if operating)."""

    label: str
    agency: str
    kind: Literal["setup", "operating"]
    type: Literal["staff", "cash"]
    amount: NonNegative
    source: str | None = None


class Cashability(_Model):
    """When an agency's saving becomes cash: `full`; in whole `step`s only (for example one FTE:
    less is an efficiency, not cash); all of it once it reaches `threshold` (for example enough
    to close a court); or `never` (no local budget). `base`: the saving the rule applies to,
    `gross`, or `net` of the agency's own staff operating costs on the programme (officer time
    spent on it is not a post freed)."""

    rule: Literal["full", "step", "threshold", "never"] = "full"
    base: Literal["gross", "net"] = "gross"
    step: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    threshold: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    source: str | None = None

    @model_validator(mode="after")
    def _parameters(self) -> Cashability:
        if self.rule == "step" and self.step is None:
            raise ValueError("rule 'step' needs step (GBP, > 0)")
        if self.rule == "threshold" and self.threshold is None:
            raise ValueError("rule 'threshold' needs threshold (GBP, >= 0)")
        return self


class PaymentByResults(_Model):
    """Troubled-Families-style payment by results: `attachment_share` of the costs is paid up
    front in the as-published shares, the rest as a tariff per avoided episode by the agencies
    that benefit; the `commissioner` carries the difference when results fall short."""

    attachment_share: float = Field(default=0.8, ge=0, le=1, allow_inf_nan=False)
    commissioner: str = "council"


class Finance(_Model):
    """Multi-year settings (HM Treasury Green Book defaults) and who pays."""

    horizon_years: int = Field(default=5, ge=1, le=500)
    discount_rate: float = Field(default=0.035, ge=0, le=1, allow_inf_nan=False)
    optimism_bias: float = Field(default=0.0, ge=0, le=10, allow_inf_nan=False)
    benefit_persistence: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    calendar: bool = False
    first_year: Literal["undiscounted", "discounted"] = "undiscounted"
    green_book: Annotated[Literal["2022", "2026"], BeforeValidator(str)] = "2022"
    partners: tuple[str, ...] | None = None
    cashability: dict[str, Cashability] = Field(default_factory=dict)
    pooled_shares: dict[str, float] = Field(default_factory=dict)
    pbr: PaymentByResults = Field(default_factory=PaymentByResults)
    source: str | None = None

    @field_validator("pooled_shares")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        if v and (
            any(s < 0 for s in v.values()) or not math.isclose(sum(v.values()), 1.0, abs_tol=1e-9)
        ):
            raise ValueError("pooled shares must be >= 0 and sum to 1")
        return v


class Strand(_Model):
    """One pathway. A strand with `costed: false` (housing policy) carries no figures."""

    costed: bool = True
    note: str | None = None
    go_live: dt.date | None = None
    cohort: NonNegative | None = None
    uptake: Probability = Field(default_factory=lambda: Dist(value=1.0))
    completion: Probability = Field(default_factory=lambda: Dist(value=1.0))
    diversion: Probability = Field(default_factory=lambda: Dist(value=0.0))
    groups: dict[str, Group] = Field(default_factory=dict)
    cascade: Cascade = Field(default_factory=Cascade)
    capacity: Capacity | None = None
    breach: Breach | None = None
    diverts_from: Literal["arrest", "prosecution"] = Field(
        default="arrest",
        description="what a diverted person's index episode is: an arrest and all that follows "
        "(NJP), or a prosecution of someone already arrested (a conditional caution), whose "
        "police cost is the charge (`charge`), not an arrest",
    )
    charge: NonNegative | None = Field(
        default=None,
        description="with diverts_from: prosecution, what the police save on a prosecution they "
        "no longer prepare (GBP, borne by the arrest's agency), in place of an arrest",
    )
    ramp_up: tuple[Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)], ...] = ()
    unit_costs: dict[Literal[EVENTS], NonNegative] = Field(default_factory=dict)  # type: ignore[valid-type]
    costs: tuple[CostItem, ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> Strand:
        if not self.costed:
            given = [f for f in ("go_live", "cohort") if getattr(self, f) is not None]
            given += [
                f
                for f in ("groups", "unit_costs", "costs", "capacity", "ramp_up", "charge")
                if getattr(self, f)
            ]
            if given:
                raise ValueError(f"a strand with costed: false carries no figures; remove {given}")
            return self
        for name in ("go_live", "cohort"):
            if getattr(self, name) is None:
                raise ValueError(f"{name} is required for a costed strand")
        if (self.diverts_from == "prosecution") != (self.charge is not None):
            raise ValueError(
                "diverts_from: prosecution and charge go together (a diverted prosecution saves "
                "the police the charge, not an arrest)"
            )
        if not self.groups:
            raise ValueError("groups is required for a costed strand (at least one group)")
        open_shares = [g for g, grp in self.groups.items() if grp.share is None]
        if len(open_shares) > 1:
            raise ValueError(f"only one group may leave out its share; {open_shares} do")
        top = sum(g.share.support()[1] for g in self.groups.values() if g.share is not None)
        if open_shares and top > 1 + 1e-9:
            raise ValueError("group shares can exceed 1 in total; the largest must sum to <= 1")
        if not open_shares:
            fixed = all(g.share is not None and g.share.is_fixed for g in self.groups.values())
            total = sum(g.share.expected() for g in self.groups.values() if g.share is not None)
            if not fixed or not math.isclose(total, 1.0, abs_tol=1e-9):
                raise ValueError(
                    "group shares must be fixed numbers summing to 1, or one group must leave "
                    "out its share to take the rest"
                )
        return self

    def share(self, group: str) -> Dist | float:
        """The group's share: its `Dist`, or for the open group the rest as a mean."""
        grp = self.groups[group]
        if grp.share is not None:
            return grp.share
        others = sum(g.share.expected() for g in self.groups.values() if g.share is not None)
        return 1.0 - others


class Strands(_Model):
    njp: Strand | None = None
    coaches: Strand | None = None
    conditional_cautions: Strand | None = None
    iom: Strand | None = None
    housing_policy: Strand | None = None


class Scenario(_Model):
    """One business case. Build it with `load_scenario` or `Scenario.model_validate`."""

    name: str
    description: str = ""
    price_year: Annotated[str, BeforeValidator(str)] = Field(pattern=r"^\d{4}/\d{2}$")
    follow_up_days: int = Field(default=365, gt=0, le=3650)
    agencies: tuple[str, ...]
    cascade: Cascade
    unit_costs: dict[Literal[EVENTS], UnitCost]  # type: ignore[valid-type]
    strands: Strands
    unit_cost_scale: NonNegative = Field(
        default_factory=lambda: Dist(value=1.0),
        description="one factor on every unit cost of every strand, drawn once an iteration: "
        "how unit costs that share one costing basis are correlated",
    )
    programme_costs: tuple[CostItem, ...] = ()
    finance: Finance = Field(default_factory=Finance)

    @field_validator("agencies")
    @classmethod
    def _agencies(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("name at least one agency")
        if len(set(v)) != len(v):
            raise ValueError("each agency is listed once")
        if "total" in v:
            raise ValueError("'total' is a table row, not an agency")
        odd = [a for a in v if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", a)]
        if odd:  # names go into CSV and workbook cells: nothing a spreadsheet could run
            raise ValueError(f"agency {odd[0]!r}: use lower-case letters, digits and _ (like cps)")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        missing = [p for p in CASCADE if getattr(self.cascade, p) is None]
        if missing:
            raise _Located(("cascade", missing[0]), "required at scenario level (the default)")
        absent = [e for e in EVENTS if e not in self.unit_costs]
        if absent:
            raise _Located(("unit_costs", absent[0]), "every cascade event needs an agency")
        for event, uc in self.unit_costs.items():
            self._known_agency(("unit_costs", event, "agency"), uc.agency)
        for i, item in enumerate(self.programme_costs):
            self._known_agency(("programme_costs", i, "agency"), item.agency)
        fin = self.finance
        for agency in fin.cashability:
            self._known_agency(("finance", "cashability", agency), agency)
        for agency in fin.pooled_shares:
            self._known_agency(("finance", "pooled_shares", agency), agency)
        for agency in fin.partners or ():
            self._known_agency(("finance", "partners"), agency)
        self._known_agency(("finance", "pbr", "commissioner"), fin.pbr.commissioner)
        if not self.costed():
            raise _Located(("strands",), "name at least one costed strand")
        for name, strand in self.costed():
            merged = self.cascade_for(name)
            if merged["community_order"].support()[1] + merged["custody"].support()[1] > 1 + 1e-12:
                raise _Located(
                    ("strands", name, "cascade"),
                    "community_order and custody (the strand's own over the scenario's) are "
                    "shares of one sentence: their largest values must not sum to more than 1",
                )
            for i, item in enumerate(strand.costs):
                self._known_agency(("strands", name, "costs", i, "agency"), item.agency)
            if strand.breach is not None:
                self._known_agency(("strands", name, "breach", "agency"), strand.breach.agency)
            counts = event_counts(self.cascade_for(name))
            for event in EVENTS:
                if counts[event] > 0 and self.unit_cost_dist(name, event) is None:
                    raise _Located(
                        ("strands", name, "unit_costs", event),
                        "no unit cost at strand or scenario level, but the cascade has this event",
                    )
        return self

    def _known_agency(self, loc: tuple[Any, ...], agency: str) -> None:
        if agency not in self.agencies:
            raise _Located(loc, f"unknown agency {agency!r}; agencies are {list(self.agencies)}")

    # --- read access used downstream -------------------------------------------------------
    def costed(self) -> list[tuple[str, Strand]]:
        """(name, strand) for the strands that carry figures, in the OBC's table order."""
        out = []
        for name in STRANDS:
            strand = getattr(self.strands, name)
            if strand is not None and strand.costed:
                out.append((name, strand))
        return out

    def cost_items(self) -> list[tuple[str, CostItem]]:
        """(strand, item) for every cost; programme-level items carry strand `all`."""
        out = [(name, item) for name, strand in self.costed() for item in strand.costs]
        return out + [(PROGRAMME, item) for item in self.programme_costs]

    def strand(self, name: str) -> Strand:
        strand = getattr(self.strands, name, None)
        if strand is None:
            raise KeyError(name)
        return strand

    def cascade_for(self, name: str) -> dict[str, Dist]:
        """The strand's cascade: its own values over the scenario defaults."""
        own = self.strand(name).cascade
        return {p: getattr(own, p) or getattr(self.cascade, p) for p in CASCADE}

    def unit_cost_dist(self, name: str, event: str) -> Dist | None:
        own = self.strand(name).unit_costs.get(event)
        return own if own is not None else self.unit_costs[event].cost

    def agency_of(self, event: str) -> str:
        return self.unit_costs[event].agency


def event_counts(
    cascade: dict[str, Dist], value: Callable[[Dist], Any] = Dist.expected
) -> dict[str, Any]:
    """Expected number of each event in one episode, each cascade value read by `value` (by
    default its mean; a base, or an array of draws, elsewhere)."""
    m = {p: value(d) for p, d in cascade.items()}
    return {
        "arrest": m["arrest"],
        "cps_hearing": m["arrest"] * m["hearings"],
        "court_hearing": m["arrest"] * m["hearings"],
        "community_order": m["arrest"] * m["community_order"],
        "custody": m["arrest"] * m["custody"],
    }
