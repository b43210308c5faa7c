"""The board pack: a committee report on the funded case, as figures, sections and files.

`build(scn, settings, funding_model=..., runs=..., seed=...)` computes every figure the report
prints once, from the obcsim API (the expected case, Monte Carlo draws with the fast engine,
the chosen funding model, cashability, what drives the answer), and returns a `Pack`:
`pack.figures` (JSON-ready, the numbers as computed), `pack.blocks` (the report's sections as
headings, paragraphs, tables and charts, the numbers formatted for people), `pack.pdf()` and
`pack.docx()`. Both files are drawn from the same blocks, so they print the same figures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from obcsim.accounts import appraisal, funding
from obcsim.accounts.money import agency_label
from obcsim.accounts.years import Settings
from obcsim.case.edit import to_yaml
from obcsim.case.funded import funded
from obcsim.case.limits import check_horizon, check_run
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.model.montecarlo import Draws
from obcsim.outputs import cover, finance
from obcsim.outputs.boardpack_blocks import (
    MODEL_WORDS,
    clean,
    pbr_note,
    shares_note,
    strand_label,
    strands_note,
)
from obcsim.outputs.boardpack_evidence import (
    DRIVERS_RUNS,
    MAX_DRIVERS_RUNS,
    MIN_DRIVERS_RUNS,
    drivers_figures,
    drivers_note,
    evaluation_figures,
    records,
)


@dataclass(frozen=True)
class Pack:
    """One board pack: its figures (JSON-ready), its sections, its charts (PNG bytes)."""

    figures: dict[str, Any]
    blocks: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def charts(self) -> dict[str, bytes]:
        """Every chart the report shows, as PNG bytes, by name."""
        from obcsim.outputs import boardpack_charts

        return boardpack_charts.render(self.figures)

    def filename(self, kind: str = "pdf") -> str:
        """A file name that says what the pack is: board-pack-<scenario>-<model>.<kind>."""
        t = self.figures["traceability"]
        slug = re.sub(r"[^a-z0-9]+", "-", str(t["scenario"]).lower()).strip("-")[:60]
        return f"board-pack-{slug or 'scenario'}-{t['funding_model'].replace('_', '-')}.{kind}"

    def pdf(self) -> bytes:
        """The report as a PDF (Typst, A4)."""
        from obcsim.outputs import boardpack_pdf

        return boardpack_pdf.render(clean(self.blocks), self.charts, clean(self.figures))

    def docx(self) -> bytes:
        """The report as a Word document officers can edit."""
        from obcsim.outputs import boardpack_docx

        return boardpack_docx.render(clean(self.blocks), self.charts, clean(self.figures))


def _version() -> str:
    try:
        return version("obcsim")
    except PackageNotFoundError:
        return "unknown"


def _interval(x: np.ndarray) -> dict[str, float]:
    return {
        "mean": float(x.mean()),
        "p05": float(np.percentile(x, 5)),
        "p95": float(np.percentile(x, 95)),
        "p_ahead": float((x > 0).mean()),
    }


def strand_figures(drawn: appraisal.Case) -> list[dict[str, Any]]:
    """Per funded strand: its own NPV (its savings less its own costs) with its interval and
    the probability it comes out ahead."""
    rows = []
    for name, _ in drawn.scenario.costed():
        npv = drawn.by_strand[name].programme().npv()[0]
        rows.append({"strand": name, "label": strand_label(name), **_interval(npv)})
    return rows


def years_figures(drawn: appraisal.Case) -> list[dict[str, Any]]:
    """The programme a year (means over the draws, as every other figure): gross saving,
    costs, net, and the cumulative discounted net (where it crosses zero, it has paid back)."""
    years = appraisal.years_frame(drawn)
    total = years[years.agency == "total"]
    rows, running = [], 0.0
    for r in records(total):
        running += r["net"] * r["discount_factor"]
        rows.append(
            {
                "year": r["year"],
                "gross_saving": r["gross_saving"],
                "costs": r["operating_cost"] + r["setup_cost"],
                "net": r["net"],
                "cumulative_discounted_net": running,
            }
        )
    return rows


def who_pays(drawn: appraisal.Case, expected: appraisal.Case, model: str) -> list[dict[str, Any]]:
    """Per agency under `model`: contribution, benefit, net with its interval, P(worse off),
    and how much of the benefit is cashable."""
    frame = appraisal.funding_frame(drawn, model, priced_on=expected)
    cash = {r["agency"]: r for r in records(appraisal.cashability_frame(drawn))}
    rows = records(frame)
    for row in rows:
        agency = str(row["agency"])
        row["label"] = "Partners" if agency == "partners" else agency_label(agency)
        if agency == "total":
            row["label"] = "All agencies"
        if agency in cash:
            row["cashable"] = cash[agency]["pv_cashable"]
            row["rule"] = cash[agency]["rule"]
        if agency == "partners":
            row["p_worse_off"] = None
    return rows


def model_comparison(drawn: appraisal.Case, expected: appraisal.Case) -> list[dict[str, Any]]:
    """Each partner's net position and P(worse off) under every funding model available."""
    shown, _ = finance.shown_models(drawn.scenario, funding.MODELS)
    rows = []
    for model in shown:
        frame = appraisal.funding_frame(drawn, model, priced_on=expected)
        for r in records(frame):
            if r["agency"] in funding.partners(drawn.scenario):
                rows.append(
                    {
                        "model": model,
                        "agency": r["agency"],
                        "label": agency_label(r["agency"]),
                        "net": r["net"],
                        "p_worse_off": r["p_worse_off"],
                    }
                )
    return rows


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack_cover(
    scn: Scenario, case_scn: Scenario, expected: appraisal.Case, info: cover.Run, **how: Any
) -> tuple[list[tuple[str, str]], str]:
    """The committee workbook's cover rows for this pack, with the funded case's own rows (its
    strands, the chosen model's terms (pooled shares or payment-by-results terms), hash) and
    the model in words; and the scenario's SHA-256 (of its file, or of its YAML when it has
    none: an upload in the app)."""
    rows = cover.cover_rows(expected, info)
    rows[3:3] = [
        ("strands funded", strands_note(scn, how["strands"])),
        ("pooled shares", shares_note(case_scn)),
        ("payment by results", pbr_note(case_scn)),
        ("funded case SHA-256", how["case_sha256"]),
    ]
    digest = cover.sha256(info.scenario_path)
    if info.scenario_path is None:
        digest = _sha256_text(to_yaml(scn))
        own = f"{digest} (of the scenario as obcsim writes it)"
        rows = [(k, own if k == "scenario SHA-256" else v) for k, v in rows]
    model, engine = info.models[0], how["engine"]
    terms_of = {"pooled shares": "pooled", "payment by results": "pbr"}  # only the model's own
    rows = [(k, v) for k, v in rows if terms_of.get(k, model) == model]
    rows = [(k, MODEL_WORDS[model] if k == "funding models" else v) for k, v in rows]
    rows = [(k, v.replace("(fast engine)", f"({engine} engine)")) for k, v in rows]
    at = next(i for i, (k, _) in enumerate(rows) if k == "Monte Carlo") + 1
    rows.insert(at, ("what drives the answer", drivers_note(how["drivers_runs"], info.seed or 1)))
    return rows, digest


