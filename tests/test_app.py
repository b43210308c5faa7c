"""The board's app, driven with Streamlit's AppTest: pages, edits, downloads, defects of #13."""

import asyncio
import io
import json
import re
import subprocess
import sys
import tomllib

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from obcsim.accounts import ledger
from obcsim.accounts.money import gbp
from obcsim.case.load import parse_scenario
from obcsim.outputs import boardcharts, report
from obcsim.outputs.boardview import IDENTICAL
from obcsim.ui import app as app_module
from obcsim.ui import gains_page
from obcsim.ui.serve import command

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture
def app() -> AppTest:
    """The app as a new session opens it, with the assumptions' fold then opened."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return open_assumptions(at)


def open_assumptions(at: AppTest) -> AppTest:
    at.session_state["assumptions_open"] = True
    return at.run()


def open_fold(at: AppTest, key: str) -> AppTest:
    """Open one of the sidebar's folds ("upload_open", "run_open"), as a board member does."""
    at.session_state[key] = True
    return at.run()


def go(at: AppTest, page: str) -> AppTest:
    """Open a page (a tab that remembers itself; only the open page runs)."""
    at.session_state["page"] = page
    return at.run()


def widget(at: AppTest, path: str):
    return next(w for w in at.number_input if w.key and w.key.endswith(f":{path}"))


def programme_mean(at: AppTest) -> float:
    table = at.session_state["shown_table"]
    row = table[(table.strand == "all") & (table.agency == "total")].iloc[0]
    return float(row["annual impact mean"])


def texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*at.markdown, *at.caption])


def shown_draws(at: AppTest):
    return at.session_state["last_good"]["draws"]


def test_only_the_open_page_runs_and_it_stays_open(app):
    assert app.session_state["page"] == app_module.PAGES[0][0]
    assert "shown_table" not in app.session_state  # the tables page has not run
    go(app, "Tables and downloads")
    widget(app, "strands.njp.cohort").set_value(250).run()
    assert (
        app.session_state["page"] == "Tables and downloads" and "shown_table" in app.session_state
    )


def test_default_page(app):
    assert not app.error
    go(app, "Tables and downloads")
    assert [t.label for t in app.tabs] == [title for title, _ in app_module.PAGES]
    assert "Who pays (funding)" in [t.label for t in app.tabs]
    assert "Programme annual impact (mean)" in [c.value for c in app.caption]
    shown = next(d.value for d in app.dataframe if "annual impact: published" in d.value)
    agencies = ["Police", "CPS", "Probation", "Court", "Prison", "Council", "Total"]
    assert list(shown.agency) == agencies
    assert shown.loc[6, "annual impact: published"] == "£561,710"
    assert "OBC 5.2" in widget(app, "strands.njp.cohort").help  # the source note, beside it


def test_headline_shows_the_whole_interval(app):
    """The interval is text that wraps (not a metric cut off at '£608,…'); its figures are the
    summary's 5th and 95th percentiles, recomputed here from the draws."""
    draws = shown_draws(app)
    total = np.asarray(
        ledger.draw_tables(draws)
        .set_index(["strand", "agency"])
        .loc[("all", "total")]["annual_impact"]
    )
    lo, hi = np.percentile(total, [5, 95])
    assert f"{gbp(lo)} to {gbp(hi)}" in texts(app)
    assert not app.metric  # no truncating metric widget for the headline


def test_scenario_picker_shows_titles(app):
    picker = app.selectbox(key="scenario_pick")
    assert "As published: Barnet Safer Communities OBC 2013" in picker.options
    assert "Evidence-adjusted: Barnet Safer Communities OBC 2013" in picker.options
    assert not picker.disabled


