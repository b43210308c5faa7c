"""What the app's pages share: the case on show (`View`), the result caches, the charts drawn
from a result, and the guard that turns a refusal into one message on the page.

Memory is bounded: each cache is an LRU of at most `CACHE_SIZE` entries holding at most
`ITERATION_BUDGET` iterations in all (the newest entry is always kept, whatever its size). The
Monte Carlo results are one LRU for the whole server, shared by its sessions: the same scenario,
runs and seed give the same draws, so a new visitor to the shipped case is served from memory.
Funding positions and recalibrations are an LRU per session. So memory is bounded by the budget
times the bytes an iteration takes with what the pages derive from it, once for the server and
once per session (`benchmarks/app.py` measures it).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import altair as alt
import streamlit as st

from obcsim.accounts.years import Settings
from obcsim.case import edit
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.model.montecarlo import Draws, preferred_engine, run
from obcsim.outputs import charts

CACHE_SIZE = 32
ITERATION_BUDGET = 64_000  # iterations an LRU holds in all: 32 x 2,000, or one of 50,000
MAX_APP_RUNS = 50_000  # the most iterations the app runs for one case
DEFAULT_RUNS, DEFAULT_SEED = 2_000, 1  # what a new session runs


@dataclass(frozen=True)
class View:
    """The case a page shows: the scenario with the board's edits (`scn`, named as edited),
    the one before them (`base`), its draws, and the run and finance settings."""

    scn: Scenario
    base: Scenario
    draws: Draws
    runs: int
    seed: int
    edits: tuple[str, ...]  # the edits in words

    @property
    def settings(self) -> Settings:
        return Settings.of(self.scn)


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_KEYS: OrderedDict[int, tuple[Scenario, str]] = OrderedDict()


def scenario_key(scn: Scenario) -> str:
    """A scenario's content hash, computed once per scenario object (a redraw asks several
    times; writing the YAML takes ~0.1 s)."""
    found = _KEYS.get(id(scn))
    if found is not None and found[0] is scn:
        return found[1]
    k = key(edit.to_yaml(scn))
    _KEYS[id(scn)] = (scn, k)
    while len(_KEYS) > CACHE_SIZE:
        _KEYS.popitem(last=False)
    return k


_SHARED: dict[str, OrderedDict[Any, tuple[Any, int]]] = {}
_LOCK = threading.Lock()


def _lru(name: str, shared: bool) -> OrderedDict[Any, tuple[Any, int]]:
    if shared:
        return _SHARED.setdefault(name, OrderedDict())
    cache: OrderedDict[Any, tuple[Any, int]] = st.session_state.setdefault(name, OrderedDict())
    return cache


def remember(name: str, k: Any, value: Any, runs: int, *, shared: bool = False) -> Any:
    """Keep `value` (of `runs` iterations) under `k` in the LRU `name` (the session's, or with
    `shared` the server's): at most `CACHE_SIZE` entries and `ITERATION_BUDGET` iterations, the
    oldest dropped first."""
    with _LOCK:
        cache = _lru(name, shared)
        cache[k] = (value, runs)
        cache.move_to_end(k)
        while len(cache) > 1 and (
            len(cache) > CACHE_SIZE or sum(n for _, n in cache.values()) > ITERATION_BUDGET
        ):
            cache.popitem(last=False)
    return value


def recall(name: str, k: Any, *, shared: bool = False) -> Any:
    with _LOCK:
        cache = _lru(name, shared)
        if k in cache:
            cache.move_to_end(k)
            return cache[k][0]
    return None


def simulate(scn: Scenario, runs: int, seed: int, label: str) -> Draws:
    """Monte Carlo results, kept for every session by scenario content, seed and runs."""
    found = recall("results", (scenario_key(scn), runs, seed), shared=True)
    if found is not None:
        return found
    engine = preferred_engine(scn)
    bar = st.progress(0.0, text=f"Running {label}: {runs:,} iterations ({engine} engine)")

    def advance(done: int, total: int) -> None:
        bar.progress(done / total)

    draws = keep(scn, runs, seed, advance)
    bar.empty()
    return draws


def keep(
    scn: Scenario, runs: int, seed: int, progress: Callable[[int, int], None] | None = None
) -> Draws:
    """Run the case (one worker: the server's other sessions need the other core) and keep
    it in the server's results LRU."""
    draws = run(scn, runs, seed, preferred_engine(scn), workers=1, progress=progress)
    return remember("results", (scenario_key(scn), runs, seed), draws, runs, shared=True)


def spec(draws: Draws, name: str, build: Callable[[], alt.TopLevelMixin]) -> dict[str, Any]:
    """The Vega-Lite spec of the chart `build()` makes of `draws`, built once and kept with the
    draws (building and checking an Altair chart takes 0.05 to 0.1 s), so a page drawn again,
    or by another session, costs nothing; `name` tells a page's charts apart."""
    made: dict[str, Any] = draws.memo(f"chart:{name}", lambda: _spec(build()))
    return made


def run_caption(draws: Draws) -> None:
    """What the page's figures are of: iterations, seed and engine."""
    st.caption(f"{draws.runs:,} iterations, seed {draws.seed}, {draws.engine} engine")


def chart(draws: Draws, name: str, build: Callable[[], alt.TopLevelMixin]) -> None:
    """Draw the chart `build()` makes of `draws` (its spec kept, see `spec`)."""
    st.vega_lite_chart(spec=copy.deepcopy(spec(draws, name, build)))  # Streamlit edits it


def altair(made: alt.TopLevelMixin) -> None:
    """Draw an Altair chart built for this page only (as `st.altair_chart`, money in £)."""
    st.vega_lite_chart(spec=_spec(made))


def _spec(made: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec without Altair's default theme, as `st.altair_chart` sends it
    (so Streamlit's theme sizes and colours it), in the en-GB number locale (money in £)."""
    spec: dict[str, Any] = made.to_dict()
    theme = alt.theme.get()
    if theme is not None and spec.get("config") == theme().get("config"):
        del spec["config"]
    spec.setdefault("config", {})["locale"] = charts.LOCALE
    return spec


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Bad input is one `st.error` naming file, field and rule; anything else too, rather than
    a traceback on the board's page. (Streamlit's own stop and rerun are not `Exception`s.)"""
    try:
        yield
    except InputError as exc:
        st.error(str(exc))
    except Exception as exc:
        st.error(
            f"obcsim could not finish this: {type(exc).__name__}: {' '.join(str(exc).split())}"
        )


def headline(figures: dict[str, str]) -> None:
    """Figures in columns, as text that wraps rather than being cut off."""
    widths = [1.6 if "interval" in label else 1 for label in figures]
    for column, (label, value) in zip(st.columns(widths), figures.items(), strict=True):
        column.caption(label)
        big = f"<span style='font-size:1.6rem'>**{value}**</span>"
        column.markdown(big, unsafe_allow_html=True)