def build(
    scn: Scenario,
    settings: Settings,
    *,
    funding_model: str,
    runs: int,
    seed: int,
    strands: Mapping[str, float] | None = None,
    shares: Mapping[str, float] | None = None,
    pbr: Mapping[str, Any] | None = None,
    scenario_path: Path | None = None,
    drivers_runs: int = DRIVERS_RUNS,
    draws: Draws | None = None,
) -> Pack:
    """The board pack for `scn` with only `strands` funded (name -> scale; None: all),
    pooled `shares` and payment-by-results terms `pbr` (`attachment_share`, `commissioner`;
    None: the scenario's), under `funding_model`, from `runs` Monte Carlo draws (fast engine)
    with `seed`; what drives the answer from `drivers_runs` draws of the inputs through the
    closed form. `draws`: Monte Carlo draws of the funded case already run (the app's funding
    page), used as they are, so the pack prints the page's figures: their scenario is the case
    appraised, their runs and seed are printed, and `strands` only describes it. Bad input
    raises `InputError` before any work."""
    from obcsim.model.montecarlo import run as simulate
    from obcsim.outputs import boardpack_text

    case_scn = funded(scn, strands, shares, pbr) if draws is None else draws.scenario
    if draws is not None:
        runs, seed = draws.runs, draws.seed
    if funding_model not in funding.MODELS:
        known = ", ".join(funding.MODELS)
        raise InputError("--funding", "", f"unknown funding model {funding_model!r} ({known})")
    finance.check_model(case_scn, funding_model)
    check_horizon(case_scn, settings.years, runs)
    check_run(case_scn, runs, "fast")
    if not MIN_DRIVERS_RUNS <= drivers_runs <= MAX_DRIVERS_RUNS:
        raise InputError(
            "--drivers-runs",
            "",
            f"must lie in [{MIN_DRIVERS_RUNS:,}, {MAX_DRIVERS_RUNS:,}]; got {drivers_runs:,}",
        )
    expected = appraisal.expected_case(case_scn, settings)
    draws = draws if draws is not None else simulate(case_scn, runs, seed, "fast")
    drawn = appraisal.draws_case(draws, settings)
    case_sha256 = _sha256_text(to_yaml(case_scn))
    info = cover.Run(scenario_path, runs, seed, (funding_model,), {}, _version())
    how = {"strands": strands, "case_sha256": case_sha256, "engine": draws.engine}
    rows, scenario_sha256 = pack_cover(
        scn, case_scn, expected, info, **how, drivers_runs=drivers_runs
    )
    apr = records(appraisal.appraisal_frame(drawn))
    programme = next(r for r in apr if r["agency"] == "total")
    drivers = drivers_figures(case_scn, settings, drivers_runs, seed)
    figures: dict[str, Any] = {
        "title": f"{scn.name}: who pays, and how sure we are",
        "scenario": scn.name,
        "traceability": {
            "scenario": scn.name,
            "scenario_file": str(scenario_path) if scenario_path else None,
            "scenario_sha256": scenario_sha256,
            "funded_case_sha256": case_sha256,
            "seed": seed,
            "runs": runs,
            "engine": draws.engine,
            "drivers_runs": drivers["runs"],
            "funding_model": funding_model,
            "strands": dict(strands) if strands is not None else None,
            "pooled_shares": dict(case_scn.finance.pooled_shares) or None,
            "pbr": case_scn.finance.pbr.model_dump(),
            "settings": finance.settings_dict(settings),
            "version": info.version,
            "produced": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
        "cover": [list(r) for r in rows],
        "price_year": scn.price_year,
        "programme": programme,
        "agencies": [r for r in apr if r["agency"] != "total"],
        "funding_model": funding_model,
        "who_pays": who_pays(drawn, expected, funding_model),
        "models": model_comparison(drawn, expected),
        "strands": strand_figures(drawn),
        "years": years_figures(drawn),
        "drivers": drivers,
        "evaluation": evaluation_figures(case_scn, [e["phrase"] for e in drivers["evidence"]]),
    }
    return Pack(figures, boardpack_text.blocks(figures))
