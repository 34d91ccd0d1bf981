"""Match a parsed workbook against what the center already has, without writing anything.

The plan is what the preview shows (rows to create, rows that match existing records, every error) and
what `services.workbook_import` writes after the user confirms: it is made again inside the write
transaction, so a confirmed import writes exactly what matches the database at that moment.
Importing the same file twice finds everything already there the second time and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from centers.models import Unit
from centers.scoping import closed_on

from .locking import lock_reason
from .marks import ATTENDANCE, RETAKE, SCORE, check_marks
from .messages import cccd_elsewhere
from .models import Course, Enrolment, ImportBatch, Learner, Program
from .rules import on as rules_on
from .text import fold, name_key
from .workbook import (
    CLASS_SHEET,
    LEARNER_HEADERS,
    LEARNER_SHEET,
    CellError,
    ClassRow,
    LearnerRow,
    ParsedWorkbook,
    read_workbook,
)

# The column of each mark on the learners' sheet, to name it in a message.
MARK_COLUMNS = {ATTENDANCE: LEARNER_HEADERS[10], SCORE: LEARNER_HEADERS[11], RETAKE: LEARNER_HEADERS[12]}
RESULT_COLUMN = LEARNER_HEADERS[9]


@dataclass
class LearnerPlan:
    row: LearnerRow  # the first row naming this person
    existing: Learner | None


@dataclass
class EnrolmentPlan:
    row: LearnerRow
    course_code: str
    person: tuple
    existing: Enrolment | None
    result_changes: bool
    # What the enrolment records (result, and in a class under the scored rules the marks), when the row sets it.
    values: dict = field(default_factory=dict)


@dataclass
class ImportPlan:
    center: Unit
    course: Course | None = None
    errors: list[CellError] = field(default_factory=list)
    new_classes: list[ClassRow] = field(default_factory=list)
    existing_classes: list[tuple[ClassRow, Course]] = field(default_factory=list)
    learners: dict[tuple, LearnerPlan] = field(default_factory=dict)
    enrolments: list[EnrolmentPlan] = field(default_factory=list)
    programs: dict[str, list[Program]] = field(default_factory=dict)  # code → its revisions
    courses_by_code: dict[str, Course] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def program_for(self, code: str, day) -> Program | None:
        """The revision of a program in force on a day (a program code can have several revisions)."""
        return next((p for p in self.programs.get(code, []) if p.is_in_force_on(day)), None)

    @property
    def new_learners(self) -> list[LearnerPlan]:
        return [p for p in self.learners.values() if p.existing is None]

    @property
    def matched_learners(self) -> list[LearnerPlan]:
        return [p for p in self.learners.values() if p.existing is not None]

    @property
    def new_enrolments(self) -> list[EnrolmentPlan]:
        return [e for e in self.enrolments if e.existing is None or e.existing.removed_at is not None]

    @property
    def result_updates(self) -> list[EnrolmentPlan]:
        return [e for e in self.enrolments if e.existing is not None and e.result_changes]

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_classes or self.new_learners or self.new_enrolments or self.result_updates)

    def summary(self) -> dict:
        return {
            "new_classes": len(self.new_classes),
            "existing_classes": len(self.existing_classes),
            "new_learners": len(self.new_learners),
            "matched_learners": len(self.matched_learners),
            "new_enrolments": len(self.new_enrolments),
            "existing_enrolments": len(self.enrolments) - len(self.new_enrolments),
            "result_updates": len(self.result_updates),
            "errors": len(self.errors),
        }


def plan_import(*, center: Unit, parsed: ParsedWorkbook, course: Course | None = None) -> ImportPlan:
    """A handful of queries whatever the size of the file: classes, learners and enrolments fetched by set."""
    plan = ImportPlan(center=center, course=course, errors=list(parsed.errors))
    if any(error.row is None for error in parsed.errors):  # the file or a sheet cannot be read as the template
        return plan
    # Rows with a bad cell are still matched, so that one upload lists every error, not those of a second round.
    for program in Program.objects.order_by("code", "-valid_from"):
        plan.programs.setdefault(program.code, []).append(program)
    _plan_classes(plan, parsed)
    _plan_learners(plan, parsed)
    sheets = [CLASS_SHEET, LEARNER_SHEET]
    plan.errors.sort(key=lambda e: (sheets.index(e.sheet) if e.sheet in sheets else -1, e.row or 0))
    return plan


def plan_batch(batch: ImportBatch) -> ImportPlan:
    """The plan of an uploaded batch's file, as the database is now (what confirming it would write)."""
    parsed = read_workbook(bytes(batch.content), roster=batch.course_id is not None)
    return plan_import(center=batch.center, parsed=parsed, course=batch.course)


