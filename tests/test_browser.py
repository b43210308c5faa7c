"""A real browser: the app served on localhost by `obcsim app`, in headless Chromium (Debian's,
driven by Playwright), at 1400x900 and at a laptop's 1280x720. Every page fails on a console
error, a blank chart (a Vega chart with no marks) or a headline cut off; the README's board
walkthrough ("fund NJP and IOM only, pooled 40/40/20") is followed step by step and its download
read back. Screenshots are kept in test-artifacts/."""

import contextlib
import csv
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM:
    if os.environ.get("OBCSIM_REQUIRE_BROWSER"):
        pytest.fail("Chromium is required (OBCSIM_REQUIRE_BROWSER is set) but not installed")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "obcsim.ui.cli", "app", "--headless", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped whole, Streamlit too
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    break
        except OSError:
            time.sleep(0.5)
    else:
        stop_group(proc)
        pytest.fail("the app did not start on localhost within 90 s")
    try:
        yield url
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group (obcsim and its Streamlit child)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=15)


VIEWPORTS = [(1400, 900), (1280, 720)]
CHART = "[data-testid='stVegaLiteChart']"
INTERVAL = re.compile(r"^\(?£[\d,]+\)? to \(?£[\d,]+\)?$")


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_app(browser, server: str, size: tuple[int, int]):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server, wait_until="domcontentloaded", timeout=60_000)
    page.locator(CHART).first.wait_for(state="visible", timeout=90_000)
    page.get_by_text("Programme annual impact (mean)").wait_for(timeout=60_000)
    return page, errors


def settle(page) -> None:
    """Wait until Streamlit has finished the rerun: no running status and no stale element,
    twice in a row, then a moment for Vega to draw."""
    page.wait_for_timeout(400)
    calm, deadline = 0, time.monotonic() + 120
    while calm < 2 and time.monotonic() < deadline:
        busy = (
            page.locator("[data-testid='stStatusWidget']").count()
            + page.locator("[data-stale='true']").count()
        )
        calm = 0 if busy else calm + 1
        page.wait_for_timeout(300)
    page.wait_for_timeout(800)


def check(page, errors: list[str], charts_expected: bool = True) -> None:
    """No console error; every chart on show has marks; every interval is whole and in view."""
    assert not errors, errors[:3]
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart']"))
        .filter(c => c.offsetParent !== null)
        .map(c => ({svg: c.querySelectorAll('svg').length,
                    items: c.querySelectorAll('[role=graphics-symbol]').length}))"""
    )
    assert charts or not charts_expected, "no chart on show"
    blank = [i for i, c in enumerate(charts) if c["svg"] == 0 or c["items"] < 2]
    assert not blank, (blank, charts)
    words = page.evaluate(
        """() => Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart'] svg text"))
        .map(t => t.textContent)"""
    )
    assert not [w for w in words if "$" in w], "money in dollars on a chart"
    assert not [w for w in words if re.search("[-\u2212]£", w)], "a loss not in brackets"
    width = page.viewport_size["width"]
    spans = page.locator("[data-testid='stMarkdownContainer'] span").all()
    shown = [s for s in spans if s.is_visible() and INTERVAL.match(s.inner_text().strip())]
    assert shown, "no headline interval on show"
    for span in shown:
        box = span.bounding_box()
        assert box and box["x"] + box["width"] <= width, span.inner_text()
        assert span.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_app_in_headless_chromium(server, browser, size):
    ARTIFACTS.mkdir(exist_ok=True)
    page, errors = open_app(browser, server, size)
    for fold in ("Run settings", "Upload a scenario"):  # the sidebar's folds, opened
        page.get_by_text(fold, exact=True).click()
        settle(page)
    assert page.get_by_label("Iterations").input_value() == "2000"
    page.get_by_text("Update automatically").click()
    settle(page)
    page.get_by_role("button", name="Run").click()
    settle(page)
    assert page.get_by_text("P(programme comes out ahead)").first.is_visible()
    assert page.get_by_text("Deploy").count() == 0  # toolbar in viewer mode
    assert page.get_by_text("1MB per file").count() >= 1  # uploaders state the real limit
    assert page.get_by_text("200MB").count() == 0
    check(page, errors)
    page.screenshot(path=str(ARTIFACTS / f"app-{size[0]}x{size[1]}.png"))
    for tab in ("How sure", "Tables and downloads", "Compare", "Evaluate", "Evaluation plan"):
        page.get_by_role("tab", name=tab).click()
        settle(page)
        check(page, errors, charts_expected=tab in ("How sure", "Compare", "Evaluation plan"))
        page.screenshot(path=str(ARTIFACTS / f"{tab.split()[0].lower()}-{size[0]}x{size[1]}.png"))
    assert (ARTIFACTS / f"app-{size[0]}x{size[1]}.png").stat().st_size > 10_000


def test_the_first_page_needs_no_script_its_page_did_not_preload(server, browser):
    """The browser, not obcsim, says which scripts the first page loads: each was named in the
    page served (`ui/preload.py`), so none waits for the server to send the page first. A new
    kind of element on the first page fails here until it is added to `preload.FIRST_PAGE`."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.url.endswith(".js") else None)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    served = page.goto(server, wait_until="domcontentloaded", timeout=60_000)
    page.locator(CHART).first.wait_for(state="visible", timeout=90_000)
    settle(page)
    # The page as served: Streamlit's scripts add preload links of their own as they load.
    named = {
        f"{server}/static/js/{s}" for s in re.findall(r"\./static/js/([^\"]+\.js)", served.text())
    }
    assert not errors, errors[:3]
    assert any("ArrowVegaLiteChart" in s for s in scripts)
    assert set(scripts) <= set(named), sorted(set(scripts) - set(named))


