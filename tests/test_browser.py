"""A real browser: the app served on localhost by `obcsim app`, loaded in headless Chromium
(Debian's, driven by Playwright), charts awaited, Run clicked, a screenshot kept in
test-artifacts/."""

import contextlib
import os
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


@pytest.fixture
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


def test_app_in_headless_chromium(server):
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(server, wait_until="domcontentloaded", timeout=60_000)
            charts = page.locator("[data-testid='stVegaLiteChart']")
            charts.first.wait_for(state="visible", timeout=90_000)
            page.get_by_text("Programme annual impact (mean)").wait_for(timeout=60_000)
            page.get_by_role("button", name="Run").click()
            page.wait_for_timeout(3000)
            charts.first.wait_for(state="visible", timeout=60_000)
            assert charts.count() >= 4
            assert page.get_by_text("P(programme comes out ahead)").is_visible()
            page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=True)
            assert not errors, errors[:3]  # e.g. a chart spec Vega cannot draw
        finally:
            browser.close()
    assert (ARTIFACTS / "app.png").stat().st_size > 10_000
