"""What the app's pages share: the case on show (`View`), the session's result cache, and the
guard that turns a refusal into one message on the page.

Memory per session is bounded: results are kept in an LRU of `CACHE_SIZE` entries (each at most
`limits`' iterations), the recalibrations in another of the same size.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import streamlit as st

from obcsim.accounts.years import Settings
from obcsim.case import edit
from obcsim.case.scenario import Scenario
from obcsim.errors import InputError
from obcsim.model.montecarlo import Draws, preferred_engine, run

CACHE_SIZE = 32


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


def scenario_key(scn: Scenario) -> str:
    return key(edit.to_yaml(scn))


def remember(name: str, k: Any, value: Any) -> Any:
    """Keep `value` under `k` in the session's LRU `name` (at most `CACHE_SIZE` entries)."""
    cache: OrderedDict[Any, Any] = st.session_state.setdefault(name, OrderedDict())
    cache[k] = value
    cache.move_to_end(k)
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return value


def recall(name: str, k: Any) -> Any:
    cache: OrderedDict[Any, Any] = st.session_state.setdefault(name, OrderedDict())
    if k in cache:
        cache.move_to_end(k)
        return cache[k]
    return None


def simulate(scn: Scenario, runs: int, seed: int, label: str) -> Draws:
    """Monte Carlo results, cached in the session by scenario content, seed and runs."""
    k = (scenario_key(scn), runs, seed)
    found = recall("results", k)
    if found is not None:
        return found
    engine = preferred_engine(scn)
    bar = st.progress(0.0, text=f"Running {label}: {runs:,} iterations ({engine} engine)")

    def advance(done: int, total: int) -> None:
        bar.progress(done / total)

    draws = run(scn, runs, seed, engine, workers=1, progress=advance)
    bar.empty()
    return remember("results", k, draws)


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