def test_a_bigger_njp_cohort_raises_njp_savings(app, barnet):
    go(app, "Tables and downloads")
    before = app.session_state["shown_table"].copy()
    programme_before = programme_mean(app)
    widget(app, "strands.njp.cohort").set_value(400).run()
    assert not app.exception and not app.error
    after = app.session_state["shown_table"]
    key = (after.strand == "njp") & (after.agency == "police")
    assert float(after[key]["gross saving mean"].iloc[0]) > 1.8 * float(
        before[key]["gross saving mean"].iloc[0]
    )
    assert programme_mean(app) > programme_before + 50_000
    assert app.subheader[0].value.endswith(", edited")
    was = f"{barnet.strands.njp.cohort.point():,.0f}"
    assert f"Neighbourhood Justice Panels: cohort (people a year) 400 (was {was})" in texts(app)


def test_with_auto_update_off_an_edit_is_flagged_not_shown_as_done(app):
    go(app, "Tables and downloads")
    first = app.subheader[0].value
    mean = programme_mean(app)
    assert not [b for b in app.button if b.key == "run"]  # no Run button while automatic
    open_fold(app, "run_open").toggle(key="auto_update").set_value(False).run()
    widget(app, "strands.njp.cohort").set_value(400).run()
    assert not app.exception and not app.error
    assert app.subheader[0].value == first  # the figures shown are still the unedited case's
    assert programme_mean(app) == mean
    assert "not run yet" in app.warning[0].value
    app.button(key="run").click().run()
    assert app.subheader[0].value.endswith(", edited") and not app.warning
    assert programme_mean(app) > mean


def test_downloads_carry_the_scenario_edits_seed_and_runs(app, barnet):
    go(app, "Tables and downloads")
    widget(app, "strands.njp.cohort").set_value(300).run()
    table = app.session_state["shown_table"]
    downloads = {k: make() for k, make in app.session_state["downloads"].items()}
    csv = pd.read_csv(io.BytesIO(downloads["csv"]))
    pd.testing.assert_frame_equal(csv[table.columns], table, check_dtype=False)
    assert set(csv.scenario) == {"Barnet Safer Communities OBC 2013 (as published), edited"}
    was = f"{barnet.strands.njp.cohort.point():,.0f}"
    assert set(csv.edits) == {
        f"Neighbourhood Justice Panels: cohort (people a year) 300 (was {was})"
    }
    assert set(csv.seed) == {1} and set(csv.iterations) == {2000}
    shown = next(d.value for d in app.dataframe if "gross saving: mean" in d.value)
    programme = table[table.strand == "all"].reset_index(drop=True)
    assert list(shown["gross saving: mean"]) == [gbp(v) for v in programme["gross saving mean"]]
    wb = load_workbook(io.BytesIO(downloads["xlsx"]))
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True)}
    assert about["seed"] == "1" and about["iterations"] == "2000" and "300" in about["edits"]
    ws = wb["Table 1 programme"]
    total = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "Total")
    assert total[1] == pytest.approx(programme.iloc[-1]["gross saving mean"])
    scn = parse_scenario(downloads["yaml"], "download")
    assert scn.strands.njp.cohort.expected() == 300
    assert scn.name.endswith(", edited") and "to the pound" not in scn.description
    assert "cohort (people a year) 300" in scn.description
    labels = [b.label for b in app.get("download_button")]
    assert {"Tables (CSV)", "Tables (Excel)", "Scenario (YAML)"} <= set(labels)


def test_bad_upload_keeps_headline_title_and_sidebar(app):
    open_fold(app, "upload_open").file_uploader(key="scenario_upload").set_value(
        ("bad.yaml", b"name: [unclosed", "application/yaml")
    ).run()
    assert not app.exception
    assert "bad.yaml" in app.error[0].value and "not valid YAML" in app.error[0].value
    assert app.title and "Programme annual impact (mean)" in [c.value for c in app.caption]
    assert widget(app, "strands.njp.cohort")  # the sidebar's assumptions stay
    assert "showing" in app.info[0].value.lower()
    said = [w.value for w in app.sidebar.warning] + [i.value for i in app.sidebar.info]
    assert said == ["The upload was refused; remove it (x) to pick a shipped scenario."]
    assert len(app.get("vega_lite_chart")) == len(gains_page.CHARTS)  # the figures stay
    too_big = b"a: " + b"x" * 1_100_000
    app.file_uploader(key="scenario_upload").set_value(
        ("big.yaml", too_big, "application/yaml")
    ).run()
    assert not app.exception and "larger than" in app.error[0].value


