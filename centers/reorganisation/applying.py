"""Applying a plan: everything in one transaction, or nothing.

Nothing users entered is deleted or re-pointed: a closed unit keeps its classes and reports, it only gets its last
day (`active_to`) and its successor (`merged_into`); a rename keeps the old name as a dated UnitName. Units are
written one by one through `save()`, so the figures' invalidation runs as for any change of the chain
(reports/signals.py raises the FiguresEpoch on each Unit and UnitName saved). Accounts move through
centers/accounts.py.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import accounts
from ..models import ReorganisationPlan, ServedCommune, Unit, UnitName
from .preview import already_applied_message, preview
from .reading import Closure, Merger, NewUnit, Plan, Rename, Served, read_plan


def _unit(target: Unit | NewUnit | None) -> Unit | None:
    return target.created if isinstance(target, NewUnit) else target


def _rename(change: Rename, by) -> None:
    unit = change.unit
    previous = max((old.valid_to for old in unit.former_names.all()), default=None)
    start = previous + (change.day - change.last_day) if previous else unit.active_from
    UnitName.objects.create(unit=unit, name=unit.name, valid_from=start, valid_to=change.last_day, changed_by=by)
    unit.name = change.name
    unit.save(update_fields=["name"])


def _close(unit: Unit, successor: Unit | None, change, by, plan_name: str) -> None:
    unit.active_to = change.last_day
    unit.merged_into = successor
    unit.save(update_fields=["active_to", "merged_into"])
    if successor is not None:
        accounts.move_to_successor(by, unit, successor, day=change.day, detail=plan_name)


def _create(change: NewUnit) -> Unit:
    unit = Unit(
        kind=change.kind,
        center_level=change.center_level,
        code=change.code,
        name=change.name,
        area_name=change.area_name,
        area_kind=change.area_kind,
        parent=change.province,
        active_from=change.day,
        email=change.email,
        party_committee=change.party_committee,
    )
    unit.full_clean(validate_unique=False, validate_constraints=False)
    unit.save()
    return unit


def apply_plan(plan: Plan | bytes, *, by=None, file_name: str = "") -> ReorganisationPlan:
    """Check the plan, then write all of it in one transaction. Raises ValidationError (every problem, in
    Vietnamese) and writes nothing when the plan has errors, when the same file was applied already, or when every
    row is already in effect."""
    if not isinstance(plan, Plan):
        plan = read_plan(plan)
    shown = preview(plan)
    if shown.errors:
        raise ValidationError(shown.errors)
    if shown.already_applied is not None:
        raise ValidationError(already_applied_message(shown.already_applied))
    if shown.nothing_to_do:
        raise ValidationError(_("Mọi thay đổi của phương án đã có hiệu lực: không có gì để áp dụng."))
    try:
        return _write(plan, shown, by=by, file_name=file_name)
    except IntegrityError as error:  # the same file confirmed twice at once: the second finds the first
        raise ValidationError(_("Phương án này vừa được áp dụng (cùng tệp): áp dụng lại không thay đổi gì.")) from error


def _write(plan: Plan, shown, *, by, file_name: str) -> ReorganisationPlan:
    touched: set[int] = set()
    with transaction.atomic():
        for change in plan.pending:
            if isinstance(change, Rename):
                _rename(change, by)
                touched.add(change.unit.pk)
            elif isinstance(change, Merger):
                _close(change.province, change.successor, change, by, plan.name)
                touched |= {change.province.pk, change.successor.pk}
            elif isinstance(change, NewUnit):
                change.created = _create(change)
                touched.add(change.created.pk)
            elif isinstance(change, Served):
                center = _unit(change.center)
                ServedCommune.objects.create(
                    center=center, kind=change.kind, name=change.name, code=change.code, active_from=change.day
                )
                touched.add(center.pk)
            elif isinstance(change, Closure):
                unit, successor = _unit(change.unit), _unit(change.successor)
                _close(unit, successor, change, by, plan.name)
                touched |= {unit.pk} | ({successor.pk} if successor is not None else set())
        record = ReorganisationPlan.objects.create(
            name=plan.name,
            basis=plan.basis,
            effective_date=plan.day or min(change.day for change in plan.changes),
            file_name=file_name[:255],
            content=plan.content,
            digest=plan.digest,
            applied_by=by,
            applied_at=timezone.now(),
            summary=shown.summary(),
        )
        record.units.set(touched)
    return record
