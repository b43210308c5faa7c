"""What drives the answer: the scenario's uncertain inputs pushed through the vectorised closed
form (`uncertainty.Evaluator`) into one report a board can read.

Every outcome is a net present value over the settings' horizon: the programme's, each
agency's and each strand's ("fund this strand or not"). The report holds:
- `gap`: the base case (the OBC's own points) against the expected value (the evidence's means);
- `chances`: per outcome, the Monte Carlo mean, 5th and 95th percentiles and P(ahead), the
  decision on current evidence and its EVPI;
- `tornado`: each input from its 5th to 95th percentile, the others at their means;
- `sobol`: first and total-order indices with bootstrap confidence half-widths, the number of
  base points raised until the five largest total indices are within 10% (`sobol_until`);
- `evppi`: expected value of partial perfect information per evidence group;
- `top`: the three inputs that matter most for the programme, and board `sentences`.

The uncertainty here is about the parameters (what the evidence supports), not the chance of
which individual reoffends: the closed form takes expectations over people, as a decision
model should. `obcsim run` adds the individual-level chance on top.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from obcsim.accounts.money import STRAND_LABELS, agency_label, gbp
from obcsim.accounts.uncertainty import Evaluator, base_and_expected
from obcsim.accounts.years import Settings
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.model import sweep, voi
from obcsim.model.sensitivity import sobol_until, tornado

RUNS = 20_000  # Monte Carlo draws for chances and EVPPI: P(ahead) to within about 0.3 points
TOP = 3


def outcome_label(outcome: str) -> str:
    """Plain words for an outcome key: "programme", "police", "strand:njp"."""
    if outcome == "programme":
        return "The programme"
    if outcome.startswith("strand:"):
        name = STRAND_LABELS.get(outcome.removeprefix("strand:"), outcome)
        return name[:1].upper() + name[1:]
    return agency_label(outcome)


def owner(outcome: str) -> str:
    """Whose decision an outcome's value of information belongs to, for sentences."""
    if outcome == "programme":
        return "the partnership"
    if outcome.startswith("strand:"):
        strand = outcome.removeprefix("strand:")
        return f"the decision on {STRAND_LABELS.get(strand, strand)}"
    return agency_label(outcome)


def evidence_phrase(key: str, group: str) -> str:
    """An evidence group in a sentence: "the volume of conditional cautions"."""
    parts = key.split(".")
    if parts[0] == "strands" and ": " in group:
        what = group.split(": ", 1)[1]
        return f"the {what} of {STRAND_LABELS.get(parts[1], parts[1])}"
    return f"the {group}"


def sentences(
    evppi: pd.DataFrame, phrases: dict[str, str], outcomes: list[str], top: int = TOP
) -> list[str]:
    """Board sentences for each outcome's decision: the groups whose EVPPI is at least 1% of
    the EVPI and twice its standard error (smaller values are indistinguishable from
    regression noise), largest first. An agency whose position no evidence could change is
    left out; the programme and each strand say so."""
    out = []
    for outcome in outcomes:
        rows = evppi[evppi["outcome"] == outcome]
        evpi = float(rows["evpi"].to_numpy()[0]) if len(rows) else 0.0
        real = rows[(rows["evppi"] >= 0.01 * evpi) & (rows["evppi"] > 2 * rows["se"])]
        to = owner(outcome)
        if evpi <= 0 or real.empty:
            if outcome == "programme" or outcome.startswith("strand:"):
                out.append(f"No further evidence would change {_decision(outcome)}.")
            continue
        for group, value in zip(real["group"][:top], real["evppi"][:top].to_numpy(), strict=True):
            out.append(
                f"Resolving {phrases.get(str(group), str(group))} is worth up to "
                f"{gbp(float(value))} to {to} (perfect information on everything: {gbp(evpi)})."
            )
    return out


def _decision(outcome: str) -> str:
    if outcome == "programme":
        return "the partnership's decision to fund the programme"
    return owner(outcome)


