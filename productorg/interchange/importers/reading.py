"""Reading the tables that real exports are: CSV in whatever shape a tool wrote it, or XLSX.

A table is read as a stream of rows, each with the line it starts on, so a 50,000-row export
never sits in memory whole and every problem can name its line. Columns are found by name,
case-insensitively and with spacing normalised, never by position: vendors reorder and
re-spell their headers between releases, and repeat some (Labels, Components, Sprint).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

# A Jira description or a Linear comment can exceed the csv module's 128 KiB default.
csv.field_size_limit(64 * 1024 * 1024)

_SNIFF_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_DELIMITERS = ",;\t"
# How many lines a refusal names before "and N more".
_LINES_NAMED = 10

# What a workbook may unpack to, checked on the ZIP's directory before anything is inflated.
# Python's zipfile never inflates an entry past the size its directory declares (it fails the
# CRC instead), so these declared sizes bound the memory and time a workbook can cost. A real
# 50,000-row export unpacks to a few hundred megabytes at a ratio of 10 to 30.
XLSX_MAX_ENTRIES = 10_000
XLSX_MAX_UNPACKED = 1024 * 1024 * 1024
# The shared strings are loaded whole (every other part is streamed).
XLSX_MAX_SHARED_STRINGS = 256 * 1024 * 1024
XLSX_MAX_RATIO = 200
_RATIO_FROM = 1024 * 1024
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")


class ReadError(Exception):
    """A file that cannot be read as a table; the message says why, for the person importing."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def column_key(name: str) -> str:
    """How a column name is compared: case, surrounding and repeated spaces do not count."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Header:
    """The column names of a table as the file spells them, repeats included."""

    names: tuple[str, ...]
    _positions: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, names: list[str]) -> Header:
        positions: dict[str, list[int]] = {}
        for position, name in enumerate(names):
            if name.strip():
                positions.setdefault(column_key(name), []).append(position)
        return cls(
            names=tuple(name.strip() for name in names),
            _positions={key: tuple(found) for key, found in positions.items()},
        )

    def positions(self, *spellings: str) -> tuple[int, ...]:
        """Every column named by any of the spellings, in file order."""
        found: list[int] = []
        for spelling in spellings:
            found.extend(self._positions.get(column_key(spelling), ()))
        return tuple(sorted(found))

    def has(self, *spellings: str) -> bool:
        return bool(self.positions(*spellings))

    def missing(self, *required: tuple[str, ...] | str) -> list[str]:
        """The required columns (each a name or a tuple of accepted spellings) not present."""
        absent = []
        for spellings in required:
            names = (spellings,) if isinstance(spellings, str) else spellings
            if not self.has(*names):
                absent.append(names[0])
        return absent


@dataclass(frozen=True)
class Row:
    """One record of the table: its cells and the physical line it starts on (header = 1)."""

    line: int
    cells: tuple[str, ...]
    header: Header
    # Positions of cells a workbook stored as numbers: written with "." whatever the file's
    # decimal mark, so they are read as such.
    typed_numbers: frozenset[int] = frozenset()

    def first(self, *spellings: str) -> str:
        """The first non-empty value among the columns so named, stripped; "" if none."""
        for position in self.header.positions(*spellings):
            if position < len(self.cells):
                value = self.cells[position].strip()
                if value:
                    return value
        return ""

    def number(self, *spellings: str, decimal_mark: str = ".") -> Decimal | None:
        """The first non-empty value among the columns so named, as a number (see
        parse_number); None if none. ValueError when it cannot be read."""
        for position in self.header.positions(*spellings):
            if position < len(self.cells) and self.cells[position].strip():
                mark = "." if position in self.typed_numbers else decimal_mark
                return parse_number(self.cells[position], decimal_mark=mark)
        return None

    def every(self, *spellings: str) -> list[str]:
        """All non-empty values of the columns so named (a repeated Labels column, say)."""
        values = []
        for position in self.header.positions(*spellings):
            if position < len(self.cells):
                value = self.cells[position].strip()
                if value:
                    values.append(value)
        return values

    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass
class Table:
    """An open table: its header, a one-pass iterator of rows, and how it was decoded."""

    header: Header
    rows: Iterator[Row]
    kind: str  # "csv" or "xlsx"
    encoding: str  # "utf-8", "windows-1252", "utf-16" or "xlsx"
    size: int
    notes: list[str]
    _source: IO[bytes]

    def position(self) -> int:
        """Bytes read so far, for progress; the whole size once an XLSX sheet is loaded."""
        if self.kind == "xlsx":
            return self.size
        try:
            return min(self._source.tell(), self.size)
        except (OSError, ValueError):
            return 0


def open_table(file: IO[bytes], *, name: str = "") -> Table:
    """Open an export for reading: CSV (any common encoding and delimiter) or XLSX.

    Raises ReadError for what is not a table: an empty or binary file, an old .xls, an
    encoding that is neither UTF-8 nor Windows-1252.
    """
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    start = file.read(_SNIFF_BYTES)
    file.seek(0)
    if not start.strip():
        raise ReadError("The file is empty.")
    if start.startswith(b"PK\x03\x04"):
        return _open_xlsx(file, size=size, name=name)
    if start.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<!doctype", b"<html", b"<table")):
        # Jira's "Export Excel" writes an HTML page named .xls.
        raise ReadError(
            "This is a web page (HTML), not a CSV or XLSX export; in Jira use "
            "Export → Export CSV (all fields)."
        )
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            "This is an old Excel .xls workbook; save it as .xlsx or CSV and import that."
        )
    if name.lower().endswith(_MACRO_SUFFIXES):
        raise ReadError(_MACROS)
    encoding, notes = _encoding(file, start)
    return _open_csv(file, encoding=encoding, notes=notes, size=size, name=name)


def _encoding(file: IO[bytes], start: bytes) -> tuple[str, list[str]]:
    """The file's encoding, decided on evidence from the whole file, and a note when it is
    not plain UTF-8. ReadError when the evidence says no encoding reads it right."""
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        _check_decodes(file, "utf-16", "UTF-16")
        return "utf-16", []
    if b"\x00" in start:
        # Text without a byte-order mark has NUL bytes only as UTF-16 writes ASCII: one in
        # every other position. Anything else is binary (NULs later on are refused per line).
        endian = _utf16_without_bom(start)
        if endian is None:
            raise ReadError("This is a binary file, not a CSV or XLSX export.")
        codec = f"utf-16-{endian}"
        label = "little-endian" if endian == "le" else "big-endian"
        _check_decodes(file, codec, "UTF-16")
        return codec, [f"The file is UTF-16 ({label}) without a byte-order mark; read as such."]
    scan = _scan_utf8(file)
    if not scan.invalid_lines:
        return "utf-8-sig", []
    if scan.multibyte or start.startswith(codecs.BOM_UTF8):
        # Valid UTF-8 elsewhere: reading it all as Windows-1252 would turn every é into Ã©.
        raise ReadError(
            f"The file is UTF-8 but {_lines_named(scan.invalid_lines, scan.invalid_count)} "
            "bytes that are not UTF-8 (a paste from another program, say); fix those lines "
            "or save the file again as UTF-8 (in Excel: Save As → CSV UTF-8) and import it.",
            line=scan.invalid_lines[0],
        )
    # Bytes above 0x7F and not one valid UTF-8 sequence among them: a single-byte encoding.
    _check_decodes(file, "cp1252", "Windows-1252")
    return "windows-1252", [
        "The file is not UTF-8 (it has no UTF-8 characters and bytes that are not UTF-8); "
        "it was read as Windows-1252 (Excel's ANSI)."
    ]


def _utf16_without_bom(start: bytes) -> str | None:
    """ "le" or "be" when the zero bytes fall as UTF-16 puts them over mostly ASCII text."""
    sample = start[: len(start) - len(start) % 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    if odd_zeros >= 0.5 * half and even_zeros <= 0.05 * half:
        return "le"
    if even_zeros >= 0.5 * half and odd_zeros <= 0.05 * half:
        return "be"
    return None


def _check_decodes(file: IO[bytes], codec: str, label: str) -> None:
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        while chunk := file.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise ReadError(
            f"The file is neither UTF-8 nor {label} text throughout; export it again as UTF-8 CSV."
        ) from error
    finally:
        file.seek(0)


@dataclass
class _Utf8Scan:
    multibyte: bool = False
    invalid_lines: list[int] = field(default_factory=list)
    invalid_count: int = 0
    last_line: int = 0
    lines_before: int = 0


def _scan_utf8(file: IO[bytes]) -> _Utf8Scan:
    """One pass over the whole file: does it hold valid multi-byte UTF-8, and which lines
    hold bytes that are not UTF-8 (the first few named, all counted)."""
    scan = _Utf8Scan()
    _scanning.scan = scan
    decoder = codecs.getincrementaldecoder("utf-8")(errors=_SCAN_ERRORS)
    try:
        while chunk := file.read(_CHUNK):
            # Invalid bytes decode to nothing, so what is left is ASCII unless valid
            # multi-byte sequences were among them.
            if not decoder.decode(chunk).isascii():
                scan.multibyte = True
            scan.lines_before += chunk.count(b"\n")
        decoder.decode(b"", final=True)
    finally:
        file.seek(0)
        _scanning.scan = None
    return scan


_scanning = threading.local()
_SCAN_ERRORS = "productorg-utf8-scan"


def _record_invalid(error: UnicodeError) -> tuple[str, int]:
    """The decode error handler of _scan_utf8: note the line of the invalid bytes, skip them."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    scan: _Utf8Scan = _scanning.scan
    # error.object is the decoder's pending bytes (part of one character, no newline) and
    # the chunk being decoded.
    line = scan.lines_before + 1 + error.object.count(b"\n", 0, error.start)
    if line != scan.last_line:
        scan.last_line = line
        scan.invalid_count += 1
        if len(scan.invalid_lines) < _LINES_NAMED:
            scan.invalid_lines.append(line)
    return "", error.end


