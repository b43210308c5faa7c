from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from obcsim.case.load import load_scenario
from obcsim.case.scenario import Scenario
from obcsim.ui.cli import main

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
        [sys.executable, "-m", "obcsim.ui.cli", *args], capture_output=True, text=True, cwd=ROOT
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `obcsim` in this process: faster, for output checks."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_strand(
    cohort: float = 1000,
    p0: float = 0.5,
    p1: float = 0.2,
    diversion: float = 0.0,
    uptake: float = 1.0,
    completion: float = 1.0,
    capacity: dict[str, Any] | None = None,
    **cascade: float,
) -> dict[str, Any]:
    """A scenario with one strand whose every avoided arrest saves the police £1."""
    strand: dict[str, Any] = {
        "go_live": "2013-07-01",
        "cohort": cohort,
        "uptake": uptake,
        "completion": completion,
        "diversion": diversion,
        "groups": {"all": {"share": 1, "reoffend_without": p0, "reoffend_with": p1}},
        "costs": [
            {"label": "x", "agency": "council", "kind": "operating", "type": "cash", "amount": 10}
        ],
    }
    if capacity:
        strand["capacity"] = capacity
    return {
        "name": "one strand",
        "price_year": "2012/13",
        "agencies": ["police", "cps", "probation", "court", "prison", "council"],
        "cascade": {
            "arrest": 1.0,
            "hearings": 0.0,
            "community_order": 0.0,
            "custody": 0.0,
            **cascade,
        },
        "unit_costs": {
            "arrest": {"agency": "police", "cost": 1},
            "cps_hearing": {"agency": "cps", "cost": 125},
            "court_hearing": {"agency": "court", "cost": 192},
            "community_order": {"agency": "probation", "cost": 1000},
            "custody": {"agency": "prison", "cost": 3000},
        },
        "strands": {"coaches": strand},
    }


def run_notebook(path: Path, workdir: Path) -> str:
    """Execute a notebook in `workdir` (the runner is in the dev extra: a missing one fails
    rather than skipping quietly); the text of every code cell's outputs."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()
    return "".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
