"""The only code that writes reports, their transitions, deadlines and briefings.

Who may do what: center staff write and submit their center's report; board staff approve, return and
unlock the reports of their province's centers, set deadlines and edit the province's briefing. Every
transition is recorded with who, when and why. Checks come first, then one transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import IO, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from centers import jobs, wording
from centers.lineage import Boundaries
from centers.models import Unit
from centers.periods import Period
from centers.scoping import Action, Scope
from courses.history import change_note
from courses.models import Course, Program
from courses.services import figures_freeze, figures_thaw
from courses.validators import VERSION_MISSING

from . import briefing, locking, reminders, selectors
from .exporters.context import build_context
from .exporters.files import CONTENT_TYPES, export_content, export_filename
from .figures import counting, maintained, snapshot
from .figures.basis import Basis, default_basis
from .formatting import vn_int
from .models import Briefing, CenterReport, Deadline, ExportLog, PlanLine, Transition, deadline_problem

MAX_TEXT = 20_000


def _stale(report: CenterReport, expected: int | None) -> None:
    """Refuse a save based on an older version of the report, or on none at all (a form that lost its version
    field must not overwrite what someone else saved since); nothing is written."""
    if expected is None:
        raise ValidationError(VERSION_MISSING, code="conflict")
    if report.version != expected:
        from courses.history import changes_since

        changed = "; ".join(f"{label}" for label, _old, _new in changes_since(report, expected)[:10])
        raise ValidationError(
            _(
                "Báo cáo vừa được người khác sửa (phiên bản %(now)s, đồng chí đang sửa phiên bản %(was)s). "
                "Không có gì bị ghi đè; hãy tải lại trang để xem thay đổi."
            )
            % {"now": report.version, "was": expected}
            + (" " + _("Phần đã thay đổi: %(c)s.") % {"c": changed} if changed else ""),
            code="conflict",
        )


def _record(report, action, from_status, user, comment=""):
    Transition.objects.create(
        report=report,
        action=action,
        from_status=from_status,
        to_status=report.status,
        comment=comment,
        by=user if user and user.is_authenticated else None,
    )


def _quarter_of(report: CenterReport) -> tuple[int, datetime.date, datetime.date]:
    period = report.period
    return (report.center_id, period.start, period.end)


def _require_quarter(period: Period) -> None:
    if not period.is_quarter:
        raise ValidationError(_("Báo cáo của trung tâm lập theo quý."))


def _locked_report(pk) -> CenterReport:
    # Lock the report row only: PostgreSQL cannot lock the nullable side of the join to the province.
    return (
        CenterReport.objects.select_for_update(of=("self",), no_key=True)
        .select_related("center", "center__parent")
        .get(pk=pk)
    )


# -- the center's side --------------------------------------------------------------------------------------
def report_get_or_create(*, scope: Scope, center: Unit, period: Period) -> CenterReport:
    """The center's report of a quarter, started as a draft the first time its staff open it."""
    _require_quarter(period)
    scope.require(Action.ENTER_DATA, center, day=period.start)
    try:
        with transaction.atomic():
            report, _created = CenterReport.objects.get_or_create(center=center, year=period.year, quarter=period.index)
    except IntegrityError:  # opened twice at once
        report = CenterReport.objects.get(center=center, year=period.year, quarter=period.index)
    return report