codecs.register_error(_SCAN_ERRORS, _record_invalid)


def _lines_named(lines: list[int], count: int) -> str:
    named = ", ".join(str(line) for line in lines)
    more = f" and {count - len(lines)} more" if count > len(lines) else ""
    return f"line {named} holds" if count == 1 else f"lines {named}{more} hold"


def _delimiter(header_line: str) -> str:
    # Excel in many European locales writes ";", and "Unicode text" exports use tabs; the
    # header line decides, which csv.Sniffer gets wrong on long free-text rows.
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _open_csv(file: IO[bytes], *, encoding: str, notes: list[str], size: int, name: str) -> Table:
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    first_line = text.readline()
    text.seek(0)
    reader = csv.reader(text, delimiter=_delimiter(first_line), strict=True)
    try:
        names = next(reader)
    except csv.Error as error:
        raise ReadError(f"Line 1: the header cannot be read ({error}).", line=1) from error
    except StopIteration as error:
        raise ReadError("The file is empty.") from error
    header = _header_of(names)
    if not header._positions:
        raise ReadError("The first line holds no column names.", line=1)
    return Table(
        header=header,
        rows=_without_nul(_csv_rows(reader, header, text)),
        kind="csv",
        encoding=encoding.removesuffix("-sig"),
        size=size,
        notes=notes,
        _source=file,
    )


