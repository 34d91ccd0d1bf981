"""The downloadable plan template: the sheets and headings of the agreed format, with the format itself explained
in its first sheet ("Hướng dẫn")."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from .sheets import (
    AREA_KINDS,
    CLOSURES,
    COLUMNS,
    GUIDE,
    MERGERS,
    NEW_UNITS,
    PLAN,
    PLAN_KEYS,
    RENAMES,
    SERVED,
    UNIT_KINDS,
    letter,
)

ROWS = 2000  # rows the lists of choices cover
CODE_FIELDS = {"province", "unit", "successor", "successor_province", "code"}

GUIDE_LINES = [
    ("Phương án sắp xếp tổ chức: cách điền", True),
    (
        "Mỗi dòng một thay đổi, tiêu đề ở dòng 1, dữ liệu từ dòng 2; dòng trống được bỏ qua. Không đổi tên trang, "
        "tên cột. Có thể để trống hoặc xóa các trang không dùng (trừ trang “Phương án”).",
        False,
    ),
    (
        "Ngày ghi dạng dd/mm/yyyy. “Ngày hiệu lực” là NGÀY ĐẦU TIÊN của tình trạng mới: sáp nhập từ 01/07/2025 thì "
        "đơn vị bị sáp nhập hoạt động đến hết 30/06/2025. Dòng để trống ngày thì dùng ngày của trang “Phương án”.",
        False,
    ),
    (
        "Đơn vị được xác định bằng (Mã tỉnh, Mã đơn vị): mã tỉnh là mã đơn vị hành chính của tỉnh (Lào Cai 10), mã "
        "đơn vị là mã của đơn vị trong tỉnh (để trống = Ban của tỉnh ủy). Các cột mã là văn bản: giữ số 0 ở đầu "
        "(ví dụ 080). Có thể dùng mã của đơn vị mới tạo ở dòng trước của cùng phương án.",
        False,
    ),
    (
        "Các trang được áp dụng theo thứ tự: Đổi tên → Sáp nhập tỉnh → Đơn vị mới → Xã, phường phục vụ → "
        "Đóng đơn vị. Phương án được xem trước, rồi áp dụng toàn bộ hoặc không áp dụng gì; áp dụng lại cùng "
        "phương án không thay đổi gì.",
        False,
    ),
    ("", False),
    (f"Trang “{PLAN}”: cột A là nhãn, cột B là nội dung: Tên phương án (bắt buộc), Căn cứ, Ngày hiệu lực.", False),
    (
        f"Trang “{RENAMES}”: đơn vị đổi tên từ ngày hiệu lực; tên cũ được lưu kèm thời gian sử dụng "
        "(ví dụ Ban Tuyên giáo Tỉnh ủy Lào Cai → Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai).",
        False,
    ),
    (
        f"Trang “{MERGERS}”: tỉnh bị sáp nhập ngừng hoạt động trước ngày hiệu lực và ghi tỉnh hợp nhất là đơn vị kế "
        "thừa (ví dụ Yên Bái 15 → Lào Cai 10, từ 01/07/2025). “Tên tỉnh bị sáp nhập” dùng để đối chiếu mã tỉnh. "
        "Tài khoản cán bộ của Ban tỉnh bị sáp nhập chuyển sang Ban của tỉnh hợp nhất; các trung tâm, lớp, báo cáo "
        "của tỉnh cũ giữ nguyên.",
        False,
    ),
    (
        f"Trang “{NEW_UNITS}”: Loại đơn vị là một trong: {'; '.join(UNIT_KINDS)}. Với trung tâm chính trị xã, "
        "phường, đặc khu: Mã đơn vị là mã 5 chữ số của xã, phường nơi trung tâm đặt trụ sở (ví dụ 11311), Loại địa "
        f"bàn là {', '.join(AREA_KINDS)}, Cấp ủy trực thuộc ví dụ “Đảng ủy phường Lê Chân”.",
        False,
    ),
    (
        f"Trang “{SERVED}”: các xã, phường, đặc khu một trung tâm phục vụ (Mã trung tâm là mã của trung tâm trong "
        "tỉnh; Mã đơn vị hành chính 5 chữ số).",
        False,
    ),
    (
        f"Trang “{CLOSURES}”: đơn vị ngừng hoạt động trước ngày hiệu lực; đơn vị kế thừa (Mã tỉnh kế thừa, Mã đơn "
        "vị kế thừa) nhận tài khoản cán bộ và hoàn thành các quý còn dở dang đến ngày đóng. Lớp và báo cáo của đơn "
        "vị cũ giữ nguyên.",
        False,
    ),
]


def write_template() -> bytes:
    """The empty plan workbook: the guide, the plan's key/value sheet and each data sheet with its headings."""
    book = Workbook()
    guide = book.active
    guide.title = GUIDE
    guide.column_dimensions["A"].width = 120
    for text, bold in GUIDE_LINES:
        guide.append([text])
        cell = guide.cell(row=guide.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=bold)
    plan = book.create_sheet(PLAN)
    for _key, label in PLAN_KEYS:
        plan.append([label, ""])
        plan.cell(row=plan.max_row, column=1).font = Font(bold=True)
    plan.column_dimensions["A"].width = 20
    plan.column_dimensions["B"].width = 70
    for name in (RENAMES, MERGERS, NEW_UNITS, SERVED, CLOSURES):
        sheet = book.create_sheet(name)
        sheet.append([heading for _field, heading in COLUMNS[name]])
        for index, (field, heading) in enumerate(COLUMNS[name]):
            column = letter(index)
            sheet[f"{column}1"].font = Font(bold=True)
            sheet.column_dimensions[column].width = max(14, len(heading) + 4)
            if field in CODE_FIELDS:
                for row in range(2, 202):  # codes as text: Excel would drop the leading zero of 080
                    sheet[f"{column}{row}"].number_format = "@"
            choices = {"kind": UNIT_KINDS if name == NEW_UNITS else AREA_KINDS, "area_kind": AREA_KINDS}.get(field)
            if choices:
                check = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
                sheet.add_data_validation(check)
                check.add(f"{column}2:{column}{ROWS + 1}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
