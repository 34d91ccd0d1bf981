"""The program catalogue, edited by the central level: programs in versions (never deleted: a program ends on a
date, `valid_to`) and the mapping between versions (never deleted: retired with a reason).

The writes of courses/services.py's kind for the catalogue, kept in their own module: central staff only (a 403 for
everyone else), everything validated before anything is written, one transaction each.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.scoping import Scope

from .history import change_note
from .models import Course, Program, ProgramMapping
from .text import dmy

PROGRAM_FIELDS = ("name", "briefing_phrase", "order", "group", "valid_from", "valid_to")


def require_central(scope: Scope) -> None:
    """The catalogue is the central level's: everyone else may read the programs elsewhere, not edit them here."""
    if not scope.is_national:
        raise PermissionDenied(_("Chỉ cán bộ cấp Trung ương được sửa danh mục chương trình bồi dưỡng."))


# -- reads ----------------------------------------------------------------------------------------------------------
def programs_by_version() -> list[tuple[datetime.date, list[Program]]]:
    """Every program with its number of classes and first/last class start, grouped by the day its version starts
    (newest first). One query."""
    programs = Program.objects.annotate(
        n_courses=Count("courses"),
        first_course=Min("courses__start_date"),
        last_course=Max("courses__start_date"),
    ).order_by("-valid_from", "order", "code")
    versions: dict[datetime.date, list[Program]] = {}
    for program in programs:
        versions.setdefault(program.valid_from, []).append(program)
    return list(versions.items())


def mappings() -> list[ProgramMapping]:
    """Every pair, those in use first. One query."""
    return list(
        ProgramMapping.objects.select_related("earlier", "later").order_by(
            F("retired_at").desc(nulls_first=True), "earlier__order", "later__order"
        )
    )


def unmapped() -> list[Program]:
    """The programs of an earlier version that ended and continue as nothing: the comparison with a year earlier
    says so for them."""
    live = ProgramMapping.objects.filter(earlier=OuterRef("pk"), retired_at__isnull=True)
    return list(Program.objects.filter(valid_to__isnull=False).exclude(Exists(live)).order_by("order", "code"))


# -- programs -------------------------------------------------------------------------------------------------------
def _stranded(program: Program) -> ValidationError | None:
    """The refusal when `program`'s dates (as set, not yet saved) leave some of its classes starting outside
    them, else None: on the date that strands them ("valid_from" when a class starts before it)."""
    if program.pk is None:
        return None
    outside = Q(start_date__lt=program.valid_from)
    if program.valid_to is not None:
        outside |= Q(start_date__gt=program.valid_to)
    classes = Course.objects.filter(program=program).filter(outside)
    found = classes.aggregate(n=Count("pk"), first=Min("start_date"), last=Max("start_date"))
    if not found["n"]:
        return None
    too_early = found["first"] < program.valid_from
    example = classes.order_by("start_date" if too_early else "-start_date").first()
    advice = (
        _("Hãy để chương trình áp dụng từ ngày bắt đầu của lớp đầu tiên.")
        if too_early
        else _("Hãy để chương trình áp dụng đến hết ngày bắt đầu của lớp cuối cùng.")
    )
    message = _(
        "Không thể đặt thời gian áp dụng %(from)s – %(to)s: %(n)s lớp học chương trình này bắt đầu ngoài khoảng "
        "đó (ví dụ lớp %(code)s bắt đầu ngày %(day)s). %(advice)s"
    ) % {
        "advice": advice,
        "from": dmy(program.valid_from),
        "to": dmy(program.valid_to) or _("nay"),
        "n": found["n"],
        "code": example.code,
        "day": dmy(example.start_date),
    }
    return ValidationError({"valid_from" if too_early else "valid_to": message})


def _check_revisions(program: Program, *, closing: Program | None = None) -> None:
    """Two revisions of one code never overlap in time (`closing`: the revision about to end the day before)."""
    others = Program.objects.filter(code=program.code).exclude(pk=program.pk)
    if closing is not None:
        others = others.exclude(pk=closing.pk)
    end = program.valid_to or datetime.date.max
    for other in others:
        other_end = other.valid_to or datetime.date.max
        if other.valid_from <= end and program.valid_from <= other_end:
            raise ValidationError(
                {
                    "valid_from": _(
                        "Chương trình mã %(code)s đã có một phiên bản áp dụng từ %(from)s đến %(to)s: hai phiên "
                        "bản của một mã không được trùng thời gian."
                    )
                    % {"code": other.code, "from": dmy(other.valid_from), "to": dmy(other.valid_to) or _("nay")}
                }
            )


