"""The organisation chain: central → provincial board → political center (+ the provincial school and the other
organisers of classes).

The chain changed in 2025 (../shared/domain.md, "Since 2025"): the boards merged with the mass-mobilisation boards
(their new names are dated UnitName rows, see `Unit.name_on`), and on 1/7/2025 the district political centers
ended with their districts; the commune-level centers (trung tâm chính trị xã, phường, đặc khu, Quy định
360-QĐ/TW) took over, each serving the communes, wards and special zones assigned to it (`ServedCommune`). Both
are `Kind.CENTER` (a center that reports); `Unit.center_level` tells them apart.

Units are never deleted or re-pointed: a rename records the old name with the dates it was used, a merge
retires the unit and names its successor. Classes keep pointing at the unit that ran them, so the figures
of a past period always belong to the unit as it was then.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import wording
from .people import fold, person_name


class DatedQuerySet(models.QuerySet):
    """Rows with `active_from` and an open or closed `active_to` (units, the communes a center serves)."""

    def active_between(self, start: datetime.date, end: datetime.date):
        """Active on at least one day of [start, end]."""
        return self.filter(active_from__lte=end).filter(Q(active_to__isnull=True) | Q(active_to__gte=start))


class UnitQuerySet(DatedQuerySet):
    def centers(self):
        """The centers that report, of both levels (district centers until 30/6/2025, commune-level ones after)."""
        return self.filter(kind=Unit.Kind.CENTER)

    def district_centers(self):
        return self.centers().filter(center_level=Unit.CenterLevel.DISTRICT)

    def commune_centers(self):
        return self.centers().filter(center_level=Unit.CenterLevel.COMMUNE)

    def provinces(self):
        return self.filter(kind=Unit.Kind.PROVINCE)


class Unit(models.Model):
    # The kinds of unit, whatever their names of the day (a unit's own name is `name_on`; the wording of a
    # period is centers/wording.py). Kind.CENTER is every center that reports, of either level (`center_level`).
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Ban Trung ương (Ban Tuyên giáo, từ 2025 Ban Tuyên giáo và Dân vận)")
        PROVINCE = "province", _("Ban của tỉnh ủy, thành ủy (Ban Tuyên giáo, từ 2025 Ban Tuyên giáo và Dân vận)")
        CENTER = "center", _("Trung tâm chính trị")
        SCHOOL = "school", _("Trường Chính trị tỉnh")
        ORGANISER = "organiser", _("Cấp ủy, cơ quan khác tổ chức lớp")

    class CenterLevel(models.TextChoices):
        DISTRICT = "district", _("Trung tâm chính trị cấp huyện")
        COMMUNE = "commune", _("Trung tâm chính trị xã, phường, đặc khu")

    class AreaKind(models.TextChoices):
        NATION = "nation", _("toàn quốc")
        PROVINCE = "tinh", _("tỉnh")
        CITY = "thanh_pho_tw", _("thành phố trực thuộc Trung ương")
        RURAL_DISTRICT = "huyen", _("huyện")
        URBAN_DISTRICT = "quan", _("quận")
        TOWN = "thi_xa", _("thị xã")
        PROVINCIAL_CITY = "thanh_pho", _("thành phố thuộc tỉnh")
        MUNICIPAL_CITY = "thanh_pho_thuoc_tp", _("thành phố thuộc thành phố trực thuộc Trung ương")
        COMMUNE = "xa", _("xã")
        WARD = "phuong", _("phường")
        SPECIAL_ZONE = "dac_khu", _("đặc khu")

    kind = models.CharField(_("loại đơn vị"), max_length=16, choices=Kind.choices, db_index=True)
    center_level = models.CharField(
        _("cấp trung tâm"),
        max_length=16,
        choices=CenterLevel.choices,
        blank=True,
        help_text=_("Chỉ với trung tâm chính trị: cấp huyện (đến 30/6/2025) hoặc xã, phường, đặc khu."),
    )
    code = models.CharField(
        _("mã đơn vị"),
        max_length=16,
        help_text=_(
            "Mã đơn vị hành chính: 2 chữ số cho tỉnh, 3 chữ số cho huyện, 5 chữ số cho xã, phường, đặc khu "
            "(ví dụ Lào Cai 10, TP Lào Cai 080)."
        ),
    )
    name = models.CharField(_("tên đơn vị"), max_length=255)
    area_name = models.CharField(
        _("địa bàn"), max_length=255, help_text=_("Tên địa bàn, ví dụ “thành phố Lào Cai”, “Lào Cai”.")
    )
    area_kind = models.CharField(_("loại địa bàn"), max_length=24, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    active_from = models.DateField(_("hoạt động từ ngày"), default=datetime.date(2000, 1, 1))
    active_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    party_committee = models.CharField(
        _("cấp ủy trực thuộc"),
        max_length=255,
        blank=True,
        help_text=_(
            "Với trung tâm chính trị xã, phường, đặc khu: đảng ủy nơi trung tâm đặt trụ sở, "
            "ví dụ “Đảng ủy phường Lê Chân”."
        ),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "code"], name="unit_code_unique_in_parent"),
            models.UniqueConstraint(fields=["code"], condition=Q(parent__isnull=True), name="unit_code_unique_at_top"),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="unit_active_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(kind="center", center_level__in=["district", "commune"])
                | (~Q(kind="center") & Q(center_level="")),
                name="unit_center_level_of_centers",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._default_level()
        super().save(*args, **kwargs)

    def _default_level(self):
        # A center entered without a level is a district center (every center before 2025 was one). The
        # constraint above holds the rule in the database (bulk_create skips this: give the level there).
        if self.kind == self.Kind.CENTER and not self.center_level:
            self.center_level = self.CenterLevel.DISTRICT

    # Which kind of parent each kind hangs under.
    PARENT_KIND = {
        Kind.CENTRAL: None,
        Kind.PROVINCE: Kind.CENTRAL,
        Kind.CENTER: Kind.PROVINCE,
        Kind.SCHOOL: Kind.PROVINCE,
        Kind.ORGANISER: Kind.PROVINCE,
    }

    def clean(self):
        self._default_level()
        expected = self.PARENT_KIND.get(self.kind)
        if expected is None and self.parent_id:
            raise ValidationError({"parent": _("Đơn vị cấp Trung ương không có đơn vị cấp trên.")})
        if expected is not None and (self.parent is None or self.parent.kind != expected):
            raise ValidationError(
                {"parent": _("Đơn vị cấp trên phải là: %(kind)s.") % {"kind": Unit.Kind(expected).label}}
            )
        if self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": _("Ngày kết thúc hoạt động không được trước ngày bắt đầu.")})
        if self.center_level and self.kind != self.Kind.CENTER:
            raise ValidationError({"center_level": _("Chỉ trung tâm chính trị mới có cấp trung tâm.")})

    @property
    def is_commune_center(self) -> bool:
        return self.kind == self.Kind.CENTER and self.center_level == self.CenterLevel.COMMUNE

    @property
    def province(self):
        """The province a unit belongs to (itself for a province, None for the central level)."""
        if self.kind == self.Kind.PROVINCE:
            return self
        if self.kind in (self.Kind.CENTER, self.Kind.SCHOOL, self.Kind.ORGANISER):
            return self.parent
        return None

    def is_active_on(self, day: datetime.date) -> bool:
        return self.is_active_between(day, day)

    def is_active_between(self, start: datetime.date, end: datetime.date) -> bool:
        """Active on at least one day of [start, end]: `UnitQuerySet.active_between` for one unit."""
        return self.active_from <= end and (self.active_to is None or self.active_to >= start)

    def name_on(self, day: datetime.date) -> str:
        """The name the unit had on a day: past periods show the unit as it was."""
        for old in self.former_names.all():
            if old.valid_from <= day <= old.valid_to:
                return old.name
        return self.name


class UnitName(models.Model):
    """A name a unit used to have, with the days it was used."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="former_names")
    name = models.CharField(_("tên cũ"), max_length=255)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"))
    changed_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("tên cũ của đơn vị")
        verbose_name_plural = _("tên cũ của đơn vị")
        ordering = ["unit", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="unitname_valid_to_after_from"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.valid_from:%d/%m/%Y} - {self.valid_to:%d/%m/%Y})"


