"""The case a board chooses to fund: which strands, at what scale, and the pooled shares.

`funded(scn, strands, shares)` returns a new validated scenario: strands left out (or at scale
0) are dropped; a strand's scale multiplies its cohort and its operating costs (the whole
distribution: a PERT's min, mode and max, a lognormal's mean and sd, the base), so its savings
and running costs scale while its one-off set-up costs stay as the scenario states them (as
the app's funding page scales a strand); `shares` replaces `finance.pooled_shares` (agency ->
share, summing to 1). Bad input is one `InputError` naming the strand, agency or rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from obcsim.case.edit import scenario_data
from obcsim.case.load import scenario_from_data
from obcsim.case.scenario import STRANDS, Scenario
from obcsim.errors import InputError

SCALED = ("value", "min", "mode", "max", "mean", "sd", "base", "loc")  # location-scale params
MAX_SCALE = 100.0


def _scaled(cohort: Any, k: float) -> Any:
    """A cohort's YAML data with the random variable multiplied by `k`."""
    if isinstance(cohort, int | float):
        return cohort * k
    out = dict(cohort)
    for p in SCALED:
        if out.get(p) is not None:
            out[p] = out[p] * k
    if out.get("rate") is not None:  # gamma: X * k has rate / k
        out["rate"] = out["rate"] / k
    return out


def check_strands(scn: Scenario, strands: Mapping[str, float], source: str | None = None) -> None:
    """Refuse unknown strands, strands that carry no figures, and scales out of range; errors
    name `source`, or else the CLI's flag."""
    source = source or "--strands"
    costed = [name for name, _ in scn.costed()]
    for name, k in strands.items():
        if name not in costed:
            known = ", ".join(costed)
            raise InputError(source, name, f"not a costed strand of this scenario ({known})")
        if not (isinstance(k, int | float) and math.isfinite(k) and 0 <= k <= MAX_SCALE):
            raise InputError(source, name, f"scale must lie in [0, {MAX_SCALE:g}]; got {k}")
    if not any(k > 0 for k in strands.values()):
        raise InputError(source, "", "fund at least one strand at a scale above 0")


def check_shares(scn: Scenario, shares: Mapping[str, float], source: str | None = None) -> None:
    """Refuse unknown agencies, negative shares and shares that do not sum to 1; errors name
    `source`, or else the CLI's flag."""
    source = source or "--shares"
    for agency, share in shares.items():
        if agency not in scn.agencies:
            known = ", ".join(scn.agencies)
            raise InputError(source, agency, f"not an agency of this scenario ({known})")
        if not (isinstance(share, int | float) and math.isfinite(share) and share >= 0):
            raise InputError(source, agency, f"a share must be a number >= 0; got {share}")
    total = sum(shares.values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise InputError(
            source, "", f"the pooled shares must sum to 1 (100%); got {total:g} ({total:.1%})"
        )


def check_pbr(scn: Scenario, pbr: Mapping[str, Any], source: str | None = None) -> None:
    """Refuse payment-by-results terms other than a share in [0, 1] and a known agency; errors
    name `source`, or else the CLI's flag for the term."""
    for key, value in pbr.items():
        if key == "attachment_share":
            if not (isinstance(value, int | float) and 0 <= value <= 1):
                where = (source, key) if source else ("--attachment-share", "")
                raise InputError(*where, f"must lie in [0, 1]; got {value}")
        elif key == "commissioner":
            if value not in scn.agencies:
                known = ", ".join(scn.agencies)
                where = (
                    (source, f"commissioner {value}") if source else ("--commissioner", str(value))
                )
                raise InputError(*where, f"not an agency ({known})")
        else:
            raise InputError(source or "payment by results", key, "payment by results takes "
                             "attachment_share and commissioner")  # fmt: skip


def funded(
    scn: Scenario,
    strands: Mapping[str, float] | None = None,
    shares: Mapping[str, float] | None = None,
    pbr: Mapping[str, Any] | None = None,
    source: str | None = None,
) -> Scenario:
    """`scn` with only `strands` funded (name -> scale; None: all as they are), the pooled
    budget split by `shares` and payment by results on the terms in `pbr` (`attachment_share`,
    `commissioner`); None: the scenario's own. Errors name `source`, or else the CLI's flag."""
    if strands is None and shares is None and not pbr:
        return scn
    data = scenario_data(scn)
    if strands is not None:
        check_strands(scn, strands, source)
        for name in STRANDS:
            if data["strands"].get(name) is None or not data["strands"][name].get("costed", True):
                continue
            k = float(strands.get(name, 0.0))
            if k == 0:
                data["strands"][name] = None
            elif k != 1:
                strand = data["strands"][name]
                strand["cohort"] = _scaled(strand["cohort"], k)
                for item in strand.get("costs", []):
                    if item.get("kind") == "operating":
                        item["amount"] = _scaled(item["amount"], k)
    if shares is not None:
        check_shares(scn, shares, source)
        total = sum(shares.values())
        data["finance"]["pooled_shares"] = {a: float(v) / total for a, v in shares.items() if v}
    if pbr:
        check_pbr(scn, pbr, source)
        data["finance"].setdefault("pbr", {}).update(pbr)
    return scenario_from_data(data, "funded case")
