"""Writers of exports as CSV, XLSX and JSON, safe to open in a spreadsheet.

Spreadsheet formula injection: Excel, LibreOffice and Google Sheets run a cell that starts
with `=`, `+`, `-` or `@` (and, through tricks, tab or carriage return) as a formula. A title
such as `=HYPERLINK(...)` typed by anyone would then run on the computer of whoever opens the
export. CSV and XLSX text cells starting with one of those characters get a leading `'`, which
spreadsheets show as text (OWASP's advice). Real numbers are written as numbers, so negative
numbers stay negative numbers. JSON is data for programs and is written as it is.

XLSX is formatted for a person: a bold header row that stays in view, a filter on every column,
columns as wide as their content (within limits), dates as dates and long text wrapped.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from collections.abc import Iterator, Sequence
from itertools import chain, islice
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from productorg.interchange.selectors import Export
from productorg.pages import file_stem
from productorg.text import neutralised

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
BOM = "\ufeff"
# Excel refuses a workbook with a longer cell; longer text is cut with a note (CSV and JSON
# carry it whole).
XLSX_MAX_CELL = 32_767
XLSX_TRUNCATED = "… (cut: the full text is in the CSV and JSON exports)"
# Column widths, in characters: fitted to the header and the first rows, within these bounds.
XLSX_MIN_WIDTH, XLSX_MAX_WIDTH = 10, 60
# Widths must be set before the first row is written; this many rows stand in for the rest.
XLSX_WIDTH_SAMPLE = 1_000
XLSX_DATE_FORMAT = "yyyy-mm-dd"
# Excel refuses a sheet name with any of these characters (a scenario's name may have them).
XLSX_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
HEADER_FONT = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")


def filename(export: Export, fmt: str) -> str:
    """`productorg-initiatives-filtered-2027-03-31.csv`: what, whether narrowed, and when."""
    filtered = "filtered" if export.filtered else ""
    return f"{file_stem('productorg', export.name, filtered, timezone.localdate())}.{fmt}"


class _Line:
    """A file-like object that hands back what csv.writer writes, so rows stream one by one."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(export: Export, *, bom: bool = False) -> Iterator[str]:
    """The export as CSV lines (UTF-8 text; a byte-order mark first only if asked, for Excel)."""
    writer = csv.writer(_Line())
    if bom:
        yield BOM
    yield writer.writerow(export.columns)
    for row in export.rows:
        yield writer.writerow([_csv_value(value) for value in row])


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralised(value)


def _json_value(value: Any) -> Any:
    """What json cannot write itself: dates, as ISO text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_chunks(export: Export) -> Iterator[str]:
    """The export as a JSON list of objects, one per row, keyed by column name."""
    yield "["
    first = True
    for row in export.rows:
        separator = "\n" if first else ",\n"
        first = False
        yield separator + json.dumps(
            dict(zip(export.columns, row, strict=True)), ensure_ascii=False, default=_json_value
        )
    yield "\n]\n"


def write_xlsx(export: Export, target: str | IO[bytes]) -> None:
    """The export as one XLSX worksheet, every text cell stored as text, never a formula: a
    bold, frozen header with a filter, fitted column widths, date cells and wrapped long text."""
    # A write-only workbook streams rows to disk rather than holding every cell.
    workbook = Workbook(write_only=True)
    title = XLSX_TITLE_FORBIDDEN.sub("-", export.name)[:31].strip("' ") or "export"
    sheet = workbook.create_sheet(title=title)
    rows = iter(export.rows)
    sample = list(islice(rows, XLSX_WIDTH_SAMPLE))
    widths = _column_widths(export.columns, sample)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = [_text_cell(sheet, name) for name in export.columns]
    for cell in header:
        cell.font = HEADER_FONT
    sheet.append(header)
    count = 0
    for row in chain(sample, rows):
        sheet.append(
            [_xlsx_cell(sheet, value, width) for value, width in zip(row, widths, strict=True)]
        )
        count += 1
    # The filter covers the header and every row; write-only sheets write it after the rows.
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(export.columns), 1))}{count + 1}"
    workbook.save(target)


def _column_widths(columns: Sequence[str], rows: list[list[Any]]) -> list[int]:
    """Each column's width in characters: its longest line, header included, within bounds."""
    widths = []
    for index, name in enumerate(columns):
        longest = max([len(name), *(_display_length(row[index]) for row in rows)])
        # Two characters more: room for the filter's drop-down button and a margin.
        widths.append(min(max(longest + 2, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH))
    return widths


def _display_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.date):
        return len(XLSX_DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _xlsx_cell(sheet, value: Any, width: int) -> Any:
    if isinstance(value, str):
        return _text_cell(sheet, value, width=width)
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    return value


def _text_cell(sheet, text: str, *, width: int = XLSX_MAX_WIDTH) -> WriteOnlyCell:
    # XML cannot carry most control characters; openpyxl refuses them rather than drop them.
    text = neutralised(ILLEGAL_CHARACTERS_RE.sub("", text))
    if len(text) > XLSX_MAX_CELL:
        text = text[: XLSX_MAX_CELL - len(XLSX_TRUNCATED)] + XLSX_TRUNCATED
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl makes any text starting with `=` a live formula unless told it is a string.
    cell.data_type = "s"
    if "\n" in text or len(text) > width:
        # Wider than its column (or of several lines): wrapped, so the row shows all of it.
        cell.alignment = WRAPPED
    return cell


def csv_write(export: Export, stream: IO[str], *, bom: bool = False) -> None:
    """Write the export as CSV to an open text stream."""
    for chunk in csv_chunks(export, bom=bom):
        stream.write(chunk)


def json_write(export: Export, stream: IO[str]) -> None:
    """Write the export as JSON to an open text stream."""
    for chunk in json_chunks(export):
        stream.write(chunk)
