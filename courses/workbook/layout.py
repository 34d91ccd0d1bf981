"""What the template looks like (its sheets, headers and limits) and what reading a file gives: the rows of
both sheets and every problem, as a `ParsedWorkbook`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from ..text import fold

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
    "Số tiết",
]
# The columns of the scored rules (courses/rules.py), last: a file made from the template before them, without
# these columns, is still read (OPTIONAL_FROM: the first index a file may leave out, with every column after it).
CLASS_OPTIONAL_FROM = 8
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
    "Số tiết tham dự",
    "Điểm bài thu hoạch",
    "Điểm thi lại",
]
LEARNER_OPTIONAL_FROM = 10
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000


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
    periods: int | None = None


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
    # Read, not yet checked against the class (courses/importing.py does, with the class's rules): None when blank.
    periods_attended: int | None = None
    score: Decimal | None = None
    retake_score: Decimal | None = None

    @property
    def has_marks(self) -> bool:
        return any(x is not None for x in (self.periods_attended, self.score, self.retake_score))

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
