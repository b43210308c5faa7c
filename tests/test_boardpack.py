"""The board pack: its figures, checked by a second route in the files a board member opens.

The PDF is read back with pdftotext (poppler) and its numbers parsed from the text; the Word
document is opened with python-docx and its tables read; the charts are pulled out of both
files as images and must not be blank. Figures themselves are checked against closed forms
where one exists (a pooled budget splits the programme's cost by the shares exactly).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import math
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from conftest import BARNET, run_main
from obcsim.accounts.money import gbp
from obcsim.accounts.years import Settings
from obcsim.case.edit import to_yaml
from obcsim.case.funded import funded
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.outputs import boardpack

RUNS = 500
DRIVERS_RUNS = 2000
POOLED = {"police": 0.4, "council": 0.4, "probation": 0.2}
MONEY = re.compile(r"\(?£[\d,]+\)?")
PERCENT = re.compile(r"(\d+)%")
poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfimages") is None,
    reason="poppler-utils (pdftotext, pdfimages) not installed",
)


def build_pooled(barnet: Scenario, **extra: Any) -> boardpack.Pack:
    """The README's choice (NJP and IOM, pooled) at the tests' runs and seed."""
    return boardpack.build(
        barnet,
        Settings.of(barnet),
        funding_model="pooled",
        runs=RUNS,
        seed=3,
        strands={"njp": 1.0, "iom": 1.0},
        shares=POOLED,
        drivers_runs=DRIVERS_RUNS,
        **extra,
    )


@pytest.fixture(scope="module")
def pack(barnet: Scenario) -> boardpack.Pack:
    return build_pooled(barnet, scenario_path=BARNET)


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
    for was, now in zip(barnet.strand("iom").costs, half.strand("iom").costs, strict=True):
        k = 0.5 if was.kind == "operating" else 1.0  # running costs scale, set-up does not
        assert now.amount.expected() == pytest.approx(k * was.amount.expected())
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
    assert pack.filename("docx") == (
        "board-pack-barnet-safer-communities-obc-2013-as-published-pooled.docx"
    )
    assert t["scenario_sha256"] == hashlib.sha256(BARNET.read_bytes()).hexdigest()
    again = build_pooled(barnet)
    assert again.figures["who_pays"] == pack.figures["who_pays"]
    assert again.figures["traceability"]["funded_case_sha256"] == t["funded_case_sha256"]
    # no file (an upload in the app): the scenario's own YAML is hashed
    own = hashlib.sha256(to_yaml(barnet).encode("utf-8")).hexdigest()
    assert again.figures["traceability"]["scenario_sha256"] == own
    assert dict(again.figures["cover"])["scenario SHA-256"].startswith(own)


def test_evidence_worth_having_agrees_with_the_drivers_sentences(pack: boardpack.Pack) -> None:
    """The pack's own filter on the programme's EVPPI (>= 1% of the EVPI, > 2 standard errors)
    picks the groups the drivers' board sentences name for the partnership, in order."""
    d = pack.figures["drivers"]
    said = [s for s in d["sentences"] if "to the partnership (" in s]
    assert said and len(said) == len(d["evidence"])
    for e, sentence in zip(d["evidence"], said, strict=True):
        assert sentence.startswith(f"Resolving {e['phrase']} is worth up to {gbp(e['evppi'])}")
        assert 0 < e["evppi"] <= e["evpi"]


def test_evaluation_plan_by_hand(pack: boardpack.Pack) -> None:
    """Outcomes complete by the end of the OBC's window (30 September 2014): a referral needs
    365 days' follow-up and 183 to record it, so NJP (live 1 July 2013) has none; IOM (live
    1 March 2013) has those referred in its first days, at its even rate."""
    e = pack.figures["evaluation"]
    assert e["window_end"] == "2014-09-30" and e["year_one_evaluation"] == "July to September 2014"
    got = {s["strand"]: s for s in e["strands"]}
    assert got["njp"]["complete_by_window_end"] == 0
    iom = got["iom"]
    days = (dt.date(2014, 9, 30) - dt.date(2013, 3, 1)).days - 365 - 183
    assert iom["complete_by_window_end"] == math.floor(iom["people_a_year"] * days / 365 + 0.5)
    assert iom["needed"] >= e["jdl_minimum"] == 60