def _error(plan, sheet, row, column, message):
    plan.errors.append(CellError(sheet, row, column, message))


def _plan_classes(plan: ImportPlan, parsed: ParsedWorkbook) -> None:
    center = plan.center
    if plan.course is not None:
        plan.courses_by_code = {fold(plan.course.code): plan.course}
        return
    codes = {fold(row.code) for row in parsed.classes} | {fold(r.class_code) for r in parsed.learners}
    existing = {fold(c.code): c for c in Course.objects.filter(center=center) if fold(c.code) in codes}
    plan.courses_by_code = dict(existing)
    for row in parsed.classes:
        course = existing.get(fold(row.code))
        if course is not None:
            plan.existing_classes.append((row, course))
            continue
        revisions = plan.programs.get(row.program_code)
        if not row.program_code:
            pass  # reported as empty when the file was read
        elif not revisions:
            _error(
                plan,
                CLASS_SHEET,
                row.row,
                "Mã chương trình",
                f"không có chương trình mã “{row.program_code}”; dùng một trong: " + ", ".join(plan.programs) + ".",
            )
        elif row.start_date and plan.program_for(row.program_code, row.start_date) is None:
            _error(
                plan,
                CLASS_SHEET,
                row.row,
                "Mã chương trình",
                f"chương trình “{row.program_code}” không áp dụng vào ngày {row.start_date:%d/%m/%Y}.",
            )
        if row.start_date:
            reason = closed_on(center, row.start_date) or lock_reason(center=center, day=row.start_date)
            if reason:
                _error(plan, CLASS_SHEET, row.row, "Ngày bắt đầu", reason)
        plan.new_classes.append(row)


def _plan_learners(plan: ImportPlan, parsed: ParsedWorkbook) -> None:
    center = plan.center
    new_codes = {fold(row.code) for row in plan.new_classes}
    rows = []
    for row in parsed.learners:
        code = fold(row.class_code)
        if plan.course is not None:
            if code and code != fold(plan.course.code):
                _error(
                    plan,
                    LEARNER_SHEET,
                    row.row,
                    "Mã lớp",
                    f"mã lớp “{row.class_code}” khác lớp đang nhập ({plan.course.code}); để trống hoặc ghi đúng mã.",
                )
                continue
            code = fold(plan.course.code)
        elif not code:
            _error(plan, LEARNER_SHEET, row.row, "Mã lớp", "không được để trống.")
            continue
        elif code not in plan.courses_by_code and code not in new_codes:
            _error(
                plan,
                LEARNER_SHEET,
                row.row,
                "Mã lớp",
                f"không có lớp mã “{row.class_code}” trong trang “{CLASS_SHEET}” hay trên hệ thống.",
            )
            continue
        course = plan.courses_by_code.get(code)
        if course is not None and course.is_cancelled:
            _error(plan, LEARNER_SHEET, row.row, "Mã lớp", f"lớp “{course.code}” đã hủy.")
            continue
        rows.append((code, row))

    # Existing learners: by CCCD (anywhere: it is unique), else by name and date of birth in the center.
    cccds = {row.national_id for _, row in rows if row.national_id}
    by_cccd = (
        {ln.national_id: ln for ln in Learner.objects.filter(national_id__in=cccds).select_related("center__parent")}
        if cccds
        else {}
    )
    name_keys = {name_key(row.full_name) for _, row in rows if not row.national_id}
    by_name: dict[tuple, Learner] = {}
    if name_keys:
        for learner in Learner.objects.filter(center=center, name_key__in=name_keys).order_by("pk"):
            by_name.setdefault((learner.name_key, learner.date_of_birth), learner)

    for _, row in rows:
        person = row.identity
        if person in plan.learners:
            continue
        if row.national_id:
            existing = by_cccd.get(row.national_id)
            if existing is not None and existing.center_id != center.pk:
                message = cccd_elsewhere(existing.center, center.parent_id)
                _error(plan, LEARNER_SHEET, row.row, "Số CCCD", message[0].lower() + message[1:])
                continue
        else:
            existing = by_name.get((name_key(row.full_name), row.date_of_birth))
        plan.learners[person] = LearnerPlan(row, existing)

    # Existing enrolments, fetched by the classes involved.
    existing_courses = [c for c in plan.courses_by_code.values()]
    known = {}
    if existing_courses:
        learner_ids = [p.existing.pk for p in plan.learners.values() if p.existing]
        for enrolment in Enrolment.objects.filter(course__in=existing_courses, learner_id__in=learner_ids):
            known[(enrolment.course_id, enrolment.learner_id)] = enrolment
    locked_checked = {}
    locked_reported: set[int] = set()
    new_class_rows = {fold(row.code): row for row in plan.new_classes}
    for code, row in rows:
        person = row.identity
        if person not in plan.learners:
            continue
        learner = plan.learners[person].existing
        course = plan.courses_by_code.get(code)
        existing = known.get((course.pk, learner.pk)) if course and learner else None
        values = _row_values(plan, row, course, new_class_rows.get(code), existing)
        if values is None:
            continue
        changes = bool(existing and any(getattr(existing, key) != value for key, value in values.items()))
        if course is not None and (existing is None or changes or existing.removed_at is not None):
            if course.pk not in locked_checked:
                locked_checked[course.pk] = lock_reason(center=center, day=course.start_date)
            if locked_checked[course.pk]:
                if course.pk not in locked_reported:  # once per class, not once per row
                    locked_reported.add(course.pk)
                    _error(plan, LEARNER_SHEET, row.row, "Mã lớp", f"lớp {course.code}: {locked_checked[course.pk]}")
                continue
        plan.enrolments.append(EnrolmentPlan(row, code, person, existing, changes, values))