def test_upload_limit_and_toolbar_are_set_for_the_board():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 1 and config["client"]["toolbarMode"] == "viewer"
    served = command(8501, True)
    assert served[served.index("--server.maxUploadSize") + 1] == "1"
    assert served[served.index("--client.toolbarMode") + 1] == "viewer"


def test_a_good_upload_replaces_the_scenario_and_greys_the_picker(app):
    data = yaml.safe_load((ROOT / "scenarios" / "barnet_obc_2013.yaml").read_text())
    data["name"] = "Uploaded case"
    data["strands"]["coaches"]["cohort"] = 10
    open_fold(app, "upload_open").file_uploader(key="scenario_upload").set_value(
        ("mine.yaml", yaml.safe_dump(data).encode(), "application/yaml")
    ).run()
    app.run()  # the picker reads the upload's state on the next redraw
    assert not app.exception and not app.error
    assert app.subheader[0].value.startswith("Uploaded case")
    assert app.selectbox(key="scenario_pick").disabled
    described = app.selectbox(key="scenario_pick").help  # what tells the scenarios apart
    assert "**Evidence-adjusted: Barnet" in described and "same distributions" in described
    assert any("uploaded file" in i.value for i in app.info)


def test_run_settings_hold_while_their_fold_is_closed():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    open_fold(at, "run_open")
    at.number_input(key="run_iterations").set_value(1_000)
    at.number_input(key="run_seed").set_value(7).run()
    at.toggle(key="auto_update").set_value(False).run()
    assert at.button(key="run")  # on show outside the fold, which is now closed
    at.session_state["run_open"] = False
    at.run()
    assert not at.number_input and not at.toggle
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    shown = at.session_state["last_good"]
    assert (shown["runs"], shown["seed"], shown["draws"].runs) == (1_000, 7, 1_000)
    assert "1,000 iterations, seed 7" in texts(at)
    open_fold(at, "run_open")
    assert at.number_input(key="run_iterations").value == 1_000
    assert at.number_input(key="run_seed").value == 7 and not at.toggle(key="auto_update").value


def test_the_upload_fold_stays_open_while_its_upload_is_in_use(app):
    data = (ROOT / "scenarios" / "barnet_obc_2013.yaml").read_bytes()
    open_fold(app, "upload_open").file_uploader(key="scenario_upload").set_value(
        ("mine.yaml", data.replace(b"name: ", b"name: Mine, ", 1), "application/yaml")
    ).run()
    app.session_state["upload_open"] = False  # the board member closes the fold
    app.run()
    assert app.session_state["upload_open"] and app.get("file_uploader")
    assert app.subheader[0].value.startswith("Mine, ")


def test_edits_are_kept_while_another_strand_is_shown_and_can_be_undone(app):
    widget(app, "strands.njp.cohort").set_value(300).run()
    app.selectbox(key="assumption_group").set_value("iom").run()
    assert not [w for w in app.number_input if w.key and ":strands.njp." in w.key]
    assert app.subheader[0].value.endswith(", edited")  # the NJP edit still holds
    assert "Edited: Neighbourhood Justice Panels" in [c.value for c in app.sidebar.caption]
    app.selectbox(key="assumption_group").set_value("njp").run()
    assert widget(app, "strands.njp.cohort").value == 300
    app.button(key="undo_edits").click().run()
    assert not app.subheader[0].value.endswith(", edited")
    assert widget(app, "strands.njp.cohort").value != 300
    go(app, "Who pays (funding)")  # the next redraw sends the inputs' values back: no edit
    assert not app.subheader[0].value.endswith(", edited")
    assert not any(app.session_state["edits"].values())


