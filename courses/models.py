"""Programs, classes (lớp), learners, enrolments and lecturers.

Counting rules (the one place they are written down; reports/figures/ applies them):
- a class counts in the period its start date falls in;
- a cancelled class counts nowhere;
- enrolments ("lượt học viên") count per class: one person in two classes is two enrolments;
- learners ("học viên", distinct people) count once per period however many classes they attend;
- a removed enrolment counts nowhere (it is kept, with who removed it and when).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centers.models import Unit

from . import rules as teaching_rules
from .text import (
    SEARCH_KEY_LENGTH,
    SORT_KEY_LENGTH,
    clean_name,
    course_search_key,
    name_key,
    normalise_cccd,
    vietnamese_sort_key,
)
from .validators import (
    validate_birth_date,
    validate_cccd,
    validate_class_date,
    validate_class_size,
    validate_class_title,
    validate_person_name,
)

MAJORITY_ETHNICITY = "Kinh"


def is_ethnic_minority(ethnicity: str | None) -> bool:
    """The one rule for "dân tộc thiểu số": any ethnicity written down other than Kinh (case and spaces aside); a
    blank one is unknown, not a minority. `ethnic_minority_q` says the same in SQL, and a test holds them together."""
    ethnicity = clean_name(ethnicity or "")
    return bool(ethnicity) and ethnicity.casefold() != MAJORITY_ETHNICITY.casefold()


def ethnic_minority_q(path: str = "") -> Q:
    """`is_ethnic_minority` of the ethnicity at `path` ("learner__" from an enrolment), for counting in SQL. Stored
    ethnicities are cleaned on save (Learner.save), so the blank and the spaced forms need no SQL of their own."""
    return ~Q(**{f"{path}ethnicity": ""}) & ~Q(**{f"{path}ethnicity__iexact": MAJORITY_ETHNICITY})


# The version of the counting rules above as the code applies them (counted_course_q, EnrolmentQuerySet.counted;
# reports/figures/maintained.py compute_*; reports/figures/counting.py and reference.py): part of the key of every
# cached figure and file, and of the stored province figures (reports/figures/), so a deploy that raises it counts
# every figure again. Raise it with any change to those rules, or to what a cached value looks like (the fields of a
# class the cache keeps, reports/figures/types.py; an exported file's layout, cached for the day):
# tests/test_shown.py keeps a hash of the counting code and those fields, and fails until it is raised and the hash
# updated.
COUNTING_VERSION = 5


class ProgramQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date):
        return self.in_force_between(day, day)

    def in_force_between(self, start: datetime.date, end: datetime.date):
        """Programs in force on at least one day from `start` to `end`."""
        return self.filter(valid_from__lte=end).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))


class Program(models.Model):
    """A training program of the central catalogue, in force between two dates. The programs of 1/12/2025 belong
    to one of the five groups of the Quy chế (Quyết định 1147-QĐ/BTGDVTW); the older ones to none."""

    class Group(models.IntegerChoices):
        AWARENESS = 1, _("Bồi dưỡng nhận thức về Đảng")
        NEW_MEMBERS = 2, _("Bồi dưỡng đảng viên mới")
        PROFESSIONAL = 3, _("Bồi dưỡng chuyên môn, nghiệp vụ")
        THEMATIC = 4, _("Bồi dưỡng chuyên đề")
        SKILLS = 5, _("Tập huấn kỹ năng, cập nhật kiến thức, lịch sử Đảng địa phương, thông tin thời sự")

    code = models.CharField(_("mã chương trình"), max_length=16)
    name = models.CharField(_("tên chương trình"), max_length=255)
    briefing_phrase = models.CharField(
        _("cách gọi trong báo cáo"),
        max_length=255,
        help_text=_("Cụm từ dùng trong đoạn tổng hợp, ví dụ “bồi dưỡng đảng viên mới”."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    group = models.PositiveSmallIntegerField(_("nhóm chương trình"), choices=Group.choices, null=True, blank=True)

    objects = ProgramQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chương trình bồi dưỡng")
        verbose_name_plural = _("chương trình bồi dưỡng")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="program_code_unique_per_revision"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="program_valid_to_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.code} - {self.name}"

    def is_in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class ProgramMapping(models.Model):
    """A program of one catalogue version that continues as a program of a later one ("nhận thức về Đảng" ↔
    "đối tượng kết nạp Đảng"): the dashboard and the briefing compare a program with the same period a year earlier
    across the change through these, and say so where a program has none. Edited by the central level."""

    earlier = models.ForeignKey(
        Program, verbose_name=_("chương trình trước"), on_delete=models.PROTECT, related_name="continued_as"
    )
    later = models.ForeignKey(
        Program, verbose_name=_("chương trình sau"), on_delete=models.PROTECT, related_name="continues"
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    retired_at = models.DateTimeField(_("bỏ lúc"), null=True, blank=True)  # kept, never deleted

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tương ứng giữa chương trình")
        verbose_name_plural = _("tương ứng giữa chương trình")
        constraints = [
            models.UniqueConstraint(
                fields=["earlier", "later"],
                condition=Q(retired_at__isnull=True),
                name="program_mapping_unique_pair",
                violation_error_message=_("Hai chương trình này đã được nối với nhau."),
            ),
        ]

    def __str__(self):
        return f"{self.earlier.code} → {self.later.code}"

    def clean(self):
        if self.earlier_id and self.later_id:
            if self.earlier_id == self.later_id:
                raise ValidationError(_("Một chương trình không thể tương ứng với chính nó."))
            if self.earlier.valid_from >= self.later.valid_from:
                raise ValidationError(_("Chương trình trước phải áp dụng sớm hơn chương trình sau."))


class Lecturer(models.Model):
    class Kind(models.TextChoices):
        FULL_TIME = "chuyen_trach", _("Giảng viên chuyên trách")
        CONCURRENT = "kiem_chuc", _("Giảng viên kiêm chức")
        REPORTER = "bao_cao_vien", _("Báo cáo viên")

    center = models.ForeignKey(
        Unit,
        verbose_name=_("trung tâm"),
        on_delete=models.PROTECT,
        related_name="lecturers",
        limit_choices_to={"kind": Unit.Kind.CENTER},
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, validators=[validate_person_name])
    kind = models.CharField(_("loại giảng viên"), max_length=16, choices=Kind.choices)
    qualification = models.CharField(
        _("trình độ"), max_length=255, blank=True, help_text=_("Ví dụ: Thạc sĩ, Cao cấp lý luận chính trị.")
    )
    position = models.CharField(_("chức vụ, đơn vị công tác"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    retired_on = models.DateField(_("thôi giảng dạy từ ngày"), null=True, blank=True)
    # Lists sort as Vietnamese readers expect ("Dương" before "Đỗ", "Lê Thị" before "Lê Thu"): courses.text.
    sort_key = models.CharField(_("khóa sắp xếp"), max_length=SORT_KEY_LENGTH, editable=False, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giảng viên")
        verbose_name_plural = _("giảng viên")
        ordering = ["center", "sort_key"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.sort_key = vietnamese_sort_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.retired_on is None


class CourseQuerySet(models.QuerySet):
    def counted(self):
        """Classes that count in figures (`counted_course_q`)."""
        return self.filter(counted_course_q())


class Course(models.Model):
    """A class (lớp) run by one district center."""

    class Format(models.TextChoices):
        IN_PERSON = "truc_tiep", _("Trực tiếp")
        ONLINE = "truc_tuyen", _("Trực tuyến")
        MIXED = "ket_hop", _("Kết hợp")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Dự kiến")
        RUNNING = "running", _("Đang học")
        FINISHED = "finished", _("Đã kết thúc")
        CANCELLED = "cancelled", _("Đã hủy")

    center = models.ForeignKey(
        Unit,
        verbose_name=_("trung tâm"),
        on_delete=models.PROTECT,
        related_name="courses",
        limit_choices_to={"kind": Unit.Kind.CENTER},
    )
    program = models.ForeignKey(
        Program, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="courses"
    )
    code = models.CharField(_("mã lớp"), max_length=30)
    title = models.CharField(_("tên lớp"), max_length=255, validators=[validate_class_title])
    # Within the years reports can name (courses/validators.py): a class of 9999 broke every rollup over its period.
    start_date = models.DateField(_("ngày bắt đầu"), validators=[validate_class_date])
    end_date = models.DateField(_("ngày kết thúc"), validators=[validate_class_date])
    format = models.CharField(_("hình thức"), max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    co_organised = models.BooleanField(_("phối hợp với Trường Chính trị tỉnh"), default=False)
    planned_size = models.PositiveIntegerField(
        _("số học viên dự kiến"), null=True, blank=True, validators=[validate_class_size]
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    lecturers = models.ManyToManyField(
        Lecturer, verbose_name=_("giảng viên"), blank=True, related_name="courses", through="CourseLecturer"
    )
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    # Under the 2025 rules (courses/rules.py): the periods (tiết) learners' attendance is measured against, the
    # homeroom lecturer (one of the class's lecturers) and the giáo vụ. The ban cán sự is on the roster
    # (Enrolment.class_role).
    periods = models.PositiveSmallIntegerField(
        _("số tiết"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    homeroom = models.ForeignKey(
        Lecturer,
        verbose_name=_("giảng viên chủ nhiệm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    academic_officer = models.CharField(_("giáo vụ"), max_length=150, blank=True, db_default="")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped by every write service; a save carrying an older version is refused (no lost updates).
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # Code and title without diacritics, for the class list's search (set on every save; bulk loads set it too).
    search_key = models.CharField(_("khóa tìm kiếm"), max_length=SEARCH_KEY_LENGTH, editable=False, default="")

    objects = CourseQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lớp học")
        verbose_name_plural = _("lớp học")
        ordering = ["-start_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="course_code_unique_in_center"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="course_end_not_before_start"),
        ]
        indexes = [
            models.Index(fields=["center", "start_date"], name="course_center_start_idx"),
            models.Index(fields=["start_date"], name="course_start_idx"),
        ]

    def __str__(self):
        return f"{self.code} - {self.title}"

    def save(self, *args, **kwargs):
        self.search_key = course_search_key(self.code, self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"code", "title"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
        if self.program_id and self.start_date and not self.program.is_in_force_on(self.start_date):
            program, day = self.program, self.start_date.strftime("%d/%m/%Y")
            if self.start_date < program.valid_from:
                errors["program"] = _(
                    "Chương trình “%(program)s” chưa áp dụng vào ngày %(day)s (áp dụng từ %(from)s)."
                ) % {
                    "program": program.name,
                    "day": day,
                    "from": program.valid_from.strftime("%d/%m/%Y"),
                }
            else:
                errors["program"] = _("Chương trình “%(program)s” không còn áp dụng vào ngày %(day)s.") % {
                    "program": program.name,
                    "day": day,
                }
        if self.center_id and self.center.kind != Unit.Kind.CENTER:
            errors["center"] = _("Lớp học phải thuộc một trung tâm chính trị.")
        if self.status == self.Status.FINISHED and self.start_date and self.start_date > timezone.localdate():
            errors["status"] = _("Lớp bắt đầu ngày %(day)s, chưa thể “Đã kết thúc”.") % {
                "day": self.start_date.strftime("%d/%m/%Y")
            }
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def rules(self) -> teaching_rules.TeachingRules:
        """The teaching rules the class follows: those in force on its start date (courses/rules.py)."""
        return teaching_rules.of_course(self)

    @property
    def is_scored(self) -> bool:
        """Under the 2025 rules: attendance, scores, a completion decision and certificates."""
        return self.start_date is not None and self.rules.scored


def counted_course_q(path: str = "") -> Q:
    """Classes (at `path`: "course__" from an enrolment or a lecturer's link) that count in figures: a cancelled
    class counts nowhere. The one place the rule is written in code."""
    return ~Q(**{f"{path}status": Course.Status.CANCELLED})


class CourseLecturer(models.Model):
    """A lecturer teaching a class. `frozen_kind` is the lecturer's kind as the class's quarter was approved: the
    figures and exports of an approved quarter read it, so a later change of the lecturer's kind (their current
    record) leaves what was approved as it was. Empty while the quarter is open: the lecturer's current kind counts."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    lecturer = models.ForeignKey(Lecturer, on_delete=models.CASCADE, related_name="+")
    frozen_kind = models.CharField(
        _("loại giảng viên khi phê duyệt"), max_length=16, choices=Lecturer.Kind.choices, null=True, blank=True
    )

    class Meta:
        db_table = "courses_course_lecturers"  # the table Django made for the plain many-to-many, kept as it is
        unique_together = [("course", "lecturer")]
        verbose_name = _("giảng viên của lớp")
        verbose_name_plural = _("giảng viên của lớp")

    def __str__(self):
        return f"{self.lecturer_id} - {self.course_id}"


