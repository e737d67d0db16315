"""Writers of exports as CSV, XLSX and JSON, safe to open in a spreadsheet.

Spreadsheet formula injection: Excel, LibreOffice and Google Sheets run a cell that starts
with `=`, `+`, `-` or `@` (and, through tricks, tab or carriage return) as a formula. A title
such as `=HYPERLINK(...)` typed by anyone would then run on the computer of whoever opens the
export. CSV and XLSX text cells starting with one of those characters get a leading `'`, which
spreadsheets show as text (OWASP's advice). Real numbers are written as numbers, so negative
numbers stay negative numbers. JSON is data for programs and is written as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from productorg.interchange.selectors import Export
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
        yield writer.writerow(["" if value is None else neutralised(value) for value in row])


def json_chunks(export: Export) -> Iterator[str]:
    """The export as a JSON list of objects, one per row, keyed by column name."""
    yield "["
    first = True
    for row in export.rows:
        separator = "\n" if first else ",\n"
        first = False
        yield separator + json.dumps(
            dict(zip(export.columns, row, strict=True)), ensure_ascii=False
        )
    yield "\n]\n"


def write_xlsx(export: Export, target: str | IO[bytes]) -> None:
    """The export as one XLSX worksheet, every text cell stored as text, never a formula."""
    # A write-only workbook streams rows to disk rather than holding every cell.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=export.name[:31] or "export")
    sheet.append([_text_cell(sheet, name) for name in export.columns])
    for row in export.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def _xlsx_cell(sheet, value: Any) -> Any:
    if isinstance(value, str):
        return _text_cell(sheet, value)
    return value


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    # XML cannot carry most control characters; openpyxl refuses them rather than drop them.
    text = neutralised(ILLEGAL_CHARACTERS_RE.sub("", text))
    if len(text) > XLSX_MAX_CELL:
        text = text[: XLSX_MAX_CELL - len(XLSX_TRUNCATED)] + XLSX_TRUNCATED
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl makes any text starting with `=` a live formula unless told it is a string.
    cell.data_type = "s"
    return cell


def csv_write(export: Export, stream: IO[str], *, bom: bool = False) -> None:
    """Write the export as CSV to an open text stream."""
    for chunk in csv_chunks(export, bom=bom):
        stream.write(chunk)


def json_write(export: Export, stream: IO[str]) -> None:
    """Write the export as JSON to an open text stream."""
    for chunk in json_chunks(export):
        stream.write(chunk)