_NUL_REFUSED = (
    "No text field can store one (PostgreSQL refuses it): remove it from the file and import again."
)


def _header_of(names: list[str]) -> Header:
    for position, name in enumerate(names, start=1):
        if "\x00" in name:
            raise ReadError(
                f"A NUL character (a zero byte) is in line 1, column {position} (the header). "
                + _NUL_REFUSED,
                line=1,
            )
    return Header.of(names)


def _without_nul(rows: Iterator[Row]) -> Iterator[Row]:
    """The rows, refused at the end (before anything is written: every importer reads all
    rows first) when any cell holds a NUL, naming each line and column."""
    found: list[str] = []
    first_line = count = 0
    for row in rows:
        bad = [position for position, cell in enumerate(row.cells) if "\x00" in cell]
        if not bad:
            yield row
            continue
        count += 1
        first_line = first_line or row.line
        if len(found) < _LINES_NAMED:
            columns = ", ".join(_column_name(row.header, position) for position in bad)
            found.append(f"line {row.line}, column{'s' if len(bad) > 1 else ''} {columns}")
    if found:
        more = f" and {count - len(found)} more lines" if count > len(found) else ""
        raise ReadError(
            f"A NUL character (a zero byte) is in {'; '.join(found)}{more}. {_NUL_REFUSED}",
            line=first_line,
        )


def _column_name(header: Header, position: int) -> str:
    name = header.names[position] if position < len(header.names) else ""
    return name or f"column {position + 1}"


def _csv_rows(reader, header: Header, text: io.TextIOWrapper) -> Iterator[Row]:
    try:
        yield from _csv_records(reader, header)
    finally:
        # Without this, the wrapper closes the caller's file once the rows are read (when
        # it is garbage-collected), and position() and the caller's own use of it break.
        text.detach()


