"""The app's page (Streamlit's `index.html`) with the first page's widgets and charts preloaded.

Streamlit's browser code loads each kind of element (a select box, a chart) on first use, so a
browser that has never seen the app fetches and compiles Vega and the sidebar's widgets only
after the server has sent the page. `<link rel="modulepreload">` hints fetch them alongside
Streamlit's own: the first chart 0.26 s sooner for a new browser, 1.90 s against 2.16 s
(medians of 15 interleaved visits; no change for a returning browser, whose cache has them;
`benchmarks/app.py` times the first load). They are read from the bundle Streamlit ships (its
lazy imports and their dependency lists), so they follow Streamlit's version; if that format
changes, the page is served as Streamlit made it, and `tests/test_app.py` says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import streamlit as st
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config

STATIC = Path(st.__file__).parent / "static"
# The elements the first page draws, by the names of Streamlit's scripts for them.
FIRST_PAGE = (
    "ArrowVegaLiteChart",  # the charts
    "Selectbox",  # the scenario picker
    "rehype-raw",  # markdown with HTML: the headline's figures
)
_LISTED = re.compile(r"\./static/js/([\w.-]+\.js)")
_DEPENDENCIES = re.compile(r"m\.f=\[(.*?)\]")
_LAZY = re.compile(
    r"import\(`\./(?P<file>(?P<name>[\w-]+)\.[\w-]+\.js)`\),__vite__mapDeps\(\[(?P<deps>[\d,]*)\]\)"
)


def lazy_scripts(static: Path, names: Iterable[str]) -> dict[str, list[str]]:
    """For each element named, the scripts (file names in `static/js`) its first use loads:
    its own and those it imports. Read from the scripts the page lists, which declare each
    lazy import with its dependencies; a name not found is left out."""
    wanted, found = set(names), {}
    for listed in _LISTED.findall((static / "index.html").read_text(encoding="utf-8")):
        code = (static / "static" / "js" / listed).read_text(encoding="utf-8")
        table = _DEPENDENCIES.search(code)
        if table is None:
            continue
        files = [f.removeprefix("./") for f in json.loads(f"[{table.group(1)}]")]
        for lazy in _LAZY.finditer(code):
            if lazy["name"] in wanted:
                deps = [files[int(i)] for i in lazy["deps"].split(",") if i]
                found[lazy["name"]] = [lazy["file"], *(f for f in deps if f.endswith(".js"))]
    return found


def page(static: Path = STATIC, names: Iterable[str] = FIRST_PAGE) -> str | None:
    """Streamlit's `index.html` with a modulepreload link for each script the named elements
    load that the page does not already preload; None if there is none to add (Streamlit's
    bundle no longer reads as expected)."""
    html = (static / "index.html").read_text(encoding="utf-8")
    listed = set(_LISTED.findall(html))
    scripts = dict.fromkeys(s for files in lazy_scripts(static, names).values() for s in files)
    links = "".join(
        f'<link rel="modulepreload" crossorigin href="./static/js/{s}">'
        for s in scripts
        if s not in listed
    )
    return html.replace("</head>", f"{links}</head>", 1) if links else None


class PreloadFirstPage:
    """ASGI middleware: answers a GET of the app's root with `page()`; passes everything else
    (and the root too, if nothing is found to preload) to Streamlit."""

    def __init__(self, app: ASGIApp, static: Path = STATIC) -> None:
        self.app = app
        self.html = page(static)  # None: Streamlit's own page is served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        base = str(config.get_option("server.baseUrlPath") or "").strip("/")
        root = f"/{base}/" if base else "/"
        if (
            self.html is not None
            and scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"] == root
        ):
            response = HTMLResponse(self.html, headers={"Cache-Control": "no-cache"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