@transaction.atomic
def report_save(
    *, scope: Scope, report: CenterReport, version: int, plan: dict[int, int] | None = None, **narrative
) -> CenterReport:
    """Save the narrative and next quarter's plan (program id → planned classes) of a draft or returned report."""
    report = _locked_report(report.pk)
    scope.require(Action.ENTER_DATA, report.center, day=report.period.start)
    _stale(report, version)
    if not report.is_editable_by_center:
        raise ValidationError(
            _("Báo cáo đang ở trạng thái “%(s)s”, không sửa được.") % {"s": report.get_status_display()}
        )
    errors = {}
    for name, value in narrative.items():
        if name not in selectors.NOTE_FIELDS:
            raise TypeError(name)
        if len(value or "") > MAX_TEXT:
            errors[name] = _("Nội dung dài quá %(n)s ký tự.") % {"n": vn_int(MAX_TEXT)}
        setattr(report, name, (value or "").strip())
    if plan is not None:
        programs = set(Program.objects.values_list("pk", flat=True))
        for program_id, n in plan.items():
            if program_id not in programs:
                errors["plan"] = _("Chương trình không hợp lệ.")
            elif n is None or n < 0 or n > 10_000:
                errors["plan"] = _("Số lớp dự kiến phải là số nguyên từ 0 đến 10.000.")
    if errors:
        raise ValidationError(errors)
    if plan is not None:
        note = _plan_note(report, plan)
        if note:  # the plan lines are no field of the report: the history row says what changed in its reason
            report._change_reason = note
    report.version += 1  # the row is locked (select_for_update)
    report.save()
    if plan is not None:
        PlanLine.objects.filter(report=report).exclude(program_id__in=[p for p, n in plan.items() if n]).delete()
        for program_id, n in plan.items():
            if n:
                PlanLine.objects.update_or_create(report=report, program_id=program_id, defaults={"planned_classes": n})
    report.refresh_from_db()
    return report


def _plan_note(report: CenterReport, plan: dict[int, int]) -> str:
    """“Kế hoạch quý sau: <program> 3 → 5 lớp; …”, or "" when the plan stays as it was."""
    before = dict(PlanLine.objects.filter(report=report).values_list("program_id", "planned_classes"))
    changed = sorted(
        p for p in set(before) | {p for p, n in plan.items() if n} if before.get(p, 0) != (plan.get(p) or 0)
    )
    if not changed:
        return ""
    names = dict(Program.objects.filter(pk__in=changed).values_list("pk", "briefing_phrase"))
    lines = "; ".join(f"{names.get(p, p)} {before.get(p, 0)} → {plan.get(p) or 0} lớp" for p in changed)
    return change_note(_("Kế hoạch quý sau: %(lines)s") % {"lines": lines})


