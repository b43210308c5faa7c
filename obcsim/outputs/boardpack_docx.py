"""The board pack as a Word document (python-docx): the same blocks as the PDF, editable.

Officers edit it before it goes out (the agenda item, the report-of line, the contact), so it
uses Word's own styles (Title, Heading 1, List Number, List Bullet, a grid table style) rather
than direct formatting where it can; charts are inline pictures; the footer carries the
scenario, its hash, the runs and the seed.
"""

from __future__ import annotations

import io
from typing import Any

from obcsim.outputs.boardpack_pdf import footer

HEADER_FILL = "DDE4EE"


def _shade(cell: Any, fill: str) -> None:
    """A cell's background colour (python-docx has no API for it: the w:shd element)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) at the end of `paragraph`, updated when Word lays out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _footer(section: Any, text: str) -> None:
    """The traceability line and page x of y."""
    from docx.shared import Pt

    p = section.footer.paragraphs[0]
    p.text = f"{text} · page "
    _field(p, "PAGE")
    p.add_run(" of ")
    _field(p, "NUMPAGES")
    for run in p.runs:
        run.font.size = Pt(7.5)


def _table(doc: Any, b: dict[str, Any]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    columns, rows = b["columns"], b["rows"]
    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = b.get("widths") or [2] + [1] * (len(columns) - 1)
    usable = 16.6
    for i, text in enumerate(columns):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _shade(cell, HEADER_FILL)
    for r, row in enumerate(rows, start=1):
        for i, text in enumerate(row):
            cell = table.rows[r].cells[i]
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(text))
            run.bold = (r - 1) in b.get("bold", [])
    table.autofit = False
    for i, column in enumerate(table.columns):  # the grid LibreOffice reads, and each cell Word
        column.width = Cm(usable * widths[i] / sum(widths))
    for r in table.rows:
        for i, cell in enumerate(r.cells):
            cell.width = Cm(usable * widths[i] / sum(widths))
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            if b["align"][i] == "right":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in p.runs:
                run.font.size = Pt(8.5)
    doc.add_paragraph()


def render(
    blocks: list[dict[str, Any]], charts: dict[str, bytes], figures: dict[str, Any]
) -> bytes:
    """The .docx file's bytes."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    for name, size in (("Title", 20), ("Heading 1", 13), ("Heading 2", 11)):
        style = doc.styles[name]
        style.font.name, style.font.size = "Arial", Pt(size)
        style.font.color.rgb = RGBColor(0x1C, 0x3D, 0x5A)
        fonts = style.element.rPr.rFonts  # the theme's heading font would win over Arial
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    _footer(section, footer(figures))
    doc.core_properties.title = figures["title"]
    doc.core_properties.author = f"obcsim {figures['traceability']['version']}"
    for b in blocks:
        kind = b["kind"]
        if kind == "masthead":
            doc.add_paragraph(b["board"].upper()).runs[0].bold = True
            doc.add_heading(b["title"], level=0)
            for label, value in b["lines"]:
                p = doc.add_paragraph()
                p.add_run(f"{label}: ").bold = True
                p.add_run(value)
        elif kind == "heading":
            doc.add_heading(b["text"], level=b["level"])
        elif kind == "para":
            doc.add_paragraph(b["text"])
        elif kind == "items":
            style = "List Number" if b["numbered"] else "List Bullet"
            for item in b["items"]:
                doc.add_paragraph(item, style=style)
        elif kind == "table":
            _table(doc, b)
        elif kind == "chart" and b["name"] in charts:
            doc.add_picture(io.BytesIO(charts[b["name"]]), width=Cm(16))
            doc.add_paragraph(b["caption"], style="Caption")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
