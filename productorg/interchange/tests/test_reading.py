"""The table reader on the awkward files real exports are."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from productorg.interchange.importers.reading import (
    ReadError,
    column_key,
    open_table,
    parse_date,
    parse_number,
    strip_formula_guard,
)


def table(data: bytes, name: str = "export.csv"):
    return open_table(io.BytesIO(data), name=name)


def rows(data: bytes) -> list[tuple[int, tuple[str, ...]]]:
    return [(row.line, row.cells) for row in table(data).rows]


def test_a_byte_order_mark_is_not_part_of_the_first_column_name():
    with_bom = table(b"\xef\xbb\xbfIssue key,Summary\r\nA-1,One\r\n")
    without = table(b"Issue key,Summary\nA-1,One\n")
    assert with_bom.header.names == without.header.names == ("Issue key", "Summary")
    assert with_bom.encoding == without.encoding == "utf-8"
    assert next(with_bom.rows).first("issue KEY") == "A-1"


def test_crlf_and_lf_line_ends_read_alike():
    assert (
        rows(b"a,b\r\n1,2\r\n3,4\r\n")
        == rows(b"a,b\n1,2\n3,4\n")
        == [
            (2, ("1", "2")),
            (3, ("3", "4")),
        ]
    )


def test_a_quoted_multi_line_field_keeps_its_breaks_and_the_next_row_its_line():
    data = b'key,description\r\nA-1,"first\r\nsecond\r\nthird"\r\nA-2,plain\r\n'
    read = list(table(data).rows)
    assert [row.line for row in read] == [2, 5]
    assert read[0].first("description") == "first\r\nsecond\r\nthird"


def test_repeated_columns_give_every_value_and_first_gives_the_first_non_empty():
    data = b"Key,Labels,Labels,Labels,Sprint,Sprint\nA-1,,red,blue,S1,S2\n"
    row = next(table(data).rows)
    assert row.every("labels") == ["red", "blue"]
    assert row.first("Labels") == "red"
    assert row.every("Sprint") == ["S1", "S2"]
    assert table(data).header.positions("Labels") == (1, 2, 3)


def test_empty_trailing_columns_are_ignored():
    data = b"Key,Summary,,\nA-1,One,,\nA-2,Two\n"
    read = table(data)
    assert read.header.names == ("Key", "Summary", "", "")
    assert [row.first("Summary") for row in read.rows] == ["One", "Two"]


def test_column_names_compare_without_case_or_extra_spaces():
    assert column_key("  Due   Date ") == column_key("due date") == "due date"
    read = table(b"Due Date,Component/s\n2024-01-01,Web\n")
    assert read.header.has("due date") and read.header.missing("Components") == ["Components"]


def test_blank_rows_are_skipped_but_lines_still_count():
    assert [line for line, _ in rows(b"a,b\n1,2\n,\n\n3,4\n")] == [2, 5]


def test_a_windows_1252_file_is_decoded_with_a_note():
    data = "Key,Summary\nA-1,Café crème – “quoted”\n".encode("cp1252")
    read = table(data)
    assert read.encoding == "windows-1252"
    assert next(read.rows).first("Summary") == "Café crème – “quoted”"
    assert any("Windows-1252" in note for note in read.notes)


def test_a_windows_1252_character_deep_in_the_file_is_still_found():
    data = b"Key,Summary\n" + b"".join(b"A-%d,plain\n" % n for n in range(20_000)) + b"Z,caf\xe9\n"
    read = table(data)
    assert read.encoding == "windows-1252"
    assert list(read.rows)[-1].first("Summary") == "café"


def test_a_semicolon_delimited_file_from_a_european_excel_is_read():
    read = table(b"Issue key;Summary;Story Points\nA-1;One, with a comma;2,5\n")
    row = next(read.rows)
    assert row.first("Summary") == "One, with a comma"
    assert parse_number(row.first("Story Points"), decimal_mark=",") == Decimal("2.5")


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n"])
def test_an_empty_file_is_a_read_error(data):
    with pytest.raises(ReadError, match="empty"):
        table(data)


def test_a_binary_file_is_a_read_error():
    with pytest.raises(ReadError, match="binary"):
        table(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_a_truncated_file_with_an_open_quote_names_the_line():
    data = b'Key,Description\nA-1,fine\nA-2,"starts here\nand never ends\n'
    read = table(data)
    with pytest.raises(ReadError) as raised:
        list(read.rows)
    assert raised.value.line == 3
    assert "Line 3" in raised.value.message and "never closed" in raised.value.message


def test_a_field_longer_than_the_csv_modules_default_limit_is_read():
    description = "x" * 200_000
    data = f'Key,Description\nA-1,"{description}"\n'.encode()
    assert next(table(data).rows).first("Description") == description


def test_an_xlsx_workbook_is_read_from_its_first_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Issues"
    sheet.append(["Issue key", "Summary", "Story Points", "Created"])
    sheet.append(["A-1", "One", 3.0, dt.datetime(2024, 3, 12, 9, 41)])  # noqa: DTZ001 (Excel is naive)
    sheet.append([None, None, None, None])
    sheet.append(["A-2", "Two", 2.5, dt.datetime(2024, 3, 13)])  # noqa: DTZ001
    workbook.create_sheet("Notes")
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    read = open_table(path.open("rb"), name="export.xlsx")
    assert read.kind == "xlsx"
    found = list(read.rows)
    assert [(row.line, row.first("Issue key")) for row in found] == [(2, "A-1"), (4, "A-2")]
    assert found[0].first("Story Points") == "3"
    assert found[0].first("Created") == "2024-03-12 09:41:00"
    assert found[1].first("Created") == "2024-03-13"
    assert any("'Issues'" in note for note in read.notes)


def test_a_broken_zip_is_not_taken_for_a_workbook():
    with pytest.raises(ReadError, match="XLSX"):
        table(b"PK\x03\x04" + b"\x00" * 100, name="export.xlsx")


def test_an_old_xls_workbook_is_refused_with_what_to_do():
    with pytest.raises(ReadError, match=r"\.xls"):
        table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, name="export.xls")


def test_jiras_html_excel_export_is_refused_with_what_to_do():
    page = b"\xef\xbb\xbf\r\n<html><head><meta charset='UTF-8'></head><body><table>" + b"x" * 500
    with pytest.raises(ReadError, match="Export CSV"):
        table(page, name="Jira.xls")


def test_progress_position_grows_to_the_size():
    data = b"a,b\n" + b"1,2\n" * 10_000
    read = table(data)
    list(read.rows)
    assert read.position() == read.size == len(data)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("12/Mar/24 9:41 AM", dt.date(2024, 3, 12)),
        ("12/Mar/24 12:05 PM", dt.date(2024, 3, 12)),
        ("01/Apr/24 12:00 AM", dt.date(2024, 4, 1)),
        ("12/Mar/24 21:41", dt.date(2024, 3, 12)),
        ("12/Mar/24", dt.date(2024, 3, 12)),
        ("12/Mar/2024 9:41 AM", dt.date(2024, 3, 12)),
        ("2024-03-12", dt.date(2024, 3, 12)),
        ("2024-03-12 09:41", dt.date(2024, 3, 12)),
        ("2024-03-12T09:41:00.000Z", dt.date(2024, 3, 12)),
        ("", None),
    ],
)
def test_jira_and_iso_dates_are_read(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["31/Feb/24", "03/04/2024", "soon", "2024-13-01"])
def test_dates_that_are_not_dates_or_are_ambiguous_are_refused(text):
    with pytest.raises(ValueError, match=repr(text)):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "mark", "number"),
    [
        ("3", ".", Decimal(3)),
        ("2.5", ".", Decimal("2.5")),
        ("12,000", ".", Decimal(12000)),
        ("1,250.5", ".", Decimal("1250.5")),
        ("1,250,000", ".", Decimal(1250000)),
        ("12 000", ".", Decimal(12000)),
        (".5", ".", Decimal("0.5")),
        ("", ".", None),
        ("3", ",", Decimal(3)),
        ("12,5", ",", Decimal("12.5")),
        ("1.250,5", ",", Decimal("1250.5")),
        ("12.000", ",", Decimal(12000)),
        ("1\u00a0250,5", ",", Decimal("1250.5")),
    ],
)
def test_numbers_are_read_with_the_files_decimal_mark(text, mark, number):
    assert parse_number(text, decimal_mark=mark) == number


@pytest.mark.parametrize(
    ("text", "mark"),
    [("1.250,5", "."), ("1,5", "."), ("2,5", "."), ("1,250.5", ","), ("1.5", ",")],
)
def test_a_number_the_decimal_mark_cannot_read_is_refused_naming_the_option(text, mark):
    other = "," if mark == "." else "."
    with pytest.raises(ValueError, match=f"decimal mark option to “{other}”") as raised:
        parse_number(text, decimal_mark=mark)
    assert repr(text) in str(raised.value)


@pytest.mark.parametrize("text", ["three", "-1", "NaN", "1e3", "1,2,3", "12,00"])
def test_numbers_that_are_not_or_are_negative_are_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_a_workbooks_number_cells_are_read_whatever_the_decimal_mark():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Key", "Effort", "Points"])
    workbook.active.append(["A-1", 1250.5, "1.250,5"])
    data = io.BytesIO()
    workbook.save(data)
    row = next(table(data.getvalue(), "export.xlsx").rows)
    assert row.number("Effort", decimal_mark=",") == Decimal("1250.5")
    assert row.number("Points", decimal_mark=",") == Decimal("1250.5")


def test_the_formula_guard_is_stripped_only_before_formula_text():
    assert strip_formula_guard("'=SUM(A1)") == "=SUM(A1)"
    assert strip_formula_guard("'tis") == "'tis"