def _csv_records(reader, header: Header) -> Iterator[Row]:
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "end of data" in str(error) or "EOF" in str(error):
                raise ReadError(
                    f"Line {start}: a quoted field is never closed; the file looks truncated.",
                    line=start,
                ) from error
            raise ReadError(f"Line {start}: {error}.", line=start) from error
        line = reader.line_num
        row = Row(line=start, cells=tuple(cells), header=header)
        if not row.is_blank():
            yield row


_MACROS = (
    "This workbook is macro-enabled (.xlsm); macros are never imported. Save it as an "
    "Excel Workbook (.xlsx) or CSV and import that."
)
_NOT_XLSX = "This is a ZIP file but not a readable XLSX workbook (is it truncated?)."


def check_xlsx_archive(file: IO[bytes]) -> None:
    """Refuse a workbook that would unpack to too much (a ZIP bomb) or holds macros, from the
    ZIP's directory alone: nothing is inflated but [Content_Types].xml."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ReadError(_NOT_XLSX) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > XLSX_MAX_ENTRIES:
            raise ReadError(
                f"This workbook holds {len(entries):,} parts (at most {XLSX_MAX_ENTRIES:,}); "
                "it is not a spreadsheet export. Save it again as .xlsx or CSV."
            )
        unpacked = 0
        for entry in entries:
            unpacked += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > _RATIO_FROM and ratio > XLSX_MAX_RATIO:
                raise ReadError(
                    f"This workbook's part {entry.filename} would unpack {ratio:,.0f} times "
                    "larger than it is stored, as a ZIP bomb does; it was not opened."
                )
            if entry.filename.lower() == "xl/sharedstrings.xml" and (
                entry.file_size > XLSX_MAX_SHARED_STRINGS
            ):
                raise ReadError(
                    f"This workbook's text unpacks to {_megabytes(entry.file_size)} (at most "
                    f"{_megabytes(XLSX_MAX_SHARED_STRINGS)}); import it as CSV instead."
                )
            if entry.filename.lower() == "xl/vbaproject.bin":
                raise ReadError(_MACROS)
        if unpacked > XLSX_MAX_UNPACKED:
            raise ReadError(
                f"This workbook unpacks to {_megabytes(unpacked)} (at most "
                f"{_megabytes(XLSX_MAX_UNPACKED)}); import it as CSV instead."
            )
        try:
            content_types = archive.read("[Content_Types].xml")
        except KeyError as error:
            raise ReadError(_NOT_XLSX) from error
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise ReadError(_NOT_XLSX) from error
        if b"macroenabled" in content_types.lower():
            raise ReadError(_MACROS)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _xml_refused(error: Exception) -> ReadError:
    """What a workbook whose XML the parser refuses is, for the person importing."""
    from defusedxml import DefusedXmlException

    if isinstance(error, DefusedXmlException):
        return ReadError(
            "This workbook's XML declares entities or a DTD, which spreadsheet programs never "
            "write (it is how XML attacks work); it was not read. Save it again as .xlsx or "
            "CSV from your spreadsheet program."
        )
    return ReadError(
        "This workbook's XML is malformed, so it cannot be read (is it truncated or edited "
        "by hand?). Save it again as .xlsx or CSV from your spreadsheet program."
    )


# The parse errors a workbook's XML raises: expat's (through defusedxml), lxml's when
# openpyxl uses it, and defusedxml's refusals (ValueErrors).
def _xml_errors() -> tuple[type[Exception], ...]:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    errors: list[type[Exception]] = [ParseError, DefusedXmlException]
    try:
        from lxml.etree import LxmlError
    except ImportError:
        pass
    else:
        errors.append(LxmlError)
    return tuple(errors)


def _xml_cause(error: BaseException, xml_errors: tuple[type[Exception], ...]) -> Exception | None:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, xml_errors):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _open_xlsx(file: IO[bytes], *, size: int, name: str = "") -> Table:
    if name.lower().endswith(_MACRO_SUFFIXES):
        raise ReadError(_MACROS)
    check_xlsx_archive(file)
    file.seek(0)
    # Imported here: openpyxl is only needed for workbooks. It parses with defusedxml (a
    # dependency for that reason): an entity-expanding or XXE workbook is refused, not read.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    xml_errors = _xml_errors()
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (
        *xml_errors,
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
    ) as error:
        # openpyxl wraps a part's parse error in a ValueError of its own.
        cause = _xml_cause(error, xml_errors)
        raise (_xml_refused(cause) if cause else ReadError(_NOT_XLSX)) from error
    sheet = workbook.worksheets[0]
    values = _xml_checked(sheet.iter_rows(values_only=True), xml_errors)
    try:
        names = [_cell_text(value) for value in next(values)]
    except StopIteration as error:
        raise ReadError("The workbook's first sheet is empty.") from error
    header = _header_of(names)
    if not header._positions:
        raise ReadError("The first row of the first sheet holds no column names.", line=1)
    notes = []
    if len(workbook.worksheets) > 1:
        notes.append(f"Read the first sheet, {sheet.title!r}; the workbook has others.")
    return Table(
        header=header,
        rows=_without_nul(_xlsx_rows(values, header)),
        kind="xlsx",
        encoding="xlsx",
        size=size,
        notes=notes,
        _source=file,
    )


def _xml_checked(values: Iterator, xml_errors: tuple[type[Exception], ...]) -> Iterator:
    """The sheet's rows; the sheet is parsed as it is read, so its XML can fail on any row."""
    try:
        yield from values
    except xml_errors as error:
        raise _xml_refused(error) from error
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise ReadError(_NOT_XLSX) from error


