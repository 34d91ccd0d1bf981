"""The one answer to "which units may this user see, and where may they write".

Every view, selector and export takes a `Scope` (resolved once per request by
`centers.middleware.ScopeMiddleware`) and filters through it; nothing else decides visibility. (The admin is
not scoped: only superusers may open it, see config/admin.py.)
Outside the scope is a 404 (so nobody learns what exists elsewhere); inside but not allowed is a 403.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .compiled import CompiledQuery, pk_value
from .lineage import predecessors_of
from .models import Staff, Unit


class Action(enum.Enum):
    VIEW = "view"
    ENTER_DATA = "enter_data"  # classes, rosters, results, lecturers, the center's report
    REVIEW = "review"  # approve, return, unlock center reports; write the province's briefing
    TRANSFER = "transfer"  # hand a learner's record from one of the province's centers to another center
    MANAGE_ACCOUNTS = "manage_accounts"


@dataclass(frozen=True)
class Scope:
    """What one user may see and do. `unit` is the user's own unit; `level` its role."""

    level: str | None  # a Staff.Role value, "admin" for a superuser without a unit, None for nobody
    unit: Unit | None = None
    _center_ids: frozenset = field(default=frozenset(), compare=False, repr=False)
    # Board staff whom their board marks as account managers (Staff.manages_accounts).
    manages_accounts: bool = field(default=False, compare=False)
    # A temporary password: every page but the password change sends the user there (centers.middleware).
    must_change_password: bool = field(default=False, compare=False)
    # The units merged into the user's unit in a reorganisation (centers/lineage.py): a board sees the provinces its
    # province took over and their centers' past; a center the centers that closed into it, and may finish their
    # open quarters up to the day they closed.
    predecessors: frozenset = field(default=frozenset(), compare=False, repr=False)

    # -- construction -----------------------------------------------------------------------------
    @classmethod
    def for_user(cls, user) -> Scope:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(level=None)
        took_over = getattr(user, "staff_took_over", None)
        if took_over is not None:  # loaded with the user (centers.auth.StaffBackend): no query
            staff = getattr(user, "staff", None)  # select_related: a user without a Staff row has it cached as none
        else:
            staff = (
                Staff.objects.select_related("unit", "unit__parent")
                .annotate(took_over=Exists(Unit.objects.filter(merged_into_id=OuterRef("unit_id"))))
                .filter(user=user)
                .first()
            )
            took_over = staff is not None and staff.took_over
        if staff is not None:
            return cls(
                level=staff.role,
                unit=staff.unit,
                manages_accounts=staff.manages_accounts,
                must_change_password=staff.must_change_password,
                predecessors=predecessors_of(staff.unit)
                if took_over and staff.role != Staff.Role.CENTRAL
                else frozenset(),
            )
        if user.is_superuser:
            return cls(level="admin")
        return cls(level=None)

    # -- levels -----------------------------------------------------------------------------------
    @property
    def is_center(self) -> bool:
        return self.level == Staff.Role.CENTER

    @property
    def sees_several_centers(self) -> bool:
        """The user's lists hold the records of more than one center, each named: a board's, central staff's, or
        those of a center that took over closed ones (their classes and lecturers stay theirs)."""
        return not self.is_center or bool(self.predecessors)

    @property
    def is_board(self) -> bool:
        return self.level == Staff.Role.BOARD

    @property
    def is_national(self) -> bool:
        return self.level in (Staff.Role.CENTRAL, "admin")

    @property
    def province(self) -> Unit | None:
        return self.unit.province if self.unit is not None else None

    # -- what may be seen -------------------------------------------------------------------------
    @property
    def own_ids(self) -> frozenset:
        """The user's unit and its predecessors."""
        return frozenset({self.unit.pk}) | self.predecessors if self.unit is not None else frozenset()

    def unit_filter(self, path: str = "") -> Q:
        """A Q that keeps rows whose unit at `path` is visible (path "" filters Unit itself)."""
        prefix = f"{path}__" if path else ""
        if self.is_national:
            return Q()
        if self.predecessors and (self.is_board or self.is_center):
            ids = sorted(self.own_ids)
            condition = Q(**{f"{prefix}pk__in": ids})
            return condition | Q(**{f"{prefix}parent_id__in": ids}) if self.is_board else condition
        if self.is_board:
            return Q(**{f"{prefix}pk": self.unit.pk}) | Q(**{f"{prefix}parent_id": self.unit.pk})
        if self.is_center:
            return Q(**{f"{prefix}pk": self.unit.pk})
        return Q(pk__in=[])

    def units(self) -> QuerySet[Unit]:
        """Every unit the user may see (their own unit and what lies below it)."""
        return Unit.objects.filter(self.unit_filter()).select_related("parent")

    def centers(self) -> QuerySet[Unit]:
        return self.units().filter(kind=Unit.Kind.CENTER)

    def provinces(self) -> QuerySet[Unit]:
        if self.is_national:
            return Unit.objects.provinces()
        if self.is_board:
            return Unit.objects.filter(pk__in=sorted(self.own_ids))
        return Unit.objects.none()

    def filter(self, queryset: QuerySet, path: str = "center", *, also: tuple[str, ...] = ()) -> QuerySet:
        """Keep only the rows whose unit (at `path`, e.g. "center" or "course__center") is visible, or, for the
        paths in `also` (which may cross many rows: "enrolments__course__center"), any unit there is visible."""
        if self.level is None:
            return queryset.none()
        condition = self.unit_filter(path)
        for other in also:  # a subquery, so that a row reached through several visible units comes once
            condition |= Q(pk__in=queryset.model._default_manager.filter(self.unit_filter(other)).values("pk"))
        return queryset.filter(condition)

    def can_see(self, unit: Unit) -> bool:
        if self.level is None or unit is None:
            return False
        if self.is_national:
            return True
        ids = self.own_ids
        if self.is_board:
            return unit.pk in ids or unit.parent_id in ids
        return unit.pk in ids

    # -- what may be done -------------------------------------------------------------------------
    def can(self, action: Action, unit: Unit, *, day: datetime.date | None = None) -> bool:
        """Whether the user may do `action` on `unit`; for a dated write (a class's start, a quarter's first day)
        `day`: nothing is entered in a unit for a day after it closed, and a successor center finishes a closed
        center's quarters up to the day it closed."""
        if action is Action.MANAGE_ACCOUNTS:
            return self.can_manage_accounts(unit)
        if not self.can_see(unit):
            return False
        if action is Action.VIEW:
            return True
        if action is Action.ENTER_DATA:
            if day is not None and closed_on(unit, day):
                return False
            return self.is_center and unit.pk in self.own_ids
        ids = self.own_ids
        if action is Action.REVIEW:
            return self.is_board and (unit.pk in ids or unit.parent_id in ids)
        if action is Action.TRANSFER:  # of the records a center holds: the province's board, never the center itself
            return self.is_board and unit.parent_id in ids
        return False

    # -- accounts ---------------------------------------------------------------------------------
    # Whose accounts may be seen: those of the units the user sees, and for a board also those of the centers its
    # province took over in a reorganisation (a center of elsewhere merged into one of its centers). Who may manage
    # them: central staff the provincial boards' accounts; a board's account managers their board's and its
    # centers'. Center staff see who has access to their center and manage nothing.
    def account_unit_filter(self, path: str = "") -> Q:
        prefix = f"{path}__" if path else ""
        if self.is_board:
            return self.unit_filter(path) | Q(**{f"{prefix}merged_into__parent_id": self.unit.pk})
        return self.unit_filter(path)

    def account_units(self) -> QuerySet[Unit]:
        return Unit.objects.filter(self.account_unit_filter()).select_related("parent")

    def can_see_accounts_of(self, unit: Unit) -> bool:
        if self.can_see(unit):
            return True
        return self.is_board and unit.merged_into_id is not None and unit.merged_into.parent_id == self.unit.pk

    def can_manage_accounts(self, unit: Unit) -> bool:
        if unit is None or not self.can_see_accounts_of(unit):
            return False
        if self.level == Staff.Role.CENTRAL:
            return unit.kind == Unit.Kind.PROVINCE
        if self.is_board and self.manages_accounts:
            return unit.kind in (Unit.Kind.PROVINCE, Unit.Kind.CENTER)  # its own board, its centers (seen above)
        return False

    def manageable_units(self) -> QuerySet[Unit]:
        """The units a manager may put an account in: central staff the provinces, a board's managers their board
        and its active centers."""
        if self.level == Staff.Role.CENTRAL:
            return Unit.objects.provinces().filter(active_to__isnull=True)
        if self.is_board and self.manages_accounts:
            return Unit.objects.filter(
                Q(pk=self.unit.pk) | Q(parent_id=self.unit.pk, kind=Unit.Kind.CENTER, active_to__isnull=True)
            )
        return Unit.objects.none()

    def require_accounts(self, unit: Unit, *, manage: bool) -> None:
        """For an account's unit: 404 when its accounts are outside the scope, 403 when seen but not managed."""
        if not self.can_see_accounts_of(unit):
            raise Http404(_("Không tìm thấy tài khoản hoặc tài khoản không thuộc phạm vi của đồng chí."))
        if manage and not self.can_manage_accounts(unit):
            raise PermissionDenied(_("Tài khoản của đồng chí không có quyền quản lý tài khoản này."))

    def require(self, action: Action, unit: Unit, *, day: datetime.date | None = None) -> None:
        """404 outside the scope, 403 inside it when the action is not the user's (or not on that day)."""
        if not self.can_see(unit):
            raise Http404(_("Không tìm thấy đơn vị."))
        if self.can(action, unit):
            if not self.can(action, unit, day=day):
                raise PermissionDenied(closed_message(unit))
            return
        raise PermissionDenied(_("Tài khoản của đồng chí không có quyền thực hiện thao tác này."))

    def require_national(self) -> None:
        """A national page (a reorganisation of the chain): central staff only, a 404 for everyone else."""
        if not self.is_national:
            raise Http404(_("Không tìm thấy trang."))

    def get_object(
        self, queryset: QuerySet, *, path: str = "center", also: tuple[str, ...] = (), action=Action.VIEW, **lookup
    ):
        """Fetch one object through the scope: 404 when it is outside, 403 when the action is not allowed (on the
        unit at `path`; `also` widens what may be seen, see `filter`)."""
        obj = self.filter(queryset, path, also=also).filter(**lookup).first()
        if obj is None:
            raise Http404(_("Không tìm thấy dữ liệu hoặc dữ liệu không thuộc phạm vi của đồng chí."))
        if action is not Action.VIEW:
            self.require(action, _unit_at(obj, path))
        return obj

    def get_compiled(self, query: CompiledQuery, pk, *, path: str = "center", action=Action.VIEW):
        """`get_object` by primary key through a lookup compiled once (centers/compiled.py; `query.rows(pk)`, the
        object with its unit at `path` selected): read by its key alone, kept when the scope sees that unit
        (`can_see` keeps what `unit_filter` keeps). The same 404 and 403."""
        value = pk_value(query.model, pk)
        found = query.rows(value) if value is not None and self.level is not None else []
        unit = _unit_at(found[0], path) if found else None
        if unit is None or not self.can_see(unit):
            raise Http404(_("Không tìm thấy dữ liệu hoặc dữ liệu không thuộc phạm vi của đồng chí."))
        if action is not Action.VIEW:
            self.require(action, unit)
        return found[0]

    def get_unit(self, code: str, *, action: Action = Action.VIEW, day: datetime.date | None = None) -> Unit:
        """A unit by its public key (see `unit_key`), through the scope (`day`: see `can`): the first of the units
        with that key that the scope sees, as `unit_from_key(code, self.units())` finds it. The units are read by
        key alone in a query compiled once (composing the scoped one cost more than running it, on every page)
        and kept by `can_see`, which keeps what `unit_filter` keeps."""
        if self.level is None:  # `units()` is empty: no query
            raise Http404(_("Không tìm thấy đơn vị."))
        unit = next((unit for unit in units_by_key(code) if self.can_see(unit)), None)
        if unit is None:
            raise Http404(_("Không tìm thấy đơn vị."))
        self.require(action, unit, day=day)
        return unit