def numbers(line: str) -> tuple[list[float], list[float]]:
    """The money and the percentages written on a line of the report, as numbers."""
    return [money(m) for m in MONEY.findall(line)], [float(p) / 100 for p in PERCENT.findall(line)]


def assert_row(line: str, expected_money: list[float], expected_p: list[float]) -> None:
    """A printed row against the figures: money to the pound, probabilities to the percent."""
    got_money, got_p = numbers(line)
    assert got_money == pytest.approx(expected_money, abs=0.5 + 1e-6), line
    assert got_p == pytest.approx(expected_p, abs=0.005 + 1e-9), line


def who_pays_expected(row: dict[str, Any]) -> tuple[list[float], list[float]]:
    """What a row of the who-pays table must print: pays (a cost, so negative), benefit,
    cashable, net, its interval; P(worse off)."""
    cash = [row["cashable"]] if "cashable" in row else []
    interval = [row["net_p05"], row["net_p95"]] if row.get("net_p05") is not None else []
    p = [row["p_worse_off"]] if row.get("p_worse_off") is not None else []
    return [-row["contribution"], row["benefit"], *cash, row["net"], *interval], p


def section(text: str, start: str, end: str) -> list[str]:
    body = text[text.index(start) : text.index(end)]
    return body.splitlines()


def text_part(line: str) -> str:
    """A table line's first cell: the text before the first wide gap."""
    return re.split(r"\s{2,}", line.strip())[0]


def first_line(lines: list[str], label: str) -> str:
    return next(ln for ln in lines if ln.strip().startswith(label + " "))


