"""Quarterly reports of the centers, their approval trail, deadlines, and the edited briefings.

A center's report holds only what people write (narrative, next quarter's plan); its figures are always
computed from the classes by reports/figures/, never typed again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centers.models import Unit
from centers.periods import Period
from courses.models import Program

DEFAULT_DEADLINE_DAYS = 5


class Deadline(models.Model):
    """The submission deadline a board sets for its centers' report of one quarter."""

    province = models.ForeignKey(
        Unit, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "province"}
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"))
    due_on = models.DateField(_("hạn nộp"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đặt"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    set_at = models.DateTimeField(_("đặt lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hạn nộp báo cáo")
        verbose_name_plural = _("hạn nộp báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "quarter"], name="deadline_one_per_province_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="deadline_quarter_1_to_4"),
        ]

    def __str__(self):
        return f"{self.province} · quý {self.quarter}/{self.year}: {self.due_on:%d/%m/%Y}"


def default_deadline(period: Period) -> datetime.date:
    return period.end + datetime.timedelta(days=DEFAULT_DEADLINE_DAYS)


def deadlines(period: Period, provinces=None) -> dict[int, datetime.date]:
    """Province id → the deadline of its centers' reports for a quarter: the one its board set, else the default
    (for any province asked for, set or not). `provinces`: ids to read (all when None). One query."""
    rows = Deadline.objects.filter(year=period.year, quarter=period.index)
    if provinces is not None:
        rows = rows.filter(province_id__in=provinces)
    found = dict(rows.values_list("province_id", "due_on"))
    return defaultdict(lambda: default_deadline(period), found)


# A board sets a deadline days or weeks after the quarter; two years leaves room for a late one and still refuses
# a mistyped year (31/12/9999 once made every center "on time" for ever).
DEADLINE_MAX_YEARS = 2


def deadline_problem(period: Period, due_on: datetime.date) -> str | None:
    """Why a deadline cannot be set for a quarter's report, or None: the board's form and the service both ask."""
    if due_on < period.start:
        return _("Hạn nộp không được trước ngày đầu quý.")
    last = period.end.replace(year=period.end.year + DEADLINE_MAX_YEARS)  # a quarter ends on the 30th or 31st
    if due_on > last:
        return _("Hạn nộp %(day)s quá xa: phải trong vòng %(n)s năm sau khi hết %(period)s (đến %(last)s).") % {
            "day": due_on.strftime("%d/%m/%Y"),
            "n": DEADLINE_MAX_YEARS,
            "period": period.label,
            "last": last.strftime("%d/%m/%Y"),
        }
    return None


class CenterReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Trả lại")
        APPROVED = "approved", _("Đã phê duyệt")

    center = models.ForeignKey(
        Unit,
        verbose_name=_("trung tâm"),
        on_delete=models.PROTECT,
        related_name="reports",
        limit_choices_to={"kind": "center"},
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    achievements = models.TextField(_("kết quả đạt được"), blank=True)
    shortcomings = models.TextField(_("tồn tại, hạn chế"), blank=True)
    causes = models.TextField(_("nguyên nhân"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    next_tasks = models.TextField(_("phương hướng nhiệm vụ quý tới"), blank=True)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = models.TextField(_("ý kiến khi trả lại"), blank=True)
    # The quarter's figures when it was last submitted (reports/figures/snapshot.py): what the board reviews, and
    # what changed since ("Số liệu đã thay đổi sau khi gửi").
    submitted_figures = models.JSONField(_("số liệu khi gửi"), null=True, blank=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo quý của trung tâm")
        verbose_name_plural = _("báo cáo quý của trung tâm")
        ordering = ["-year", "-quarter", "center"]
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "quarter"], name="report_one_per_center_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "status"], name="report_period_status_idx")]

    def __str__(self):
        return f"{self.center} · {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.year, "Q", self.quarter)

    @property
    def is_editable_by_center(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


# Submitted or approved counts as reported: the reporting rate, completeness and reminders.
REPORTED_STATUSES = (CenterReport.Status.SUBMITTED, CenterReport.Status.APPROVED)


def planned_quarter(year: int, quarter: int) -> tuple[int, int]:
    """The (year, quarter) a plan written in this quarter's report is for: the next quarter (the next year's first
    after a fourth). The one rule; `PLANNED_QUARTER` says it in SQL."""
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


# The quarter (1-4) a plan line is for, from its report's quarter (`planned_quarter`), in SQL.
PLANNED_QUARTER = models.Case(
    *(models.When(report__quarter=q, then=planned_quarter(0, q)[1]) for q in range(1, 5)),
    output_field=models.IntegerField(),
)


class PlanLine(models.Model):
    """Classes a center plans to open in the quarter after its report, by program."""

    report = models.ForeignKey(CenterReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="plan")
    program = models.ForeignKey(Program, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="+")
    planned_classes = models.PositiveIntegerField(_("số lớp dự kiến"))

    class Meta:
        verbose_name = _("kế hoạch quý tới")
        verbose_name_plural = _("kế hoạch quý tới")
        constraints = [models.UniqueConstraint(fields=["report", "program"], name="plan_one_line_per_program")]

    def __str__(self):
        return f"{self.program.code}: {self.planned_classes}"


class Transition(models.Model):
    """Every change of a report's status: who, when, why. Never edited or deleted."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Gửi báo cáo")
        APPROVE = "approve", _("Phê duyệt")
        RETURN = "return", _("Trả lại")
        UNLOCK = "unlock", _("Mở khóa")
        WITHDRAW = "withdraw", _("Rút lại báo cáo đã gửi")

    report = models.ForeignKey(
        CenterReport, verbose_name=_("báo cáo"), on_delete=models.PROTECT, related_name="transitions"
    )
    action = models.CharField(_("thao tác"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=16, choices=CenterReport.Status.choices)
    to_status = models.CharField(_("sang trạng thái"), max_length=16, choices=CenterReport.Status.choices)
    comment = models.TextField(_("ý kiến, lý do"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử xử lý báo cáo")
        verbose_name_plural = _("lịch sử xử lý báo cáo")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.report}"


class Briefing(models.Model):
    """A version of the briefing paragraph of a unit and period. Append-only: the newest is the one in use;
    regenerating adds a version with the generated text, so no edited text is ever lost."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    period_key = models.CharField(_("kỳ"), max_length=10)
    # The data basis the text was written from (selectors.Basis): an edit of the approved figures is not the
    # text of all the data, so each basis keeps its own versions.
    basis = models.CharField(_("số liệu"), max_length=16, default="approved")
    text = models.TextField(_("nội dung"))
    # The generated text when the edit was saved: once the figures (or the centers' points) change, the generated
    # text differs and the edit is out of date (briefing.current). Blank for versions saved before it was kept.
    based_on = models.TextField(_("bản tự động khi sửa"), blank=True, default="")
    is_generated = models.BooleanField(_("bản tự động"), default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người sửa"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(_("sửa lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đoạn tổng hợp")
        verbose_name_plural = _("đoạn tổng hợp")
        ordering = ["unit", "period_key", "-pk"]
        indexes = [models.Index(fields=["unit", "period_key"], name="briefing_unit_period_idx")]

    def __str__(self):
        return f"{self.unit} · {self.period_key}"


class ExportLog(models.Model):
    """Every export, so that who took which unit's figures (and learners' personal data) is on record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xuất"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    period_key = models.CharField(_("kỳ"), max_length=10)
    format = models.CharField(_("định dạng"), max_length=8)
    roster = models.BooleanField(_("kèm danh sách học viên"), default=False)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần xuất báo cáo")
        verbose_name_plural = _("lần xuất báo cáo")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.period_key}.{self.format}"


# -- maintained aggregates (kept exact by reports/figures/maintained.py in every write's transaction) -----------------
# A result's column in QuarterAggregate ("" = no result yet): read by the maintained tables' upkeep and by the counting.
RESULT_FIELDS = {
    "xuat_sac": "xuat_sac",
    "gioi": "gioi",
    "kha": "kha",
    "trung_binh": "trung_binh",
    "khong_dat": "khong_dat",
    "bo_hoc": "bo_hoc",
    "": "no_result",
}
# Under the 2025 rules (courses/rules.py, a scored class): the same results again, of scored classes only, so that a
# period holding classes of both rule sets never mixes the four-word scale with the ten-point one silently.
SCORED_RESULT_FIELDS = {key: f"scored_{field}" for key, field in RESULT_FIELDS.items()}
# What else a scored class counts (QuarterAggregate's columns, in this order): its classes and enrolments, their
# results, the attendance (enrolments with attendance recorded in a class with periods, the periods attended and the
# class periods they are measured against, those below the attendance threshold), certificates issued (not revoked)
# and issued after the decision's due date.
SCORED_FIELDS = [
    "scored_classes",
    "scored_enrolments",
    *SCORED_RESULT_FIELDS.values(),
    "attendance_recorded",
    "periods_attended",
    "periods_expected",
    "below_attendance",
    "certificates_issued",
    "certificates_late",
]
# Learners who completed, covered by the completion decision, with no certificate yet: {due day (ISO): enrolments}.
# By due day, so that "past due" is read against the day a page is shown, never stored.
AWAITING_FIELD = "certificates_awaiting"


class QuarterAggregate(models.Model):
    """Counted classes and enrolments of one center, program, quarter, co-organisation and format."""

    center = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    co_organised = models.BooleanField()
    format = models.CharField(max_length=16)
    classes = models.PositiveIntegerField(default=0)
    enrolments = models.PositiveIntegerField(default=0)
    xuat_sac = models.PositiveIntegerField(default=0)
    gioi = models.PositiveIntegerField(default=0)
    kha = models.PositiveIntegerField(default=0)
    trung_binh = models.PositiveIntegerField(default=0)
    khong_dat = models.PositiveIntegerField(default=0)
    bo_hoc = models.PositiveIntegerField(default=0)
    no_result = models.PositiveIntegerField(default=0)
    scored_classes = models.PositiveIntegerField(default=0)
    scored_enrolments = models.PositiveIntegerField(default=0)
    scored_xuat_sac = models.PositiveIntegerField(default=0)
    scored_gioi = models.PositiveIntegerField(default=0)
    scored_kha = models.PositiveIntegerField(default=0)
    scored_trung_binh = models.PositiveIntegerField(default=0)
    scored_khong_dat = models.PositiveIntegerField(default=0)
    scored_bo_hoc = models.PositiveIntegerField(default=0)
    scored_no_result = models.PositiveIntegerField(default=0)
    attendance_recorded = models.PositiveIntegerField(default=0)
    periods_attended = models.PositiveIntegerField(default=0)
    periods_expected = models.PositiveIntegerField(default=0)
    below_attendance = models.PositiveIntegerField(default=0)
    certificates_issued = models.PositiveIntegerField(default=0)
    certificates_late = models.PositiveIntegerField(default=0)
    certificates_awaiting = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("tổng hợp theo quý")
        verbose_name_plural = _("tổng hợp theo quý")
        constraints = [
            models.UniqueConstraint(
                fields=["center", "year", "quarter", "program", "co_organised", "format"], name="aggregate_cell_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "quarter"], name="aggregate_period_idx")]

    def __str__(self):
        return f"{self.center_id} {self.year}-Q{self.quarter} {self.program_id}: {self.classes} lớp"


class GroupAggregate(models.Model):
    """Counted enrolments of one center and quarter by learner group, and how many were ethnic minority."""

    center = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    group = models.CharField(max_length=16)
    enrolments = models.PositiveIntegerField(default=0)
    minority = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tổng hợp theo đối tượng")
        verbose_name_plural = _("tổng hợp theo đối tượng")
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "quarter", "group"], name="group_aggregate_unique")
        ]
        indexes = [models.Index(fields=["year", "quarter"], name="group_aggregate_period_idx")]

    def __str__(self):
        return f"{self.center_id} {self.year}-Q{self.quarter} {self.group}: {self.enrolments}"


class LearnerAggregate(models.Model):
    """Distinct learners of one center and year who attended any quarter of a set (quarters as bits 1,2,4,8).

    Distinct people cannot be added up across quarters; a row per set of quarters keeps every period exact,
    whichever quarters the data basis admits."""

    center = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    quarters = models.PositiveSmallIntegerField()  # 1..15
    learners = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tổng hợp học viên")
        verbose_name_plural = _("tổng hợp học viên")
        constraints = [models.UniqueConstraint(fields=["center", "year", "quarters"], name="learner_aggregate_unique")]
        # A rollup reads one set of quarters per center: the set narrows the scan to the rows it reads.
        indexes = [models.Index(fields=["year", "quarters"], name="learner_aggregate_period_idx")]

    def __str__(self):
        return f"{self.center_id} {self.year} quý {self.quarters:04b}: {self.learners}"


class LecturerAggregate(models.Model):
    """Distinct lecturers of one center and year, by kind, who taught a counted class in any quarter of a set
    (quarters as bits, as in LearnerAggregate): a lecturer teaching in two quarters is one lecturer."""

    center = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    quarters = models.PositiveSmallIntegerField()  # 1..15
    kind = models.CharField(max_length=16)
    lecturers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tổng hợp giảng viên")
        verbose_name_plural = _("tổng hợp giảng viên")
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "quarters", "kind"], name="lecturer_aggregate_unique")
        ]
        indexes = [models.Index(fields=["year", "quarters"], name="lecturer_aggregate_period_idx")]

    def __str__(self):
        return f"{self.center_id} {self.year} quý {self.quarters:04b} {self.kind}: {self.lecturers}"


# -- what the cached figures were computed from (reports/figures/cache.py) -----------------------------------
class DataStamp(models.Model):
    """A counter per center and year, raised in the same transaction as every write that changes a figure of that
    center in that year: classes, enrolments, results, learners' groups, reports' status, plans, lecturers.

    Cached figures are keyed on the sum of the counters of the centers and years they read, so a cached figure
    is never served after a change it depends on has committed. A province's rows are locks only (never raised):
    held by the write that counts the province's figures again."""

    center = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("dấu thay đổi số liệu")
        verbose_name_plural = _("dấu thay đổi số liệu")
        constraints = [models.UniqueConstraint(fields=["center", "year"], name="data_stamp_unique")]
        indexes = [models.Index(fields=["year"], name="data_stamp_year_idx")]

    def __str__(self):
        return f"{self.center_id} {self.year}: {self.version}"


class FiguresEpoch(models.Model):
    """One row: a random token replaced whenever every cached figure must go (the organisation chain or the
    program catalogue changed, the aggregates were rebuilt, a backup was restored)."""

    token = models.BigIntegerField()
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thế hệ số liệu")
        verbose_name_plural = _("thế hệ số liệu")

    def __str__(self):
        return f"{self.token}"


class SharedFigure(models.Model):
    """A cached figure every worker process shares, and that a restart keeps (reports/figures/cache.py): the
    second level behind each process's memory. Keyed on what the figure was computed from, so never stale;
    rows not read for a day are pruned (`stored_at` is renewed when a row half a day old is read)."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.BinaryField()
    stored_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("số liệu đã tính sẵn")
        verbose_name_plural = _("số liệu đã tính sẵn")

    def __str__(self):
        return self.key


class ProvinceFigures(models.Model):
    """Every figure of one province's centers for one period and basis: the rollup part (reports/figures/types.py's
    `Part`, pickled) that the national and provincial rollups add up, so they read 63 rows, not the centers'
    aggregates.

    Maintained like the other aggregates: each write that changes a figure computes its provinces' rows for
    the year again, in its own transaction, holding the province's lock (reports/figures/maintained.py); a center moved
    to another province counts both again. A row counts only under the `version` it was computed for (the
    counting rules' version, courses.models.COUNTING_VERSION): after a deploy that raises it, rows are counted
    again when first read.

    `classes` and `enrolments` are the part's totals in plain columns: a quarter's are the points of a province's
    or the nation's quarterly trend, read without unpickling (NULL in rows stored before they were added: those
    are counted from the aggregates until a write or `rebuild` stores them)."""

    province = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.CharField(max_length=8)  # a period key: 2023-Q1, 2023-H1, 2023-9M, 2023
    basis = models.CharField(max_length=10)
    version = models.CharField(max_length=40)
    part = models.BinaryField()
    classes = models.IntegerField(null=True)
    enrolments = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("số liệu tổng hợp của tỉnh")
        verbose_name_plural = _("số liệu tổng hợp của tỉnh")
        constraints = [models.UniqueConstraint(fields=["province", "period", "basis"], name="province_figures_unique")]

    def __str__(self):
        return f"{self.province_id} {self.period} {self.basis}"


class Reminder(models.Model):
    """A reminder mailed to a center late with a quarter's report: by whom (none: the schedule), when, to whom. At
    most one a day per center and quarter (reports/reminders.py)."""

    center = models.ForeignKey(Unit, verbose_name=_("trung tâm"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"))
    sent_on = models.DateField(_("ngày gửi"))
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipients = models.CharField(_("người nhận"), max_length=1000)

    class Meta:
        verbose_name = _("thư nhắc báo cáo")
        verbose_name_plural = _("thư nhắc báo cáo")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "quarter", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self):
        return f"{self.center} {self.year}-Q{self.quarter} {self.sent_on:%d/%m/%Y}"
