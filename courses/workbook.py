"""Reading (and the blank template of) the classes-and-learners workbook.

This module only parses and checks the shape of a file: sheets, headers, cell types. It knows nothing of
the database; `courses/importing.py` matches the rows against existing records and `courses/services.py`
writes them. Every problem becomes a message in Vietnamese naming the sheet, row and column.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from .models import Course, Enrolment, Learner
from .text import clean_name, fold

CLASS_SHEET = "Lớp học"
LEARNER_SHEET = "Học viên"
CLASS_HEADERS = [
    "Mã lớp",
    "Tên lớp",
    "Mã chương trình",
    "Ngày bắt đầu",
    "Ngày kết thúc",
    "Hình thức",
    "Phối hợp Trường Chính trị",
    "Địa điểm",
]
LEARNER_HEADERS = [
    "Mã lớp",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Đối tượng",
    "Đảng viên",
    "Đơn vị công tác",
    "Số CCCD",
    "Kết quả",
]
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Rows scanned per sheet, blank ones included, before the file is refused (a sheet "with a million rows").
MAX_SCANNED_ROWS = 60_000
MAX_UNCOMPRESSED = 150 * 1024 * 1024
MAX_RATIO = 150

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str | None  # header text
    message: str

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"Trang “{self.sheet}”")
        if self.row:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột “{self.column}”")
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass
class ClassRow:
    row: int
    code: str
    title: str
    program_code: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    format: str
    co_organised: bool
    location: str


@dataclass
class LearnerRow:
    row: int
    class_code: str
    full_name: str
    date_of_birth: datetime.date | None
    gender: str
    ethnicity: str
    group: str
    party_status: str
    workplace: str
    national_id: str | None
    result: str

    @property
    def identity(self) -> tuple:
        """Who the row is: the CCCD when given, else the folded name and date of birth."""
        if self.national_id:
            return ("cccd", self.national_id)
        return ("name", fold(self.full_name), self.date_of_birth)


@dataclass
class ParsedWorkbook:
    classes: list[ClassRow] = field(default_factory=list)
    learners: list[LearnerRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, message: str, sheet: str = "", row: int | None = None, column: str | None = None) -> None:
        self.errors.append(CellError(sheet, row, column, message))


def _choices(enum, extra: dict[str, str] | None = None) -> dict[str, str]:
    mapping = {fold(label): value for value, label in enum.choices}
    mapping.update({fold(value): value for value in enum.values})
    mapping.update(extra or {})
    return mapping


FORMATS = _choices(Course.Format)
GENDERS = _choices(Learner.Gender)
GROUPS = _choices(Learner.Group, {"hoc sinh sinh vien": "hoc_sinh", "hssv": "hoc_sinh", "sinh vien": "hoc_sinh"})
PARTY = _choices(
    Learner.PartyStatus,
    {"du bi": "du_bi", "chinh thuc": "chinh_thuc", "khong": "quan_chung", "": "quan_chung"},
)
RESULTS = _choices(Enrolment.Result, {"": "", "tb": "trung_binh", "chua co": ""})
YES = {"co", "x", "1", "true", "dung", "yes"}
NO = {"", "khong", "0", "false", "sai", "no"}


# -- cells ---------------------------------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%d/%m/%Y")
    return clean_name(str(value))


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 120_000:
        return from_excel(value).date()
    match = _DATE_TEXT.match(_text(value))
    if match:
        day, month, year = (int(x) for x in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise ValueError("Ngày không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 06/02/2023.")


def _choice(value, mapping: dict[str, str], allowed: list[str]) -> str:
    key = fold(_text(value))
    if key in mapping:
        return mapping[key]
    raise ValueError(f"Giá trị “{_text(value)}” không hợp lệ; chọn một trong: {', '.join(allowed)}.")


def _labels(enum) -> list[str]:
    return [str(label) for label in enum.labels]


def _cccd(value) -> str | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel drops the leading zero of a CCCD typed as a number (every CCCD starts with 0).
        text = str(int(value))
        text = text.zfill(12) if len(text) == 11 else text
    else:
        text = _text(value).replace(" ", "")
    if not re.fullmatch(r"\d{12}", text):
        raise ValueError(f"Số CCCD “{_text(value)}” phải gồm đúng 12 chữ số.")
    return text


# -- the file ------------------------------------------------------------------------------------------
def _check_container(data: bytes, parsed: ParsedWorkbook) -> bool:
    if len(data) > MAX_BYTES:
        parsed.error(f"Tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB; hãy chia thành nhiều tệp nhỏ hơn.")
        return False
    if not data:
        parsed.error("Tệp rỗng.")
        return False
    if data.startswith(_OLE_SIGNATURE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
            parsed.error("Tệp đang được đặt mật khẩu. Hãy gỡ mật khẩu trong Excel rồi tải lên lại.")
        else:
            parsed.error("Tệp ở định dạng Excel 97-2003 (.xls). Hãy mở bằng Excel, lưu lại dạng .xlsx rồi tải lên.")
        return False
    if not zipfile.is_zipfile(io.BytesIO(data)):
        parsed.error("Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống.")
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        parsed.error("Tệp bị hỏng, không mở được. Hãy lưu lại tệp trong Excel rồi tải lên.")
        return False
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        parsed.error("Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống.")
        return False
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        parsed.error("Tệp có chứa macro (.xlsm), không được nhận. Hãy lưu lại dạng .xlsx không có macro.")
        return False
    total = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        parsed.error("Tệp có nội dung giải nén quá lớn bất thường, không được nhận.")
        return False
    return True


def _read_sheet(ws, sheet: str, headers: list[str], parsed: ParsedWorkbook):
    """Yield (row number, values) for the non-empty data rows of a sheet, after checking its headers."""
    width = len(headers)
    rows = ws.iter_rows(min_row=1, max_col=width + 20, values_only=True)
    first = next(rows, None)
    found = [_text(v) for v in (first or ())]
    found += [""] * (width - len(found))
    bad_header = False
    for index, expected in enumerate(headers):
        got = found[index]
        letter = get_column_letter(index + 1)
        if fold(got) != fold(expected):
            bad_header = True
            if got:
                parsed.error(f"cột {letter} phải có tiêu đề “{expected}”, tệp ghi “{got}”.", sheet, 1)
            else:
                parsed.error(f"thiếu cột “{expected}” (cột {letter}).", sheet, 1)
    for index in range(width, len(found)):
        if found[index]:
            bad_header = True
            parsed.error(
                f"cột {get_column_letter(index + 1)} “{found[index]}” không có trong mẫu; hãy xóa cột này.",
                sheet,
                1,
            )
    if bad_header:
        return
    scanned = 0
    data_rows = 0
    for number, values in enumerate(rows, start=2):
        scanned += 1
        if scanned > MAX_SCANNED_ROWS:
            parsed.error(
                f"trang có quá nhiều dòng (trên {MAX_SCANNED_ROWS:,} dòng, kể cả dòng trống).".replace(",", "."),
                sheet,
            )
            return
        values = tuple(values[:width]) + (None,) * (width - len(values[:width]))
        if all(v is None or _text(v) == "" for v in values):
            continue  # blank rows are skipped
        data_rows += 1
        if data_rows > MAX_ROWS:
            parsed.error(f"quá {MAX_ROWS:,} dòng dữ liệu; hãy chia thành nhiều tệp.".replace(",", "."), sheet)
            return
        yield number, values


def _cell(parsed, sheet, row, header, func, value, default=None):
    try:
        return func(value)
    except ValueError as error:
        parsed.error(str(error), sheet, row, header)
        return default


def _required(parsed, sheet, row, header, value) -> str:
    text = _text(value)
    if not text:
        parsed.error("không được để trống.", sheet, row, header)
    return text


def _parse_classes(ws, parsed: ParsedWorkbook) -> None:
    h = CLASS_HEADERS
    seen = {}
    for row, v in _read_sheet(ws, CLASS_SHEET, h, parsed):
        code = _required(parsed, CLASS_SHEET, row, h[0], v[0])
        title = _required(parsed, CLASS_SHEET, row, h[1], v[1])
        program_code = _required(parsed, CLASS_SHEET, row, h[2], v[2]).upper()
        start = _cell(parsed, CLASS_SHEET, row, h[3], _date, v[3])
        end = _cell(parsed, CLASS_SHEET, row, h[4], _date, v[4])
        fmt = _cell(
            parsed,
            CLASS_SHEET,
            row,
            h[5],
            lambda x: _choice(x, FORMATS, _labels(Course.Format)),
            v[5] or "Trực tiếp",
        )
        co_org_text = fold(_text(v[6]))
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
        parsed.classes.append(
            ClassRow(row, code, title, program_code, start, end, fmt or "", co_org_text in YES, _text(v[7])[:255])
        )


def _parse_learners(ws, parsed: ParsedWorkbook) -> None:
    h = LEARNER_HEADERS
    today = datetime.date.today()
    seen: dict[tuple, int] = {}
    names_by_cccd: dict[str, tuple[str, int]] = {}
    for row, v in _read_sheet(ws, LEARNER_SHEET, h, parsed):
        class_code = _text(v[0])
        full_name = _required(parsed, LEARNER_SHEET, row, h[1], v[1])
        dob = _cell(parsed, LEARNER_SHEET, row, h[2], _date, v[2]) if _text(v[2]) else None
        if dob and dob > today:
            parsed.error("ngày sinh không được sau ngày hôm nay.", LEARNER_SHEET, row, h[2])
        elif dob and dob.year < 1900:
            parsed.error("ngày sinh không hợp lệ.", LEARNER_SHEET, row, h[2])
        gender = _cell(parsed, LEARNER_SHEET, row, h[3], lambda x: _choice(x, GENDERS, ["Nam", "Nữ"]), v[3])
        ethnicity = _text(v[4]) or Learner.MAJORITY_ETHNICITY
        group = _cell(
            parsed,
            LEARNER_SHEET,
            row,
            h[5],
            lambda x: _choice(x, GROUPS, _labels(Learner.Group)),
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
        result = _cell(parsed, LEARNER_SHEET, row, h[9], lambda x: _choice(x, RESULTS, _labels(Enrolment.Result)), v[9])
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
            _text(v[7])[:255],
            national_id,
            result or "",
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
    """Parse an uploaded workbook. `roster=True`: only the "Học viên" sheet is read (a class page upload)."""
    parsed = ParsedWorkbook()
    if not _check_container(data, parsed):
        return parsed
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on broken files
        parsed.error("Tệp bị hỏng hoặc không đúng định dạng .xlsx, không đọc được.")
        return parsed
    try:
        names = workbook.sheetnames
        expected = [CLASS_SHEET, LEARNER_SHEET]
        extra = [n for n in names if n not in expected]
        if extra:
            parsed.error(
                "Tệp có trang tính không thuộc mẫu: "
                + ", ".join(f"“{n}”" for n in extra)
                + f". Mẫu chỉ có hai trang “{CLASS_SHEET}” và “{LEARNER_SHEET}”."
            )
        required = [LEARNER_SHEET] if roster else expected
        missing = [n for n in required if n not in names]
        if missing:
            parsed.error("Tệp thiếu trang tính: " + ", ".join(f"“{n}”" for n in missing) + ".")
        if parsed.errors:
            return parsed
        try:
            if not roster:
                _parse_classes(workbook[CLASS_SHEET], parsed)
            _parse_learners(workbook[LEARNER_SHEET], parsed)
        except Exception:  # a malformed sheet part inside a valid zip
            parsed.error("Tệp bị hỏng hoặc không đúng định dạng .xlsx, không đọc được.")
            return parsed
        if not parsed.errors and not parsed.classes and not parsed.learners:
            parsed.error("Tệp không có dòng dữ liệu nào.")
    finally:
        workbook.close()
    return parsed


# -- the template --------------------------------------------------------------------------------------
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
    lists = {
        "Hình thức": [str(x) for x in Course.Format.labels],
        "Phối hợp Trường Chính trị": ["Có", "Không"],
        "Giới tính": ["Nam", "Nữ"],
        "Đối tượng": [str(x) for x in Learner.Group.labels],
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
            if header == "Số CCCD":
                for row in range(2, 502):
                    ws.cell(row=row, column=index).number_format = "@"
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