def _xlsx_rows(values, header: Header) -> Iterator[Row]:
    for line, cells in enumerate(values, start=2):
        typed = frozenset(
            position
            for position, value in enumerate(cells)
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        )
        row = Row(
            line=line,
            cells=tuple(_cell_text(value) for value in cells),
            header=header,
            typed_numbers=typed,
        )
        if not row.is_blank():
            yield row


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Dates as exports write them. Jira follows the instance's locale settings; these are its
# defaults (12/Mar/24 9:41 AM) and the ISO forms the others use. Day-first and month-first
# numeric dates (03/04/2024) are ambiguous and refused rather than guessed.
_DATE_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%y",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%Y %H:%M",
    "%d/%b/%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%d-%b-%Y",
    "%Y/%m/%d",
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_date(text: str) -> dt.date | None:
    """A date from an export cell; None when the cell is empty.

    Raises ValueError naming the text when it is not a date this reader knows.
    """
    text = text.strip()
    if not text:
        return None
    if _ISO.match(text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError as error:
            raise ValueError(f"{text!r} is not a valid date") from error
    for date_format in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, date_format).date()  # noqa: DTZ007 (date only)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (expected e.g. 2024-03-12 or 12/Mar/24 9:41 AM)")


DECIMAL_MARKS = (".", ",")
# Spaces of every width group thousands in both conventions ("12 000", "12\u202f000").
_GROUP_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")


def _number_pattern(mark: str) -> re.Pattern[str]:
    group = re.escape("," if mark == "." else ".")
    point = re.escape(mark)
    return re.compile(rf"^(?:\d+|\d{{1,3}}(?:{group}\d{{3}})+)(?:{point}\d*)?$|^{point}\d+$")


_NUMBER_PATTERNS = {mark: _number_pattern(mark) for mark in DECIMAL_MARKS}


def parse_number(text: str, *, decimal_mark: str = ".") -> Decimal | None:
    """A non-negative number from an export cell; None when the cell is empty.

    `decimal_mark` is the file's ("." or ","); the other mark may only group thousands in
    threes, so with "." "12,000" is 12000 and "1,250.5" is 1250.5, with "," "1.250,5" is
    1250.5. Anything else ("1,5" with ".", which could be 1.5 or 15) raises ValueError
    naming the text and the option: a misread estimate is worse than a refused one.
    """
    if decimal_mark not in DECIMAL_MARKS:
        raise ValueError(f"the decimal mark must be “.” or “,”, not {decimal_mark!r}")
    original = text.strip()
    text = _GROUP_SPACES.sub("", original)
    if not text:
        return None
    if text.startswith("-") and _NUMBER_PATTERNS[decimal_mark].match(text[1:]):
        raise ValueError(f"{original!r} is not a number of zero or more")
    if not _NUMBER_PATTERNS[decimal_mark].match(text):
        other = "," if decimal_mark == "." else "."
        if _NUMBER_PATTERNS[other].match(text):
            raise ValueError(
                f"{original!r} cannot be read with the decimal mark “{decimal_mark}”; if the "
                f"file writes decimals with “{other}”, set the decimal mark option to “{other}”"
            )
        raise ValueError(f"{original!r} is not a number")
    group = "," if decimal_mark == "." else "."
    return Decimal(text.replace(group, "").replace(decimal_mark, "."))


def strip_formula_guard(text: str) -> str:
    """Drop the ' a tool put before formula-like text (Linear writes '=SUM as "'=SUM")."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text
