"""The app's sidebar: the scenario (a shipped one by its title, or an upload), the assumptions
the board may edit, and the run settings.

The upload, the assumptions and the run settings are folds whose inputs are drawn only when
opened, so a board member's sidebar is the scenario and three folds; what a fold's inputs hold
is kept while it is closed. Inputs drawn cost time (the assumptions: see `edits_sidebar`);
folding the uploader and the run settings changed a new browser's first chart by -0.43, -0.05,
+0.10 and -0.02 s in four interleaved comparisons in Chromium here, which is within noise.

An upload in place takes precedence, and the picker says so (and is greyed out) until the upload
is removed; closing its fold hides the uploader, not the upload. A bad upload is one error
naming file, field and rule; the picked scenario is shown meanwhile, so the page keeps its
headline, title and sidebar.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import streamlit as st

from obcsim.accounts.money import STRAND_LABELS, agency_label
from obcsim.case import edit
from obcsim.case.load import parse_scenario
from obcsim.case.safeyaml import MAX_BYTES
from obcsim.case.scenario import Scenario
from obcsim.case.shipped import shipped
from obcsim.errors import InputError
from obcsim.ui.state import DEFAULT_RUNS, DEFAULT_SEED, MAX_APP_RUNS, guarded, scenario_key

# How each kind of assumption is typed: probabilities as percentages (`scale` 100).
KIND_INPUT: dict[str, dict[str, Any]] = {
    "probability": {"max_value": 100.0, "step": 1.0, "format": "%.1f", "scale": 100.0},
    "count": {"max_value": None, "step": 10.0, "format": "%.0f", "scale": 1.0},
    "money": {"max_value": None, "step": 100.0, "format": "%.0f", "scale": 1.0},
}
UNITS = {"probability": " (%)", "money": " (£)"}


def _typed(f: edit.Field, value: float | str) -> float | str:
    """A value as its input shows it (a probability as a percentage)."""
    if f.kind == "agency":
        return value
    return round(float(value) * KIND_INPUT[f.kind]["scale"], 9)


@lru_cache(maxsize=8)
def _parsed(name: str, data: bytes) -> Scenario:
    return parse_scenario(data, name)


def title(name: str) -> str:
    """A shipped scenario's title (its `name:`), for the picker: what tells the scenarios apart
    (the part in brackets) first, so a narrow sidebar still shows it."""
    try:
        full = _parsed(name, shipped()[name]).name
    except InputError:
        return name
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", full)
    if match is None:
        return full
    what = match.group(2)
    return f"{what[:1].upper()}{what[1:]}: {match.group(1)}"


def shipped_scenario(name: str) -> Scenario:
    return _parsed(name, shipped()[name])


def _described(files: dict[str, bytes]) -> str:
    """The picker's help: each shipped scenario's description (which says, for one, that its
    distributions, and so its Monte Carlo figures, are another's)."""
    lines = [f"**{title(n)}**: {' '.join(shipped_scenario(n).description.split())}" for n in files]
    return "\n\n".join(["Scenarios shipped with obcsim:", *lines])


def choose_scenario() -> tuple[Scenario, str | None]:
    """The base scenario, and a note when it is not the one the board asked for."""
    files = shipped()
    uploaded = st.session_state.get("scenario_upload")
    name = st.sidebar.selectbox(
        "Scenario",
        list(files),
        format_func=title,
        help=_described(files),
        disabled=uploaded is not None,
        key="scenario_pick",
    )
    said = st.sidebar.empty()  # what became of the upload, once it is read
    if uploaded is not None:
        # Its uploader is drawn even when the fold is closed (the browser shows it closed):
        # an uploader not drawn drops its file.
        st.session_state["upload_open"] = True
    fold = st.sidebar.expander("Upload a scenario", key="upload_open", on_change="rerun")
    upload = None
    if fold.open:
        upload = fold.file_uploader(
            "A scenario file (YAML, at most 1 MB)",
            type=["yaml", "yml"],
            help=f"At most {MAX_BYTES:,} bytes; loaded safely (no YAML tags that build objects)",
            key="scenario_upload",
        )
    picked = shipped_scenario(name)
    if upload is None:
        return picked, None
    data = upload.getvalue()
    scn: Scenario | None = None
    if len(data) > MAX_BYTES:
        st.error(f"{upload.name}: the file is larger than {MAX_BYTES:,} bytes")
    else:
        with guarded():
            scn = parse_scenario(data, upload.name)
    if scn is None:
        said.warning("The upload was refused; remove it (x) to pick a shipped scenario.")
        return picked, f"The upload was refused: showing '{picked.name}' instead."
    said.info("Using the uploaded file; remove it (x) to pick a shipped scenario.")
    return scn, None


def _group_title(group: str) -> str:
    label = "Unit costs by agency" if group == "unit_costs" else STRAND_LABELS.get(group, group)
    return label[:1].upper() + label[1:]


def edits_sidebar(base: Scenario) -> dict[edit.Path, float | str]:
    """The assumptions that matter, under a fold drawn only when opened (it stays open once
    opened): one strand (or the unit costs) at a time, its outcomes or its costs and who pays
    them, each input with its source note. Edits are kept per base scenario while an input is
    not drawn. Only what is asked for is drawn, since every input drawn slows the page (in a
    browser on this machine, 14 inputs showed the first chart 0.9 s later than 6, and 6 about
    0.2 s later than none)."""
    tag = scenario_key(base)
    kept: dict[edit.Path, float | str] = st.session_state.setdefault("edits", {}).setdefault(
        tag, {}
    )
    fields = edit.editable(base)
    groups = list(dict.fromkeys(f.group for f in fields))
    st.sidebar.subheader("Assumptions")
    edited = [_group_title(g) for g in groups if _edited(kept, fields, g)]
    if edited:
        st.sidebar.caption("Edited: " + ", ".join(edited))
    fold = st.sidebar.expander("Change the assumptions", key="assumptions_open", on_change="rerun")
    if fold.open:
        group = fold.selectbox(
            "Assumptions of", groups, format_func=_group_title, key="assumption_group"
        )
        shown = [f for f in fields if f.group == group]
        costs = [f for f in shown if "costs" in f.path]
        if costs and fold.toggle("Show its costs, and who pays them", key="show_costs"):
            shown = costs
        else:
            shown = [f for f in shown if f not in costs]
        for f in shown:
            _input(fold, f, tag, base, kept)
    if kept:
        st.sidebar.button("Undo all my edits", key="undo_edits", on_click=_undo, args=(tag, fields))
    return dict(kept)


def _undo(tag: str, fields: list[edit.Field]) -> None:
    """Forget the edits and set every input drawn back to its scenario's value. A callback,
    so it runs before the inputs are drawn: an input's value can then be set, which also sets
    it in the browser (dropping its state would not, and the browser would send it back)."""
    st.session_state["edits"][tag].clear()
    for f in fields:
        if _key(tag, f) in st.session_state:
            st.session_state[_key(tag, f)] = _typed(f, f.value)


def _key(tag: str, f: edit.Field) -> str:
    """An assumption's input, per base scenario (`tag`)."""
    return f"{tag}:{'.'.join(map(str, f.path))}"


def _input(
    where: Any, f: edit.Field, tag: str, base: Scenario, kept: dict[edit.Path, float | str]
) -> None:
    """One assumption's input, drawn in `where`; its value goes into `kept` if edited."""
    k = _key(tag, f)
    shown = kept.get(f.path, f.value)
    if f.kind == "agency":
        agencies = list(base.agencies)
        new: float | str = where.selectbox(
            f.label,
            agencies,
            index=agencies.index(str(shown)),
            format_func=agency_label,
            key=k,
            help=f.source,
        )
        unchanged = new == f.value
    else:
        bounds = KIND_INPUT[f.kind]
        typed = where.number_input(
            f.label + UNITS.get(f.kind, ""),
            min_value=0.0,
            max_value=bounds["max_value"],
            value=_typed(f, shown),
            step=bounds["step"],
            format=bounds["format"],
            key=k,
            help=f.source,
        )
        unchanged = typed == _typed(f, f.value)  # as typed: 55% is 0.55, not 0.5500000000000002
        new = float(typed) / bounds["scale"]
    if unchanged:
        kept.pop(f.path, None)
    else:
        kept[f.path] = new


def _edited(kept: dict[edit.Path, float | str], fields: list[edit.Field], group: str) -> bool:
    return any(f.group == group and f.path in kept for f in fields)


def run_settings() -> tuple[int, int, bool, bool]:
    """(iterations, seed, update automatically, Run clicked): set under a fold, kept while it
    is closed; the Run button is on show whenever updating automatically is off."""
    kept: dict[str, Any] = st.session_state.setdefault(
        "run_settings", {"runs": DEFAULT_RUNS, "seed": DEFAULT_SEED, "auto": True}
    )
    fold = st.sidebar.expander("Run settings", key="run_open", on_change="rerun")
    if fold.open:
        runs = fold.number_input(
            "Iterations", 100, MAX_APP_RUNS, kept["runs"], step=500, key="run_iterations"
        )
        kept["runs"] = int(runs)
        kept["seed"] = int(fold.number_input("Seed", 0, 2**31 - 1, kept["seed"], key="run_seed"))
        kept["auto"] = fold.toggle("Update automatically", value=kept["auto"], key="auto_update")
    clicked = not kept["auto"] and st.sidebar.button("Run", type="primary", key="run")
    return kept["runs"], kept["seed"], kept["auto"], clicked