def _unit_at(obj, path: str):
    """The unit an object belongs to, at `path` ("center", "course__center"; "" for a unit itself)."""
    for part in path.split("__") if path else []:
        obj = getattr(obj, part)
    return obj


def closed_on(unit: Unit, day) -> str | None:
    """Why nothing is entered in `unit` for `day` (it had closed by then), or None: the one rule of dated writes."""
    if unit.active_to is not None and day > unit.active_to:
        return closed_message(unit)
    return None


def closed_message(unit: Unit) -> str:
    """Why nothing is entered in a closed unit for a day after it closed."""
    return _("%(unit)s đã ngừng hoạt động từ %(day)s: không nhập số liệu từ ngày đó trở đi.") % {
        "unit": unit.name,
        "day": f"{unit.active_to + datetime.timedelta(days=1):%d/%m/%Y}" if unit.active_to else "?",
    }


def unit_key(unit: Unit) -> str:
    """A stable public key for URLs and commands: "VN", "10" (province), "10-080" (center in province 10)."""
    if unit.kind == Unit.Kind.CENTRAL or unit.parent_id is None:
        return unit.code
    if unit.kind == Unit.Kind.PROVINCE:
        return unit.code
    return f"{unit.parent.code}-{unit.code}"


def _split_key(key: str) -> tuple[str | None, str]:
    """A public key's parts: (province code, center code) for a center, (None, code) for a province or the nation."""
    key = (key or "").strip()
    if "-" in key:
        parent_code, code = key.split("-", 1)
        return parent_code, code
    return None, key