@dataclass
class Check:
    """What stands between a report and its submission: errors block it, warnings do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def report_check(*, report: CenterReport, today: datetime.date | None = None) -> Check:
    """DHIS2-style validation: finished classes need a roster and results; big swings are flagged."""
    today = today or timezone.localdate()
    period = report.period
    check = Check()
    finished = (
        Course.objects.counted()
        .filter(center=report.center, start_date__gte=period.start, start_date__lte=period.end)
        .filter(Q(status=Course.Status.FINISHED) | Q(end_date__lt=today))
        .annotate(
            n=Count("enrolments", filter=Q(enrolments__removed_at__isnull=True)),
            missing=Count("enrolments", filter=Q(enrolments__removed_at__isnull=True, enrolments__result="")),
        )
        .order_by("start_date", "code")
    )
    for course in finished:
        if course.n == 0:
            check.errors.append(_("Lớp %(c)s đã kết thúc nhưng chưa có học viên nào.") % {"c": course.code})
        elif course.missing:
            check.errors.append(
                _("Lớp %(c)s đã kết thúc nhưng còn %(n)s học viên chưa có kết quả.")
                % {"c": course.code, "n": vn_int(course.missing)}
            )
        rules = course.rules
        if course.n and rules.scored and rules.small_class(course.n):  # a warning, never a block
            check.warnings.append(
                _("Lớp %(c)s (%(t)s) chỉ có %(n)s học viên, ít hơn %(min)s học viên theo %(rules)s.")
                % {
                    "c": course.code,
                    "t": course.title,
                    "n": vn_int(course.n),
                    "min": vn_int(rules.min_class_size),
                    "rules": rules.name,
                }
            )
    figures = counting.rollup(unit=report.center, period=period, basis=Basis.ALL)
    for attribute, label in (("classes", _("Số lớp")), ("enrolments", _("Số lượt học viên"))):
        change = figures.change(attribute)
        if (
            change
            and change.previous
            and (change.current > 2 * change.previous or change.current < change.previous / 2)
        ):
            check.warnings.append(
                _("%(label)s (%(now)s) chênh lệch lớn so với cùng kỳ năm %(year)s (%(then)s); đề nghị kiểm tra lại.")
                % {
                    "label": label,
                    "now": vn_int(change.current),
                    "then": vn_int(change.previous),
                    "year": period.year - 1,
                }
            )
    if today < period.end:
        check.warnings.append(
            _(
                "%(quarter)s chưa kết thúc (đến hết ngày %(end)s). Khi báo cáo được phê duyệt, số liệu của quý bị "
                "khóa: lớp mở sau đó chỉ nhập được khi %(board)s mở khóa."
            )
            % {
                "quarter": period.sentence_label,
                "end": period.end.strftime("%d/%m/%Y"),
                "board": wording.today().provincial_board,
            }
        )
    if not any(getattr(report, name).strip() for name in selectors.NOTE_FIELDS):
        check.warnings.append(_("Phần nhận định của trung tâm còn trống."))
    return check


@transaction.atomic
def report_submit(*, scope: Scope, report: CenterReport, version: int, user=None) -> Check:
    report = _locked_report(report.pk)
    scope.require(Action.ENTER_DATA, report.center, day=report.period.start)
    _stale(report, version)
    if not report.is_editable_by_center:
        raise ValidationError(_("Báo cáo đã được gửi hoặc phê duyệt."))
    check = report_check(report=report)
    if not check.ok:
        raise ValidationError(check.errors, code="invalid")
    before = report.status
    now = timezone.now()
    figures = counting.rollup(unit=report.center, period=report.period, basis=Basis.ALL)
    report.submitted_figures = snapshot.snapshot(figures.total)
    report.status = CenterReport.Status.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.submitted_by = user if user and user.is_authenticated else None
    report.version += 1  # the row is locked (select_for_update)
    report.save()
    report.refresh_from_db()
    _record(report, Transition.Action.SUBMIT, before, user)
    return check


@transaction.atomic
def report_withdraw(*, scope: Scope, report: CenterReport, user=None) -> CenterReport:
    """A center takes back a report it sent that the board has not reviewed yet: a draft again, on record."""
    report = _locked_report(report.pk)
    scope.require(Action.ENTER_DATA, report.center)
    if report.status != CenterReport.Status.SUBMITTED:
        raise ValidationError(_("Chỉ rút lại được báo cáo đã gửi mà Ban chưa xử lý."))
    before = report.status
    report.status = CenterReport.Status.DRAFT
    report.version += 1
    report.save()
    report.refresh_from_db()
    _record(report, Transition.Action.WITHDRAW, before, user)
    return report


# -- the board's side ------------------------------------------------------------------------------------------
def _review(scope: Scope, report: CenterReport) -> None:
    scope.require(Action.REVIEW, report.center)


@transaction.atomic
def report_approve(*, scope: Scope, report: CenterReport, user=None, comment: str = "") -> CenterReport:
    report = _locked_report(report.pk)
    _review(scope, report)
    if report.status != CenterReport.Status.SUBMITTED:
        raise ValidationError(
            _("Chỉ phê duyệt được báo cáo đã gửi (báo cáo của %(c)s đang “%(s)s”).")
            % {"c": report.center.name, "s": report.get_status_display()}
        )
    before = report.status
    report.status = CenterReport.Status.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = user if user and user.is_authenticated else None
    report.return_comment = ""
    report.version += 1  # the row is locked (select_for_update)
    report.save()
    # The approved figures stay as approved: later edits of a learner or a lecturer change their current record only.
    figures_freeze(quarters=[_quarter_of(report)])
    report.refresh_from_db()
    _record(report, Transition.Action.APPROVE, before, user, comment.strip())
    return report


@transaction.atomic
def reports_approve_many(*, scope: Scope, reports, user=None) -> int:
    """Approve several submitted reports from the completeness table: all of them, or none.

    In one order (center, quarter): each approval locks its report and its center's data stamp, and two boards
    approving overlapping lists at once must not wait for each other in a circle."""
    # Once each: a report listed twice would otherwise be refused the second time (already approved).
    reports = sorted({report.pk: report for report in reports}.values(), key=lambda r: (r.center_id, r.year, r.quarter))
    for report in reports:
        report_approve(scope=scope, report=report, user=user)
    return len(reports)


@transaction.atomic
def report_return(*, scope: Scope, report: CenterReport, comment: str, user=None) -> CenterReport:
    report = _locked_report(report.pk)
    _review(scope, report)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Ghi ý kiến để trung tâm biết cần sửa gì.")})
    if report.status != CenterReport.Status.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được báo cáo đã gửi, chưa phê duyệt."))
    before = report.status
    report.status = CenterReport.Status.RETURNED
    report.return_comment = comment.strip()
    report.version += 1  # the row is locked (select_for_update)
    report.save()
    report.refresh_from_db()
    _record(report, Transition.Action.RETURN, before, user, comment.strip())
    return report


@transaction.atomic
def report_unlock(*, scope: Scope, report: CenterReport, reason: str, user=None) -> CenterReport:
    """Open an approved quarter again so the center can correct it; it must be submitted and approved again."""
    report = _locked_report(report.pk)
    _review(scope, report)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Ghi lý do mở khóa.")})
    if report.status != CenterReport.Status.APPROVED:
        raise ValidationError(_("Chỉ mở khóa được báo cáo đã phê duyệt."))
    before = report.status
    report.status = CenterReport.Status.RETURNED
    report.return_comment = reason.strip()
    report.approved_at = None
    report.approved_by = None
    report.version += 1  # the row is locked (select_for_update)
    report.save()
    # Open again, the quarter counts its learners and lecturers as they are now: count it again.
    figures_thaw(quarters=[_quarter_of(report)])
    period = report.period
    maintained.refresh([maintained.cell(report.center_id, period.start)])
    maintained.refresh_lecturers([(report.center_id, report.year)])
    report.refresh_from_db()
    _record(report, Transition.Action.UNLOCK, before, user, reason.strip())
    return report


@transaction.atomic
def deadline_set(*, scope: Scope, province: Unit, period: Period, due_on: datetime.date, user=None) -> Deadline:
    _require_quarter(period)
    scope.require(Action.REVIEW, province)
    if province.kind != Unit.Kind.PROVINCE:
        raise PermissionDenied
    problem = deadline_problem(period, due_on)
    if problem:
        raise ValidationError({"due_on": problem})
    deadline, _created = Deadline.objects.update_or_create(
        province=province,
        year=period.year,
        quarter=period.index,
        defaults={"due_on": due_on, "set_by": user if user and user.is_authenticated else None},
    )
    return deadline


# -- briefings ---------------------------------------------------------------------------------------------------
def _require_briefing_editor(scope: Scope, unit: Unit) -> None:
    scope.require(Action.REVIEW, unit)
    if unit.kind != Unit.Kind.PROVINCE:
        raise PermissionDenied(_("%(board)s sửa đoạn tổng hợp của tỉnh.") % {"board": wording.today().provincial_board})


def _briefing_basis(unit: Unit, basis: str | None) -> str:
    basis = basis or default_basis(unit)
    if basis not in Basis.values:
        raise ValidationError(_("Cơ sở số liệu không hợp lệ."))
    return basis


@transaction.atomic
def briefing_save(
    *, scope: Scope, unit: Unit, period: Period, text: str, user=None, basis: str | None = None
) -> Briefing:
    """Save board staff's edit of the briefing on a data basis as a new version (the earlier ones are kept), with
    the generated text it was written against: when that changes, the edit is out of date (briefing.current)."""
    _require_briefing_editor(scope, unit)
    basis = _briefing_basis(unit, basis)
    text = briefing.normalise(text or "").strip()
    if not text:
        raise ValidationError({"text": _("Đoạn tổng hợp không được để trống; dùng “Tạo lại” để lấy bản tự động.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("Nội dung dài quá %(n)s ký tự.") % {"n": vn_int(MAX_TEXT)}})
    return Briefing.objects.create(
        unit=unit,
        period_key=period.key,
        basis=basis,
        text=text,
        based_on=briefing.generate(unit=unit, period=period, basis=basis),
        edited_by=user if user and user.is_authenticated else None,
    )


@transaction.atomic
def briefing_regenerate(
    *, scope: Scope, unit: Unit, period: Period, text: str, user=None, basis: str | None = None
) -> Briefing:
    """Put the generated text of a data basis back in use, as a new version marked as generated."""
    _require_briefing_editor(scope, unit)
    return Briefing.objects.create(
        unit=unit,
        period_key=period.key,
        basis=_briefing_basis(unit, basis),
        text=text,
        is_generated=True,
        edited_by=user if user and user.is_authenticated else None,
    )


def lock_reason_for(*, center: Unit, period: Period, for_reviewer: bool = False) -> str | None:
    """Why a center's data of a quarter is locked, if it is (the same check the write services make), worded
    for center staff or for the board that may unlock it."""
    if not period.is_quarter:
        return None
    return locking.quarter_lock_reason(center=center, day=period.start, for_reviewer=for_reviewer)


# -- exports ---------------------------------------------------------------------------------------------------
class ExportFile(NamedTuple):
    filename: str
    content_type: str
    file: IO[bytes]  # at its start; the caller closes it (FileResponse does, after sending)


def report_export(
    *,
    scope: Scope,
    unit: Unit,
    period: Period,
    fmt: str,
    basis: str | None = None,
    roster: bool = False,
    user=None,
    boundaries=None,
) -> ExportFile:
    """A unit's report for a period as an xlsx or docx file, recorded in the export log (who took which unit's
    figures, and whether with the learners' personal data). `roster` (the learners' list) only goes with xlsx."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}")
    scope.require(Action.VIEW, unit)
    roster = roster and fmt == "xlsx"
    ctx = build_context(unit=unit, period=period, basis=basis, boundaries=boundaries)
    ExportLog.objects.create(user=user, unit=unit, period_key=period.key, format=fmt, roster=roster)
    content = export_content(ctx, fmt=fmt, roster=roster)
    return ExportFile(export_filename(ctx, fmt=fmt, roster=roster), CONTENT_TYPES[fmt], content)


