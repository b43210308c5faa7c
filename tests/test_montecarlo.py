"""Monte Carlo: means converge to the tables; the same seed gives the same figures for any
number of workers; `obcsim run` writes what it promises and refuses bad options."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, run_cli
from obcsim.accounts import ledger
from obcsim.accounts.ledger import MEASURES, expected_tables
from obcsim.case.load import load_scenario
from obcsim.case.scenario import STRANDS
from obcsim.model.expected import MEAN
from obcsim.model.montecarlo import run

SCENARIOS = ["barnet_obc_2013.yaml", "barnet_evidence_adjusted.yaml"]


@pytest.fixture(scope="module", params=SCENARIOS)
def draws(request):
    scn = load_scenario(ROOT / "scenarios" / request.param)
    return run(scn, 400, seed=2, workers=2)


def test_means_converge_to_the_tables(draws):
    """Every cell of every table: the Monte Carlo mean is within 3 standard errors of the
    closed form at the distributions' means (cells with no uncertainty are equal)."""
    summary = ledger.summary(draws).set_index(["strand", "agency", "measure"])
    tables = expected_tables(draws.scenario, MEAN)
    for r in tables.itertuples():
        for m in MEASURES:
            s = summary.loc[(r.strand, r.agency, m)]
            se = s["sd"] / np.sqrt(draws.runs)
            assert abs(s["mean"] - getattr(r, m)) <= max(3 * se, 1e-6), (r.strand, r.agency, m)


def test_summary_shape(draws):
    s = ledger.summary(draws)
    assert len(s) == (len(STRANDS) + 1) * 7 * 5
    assert (s.p05 <= s.p50).all() and (s.p50 <= s.p95).all()
    assert s.p_positive.between(0, 1).all()
    frame = ledger.draw_frame(draws)
    assert len(frame) == draws.runs * 35


def test_same_seed_same_figures_for_any_workers(barnet):
    one = run(barnet, 30, seed=9, workers=1)
    two = run(barnet, 30, seed=9, workers=2)
    np.testing.assert_array_equal(one.gross, two.gross)
    np.testing.assert_array_equal(one.amounts, two.amounts)
    pd.testing.assert_frame_equal(ledger.summary(one), ledger.summary(two))
    other = run(barnet, 30, seed=10, workers=1)
    assert not np.array_equal(one.gross, other.gross)


def test_parameter_uncertainty_is_drawn_once_per_iteration(barnet):
    """The distributions widen the spread beyond the people-level noise alone."""
    import yaml

    from obcsim.case.load import scenario_from_data

    data = yaml.safe_load((ROOT / "scenarios" / "barnet_obc_2013.yaml").read_text())
    iom = data["strands"]["iom"]
    iom["cohort"], data["unit_cost_scale"] = 103, 1.0
    for group in iom["groups"].values():
        for key, value in group.items():
            if isinstance(value, dict) and "dist" in value:
                group[key] = value.get("base", 0.575)
    fixed = run(scenario_from_data(data), 300, seed=4, workers=2)
    uncertain = run(barnet, 300, seed=4, workers=2)
    i = fixed.strands.index("iom")
    assert uncertain.gross[:, i].sum(axis=1).std() > 1.3 * fixed.gross[:, i].sum(axis=1).std()


def test_cli_run_writes_summary_and_draws(tmp_path: Path):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        result = run_cli(
            "run",
            "scenarios/barnet_obc_2013.yaml",
            "--runs",
            "40",
            "--seed",
            "3",
            "--workers",
            workers,
            "--out",
            str(out),
        )
        assert result.returncode == 0, result.stderr
        outs.append(out)
        assert "P(annual impact > 0)" in result.stdout and "Total" in result.stdout
    first, second = ((o / "summary.json").read_text() for o in outs)
    assert first == second
    rows = json.loads(first)
    assert set(rows[0]) == {
        "strand",
        "agency",
        "measure",
        "mean",
        "sd",
        "p05",
        "p50",
        "p95",
        "p_positive",
    }
    assert {r["strand"] for r in rows} == {*STRANDS, "all"}
    draws = pd.read_parquet(outs[0] / "draws.parquet")
    assert len(draws) == 40 * 35 and set(MEASURES) <= set(draws.columns)
    assert sorted(p.name for p in outs[0].iterdir()) == ["draws.parquet", "summary.json"]


def test_cli_run_writes_csv_draws_on_request(tmp_path: Path):
    out = tmp_path / "csv"
    args = ["run", "scenarios/barnet_obc_2013.yaml", "--runs", "30", "--engine", "fast"]
    result = run_cli(*args, "--out", str(out), "--draws", "csv")
    assert result.returncode == 0, result.stderr
    as_csv = pd.read_csv(out / "draws.csv")
    result = run_cli(*args, "--out", str(out))
    assert result.returncode == 0, result.stderr
    # the directory is replaced as a whole: no draws.csv left beside the new draws.parquet
    assert sorted(p.name for p in out.iterdir()) == ["draws.parquet", "summary.json"]
    as_parquet = pd.read_parquet(out / "draws.parquet")
    assert list(as_csv.columns) == list(as_parquet.columns)
    assert as_csv[list(MEASURES)].to_numpy() == pytest.approx(
        as_parquet[list(MEASURES)].to_numpy(), abs=0.006
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--runs", "0"], "--runs: must lie in [1, 10,000,000] (the limit on runs)"),
        (["--runs", "100000000"], "(the limit on runs)"),
        (["--runs", "many"], "must be a whole number"),
        (["--workers", "0"], "--workers: must lie in [1,"),
        (["--workers", "100"], "twice this machine's cores"),
        (["--seed", "-1"], "--seed: must lie in [0,"),
        (["--engine", "quantum"], "invalid choice"),
    ],
)
def test_cli_run_bad_options(tmp_path: Path, args, words):
    result = run_cli("run", "scenarios/barnet_obc_2013.yaml", *args, "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


def test_cli_run_missing_scenario_and_bad_out(tmp_path: Path):
    result = run_cli("run", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "none.yaml: no such file" in result.stderr
    assert not (tmp_path / "o").exists()
    afile = tmp_path / "file"
    afile.write_text("x")
    result = run_cli("run", "scenarios/barnet_obc_2013.yaml", "--out", str(afile))
    assert result.returncode == 2 and "not a directory" in result.stderr
