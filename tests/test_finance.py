"""Finance: years, discounting, cashability, funding models and the committee workbook."""

import json

import numpy as np
import pytest
from openpyxl import load_workbook

from conftest import BARNET, one_strand, run_cli
from obcsim.accounts import appraisal, cashability, funding
from obcsim.accounts.ledger import expected_tables
from obcsim.accounts.money import agency_label
from obcsim.accounts.years import Settings, discount_factors
from obcsim.case.load import scenario_from_data
from obcsim.case.scenario import Cashability
from obcsim.model.montecarlo import run
from obcsim.outputs import finance


def small(**finance_settings):
    """One strand saving the police 300 a year (1000 x (0.5 - 0.2) x £1); the council pays 10
    a year to run it and 50 to set it up."""
    data = one_strand()
    data["strands"]["coaches"]["costs"].append(
        {"label": "set-up", "agency": "council", "kind": "setup", "type": "staff", "amount": 50}
    )
    data["finance"] = finance_settings
    return scenario_from_data(data)


def test_npv_bcr_payback_by_hand():
    scn = small(horizon_years=3, discount_rate=0.10)
    case = appraisal.expected_case(scn, Settings.of(scn))
    frame = appraisal.appraisal_frame(case).set_index("agency")
    factors = 1 + 1 / 1.1 + 1 / 1.21
    assert frame.loc["police", "npv"] == pytest.approx(300 * factors)
    assert frame.loc["council", "npv"] == pytest.approx(-10 * factors - 50)
    assert frame.loc["total", "npv"] == pytest.approx(290 * factors - 50)
    assert frame.loc["total", "bcr"] == pytest.approx(300 * factors / (10 * factors + 50))
    assert frame.loc["total", "payback_year"] == 1
    assert np.isnan(frame.loc["council", "payback_year"])  # never pays back


def test_payback_after_a_costly_start():
    data = one_strand()  # saving the police 300 a year
    data["strands"]["coaches"]["costs"].append(
        {"label": "set-up", "agency": "police", "kind": "setup", "type": "cash", "amount": 700}
    )
    data["finance"] = {"horizon_years": 4, "discount_rate": 0.0}
    scn = scenario_from_data(data)
    frame = appraisal.appraisal_frame(appraisal.expected_case(scn, Settings.of(scn)))
    assert frame.set_index("agency").loc["police", "payback_year"] == 3  # -400, -100, +200


def test_green_book_rates_fall_after_year_30():
    f = discount_factors(40, 0.035)
    # by hand: year k sits at t = k - 1; 3.5% for t = 1..30, 3.0% from t = 31
    hand = [1.035 ** -min(k - 1, 30) * 1.03 ** -max(k - 31, 0) for k in range(1, 41)]
    assert f == pytest.approx(hand, rel=1e-12)
    assert f[31] == pytest.approx(0.345901, abs=5e-7)  # year 32
    assert f[30] / f[29] == pytest.approx(1 / 1.035)  # year 31 = t 30, still 3.5%
    assert f[31] / f[30] == pytest.approx(1 / 1.03)  # year 32 = t 31, 3.0%
    later = discount_factors(80, 0.035)
    assert later[76] / later[75] == pytest.approx(1 / 1.025)  # t 76
    assert later[75] / later[74] == pytest.approx(1 / 1.03)  # t 75


def test_first_year_convention_and_the_2026_lower_rate():
    f = discount_factors(3, 0.1, "discounted")
    assert f == pytest.approx([1 / 1.1, 1 / 1.21, 1 / 1.331])
    low = discount_factors(80, 0.035, lower=True)
    assert low[1] == pytest.approx(1 / 1.03) and low[31] / low[30] == pytest.approx(1 / 1.0257)
    assert low[76] / low[75] == pytest.approx(1 / 1.0214)


