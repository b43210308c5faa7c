from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from obcsim.cli import main
from obcsim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BARNET = ROOT / "scenarios" / "barnet_obc_2013.yaml"


@pytest.fixture(scope="session")
def barnet() -> Scenario:
    return load_scenario(BARNET)


@pytest.fixture
def barnet_data() -> dict[str, Any]:
    """The as-published scenario as plain data, to edit in a test."""
    return copy.deepcopy(yaml.safe_load(BARNET.read_text()))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real `obcsim` entry point in a fresh process (exit codes, stderr, no traceback)."""
    return subprocess.run(
        [sys.executable, "-m", "obcsim.cli", *args], capture_output=True, text=True, cwd=ROOT
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `obcsim` in this process: faster, for output checks."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
