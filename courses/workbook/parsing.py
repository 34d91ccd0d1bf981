"""Turning the rows of a file into classes and learners (`ClassRow`, `LearnerRow`): each cell parsed and checked
against the model's validators, each problem a message naming the sheet, row and column.

This package only parses and checks the shape of a file: sheets, headers, cell types. It knows nothing of the
database; `courses/importing.py` matches the rows against existing records and `courses/services.py` writes them."""

from __future__ import annotations

import datetime
import io
import re

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from ..marks import parse_attendance
from ..models import Course, Enrolment, Learner
from ..rules import parse_score
from ..text import fold, normalise_cccd
from ..validators import CCCD_MESSAGE, cccd_problem, validate_birth_date, validate_class_date
from .layout import (
    CLASS_HEADERS,
    CLASS_OPTIONAL_FROM,
    CLASS_SHEET,
    LEARNER_HEADERS,
    LEARNER_OPTIONAL_FROM,
    LEARNER_SHEET,
    ClassRow,
    LearnerRow,
    ParsedWorkbook,
)
from .reading import Source, cell_text, check_container, read_sheet, shortened

_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def _choices(enum, extra: dict[str, str] | None = None) -> dict[str, str]:
    mapping = {fold(label): value for value, label in enum.choices}
    mapping.update({fold(value): value for value in enum.values})
    mapping.update(extra or {})
    return mapping


FORMATS = _choices(Course.Format)
GENDERS = _choices(Learner.Gender)
GROUPS = _choices(Learner.Group, {"hoc sinh sinh vien": "hoc_sinh", "hssv": "hoc_sinh", "sinh vien": "hoc_sinh"})
# The template's list writes ", " as " - " (an Excel list splits at commas); today's groups by their usual short names.
GROUPS |= {fold(str(label).replace(", ", " - ")): value for value, label in Learner.Group.choices}
GROUPS |= {
    fold(alias): value
    for value, aliases in {
        "cong_chuc": ["Công chức", "Viên chức", "Công chức viên chức"],
        "bao_cao_vien": ["Báo cáo viên", "Tuyên truyền viên", "Báo cáo viên tuyên truyền viên"],
        "thon_to_dan_pho": ["Thôn, tổ dân phố", "Thôn - tổ dân phố", "Không chuyên trách thôn, tổ dân phố"],
    }.items()
    for alias in aliases
}
PARTY = _choices(
    Learner.PartyStatus,
    {"du bi": "du_bi", "chinh thuc": "chinh_thuc", "khong": "quan_chung", "": "quan_chung"},
)
RESULTS = _choices(Enrolment.Result, {"": "", "tb": "trung_binh", "chua co": ""})
YES = {"co", "x", "1", "true", "dung", "yes"}
NO = {"", "khong", "0", "false", "sai", "no"}


