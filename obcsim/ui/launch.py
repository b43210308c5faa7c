"""`obcsim app`'s server: Streamlit serving the app (`app.py`) with a start-up hook that runs
the shipped case a new session opens on, and builds its first page, before anyone asks.

So the first visitor is served from memory like every later one: without it, the first
session waits about 4 s for obcsim's imports and its 2,000 iterations. The work is done in a
thread, so the server answers at once (a visitor quicker than it simply runs the case). The
page it serves preloads the scripts of the first page's elements (`preload`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware
from streamlit.logger import get_logger

from obcsim.ui.preload import PreloadFirstPage

LOG = get_logger(__name__)


def warm_up() -> None:
    """Import the app's modules, run the default case into the server's results cache and
    build its first page."""
    start = time.perf_counter()
    import obcsim.ui.app  # noqa: F401  (every page's imports: 0.85 s the first session would wait)
    from obcsim.ui import gains_page, sidebar, state

    name = next(iter(sidebar.shipped()))  # the picker's first entry, as a new session has it
    scn = sidebar.shipped_scenario(name)
    gains_page.warm(state.keep(scn, state.DEFAULT_RUNS, state.DEFAULT_SEED))
    LOG.info("obcsim: %s is ready (%.1f s)", name, time.perf_counter() - start)


@asynccontextmanager
async def _warmed(_: st.App) -> AsyncIterator[None]:
    threading.Thread(target=warm_up, name="obcsim-warm-up", daemon=True).start()
    yield None


app = st.App("app.py", lifespan=_warmed, middleware=[Middleware(PreloadFirstPage)])