# The value each frozen field counts with: the approved one, else the current record's (quarter still open).
COUNTED_LECTURER_KIND = Coalesce("frozen_kind", "lecturer__kind")  # from a CourseLecturer
COUNTED_GROUP = Coalesce("frozen_group", "learner__group")  # from an Enrolment


def counted_minority_q(path: str = "") -> Q:
    """Enrolments (at `path`) counted as ethnic minority: as approved, else by the learner's current ethnicity."""
    return Q(**{f"{path}frozen_minority": True}) | (
        Q(**{f"{path}frozen_minority__isnull": True}) & ethnic_minority_q(f"{path}learner__")
    )


class Learner(models.Model):
    class Gender(models.TextChoices):
        MALE = "nam", _("Nam")
        FEMALE = "nu", _("Nữ")

    class PartyStatus(models.TextChoices):
        NONE = "quan_chung", _("Quần chúng")
        PROBATIONARY = "du_bi", _("Đảng viên dự bị")
        FULL = "chinh_thuc", _("Đảng viên chính thức")

    class Group(models.TextChoices):
        CADRE = "can_bo", _("Cán bộ")
        CIVIL_SERVANT = "cong_chuc", _("Công chức, viên chức")
        PARTY_MEMBER = "dang_vien", _("Đảng viên")
        REPORTER = "bao_cao_vien", _("Báo cáo viên, tuyên truyền viên")
        YOUTH_UNION = "doan_vien", _("Đoàn viên")
        ASSOCIATION = "hoi_vien", _("Hội viên")
        VILLAGE = "thon_to_dan_pho", _("Người hoạt động không chuyên trách ở thôn, tổ dân phố")
        PEOPLE = "nhan_dan", _("Nhân dân")
        ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp")
        STUDENT = "hoc_sinh", _("Học sinh - sinh viên")

    MAJORITY_ETHNICITY = MAJORITY_ETHNICITY

    center = models.ForeignKey(
        Unit,
        verbose_name=_("trung tâm quản lý"),
        on_delete=models.PROTECT,
        related_name="learners",
        limit_choices_to={"kind": Unit.Kind.CENTER},
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, validators=[validate_person_name])
    # The name folded (lower case, no diacritics) for searching and for matching duplicates.
    name_key = models.CharField(_("khóa tìm kiếm"), max_length=150, editable=False, db_index=True, default="")
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True, validators=[validate_birth_date])
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=50, default=MAJORITY_ETHNICITY)
    party_status = models.CharField(
        _("đảng viên"), max_length=16, choices=PartyStatus.choices, default=PartyStatus.NONE
    )
    group = models.CharField(_("đối tượng"), max_length=16, choices=Group.choices, default=Group.PEOPLE)
    workplace = models.CharField(_("đơn vị công tác"), max_length=255, blank=True)
    national_id = models.CharField(
        _("số CCCD"),
        max_length=12,
        null=True,
        blank=True,
        # 12 ASCII digits once normalised (clean_fields below): "\d" let full-width and Arabic-Indic digits in, each
        # a twin of an ASCII CCCD that uniqueness and search did not see.
        validators=[validate_cccd],
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id__isnull=False),
                name="learner_cccd_unique",
                violation_error_message=_("Số CCCD này đã được đăng ký cho một học viên khác."),
            ),
        ]
        indexes = [models.Index(fields=["center", "full_name"], name="learner_center_name_idx")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = clean_name(self.full_name)
        self.name_key = name_key(self.full_name)
        self.ethnicity = clean_name(self.ethnicity or "")
        if self.national_id == "":
            self.national_id = None
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Normalise before the validators run, whoever calls full_clean (services, import, admin): the CCCD is
        # validated, checked for uniqueness and stored in the one form search finds.
        self.national_id = normalise_cccd(self.national_id)
        super().clean_fields(exclude=exclude)

    @property
    def is_ethnic_minority(self) -> bool:
        return is_ethnic_minority(self.ethnicity)

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id)