def test_barnet_discounting_figures(barnet):
    five = appraisal.expected_case(barnet, Settings.of(barnet, years=5))
    assert five.years.programme().npv()[0, 0] == pytest.approx(2_475_598, abs=0.5)
    t1 = appraisal.expected_case(barnet, Settings.of(barnet, years=5, first_year="discounted"))
    assert t1.years.programme().npv()[0, 0] == pytest.approx(2_391_882, abs=0.5)
    s40 = Settings.of(barnet, years=40, green_book="2026")
    forty = appraisal.expected_case(barnet, s40)
    y = forty.years.programme()
    hand = np.array([1.035 ** -min(k - 1, 30) * 1.03 ** -max(k - 31, 0) for k in range(1, 41)])
    assert y.npv()[0, 0] == pytest.approx(float(hand @ y.net[0, :, 0]), rel=1e-12)
    sens = appraisal.sensitivity_frame(forty).set_index("test")
    assert sens.npv.iloc[0] == pytest.approx(y.npv()[0, 0])
    assert sens.year_32_factor.iloc[0] == pytest.approx(0.345901, abs=5e-7)
    assert "2026 lower-rate test" in sens.index[2] and "required" not in sens.index[2]
    long = appraisal.sensitivity_frame(
        appraisal.expected_case(barnet, Settings.of(barnet, years=60, green_book="2026"))
    )
    assert "required" in long.test.iloc[2]


def test_one_year_undiscounted_equals_the_foundation_tables(barnet):
    s = Settings.of(barnet, years=1, discount_rate=0.0, optimism_bias=0.0)
    frame = appraisal.appraisal_frame(appraisal.expected_case(barnet, s)).set_index("agency")
    tables = expected_tables(barnet)
    programme = tables[tables.strand == "all"].set_index("agency")
    for agency in programme.index:
        assert frame.loc[agency, "npv"] == pytest.approx(programme.loc[agency, "year1_impact"])
    years = appraisal.years_frame(appraisal.expected_case(barnet, s))
    assert years[years.agency == "total"].net.iloc[0] == pytest.approx(412_393, abs=0.5)


def test_optimism_bias_uplifts_costs_only():
    base = small(horizon_years=2)
    plain = appraisal.expected_case(base, Settings.of(base))
    scn = small(horizon_years=2, optimism_bias=0.2)
    biased = appraisal.expected_case(scn, Settings.of(scn))
    assert biased.years.costs.sum() == pytest.approx(1.2 * plain.years.costs.sum())
    assert biased.years.gross.sum() == pytest.approx(plain.years.gross.sum())


def test_persistence_ramp_up_and_calendar_years():
    data = one_strand()
    data["strands"]["coaches"]["ramp_up"] = [0.5]
    data["finance"] = {"horizon_years": 3, "discount_rate": 0.0, "benefit_persistence": 0.5}
    scn = scenario_from_data(data)
    gross = appraisal.expected_case(scn, Settings.of(scn)).years.gross[0, :, 0]
    # cohorts 0.5, 1, 1 of a year's saving; each keeps half its effect a year later
    assert gross == pytest.approx([150, 300 + 75, 300 + 150 + 37.5])
    data = one_strand()
    data["strands"]["njp"] = {**data["strands"]["coaches"], "go_live": "2014-01-01"}
    data["finance"] = {"horizon_years": 2, "discount_rate": 0.0, "calendar": True}
    scn = scenario_from_data(data)
    y = appraisal.expected_case(scn, Settings.of(scn)).years
    assert y.gross[0, 0, 0] == pytest.approx(300 + 300 * (1 - 184 / 365.25))
    assert y.operating[-1, 0, 0] == pytest.approx(10 + 10 * (1 - 184 / 365.25))


@pytest.mark.parametrize(
    ("rule", "saving", "cash"),
    [
        (Cashability(rule="step", step=100), 90, 0),  # 0.9 of a step is not cash
        (Cashability(rule="step", step=100), 230, 200),  # 2.3 steps cash 2
        (Cashability(rule="step", step=100), 300, 300),
        (Cashability(rule="threshold", threshold=1000), 999, 0),
        (Cashability(rule="threshold", threshold=1000), 1500, 1500),
        (Cashability(rule="never"), 500, 0),
        (Cashability(rule="full"), 500, 500),
        (Cashability(rule="full"), -5, 0),
    ],
)
def test_cashability_rules(rule, saving, cash):
    assert cashability.cashable(rule, np.array([saving]))[0] == pytest.approx(cash)