def test_undo_sets_the_inputs_back_in_the_browser_too(server, browser):
    """Undo with the edited input on show: the next redraw must not send the edit back."""
    page, errors = open_app(browser, server, (1400, 900))
    page.get_by_test_id("stSidebar").get_by_text("Change the assumptions", exact=True).click()
    settle(page)
    cohort = page.get_by_role("spinbutton", name="cohort (people a year)")
    was = cohort.input_value()
    cohort.fill("100")
    cohort.press("Enter")
    settle(page)
    heading = page.get_by_test_id("stMain").locator("[data-testid='stHeading'] h3").first
    assert heading.inner_text().endswith(", edited")
    page.get_by_role("button", name="Undo all my edits").click()
    settle(page)
    assert cohort.input_value() == was
    page.get_by_role("tab", name="By strand").click()  # any redraw
    settle(page)
    assert not heading.inner_text().endswith(", edited") and cohort.input_value() == was
    assert not errors, errors[:3]


def test_an_upload_stays_in_use_when_its_fold_is_closed(server, browser, tmp_path):
    page, errors = open_app(browser, server, (1400, 900))
    sidebar = page.get_by_test_id("stSidebar")
    fold = sidebar.get_by_text("Upload a scenario", exact=True)
    fold.click()
    settle(page)
    mine = tmp_path / "mine.yaml"
    published = (ROOT / "scenarios" / "barnet_obc_2013.yaml").read_text(encoding="utf-8")
    mine.write_text(published.replace("name: ", "name: Mine, ", 1), encoding="utf-8")
    sidebar.locator("input[type=file]").set_input_files(mine)
    settle(page)
    heading = page.get_by_test_id("stMain").locator("[data-testid='stHeading'] h3").first
    assert heading.inner_text().startswith("Mine, ")
    fold.click()  # closed: the upload stays in use, and the picker greyed
    settle(page)
    page.get_by_role("tab", name="By strand").click()
    settle(page)
    assert heading.inner_text().startswith("Mine, ")
    assert sidebar.get_by_text("Using the uploaded file").is_visible()
    fold.click()
    settle(page)
    sidebar.get_by_role("button", name="Remove mine.yaml").click()  # the uploader's (x)
    settle(page)
    assert heading.inner_text().startswith("Barnet Safer Communities OBC 2013")
    assert not errors, errors[:3]


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_readme_walkthrough_fund_njp_and_iom_pooled_40_40_20(server, browser, size, tmp_path):
    """The README's board walkthrough, step by step, and its downloads read back."""
    page, errors = open_app(browser, server, size)
    # 1. Open "Who pays (funding)".
    page.get_by_role("tab", name="Who pays (funding)").click()
    settle(page)
    # 2. Under "Strands to fund", remove community coaches and conditional cautions.
    for strand in ("Community coaches", "Conditional cautions"):
        page.get_by_role("button", name=f"Remove {strand}").click()
        settle(page)
    # 3. Choose "Pooled budget" and set the shares: council 40, police 40, probation 20.
    page.get_by_text("Pooled budget (shares the board sets)").click()
    settle(page)
    for agency, share in (("Council", "40"), ("Police", "40"), ("Probation", "20")):
        box = page.get_by_label(f"{agency} (%)")
        box.fill(share)
        box.press("Enter")
        settle(page)
    # 4. Read who pays and how sure: the headline and the table.
    assert page.get_by_text("P(NPV above zero)").is_visible()
    assert page.get_by_text("What each agency pays and gains (present value)").is_visible()
    assert page.get_by_text("Contributions under: Pooled budget").is_visible()
    check(page, errors)
    page.screenshot(path=str(ARTIFACTS / f"funding-{size[0]}x{size[1]}.png"))
    for part, where in (
        ("chart", page.locator(CHART).first),
        ("years", page.get_by_text("Year by year")),
    ):
        where.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        check(page, errors)
        page.screenshot(path=str(ARTIFACTS / f"funding-{part}-{size[0]}x{size[1]}.png"))
    # 5. Download the funding position and the board pack (PDF and Word).
    with page.expect_download() as caught:
        page.get_by_role("button", name="Funding position (CSV)").click()
    assert caught.value.suggested_filename.startswith("obcsim-funding-pooled-barnet-")
    path = tmp_path / caught.value.suggested_filename
    caught.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    pv = {r["agency"]: r for r in rows if r["year"] == "0"}
    total = float(pv["total"]["contribution"])
    for agency, share in (("council", 0.4), ("police", 0.4), ("probation", 0.2)):
        assert float(pv[agency]["contribution"]) == pytest.approx(share * total)
    assert {r["model"] for r in rows} == {"pooled"}
    settle(page)  # the CSV button's click reruns the page: wait for the fresh buttons
    for label, suffix in (("Board pack (PDF)", ".pdf"), ("Board pack (Word)", ".docx")):
        with page.expect_download(timeout=120_000) as caught:  # built on click: seconds
            page.get_by_role("button", name=label).click()
        assert caught.value.suggested_filename.startswith("board-pack-pooled-")
        assert caught.value.suggested_filename.endswith(suffix)
        path = tmp_path / caught.value.suggested_filename
        caught.value.save_as(path)
        head = path.read_bytes()[:4]
        assert head == (b"%PDF" if suffix == ".pdf" else b"PK\x03\x04"), head
        settle(page)
    assert not errors, errors[:3]
