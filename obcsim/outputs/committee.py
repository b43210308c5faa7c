"""The committee workbook: the finance pack laid out to be printed and handed over unedited.

A cover sheet first (every setting that produced the figures), then one sheet per table, each
with a title row and a note row above its header. Printing: landscape A4, fitted to the page
width, header rows repeated on every page, page numbers and the scenario's hash in the footer.
Cells: money in GBP with negatives in brackets, probabilities and rates as percentages, ratios
to two places; total rows in bold. What format a cell takes is the caller's `fmt(sheet, column,
row)`; this module only lays out.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from obcsim.outputs.report import ILLEGAL_CHARACTERS_RE

Format = Callable[[str, str, Mapping[str, Any]], str | None]
TOTALS = {"total", "Total", "partners", "Partners", "programme"}
HEADER_ROW = 3  # title, note, header


def _value(v: Any) -> Any:
    """A cell's value: plain Python, NaN and None as empty; text never read as a formula."""
    v = v.item() if hasattr(v, "item") else v
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def _width(v: Any) -> int:
    """Characters a value takes when shown: text as is, numbers as whole pounds."""
    if isinstance(v, str):
        return len(v) + 2
    return len(f"{v:,.0f}") + 4 if isinstance(v, int | float) else 2


def _fit_rows(ws: Any, first: int = 3) -> None:
    """Row heights for wrapped text (a spreadsheet does not grow rows it did not lay out)."""
    from openpyxl.utils import get_column_letter

    for row in ws.iter_rows(min_row=first):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str):
                width = ws.column_dimensions[get_column_letter(cell.column)].width or 10
                lines = max(lines, math.ceil(len(cell.value) * 1.1 / max(width - 1, 1)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 13 * lines + 2


def _print_setup(ws: Any, footer: str) -> None:
    """Landscape A4, one page wide, header rows repeated, page x of y in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.left.text = footer[:200]
    ws.oddFooter.right.text = "Page &P of &N"


def _write_text(cell: Any, value: Any) -> None:
    if isinstance(value, str):  # characters XML cannot hold (a control byte in a note) dropped
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"  # text, never a formula


def committee_xlsx(
    cover: Sequence[tuple[str, str]],
    sheets: Mapping[str, pd.DataFrame],
    notes: Mapping[str, str],
    fmt: Format,
    title: str,
    footer: str,
) -> bytes:
    """The workbook as bytes: `cover` (label, value) rows on a sheet named Cover, then each
    of `sheets` under its title and `notes[sheet]`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    bold, big = Font(bold=True), Font(bold=True, size=14)
    fill = PatternFill("solid", fgColor="DDE4EE")
    rule = Border(bottom=Side(style="thin"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Cover"
    ws["A1"] = title
    ws["A1"].font = big
    ws["A2"] = "The settings that produced every figure in this workbook"
    for cell in ("A3", "B3"):
        ws[cell].font, ws[cell].fill = bold, fill
    ws["A3"], ws["B3"] = "setting", "value"
    for label, value in cover:
        ws.append([label, None])
        _write_text(ws.cell(ws.max_row, 2), value)
        ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(ws.max_row, 1).alignment = Alignment(vertical="top")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 110
    _fit_rows(ws)
    _print_setup(ws, footer)
    for name, table in sheets.items():
        ws = wb.create_sheet(name[:31])
        ws["A1"] = f"{name}: {title}"
        ws["A1"].font = big
        _write_text(ws["A2"], notes.get(name, ""))
        ws["A2"].font = Font(italic=True)
        columns = [str(c) for c in table.columns]
        for j, col in enumerate(columns, start=1):
            cell = ws.cell(HEADER_ROW, j, col)
            cell.font, cell.fill, cell.border = bold, fill, rule
            numeric = pd.api.types.is_numeric_dtype(table[table.columns[j - 1]])
            side = "right" if numeric else "left"
            cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal=side)
        widths = [max(8, min(len(c), 16)) for c in columns]
        for i, record in enumerate(table.to_dict("records"), start=HEADER_ROW + 1):
            row = {str(k): _value(v) for k, v in record.items()}
            total = any(str(v) in TOTALS for v in list(row.values())[:2])
            for j, col in enumerate(columns, start=1):
                cell = ws.cell(i, j)
                _write_text(cell, row[col])
                number = fmt(name, col, row)
                if number and isinstance(row[col], int | float):
                    cell.number_format = number
                if total:
                    cell.font = bold
                text = isinstance(row[col], str)
                cell.alignment = Alignment(wrap_text=text, vertical="top")
                shown = (
                    row[col] if isinstance(row[col], str) else f"{row[col]:,}" if row[col] else ""
                )
                widths[j - 1] = max(widths[j - 1], min(len(str(shown)) + 2, 60))
        for j, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = width + 1
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        _fit_rows(ws, first=HEADER_ROW)
        _print_setup(ws, footer)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
