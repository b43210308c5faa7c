"""The parts of one pathway: the groups of its cohort (with their reoffending and the
intervention's effect) and its capacity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from obcsim.case.distributions import AtLeastOne, Dist, NonNegative, Probability, Reduction


class _Located(ValueError):
    def __init__(self, loc: tuple[Any, ...], rule: str) -> None:
        self.loc = loc
        super().__init__(rule)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_numbers(cls, data: Any) -> Any:
        """true/false is not a number (pydantic would read it as 1 or 0)."""
        if isinstance(data, dict):
            for name, f in cls.model_fields.items():
                kinds = get_args(f.annotation) or (f.annotation,)
                numeric = float in kinds or int in kinds
                if isinstance(data.get(name), bool) and numeric and bool not in kinds:
                    raise _Located((name,), "must be a number, not true/false")
        return data


class Group(_Model):
    """A part of a strand's cohort with its own reoffending (IOM: statutory / non-statutory).
    `share` may be left out in one group: that group takes the rest.

    The effect is either `reoffend_with` (a rate of its own, drawn independently of the
    without-rate) or `reduction`, the relative risk reduction r, so that the with-rate
    p1 = p0 (1 - r) moves with the without-rate p0: the form of most evidence ("a 27%
    reduction"). Reoffending rates are of the people who complete (the treated)."""

    share: Probability | None = None
    reoffend_without: Probability
    reoffend_with: Probability | None = None
    reduction: Reduction | None = None
    offences_per_reoffender: AtLeastOne = Field(default_factory=lambda: Dist(value=1.0))

    @model_validator(mode="after")
    def _one_effect(self) -> Group:
        if (self.reoffend_with is None) == (self.reduction is None):
            raise ValueError("give the effect once: reoffend_with or reduction")
        if self.reduction is not None:
            top = self.reoffend_without.support()[1] * (1 - self.reduction.support()[0])
            if top > 1 + 1e-12:
                raise ValueError(
                    "reoffend_without x (1 - reduction) can exceed 1; narrow the reduction"
                )
        return self

    @property
    def effect(self) -> str:
        """The effect's field: `reoffend_with` or `reduction`."""
        return "reoffend_with" if self.reoffend_with is not None else "reduction"

    def gap(self, value: Callable[[Dist], Any]) -> Any:
        """p0 - p1 with each value read by `value` (a mean, a base, or an array of draws)."""
        p0 = value(self.reoffend_without)
        if self.reduction is not None:
            return p0 * value(self.reduction)
        assert self.reoffend_with is not None
        return p0 - value(self.reoffend_with)


class Capacity(_Model):
    """A pathway's places (SimPy resource): `servers` people in service at once, each holding a
    place for `service_days`; a person who waits longer than `max_wait_days` drops to business
    as usual. A strand with no capacity has none that binds."""

    servers: int = Field(ge=1, le=100_000)
    service_days: NonNegative
    max_wait_days: float = Field(ge=0, le=3650, allow_inf_nan=False)
    source: str | None = None


class Breach(_Model):
    """What a participant who does not complete costs on top of business as usual (switchable:
    leave it out and a non-completer simply returns to business as usual). Conditional
    cautions: on non-compliance "the provider would notify the CPS and onward prosecution would
    resume" (OBC 5.4): the prosecution is business as usual's, the extra work is this cost."""

    agency: str
    cost: NonNegative
    source: str | None = None
