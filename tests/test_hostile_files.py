"""Hostile and broken files for the importer.

Each file is built here, in memory (big padding is streamed into the zip in chunks, so the test itself stays
small). Each must be refused with a clear Vietnamese message naming the sheet, row and column where it can,
write nothing (through the services and through the upload page) and be read in bounded time and memory.
"""

from __future__ import annotations

import functools
import html
import io
import os
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from centers.account_workbook import read as read_accounts
from centers.scoping import Scope
from courses import services
from courses.importing import plan_import
from courses.models import Course, Enrolment, ImportBatch, Learner
from courses.workbook import CLASS_HEADERS, CLASS_SHEET, LEARNER_HEADERS, LEARNER_SHEET, read_workbook

pytestmark = pytest.mark.django_db

MAX_SECONDS = 10  # generous: every file below is read in well under 3 s, even with tracemalloc on
MAX_PEAK = 200 * 1024 * 1024

GOOD_CLASS = ["KND-01", "Lớp bồi dưỡng KND-01", "KND", "06/02/2023", "10/02/2023", "Trực tiếp", "", ""]
GOOD_LEARNER = ["KND-01", "Nguyễn Văn An", "17/05/1990", "Nam", "Kinh", "Cán bộ", "Quần chúng", "", None, ""]
LEARNERS_PART = "xl/worksheets/sheet2.xml"  # openpyxl writes the sheets in the order they were created
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MB = 1024 * 1024


# -- building files ------------------------------------------------------------------------------------
def workbook(classes=(GOOD_CLASS,), learners=(GOOD_LEARNER,), edit: Callable | None = None) -> bytes:
    """A workbook made by openpyxl: the two template sheets, then `edit(learners_sheet)` if given."""
    book = Workbook()
    book.remove(book.active)
    for name, headers, rows in ((CLASS_SHEET, CLASS_HEADERS, classes), (LEARNER_SHEET, LEARNER_HEADERS, learners)):
        ws = book.create_sheet(name)
        ws.append(headers)
        for values in rows:
            ws.append(list(values))
    if edit:
        edit(book[LEARNER_SHEET])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


Content = bytes | Iterable[bytes] | Callable[[bytes], bytes]