def test_probabilities_are_typed_as_percentages(app, barnet):
    uptake = widget(app, "strands.njp.uptake")
    assert uptake.label == "uptake (%)" and uptake.value == pytest.approx(
        100 * barnet.strands.njp.uptake.point()
    )
    assert not app.subheader[0].value.endswith(", edited")  # shown in %, not an edit
    app.selectbox(key="assumption_group").set_value("iom").run()
    labels = {w.label for w in app.sidebar.number_input}
    assert "reoffending without (non statutory) (%)" in labels  # no field names
    app.selectbox(key="assumption_group").set_value("njp").run()
    widget(app, "strands.njp.uptake").set_value(50).run()
    assert app.session_state["last_good"]["scn"].strands.njp.uptake.point() == 0.5
    was = f"{barnet.strands.njp.uptake.point():.1%}"
    assert f"Neighbourhood Justice Panels: uptake 50.0% (was {was})" in texts(app)


def test_impossible_edit_names_the_field(app):
    widget(app, "strands.njp.groups.all.reduction").set_value(95).run()  # per cent
    assert not app.exception
    assert "strands.njp.groups.all.reduction" in app.error[0].value
    assert app.get("vega_lite_chart")  # the last good results stay


def test_compare_with_the_evidence(app):
    go(app, "Compare")
    app.selectbox(key="compare_with").set_value("barnet_evidence_adjusted.yaml").run()
    assert not app.exception
    diff = next(d.value for d in app.dataframe if "P(this case better)" in d.value)
    assert diff.iloc[-1]["agency"] == "Programme"
    assert diff.iloc[-1]["difference"].startswith("£")  # published case gains over the evidence


def test_compare_shows_an_exact_zero_as_zero(app):
    """Halving the NJP cohort: an agency NJP saves nothing for is the same in every iteration
    (checked here on the per-iteration ledger), and Compare says £0 with no interval."""
    go(app, "Compare")
    before = shown_draws(app)
    widget(app, "strands.njp.cohort").set_value(95).run()
    after = shown_draws(app)
    a, b = (ledger.draw_tables(d).set_index(["strand", "agency"]) for d in (after, before))
    diff = next(d.value for d in app.dataframe if "P(this case better)" in d.value)
    zero = 0
    for agency, row in zip(before.scenario.agencies, diff.itertuples(), strict=False):
        same = np.array_equal(
            np.asarray(a.loc[("all", agency), "annual_impact"]),
            np.asarray(b.loc[("all", agency), "annual_impact"]),
        )
        assert (row[4] == "£0" and row[5] == IDENTICAL and row[6] == "-") == same, agency
        zero += same
    assert zero >= 1


def test_probability_bars_carry_their_numbers(app):
    summary = ledger.summary(shown_draws(app))
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]  # per agency
    specs += [json.loads(c.proto.spec) for c in go(app, "By strand").get("vega_lite_chart")]
    texts_on_bars = [
        s
        for s in specs
        if any(layer.get("mark", {}).get("type") == "text" for layer in s.get("layer", []))
    ]
    assert len(texts_on_bars) >= 3  # per agency, per strand, and the heatmap
    words = json.dumps(
        [
            boardcharts.p_positive(summary).to_dict(),
            boardcharts.strand_p_positive(summary).to_dict(),
        ]
    )
    rows = summary[(summary.strand == "all") | (summary.agency == "total")]
    for p in rows[rows.measure == "annual_impact"].p_positive:  # each chance, on its bar
        assert f'"{p:.0%}"' in words or (0 < p < 0.005) or (0.995 < p < 1)


def test_evaluate_page_in_plain_words(app):
    go(app, "Evaluate")
    data = (ROOT / "examples" / "observed_outcomes.csv").read_bytes()
    uploader = app.file_uploader(key="observed_upload")
    uploader.set_value(("observed.csv", data, "text/csv")).run()
    assert not app.exception and not app.error
    figures = app.session_state["evaluation"]
    assert {p["field"] for p in figures["parameters"]} >= {"strands.njp.completion"}
    labels = [b.label for b in app.get("download_button")]
    assert {"Recalibrated scenario (YAML)", "Report (Markdown)"} <= set(labels)
    notes = "what the prior rests on"  # the evidence's own words about each prior
    shown = pd.concat(
        [d.value.drop(columns=notes, errors="ignore").astype(str) for d in app.dataframe],
        ignore_index=True,
    )
    cells = " ".join(shown.fillna("").to_numpy().ravel().tolist() + list(shown.columns))
    for raw in ("strands.", "prior_p05", "no_effect_possible", "0.500", "17650.00"):
        assert raw not in cells, raw
    params = next(d.value for d in app.dataframe if "assumption" in d.value)
    first = figures["parameters"][0]
    assert params.iloc[0]["after (posterior): mean"] == f"{first['posterior_mean']:.1%}"


