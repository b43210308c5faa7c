"""The CSV dialects a spreadsheet saves, read into one header and rows of text.

Accepted: UTF-8 (with or without a byte-order mark), Excel's "Unicode text" (UTF-16 with a
byte-order mark) and Windows-1252; comma, semicolon or tab separators (Excel's `sep=;` first
line, or found by `csv.Sniffer`); CRLF, LF or CR line ends; empty trailing columns and empty
rows; headers in any case. Numbers may carry thousands separators (`1,234`), a decimal comma in
a semicolon-separated file (`0,45`) or a percent sign (`45%`); dates may be ISO (`2013-07-01`)
or day first (`01/07/2013`). Anything else is an `InputError` that says how to save the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from obcsim.errors import InputError

MAX_FIELD = 1_000  # characters in one value
SEPARATORS = ",;\t"
SAVE_AS = "save it from the spreadsheet as 'CSV UTF-8 (comma delimited)'"
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


@dataclass(frozen=True)
class Table:
    """A CSV's header (lower case, trimmed) and rows (line number, values by column)."""

    separator: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def decode(data: bytes, source: str) -> str:
    """Text from UTF-8 (BOM or not), UTF-16 with a BOM, or Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(source, "", f"the file is not valid UTF-16 text; {SAVE_AS}") from None
    if b"\x00" in data:
        raise InputError(source, "", f"the file is not text (it holds NUL bytes); {SAVE_AS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(source, "", f"the file is not UTF-8 text; {SAVE_AS}") from None


def _separator(lines: list[str]) -> str:
    sample = "\n".join(lines[:5])
    try:
        found = csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        found = ""
    header = lines[0] if lines else ""
    counted = max(SEPARATORS, key=header.count)
    # The header has no quoted commas: where Sniffer and the header disagree, the header wins.
    return (
        found
        if found and found in SEPARATORS and header.count(found) >= header.count(counted)
        else counted
    )


def read_table(text: str, source: str) -> Table:
    """Split CSV text into a header and rows; lines are numbered as in the file."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = 1
    separator = ""
    if lines and re.fullmatch(r'"?sep=(.)"?,*;*', lines[0].strip()):  # Excel's hint line
        separator = lines[0].strip().strip('"')[4]
        lines, first = lines[1:], 2
    separator = separator or _separator(lines)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=separator)
    records: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            records.append((first + reader.line_num - 1, values))
    except csv.Error as exc:
        line = first + reader.line_num - 1
        if "field larger than field limit" in str(exc):
            rule = f"a value is longer than {MAX_FIELD:,} characters (an unclosed quote?)"
        else:
            rule = f"not readable as CSV ({exc}); {SAVE_AS}"
        raise InputError(source, f"row {line}", rule) from None
    records = [(n, v) for n, v in records if any(x.strip() for x in v)]  # empty rows
    if not records:
        raise InputError(source, "", "the file is empty")
    for n, values in records:
        long = next((i for i, x in enumerate(values) if len(x) > MAX_FIELD), None)
        if long is not None:
            raise InputError(
                source, f"row {n}", f"value {long + 1} is longer than {MAX_FIELD:,} characters"
            )
    header_line, header = records[0]
    columns = [c.strip().lower().replace(" ", "_") for c in header]
    while columns and not columns[-1]:
        columns.pop()
    if not columns or "" in columns:
        place = columns.index("") + 1 if "" in columns else 1
        raise InputError(source, f"row {header_line}", f"column {place} has no name")
    for i, col in enumerate(columns):
        if col in columns[:i]:
            raise InputError(
                source,
                f"row {header_line}, column {col}",
                f"appears twice in the header (columns {columns.index(col) + 1} and {i + 1})",
            )
    rows = []
    for n, values in records[1:]:
        extra = values[len(columns) :]
        if any(x.strip() for x in extra):
            raise InputError(source, f"row {n}", "more values than columns")
        rows.append((n, dict(zip(columns, values, strict=False))))
    return Table(separator, columns, rows)


def number_text(text: str, separator: str) -> float:
    """A number as a spreadsheet writes it; ValueError if it is none."""
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    scale = 1.0
    if t.endswith("%"):
        t, scale = t[:-1], 0.01
    if separator == ";" and _DECIMAL_COMMA.match(t):
        t = t.replace(",", ".")
    elif _THOUSANDS.match(t):
        t = t.replace(",", "")
    return float(t) * scale


def date_text(text: str) -> dt.date:
    """An ISO date (2013-07-01) or a day-first one (01/07/2013); ValueError otherwise."""
    t = text.strip()
    if len(t) > 10 and t[10] in " T":  # a date with a time, as Excel may write it
        t = t[:10]
    day_first = _DAY_FIRST.match(t)
    if day_first:
        day, month, year = (int(g) for g in day_first.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(t)