@dataclass(frozen=True)
class Drivers:
    """The sensitivity report of one scenario under one set of settings."""

    scenario: str
    settings: Settings
    runs: int
    seed: int
    inputs: int
    gap: pd.DataFrame
    chances: pd.DataFrame
    tornado: pd.DataFrame
    sobol: pd.DataFrame | None
    evppi: pd.DataFrame
    top: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    @property
    def optimism(self) -> float:
        """How far the point estimates (the base case) overstate the programme's expected NPV."""
        row = self.gap[self.gap["outcome"] == "programme"]
        return float(row["optimism"].to_numpy()[0])

    def finding(self) -> str:
        """The base-versus-expected gap in one sentence."""
        row = self.gap[self.gap["outcome"] == "programme"]
        base = float(row["base_case"].to_numpy()[0])
        expected = float(row["expected_value"].to_numpy()[0])
        years = self.settings.years
        word = "optimistic" if self.optimism >= 0 else "pessimistic"
        return (
            f"The point estimates are {word} by {gbp(abs(self.optimism))}: the programme's "
            f"{years}-year NPV is {gbp(base)} at the point estimates (the base case) but "
            f"{gbp(expected)} at what the evidence supports on average."
        )

    def as_dict(self) -> dict:
        """Every figure, JSON-ready."""

        def rows(frame: pd.DataFrame | None) -> list[dict]:
            return [] if frame is None else frame.to_dict("records")

        return {
            "scenario": self.scenario,
            "settings": asdict(self.settings),
            "runs": self.runs,
            "seed": self.seed,
            "uncertain_inputs": self.inputs,
            "finding": self.finding(),
            "top_drivers": self.top,
            "sentences": self.sentences,
            "gap": rows(self.gap),
            "chances": rows(self.chances),
            "tornado": rows(self.tornado),
            "sobol": rows(self.sobol),
            "sobol_n": None if self.sobol is None else self.sobol.attrs.get("n"),
            "sobol_precise": None if self.sobol is None else self.sobol.attrs.get("precise"),
            "evppi": rows(self.evppi),
        }


def chances(outcomes: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per outcome: mean, 5th and 95th percentiles, P(ahead), the decision and its EVPI."""
    table = voi.decisions(outcomes)
    table.insert(1, "label", table["outcome"].map(outcome_label))
    table.insert(3, "p05", [float(np.quantile(outcomes[o], 0.05)) for o in table["outcome"]])
    table.insert(4, "p95", [float(np.quantile(outcomes[o], 0.95)) for o in table["outcome"]])
    return table


def top_inputs(tornado_table: pd.DataFrame, sobol_table: pd.DataFrame | None) -> list[str]:
    """The inputs that matter most for the programme: by total Sobol index when there is one
    (it counts interactions), otherwise by tornado swing."""
    if sobol_table is not None:
        rows = sobol_table[sobol_table["outcome"] == "programme"].nlargest(TOP, "ST")
    else:
        rows = tornado_table[tornado_table["outcome"] == "programme"].nlargest(TOP, "swing")
    return list(rows["label"])


def drivers(
    scn: Scenario,
    settings: Settings | None = None,
    *,
    runs: int = RUNS,
    seed: int = 1,
    sobol: bool = True,
    n_jobs: int | None = None,
) -> Drivers:
    """The full report. `sobol=False` skips the variance-based indices (the slowest part);
    `n_jobs` as joblib's (None: an enclosing `sweep.executor`, else one process)."""
    settings = settings or Settings.of(scn)
    ev = Evaluator(scn, settings)
    items = ev.inputs
    gap = base_and_expected(ev)
    gap.insert(1, "label", gap["outcome"].map(outcome_label))
    if not items:
        raise InputError(
            scn.name, "", "no uncertain inputs: every value is fixed, so nothing drives the answer"
        )
    X, Y = sweep.draw(items, ev.evaluate, runs, seed, n_jobs=n_jobs)
    swings = tornado(items, ev.evaluate)
    swings.insert(3, "group", swings["key"].map({i.key: i.group for i in items}))
    indices = sobol_until(items, ev.evaluate, seed, n_jobs=n_jobs) if sobol else None
    values = voi.evppi(items, X, Y)
    phrases = {i.group: evidence_phrase(i.key, i.group) for i in items}
    order = sorted(Y, key=lambda o: (o != "programme", not o.startswith("strand:")))
    said = sentences(values, phrases, order)
    return Drivers(
        scenario=scn.name,
        settings=settings,
        runs=runs,
        seed=seed,
        inputs=len(items),
        gap=gap,
        chances=chances(Y),
        tornado=swings,
        sobol=indices,
        evppi=values,
        top=top_inputs(swings, indices),
        sentences=said,
    )