def repack(data: bytes, replace: dict[str, Content] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same zip with members replaced (by bytes, by chunks streamed in, or by a function of the old content)
    and members added (stored, not compressed: random bytes that lower the file's compression ratio)."""
    replace = replace or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = replace.get(info.filename, None)
            if content is None:
                target.writestr(info, source.read(info.filename))
            elif callable(content):
                target.writestr(info.filename, content(source.read(info.filename)))
            elif isinstance(content, bytes):
                target.writestr(info.filename, content)
            else:
                with target.open(info.filename, "w", force_zip64=True) as stream:
                    for chunk in content:
                        stream.write(chunk)
        for name, content in (add or {}).items():
            target.writestr(name, content, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def cell(ref: str, value: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'.encode()


def row(number: int, values: Iterable[str | None]) -> bytes:
    cells = b"".join(cell(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(values, 1) if v is not None)
    return f'<row r="{number}">'.encode() + cells + b"</row>"


def learner_row(name_cell: bytes, number: int = 2) -> bytes:
    """A good learner row whose name cell (B) is the raw XML given."""
    return (
        f'<row r="{number}">'.encode()
        + cell(f"A{number}", "KND-01")
        + name_cell
        + b"".join(cell(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(GOOD_LEARNER[2:7], 3))
        + b"</row>"
    )


def sheet_xml(*rows: bytes | Iterable[bytes], dimension: str | None = "A1:J2") -> Iterator[bytes]:
    """A worksheet part, streamed: the learners' header row, then `rows` (bytes, or iterables of chunks)."""
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>" + row(1, LEARNER_HEADERS)
    for part in rows:
        if isinstance(part, bytes):
            yield part
        else:
            yield from part
    yield b"</sheetData></worksheet>"


def with_learners_sheet(*rows, **kwargs) -> bytes:
    return repack(workbook(), {LEARNERS_PART: sheet_xml(*rows, **kwargs)})


def with_learners_sheet_raw(content: bytes) -> bytes:
    return repack(workbook(), {LEARNERS_PART: content})


def with_shared_string(raw_text: bytes) -> bytes:
    """A good file whose learner name comes from the shared strings part, written raw (bytes as given)."""
    strings = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1">'.encode()
    strings += b"<si><t>" + raw_text + b"</t></si></sst>"
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/></Types>'.encode()
    data = repack(
        workbook(),
        {
            LEARNERS_PART: b"".join(sheet_xml(learner_row(b'<c r="B2" t="s"><v>0</v></c>'))),
            "[Content_Types].xml": lambda old: old.replace(b"</Types>", override),
        },
    )
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", strings)
    return buffer.getvalue()


def padding(total: int, piece: bytes, chunk: int = MB) -> Iterator[bytes]:
    """`total` bytes of `piece` repeated, a chunk at a time."""
    block = piece * (chunk // len(piece))
    for _ in range(total // len(block)):
        yield block


# -- the corpus ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hostile:
    build: Callable[[], bytes]
    fragment: str  # in the message
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


def _zip_bomb() -> bytes:
    """A real workbook whose learners' sheet is padded to 160 MB of blanks (a few hundred KB compressed)."""
    return with_learners_sheet(padding(160 * MB, b" "))


def _zip_bomb_under_the_ratio() -> bytes:
    """The same kind of padding, 100 MB, with a megabyte of stored random bytes to pass the ratio check."""
    data = with_learners_sheet(padding(100 * MB, b"<row/>"), dimension=None)
    return repack(data, add={"docProps/thumbnail.jpeg": os.urandom(MB)})


def _million_empty_rows() -> bytes:
    rows = (
        b"".join(b'<row r="%d"/>' % n for n in range(start, start + 10_000)) for start in range(2, 1_000_002, 10_000)
    )
    return with_learners_sheet(rows, dimension="A1:J1000001")


def _million_empty_rows_without_dimension() -> bytes:
    rows = (b"".join(b"<row><c/></row>" for _ in range(10_000)) for _ in range(100))
    return repack(with_learners_sheet(rows, dimension=None), add={"docProps/thumbnail.jpeg": os.urandom(MB)})


def _one_row_a_million_rows_down() -> bytes:
    return with_learners_sheet(learner_row(cell("B1000000", "Nguyễn Văn An"), 1_000_000))


def _empty_cells_in_wide_rows() -> bytes:
    """Within every size limit (1 MB file, 8 MB unpacked) but 2 million cells: openpyxl took minutes."""
    wide = b"<row>" + b"<c/>" * 16_384 + b"</row>"
    rows = (wide for _ in range(120))
    return repack(with_learners_sheet(rows, dimension=None), add={"docProps/thumbnail.jpeg": os.urandom(MB)})


def _header_16384_columns() -> bytes:
    extra = b"".join(cell(f"{get_column_letter(i)}1", f"Cột {i}") for i in range(11, 16_385))
    sheet = b"".join(sheet_xml(learner_row(cell("B2", "Nguyễn Văn An")), dimension="A1:XFD2"))
    return with_learners_sheet_raw(sheet.replace(b"</row>", extra + b"</row>", 1))  # the header row, widened


def _formula(text: str) -> bytes:
    # openpyxl writes any text starting with "=" as a formula, without a computed value
    return workbook(learners=[[*GOOD_LEARNER[:1], text, *GOOD_LEARNER[2:]]])


def _text_like_a_formula() -> bytes:
    return with_learners_sheet(learner_row(cell("B2", "=1+1")))


def _cached_error() -> bytes:
    return with_learners_sheet(learner_row(b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'))


def _merged(ref: str) -> Callable[[], bytes]:
    return lambda: workbook(
        learners=[GOOD_LEARNER, [None, "Lò Thị Bình", "12/08/1995", "Nữ"]], edit=lambda ws: ws.merge_cells(ref)
    )


def _macros() -> bytes:
    content_type = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    return repack(
        workbook(),
        {"[Content_Types].xml": lambda old: old.replace(b"</Types>", content_type)},
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048)},
    )


def _over_ten_megabytes() -> bytes:
    return repack(workbook(), add={"xl/media/image1.png": os.urandom(10 * MB)})


def _billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<!DOCTYPE worksheet [<!ENTITY l0 "ha">{entities}]>'.encode()
    parts = list(sheet_xml(learner_row(b'<c r="B2" t="inlineStr"><is><t>&l9;</t></is></c>')))
    parts[0] = parts[0].replace(b"\n", b"\n" + dtd)
    return with_learners_sheet_raw(b"".join(parts))


def _truncated() -> bytes:
    data = workbook()
    return data[: len(data) // 2]


def _bad_crc() -> bytes:
    data = bytearray(workbook(learners=[GOOD_LEARNER] * 50))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(LEARNERS_PART)
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    return bytes(data)


def _latin1_bytes_in_utf8_part() -> bytes:
    # "Nguyễn" typed in a legacy code page: bytes that are not UTF-8, in a part that says it is
    return with_learners_sheet_raw(
        b"".join(sheet_xml(learner_row(b'<c r="B2" t="inlineStr"><is><t>Nguy\xean V\xe3n An</t></is></c>')))
    )


NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx)"
BROKEN = "Tệp bị hỏng"
TOO_BIG = "có cấu trúc quá lớn bất thường"
TOO_MANY_ROWS = "có quá nhiều dòng (trên 60.000 dòng, kể cả dòng trống)"
NAME = "Họ và tên"

CORPUS = {
    "csv_renamed_xlsx": Hostile(lambda: "Họ và tên,Ngày sinh\nNguyễn Văn An,17/05/1990\n".encode(), NOT_XLSX),
    "pdf": Hostile(lambda: b"%PDF-1.7\n" + os.urandom(4096), NOT_XLSX),
    "random_bytes": Hostile(lambda: os.urandom(64 * 1024), NOT_XLSX),
    "truncated_zip": Hostile(_truncated, NOT_XLSX),
    "zip_with_bad_crc": Hostile(_bad_crc, BROKEN),
    "zip_bomb": Hostile(_zip_bomb, "Tệp có nội dung giải nén quá lớn bất thường"),
    "zip_bomb_under_the_ratio": Hostile(_zip_bomb_under_the_ratio, TOO_BIG, sheet=LEARNER_SHEET),
    "billion_laughs": Hostile(_billion_laughs, "có khai báo DOCTYPE", sheet=LEARNER_SHEET),
    "million_empty_rows": Hostile(_million_empty_rows, TOO_MANY_ROWS, sheet=LEARNER_SHEET),
    "million_empty_rows_no_dimension": Hostile(_million_empty_rows_without_dimension, TOO_MANY_ROWS, LEARNER_SHEET),
    "one_row_a_million_rows_down": Hostile(_one_row_a_million_rows_down, TOO_MANY_ROWS, sheet=LEARNER_SHEET),
    "two_million_empty_cells": Hostile(_empty_cells_in_wide_rows, "có quá nhiều ô (trên 600.000 ô", LEARNER_SHEET),
    "header_16384_columns": Hostile(
        _header_16384_columns, "cột N “Cột 14” không có trong mẫu; hãy xóa cột này", sheet=LEARNER_SHEET, row=1
    ),
    "formula_1_plus_1": Hostile(
        lambda: _formula("=1+1"), "ô có công thức “=1+1” nhưng tệp không lưu kết quả tính", LEARNER_SHEET, 2, NAME
    ),
    "formula_hyperlink": Hostile(
        lambda: _formula('=HYPERLINK("http://evil.example/","Bấm vào đây")'),
        "ô có công thức “=HYPERLINK(",
        LEARNER_SHEET,
        2,
        NAME,
    ),
    "text_that_looks_like_a_formula": Hostile(
        _text_like_a_formula, "ô ghi “=1+1” như một công thức", LEARNER_SHEET, 2, NAME
    ),
    "formula_error_value": Hostile(_cached_error, "ô có lỗi công thức “#DIV/0!”", LEARNER_SHEET, 2, NAME),
    "merged_header_cells": Hostile(_merged("A1:B1"), "có ô gộp A1:B1; hãy bỏ gộp ô", LEARNER_SHEET, 1, "Mã lớp"),
    "merged_data_cells": Hostile(_merged("A2:A3"), "có ô gộp A2:A3", LEARNER_SHEET, 2, "Mã lớp"),
    "xlsm_with_macros": Hostile(_macros, "Tệp có chứa macro (.xlsm)"),
    "control_character_in_shared_strings": Hostile(
        lambda: with_shared_string("Nguyễn Văn\x01 An".encode()), "Tệp có ký tự điều khiển không hợp lệ (mã 0x01)"
    ),
    "control_character_reference_in_sheet": Hostile(
        lambda: with_learners_sheet(learner_row(b'<c r="B2" t="inlineStr"><is><t>An&#x1b;</t></is></c>')),
        "trang có ký tự điều khiển không hợp lệ (mã 0x1b)",
        LEARNER_SHEET,
    ),
    "escaped_control_character": Hostile(
        lambda: with_shared_string("Nguyễn Văn An_x0007_".encode()), "ký tự không hợp lệ (mã U+0007)", LEARNER_SHEET, 2
    ),
    "mojibake": Hostile(
        lambda: with_learners_sheet(learner_row(cell("B2", "Nguyễn Văn An".encode().decode("cp1252")))),
        "chữ bị lỗi mã hóa (“Nguyá»…n VÄƒn An”, có lẽ là “Nguyễn Văn An”)",
        LEARNER_SHEET,
        2,
        NAME,
    ),
    "replacement_characters": Hostile(
        lambda: with_learners_sheet(learner_row(cell("B2", "Nguy\ufffdn V\ufffdn An"))),
        "ký tự không hợp lệ (mã U+FFFD)",
        LEARNER_SHEET,
        2,
        NAME,
    ),
    "legacy_code_page_bytes": Hostile(_latin1_bytes_in_utf8_part, "không đúng bảng mã UTF-8", LEARNER_SHEET),
    "utf16_sheet": Hostile(
        lambda: with_learners_sheet_raw(
            b"".join(sheet_xml(learner_row(cell("B2", "Nguyễn Văn An"))))
            .decode()
            .replace('encoding="UTF-8"', 'encoding="UTF-16"')
            .encode("utf-16")
        ),
        "không đúng bảng mã UTF-8",
        LEARNER_SHEET,
    ),
    "over_ten_megabytes": Hostile(_over_ten_megabytes, "Tệp lớn hơn 10 MB"),
}


@functools.cache
def hostile_file(name: str) -> bytes:
    return CORPUS[name].build()


# -- checking outcomes ---------------------------------------------------------------------------------
def counts() -> tuple[int, int, int]:
    return Course.objects.count(), Learner.objects.count(), Enrolment.objects.count()


@dataclass
class Reading:
    parsed: object
    seconds: float
    peak: int


def measured_read(data: bytes) -> Reading:
    tracemalloc.start()
    try:
        start = time.monotonic()
        parsed = read_workbook(data)
        seconds = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Reading(parsed, seconds, peak)


def matching(messages: list[str], hostile: Hostile) -> list[str]:
    found = [m for m in messages if hostile.fragment in m]
    if hostile.sheet:
        found = [m for m in found if f"Trang “{hostile.sheet}”" in m]
    if hostile.row:
        found = [m for m in found if f"dòng {hostile.row}" in m]
    if hostile.column:
        found = [m for m in found if f"cột “{hostile.column}”" in m]
    return found


# -- 1. the reader and the services --------------------------------------------------------------------
@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_file_is_refused_quickly_and_writes_nothing(name, center, center_user):
    hostile = CORPUS[name]
    data = hostile_file(name)
    before = counts()

    reading = measured_read(data)

    assert reading.seconds < MAX_SECONDS, f"{name}: {reading.seconds:.1f} s"
    assert reading.peak < MAX_PEAK, f"{name}: {reading.peak / MB:.0f} MB"
    parsed = reading.parsed
    messages = [str(error) for error in parsed.errors]
    assert matching(messages, hostile), f"{hostile.fragment!r} not in {messages!r}"
    plan = plan_import(center=center, parsed=parsed)
    assert not plan.ok
    with pytest.raises(ValidationError) as error:
        services.workbook_import(scope=Scope.for_user(center_user), center=center, parsed=parsed, user=center_user)
    assert any(hostile.fragment in m for m in error.value.messages)
    assert counts() == before


# -- 2. the upload page ---------------------------------------------------------------------------------
def upload(client: Client, data: bytes, filename: str = "lop_hoc.xlsx"):
    return client.post(
        reverse("courses:import_workbook"),
        {"file": SimpleUploadedFile(filename, data, content_type="application/xlsx")},
    )


@pytest.mark.parametrize("name", [n for n in CORPUS if n != "over_ten_megabytes"])
def test_a_hostile_file_uploaded_is_refused_with_its_message(name, center, center_user):
    hostile = CORPUS[name]
    client = Client(raise_request_exception=False)
    client.force_login(center_user)
    before = counts()

    response = upload(client, hostile_file(name))

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert hostile.fragment in page
    assert "Tệp có" in page and "Không có gì được ghi" in page
    assert "người mới" not in page  # no counts of what a refused file would have created
    assert not ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED).exists()
    assert 'name="confirm"' not in page
    assert counts() == before


def test_a_file_over_ten_megabytes_uploaded_is_refused_and_writes_nothing(center, center_user):
    client = Client(raise_request_exception=False)
    client.force_login(center_user)
    before = counts()

    response = upload(client, hostile_file("over_ten_megabytes"))

    assert response.status_code in (200, 400)
    assert "Tệp lớn hơn 10 MB" in html.unescape(response.content.decode())
    assert not ImportBatch.objects.exists()  # refused by the upload form, before any batch is recorded
    assert counts() == before


def test_a_file_over_ten_megabytes_uploaded_gets_a_400(center, center_user):
    client = Client(raise_request_exception=False)
    client.force_login(center_user)
    assert upload(client, hostile_file("over_ten_megabytes")).status_code == 400


def test_confirming_a_batch_that_is_not_a_number_is_refused(center, center_user):
    client = Client(raise_request_exception=False)
    client.force_login(center_user)
    response = client.post(reverse("courses:import_workbook"), {"confirm": "1", "batch": "abc"})
    assert response.status_code in (400, 404)


# -- 3. what is not refused: formulas Excel computed, Excel's escapes -----------------------------------
def test_the_builders_make_good_files():
    """The corpus differs from these only by its hostile part."""
    for data in (
        workbook(),
        with_learners_sheet(learner_row(cell("B2", "Nguyễn Văn An"))),
        with_shared_string("Nguyễn Văn An".encode()),
    ):
        parsed = read_workbook(data)
        assert parsed.ok, [str(e) for e in parsed.errors]
        assert [learner.full_name for learner in parsed.learners] == ["Nguyễn Văn An"]


def test_a_formula_with_a_value_computed_by_excel_is_imported_as_that_text(center, center_user):
    formula = '<c r="B2" t="str"><f>HYPERLINK("http://evil.example/","Nguyễn Văn An")</f><v>Nguyễn Văn An</v></c>'
    data = with_learners_sheet(learner_row(formula.encode()))

    parsed = read_workbook(data)
    assert parsed.ok, [str(e) for e in parsed.errors]
    services.workbook_import(scope=Scope.for_user(center_user), center=center, parsed=parsed, user=center_user)

    assert Learner.objects.get().full_name == "Nguyễn Văn An"  # the text Excel saved, never the formula


def test_a_line_break_pasted_into_a_name_is_read_as_a_space():
    parsed = read_workbook(with_shared_string(b"Nguy\xe1\xbb\x85n V\xc4\x83n_x000D__x000A_An"))
    assert parsed.ok, [str(e) for e in parsed.errors]
    assert parsed.learners[0].full_name == "Nguyễn Văn An"


def test_a_wide_header_is_refused_with_a_bounded_number_of_messages():
    parsed = read_workbook(hostile_file("header_16384_columns"))
    assert 1 <= len(parsed.errors) <= 25


# -- 3. the accounts workbook (centers/account_workbook.py) reads the same corpus ---------------------------------
@pytest.mark.parametrize("name", list(CORPUS))
def test_the_accounts_workbook_refuses_every_hostile_file_quickly_with_a_message(name):
    """A board's many-accounts workbook has its own reader (centers may not import the class workbook's): each file
    of the corpus gets a Vietnamese problem, never an exception, in bounded time and memory."""
    data = hostile_file(name)
    tracemalloc.start()
    try:
        start = time.monotonic()
        result = read_accounts(data)
        seconds = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < MAX_SECONDS, f"{name}: {seconds:.1f} s"
    assert peak < MAX_PEAK, f"{name}: {peak / MB:.0f} MB"
    assert result.problems and not result.rows, name
    assert all(not problem.isascii() for problem in map(str, result.problems)), name  # Vietnamese words, not a trace
