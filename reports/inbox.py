"""What each user must do, most urgent first: the reads behind every role's home page and the "Báo cáo quý" menu.

- a center: its reports returned (with the board's comment), overdue, due (deadline, days left); certificates due
  or late after a completion decision; finished classes with learners still without a result; uploads waiting for
  confirmation;
- a board: reports waiting for review (oldest first), centers past the deadline of the reporting quarter, its
  centers' certificates past their due date, the quarter's briefing not yet written;
- central: the provinces of the reporting quarter by reporting rate, the late ones flagged.

Reads only, a fixed number of queries per page whatever the data (tests/test_inbox.py counts them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centers.models import Unit
from centers.periods import Period
from centers.scoping import Scope, unit_key
from courses import selectors as course_selectors
from courses.models import Course, ImportBatch

from .figures.completeness import national_completeness
from .figures.snapshot import changed_since_submission
from .models import REPORTED_STATUSES, Briefing, CenterReport, deadlines
from .reminders import overdue_centers

# How many ended quarters a center's inbox looks back on (an unfinished report older than that is an audit's
# matter, not today's work).
QUARTERS_BACK = 4
PENDING_UPLOAD_DAYS = 7

RETURNED, OVERDUE, DUE, REVIEW, TODO = range(5)
TONES = {RETURNED: "danger", OVERDUE: "danger", DUE: "warning", REVIEW: "primary", TODO: "secondary"}


@dataclass
class Item:
    urgency: int
    title: str
    detail: str
    url: str
    day: datetime.date | None = None  # what it is measured against (a deadline, a submission)
    period: Period | None = None  # the quarter of a report

    @property
    def tone(self) -> str:
        return TONES[self.urgency]

    @property
    def key(self):
        return (self.urgency, self.day or datetime.date.max)


def reporting_quarter(today: datetime.date) -> Period:
    """The quarter whose reports are being written and reviewed now: the one that ended last."""
    return Period.quarter_of(today).previous_quarter()


def ended_quarters(unit: Unit, today: datetime.date, back: int = QUARTERS_BACK) -> list[Period]:
    """The last `back` ended quarters in which the unit was active, oldest first."""
    quarters, period = [], reporting_quarter(today)
    while len(quarters) < back:
        if unit.is_active_between(period.start, period.end):
            quarters.append(period)
        elif period.end < unit.active_from:
            break
        period = period.previous_quarter()
    return quarters[::-1]


# (past the deadline, on it, before it): a report's deadline to send it, a decision's to issue its certificates.
DEADLINE_TEXTS = {
    "report": (
        gettext_lazy("Quá hạn %(n)s ngày (hạn %(day)s)"),
        gettext_lazy("Hạn nộp hôm nay (%(day)s)"),
        gettext_lazy("Hạn %(day)s, còn %(n)s ngày"),
    ),
    "certificates": (
        gettext_lazy("quá hạn cấp %(n)s ngày (hạn cấp %(day)s)"),
        gettext_lazy("hạn cấp hôm nay (%(day)s)"),
        gettext_lazy("hạn cấp %(day)s, còn %(n)s ngày"),
    ),
}


def days_text(deadline: datetime.date, today: datetime.date, what: str = "report") -> str:
    past, on, before = DEADLINE_TEXTS[what]
    days, day = (deadline - today).days, deadline.strftime("%d/%m/%Y")
    if days < 0:
        return past % {"n": -days, "day": day}
    if days == 0:
        return on % {"day": day}
    return before % {"day": day, "n": days}


def _report_url(unit: Unit, period: Period) -> str:
    return reverse("reports:report", args=[unit_key(unit), period.key])


# -- a center ----------------------------------------------------------------------------------------------------
def center_reports(center: Unit, today: datetime.date) -> list[Item]:
    quarters = ended_quarters(center, today)
    if not quarters:
        return []
    reports = {(r.year, r.quarter): r for r in CenterReport.objects.filter(center=center).filter(_quarters_q(quarters))}
    due = {period: deadlines(period, [center.parent_id])[center.parent_id] for period in quarters}
    items = []
    for period in quarters:
        report = reports.get((period.year, period.index))
        status = report.status if report else None
        if status in REPORTED_STATUSES:
            continue
        deadline = due[period]
        url = _report_url(center, period)
        if status == CenterReport.Status.RETURNED:
            title = _("Báo cáo %(p)s bị trả lại") % {"p": period.label}
            detail = report.return_comment or _("Không kèm ý kiến.")
            items.append(Item(RETURNED, title, detail, url, deadline, period))
        else:
            title = _("Báo cáo %(p)s chưa gửi") % {"p": period.label}
            urgency = OVERDUE if today > deadline else DUE
            items.append(Item(urgency, title, days_text(deadline, today), url, deadline, period))
    return items


def unfinished_classes(center: Unit, today: datetime.date, limit: int = 10) -> list[Item]:
    courses = (
        Course.objects.counted()
        .filter(center=center, end_date__lt=today)
        .annotate(missing=Count("enrolments", filter=Q(enrolments__result="", enrolments__removed_at__isnull=True)))
        .filter(missing__gt=0)
        .order_by("end_date", "code")[:limit]
    )
    return [
        Item(
            TODO,
            _("Lớp %(code)s đã kết thúc, còn %(n)s học viên chưa có kết quả") % {"code": c.code, "n": c.missing},
            _("%(title)s, kết thúc %(day)s") % {"title": c.title, "day": c.end_date.strftime("%d/%m/%Y")},
            reverse("courses:course_detail", args=[c.pk]),
            c.end_date,
        )
        for c in courses
    ]


def certificates_to_issue(scope: Scope, center: Unit, today: datetime.date) -> list[Item]:
    """A center's decisions whose certificates are not all issued: due within the rules' days, or late."""
    items = []
    for row in course_selectors.certificates_due(scope, centers=[center.pk], year=today.year, today=today):
        if row.state not in ("due", "late"):
            continue
        course = row.decision.course
        items.append(
            Item(
                OVERDUE if row.state == "late" else DUE,
                _("Lớp %(code)s: còn %(n)s giấy chứng nhận chưa cấp") % {"code": course.code, "n": row.missing},
                _("Quyết định %(number)s; %(left)s")
                % {"number": row.decision.number, "left": days_text(row.due_on, today, "certificates")},
                reverse("reports:course_certificates", args=[course.pk]),
                row.due_on,
            )
        )
    return items


def pending_uploads(center: Unit, user, now=None) -> list[Item]:
    since = (now or timezone.now()) - datetime.timedelta(days=PENDING_UPLOAD_DAYS)
    batches = ImportBatch.objects.filter(
        center=center, uploaded_by=user, status=ImportBatch.Status.PENDING, uploaded_at__gte=since
    ).order_by("uploaded_at")
    return [
        Item(
            TODO,
            _("Tệp %(name)s đã tải lên, chưa xác nhận ghi") % {"name": b.filename},
            _("Tải lên lúc %(at)s: mở lại trang nhập để xem trước và xác nhận.")
            % {"at": timezone.localtime(b.uploaded_at).strftime("%H:%M %d/%m/%Y")},
            reverse("courses:roster_upload", args=[b.course_id]) if b.course_id else reverse("courses:import_workbook"),
            timezone.localtime(b.uploaded_at).date(),
        )
        for b in batches
    ]


# -- a board -----------------------------------------------------------------------------------------------------
def waiting_reviews(scope: Scope, limit: int = 20) -> list[Item]:
    reports = (
        scope.filter(CenterReport.objects.filter(status=CenterReport.Status.SUBMITTED))
        .select_related("center", "center__parent")
        .order_by("submitted_at", "pk")[:limit]
    )
    reports = list(reports)
    changed = changed_since_submission(reports)
    items = []
    for report in reports:
        submitted = timezone.localtime(report.submitted_at).date() if report.submitted_at else None
        detail = _("Gửi ngày %(day)s") % {"day": submitted.strftime("%d/%m/%Y")} if submitted else ""
        if report.pk in changed:
            detail += " · " + _("Số liệu đã thay đổi sau khi gửi")
        items.append(
            Item(
                REVIEW,
                _("Chờ duyệt: %(center)s, %(p)s") % {"center": report.center.name, "p": report.period.label},
                detail,
                _report_url(report.center, report.period),
                submitted,
            )
        )
    return items


def overdue_in_province(province: Unit, today: datetime.date) -> list[Item]:
    period = reporting_quarter(today)
    late = overdue_centers(period=period, today=today, province=province)  # the reminders' own rule
    if not late:
        return []
    deadline = late[0][1]
    title = _("%(n)s trung tâm quá hạn báo cáo %(p)s") % {"n": len(late), "p": period.label}
    detail = days_text(deadline, today) + ": " + "; ".join(center.name for center, _day in late)
    return [Item(OVERDUE, title, detail, _report_url(province, period), deadline)]


def late_certificates_in_province(scope: Scope, province: Unit, today: datetime.date) -> list[Item]:
    """The province's centers holding certificates past their due date (one line, to the province's list)."""
    centers = list(scope.centers().filter(parent=province).values_list("pk", flat=True))
    late = [
        row
        for row in course_selectors.certificates_due(scope, centers=centers, year=today.year, today=today)
        if row.state == "late"
    ]
    if not late:
        return []
    names = sorted({row.decision.course.center.name for row in late})
    return [
        Item(
            OVERDUE,
            _("%(n)s giấy chứng nhận quá hạn chưa cấp") % {"n": sum(row.missing for row in late)},
            "; ".join(names),
            reverse("reports:certificates_due", args=[unit_key(province)]),
            min(row.due_on for row in late),
        )
    ]


def briefing_to_write(province: Unit, today: datetime.date) -> list[Item]:
    period = reporting_quarter(today)
    if Briefing.objects.filter(unit=province, period_key=period.key).exists():
        return []
    return [
        Item(
            TODO,
            _("Chưa có nhận định %(p)s") % {"p": period.label},
            _("Viết hoặc tạo đoạn nhận định tổng hợp cho hội nghị giao ban."),
            reverse("reports:briefing", args=[unit_key(province), period.key]),
        )
    ]


# -- central -----------------------------------------------------------------------------------------------------
def provinces_by_rate(today: datetime.date) -> list[Item]:
    period = reporting_quarter(today)
    rows = [row for row in national_completeness(period=period) if row.expected]
    due = deadlines(period, [row.province.pk for row in rows])
    items = []
    for row in sorted(rows, key=lambda r: (r.rate or 0, r.province.code)):
        if row.reported >= row.expected:
            continue
        deadline = due[row.province.pk]
        late = today > deadline
        items.append(
            Item(
                OVERDUE if late else DUE,
                _("%(province)s: %(n)s/%(m)s trung tâm đã gửi báo cáo %(p)s")
                % {"province": row.province.name, "n": row.reported, "m": row.expected, "p": period.label},
                days_text(deadline, today),
                _report_url(row.province, period),
                deadline,
            )
        )
    return items


# -- the inbox -------------------------------------------------------------------------------------------------------
def inbox(scope: Scope, user, today: datetime.date | None = None) -> list[Item]:
    today = today or timezone.localdate()
    unit = scope.unit
    if scope.is_center:
        items = (
            center_reports(unit, today)
            + certificates_to_issue(scope, unit, today)
            + unfinished_classes(unit, today)
            + pending_uploads(unit, user)
        )
    elif scope.is_board:
        items = (
            waiting_reviews(scope)
            + overdue_in_province(unit, today)
            + late_certificates_in_province(scope, unit, today)
            + briefing_to_write(unit, today)
        )
    elif scope.is_national:
        items = provinces_by_rate(today)
    else:
        items = []
    return sorted(items, key=lambda item: item.key)


def quarter_needing_action(unit: Unit, scope: Scope, today: datetime.date | None = None) -> Period:
    """The quarter the "Báo cáo quý" menu opens: a center's most urgent unfinished report, a board's oldest report
    waiting for review; else the reporting quarter (a closed unit's last quarter)."""
    today = today or timezone.localdate()
    if scope.is_center:
        items = center_reports(unit, today)
        if items:
            return min(items, key=lambda item: item.key).period
    elif scope.is_board:
        oldest = (
            scope.filter(CenterReport.objects.filter(status=CenterReport.Status.SUBMITTED))
            .order_by("year", "quarter")
            .values_list("year", "quarter")
            .first()
        )
        if oldest:
            return Period(oldest[0], "Q", oldest[1])
    quarter = reporting_quarter(today)
    if unit.active_to is not None and unit.active_to < quarter.start:
        return Period.quarter_of(unit.active_to)  # a closed unit's last quarter, not one it never had
    return quarter


def _quarters_q(quarters: list[Period]) -> Q:
    condition = Q(pk__in=[])
    for period in quarters:
        condition |= Q(year=period.year, quarter=period.index)
    return condition