def _check_dates(program: Program) -> None:
    """The model's checks with the catalogue's words (the constraints themselves stay the backstop)."""
    program.full_clean(validate_constraints=False)
    if program.valid_to is not None and program.valid_to < program.valid_from:
        raise ValidationError(
            {
                "valid_to": _("Ngày hết áp dụng không được trước ngày bắt đầu áp dụng (%(day)s).")
                % {"day": dmy(program.valid_from)}
            }
        )


@transaction.atomic
def program_create(*, scope: Scope, code: str, **fields) -> Program:
    """A new program, or a new version of a program (the same code from a later day: the version in force then is
    closed the day before, if none of its classes starts after that)."""
    require_central(scope)
    code = (code or "").strip().upper()
    program = Program(code=code, **{k: v for k, v in fields.items() if k in PROGRAM_FIELDS})
    _check_dates(program)
    previous = None
    if program.valid_from:
        previous = (
            Program.objects.select_for_update()
            .filter(code=code, valid_from__lt=program.valid_from)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=program.valid_from))
            .first()
        )
        if previous is not None:
            previous.valid_to = program.valid_from - datetime.timedelta(days=1)
            refusal = _stranded(previous)
            if refusal is not None:
                raise ValidationError(
                    {
                        "valid_from": _(
                            "Phiên bản trước của chương trình %(code)s sẽ kết thúc ngày %(day)s, nhưng: %(why)s"
                        )
                        % {"code": code, "day": dmy(previous.valid_to), "why": " ".join(refusal.messages)}
                    }
                )
        _check_revisions(program, closing=previous)
    program.validate_constraints()
    if previous is not None:
        previous.save(update_fields=["valid_to"])
    program.save()
    return program


@transaction.atomic
def program_update(*, scope: Scope, program: Program, reason: str = "", **fields) -> Program:
    """Name, briefing phrase, order, group and dates. Dates that leave a class of the program outside them are
    refused."""
    require_central(scope)
    program = Program.objects.select_for_update().get(pk=program.pk)
    for name, value in fields.items():
        if name not in PROGRAM_FIELDS:
            raise TypeError(name)
        setattr(program, name, value)
    _check_dates(program)
    refusal = _stranded(program)
    if refusal is not None:
        raise refusal
    _check_revisions(program)
    program.validate_constraints()
    if reason:
        program._change_reason = change_note(reason)
    program.save()
    return program


@transaction.atomic
def program_close(*, scope: Scope, program: Program, valid_to: datetime.date | None) -> Program:
    """The program ends on `valid_to` (kept, never deleted; classes starting after it cannot choose it). Refused
    when a class of the program starts after that day. (The edit page can also take the end date away.)"""
    require_central(scope)
    if valid_to is None:
        raise ValidationError({"valid_to": _("Hãy nhập ngày chương trình hết áp dụng.")})
    return program_update(scope=scope, program=program, valid_to=valid_to)


# -- the mapping between versions -----------------------------------------------------------------------------------
@transaction.atomic
def mapping_add(*, scope: Scope, earlier: Program, later: Program, note: str = "") -> ProgramMapping:
    """A program of an earlier version continued as one of a later version. Refused: a program with itself, a
    "later" that does not start after the "earlier", a pair already in use."""
    require_central(scope)
    mapping = ProgramMapping(earlier=earlier, later=later, note=(note or "").strip())
    mapping.full_clean()
    mapping.save()
    return mapping


@transaction.atomic
def mapping_retire(*, scope: Scope, mapping: ProgramMapping, reason: str) -> ProgramMapping:
    """The pair no longer counts (kept, with the reason, in its history; never deleted)."""
    require_central(scope)
    reason = (reason or "").strip()
    mapping = ProgramMapping.objects.select_for_update().select_related("earlier", "later").get(pk=mapping.pk)
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do bỏ tương ứng này.")})
    if mapping.retired_at is not None:
        raise ValidationError(
            _("Tương ứng %(pair)s đã bỏ từ %(day)s.")
            % {"pair": str(mapping), "day": dmy(timezone.localtime(mapping.retired_at).date())}
        )
    mapping.retired_at = timezone.now()
    mapping._change_reason = change_note(reason)
    mapping.save(update_fields=["retired_at"])
    return mapping


def programs_for_course(day: datetime.date | None):
    """The programs a class starting on `day` may choose: those in force that day (all, while it has no date)."""
    programs = Program.objects.order_by("order", "code")
    return programs.in_force_on(day) if day else programs