# -- exports in the background (centers/jobs.py runs them; registered in ReportsConfig.ready) ---------------------
def is_long_export(unit: Unit, *, roster: bool) -> bool:
    """The learners' roster and the nation's figures take long: they go through a background job."""
    return roster or unit.kind == Unit.Kind.CENTRAL


def export_label(unit: Unit, period: Period, *, fmt: str, roster: bool) -> str:
    what = _("Xuất Word") if fmt == "docx" else _("Xuất Excel")
    label = f"{what}: {unit.name_on(period.end)}, {period.label}"
    return label + (_(" (kèm danh sách học viên)") if roster else "")


def export_job(job, progress) -> jobs.Output:
    """A background export: the same `report_export` as a download, for the job's owner in their own scope."""
    params = job.params
    scope = Scope.for_user(job.user)
    unit = scope.get_unit(params["unit"])
    period = Period.parse(params["period"])
    progress(10, _("Đang tổng hợp số liệu…"))
    export = report_export(
        scope=scope,
        unit=unit,
        period=period,
        fmt=params["fmt"],
        basis=params.get("basis"),
        boundaries=Boundaries.parse(params.get("boundaries"), period.end),
        roster=params.get("roster", False),
        user=job.user,
    )
    progress(90, _("Đang lưu tệp…"))
    return jobs.Output(export.filename, export.content_type, export.file)


# -- reminders from the completeness page ------------------------------------------------------------------------
def remind_centers(
    *, scope: Scope, province: Unit, period: Period, center_id: int | None, user, today: datetime.date | None = None
) -> reminders.Reminded:
    """Mail one overdue center of the province ("Nhắc"), or all of them ("Nhắc tất cả chưa gửi"): the board only."""
    scope.require(Action.REVIEW, province)
    today = today or timezone.localdate()
    overdue = reminders.overdue_centers(period=period, today=today, province=province)
    if center_id is not None:
        overdue = [(center, deadline) for center, deadline in overdue if center.pk == center_id]
        if not overdue:
            raise ValidationError(_("Trung tâm này không quá hạn báo cáo %(p)s: không cần nhắc.") % {"p": period.label})
    return reminders.remind(period=period, overdue=overdue, today=today, by=user)