class ServedCommune(models.Model):
    """A commune, ward or special zone a commune-level center serves, with its official code and the days it was
    served (Quy định 360-QĐ/TW: one center, several communes). Communes are merged and renamed too: a change
    ends the row with a date and opens a new one, never rewrites it."""

    class Kind(models.TextChoices):
        COMMUNE = "xa", _("xã")
        WARD = "phuong", _("phường")
        SPECIAL_ZONE = "dac_khu", _("đặc khu")

    center = models.ForeignKey(
        Unit,
        verbose_name=_("trung tâm chính trị"),
        on_delete=models.PROTECT,
        related_name="served_communes",
        limit_choices_to={"kind": Unit.Kind.CENTER, "center_level": Unit.CenterLevel.COMMUNE},
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=255, help_text=_("Tên không kèm loại, ví dụ “Lê Chân”."))
    code = models.CharField(_("mã đơn vị hành chính"), max_length=16, help_text=_("Mã 5 chữ số, ví dụ “11311”."))
    active_from = models.DateField(_("từ ngày"))
    active_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("xã, phường, đặc khu được phục vụ")
        verbose_name_plural = _("xã, phường, đặc khu được phục vụ")
        ordering = ["center", "active_from", "code"]
        constraints = [
            models.UniqueConstraint(fields=["center", "code", "active_from"], name="servedcommune_unique_start"),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="servedcommune_active_to_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    def clean(self):
        if self.center_id and not self.center.is_commune_center:
            raise ValidationError({"center": _("Chỉ trung tâm chính trị xã, phường, đặc khu phục vụ các xã, phường.")})
        if self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": _("Ngày kết thúc không được trước ngày bắt đầu.")})

    def is_active_on(self, day: datetime.date) -> bool:
        return self.active_from <= day and (self.active_to is None or self.active_to >= day)


class Staff(models.Model):
    """A user's place in the chain. The role follows from the kind of unit, so it cannot disagree with it."""

    class Role(models.TextChoices):
        CENTER = "center", _("Cán bộ trung tâm chính trị")
        BOARD = "board", format_lazy(_("Cán bộ {board}"), board=wording.provincial_board_today())
        CENTRAL = "central", _("Cán bộ Trung ương")

    ROLE_BY_KIND = {
        Unit.Kind.CENTER: Role.CENTER,
        Unit.Kind.PROVINCE: Role.BOARD,
        Unit.Kind.CENTRAL: Role.CENTRAL,
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="staff"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="staff")
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    manages_accounts = models.BooleanField(
        _("quản lý tài khoản"),
        default=False,
        help_text=_("Cán bộ của Ban cấp tỉnh được giao quản lý tài khoản của Ban và các trung tâm trong tỉnh."),
    )
    # Name, username and email without diacritics, for the account list's search (kept by Staff.save).
    search_key = models.CharField(max_length=300, blank=True, editable=False)
    must_change_password = models.BooleanField(
        _("phải đổi mật khẩu"), default=False, help_text=_("Mật khẩu tạm thời: phải đổi ở lần đăng nhập tới.")
    )

    class Meta:
        verbose_name = _("cán bộ sử dụng")
        verbose_name_plural = _("cán bộ sử dụng")

    def __str__(self):
        return f"{person_name(self.user)} ({self.unit})"

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{person_name(self.user)} {self.user.username} {self.user.email}")[:300]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.unit_id and self.unit.kind not in self.ROLE_BY_KIND:
            raise ValidationError(
                {
                    "unit": _("Tài khoản chỉ gắn với trung tâm chính trị, %(board)s hoặc Trung ương.")
                    % {"board": wording.today().provincial_board}
                }
            )

    @property
    def role(self) -> "Staff.Role":
        return self.ROLE_BY_KIND[self.unit.kind]


class Assignment(models.Model):
    """Which unit an account served in, and when. A move to another unit ends the open assignment with a date and
    opens a new one; assignments are never deleted (Staff holds the current unit, this the history)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assignments")
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")
        ordering = ["user", "-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(ended_on__isnull=True), name="one_open_assignment"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ended_after_started",
            ),
        ]

    def __str__(self):
        return f"{self.unit} ({self.started_on:%d/%m/%Y} - {self.ended_on or ''})"


class AccountEvent(models.Model):
    """A change to an account, with who made it and when (centers/accounts.py writes them)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo tài khoản")
        UPDATED = "updated", _("Sửa thông tin")
        UNIT_CHANGED = "unit", _("Chuyển đơn vị")
        ROLE_CHANGED = "role", _("Đổi quyền quản lý tài khoản")
        DEACTIVATED = "deactivated", _("Khóa tài khoản")
        REACTIVATED = "reactivated", _("Mở lại tài khoản")
        LINK_SENT = "link_sent", _("Gửi liên kết đặt mật khẩu")
        TEMPORARY_PASSWORD = "temporary_password", _("Cấp mật khẩu tạm thời")
        PASSWORD_CHANGED = "password_changed", _("Đổi mật khẩu")
        PASSWORD_SET = "password_set", _("Đặt lại mật khẩu qua liên kết")
        LOCKOUT_LIFTED = "lockout_lifted", _("Gỡ khóa đăng nhập")
        SESSIONS_ENDED = "sessions_ended", _("Đăng xuất các phiên khác")
        TWO_FACTOR_ON = "2fa_on", _("Bật xác thực hai bước")
        TWO_FACTOR_OFF = "2fa_off", _("Tắt xác thực hai bước")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.PROTECT, related_name="account_events"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    kind = models.CharField(_("thao tác"), max_length=24, choices=Kind.choices)
    detail = models.CharField(_("chi tiết"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("nhật ký tài khoản")
        verbose_name_plural = _("nhật ký tài khoản")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.user}"


class SignIn(models.Model):
    """One sign-in: shown on the profile page, and the session it opened (to sign out the other sessions)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.PROTECT, related_name="sign_ins"
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=255, blank=True)
    session_key = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta:
        verbose_name = _("lần đăng nhập")
        verbose_name_plural = _("lần đăng nhập")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="signin_user_at")]

    def __str__(self):
        return f"{self.user} {self.at:%d/%m/%Y %H:%M}"


class ReorganisationPlan(models.Model):
    """A reorganisation plan as it was applied (centers/reorganisation/): the workbook itself, who applied it and
    when, and what it did. The same file is applied once (its digest is unique)."""

    name = models.CharField(_("tên phương án"), max_length=255)
    basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    effective_date = models.DateField(_("ngày hiệu lực"))
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    content = models.BinaryField(_("tệp phương án"))
    digest = models.CharField(_("mã băm của tệp"), max_length=64, unique=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người áp dụng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("áp dụng lúc"), default=timezone.now)
    # {"closes": [...], "opens": [...], ...}: the preview's lines of what it did (centers/reorganisation/preview.py)
    summary = models.JSONField(_("tóm tắt"), default=dict)
    units = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị liên quan"), related_name="reorganisation_plans", blank=True
    )

    class Meta:
        verbose_name = _("phương án sắp xếp tổ chức")
        verbose_name_plural = _("phương án sắp xếp tổ chức")
        ordering = ["-applied_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.effective_date:%d/%m/%Y})"