@pytest.fixture(scope="module")
def pdf_text(pack: boardpack.Pack, tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    path = tmp_path_factory.mktemp("pack") / "pack.pdf"
    path.write_bytes(pack.pdf())
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@poppler
def test_pdf_prints_the_figures(pack: boardpack.Pack, pdf_text: str) -> None:
    """Every row of the money tables, read back from the PDF's text, equals the figures."""
    f = pack.figures
    lines = section(pdf_text, "4. WHO PAYS", "5. RISKS")
    for row in f["who_pays"]:
        assert_row(first_line(lines, row["label"]), *who_pays_expected(row))
    lines = section(pdf_text, "3. THE FINANCIAL CASE", "4. WHO PAYS")
    p = f["programme"]
    for a in [*f["agencies"], {**p, "agency": "programme"}]:
        label = "Programme" if a["agency"] == "programme" else boardpack.agency_label(a["agency"])
        want = [a["pv_benefits"], -a["pv_costs"], a["npv"], a["npv_p05"], a["npv_p95"]]
        assert_row(first_line(lines, label), want, [a["p_npv_positive"]])
    lines = section(pdf_text, "5. RISKS", "6. WHAT DRIVES")
    for s in f["strands"]:
        assert_row(first_line(lines, s["label"]), [s["mean"], s["p05"], s["p95"]], [s["p_ahead"]])
    lines = iter(section(pdf_text, "6. WHAT DRIVES", "7. EVALUATION"))
    for r in f["drivers"]["tornado"]:  # in order; a long label wraps, its figures on line one
        line = next(ln for ln in lines if MONEY.search(ln) and r["label"].startswith(text_part(ln)))
        assert_row(line, [r["at_low"], r["at_high"], r["swing"]], [])
    lines = section(pdf_text, "7. EVALUATION PLAN", "8. HOW THESE")
    for e in f["evaluation"]["strands"]:
        cells = re.split(r"\s{2,}", first_line(lines, e["label"]).strip())
        assert cells[1] == e["go_live"] and cells[-1] == e["date_enough_complete"]
        people, done, needed = (float(c.replace(",", "")) for c in cells[2:5])
        assert people == pytest.approx(e["people_a_year"], abs=0.5)
        assert done == e["complete_by_window_end"]
        assert needed == math.ceil(e["needed"])
    flat = " ".join(pdf_text.split())
    for sentence in f["drivers"]["sentences"]:
        assert sentence in flat
    said = re.search(r"net present value is (\S+) \(90% interval (\S+) to (\S+)\)", flat)
    assert said is not None
    assert [money(x.rstrip(":,")) for x in said.groups()] == pytest.approx(
        [p["npv"], p["npv_p05"], p["npv_p95"]], abs=0.5
    )
    assert f"comes out ahead is {round(p['p_npv_positive'] * 100)}%" in flat


@poppler
def test_pdf_says_how_it_was_made(pack: boardpack.Pack, pdf_text: str) -> None:
    t = pack.figures["traceability"]
    flat = " ".join(pdf_text.split())
    for text in (t["scenario"], t["scenario_sha256"], t["funded_case_sha256"], t["version"]):
        assert text in flat
    assert f"{t['runs']} Monte Carlo runs (fast engine), seed {t['seed']}" in flat
    assert f"{t['runs']} runs, seed {t['seed']}" in flat  # every page's foot
    assert flat.count(t["scenario_sha256"][:12]) >= 2
    assert "Police 40%, Council 40%, Probation 20%" in flat
    assert "payment by results" not in flat.lower()  # a pooled pack: only the pooled terms
    d = pack.figures["drivers"]  # section 6's expected value, and where it comes from
    assert f"sections 2 to 5 give the average of {t['runs']:,} simulated runs instead" in flat
    assert f"(expected value {gbp(d['gap']['expected_value'])})" in flat
    for heading in ("SUMMARY AND PURPOSE", "DECISION REQUESTED", "RISKS AND THEIR PROBABILITIES",
                    "WHAT DRIVES THE ANSWER", "EVALUATION PLAN"):  # fmt: skip
        assert heading in pdf_text


def not_blank(png: bytes) -> None:
    """A chart, not an empty box: many colours and real contrast."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), float)
    assert pixels.std() > 20
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20


@poppler
def test_pdf_embeds_every_chart_as_a_picture(pack: boardpack.Pack, tmp_path: Path) -> None:
    assert set(pack.charts) == {"years", "net_positions", "p_worse_off", "drivers"}
    path = tmp_path / "pack.pdf"
    path.write_bytes(pack.pdf())
    subprocess.run(["pdfimages", "-png", str(path), str(tmp_path / "img")], check=True)
    listed = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    images = [ln.split() for ln in listed.splitlines()[2:] if ln.split()[2] == "image"]
    assert len(images) == len(pack.charts)
    sizes = {Image.open(io.BytesIO(png)).size for png in pack.charts.values()}
    assert {(int(i[3]), int(i[4])) for i in images} == sizes
    for i, row in enumerate(ln.split() for ln in listed.splitlines()[2:]):
        if row[2] == "image":
            not_blank((tmp_path / f"img-{i:03d}.png").read_bytes())


def test_docx_tables_and_pictures(pack: boardpack.Pack) -> None:
    """The Word document, opened with python-docx: its tables hold the figures; every chart
    is a picture in it."""
    from docx import Document

    doc = Document(io.BytesIO(pack.docx()))
    tables = {tuple(c.text for c in t.rows[0].cells): t for t in doc.tables}
    who = next(t for h, t in tables.items() if h[:2] == ("Agency", "Pays"))
    printed = {r.cells[0].text: " ".join(c.text for c in r.cells[1:]) for r in who.rows[1:]}
    for row in pack.figures["who_pays"]:
        assert_row(" " + printed[row["label"]], *who_pays_expected(row))
    cover = next(t for h, t in tables.items() if h == ("Setting", "Value"))
    settings = {r.cells[0].text: r.cells[1].text for r in cover.rows[1:]}
    assert settings["scenario SHA-256"] == pack.figures["traceability"]["scenario_sha256"]
    assert len(doc.inline_shapes) == len(pack.charts)
    blobs = [p.blob for p in doc.part.package.image_parts]
    assert sorted(blobs) == sorted(pack.charts.values())
    for blob in blobs:
        not_blank(blob)


def test_cli_writes_the_pack_and_prints_its_figures(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "pack.docx"
    args = ["boardpack", str(BARNET), "--out", str(out), "--json", "--runs", "200", "--seed", "5"]
    code, stdout, err = run_main(capsys, *args, "--strands", "njp=0.5,iom", "--years", "3")
    assert code == 0, err
    figures = json.loads(stdout)
    assert figures["traceability"]["strands"] == {"njp": 0.5, "iom": 1.0}
    assert figures["traceability"]["settings"]["years"] == 3
    assert len(figures["years"]) == 3
    assert out.read_bytes()[:2] == b"PK"  # a Word file is a zip


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--strands", "njp,nope"], "--strands: nope: not a costed strand"),
        (["--strands", "njp=-1"], "--strands: njp: scale must lie in"),
        (["--strands", "njp,njp=2"], "--strands: njp: given twice"),
        (["--strands", "njp,,iom"], "--strands: expected name=number pairs"),
        (["--shares", "police=0.5,council=0.4"], "--shares: the pooled shares must sum to 1"),
        (["--shares", "police=x"], "--shares: police: must be a number"),
        (["--funding", "pooled"], "the pooled model needs finance.pooled_shares"),
        (["--runs", "0"], "--runs"),
        (["--funding", "pbr", "--commissioner", "nobody"], "--commissioner: nobody: not an agency"),
    ],
)
def test_bad_input_is_one_line_and_no_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], says: str
) -> None:
    out = tmp_path / "pack.pdf"
    code, _, err = run_main(capsys, "boardpack", str(BARNET), "--out", str(out), *extra)
    assert code == 2
    assert says in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_bad_target_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for out, says in [("pack.txt", "use .pdf, .docx"), ("no/such/pack.pdf", "no such directory")]:
        code, _, err = run_main(capsys, "boardpack", str(BARNET), "--out", str(tmp_path / out))
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1
    code, _, err = run_main(capsys, "boardpack", str(BARNET))
    assert code == 2 and "--out" in err
    assert list(tmp_path.iterdir()) == []


@poppler
def test_a_case_with_nothing_uncertain(tmp_path: Path) -> None:
    """Every value fixed: nothing drives the answer (only chance: which person reoffends), and
    the pack still renders, without the drivers chart; a name full of Typst markup and a
    control character is printed as text in both files."""
    from conftest import one_strand
    from obcsim.case.load import scenario_from_data

    name = "Odd #set page(width: 1cm) $x$ *b* _c_ <d> @e [f] \\ \x07 name"
    scn = scenario_from_data({**one_strand(), "name": name}, "fixed")
    pack = boardpack.build(scn, Settings.of(scn), funding_model="as_published", runs=50, seed=1)
    d = pack.figures["drivers"]
    assert d["tornado"] == [] and d["evidence"] == [] and d["sentences"] == []
    assert set(pack.charts) == {"years", "net_positions", "p_worse_off"}
    path = tmp_path / "pack.pdf"
    path.write_bytes(pack.pdf())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert "No input of this case is uncertain" in flat
    assert " ".join(name.replace("\x07", "").split()) in flat  # text, never markup
    from docx import Document

    doc = Document(io.BytesIO(pack.docx()))
    assert any(name.replace("\x07", "") in p.text for p in doc.paragraphs)


def test_payment_by_results_all_up_front_is_as_published(barnet: Scenario) -> None:
    """An attachment share of 100% leaves no tariff: everyone pays what the OBC puts on them."""
    pbr = boardpack.build(
        barnet,
        Settings.of(barnet),
        funding_model="pbr",
        runs=100,
        seed=2,
        pbr={"attachment_share": 1.0, "commissioner": "police"},
        drivers_runs=1000,
    )
    rows = {r["agency"]: r["contribution"] for r in pbr.figures["who_pays"]}
    own = {r["agency"]: r["pv_costs"] for r in pbr.figures["agencies"]}
    for agency, cost in own.items():
        assert rows[agency] == pytest.approx(cost, rel=1e-9, abs=1e-6)
    assert pbr.figures["traceability"]["pbr"] == {"attachment_share": 1.0, "commissioner": "police"}
    assert "Police commissions" in dict(pbr.figures["cover"])["payment by results"]
    assert "pooled shares" not in dict(pbr.figures["cover"])


def test_decision_names_a_strand_likely_to_lose(pack: boardpack.Pack) -> None:
    """A funded strand that comes out ahead in under half the futures is named in the
    recommendations with its chance; none is named when every strand is likelier ahead."""
    from obcsim.outputs.boardpack_text import decision

    def said(f: dict[str, Any]) -> str:
        return " ".join(i for b in decision(f) if b["kind"] == "items" for i in b["items"])

    f = pack.figures
    assert all(s["p_ahead"] >= 0.5 for s in f["strands"])
    assert "cost more than it saves" not in said(f)
    done = sum(s["complete_by_window_end"] for s in f["evaluation"]["strands"])
    assert f"will have {done} complete reoffending outcomes, too few" in said(f)
    weak = [{**f["strands"][0], "p_ahead": 0.2}, *f["strands"][1:]]
    text = said({**f, "strands": weak})
    assert f"on its own {weak[0]['label']} (20%) is more likely than not to cost more" in text


def test_draws_already_run_give_the_same_pack(barnet: Scenario, pack: boardpack.Pack) -> None:
    """The app passes the draws its funding page ran: the pack prints the same figures as
    when it runs them itself (same case, runs and seed)."""
    from obcsim.model.montecarlo import run

    case = funded(barnet, {"njp": 1.0, "iom": 1.0}, POOLED)
    given = boardpack.build(
        barnet,
        Settings.of(barnet),
        funding_model="pooled",
        runs=1,  # taken from the draws
        seed=0,
        strands={"njp": 1.0, "iom": 1.0},
        draws=run(case, RUNS, 3, "fast"),
        scenario_path=BARNET,
        drivers_runs=DRIVERS_RUNS,
    )
    for key in ("who_pays", "programme", "strands", "models", "years", "drivers"):
        assert given.figures[key] == pack.figures[key], key
    assert given.figures["traceability"]["runs"] == RUNS
    assert given.figures["traceability"]["seed"] == 3


def test_years_add_up_to_the_npv(pack: boardpack.Pack) -> None:
    """The chart's cumulative discounted net at the horizon is the programme's NPV: sum over
    years of (saving - costs) x the Green Book factor, recomputed here from the year rows."""
    years = pack.figures["years"]
    s = pack.figures["traceability"]["settings"]
    factors = [1 / (1 + s["discount_rate"]) ** (y["year"] - 1) for y in years]  # t = 0, < 30y
    by_hand = sum(
        (y["gross_saving"] + y["costs"]) * df for y, df in zip(years, factors, strict=True)
    )
    assert by_hand == pytest.approx(pack.figures["programme"]["npv"], rel=1e-9)
    assert years[-1]["cumulative_discounted_net"] == pytest.approx(by_hand, rel=1e-9)


def test_chances_are_written_alike_in_tables_and_charts(pack: boardpack.Pack) -> None:
    """A chance is a whole percentage, but never 0% or 100% unless exactly so: the pack's
    chart labels say what its tables say (the chart once wrote 100% under a table's >99%)."""
    from obcsim.accounts.money import pct
    from obcsim.outputs import boardpack_charts

    cases = {0: "0%", 0.004: "<1%", 0.005: "<1%", 0.0051: "1%", 0.5: "50%", 0.9949: "99%"}
    assert {p: pct(p) for p in cases} == cases
    assert (pct(0.995), pct(0.9995), pct(1)) == (">99%", ">99%", "100%")
    f = copy.deepcopy(pack.figures)
    paying = [r for r in f["who_pays"] if r["agency"] not in ("total", "partners")]
    paying[0]["p_worse_off"] = 0.9995
    spec = boardpack_charts.p_worse_off(f).to_dict()
    rows = next(iter(spec["datasets"].values()))
    labels = {r["label"]: r["text"] for r in rows}
    assert labels[paying[0]["label"]] == ">99%"
    assert all(labels[r["label"]] == pct(r["p_worse_off"]) for r in rows)
