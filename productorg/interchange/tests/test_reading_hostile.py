"""The table reader on hostile and mis-encoded files: ZIP bombs, XML attacks, macros, NUL
bytes, UTF-8 with stray bytes, UTF-16 without a byte-order mark."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from productorg.interchange.importers import reading
from productorg.interchange.importers.reading import ReadError, open_table


def workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewritten(data: bytes, replace: dict[str, bytes], *, add: dict[str, bytes] | None = None):
    """The workbook with some parts replaced or added, everything else as it was."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def shared_strings_workbook(strings: bytes, *, rows: int = 2, main_type: str = SHEET_TYPE):
    """A workbook as Excel writes one: its cells index the shared strings part (openpyxl
    writes inline strings, so it is built here part by part)."""
    cells = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>{n - 1}</v></c></row>' for n in range(1, rows + 1)
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{OFFICE_RELS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{OFFICE_RELS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
            f"<sheetData>{cells}</sheetData></worksheet>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        archive.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def read_all(data: bytes, name: str = "export.xlsx"):
    table = open_table(io.BytesIO(data), name=name)
    return table, list(table.rows)


def shared_strings(*strings: str, doctype: str = "") -> bytes:
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()


# --- ZIP bombs -------------------------------------------------------------------------------


def test_a_shared_string_that_unpacks_hundreds_of_times_its_size_is_refused_unread():
    bomb = shared_strings_workbook(shared_strings("Title", "x" * (200 * 1024 * 1024)))
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ReadError, match="ZIP bomb") as refused:
            read_all(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "xl/sharedStrings.xml" in refused.value.message
    # Refused from the ZIP directory: nothing near the 200 MB was inflated.
    assert peak < 5 * 1024 * 1024


def test_a_workbook_whose_parts_add_up_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_UNPACKED", 10_000)
    with pytest.raises(ReadError, match="unpacks to"):
        read_all(workbook_bytes([["Title"], ["x" * 20_000]]))


def test_shared_strings_past_their_limit_are_refused(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_SHARED_STRINGS", 1000)
    with pytest.raises(ReadError, match="text unpacks to"):
        read_all(shared_strings_workbook(shared_strings("Title", "varied text " * 200)))


def test_a_workbook_of_thousands_of_parts_is_refused():
    plain = workbook_bytes([["Title"], ["One"]])
    many = rewritten(plain, {}, add={f"xl/media/p{n}.bin": b"" for n in range(10_001)})
    with pytest.raises(ReadError, match="10,0.. parts"):
        read_all(many)


def test_a_shared_strings_workbook_as_excel_writes_it_is_read():
    table, rows = read_all(shared_strings_workbook(shared_strings("Title", "Café ✓")))
    assert table.header.names == ("Title",)
    assert rows[0].cells == ("Café ✓",)


def test_an_ordinary_workbook_passes_the_archive_check():
    table, rows = read_all(workbook_bytes([["Title", "Effort"], ["Café ✓", 3]]))
    assert table.header.names == ("Title", "Effort")
    assert rows[0].cells == ("Café ✓", "3")


# --- XML attacks and broken XML --------------------------------------------------------------

BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("doctype", "text"), [(BILLION_LAUGHS, "&lol3;"), (XXE, "&xxe;")], ids=["laughs", "xxe"]
)
def test_an_entity_declaring_workbook_is_refused_with_a_reason(doctype, text):
    hostile = shared_strings_workbook(shared_strings("Title", text, doctype=doctype))
    with pytest.raises(ReadError, match="declares entities or a DTD"):
        read_all(hostile)


def test_malformed_xml_in_the_sheet_is_a_read_error_not_a_crash():
    plain = workbook_bytes([["Title"], ["One"], ["Two"]])
    sheet = zipfile.ZipFile(io.BytesIO(plain)).read("xl/worksheets/sheet1.xml")
    broken = rewritten(plain, {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", b"")})
    with pytest.raises(ReadError, match="XML is malformed"):
        read_all(broken)


# --- macros ----------------------------------------------------------------------------------


def test_a_macro_enabled_workbook_is_refused_by_its_name():
    with pytest.raises(ReadError, match="macro-enabled"):
        read_all(workbook_bytes([["Title"], ["One"]]), name="plan.XLSM")


def test_a_workbook_carrying_a_vba_project_is_refused_whatever_its_name():
    plain = workbook_bytes([["Title"], ["One"]])
    with pytest.raises(ReadError, match="macro-enabled"):
        read_all(rewritten(plain, {}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))


def test_a_workbook_declaring_the_macro_content_type_is_refused():
    plain = workbook_bytes([["Title"], ["One"]])
    types = zipfile.ZipFile(io.BytesIO(plain)).read("[Content_Types].xml")
    macro = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro != types
    with pytest.raises(ReadError, match="macro-enabled"):
        read_all(rewritten(plain, {"[Content_Types].xml": macro}))


# --- NUL characters --------------------------------------------------------------------------


def test_a_nul_past_the_first_64_kb_is_refused_naming_its_line_and_column():
    filler = b"".join(b"A-%d,Title %d,plain\n" % (n, n) for n in range(2, 6000))
    data = b"Key,Summary,Description\n" + filler + b"A-9999,Late,bad\x00byte\n"
    assert len(filler) > 64 * 1024
    table = open_table(io.BytesIO(data), name="export.csv")
    with pytest.raises(ReadError, match="NUL") as refused:
        list(table.rows)
    assert "line 6000, column Description" in refused.value.message
    assert refused.value.line == 6000


def test_a_nul_character_reference_in_a_workbook_is_refused_as_malformed_xml():
    with pytest.raises(ReadError, match="XML is malformed"):
        read_all(shared_strings_workbook(shared_strings("Title", "bad&#0;")))


# --- encodings -------------------------------------------------------------------------------


def test_utf8_with_a_stray_byte_is_refused_naming_the_line_never_read_as_mojibake():
    data = "Key,Summary\nA-1,Café ✓\nA-2,fine\n".encode() + b"A-3,caf\xe9\n"
    with pytest.raises(ReadError) as refused:
        open_table(io.BytesIO(data), name="export.csv")
    assert "line 4 holds bytes that are not UTF-8" in refused.value.message
    assert "save the file again as UTF-8" in refused.value.message
    assert refused.value.line == 4


def test_many_lines_of_stray_bytes_are_named_up_to_ten_and_counted():
    lines = [b"Key,Summary", "A-1,Café".encode()] + [b"A-%d,caf\xe9 \xe9" % n for n in range(15)]
    with pytest.raises(ReadError, match=r"lines 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 5 more hold"):
        open_table(io.BytesIO(b"\n".join(lines)), name="export.csv")


def test_a_windows_1252_file_without_any_utf8_sequence_is_read_with_a_note():
    data = "Key,Summary\nA-1,Café “quoted”\n".encode("cp1252")
    table = open_table(io.BytesIO(data), name="export.csv")
    assert table.encoding == "windows-1252"
    assert next(table.rows).cells == ("A-1", "Café “quoted”")
    assert "Windows-1252" in table.notes[0]


@pytest.mark.parametrize(("codec", "label"), [("utf-16-le", "little"), ("utf-16-be", "big")])
def test_utf16_without_a_byte_order_mark_is_detected_and_read_with_a_note(codec, label):
    data = "Key,Summary\nA-1,Café ✓\n".encode(codec)
    table = open_table(io.BytesIO(data), name="export.csv")
    assert table.header.names == ("Key", "Summary")
    assert next(table.rows).cells == ("A-1", "Café ✓")
    assert f"UTF-16 ({label}-endian) without a byte-order mark" in table.notes[0]


def test_a_file_with_zero_bytes_in_no_utf16_pattern_is_still_binary():
    with pytest.raises(ReadError, match="binary file"):
        open_table(io.BytesIO(bytes(range(256)) * 40), name="export.csv")