# -- cells ---------------------------------------------------------------------------------------------
def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 120_000:
        return from_excel(value).date()
    match = _DATE_TEXT.match(cell_text(value))
    if match:
        day, month, year = (int(x) for x in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise ValueError("Ngày không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 06/02/2023.")


def _checked(validator):
    """A cell parser that also applies one of the model's validators (courses/validators.py), its message kept."""

    def parse(value) -> datetime.date:
        day = _date(value)
        try:
            validator(day)
        except ValidationError as error:
            text = " ".join(error.messages)  # after "…, cột Ngày sinh: ", as the sheet's other messages read
            raise ValueError(text[:1].lower() + text[1:]) from error
        return day

    return parse


_class_date = _checked(validate_class_date)
_birth_date = _checked(validate_birth_date)


def _choice(value, mapping: dict[str, str], allowed) -> str:
    """The stored value for a label; `allowed` (a list, or the enum whose labels to list) only goes in the message."""
    key = fold(cell_text(value))
    if key in mapping:
        return mapping[key]
    labels = allowed if isinstance(allowed, list) else _labels(allowed)
    raise ValueError(f"Giá trị “{cell_text(value)}” không hợp lệ; chọn một trong: {', '.join(labels)}.")


def _labels(enum) -> list[str]:
    return [str(label) for label in enum.labels]


def _cccd(value) -> str | None:
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():  # also inf and nan
            raise ValueError(f"Số CCCD “{cell_text(value)}” phải gồm đúng 12 chữ số.")
        # Excel drops the leading zero of a CCCD typed as a number (every CCCD starts with 0).
        text = str(int(value))
        text = text.zfill(12) if len(text) == 11 else text
    else:
        # The one normalisation (courses.text): full-width digits → 0-9, spaces and invisible characters out.
        text = normalise_cccd(cell_text(value)) or ""
    problem = cccd_problem(text)
    if problem == str(CCCD_MESSAGE):
        raise ValueError(f"Số CCCD “{shortened(cell_text(value))}” phải gồm đúng 12 chữ số.")
    if problem:
        raise ValueError(f"Số CCCD “{shortened(cell_text(value))}”: {problem}")
    return text


def _number(value):
    """A number cell as the users typed it: Excel keeps 7,5 typed in a Vietnamese locale as the float 7.5, and a
    score typed as text ("7,5") stays text; both are read by the parsers (parse_score, parse_attendance)."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return cell_text(value)
    return value


def _periods(value) -> int | None:
    """A class's periods (số tiết): a whole number from 1, or None when blank."""
    try:
        number = parse_attendance(_number(value))
    except ValueError:
        number = -1
    if number is not None and not 1 <= number <= 2000:
        raise ValueError(f"Số tiết “{cell_text(value)}” phải là số nguyên từ 1 đến 2.000.")
    return number


def _cell(parsed, sheet, row, header, func, value, default=None):
    try:
        return func(value)
    except ValueError as error:
        parsed.error(str(error), sheet, row, header)
        return default


def _required(parsed, sheet, row, header, value) -> str:
    text = cell_text(value)
    if not text:
        parsed.error("không được để trống.", sheet, row, header)
    return text


def _parse_classes(source: Source, parsed: ParsedWorkbook) -> None:
    h = CLASS_HEADERS
    seen = {}
    for row, v in read_sheet(source, CLASS_SHEET, h, parsed, optional_from=CLASS_OPTIONAL_FROM):
        code = _required(parsed, CLASS_SHEET, row, h[0], v[0])
        title = _required(parsed, CLASS_SHEET, row, h[1], v[1])
        program_code = _required(parsed, CLASS_SHEET, row, h[2], v[2]).upper()
        start = _cell(parsed, CLASS_SHEET, row, h[3], _class_date, v[3])
        end = _cell(parsed, CLASS_SHEET, row, h[4], _class_date, v[4])
        fmt = _cell(
            parsed,
            CLASS_SHEET,
            row,
            h[5],
            lambda x: _choice(x, FORMATS, Course.Format),
            v[5] or "Trực tiếp",
        )
        co_org_text = fold(cell_text(v[6]))
        if co_org_text not in YES | NO:
            parsed.error("ghi “Có” hoặc để trống.", CLASS_SHEET, row, h[6])
        if start and end and end < start:
            parsed.error("ngày kết thúc trước ngày bắt đầu.", CLASS_SHEET, row, h[4])
        if len(code) > 30:
            parsed.error("mã lớp dài quá 30 ký tự.", CLASS_SHEET, row, h[0])
        if len(title) > 255:
            parsed.error("tên lớp dài quá 255 ký tự.", CLASS_SHEET, row, h[1])
        if code and fold(code) in seen:
            parsed.error(f"mã lớp “{code}” trùng với dòng {seen[fold(code)]}.", CLASS_SHEET, row, h[0])
        seen.setdefault(fold(code), row)
        periods = _cell(parsed, CLASS_SHEET, row, h[8], _periods, v[8])
        parsed.classes.append(
            ClassRow(
                row,
                code,
                title,
                program_code,
                start,
                end,
                fmt or "",
                co_org_text in YES,
                cell_text(v[7])[:255],
                periods,
            )
        )


def _parse_learners(source: Source, parsed: ParsedWorkbook) -> None:
    h = LEARNER_HEADERS
    seen: dict[tuple, int] = {}
    names_by_cccd: dict[str, tuple[str, int]] = {}
    for row, v in read_sheet(source, LEARNER_SHEET, h, parsed, optional_from=LEARNER_OPTIONAL_FROM):
        class_code = cell_text(v[0])
        full_name = _required(parsed, LEARNER_SHEET, row, h[1], v[1])
        dob = _cell(parsed, LEARNER_SHEET, row, h[2], _birth_date, v[2]) if cell_text(v[2]) else None
        gender = _cell(parsed, LEARNER_SHEET, row, h[3], lambda x: _choice(x, GENDERS, ["Nam", "Nữ"]), v[3])
        ethnicity = cell_text(v[4]) or Learner.MAJORITY_ETHNICITY
        group = _cell(
            parsed,
            LEARNER_SHEET,
            row,
            h[5],
            lambda x: _choice(x, GROUPS, Learner.Group),
            v[5] or "Nhân dân",
        )
        party = _cell(
            parsed,
            LEARNER_SHEET,
            row,
            h[6],
            lambda x: _choice(x, PARTY, ["Quần chúng", "Dự bị", "Chính thức"]),
            v[6],
        )
        national_id = _cell(parsed, LEARNER_SHEET, row, h[8], _cccd, v[8])
        result = _cell(parsed, LEARNER_SHEET, row, h[9], lambda x: _choice(x, RESULTS, Enrolment.Result), v[9])
        if len(full_name) > 150:
            parsed.error("họ và tên dài quá 150 ký tự.", LEARNER_SHEET, row, h[1])
        if len(ethnicity) > 50:
            parsed.error("tên dân tộc dài quá 50 ký tự.", LEARNER_SHEET, row, h[4])
        learner = LearnerRow(
            row,
            class_code,
            full_name,
            dob,
            gender or "",
            ethnicity,
            group or "",
            party or "quan_chung",
            cell_text(v[7])[:255],
            national_id,
            result or "",
            _cell(parsed, LEARNER_SHEET, row, h[10], parse_attendance, _number(v[10])),
            _cell(parsed, LEARNER_SHEET, row, h[11], parse_score, _number(v[11])),
            _cell(parsed, LEARNER_SHEET, row, h[12], parse_score, _number(v[12])),
        )
        if national_id:
            other = names_by_cccd.get(national_id)
            if other and fold(other[0]) != fold(full_name):
                parsed.error(
                    f"số CCCD {national_id} đã ghi cho “{other[0]}” ở dòng {other[1]}.",
                    LEARNER_SHEET,
                    row,
                    h[8],
                )
            names_by_cccd.setdefault(national_id, (full_name, row))
        key = (fold(class_code), learner.identity)
        if full_name and key in seen:
            parsed.error(f"học viên “{full_name}” trùng với dòng {seen[key]} trong cùng lớp.", LEARNER_SHEET, row, h[1])
        seen.setdefault(key, row)
        parsed.learners.append(learner)


def read_workbook(data: bytes, *, roster: bool = False) -> ParsedWorkbook:
    """Parse an uploaded workbook. `roster=True`: only the "Học viên" sheet is read (a class page upload).

    Never raises: whatever the bytes, the result is a ParsedWorkbook, its problems in `errors`.
    """
    parsed = ParsedWorkbook()
    parts = check_container(data, parsed)
    if parts is None:
        return parsed
    workbook = formulas = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        names = workbook.sheetnames
        expected = [CLASS_SHEET, LEARNER_SHEET]
        extra = [n for n in names if n not in expected]
        if extra:
            parsed.error(
                "Tệp có trang tính không thuộc mẫu: "
                + ", ".join(f"“{shortened(n)}”" for n in extra)
                + f". Mẫu chỉ có hai trang “{CLASS_SHEET}” và “{LEARNER_SHEET}”."
            )
        required = [LEARNER_SHEET] if roster else expected
        missing = [n for n in required if n not in names]
        if missing:
            parsed.error("Tệp thiếu trang tính: " + ", ".join(f"“{n}”" for n in missing) + ".")
        if parsed.errors:
            return parsed
        sources = {}
        for name in required:
            part = parts.get(name)
            # Formulas are read (a second, lighter pass) only to name the cells whose value Excel did not save.
            if part is None or part.formulas:
                formulas = formulas or load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            sources[name] = Source(
                workbook[name],
                formulas[name] if formulas is not None and (part is None or part.formulas) else None,
                part.merges if part is not None else [],
            )
            for ws in (sources[name].values, sources[name].formulas):
                if ws is not None:
                    ws.reset_dimensions()  # openpyxl drops the rows below a <dimension> that lies; read them all
        if not roster:
            _parse_classes(sources[CLASS_SHEET], parsed)
        _parse_learners(sources[LEARNER_SHEET], parsed)
        if not parsed.errors and not parsed.classes and not parsed.learners:
            parsed.error("Tệp không có dòng dữ liệu nào.")
    except Exception:  # openpyxl raises many kinds of errors on broken files, a malformed sheet part in a valid zip
        parsed.error("Tệp bị hỏng hoặc không đúng định dạng .xlsx, không đọc được.")
    finally:
        for book in (workbook, formulas):
            if book is not None:
                book.close()
    return parsed
