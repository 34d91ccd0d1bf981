"""What a plan will do, in words: shown on the upload page, printed by `manage.py reorganise`, and kept with the
applied plan as its summary."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import ReorganisationPlan, ServedCommune, Staff, Unit
from ..people import person_name
from .impact import open_work
from .reading import Closure, Merger, NewUnit, Plan, Served, unit_label

SECTIONS = [
    ("mergers", _("Sáp nhập tỉnh")),
    ("renames", _("Đổi tên")),
    ("opens", _("Đơn vị mới")),
    ("communes", _("Xã, phường, đặc khu được phục vụ")),
    ("closes", _("Đơn vị ngừng hoạt động")),
    ("accounts", _("Tài khoản chuyển sang đơn vị kế thừa")),
    ("open_work", _("Công việc dở dang của các quý chưa hoàn thành")),
    ("in_effect", _("Đã có hiệu lực từ trước (bỏ qua)")),
]


@dataclass
class Preview:
    name: str = ""
    basis: str = ""
    day: object = None
    lines: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    already_applied: ReorganisationPlan | None = None

    @property
    def sections(self) -> list[tuple[str, list[str]]]:
        return [(str(title), self.lines[key]) for key, title in SECTIONS if self.lines.get(key)]

    @property
    def nothing_to_do(self) -> bool:
        return not any(self.lines.get(key) for key, _title in SECTIONS if key != "in_effect")

    @property
    def applicable(self) -> bool:
        return not self.errors and self.already_applied is None and not self.nothing_to_do

    def summary(self) -> dict[str, list[str]]:
        return {key: list(self.lines[key]) for key, _title in SECTIONS if self.lines.get(key)}

    def text(self) -> str:
        out = [_("Phương án: %(name)s") % {"name": self.name}]
        if self.basis:
            out.append(_("Căn cứ: %(basis)s") % {"basis": self.basis})
        if self.day:
            out.append(_("Ngày hiệu lực: %(day)s") % {"day": f"{self.day:%d/%m/%Y}"})
        if self.errors:
            out.append(_("Lỗi (%(n)s), phương án chưa được áp dụng:") % {"n": len(self.errors)})
            out.extend(f"  - {error}" for error in self.errors)
        if self.already_applied is not None:
            out.append(already_applied_message(self.already_applied))
        for title, lines in self.sections:
            out.append(f"{title} ({len(lines)}):")
            out.extend(f"  - {line}" for line in lines)
        if not self.errors and self.already_applied is None and self.nothing_to_do:
            out.append(_("Mọi thay đổi của phương án đã có hiệu lực: không có gì để áp dụng."))
        return "\n".join(out)


def already_applied_message(plan: ReorganisationPlan) -> str:
    return _("Phương án này (cùng tệp) đã được áp dụng lúc %(at)s bởi %(by)s: áp dụng lại không thay đổi gì.") % {
        "at": f"{plan.applied_at:%H:%M %d/%m/%Y}",
        "by": person_name(plan.applied_by) if plan.applied_by else _("hệ thống"),
    }


def _d(day) -> str:
    return f"{day:%d/%m/%Y}"


def _closing(plan: Plan) -> list[tuple[Unit, Unit | NewUnit | None, object]]:
    """(existing unit, successor, last day) of every pending closure and merger."""
    found = []
    for change in plan.pending:
        if isinstance(change, Merger):
            found.append((change.province, change.successor, change.last_day))
        elif isinstance(change, Closure) and isinstance(change.unit, Unit):
            found.append((change.unit, change.successor, change.last_day))
    return found


def preview(plan: Plan) -> Preview:
    """What the plan closes, opens, renames and merges, the accounts it moves (by name), the communes served and
    the open work of the closing units (the reports and drafts of their unfinished quarters)."""
    shown = Preview(name=plan.name, basis=plan.basis, day=plan.day, errors=plan.error_messages())
    shown.already_applied = ReorganisationPlan.objects.filter(digest=plan.digest).select_related("applied_by").first()
    if shown.errors:
        return shown
    lines = shown.lines
    kinds = dict(ServedCommune.Kind.choices)
    for change in plan.changes:
        where = _("trang “%(sheet)s” dòng %(row)s") % {"sheet": change.sheet, "row": change.row}
        if change.in_effect:
            lines["in_effect"].append(where)
            continue
        if isinstance(change, Merger):
            lines["mergers"].append(
                _("%(a)s sáp nhập vào %(b)s từ %(day)s (%(a)s ngừng hoạt động sau ngày %(last)s)")
                % {
                    "a": change.province.area_name,
                    "b": change.successor.area_name,
                    "day": _d(change.day),
                    "last": _d(change.last_day),
                }
            )
        elif isinstance(change, NewUnit):
            lines["opens"].append(
                _("%(name)s (mã %(code)s, thuộc %(province)s) hoạt động từ %(day)s")
                % {
                    "name": change.name,
                    "code": change.code,
                    "province": change.province.area_name,
                    "day": _d(change.day),
                }
            )
        elif isinstance(change, Closure):
            successor = (
                _(", kế thừa: %(unit)s") % {"unit": unit_label(change.successor)}
                if change.successor is not None
                else ""
            )
            lines["closes"].append(
                _("%(unit)s ngừng hoạt động sau ngày %(last)s%(successor)s")
                % {"unit": unit_label(change.unit), "last": _d(change.last_day), "successor": successor}
            )
        elif isinstance(change, Served):
            lines["communes"].append(
                _("%(center)s phục vụ %(kind)s %(name)s (mã %(code)s) từ %(day)s")
                % {
                    "center": unit_label(change.center),
                    "kind": kinds[change.kind],
                    "name": change.name,
                    "code": change.code,
                    "day": _d(change.day),
                }
            )
        else:  # a rename
            lines["renames"].append(
                _("“%(old)s” → “%(new)s” từ %(day)s")
                % {"old": change.unit.name, "new": change.name, "day": _d(change.day)}
            )
    closing = _closing(plan)
    movable = {unit.pk: (unit, successor) for unit, successor, _last in closing if successor is not None}
    staff = Staff.objects.filter(unit_id__in=list(movable)).select_related("user").order_by("unit_id", "user__username")
    for person in staff:
        unit, successor = movable[person.unit_id]
        if successor.kind in Staff.ROLE_BY_KIND:
            lines["accounts"].append(
                _("%(name)s (%(username)s): %(unit)s → %(successor)s")
                % {
                    "name": person_name(person.user),
                    "username": person.user.username,
                    "unit": unit.name,
                    "successor": unit_label(successor),
                }
            )
    names = {unit.pk: (unit, successor) for unit, successor, _last in closing}
    for work in open_work({unit.pk: last for unit, _successor, last in closing}):
        unit, successor = names[work.unit_id]
        finisher = _("; %(unit)s hoàn thành") % {"unit": unit_label(successor)} if successor is not None else ""
        lines["open_work"].append(f"{unit.name} – {work.label}{finisher}")
    return shown
