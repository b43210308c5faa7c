"""The app shows `st.error` (never a Streamlit exception) for every case of the bad-input
corpus, uploaded as a scenario or as observed outcomes, and keeps the last good results."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from corpus import OBSERVED, SCENARIOS, data_edit, set_at

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception and not at.error
    at.session_state["upload_open"] = True  # the sidebar's fold with the scenario uploader
    return at.run()


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_every_bad_scenario_upload_is_an_error(app):
    failed = []
    for case, (content, words) in sorted(SCENARIOS.items()):
        app.file_uploader(key="scenario_upload").set_value(
            (f"{case}.yaml", content, "application/yaml")
        ).run()
        shown = _errors(app)
        if app.exception or len(shown) != 1 or words not in shown[0] or case not in shown[0]:
            failed.append((case, [e.value for e in app.exception], shown))
    assert not failed, failed
    assert app.get("vega_lite_chart")  # the last good results stay


def test_a_scenario_too_big_for_its_engine_is_an_error(app):
    """Capacity that binds sends the app to the flow engine, whose limit this cohort breaks."""

    def change(data):
        data["strands"]["njp"]["cohort"] = 2_000_000
        data["strands"]["njp"]["capacity"] = {
            "servers": 10,
            "service_days": 30,
            "max_wait_days": 10,
        }

    app.file_uploader(key="scenario_upload").set_value(
        ("huge.yaml", data_edit(change), "application/yaml")
    ).run()
    assert not app.exception
    assert "people an iteration" in _errors(app)[0]


def test_every_bad_observed_upload_is_an_error(app):
    app.file_uploader(key="scenario_upload").set_value(
        ("fine.yaml", data_edit(set_at("name", "fine")), "application/yaml")
    ).run()
    assert not app.exception and not app.error
    app.session_state["page"] = "Evaluate"  # the page with the observed outcomes
    app.run()
    failed = []
    for case, (content, words) in sorted(OBSERVED.items()):
        app.file_uploader(key="observed_upload").set_value(
            (f"{case}.csv", content, "text/csv")
        ).run()
        shown = _errors(app)
        if app.exception or len(shown) != 1 or words not in shown[0]:
            failed.append((case, [e.value for e in app.exception], shown))
    assert not failed, failed