def test_evaluate_page_refuses_bad_data(app):
    go(app, "Evaluate")
    bad = (
        b"strand,group,period_start,period_end,people,completed,reoffended,offences\n"
        b"njp,intervention,2013-07-01,2014-06-30,10,5,12,12\n"
    )
    uploader = app.file_uploader(key="observed_upload")
    uploader.set_value(("bad.csv", bad, "text/csv")).run()
    assert not app.exception
    assert "row 2, column reoffended" in app.error[0].value


def test_headline_is_the_reports(app):
    """Second route for the three headline figures: `report.headline` of the draws shown."""
    for value in report.headline(ledger.summary(shown_draws(app))).values():
        assert value in texts(app)


def test_assumptions_are_drawn_only_when_asked_for_and_edits_hold_when_hidden():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    # A new session: no input drawn in the sidebar (each slows the first page), no uploader,
    # and no Run button while the case re-runs by itself.
    assert not at.sidebar.number_input and not at.get("file_uploader")
    assert not at.sidebar.toggle and not at.sidebar.button

    def cost_inputs():
        return [w for w in at.sidebar.number_input if w.key and ".costs." in w.key]

    open_assumptions(at)
    assert widget(at, "strands.njp.cohort") and not cost_inputs()
    at.toggle(key="show_costs").set_value(True).run()
    assert len(cost_inputs()) == 4 and not [w for w in at.number_input if "cohort" in (w.key or "")]
    widget(at, "strands.njp.costs.0.amount").set_value(9_000).run()
    assert at.subheader[0].value.endswith(", edited")
    at.session_state["assumptions_open"] = False
    at.run()
    assert not cost_inputs() and at.subheader[0].value.endswith(", edited")
    assert "Edited: Neighbourhood Justice Panels" in [c.value for c in at.sidebar.caption]
    scn = at.session_state["last_good"]["scn"]
    assert scn.strands.njp.costs[0].amount.point() == pytest.approx(9_000)
    open_assumptions(at).toggle(key="show_costs").set_value(True).run()
    assert widget(at, "strands.njp.costs.0.amount").value == 9_000


