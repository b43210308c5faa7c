"""The committee workbook: settings on its cover, print settings, formats; rendered to PDF."""

import hashlib
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from conftest import BARNET
from obcsim.accounts.ledger import expected_annual
from obcsim.accounts.years import Settings
from obcsim.outputs import cover, finance


def built(scn, runs=None, **settings):
    return finance.build(
        scn, expected_annual(scn), Settings.of(scn, **settings), runs=runs, scenario_path=BARNET
    )


@pytest.fixture(scope="module")
def pack(request):
    from obcsim.case.load import load_scenario

    scn = load_scenario(BARNET)
    b = built(scn, years=5, optimism_bias=0.2)
    return b, load_workbook(io.BytesIO(b.workbook()))


def test_cover_records_every_setting(pack):
    b, wb = pack
    assert wb.sheetnames[0] == "Cover"
    rows = {r[0]: r[1] for r in wb["Cover"].iter_rows(min_row=4, values_only=True)}
    assert rows["scenario SHA-256"] == hashlib.sha256(BARNET.read_bytes()).hexdigest()
    assert rows["price year"].startswith("2012/13")
    assert rows["horizon"] == "5 years"
    assert rows["discount rate"].startswith("3.50%")
    assert rows["optimism bias"].startswith("20%")
    assert "t = 0" in rows["discounting convention"]
    assert rows["Monte Carlo"].startswith("none")
    assert "pooled not shown" in rows["funding models"]  # never silently dropped
    assert "Police: in whole steps of £52,000 of the saving net" in rows["cashability"]
    assert rows["obcsim version"] == "0.1.0"
    assert dict(b.cover_rows) == rows


def test_print_settings_on_every_sheet(pack):
    _, wb = pack
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$3"
        assert "&P" in ws.oddFooter.right.text and "SHA-256" in ws.oddFooter.left.text
        assert ws["A1"].font.bold and ws["A1"].value


def test_every_number_is_formatted(pack):
    _, wb = pack
    gbp = '"£"#,##0;("£"#,##0);"£"0'
    for ws in wb.worksheets[1:]:
        header = [c.value for c in ws[3]]
        for row in ws.iter_rows(min_row=4):
            total = row[0].value in ("Total", "Partners")
            for name, cell in zip(header, row, strict=True):
                if total:
                    assert cell.font.bold
                if not isinstance(cell.value, int | float):
                    continue
                assert cell.number_format != "General", (ws.title, name)
                if name in ("npv", "net", "published", "implied", "difference", "pv benefits"):
                    assert cell.number_format == gbp, (ws.title, name)
                if name == "bcr":
                    assert cell.number_format == "0.00"
                if name and name.startswith("p "):
                    assert cell.number_format == "0%"


def test_intervals_only_with_draws(pack):
    from obcsim.case.load import load_scenario

    _, wb = pack
    header = [c.value for c in wb[finance.SHEETS["appraisal"]][3]]
    assert "npv p05" not in header and "p npv positive" not in header
    b = built(load_scenario(BARNET), runs=200, years=5)
    assert {"npv_p05", "npv_p95", "p_npv_positive"} <= set(b.frames["appraisal"].columns)
    assert "200 Monte Carlo runs" in dict(b.cover_rows)["Monte Carlo"]
    assert "seed 1" in dict(b.cover_rows)["Monte Carlo"]


def test_partners_and_all_agencies_add_up(pack):
    b, _ = pack
    f = b.frames["funding"]
    npv = b.frames["appraisal"].set_index("agency").loc["total", "npv"]
    for _, block in f.groupby("model"):
        rows = block.set_index("agency")
        assert rows.loc["total", "net"] == pytest.approx(npv)
        partners = rows.loc[["police", "probation", "council"], "net"].sum()
        assert rows.loc["partners", "net"] == pytest.approx(partners)


def test_cell_formats_by_hand():
    names = finance.SHEETS
    assert cover.cell_format(names["appraisal"], "bcr", {}, names) == "0.00"
    assert cover.cell_format(names["reconciliation"], "difference", {}, names) == cover.GBP
    row = {"assumption": "costs.1.amount"}
    assert cover.cell_format(names["switching_values"], "current", row, names) == cover.GBP
    row = {"assumption": "completion"}
    assert cover.cell_format(names["switching_values"], "current", row, names) == "0.0%"


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (libreoffice-calc-nogui) and poppler-utils",
)
def test_printed_workbook(pack, tmp_path):
    b, _ = pack
    xlsx = tmp_path / "pack.xlsx"
    xlsx.write_bytes(b.workbook())
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "pack.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])
    width, height = (float(v) for v in info.split("Page size:")[1].split()[:3:2])
    assert width > height  # landscape
    assert pages <= 26
    texts = []
    for i in range(1, pages + 1):
        page = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
        ).stdout
        texts.append(page)
        assert f"Page {i} of {pages}" in page
    table1 = [t for t in texts if "Table 1 programme:" in t]
    assert len(table1) == 1  # Table 1 on one page, every column on it
    assert "gross saving non" in table1[0] and "£795,424" in table1[0]
    assert "(£233,714)" in table1[0]


def test_cli_settings_reach_the_json_and_cover():
    import json

    from conftest import run_cli

    args = ["--years", "60", "--green-book", "2026", "--first-year", "discounted", "--json"]
    result = run_cli("tables", str(BARNET), *args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["settings"]["green_book"] == "2026"
    assert data["settings"]["first_year"] == "discounted"
    assert "t = 1" in data["cover"]["discounting convention"]
    assert "value-for-money measure" in data["cover"]["Green Book edition"]
    tests = [r["test"] for r in data["sensitivity"]]
    assert any("required, horizon over 50 years" in t for t in tests)
    first = data["years"][0]
    assert first["year"] == 1 and first["discount_factor"] == pytest.approx(1 / 1.035)