def test_cashable_split_adds_up(barnet):
    t = finance.tables_with_cash(barnet, expected_tables(barnet), Settings.of(barnet))
    assert np.allclose(t.gross_saving_cashable + t.gross_saving_non_cashable, t.gross_saving)
    programme = t[t.strand == "all"].set_index("agency")
    # whole posts of the saving net of the officer time cautions take: 298,757 - 98,400 = 3.85
    assert programme.loc["police", "gross_saving_cashable"] == 3 * 52_000
    gross = barnet.finance.cashability["police"].model_copy(update={"base": "gross"})
    rules = {**barnet.finance.cashability, "police": gross}
    scn = barnet.model_copy(
        update={"finance": barnet.finance.model_copy(update={"cashability": rules})}
    )
    t_gross = finance.tables_with_cash(scn, expected_tables(scn), Settings.of(scn))
    police = t_gross[(t_gross.strand == "all") & (t_gross.agency == "police")]
    assert police.gross_saving_cashable.iloc[0] == 5 * 52_000
    assert programme.loc["cps", "gross_saving_cashable"] == 0
    for _, block in t.groupby("strand"):
        rows = block[block.agency != "total"]
        assert rows.gross_saving_cashable.sum() == pytest.approx(
            block[block.agency == "total"].gross_saving_cashable.iloc[0]
        )


@pytest.fixture(scope="module")
def cases():
    from obcsim.case.load import load_scenario

    scn = load_scenario(BARNET)
    scn = scn.model_copy(
        update={
            "finance": scn.finance.model_copy(
                update={"pooled_shares": {"council": 0.5, "police": 0.3, "probation": 0.2}}
            )
        }
    )
    s = Settings.of(scn)
    return (
        scn,
        appraisal.expected_case(scn, s),
        appraisal.draws_case(run(scn, 300, seed=3, engine="fast"), s),
    )


@pytest.mark.parametrize("model", funding.MODELS)
def test_every_model_allocates_exactly_the_costs(cases, model):
    scn, expected_case, draws_case = cases
    for case in (expected_case, draws_case):
        alloc = funding.allocate(
            scn, case.years, model, case.outcomes, float(expected_case.outcomes.mean())
        )
        total = case.years.pv(case.years.costs).sum(axis=0)
        assert np.abs(alloc.contribution.sum(axis=0) - total).max() < 0.005
        npv = case.years.programme().npv()[0]
        assert np.abs(alloc.net.sum(axis=0) - npv).max() < 0.005


def test_models_allocate_as_described(cases):
    scn, case, draws = cases
    total = case.years.pv(case.years.costs).sum()
    pro = funding.allocate(scn, case.years, "pro_rata")
    benefit = case.years.pv(case.years.gross)[:, 0]
    i, j = scn.agencies.index("police"), scn.agencies.index("probation")
    assert pro.contribution[i, 0] / pro.contribution[j, 0] == pytest.approx(benefit[i] / benefit[j])
    assert pro.contribution[scn.agencies.index("cps"), 0] == 0  # not a paying partner
    pooled = funding.allocate(scn, case.years, "pooled")
    assert pooled.contribution[scn.agencies.index("council"), 0] == pytest.approx(0.5 * total)
    pbr = funding.allocate(scn, case.years, "pbr", case.outcomes, float(case.outcomes[0]))
    published = funding.allocate(scn, case.years, "as_published")
    # on the expected case the results payments are exactly the 20% not paid up front
    attachment = 0.8 * published.contribution[:, 0]
    assert (pbr.contribution[:, 0] - attachment).sum() == pytest.approx(0.2 * total)
    frame = appraisal.funding_frame(draws, "pbr", priced_on=case).set_index("agency")
    assert 0 <= frame.loc["council", "p_worse_off"] <= 1