def test_sessions_share_results_and_charts_are_altairs_own():
    """A second visitor to the same case is served the first's draws (same scenario, runs and
    seed give the same draws); the first page's charts are Altair's specs as Streamlit would
    send them with `st.altair_chart` (no Altair theme, same marks and encodings), in the en-GB
    number locale (money in £)."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    from obcsim.outputs import charts

    first, second = (AppTest.from_file(APP, default_timeout=120) for _ in range(2))
    first.run(), second.run()
    assert shown_draws(first) is shown_draws(second)
    sent = json.loads(second.get("vega_lite_chart")[0].proto.spec)
    own = _convert_altair_to_vega_lite_spec(
        charts.impact_distribution(ledger.draw_frame(shown_draws(second)))
    )
    assert sent["config"] == {"locale": charts.LOCALE} and "config" not in own
    assert charts.LOCALE["number"]["currency"] == ["£", ""]
    assert sent["facet"] == own["facet"] and sent["spec"]["encoding"] == own["spec"]["encoding"]


def test_the_shared_results_cache_is_bounded():
    from obcsim.ui import state

    for i in range(state.CACHE_SIZE + 5):
        state.remember("test_lru", i, object(), 1, shared=True)
    assert len(state._SHARED["test_lru"]) == state.CACHE_SIZE
    state.remember("test_lru", "big", object(), state.ITERATION_BUDGET, shared=True)
    assert list(state._SHARED["test_lru"]) == ["big"]  # the newest is kept, whatever its size
    assert state.recall("test_lru", "big", shared=True) is not None
    del state._SHARED["test_lru"]


def test_the_server_warms_the_case_a_new_session_opens_on():
    """`obcsim app` serves `launch.py`, whose start-up hook runs the default case and builds
    its first page; a new session is then served those very draws and chart specs."""
    from obcsim.ui import launch, state

    assert command(8501, True)[4].endswith("launch.py")
    state._SHARED.pop("results", None)
    launch.warm_up()
    (warmed,) = (v for v, _ in state._SHARED["results"].values())
    assert {f"chart:{name}" for _, name, _ in gains_page.CHARTS} <= set(warmed._derived)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert shown_draws(at) is warmed
    assert (warmed.runs, warmed.seed) == (state.DEFAULT_RUNS, state.DEFAULT_SEED)


def test_warm_up_imports_every_page_before_the_first_visitor():
    """Without it the first session waits ~0.85 s for the other pages' imports."""
    code = (
        "import sys; from obcsim.ui import launch; launch.warm_up(); "
        "print(sorted(m for m in ('obcsim.ui.app', 'obcsim.ui.funding_page', "
        "'obcsim.ui.evaluate_page', 'obcsim.outputs.boardview') if m not in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_first_pages_scripts_are_found_in_streamlits_bundle():
    """Every element the first page draws has its scripts found (a Streamlit upgrade that
    changes its bundle's format fails here, not silently), and the page served is Streamlit's
    own with only preload links added."""
    from obcsim.ui import preload

    found = preload.lazy_scripts(preload.STATIC, preload.FIRST_PAGE)
    assert set(found) == set(preload.FIRST_PAGE)
    scripts = {s for files in found.values() for s in files}
    assert all((preload.STATIC / "static" / "js" / s).is_file() for s in scripts)
    assert any(s.startswith("embed.") for s in found["ArrowVegaLiteChart"])  # Vega itself
    original = (preload.STATIC / "index.html").read_text(encoding="utf-8")
    page = preload.page()
    assert page is not None
    added = re.findall(r'<link rel="modulepreload" crossorigin href="\./static/js/([^"]+)">', page)
    assert set(added) | set(re.findall(r"\./static/js/([\w.-]+\.js)", original)) >= scripts
    assert len(added) == len(set(added))
    assert re.sub(r'<link rel="modulepreload"[^>]*>(?=[^\n]*</head>)', "", page) == original


def asgi_get(app, path: str, method: str = "GET") -> tuple[int, bytes]:
    scope = {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


def test_the_server_answers_its_root_with_the_preloading_page():
    from obcsim.ui import preload

    async def streamlit(scope, receive, send):  # stands in for Streamlit's own routes
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    middleware = preload.PreloadFirstPage(streamlit)
    status, body = asgi_get(middleware, "/")
    assert status == 200 and body.decode() == preload.page()
    assert asgi_get(middleware, "/static/js/x.js") == (299, b"/static/js/x.js")
    assert asgi_get(middleware, "/", "POST") == (299, b"/")


def test_prior_posterior_shows_rates_as_percentages():
    from obcsim.outputs import charts

    row = {"field": "strands.njp.completion", "label": "NJP: completion"}
    for which, (m, lo, hi) in {"prior": (0.5, 0.3, 0.7), "posterior": (0.6, 0.5, 0.7)}.items():
        row |= {f"{which}_mean": m, f"{which}_p05": lo, f"{which}_p95": hi}
    layers = charts.prior_posterior(pd.DataFrame([row])).to_dict()["layer"]
    assert layers[0]["encoding"]["x"]["axis"]["format"] == "%"
    row["prior_p95"] = 250.0  # not a rate: plain numbers
    layers = charts.prior_posterior(pd.DataFrame([row])).to_dict()["layer"]
    assert layers[0]["encoding"]["x"]["axis"]["format"] == "~g"
