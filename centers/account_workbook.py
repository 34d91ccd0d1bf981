"""Many accounts at once from a workbook: the template a manager downloads, and reading a filled one back.

Reading only turns the sheet into rows of text, with the problems of the file itself (not a workbook, too large,
the wrong columns); what the rows say is checked by centers.accounts.plan_accounts, every row and column at once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from .people import fold
from .scoping import unit_key
from .xlsx_guard import Limits, guard, thousands

SHEET = "Tài khoản"
UNITS_SHEET = "Đơn vị"
# (field, column heading) in the order of the template's columns A, B, C…
COLUMNS = [
    ("username", "Tên đăng nhập"),
    ("last_name", "Họ và tên đệm"),
    ("first_name", "Tên"),
    ("email", "Thư điện tử"),
    ("phone", "Điện thoại"),
    ("position", "Chức vụ"),
    ("unit", "Mã đơn vị"),
    ("delivery", "Cách trao mật khẩu"),
]
DELIVERY = {"gui lien ket": "link", "lien ket": "link", "mat khau tam thoi": "temporary", "mat khau tam": "temporary"}
DELIVERY_LABELS = ["Gửi liên kết", "Mật khẩu tạm thời"]
MAX_BYTES = 2 * 1024 * 1024
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_ROWS = 500
MAX_SCANNED_ROWS = 5_000  # blank rows included: a sheet of a million empty formatted rows is refused, not read
MAX_SHEET_CELLS = 100_000  # empty formatted cells included: far above 500 accounts of a dozen columns
MAX_CELL = 255


def letter(index: int) -> str:
    return chr(ord("A") + index)


def heading(name: str) -> str:
    return dict(COLUMNS)[name]


@dataclass
class ReadWorkbook:
    rows: list[dict] = field(default_factory=list)  # {"row": 2, "username": "...", ...}
    problems: list[str] = field(default_factory=list)  # problems of the file itself


def template(units) -> bytes:
    """The template: the accounts sheet with its headings and one example row, and the units the manager may put
    accounts in, with their codes."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([label for _, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    units = list(units)
    example = units[-1] if units else None
    sheet.append(
        [
            "nguyenvana.vd",
            "Nguyễn Văn",
            "An",
            "nguyenvana@example.vn",
            "0912345678",
            "Chuyên viên",
            unit_code(example) if example else "",
            DELIVERY_LABELS[0],
        ]
    )
    for index, width in enumerate([20, 20, 12, 28, 14, 18, 12, 20]):
        sheet.column_dimensions[letter(index)].width = width
    choice = DataValidation(type="list", formula1=f'"{",".join(DELIVERY_LABELS)}"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"H2:H{MAX_ROWS + 1}")
    listed = book.create_sheet(UNITS_SHEET)
    listed.append(["Mã đơn vị", "Tên đơn vị"])
    for cell in listed[1]:
        cell.font = Font(bold=True)
    for unit in units:
        listed.append([unit_code(unit), unit.name])
    listed.column_dimensions["A"].width = 12
    listed.column_dimensions["B"].width = 50
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unit_code(unit) -> str:
    return unit_key(unit)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def open_workbook(content: bytes, *, max_bytes: int = MAX_BYTES, too_large: str = ""):
    """(the workbook, None) or (None, a Vietnamese problem): every uploaded workbook of centers (the accounts, the
    plans) goes through the same guard as the class workbook (centers/xlsx_guard.py: size, zip bombs, a real .xlsx,
    a streamed count of rows and cells before openpyxl parses anything), with this workbook's smaller limits."""
    limits = Limits(
        max_bytes=max_bytes,
        too_large=too_large or _("Tệp lớn quá %(n)s MB.") % {"n": max_bytes // (1024 * 1024)},
        max_uncompressed=MAX_UNCOMPRESSED,
        scanned_rows=MAX_SCANNED_ROWS,
        sheet_cells=MAX_SHEET_CELLS,
    )
    _parts, problem = guard(content, limits)
    if problem is not None:
        return None, problem.message()
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True), None
    except Exception:  # passed the guard yet openpyxl cannot read it: the same answer as a damaged file
        return None, _(
            "Không đọc được tệp: cần tệp Excel (.xlsx) theo mẫu tải về từ trang này "
            "(tệp .xls cũ hoặc .csv không dùng được)."
        )


def read(content: bytes) -> ReadWorkbook:
    result = ReadWorkbook()
    book, problem = open_workbook(
        content, too_large=_("Tệp lớn quá 2 MB: mỗi lần nhập tối đa %(n)s tài khoản.") % {"n": MAX_ROWS}
    )
    if problem:
        result.problems.append(problem)
        return result
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=len(COLUMNS) + 5)
        header = [fold(cell_text(v)) for v in next(rows, ())][: len(COLUMNS)]
        expected = [fold(label) for _, label in COLUMNS]
        if header != expected:
            result.problems.append(
                _("Dòng 1 của trang “%(sheet)s” phải là các cột: %(columns)s. Hãy dùng mẫu tải về từ trang này.")
                % {"sheet": sheet.title, "columns": ", ".join(label for _, label in COLUMNS)}
            )
            return result
        for number, values in enumerate(rows, start=2):
            if number > MAX_SCANNED_ROWS:
                result.problems.append(
                    _("Trang “%(sheet)s” dài quá %(n)s dòng: hãy xóa các dòng trống thừa ở cuối.")
                    % {"sheet": sheet.title, "n": thousands(MAX_SCANNED_ROWS)}
                )
                return result
            values = [cell_text(v) for v in values[: len(COLUMNS)]]
            if not any(values):
                continue
            if len(result.rows) == MAX_ROWS:
                result.problems.append(_("Mỗi lần nhập tối đa %(n)s tài khoản.") % {"n": MAX_ROWS})
                return result
            row = {"row": number}
            for (name, _label), value in zip(COLUMNS, values + [""] * len(COLUMNS), strict=False):
                row[name] = value[:MAX_CELL]
            row["delivery"] = DELIVERY.get(fold(row["delivery"]), row["delivery"]) if row["delivery"] else ""
            result.rows.append(row)
    finally:
        book.close()
    if not result.rows and not result.problems:
        result.problems.append(_("Tệp không có tài khoản nào (từ dòng 2 của trang “%(sheet)s”).") % {"sheet": SHEET})
    return result