def mask_national_id(value: str | None) -> str:
    """A CCCD as lists, rosters and history show it: its last four digits only ("********5444")."""
    return f"********{value[-4:]}" if value else ""


class EnrolmentQuerySet(models.QuerySet):
    def counted(self):
        """Enrolments that count in figures: not removed, and in a class that is not cancelled."""
        return self.filter(counted_course_q("course__"), removed_at__isnull=True)


class Enrolment(models.Model):
    class Result(models.TextChoices):
        # Xuất sắc exists only under the 2025 rules (a score of 9,0 or more): classes before them keep four words.
        OUTSTANDING = "xuat_sac", _("Xuất sắc")
        EXCELLENT = "gioi", _("Giỏi")
        GOOD = "kha", _("Khá")
        AVERAGE = "trung_binh", _("Trung bình")
        FAILED = "khong_dat", _("Không đạt")
        DROPPED = "bo_hoc", _("Bỏ học")

    class Role(models.TextChoices):
        NONE = "", _("Học viên")
        MONITOR = "lop_truong", _("Lớp trưởng")
        DEPUTY = "lop_pho", _("Lớp phó")

    # Results that count as completing the class (completion rate = these over finished enrolments).
    PASSING = (Result.OUTSTANDING, Result.EXCELLENT, Result.GOOD, Result.AVERAGE)

    course = models.ForeignKey(Course, verbose_name=_("lớp"), on_delete=models.PROTECT, related_name="enrolments")
    learner = models.ForeignKey(
        Learner, verbose_name=_("học viên"), on_delete=models.PROTECT, related_name="enrolments"
    )
    # The one result word every figure counts. In a class under the 2025 rules it is not typed: the services set it
    # from the attendance and the scores below (courses/rules.py TeachingRules.result), or "bỏ học".
    result = models.CharField(_("kết quả"), max_length=16, choices=Result.choices, blank=True)
    certificate_no = models.CharField(_("số giấy chứng nhận"), max_length=50, blank=True)  # before the register
    periods_attended = models.PositiveSmallIntegerField(_("số tiết tham dự"), null=True, blank=True)
    score = models.DecimalField(
        _("điểm bài thu hoạch"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    retake_score = models.DecimalField(
        _("điểm thi lại"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    class_role = models.CharField(_("ban cán sự"), max_length=16, choices=Role.choices, blank=True, db_default="")
    enrolled_at = models.DateTimeField(_("ghi danh lúc"), auto_now_add=True)
    removed_at = models.DateTimeField(_("rút khỏi lớp lúc"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người rút khỏi lớp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # The learner as counted when the class's quarter was approved (group, ethnic minority): the figures of an
    # approved quarter read these, so editing the learner's current record does not move them. Empty while the
    # quarter is open: the learner's current record counts (COUNTED_GROUP, counted_minority_q).
    frozen_group = models.CharField(
        _("đối tượng khi phê duyệt"), max_length=16, choices=Learner.Group.choices, null=True, blank=True
    )
    frozen_minority = models.BooleanField(_("dân tộc thiểu số khi phê duyệt"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lượt học viên")
        verbose_name_plural = _("lượt học viên")
        ordering = ["course", "learner__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "learner"], name="enrolment_one_per_learner_per_class"),
        ]

    def __str__(self):
        return f"{self.learner} - {self.course.code}"


class ImportBatch(models.Model):
    """An uploaded workbook, kept with who sent it and what it did (nothing is written before confirmation)."""

    class Kind(models.TextChoices):
        CENTER = "center", _("Nhập toàn bộ lớp và học viên")
        ROSTER = "roster", _("Danh sách học viên của một lớp")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác nhận")
        APPLIED = "applied", _("Đã ghi")
        REJECTED = "rejected", _("Có lỗi, không ghi")

    center = models.ForeignKey(Unit, verbose_name=_("trung tâm"), on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(
        Course, verbose_name=_("lớp"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    filename = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(_("nội dung tệp"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    summary = models.JSONField(_("tóm tắt"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    applied_at = models.DateTimeField(_("ghi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập tệp Excel")
        verbose_name_plural = _("lần nhập tệp Excel")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"


class CompletionDecision(models.Model):
    """The director's decision recognising completion of a class under the 2025 rules (quyết định công nhận hoàn
    thành khóa học): recorded once per class, amendable with a reason (kept in its history). It covers the learners
    eligible who scored 5,0 or more when it was recorded or last amended (`enrolments`)."""

    course = models.OneToOneField(
        Course, verbose_name=_("lớp"), on_delete=models.PROTECT, related_name="completion_decision"
    )
    number = models.CharField(_("số quyết định"), max_length=50)
    signed_on = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=150)
    enrolments = models.ManyToManyField(
        Enrolment, verbose_name=_("học viên được công nhận"), related_name="completion_decisions", blank=True
    )
    amend_reason = models.TextField(_("lý do sửa"), blank=True)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    history = HistoricalRecords(m2m_fields=[enrolments])

    class Meta:
        verbose_name = _("quyết định công nhận hoàn thành khóa học")
        verbose_name_plural = _("quyết định công nhận hoàn thành khóa học")

    def __str__(self):
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"

    @property
    def certificates_due(self) -> datetime.date:
        """The last day its certificates may be issued (15 days after it is signed, by the class's rules)."""
        return self.course.rules.certificate_due(self.signed_on)


class CertificateRegister(models.Model):
    """A center's master register of certificates for one year (sổ gốc cấp giấy chứng nhận): sequential numbers,
    never reused; kept for ever (never deleted)."""

    center = models.ForeignKey(
        Unit, verbose_name=_("trung tâm"), on_delete=models.PROTECT, related_name="certificate_registers"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)
    opened_at = models.DateTimeField(_("mở sổ lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sổ gốc cấp giấy chứng nhận")
        verbose_name_plural = _("sổ gốc cấp giấy chứng nhận")
        ordering = ["center", "-year"]
        constraints = [models.UniqueConstraint(fields=["center", "year"], name="certificate_register_per_year")]

    def __str__(self):
        return f"{self.center} - {self.year}"


class Certificate(models.Model):
    """A certificate (giấy chứng nhận) issued once to a learner who completed a class under the 2025 rules,
    numbered in its center's register of the year of issue. What it prints (name, date of birth, grade) is kept as
    issued: a reprint for a printing error prints the same, under the same number (CertificateReprint)."""

    register = models.ForeignKey(
        CertificateRegister, verbose_name=_("sổ gốc"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.PositiveIntegerField(_("số vào sổ"))
    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("lượt học viên"), on_delete=models.PROTECT, related_name="certificate"
    )
    decision = models.ForeignKey(
        CompletionDecision, verbose_name=_("quyết định"), on_delete=models.PROTECT, related_name="certificates"
    )
    issued_on = models.DateField(_("ngày cấp"))
    # The short code printed under the QR code; the public verification page finds the certificate by it.
    code = models.CharField(_("mã xác minh"), max_length=16, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    grade = models.CharField(_("xếp loại"), max_length=16, choices=Enrolment.Result.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cấp"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoke_reason = models.TextField(_("lý do thu hồi"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "number"],
                name="certificate_number_once_per_register",
                violation_error_message=_("Số này đã được dùng trong sổ gốc."),
            ),
        ]

    def __str__(self):
        return f"{self.number_label} - {self.full_name}"

    @property
    def number_label(self) -> str:
        """ "12/2026": the number as printed, with the register's year."""
        return f"{self.number}/{self.register.year}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CertificateReprint(models.Model):
    """A certificate printed again for a printing error: same number, with the reason and who reprinted it."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("giấy chứng nhận"), on_delete=models.PROTECT, related_name="reprints"
    )
    reason = models.TextField(_("lý do in lại"))
    reprinted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người in lại"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    reprinted_at = models.DateTimeField(_("in lại lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần in lại giấy chứng nhận")
        verbose_name_plural = _("lần in lại giấy chứng nhận")
        ordering = ["-reprinted_at"]

    def __str__(self):
        return f"{self.certificate_id}: {self.reason[:50]}"