def _row_values(plan, row: LearnerRow, course: Course | None, class_row: ClassRow | None, existing) -> dict | None:
    """What a learner's row records on the enrolment: the result word as typed (a class before the scored rules), or
    the marks checked against the class's rules and the result they give (rules.result()). A blank cell keeps what
    is recorded. None, with the errors added to the plan, when the row cannot be written."""
    start = course.start_date if course is not None else (class_row.start_date if class_row else None)
    if start is None:  # the class's own row is wrong; its error is reported there
        return {"result": row.result} if row.result else {}
    rules = rules_on(start)
    if not rules.scored:
        problems = [(MARK_COLUMNS[k], v) for k, v in _marks_of(row).items() if v is not None]
        for column, _value in problems:
            _error(
                plan,
                LEARNER_SHEET,
                row.row,
                column,
                f"lớp bắt đầu ngày {start:%d/%m/%Y}, trước quy chế mới: chỉ ghi “Kết quả”, không ghi số tiết hay điểm.",
            )
        if row.result == Enrolment.Result.OUTSTANDING:
            _error(
                plan,
                LEARNER_SHEET,
                row.row,
                RESULT_COLUMN,
                f"xếp loại “Xuất sắc” chỉ có ở lớp theo quy chế mới; lớp này bắt đầu ngày {start:%d/%m/%Y}.",
            )
            return None
        if problems:
            return None
        return {"result": row.result} if row.result else {}
    if row.result not in ("", Enrolment.Result.DROPPED):
        _error(
            plan,
            LEARNER_SHEET,
            row.row,
            RESULT_COLUMN,
            "lớp theo quy chế mới: xếp loại do hệ thống tính từ số tiết và điểm; cột này chỉ ghi “Bỏ học” hoặc để "
            "trống.",
        )
        return None
    if not row.has_marks and not row.result:
        return {}
    periods = course.periods if course is not None else class_row.periods
    given = _marks_of(row)
    kept = {k: (v if v is not None else getattr(existing, k, None)) for k, v in given.items()}
    dropped = row.result == Enrolment.Result.DROPPED or (
        existing is not None and existing.result == Enrolment.Result.DROPPED and not row.result
    )
    marks = check_marks(
        rules, periods, attended=kept[ATTENDANCE], score=kept[SCORE], retake=kept[RETAKE], dropped=dropped
    )
    if not marks.ok:
        for which, message in marks.problems:
            _error(plan, LEARNER_SHEET, row.row, MARK_COLUMNS[which], message[:1].lower() + message[1:])
        return None
    return {
        "result": marks.result,
        ATTENDANCE: marks.periods_attended,
        SCORE: marks.score,
        RETAKE: marks.retake_score,
    }


def _marks_of(row: LearnerRow) -> dict:
    return {ATTENDANCE: row.periods_attended, SCORE: row.score, RETAKE: row.retake_score}
