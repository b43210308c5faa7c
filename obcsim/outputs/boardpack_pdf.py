"""The board pack as a PDF: the blocks laid out by Typst (in-process, no system libraries).

The blocks go to Typst as data (a JSON file beside the template, the charts as PNG files in
the same temporary folder), never as markup, so no text in a scenario can change the layout.
A4 portrait, the partnership's paper form: the board's name, agenda item and report-of lines,
numbered sections, tables with a header rule and bold total rows, charts as images with a
caption, and on every page's foot the scenario, its hash, the runs and seed, and page x of y.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

TEMPLATE = r"""
#let doc = json("pack.json")
#let t = doc.trace
#set document(title: doc.title, author: "obcsim " + t.version)
#set page(paper: "a4", margin: (x: 2.2cm, top: 2.2cm, bottom: 2.4cm),
  header: context { if counter(page).get().first() > 1 [
    #set text(8pt, fill: luma(90)); #doc.board #h(1fr) #doc.header ] },
  footer: context [
    #set text(7.5pt, fill: luma(90))
    #doc.footer #h(1fr) Page #counter(page).display() of #counter(page).final().first()
  ])
#set text(font: ("Liberation Sans", "Arial", "DejaVu Sans", "Libertinus Serif"), size: 10pt,
  lang: "en", region: "gb")
#set par(justify: false, leading: 0.6em, spacing: 0.9em)
#show heading.where(level: 1): it => block(above: 1.4em, below: 0.7em,
  text(12pt, weight: "bold", fill: rgb("#1c3d5a"), upper(it.body)))
#show heading.where(level: 2): it => block(above: 1em, below: 0.5em,
  text(10.5pt, weight: "bold", it.body))
#let cellalign(a) = if a == "right" { right } else { left }

#for b in doc.blocks {
  if b.kind == "masthead" {
    block(width: 100%, inset: (bottom: 8pt), stroke: (bottom: 1.2pt + rgb("#1c3d5a")))[
      #text(9pt, weight: "bold", fill: rgb("#1c3d5a"), upper(b.board)) \
      #v(2pt) #text(16pt, weight: "bold", b.title)
    ]
    grid(columns: (3.2cm, 1fr), row-gutter: 5pt, column-gutter: 6pt,
      ..b.lines.map(l => (text(weight: "bold", l.at(0) + ":"), l.at(1))).flatten())
    v(4pt)
  } else if b.kind == "heading" {
    heading(level: b.level, b.text)
  } else if b.kind == "para" {
    par(b.text)
  } else if b.kind == "items" {
    if b.numbered { enum(numbering: "(i)", ..b.items.map(i => [#i])) }
    else { list(..b.items.map(i => [#i])) }
  } else if b.kind == "table" {
    let n = b.columns.len()
    let widths = if b.widths == none { (2fr,) + (1fr,) * (n - 1) }
                 else { b.widths.map(w => w * 1fr) }
    block(breakable: b.rows.len() > 12, above: 0.6em, below: 1em, table(
      columns: widths, stroke: none, inset: (x: 4pt, y: 3.5pt),
      fill: (_, y) => if y == 0 { rgb("#dde4ee") } else if calc.even(y) { luma(246) },
      align: (x, y) => cellalign(b.align.at(x)) + if y == 0 { bottom } else { top },
      table.header(..b.columns.enumerate().map(((i, c)) =>
        text(8.5pt, weight: "bold", c))),
      table.hline(stroke: 0.6pt),
      ..b.rows.enumerate().map(((i, r)) => r.map(c =>
        text(8.5pt, weight: if b.bold.contains(i) { "bold" } else { "regular" }, c))).flatten(),
      table.hline(stroke: 0.6pt),
    ))
  } else if b.kind == "chart" {
    if b.name in doc.charts {
      figure(image(b.name + ".png", width: 100%), caption: b.caption, supplement: "Chart")
    }
  }
}
"""


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def footer(figures: dict[str, Any]) -> str:
    """Every page's foot: the scenario (its name cut to fit one line), its hash, runs, seed."""
    t = figures["traceability"]
    return (
        f"{short(t['scenario'], 48)} · SHA-256 {t['scenario_sha256'][:12]}... · "
        f"{t['runs']:,} runs, seed {t['seed']} · obcsim {t['version']}"
    )


def render(
    blocks: list[dict[str, Any]], charts: dict[str, bytes], figures: dict[str, Any]
) -> bytes:
    """The PDF's bytes."""
    import typst

    t = figures["traceability"]
    doc = {
        "title": figures["title"],
        "header": short(figures["title"], 70),
        "board": next((b["board"] for b in blocks if b["kind"] == "masthead"), ""),
        "footer": footer(figures),
        "trace": {"version": str(t["version"])},
        "charts": sorted(charts),
        "blocks": blocks,
    }
    with tempfile.TemporaryDirectory(prefix="obcsim-pack-") as folder:
        root = Path(folder)
        (root / "pack.json").write_text(json.dumps(doc), encoding="utf-8")
        for name, png in charts.items():
            (root / f"{name}.png").write_bytes(png)
        (root / "main.typ").write_text(TEMPLATE, encoding="utf-8")
        out = typst.compile(str(root / "main.typ"), root=str(root))
    assert isinstance(out, bytes)
    return out