def test_finance_cli_json_and_workbook_agree(tmp_path):
    out = tmp_path / "pack.xlsx"
    args = [str(BARNET), "--years", "5", "--discount-rate", "0.035", "--optimism-bias", "0.1"]
    as_json = run_cli("tables", *args, "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["settings"]["optimism_bias"] == 0.1
    assert {
        "tables",
        "years",
        "years_discounted",
        "appraisal",
        "cashability",
        "funding",
        "switching_values",
        "assumptions",
        "reconciliation",
        "investment",
    } <= set(data)
    written = run_cli("tables", *args, "--out", str(out))
    assert written.returncode == 0, written.stderr
    wb = load_workbook(out)
    for key in ("appraisal", "funding", "cashability", "sensitivity"):
        ws = wb[finance.SHEETS[key]]
        assert ws["A1"].value.startswith(finance.SHEETS[key])  # a title row on every sheet
        header = [c.value for c in ws[3]]
        assert header == [h.replace("_", " ") for h in data[key][0]]
        rows = ws.iter_rows(min_row=4, values_only=True)
        for row, expected in zip(rows, data[key], strict=True):
            for cell, (col, value) in zip(row, expected.items(), strict=True):
                if col == "agency":
                    assert cell == agency_label(value)
                elif isinstance(value, float):
                    assert cell == pytest.approx(value)
                else:
                    assert cell == (value if value != "" else None)  # Excel keeps no ""
        assert ws.freeze_panes == "A4"
    # the years print one row a year: each agency's net and the programme's flows, as in JSON
    ws = wb[finance.SHEETS["years_discounted"]]
    header = [c.value for c in ws[3]]
    for row in ws.iter_rows(min_row=4, values_only=True):
        cells = dict(zip(header, row, strict=True))
        same_year = [r for r in data["years_discounted"] if r["year"] == cells["year"]]
        by = {r["agency"]: r for r in same_year}
        assert cells["programme net"] == pytest.approx(by["total"]["net"])
        assert cells["Police net"] == pytest.approx(by["police"]["net"])
        assert cells["discount factor"] == pytest.approx(by["total"]["discount_factor"])
    money = wb[finance.SHEETS["appraisal"]]["B4"].number_format
    assert money.endswith('("£"#,##0);"£"0')
    assert wb[finance.SHEETS["assumptions"]].max_row > 50


def test_finance_terminal():
    result = run_cli("tables", str(BARNET), "--years", "5", "--funding", "pro_rata")
    assert result.returncode == 0, result.stderr
    assert "Appraisal (5 years" in result.stdout and "pro_rata" in result.stdout
    assert "Switching values" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--discount-rate", "-0.1"], "--discount-rate: must lie in [0, 1]"),
        (["--optimism-bias", "x"], "must be a number"),
        (["--years", "0"], "--years: must lie in [1, 500]"),
        (["--funding", "lottery"], "invalid choice"),
        (["--funding", "pooled"], "pooled model needs finance.pooled_shares"),
    ],
)
def test_bad_finance_settings(tmp_path, args, words):
    out = tmp_path / "pack.xlsx"
    result = run_cli("tables", str(BARNET), *args, "--out", str(out))
    assert result.returncode == 2 and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_bad_finance_in_the_scenario(tmp_path):
    text = BARNET.read_text().replace(
        "  pbr: {attachment_share: 0.8, commissioner: council}",
        "  pooled_shares: {council: 0.5, police: 0.3}",
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = run_cli("tables", str(path))
    assert result.returncode == 2 and "finance.pooled_shares" in result.stderr
    assert "sum to 1" in result.stderr


def test_assumptions_sheet_lists_every_parameter(barnet_data):
    barnet_data["strands"]["njp"]["groups"]["all"]["offences_per_reoffender"] = {
        "dist": "gamma",
        "shape": 4,
        "rate": 8,
        "loc": 1,
        "source": "posterior",
    }
    frame = finance.assumptions_frame(scenario_from_data(barnet_data)).set_index("field")
    row = frame.loc["strands.njp.groups.all.offences_per_reoffender"]
    assert row.parameters == "shape 4, rate 8, loc 1" and row["mean"] == pytest.approx(1.5)
