"""The organisation chain: central → provincial board → district political center (+ the provincial school).

Units are never deleted or re-pointed: a rename records the old name with the dates it was used, a merge
retires the unit and names its successor. Classes keep pointing at the unit that ran them, so the figures
of a past period always belong to the unit as it was then.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .people import person_name


class UnitQuerySet(models.QuerySet):
    def centers(self):
        return self.filter(kind=Unit.Kind.CENTER)

    def provinces(self):
        return self.filter(kind=Unit.Kind.PROVINCE)

    def active_between(self, start: datetime.date, end: datetime.date):
        """Units active on at least one day of [start, end]."""
        return self.filter(active_from__lte=end).filter(Q(active_to__isnull=True) | Q(active_to__gte=start))


class Unit(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Ban Tuyên giáo Trung ương")
        PROVINCE = "province", _("Ban Tuyên giáo tỉnh ủy, thành ủy")
        CENTER = "center", _("Trung tâm chính trị cấp huyện")
        SCHOOL = "school", _("Trường Chính trị tỉnh")

    class AreaKind(models.TextChoices):
        NATION = "nation", _("toàn quốc")
        PROVINCE = "tinh", _("tỉnh")
        CITY = "thanh_pho_tw", _("thành phố trực thuộc Trung ương")
        RURAL_DISTRICT = "huyen", _("huyện")
        URBAN_DISTRICT = "quan", _("quận")
        TOWN = "thi_xa", _("thị xã")
        PROVINCIAL_CITY = "thanh_pho", _("thành phố thuộc tỉnh")
        MUNICIPAL_CITY = "thanh_pho_thuoc_tp", _("thành phố thuộc thành phố trực thuộc Trung ương")

    kind = models.CharField(_("loại đơn vị"), max_length=16, choices=Kind.choices, db_index=True)
    code = models.CharField(
        _("mã đơn vị"),
        max_length=16,
        help_text=_("Mã đơn vị hành chính: 2 chữ số cho tỉnh, 3 chữ số cho huyện (ví dụ Lào Cai 10, TP Lào Cai 080)."),
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
        ]

    def __str__(self):
        return self.name

    # Which kind of parent each kind hangs under.
    PARENT_KIND = {
        Kind.CENTRAL: None,
        Kind.PROVINCE: Kind.CENTRAL,
        Kind.CENTER: Kind.PROVINCE,
        Kind.SCHOOL: Kind.PROVINCE,
    }

    def clean(self):
        expected = self.PARENT_KIND.get(self.kind)
        if expected is None and self.parent_id:
            raise ValidationError({"parent": _("Ban Tuyên giáo Trung ương không có đơn vị cấp trên.")})
        if expected is not None and (self.parent is None or self.parent.kind != expected):
            raise ValidationError(
                {"parent": _("Đơn vị cấp trên phải là: %(kind)s.") % {"kind": Unit.Kind(expected).label}}
            )
        if self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": _("Ngày kết thúc hoạt động không được trước ngày bắt đầu.")})

    @property
    def province(self):
        """The province a unit belongs to (itself for a province, None for the central level)."""
        if self.kind == self.Kind.PROVINCE:
            return self
        if self.kind in (self.Kind.CENTER, self.Kind.SCHOOL):
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


class Staff(models.Model):
    """A user's place in the chain. The role follows from the kind of unit, so it cannot disagree with it."""

    class Role(models.TextChoices):
        CENTER = "center", _("Cán bộ trung tâm chính trị")
        BOARD = "board", _("Cán bộ Ban Tuyên giáo tỉnh")
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

    class Meta:
        verbose_name = _("cán bộ sử dụng")
        verbose_name_plural = _("cán bộ sử dụng")

    def __str__(self):
        return f"{person_name(self.user)} ({self.unit})"

    def clean(self):
        if self.unit_id and self.unit.kind not in self.ROLE_BY_KIND:
            raise ValidationError(
                {"unit": _("Tài khoản chỉ gắn với trung tâm chính trị, Ban Tuyên giáo tỉnh hoặc Trung ương.")}
            )

    @property
    def role(self) -> "Staff.Role":
        return self.ROLE_BY_KIND[self.unit.kind]
