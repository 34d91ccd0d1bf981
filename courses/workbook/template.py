"""The blank workbook users fill in: the two sheets with the exact headers, drop-down lists, notes and formats."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..models import Course, Enrolment, Learner
from ..rules import format_score, on, scored_since
from .layout import CLASS_HEADERS, CLASS_SHEET, LEARNER_HEADERS, LEARNER_SHEET, MAX_ROWS


def template_workbook(programs) -> bytes:
    """The blank workbook users fill in: the two sheets with the exact headers, lists and formats."""
    workbook = Workbook()
    classes = workbook.active
    classes.title = CLASS_SHEET
    learners = workbook.create_sheet(LEARNER_SHEET)
    thin = Side(style="thin", color="999999")
    notes = {
        "Mã chương trình": "Một trong: " + ", ".join(f"{p.code} ({p.name})" for p in programs),
        "Ngày bắt đầu": "dd/mm/yyyy",
        "Ngày kết thúc": "dd/mm/yyyy",
        "Ngày sinh": "dd/mm/yyyy",
        "Số CCCD": "12 chữ số, có thể để trống",
        "Kết quả": "Để trống nếu lớp chưa kết thúc",
        "Mã lớp": "Mã lớp ghi ở trang “Lớp học” hoặc mã lớp đã có trên hệ thống",
    }
    since = scored_since()
    if since is not None:  # the columns of the scored rules, with the numbers of the rules in force from that day
        rules = on(since)
        day = since.strftime("%d/%m/%Y")
        notes.update(
            {
                "Số tiết": f"Lớp bắt đầu từ {day}: tổng số tiết của lớp; lớp trước đó để trống",
                "Kết quả": f"Lớp trước {day}: xếp loại, để trống nếu lớp chưa kết thúc. Lớp từ {day}: để trống "
                "(hệ thống xếp loại theo điểm) hoặc ghi “Bỏ học”",
                "Số tiết tham dự": f"Lớp từ {day}: số tiết học viên tham dự, không quá số tiết của lớp; dưới "
                f"{rules.min_attendance * 100:.0f}% số tiết thì không được làm bài thu hoạch",
                "Điểm bài thu hoạch": f"Lớp từ {day}: thang 0–10, tối đa một chữ số thập phân (ví dụ 7,5)",
                "Điểm thi lại": f"Chỉ khi điểm bài thu hoạch lần đầu dưới {format_score(rules.pass_score)}",
            }
        )
    lists = {
        "Hình thức": [str(x) for x in Course.Format.labels],
        "Phối hợp Trường Chính trị": ["Có", "Không"],
        "Giới tính": ["Nam", "Nữ"],
        "Đối tượng": [str(x).replace(", ", " - ") for x in Learner.Group.labels],  # an Excel list splits at ","
        "Đảng viên": ["Quần chúng", "Dự bị", "Chính thức"],
        "Kết quả": [str(x) for x in Enrolment.Result.labels],
        "Mã chương trình": [p.code for p in programs],
    }
    widths = {"Tên lớp": 45, "Họ và tên": 28, "Đơn vị công tác": 32, "Địa điểm": 30, "Mã chương trình": 16}
    for ws, headers in ((classes, CLASS_HEADERS), (learners, LEARNER_HEADERS)):
        for index, header in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=index, value=header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F2DCDB")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = widths.get(header, 18)
            if header in notes:
                cell.comment = Comment(notes[header], "Hệ thống báo cáo LLCT")
            column_range = f"{letter}2:{letter}{MAX_ROWS + 1}"
            if header in lists:
                validation = DataValidation(type="list", formula1='"' + ",".join(lists[header]) + '"', allow_blank=True)
                validation.error = "Chọn một giá trị trong danh sách."
                ws.add_data_validation(validation)
                validation.add(column_range)
            if header.startswith("Ngày"):
                for row in range(2, 502):
                    ws.cell(row=row, column=index).number_format = "DD/MM/YYYY"
            if header in ("Điểm bài thu hoạch", "Điểm thi lại"):
                validation = DataValidation(type="decimal", operator="between", formula1="0", formula2="10")
                validation.error = "Điểm từ 0 đến 10, tối đa một chữ số thập phân."
                validation.allow_blank = True
                ws.add_data_validation(validation)
                validation.add(column_range)
            if header == "Số CCCD":
                for row in range(2, 502):
                    ws.cell(row=row, column=index).number_format = "@"
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
