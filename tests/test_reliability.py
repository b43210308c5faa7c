"""Reliability: every case of the bad-input corpus (tests/corpus.py) is one line, exit 2, no
traceback and no file left; spreadsheet CSV dialects are read; outputs appear as a set;
interrupts leave earlier outputs intact; files follow the umask."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest
from openpyxl import load_workbook

from conftest import BARNET, ROOT, run_cli, run_main
from corpus import OBSERVED, OUTCOMES, SCENARIOS, cli_cases, data_edit
from obcsim.case.load import load_scenario
from obcsim.evidence import observed


def listing(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"/")
        for p in sorted(folder.rglob("*"))
    }


def assert_refused(result: subprocess.CompletedProcess[str], words: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    assert words in lines[0], lines[0]
    return lines[0]


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """`obcsim *args` in this process (fast; the subprocess cases below cover start-up): exit 2,
    one line on stderr, nothing on stdout; the line."""
    code, out, err = run_main(capsys, *args)
    assert code == 2, (code, err[-2000:])
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[-2000:]
    return lines[0]


@pytest.mark.parametrize("case", sorted(SCENARIOS))
def test_bad_scenario_is_one_line(tmp_path: Path, capsys, case: str):
    content, words = SCENARIOS[case]
    scenario = tmp_path / f"{case}.yaml"
    scenario.write_bytes(content)
    before = listing(tmp_path)
    line = refused(capsys, "tables", str(scenario), "--out", str(tmp_path / "t.xlsx"))
    assert str(scenario) in line and words in line, line
    assert listing(tmp_path) == before


@pytest.mark.parametrize("case", ["nul_byte", "nested_500_deep", "cohort_near_max_float"])
def test_bad_scenario_in_a_fresh_process(tmp_path: Path, case: str):
    content, words = SCENARIOS[case]
    scenario = tmp_path / f"{case}.yaml"
    scenario.write_bytes(content)
    before = listing(tmp_path)
    line = assert_refused(
        run_cli("tables", str(scenario), "--out", str(tmp_path / "t.xlsx")), words
    )
    assert str(scenario) in line
    assert listing(tmp_path) == before


@pytest.mark.parametrize("case", ["cohort_1e19", "lognormal_sd_1e200", "pert_to_max_float"])
def test_bad_scenario_with_the_fast_engine(tmp_path: Path, capsys, case: str):
    scenario = tmp_path / f"{case}.yaml"
    scenario.write_bytes(SCENARIOS[case][0])
    before = listing(tmp_path)
    line = refused(capsys, "run", str(scenario), "--engine", "fast", "--out", str(tmp_path / "o"))
    assert SCENARIOS[case][1] in line
    assert listing(tmp_path) == before


@pytest.mark.parametrize("case", sorted(OBSERVED))
def test_bad_observed_csv_is_one_line(tmp_path: Path, capsys, case: str):
    content, words = OBSERVED[case]
    data = tmp_path / f"{case}.csv"
    data.write_bytes(content)
    before = listing(tmp_path)
    line = refused(
        capsys,
        "calibrate",
        str(BARNET),
        str(data),
        "--out",
        str(tmp_path / "calibrated.yaml"),
        "--report",
        str(tmp_path / "report.md"),
    )
    assert str(data) in line and words in line, line
    assert listing(tmp_path) == before


def test_bad_arguments_are_one_line(tmp_path: Path, capsys):
    cases = cli_cases(tmp_path)
    before = listing(tmp_path)
    failed = []
    for name, (args, words) in cases.items():
        try:
            line = refused(capsys, *args)
            assert words in line, line
        except AssertionError as exc:
            failed.append(f"{name}: {exc}")
        assert listing(tmp_path) == before, name
    assert not failed, failed


def test_a_bad_argument_in_a_fresh_process(tmp_path: Path):
    args, words = cli_cases(tmp_path)["calibrate_out_is_report"]
    assert_refused(run_cli(*args), words)


# --- CSV dialects a spreadsheet saves -------------------------------------------------------

ROWS = OUTCOMES.strip().splitlines()


def _dialects() -> dict[str, bytes]:
    semi = [r.replace(",", ";") for r in ROWS]
    return {
        "crlf": "\r\n".join(ROWS).encode(),
        "cr_only": "\r".join(ROWS).encode(),
        "semicolon": "\n".join(semi).encode(),
        "semicolon_with_sep_line": "\n".join(["sep=;", *semi]).encode(),
        "comma_with_sep_line": "\n".join(["sep=,", *ROWS]).encode(),
        "tab": "\n".join(r.replace(",", "\t") for r in ROWS).encode(),
        "utf16_excel": ("\ufeff" + "\r\n".join(r.replace(",", "\t") for r in ROWS)).encode(
            "utf-16-le"
        ),
        "utf8_bom": ("\ufeff" + "\n".join(ROWS)).encode(),
        "trailing_empty_columns": "\n".join(r + ",," for r in ROWS).encode(),
        "empty_rows": "\n".join([*ROWS, ",,,,,,,,", ""]).encode(),
        "capitals": "\n".join(
            [
                ROWS[0].upper(),
                *(
                    r.replace("njp", "NJP")
                    .replace("intervention", "Intervention")
                    .replace("comparison", "Comparison")
                    .replace("iom", "IOM")
                    for r in ROWS[1:]
                ),
            ]
        ).encode(),
        "day_first_dates": "\n".join(
            r.replace("2013-07-01", "01/07/2013").replace("2014-06-30", "30/06/2014") for r in ROWS
        ).encode(),
        "thousands": "\n".join(
            [ROWS[0], *(r.replace(",45500", ',"45,500"') for r in ROWS[1:])]
        ).encode(),
    }


@pytest.mark.parametrize("dialect", sorted(_dialects()))
def test_spreadsheet_dialects_are_read(barnet, dialect: str):
    def rows(data: bytes) -> list[observed.Row]:  # every row but its line number
        return [replace(r, line=0) for r in observed.read(data, "x.csv", barnet).rows]

    assert rows(_dialects()[dialect]) == rows(OUTCOMES.encode())


# --- outputs as a set ------------------------------------------------------------------------


def test_outputs_follow_the_umask(tmp_path: Path):
    run = [sys.executable, "-m", "obcsim.ui.cli"]
    cal = tmp_path / "cal.yaml"
    args = ["calibrate", str(BARNET), "examples/observed_outcomes.csv", "--out", str(cal)]
    args += ["--report", str(tmp_path / "r.md"), "--runs", "200"]
    for mask, mode in ((0o022, 0o644), (0o077, 0o600)):
        result = subprocess.run(
            ["sh", "-c", f'umask {mask:03o} && exec "$@"', "sh", *run, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        for name in ("cal.yaml", "r.md", "r.json"):
            assert (tmp_path / name).stat().st_mode & 0o777 == mode, (name, mask)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cal.yaml", "r.json", "r.md"]


def _start_run(out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "obcsim.ui.cli",
            "run",
            str(BARNET),
            "--runs",
            "40000",
            "--workers",
            "2",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.mark.parametrize("how", ["sigterm", "ctrl_c"])
def test_an_interrupt_leaves_earlier_outputs_intact(tmp_path: Path, how: str):
    out = tmp_path / "runs"
    done = run_cli("run", str(BARNET), "--runs", "20", "--engine", "fast", "--out", str(out))
    assert done.returncode == 0, done.stderr
    before = listing(tmp_path)
    proc = _start_run(out)
    deadline = time.monotonic() + 60
    while not psutil.Process(proc.pid).children() and time.monotonic() < deadline:
        time.sleep(0.1)  # the workers are up: the simulation has begun
    time.sleep(0.5)
    if how == "sigterm":
        proc.send_signal(signal.SIGTERM)
    else:  # a terminal's Ctrl+C reaches the whole process group, workers too
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "interrupted" in err
    assert listing(tmp_path) == before


# --- what used to be accepted or refused wrongly ----------------------------------------------


def test_formulas_and_control_characters_in_notes_stay_text(tmp_path: Path):
    def change(data):
        data["strands"]["njp"]["cohort"]["source"] = '=HYPERLINK("http://x","click")'
        data["strands"]["coaches"]["cohort"]["source"] = "bell \x07 and @SUM(A1)"

    scenario = tmp_path / "notes.yaml"
    scenario.write_bytes(data_edit(change))
    out = tmp_path / "pack.xlsx"
    result = run_cli("tables", str(scenario), "--out", str(out))
    assert result.returncode == 0, result.stderr
    book = load_workbook(out)
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == '=HYPERLINK("http://x","click")' for c in cells)


def test_switching_values_of_a_pert_reaching_one(tmp_path: Path):
    def change(data):
        data["strands"]["njp"]["completion"] = {"dist": "pert", "min": 0.9, "mode": 0.99, "max": 1}

    scenario = tmp_path / "pert.yaml"
    scenario.write_bytes(data_edit(change))
    load_scenario(scenario)
    result = run_cli("tables", str(scenario), "--years", "5", "--json")
    assert result.returncode == 0, result.stderr
    assert "switching_values" in result.stdout


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("obcsim ")


def test_draws_parquet_matches_the_draws(tmp_path: Path):
    out = tmp_path / "o"
    result = run_cli("run", str(BARNET), "--runs", "50", "--engine", "fast", "--out", str(out))
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(out / "draws.parquet")
    assert list(frame.columns[:3]) == ["iteration", "strand", "agency"]
    assert frame.iteration.max() == 49


def test_app_stops_its_streamlit_on_sigterm():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "obcsim.ui.cli", "app", "--headless", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "Streamlit did not start"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        _, alive = psutil.wait_procs(children, timeout=15)
        assert not alive, alive
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# --- bounded memory: the fast engine's summary streamed over blocks ---------------------------


def test_blocks_are_the_same_iterations_as_one_run(barnet):
    from obcsim.model.montecarlo import run, run_blocks

    whole = run(barnet, 23_000, seed=4, engine="fast", workers=2)
    blocks = list(run_blocks(barnet, 23_000, seed=4, workers=1, block=10_000))
    assert [b.runs for b in blocks] == [10_000, 10_000, 3_000]
    assert (np.concatenate([b.gross for b in blocks]) == whole.gross).all()


def test_streamed_summary_matches_the_exact_one(barnet, monkeypatch):
    from obcsim.accounts import ledger, stream
    from obcsim.model.montecarlo import run

    exact = ledger.summary(run(barnet, 30_000, seed=2, engine="fast", workers=1))
    monkeypatch.setattr(stream, "EXACT_RUNS", 1_000)
    monkeypatch.setattr(stream, "BLOCK", 7_000)
    written: list[int] = []
    streamed = stream.streamed_summary(
        barnet, 30_000, seed=2, workers=1, on_block=lambda d, start: written.append(start)
    )
    assert written == [0, 10_000, 20_000]  # blocks of whole 5,000-iteration chunks
    assert list(streamed.columns) == list(exact.columns)
    for col in ("mean", "sd", "p_positive"):
        assert streamed[col].to_numpy() == pytest.approx(exact[col].to_numpy(), rel=1e-9, abs=1e-6)
    span = (exact.p95 - exact.p05).abs().to_numpy() + 1.0
    for col in ("p05", "p50", "p95"):
        assert (abs(streamed[col] - exact[col]).to_numpy() <= span * 2e-3).all(), col


def test_an_output_set_is_all_or_nothing(tmp_path: Path):
    from obcsim.outputs.files import Outputs

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old")
    outs = Outputs({"--a": a, "--b": b})
    with pytest.raises(RuntimeError), outs:
        outs.stage("--a").write_text("new")
        raise RuntimeError("the second output failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"] and a.read_text() == "old"
    outs = Outputs({"--a": a, "--b": b})
    with outs:
        outs.stage("--a").write_text("new")
        outs.stage("--b").write_text("too")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    assert a.read_text() == "new" and outs.committed