def _with_key(queryset: QuerySet[Unit], parent_code: str | None, code: str) -> QuerySet[Unit]:
    """The units of `queryset` whose public key has these parts (`_split_key`)."""
    if parent_code is not None:
        return queryset.filter(parent__code=parent_code, code=code).exclude(kind=Unit.Kind.PROVINCE)
    return queryset.filter(code=code, kind__in=[Unit.Kind.CENTRAL, Unit.Kind.PROVINCE])


def unit_from_key(key: str, queryset: QuerySet[Unit] | None = None) -> Unit | None:
    queryset = Unit.objects.all() if queryset is None else queryset
    return _with_key(queryset, *_split_key(key)).first()


# `unit_from_key`'s two lookups with the parent (as `Scope.units` selects it), in the units' order, compiled once.
_BY_PARENT_AND_CODE = CompiledQuery(
    Unit,
    lambda parent_code, code: _with_key(Unit.objects.select_related("parent"), parent_code, code),
    samples=(("parent-a", "code-a"), ("parent-b", "code-b")),
)
_TOP_BY_CODE = CompiledQuery(
    Unit,
    lambda code: _with_key(Unit.objects.select_related("parent"), None, code),
    samples=(("code-a",), ("code-b",)),
)


def units_by_key(key: str) -> list[Unit]:
    """Every unit whose public key is `key` (`unit_from_key` without a queryset, all of them), in the units' order,
    each with its parent."""
    parent_code, code = _split_key(key)
    return _TOP_BY_CODE.rows(code) if parent_code is None else _BY_PARENT_AND_CODE.rows(parent_code, code)


def home_unit(scope) -> Unit | None:
    """The unit whose figures a user's home page shows: their center, their province, or the nation."""
    if scope.unit is not None:
        return scope.unit
    if scope.is_national:
        return Unit.objects.get(kind=Unit.Kind.CENTRAL, parent=None)
    return None
