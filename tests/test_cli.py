"""`obcsim tables`, `reconcile` and `backsolve` as a user runs them."""

import json

import pytest
from openpyxl import load_workbook

from conftest import BARNET, run_cli, run_main
from obcsim.accounts.ledger import MEASURES
from obcsim.case.scenario import STRANDS
from obcsim.obc.published import published_tables

KEYS = {"strand", "agency", *MEASURES}


@pytest.fixture(scope="module")
def rows():
    result = run_cli("tables", str(BARNET), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_rows_reproduce_every_published_cell(rows):
    assert {r["strand"] for r in rows} == {*STRANDS, "all"}
    assert all(set(r) == KEYS for r in rows)
    index = {(r["strand"], r["agency"]): r for r in rows}
    pub = published_tables()
    for p in pub.itertuples():
        for m in ("gross_saving", "operating_cost", "annual_impact"):
            assert round(index[(p.strand, p.agency)][m]) == getattr(p, m), (p.strand, p.agency, m)


def test_terminal_tables(capsys):
    code, out, _ = run_main(capsys, "tables", str(BARNET))
    assert code == 0
    assert "Programme (OBC Table 1)" in out and "£561,710" in out and "(£233,714)" in out


@pytest.mark.parametrize("fmt", ["csv", "md", "xlsx"])
def test_file_formats(tmp_path, capsys, rows, fmt):
    path = tmp_path / f"tables.{fmt}"
    code, _, err = run_main(capsys, "tables", str(BARNET), "--format", fmt, "--out", str(path))
    assert code == 0 and path.exists() and "wrote" in err
    if fmt == "csv":
        import pandas as pd

        frame = pd.read_csv(path)
        assert frame.to_dict("records") == rows
    elif fmt == "md":
        text = path.read_text()
        assert (
            "## Programme (OBC Table 1)" in text
            and "| Total | £795,424 | (£233,714) | £561,710 |" in text
        )
    else:
        wb = load_workbook(path)
        assert wb.sheetnames[:6] == [
            "Cover",
            "Table 1 programme",
            "NJP",
            "Community coaches",
            "Conditional cautions",
            "IOM",
        ]
        ws = wb["Table 1 programme"]
        assert [c.value for c in ws[3]][:2] == ["agency", "gross saving"]  # under the title
        total = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "Total")
        programme = {r["agency"]: r for r in rows if r["strand"] == "all"}
        assert list(total[1:6]) == pytest.approx(
            [
                programme["total"][m]
                for m in (
                    "gross_saving",
                    "operating_cost",
                    "annual_impact",
                    "setup_cost",
                    "year1_impact",
                )
            ]
        )
        assert ws["B4"].number_format.endswith('("£"#,##0);"£"0') and ws.freeze_panes == "A4"


def test_xlsx_sheets_cover_every_strand(barnet):
    from obcsim.accounts import appraisal
    from obcsim.accounts.years import Settings
    from obcsim.outputs import finance

    sheets = finance.workbook(finance.pack(appraisal.expected_case(barnet, Settings.of(barnet))))
    assert list(sheets)[:5] == [
        "Table 1 programme",
        "NJP",
        "Community coaches",
        "Conditional cautions",
        "IOM",
    ]


def test_reconcile_json():
    result = run_cli("reconcile", "--json")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert findings and all(
        set(f)
        == {
            "check",
            "table",
            "strand",
            "agency",
            "measure",
            "published",
            "implied",
            "difference",
            "message",
            "propagates_to",
            "cells",
        }
        for f in findings
    )
    checks = {f["check"] for f in findings}
    assert {"sign", "row_sum", "table1_vs_table2", "text_vs_table", "unit_cost_spread"} <= checks
    cells = json.loads(run_cli("reconcile", "--json", "--cells").stdout)
    assert "scenario_vs_published" in {f["check"] for f in cells}
    assert sum(f["cells"] for f in findings) >= len(cells)


def test_reconcile_terminal(capsys):
    code, out, _ = run_main(capsys, "reconcile")
    assert code == 0 and "distinct faults" in out and "sign error" in out
    assert "It propagates to:" in out


def test_backsolve_command(capsys):
    code, out, _ = run_main(capsys, "backsolve", str(BARNET))
    assert code == 0 and "unit_costs.cps_hearing.cost: 125  [ok]" in out
    assert "scenario has" not in out
