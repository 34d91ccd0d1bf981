"""The only code that writes classes, learners, enrolments, results and lecturers.

Each function takes the user's scope, checks it (404 outside, 403 read-only), checks the period lock,
validates with `full_clean()` and writes in one transaction. Errors are `ValidationError`s with Vietnamese
messages that the forms show as they are.

Rows read for a version check are locked FOR NO KEY UPDATE: a concurrent write that only references the row
(an enrolment added to the class, which PostgreSQL checks with a key-share lock at commit) does not wait for
it, so it cannot wait in a circle with this write for the data stamps both raise (reports/figures/cache.py).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from centers import jobs, wording
from centers.models import Unit
from centers.scoping import Action, Scope, closed_message

from .history import REASON_LENGTH, change_note
from .importing import ImportPlan, plan_import
from .locking import lock_reason
from .marks import check_marks
from .messages import cccd_elsewhere
from .models import (
    Certificate,
    CertificateRegister,
    CertificateReprint,
    CompletionDecision,
    Course,
    CourseLecturer,
    Enrolment,
    ImportBatch,
    Learner,
    Lecturer,
    ethnic_minority_q,
)
from .signals import bulk_written
from .text import course_search_key, fold, name_key, normalise_cccd, vietnamese_sort_key
from .validators import VERSION_MISSING
from .workbook import read_workbook
from .workbook.reading import thousands


def _written(touched: set[tuple[int, datetime.date]]) -> None:
    """Tell the layers above (the reports' maintained aggregates) which (center id, class start date) pairs a bulk
    write touched, in this same transaction.

    Single-object saves reach reports/signals.py through the model signals; bulk_create and bulk_update send none."""
    bulk_written.send(sender=Course, touched=touched)


def _user(user):
    return user if user is not None and user.is_authenticated else None


class ConflictError(ValidationError):
    """Someone else saved the record since the user opened it; nothing was written."""


def ensure_unlocked(*, center: Unit, days: Iterable[datetime.date]) -> None:
    for day in {d for d in days if d is not None}:
        reason = lock_reason(center=center, day=day)
        if reason:
            raise ValidationError(reason, code="locked")


def _check_version(obj, expected: int | None) -> None:
    """Refuse a save based on an older version, saying what the other person changed; nothing is written.

    No version is refused too, never waved through: a form whose version field was removed would otherwise
    overwrite whatever was saved since it was opened. Commands and loaders pass the version they read."""
    if expected is None:
        raise ConflictError(VERSION_MISSING, code="conflict")
    if obj.version == expected:
        return
    from .history import changes_since

    changed = "; ".join(f"{label}: “{old}” → “{new}”" for label, old, new in changes_since(obj, expected)[:10])
    raise ConflictError(
        _(
            "“%(obj)s” vừa được người khác sửa (phiên bản %(now)s, đồng chí đang sửa phiên bản %(was)s). "
            "Không có gì bị ghi đè; hãy tải lại trang để xem thay đổi rồi sửa lại."
        )
        % {"obj": obj, "now": obj.version, "was": expected}
        + (" " + _("Đã thay đổi: %(c)s.") % {"c": changed} if changed else ""),
        code="conflict",
    )


def _check_lecturers(center: Unit, lecturers: Iterable[Lecturer]) -> list[Lecturer]:
    lecturers = list(lecturers)
    for lecturer in lecturers:
        if lecturer.center_id != center.pk:
            raise ValidationError({"lecturers": _("Chỉ chọn giảng viên của trung tâm.")})
    return lecturers


# -- classes ------------------------------------------------------------------------------------------
COURSE_FIELDS = (
    "program",
    "code",
    "title",
    "start_date",
    "end_date",
    "format",
    "location",
    "co_organised",
    "planned_size",
    "status",
    "periods",
    "homeroom",
    "academic_officer",
)


def _check_homeroom(course: Course, lecturers: list[Lecturer]) -> None:
    """The homeroom lecturer (chủ nhiệm) is one of the class's lecturers."""
    if course.homeroom_id is not None and course.homeroom_id not in {x.pk for x in lecturers}:
        raise ValidationError(
            {
                "homeroom": _(
                    "Giảng viên chủ nhiệm “%(name)s” phải là một trong các giảng viên của lớp; hãy chọn thêm "
                    "giảng viên này vào lớp hoặc chọn người khác."
                )
                % {"name": course.homeroom.full_name}
            }
        )


def _require_open_on(scope: Scope, center: Unit, day) -> None:
    """A class starts while its center is active: none after the day it closed (a field error on the start)."""
    if not scope.can(Action.ENTER_DATA, center, day=day):
        raise ValidationError({"start_date": closed_message(center)})


@transaction.atomic
def course_create(*, scope: Scope, center: Unit, user=None, lecturers=(), **fields) -> Course:
    scope.require(Action.ENTER_DATA, center)
    if fields.get("status") == Course.Status.CANCELLED:
        raise ValidationError({"status": _("Không tạo lớp ở trạng thái đã hủy.")})
    course = Course(center=center, created_by=user if user and user.is_authenticated else None, **fields)
    course.full_clean()
    _require_open_on(scope, center, course.start_date)
    ensure_unlocked(center=center, days=[course.start_date])
    lecturers = _check_lecturers(center, lecturers)
    _check_homeroom(course, lecturers)
    course.save()
    course.lecturers.set(lecturers)
    return course


@transaction.atomic
def course_update(*, scope: Scope, course: Course, version: int, lecturers=None, **fields) -> Course:
    course = Course.objects.select_for_update(no_key=True).get(pk=course.pk)
    scope.require(Action.ENTER_DATA, course.center)
    _check_version(course, version)
    if course.is_cancelled:
        raise ValidationError(_("Lớp đã hủy, không sửa được."))
    _history_baseline(course)
    if fields.get("status") == Course.Status.CANCELLED:
        raise ValidationError({"status": _("Dùng nút “Hủy lớp” để hủy lớp và ghi lý do.")})
    old_start = course.start_date
    for name, value in fields.items():
        if name not in COURSE_FIELDS:
            raise TypeError(name)
        setattr(course, name, value)
    course.full_clean()
    _require_open_on(scope, course.center, course.start_date)
    ensure_unlocked(center=course.center, days=[old_start, course.start_date])
    before = list(course.lecturers.all())
    if lecturers is not None:
        lecturers = _check_lecturers(course.center, lecturers)
        note = _lecturers_note(before, lecturers)
        if note:  # the lecturers are no field of the class: the history row says what changed in its reason
            course._change_reason = note
    _check_homeroom(course, before if lecturers is None else lecturers)
    course.version += 1  # the row is locked (select_for_update)
    course.save()
    if lecturers is not None:
        course.lecturers.set(lecturers)
    course.refresh_from_db()
    return course


def _lecturers_note(before: list[Lecturer], after: list[Lecturer]) -> str:
    """“Giảng viên: thêm A; bớt B”, or "" when the class keeps the same lecturers."""
    added = [x.full_name for x in after if x.pk not in {y.pk for y in before}]
    removed = [x.full_name for x in before if x.pk not in {y.pk for y in after}]
    parts = []
    if added:
        parts.append(_("thêm %(names)s") % {"names": ", ".join(added)})
    if removed:
        parts.append(_("bớt %(names)s") % {"names": ", ".join(removed)})
    return change_note(_("Giảng viên: %(changes)s") % {"changes": "; ".join(parts)}) if parts else ""


@transaction.atomic
def course_cancel(*, scope: Scope, course: Course, reason: str, version: int) -> Course:
    course = Course.objects.select_for_update(no_key=True).get(pk=course.pk)
    scope.require(Action.ENTER_DATA, course.center)
    _check_version(course, version)
    if course.is_cancelled:
        raise ValidationError(_("Lớp này đã được hủy trước đó."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Ghi lý do hủy lớp.")})
    ensure_unlocked(center=course.center, days=[course.start_date])
    course.status = Course.Status.CANCELLED
    course.cancel_reason = reason.strip()
    course.version += 1  # the row is locked (select_for_update)
    course.save(update_fields=["status", "cancel_reason", "version", "updated_at"])
    course.refresh_from_db()
    return course


# -- learners and rosters --------------------------------------------------------------------------
LEARNER_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "party_status",
    "group",
    "workplace",
    "national_id",
)


def learner_duplicates(*, center: Unit, full_name: str, date_of_birth, national_id=None):
    """Learners of the center who look like the same person (same CCCD, or same name and date of birth)."""
    same_person = Learner.objects.filter(center=center, name_key=name_key(full_name), date_of_birth=date_of_birth)
    if national_id:
        same_person = same_person | Learner.objects.filter(center=center, national_id=national_id)
    return same_person


def _cccd_taken(holder: Learner, center_id: int) -> str:
    """Why a CCCD cannot be used again: the center's own learner is found by search; another unit's is not named
    (its name stays with its own center), and a person who moved is handed over by the board holding the record."""
    if holder.center_id == center_id:
        return _(
            "Trung tâm đã có học viên “%(name)s” với số CCCD này: hãy tìm theo số CCCD và chọn học viên đó thay vì "
            "tạo mới."
        ) % {"name": holder.full_name}
    return cccd_elsewhere(holder.center, Unit.objects.filter(pk=center_id).values_list("parent_id", flat=True).first())


def _validate_learner(learner: Learner) -> None:
    errors = {}
    # The CCCD in its one stored form (full-width digits → 0-9, spaces out) before it is validated and looked up:
    # a full-width twin of a CCCD already held is the same CCCD (full_clean normalises too; this says it here).
    learner.national_id = normalise_cccd(learner.national_id)
    try:  # the CCCD's uniqueness below, in words that say what to do; the birth date's bounds in the validator
        learner.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    holder = (
        Learner.objects.filter(national_id=learner.national_id).exclude(pk=learner.pk).first()
        if learner.national_id
        else None
    )
    if holder is not None:
        errors.setdefault("national_id", []).append(_cccd_taken(holder, learner.center_id))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def learner_create(*, scope: Scope, center: Unit, allow_same_name: bool = False, **fields) -> Learner:
    scope.require(Action.ENTER_DATA, center)
    learner = Learner(center=center, **{k: v for k, v in fields.items() if k in LEARNER_FIELDS})
    _validate_learner(learner)  # normalises the CCCD first
    if (
        not allow_same_name
        and learner_duplicates(center=center, full_name=learner.full_name, date_of_birth=learner.date_of_birth).exists()
    ):
        raise ValidationError(
            _(
                "Trung tâm đã có học viên “%(name)s” sinh ngày %(dob)s. Hãy chọn học viên đó trong kết quả tìm "
                "kiếm, hoặc đánh dấu “Đây là người khác” nếu thật sự là hai người."
            )
            % {
                "name": learner.full_name,
                "dob": learner.date_of_birth.strftime("%d/%m/%Y") if learner.date_of_birth else "?",
            },
            code="duplicate",
        )
    learner.save()
    return learner


@transaction.atomic
def learner_update(*, scope: Scope, learner: Learner, version: int, **fields) -> Learner:
    learner = Learner.objects.select_for_update(no_key=True).get(pk=learner.pk)
    scope.require(Action.ENTER_DATA, learner.center)
    _check_version(learner, version)
    _history_baseline(learner)
    for name, value in fields.items():
        if name not in LEARNER_FIELDS:
            raise TypeError(name)
        setattr(learner, name, value)
    _validate_learner(learner)  # normalises the CCCD first
    learner.version += 1  # the row is locked (select_for_update)
    learner.save()
    learner.refresh_from_db()
    return learner


def transfer_targets(*, learner: Learner) -> QuerySet[Unit]:
    """The centers a learner's record may be handed to: every center active today but the one holding it (a person
    who moved to another province is handed over by the board of the province they leave)."""
    today = timezone.localdate()
    return (
        Unit.objects.centers()
        .active_between(today, today)
        .exclude(pk=learner.center_id)
        .select_related("parent")
        .order_by("parent__code", "code")
    )


def _history_baseline(obj: Course | Learner) -> None:
    """A class or learner loaded before the history began (a bulk load) gets its first record, dated when it was
    created and by nobody, so that the change about to be saved shows what it changed."""
    history = type(obj).history
    if history.filter(id=obj.pk).exists():
        return
    obj._history_user, obj._history_date = None, obj.created_at
    try:
        history.bulk_history_create([obj])
    finally:  # the change saved next is the user's, now
        del obj._history_user, obj._history_date


@transaction.atomic
def learner_transfer(
    *,
    scope: Scope,
    learner: Learner,
    to_center: Unit,
    reason: str,
    version: int,
    other_province_confirmed: bool = False,
    user=None,
) -> Learner:
    """Hand a learner's record to another center (the person moved): the new center enrols them from now on; the
    classes they attended keep them, with their results, and count where they were held (the figures do not move).
    The reason stays in the learner's history. A center of another province takes the record out of the board's
    hands for good, so it must be confirmed."""
    learner = (
        Learner.objects.select_for_update(no_key=True, of=("self",)).select_related("center__parent").get(pk=learner.pk)
    )
    scope.require(Action.TRANSFER, learner.center)
    _check_version(learner, version)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Hãy ghi lý do chuyển (ví dụ: chuyển công tác về huyện khác).")]
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = [
            _("Lý do chuyển dài tối đa %(n)s ký tự (đang có %(m)s ký tự).") % {"n": REASON_LENGTH, "m": len(reason)}
        ]
    if to_center is None or not transfer_targets(learner=learner).filter(pk=to_center.pk).exists():
        errors["to_center"] = [
            _("Hãy chọn một trung tâm chính trị đang hoạt động, khác trung tâm đang quản lý học viên.")
        ]
    elif to_center.parent_id != learner.center.parent_id and not other_province_confirmed:
        errors["other_province_confirmed"] = [
            _(
                "%(center)s thuộc %(area)s, ngoài tỉnh: sau khi chuyển, %(board)s không còn chuyển lại được "
                "hồ sơ này. Hãy đánh dấu xác nhận nếu đúng là người học đã chuyển sang tỉnh đó."
            )
            % {
                "center": to_center.name,
                "area": to_center.parent.area_name,
                "board": wording.today().provincial_board,
            }
        ]
    if errors:
        raise ValidationError(errors)
    _history_baseline(learner)
    learner.center = to_center
    learner.version += 1  # the row is locked (select_for_update)
    learner._change_reason = reason
    if user is not None and user.is_authenticated:  # a command has no request for the history to read it from
        learner._history_user = user
    learner.save()
    learner.refresh_from_db()
    return learner


@transaction.atomic
def enrolment_add(*, scope: Scope, course: Course, learner: Learner) -> Enrolment:
    """Put a learner of the center in a class; re-adding a removed learner restores the enrolment."""
    scope.require(Action.ENTER_DATA, course.center)
    if learner.center_id != course.center_id:
        raise ValidationError(_("Học viên không thuộc trung tâm của lớp."))
    if course.is_cancelled:
        raise ValidationError(_("Lớp đã hủy, không thêm học viên được."))
    ensure_unlocked(center=course.center, days=[course.start_date])
    enrolment = Enrolment.objects.select_for_update(no_key=True).filter(course=course, learner=learner).first()
    if enrolment is not None:
        if enrolment.removed_at is None:
            raise ValidationError(_("“%(name)s” đã có trong danh sách lớp.") % {"name": learner.full_name})
        enrolment.removed_at = None
        enrolment.removed_by = None
        enrolment.version += 1  # the row is locked (select_for_update)
        enrolment.save(update_fields=["removed_at", "removed_by", "version"])
        enrolment.refresh_from_db()
        return enrolment
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(course=course, learner=learner)
    except IntegrityError as error:  # a concurrent add of the same learner
        raise ValidationError(_("“%(name)s” đã có trong danh sách lớp.") % {"name": learner.full_name}) from error
    return enrolment


@transaction.atomic
def enrolment_remove(*, scope: Scope, enrolment: Enrolment, user=None) -> Enrolment:
    """Take a learner off a roster. The enrolment is kept (with who and when) and counts nowhere."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("course__center")
        .get(pk=enrolment.pk)
    )
    scope.require(Action.ENTER_DATA, enrolment.course.center)
    if enrolment.removed_at is not None:
        raise ValidationError(_("Học viên này đã được rút khỏi lớp trước đó."))
    ensure_unlocked(center=enrolment.course.center, days=[enrolment.course.start_date])
    enrolment.removed_at = timezone.now()
    enrolment.removed_by = user if user and user.is_authenticated else None
    enrolment.version += 1  # the row is locked (select_for_update)
    enrolment.save(update_fields=["removed_at", "removed_by", "version"])
    enrolment.refresh_from_db()
    return enrolment


@dataclass(frozen=True)
class ResultEntry:
    """One learner's line of the results form. A class before the scored rules takes the result word as typed; a
    class under them takes the marks (as typed: "7,5", 7.5 or a Decimal; None or "" blank) and sets the word
    itself (rules.result()): `result` is then read only for "bỏ học", as `dropped` is."""

    enrolment_id: int
    result: str = ""
    certificate_no: str = ""
    periods_attended: object = None
    score: object = None
    retake_score: object = None
    dropped: bool = False
    class_role: str | None = None  # None: left as it is (only a class under the scored rules has a ban cán sự)
    # The enrolment's version the user saw: required (a row without one is refused, never waved through).
    version: int = field(kw_only=True)


MARK_FIELDS = ("periods_attended", "score", "retake_score")


def check_class_roles(roles: Iterable[str], max_deputies: int) -> list[str]:
    """What is wrong with a class's ban cán sự (every learner's role, as it would be): one lớp trưởng at most, and
    at most the rules' lớp phó (TeachingRules.max_deputies: one or two under the Quy chế)."""
    roles = list(roles)
    problems = []
    if roles.count(Enrolment.Role.MONITOR) > 1:
        problems.append(
            _("Lớp chỉ có một lớp trưởng; đang chọn %(n)s người.") % {"n": roles.count(Enrolment.Role.MONITOR)}
        )
    if roles.count(Enrolment.Role.DEPUTY) > max_deputies:
        problems.append(
            _("Lớp có một hoặc hai lớp phó; đang chọn %(n)s người.") % {"n": roles.count(Enrolment.Role.DEPUTY)}
        )
    return problems


def _update_rows(model, objs: list, fields: list[str], batch_size: int = 500) -> None:
    """Write `fields` of many rows, one UPDATE … CASE statement a batch: what QuerySet.bulk_update writes, without
    building one expression object per row and field (which cost most of a 200-learner form's save). Each value is
    cast to its column's type, as bulk_update does, so that a NULL or a number is typed on every database."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    pk = ops.quote_name(model._meta.pk.column)
    columns = [model._meta.get_field(name) for name in fields]
    for start in range(0, len(objs), batch_size):
        batch = objs[start : start + batch_size]
        sets, params = [], []
        for column in columns:
            cast = column.cast_db_type(connection)
            name = ops.quote_name(column.column)
            whens = " ".join([f"WHEN %s THEN CAST(%s AS {cast})"] * len(batch))
            sets.append(f"{name} = CASE {pk} {whens} ELSE {name} END")
            for obj in batch:
                params += [obj.pk, column.get_db_prep_save(getattr(obj, column.attname), connection)]
        where = ", ".join(["%s"] * len(batch))
        params += [obj.pk for obj in batch]
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {pk} IN ({where})", params)


@transaction.atomic
def results_record(*, scope: Scope, course: Course, entries: Iterable[ResultEntry]) -> int:
    """Record results for a roster in one go; returns how many enrolments changed.

    Every entry is checked before anything is written: an enrolment of another class, an unknown result, a stale
    version, or (in a class under the scored rules) a score outside 0–10 or with two decimals, attendance above the
    class's periods, a retake without a failed first paper, a score for a learner who may not sit, a second lớp
    trưởng or a third lớp phó refuses the whole form, every problem named with its learner.
    """
    course = Course.objects.select_for_update(no_key=True).get(pk=course.pk)
    scope.require(Action.ENTER_DATA, course.center)
    if course.is_cancelled:
        raise ValidationError(_("Lớp đã hủy, không ghi kết quả được."))
    ensure_unlocked(center=course.center, days=[course.start_date])
    entries = list(entries)
    current = {
        e.pk: e
        for e in Enrolment.objects.select_for_update(of=("self",), no_key=True)
        .filter(course=course, removed_at__isnull=True, pk__in=[x.enrolment_id for x in entries])
        .select_related("learner")
    }
    if any(entry.version is None for entry in entries):
        raise ConflictError(VERSION_MISSING, code="conflict")
    scored = course.is_scored
    rules = course.rules
    valid_results = {"", *Enrolment.Result.values}
    if not scored:  # xuất sắc exists only under the scored rules: the old classes keep their four words
        valid_results.discard(Enrolment.Result.OUTSTANDING)
    changed = []
    stale = []
    problems = []
    roles = {}
    touched: set[str] = set()
    for entry in entries:
        enrolment = current.get(entry.enrolment_id)
        if enrolment is None:
            raise ValidationError(_("Danh sách lớp đã thay đổi; hãy tải lại trang."), code="conflict")
        name = enrolment.learner.full_name
        if not scored:
            if any(getattr(entry, f) not in (None, "") for f in MARK_FIELDS) or entry.class_role:
                problems.append(
                    _(
                        "Học viên %(name)s: lớp bắt đầu trước khi áp dụng quy chế mới, chỉ ghi xếp loại (không ghi "
                        "số tiết tham dự, điểm hay ban cán sự)."
                    )
                    % {"name": name}
                )
                continue
            if entry.result not in valid_results:
                problems.append(
                    _("Kết quả “%(r)s” của học viên %(name)s không hợp lệ.") % {"r": entry.result, "name": name}
                )
                continue
            new = {"result": entry.result, "certificate_no": entry.certificate_no.strip()}
        else:
            if entry.result not in ("", Enrolment.Result.DROPPED) and entry.result not in valid_results:
                problems.append(
                    _("Kết quả “%(r)s” của học viên %(name)s không hợp lệ.") % {"r": entry.result, "name": name}
                )
                continue
            marks = check_marks(
                rules,
                course.periods,
                attended=entry.periods_attended,
                score=entry.score,
                retake=entry.retake_score,
                dropped=entry.dropped or entry.result == Enrolment.Result.DROPPED,
            )
            if not marks.ok:
                problems.extend(
                    _("Học viên %(name)s: %(m)s") % {"name": name, "m": message} for _which, message in marks.problems
                )
                continue
            role = enrolment.class_role if entry.class_role is None else entry.class_role
            if role not in Enrolment.Role.values:
                problems.append(_("Học viên %(name)s: vai trò “%(r)s” không hợp lệ.") % {"name": name, "r": role})
                continue
            roles[enrolment.pk] = role
            new = {  # the certificate's number comes from the center's register under these rules
                "result": marks.result,
                "periods_attended": marks.periods_attended,
                "score": marks.score,
                "retake_score": marks.retake_score,
                "class_role": role,
            }
        if all(getattr(enrolment, key) == value for key, value in new.items()):
            continue
        if enrolment.version != entry.version:
            stale.append(name)
            continue
        for key, value in new.items():
            if getattr(enrolment, key) != value:
                touched.add(key)
            setattr(enrolment, key, value)
        changed.append(enrolment)
    if scored and roles:
        others = (
            Enrolment.objects.filter(course=course, removed_at__isnull=True)
            .exclude(pk__in=list(roles))
            .exclude(class_role="")
            .values_list("class_role", flat=True)
        )
        problems.extend(check_class_roles([*roles.values(), *others], course.rules.max_deputies))
    if problems:
        raise ValidationError(problems)
    if stale:
        raise ConflictError(
            _("Kết quả của %(names)s vừa được người khác sửa. Không có gì bị ghi; hãy tải lại trang.")
            % {"names": ", ".join(stale)},
            code="conflict",
        )
    for enrolment in changed:
        enrolment.full_clean(exclude=["course", "learner"])
    for enrolment in changed:
        enrolment.version += 1
    if scored:  # the fields some line changes: the rows of a 200-learner class written in one statement
        fields = [f for f in ("result", *MARK_FIELDS, "class_role") if f in touched] + ["version"]
        _update_rows(Enrolment, changed, fields)
        bulk_update_with_history(changed, Enrolment, [], batch_size=500)  # their history rows, as the others'
    else:
        bulk_update_with_history(changed, Enrolment, ["result", "certificate_no", "version"], batch_size=500)
    if changed:
        _written({(course.center_id, course.start_date)})
    return len(changed)


# -- what an approved quarter keeps -------------------------------------------------------------------------
def _quarters_q(quarters: Iterable[tuple[int, datetime.date, datetime.date]], path: str) -> Q:
    condition = Q(pk__in=[])
    for center_id, start, end in quarters:
        condition |= Q(
            **{f"{path}center_id": center_id, f"{path}start_date__gte": start, f"{path}start_date__lte": end}
        )
    return condition


def figures_freeze(*, quarters: Iterable[tuple[int, datetime.date, datetime.date]]) -> None:
    """Keep, on each enrolment and each class-lecturer link of these (center, first day, last day) quarters, the
    learner's group and ethnic minority and the lecturer's kind as they are now: the figures of an approved quarter
    read these, so a later edit of a learner or a lecturer (their current record) leaves them as approved.

    Called by the approval, inside its transaction. Nothing counted changes: the kept values are today's."""
    quarters = list(quarters)
    if not quarters:
        return
    learner = Learner.objects.filter(pk=OuterRef("learner_id"))
    Enrolment.objects.filter(_quarters_q(quarters, "course__")).update(
        frozen_group=Subquery(learner.values("group")[:1]),
        frozen_minority=Exists(learner.filter(ethnic_minority_q())),
    )
    CourseLecturer.objects.filter(_quarters_q(quarters, "course__")).update(
        frozen_kind=Subquery(Lecturer.objects.filter(pk=OuterRef("lecturer_id")).values("kind")[:1])
    )


def figures_thaw(*, quarters: Iterable[tuple[int, datetime.date, datetime.date]]) -> None:
    """An unlocked quarter counts the learners and lecturers as they are now again (the caller counts it again)."""
    quarters = list(quarters)
    if not quarters:
        return
    Enrolment.objects.filter(_quarters_q(quarters, "course__")).update(frozen_group=None, frozen_minority=None)
    CourseLecturer.objects.filter(_quarters_q(quarters, "course__")).update(frozen_kind=None)


# -- lecturers -----------------------------------------------------------------------------------------
LECTURER_FIELDS = ("full_name", "kind", "qualification", "position", "phone")


def require_lecturers(scope: Scope, center: Unit) -> None:
    """A center's lecturers are kept as of today: not in a center closed by now (its records are read only)."""
    scope.require(Action.ENTER_DATA, center, day=timezone.localdate())


def lecturers_editable(scope: Scope, center: Unit) -> bool:
    """`require_lecturers` as a yes or no: whether the lecturer list offers its buttons."""
    return scope.can(Action.ENTER_DATA, center, day=timezone.localdate())


@transaction.atomic
def lecturer_create(*, scope: Scope, center: Unit, **fields) -> Lecturer:
    require_lecturers(scope, center)
    lecturer = Lecturer(center=center, **{k: v for k, v in fields.items() if k in LECTURER_FIELDS})
    lecturer.full_clean()
    lecturer.save()
    return lecturer


@transaction.atomic
def lecturer_update(*, scope: Scope, lecturer: Lecturer, **fields) -> Lecturer:
    lecturer = Lecturer.objects.select_for_update(no_key=True).get(pk=lecturer.pk)
    require_lecturers(scope, lecturer.center)
    for name, value in fields.items():
        if name not in LECTURER_FIELDS:
            raise TypeError(name)
        setattr(lecturer, name, value)
    lecturer.full_clean()
    lecturer.save()
    return lecturer


@transaction.atomic
def lecturer_retire(*, scope: Scope, lecturer: Lecturer, on: datetime.date | None = None) -> Lecturer:
    """A lecturer who stops teaching is retired, never deleted: their past classes keep them."""
    lecturer = Lecturer.objects.select_for_update(no_key=True).get(pk=lecturer.pk)
    require_lecturers(scope, lecturer.center)
    if lecturer.retired_on is not None:
        raise ValidationError(
            _("Giảng viên này đã thôi giảng dạy từ ngày %(d)s.") % {"d": lecturer.retired_on.strftime("%d/%m/%Y")}
        )
    lecturer.retired_on = on or timezone.localdate()
    lecturer.save(update_fields=["retired_on"])
    return lecturer


@transaction.atomic
def lecturer_reinstate(*, scope: Scope, lecturer: Lecturer) -> Lecturer:
    lecturer = Lecturer.objects.select_for_update(no_key=True).get(pk=lecturer.pk)
    require_lecturers(scope, lecturer.center)
    lecturer.retired_on = None
    lecturer.save(update_fields=["retired_on"])
    return lecturer


# -- workbook import ----------------------------------------------------------------------------------
def status_for_dates(start: datetime.date, end: datetime.date, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    if end < today:
        return Course.Status.FINISHED
    if start <= today:
        return Course.Status.RUNNING
    return Course.Status.PLANNED


@transaction.atomic
def workbook_import(*, scope: Scope, center: Unit, parsed, course: Course | None = None, user=None):
    """Write a confirmed workbook: all of it in one transaction, or nothing.

    The plan is made again here, under the transaction, so the write matches the database as it is now.
    Returns the plan's summary: how many classes, learners, enrolments and results were written.
    """
    scope.require(Action.ENTER_DATA, center)
    if course is not None:
        course = Course.objects.select_for_update(no_key=True).get(pk=course.pk)
        if course.center_id != center.pk:
            raise ValidationError(_("Lớp không thuộc trung tâm."))
    plan = plan_import(center=center, parsed=parsed, course=course)
    if not plan.ok:
        raise ValidationError([str(e) for e in plan.errors])
    summary = plan.summary()  # what is about to be written, for the caller to report
    today = timezone.localdate()

    new_courses = []
    for row in plan.new_classes:
        new = Course(
            center=center,
            program=plan.program_for(row.program_code, row.start_date),
            code=row.code,
            title=row.title,
            search_key=course_search_key(row.code, row.title),  # bulk_create does not call save()
            start_date=row.start_date,
            end_date=row.end_date,
            format=row.format,
            co_organised=row.co_organised,
            location=row.location,
            periods=row.periods,
            status=status_for_dates(row.start_date, row.end_date, today),
            created_by=user if user and user.is_authenticated else None,
        )
        try:
            new.full_clean(validate_unique=False)
        except ValidationError as error:
            raise ValidationError(
                _("Trang “Lớp học”, dòng %(row)s: %(msg)s") % {"row": row.row, "msg": "; ".join(error.messages)}
            ) from error
        new_courses.append(new)
    for created in bulk_create_with_history(new_courses, Course, default_user=_user(user)):
        plan.courses_by_code[fold(created.code)] = created

    new_learners = []
    for person_plan in plan.new_learners:
        row = person_plan.row
        learner = Learner(
            center=center,
            full_name=row.full_name,
            name_key=name_key(row.full_name),
            date_of_birth=row.date_of_birth,
            gender=row.gender,
            ethnicity=row.ethnicity,
            group=row.group,
            party_status=row.party_status,
            workplace=row.workplace,
            national_id=row.national_id,
        )
        try:
            # The plan already matched every CCCD in one query and the center is the user's own: checking the
            # constraint and the foreign key again here would cost two queries per row.
            learner.full_clean(exclude=["center"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(
                _("Trang “Học viên”, dòng %(row)s: %(msg)s") % {"row": row.row, "msg": "; ".join(error.messages)}
            ) from error
        new_learners.append((person_plan, learner))
    bulk_create_with_history(
        [learner for _, learner in new_learners], Learner, batch_size=1000, default_user=_user(user)
    )
    learner_for = {person: p.existing for person, p in plan.learners.items() if p.existing is not None}
    learner_for.update({p.row.identity: learner for p, learner in new_learners})

    to_create, to_update = [], []
    for item in plan.enrolments:
        target_course = plan.courses_by_code[fold(item.course_code)]
        learner = learner_for[item.person]
        if item.existing is None:
            to_create.append(Enrolment(course=target_course, learner=learner, **item.values))
            continue
        enrolment = item.existing
        restored = enrolment.removed_at is not None
        if not (restored or item.result_changes):
            continue
        if restored:  # a learner taken off the roster and listed again is put back
            enrolment.removed_at = None
            enrolment.removed_by = None
        if item.result_changes:  # the result word, and in a class under the scored rules the marks it comes from
            for key, value in item.values.items():
                setattr(enrolment, key, value)
        enrolment.version += 1
        to_update.append(enrolment)
    bulk_create_with_history(to_create, Enrolment, batch_size=1000, default_user=_user(user))
    bulk_update_with_history(
        to_update,
        Enrolment,
        ["result", *MARK_FIELDS, "removed_at", "removed_by", "version"],
        batch_size=500,
        default_user=_user(user),
    )
    _written(
        {(center.pk, plan.courses_by_code[fold(item.course_code)].start_date) for item in plan.enrolments}
        | {(center.pk, row.start_date) for row in plan.new_classes}
    )
    return summary


# -- the upload page: upload (preview, nothing of the file written), then confirm -------------------------------------
@transaction.atomic
def import_upload(
    *, scope: Scope, center: Unit, content: bytes, filename: str, course: Course | None = None, user=None
) -> tuple[ImportPlan, ImportBatch]:
    """Read and match an uploaded workbook (its classes and learners are not written) and record the upload: a batch
    pending confirmation, or rejected with the summary of its errors (a rejected file's content is not kept).
    `course`: the class page's upload of its roster (only the learners' sheet is read)."""
    scope.require(Action.ENTER_DATA, center)
    plan = plan_import(center=center, parsed=read_workbook(content, roster=course is not None), course=course)
    batch = ImportBatch.objects.create(
        center=center,
        course=course,
        kind=ImportBatch.Kind.ROSTER if course is not None else ImportBatch.Kind.CENTER,
        filename=filename[:255],
        content=content if plan.ok else b"",
        sha256=hashlib.sha256(content).hexdigest(),
        summary=plan.summary(),
        uploaded_by=user if user and user.is_authenticated else None,
        status=ImportBatch.Status.PENDING if plan.ok else ImportBatch.Status.REJECTED,
    )
    return plan, batch


@transaction.atomic
def import_confirm(*, scope: Scope, batch: ImportBatch, user=None) -> dict:
    """Write a pending upload and mark its batch applied, in the one transaction of the write: a refused or failed
    write leaves nothing written and the batch pending; a batch is applied once (a second confirmation, a double
    click, is refused). Returns what was written (`workbook_import`'s summary), also kept on the batch."""
    batch = (
        ImportBatch.objects.select_for_update(of=("self",), no_key=True)
        .select_related("center", "course")
        .get(pk=batch.pk)
    )
    scope.require(Action.ENTER_DATA, batch.center)
    if batch.status != ImportBatch.Status.PENDING:
        raise ValidationError(_("Tệp này đã được xử lý; hãy tải tệp lên lại nếu cần ghi thêm."))
    parsed = read_workbook(bytes(batch.content), roster=batch.course_id is not None)
    applied = workbook_import(scope=scope, center=batch.center, parsed=parsed, course=batch.course, user=user)
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.summary = applied
    batch.save(update_fields=["status", "applied_at", "summary"])
    return applied


# -- large imports in the background (centers/jobs.py runs them; registered in CoursesConfig.ready) ---------------
def is_large_import(batch: ImportBatch) -> bool:
    """An upload of more enrolments than settings.IMPORT_BACKGROUND_ROWS is written by a background job."""
    summary = batch.summary or {}
    rows = summary.get("new_enrolments", 0) + summary.get("existing_enrolments", 0)
    return rows > getattr(settings, "IMPORT_BACKGROUND_ROWS", 3000)


def import_summary_message(applied: dict) -> str:
    return _("Đã ghi: %(c)s lớp mới, %(l)s học viên mới, %(e)s lượt học viên mới, %(r)s kết quả cập nhật.") % {
        "c": thousands(applied["new_classes"]),
        "l": thousands(applied["new_learners"]),
        "e": thousands(applied["new_enrolments"]),
        "r": thousands(applied["result_updates"]),
    }


def import_job(job, progress) -> jobs.Output:
    """A confirmed upload written in the background: the same `import_confirm`, in the owner's own scope."""
    scope = Scope.for_user(job.user)
    batch = ImportBatch.objects.select_related("center", "course").get(pk=job.params["batch"])
    progress(5, _("Đang ghi dữ liệu…"))
    applied = import_confirm(scope=scope, batch=batch, user=job.user)
    target = (
        reverse("courses:course_detail", args=[batch.course_id]) if batch.course_id else reverse("courses:course_list")
    )
    return jobs.Output(message=import_summary_message(applied), result_url=target)


# -- completion decisions and certificates -------------------------------------------------------------------------
# Under the 2025 rules (courses/rules.py): the director's decision recognising completion (once per class, amended
# with a reason kept in its history), then the certificates, numbered in the center's master register of the year
# of issue (sequential, never reused), issued once per enrolment; a reprint keeps the number.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
CODE_LENGTH = 10
MAX_REGISTER_NUMBER = 999_999  # a number typed by hand: a register of a year never reaches it


def _day(value) -> str:
    return f"{value:%d/%m/%Y}"


def _scored_course_for_update(scope: Scope, course: Course) -> Course:
    course = Course.objects.select_for_update(no_key=True).select_related("center", "program").get(pk=course.pk)
    scope.require(Action.ENTER_DATA, course.center)
    if not course.is_scored:
        raise ValidationError(
            _(
                "Lớp “%(code)s” học theo quy định trước ngày 01/12/2025: không có quyết định công nhận hoàn thành "
                "và giấy chứng nhận theo sổ gốc."
            )
            % {"code": course.code}
        )
    if course.is_cancelled:
        raise ValidationError(_("Lớp đã hủy, không có quyết định công nhận hoàn thành."))
    return course


def decision_covered(course: Course) -> list[Enrolment]:
    """The learners a decision covers: those on the roster who completed (a passing result, which the services set
    from attendance and the score by the class's rules)."""
    rules = course.rules
    enrolments = Enrolment.objects.filter(course=course, removed_at__isnull=True).select_related("learner")
    return [e for e in enrolments if rules.completes(e.result)]


def _validate_decision_fields(course: Course, *, number: str, signed_on, signer: str) -> dict:
    errors = {}
    number, signer = (number or "").strip(), (signer or "").strip()
    if not number:
        errors["number"] = _("Nhập số quyết định.")
    elif len(number) > CompletionDecision._meta.get_field("number").max_length:
        errors["number"] = _("Số quyết định dài quá %(n)s ký tự.") % {
            "n": CompletionDecision._meta.get_field("number").max_length
        }
    if not signer:
        errors["signer"] = _("Nhập người ký quyết định.")
    elif len(signer) > CompletionDecision._meta.get_field("signer").max_length:
        errors["signer"] = _("Tên người ký dài quá %(n)s ký tự.") % {
            "n": CompletionDecision._meta.get_field("signer").max_length
        }
    if signed_on is None:
        errors["signed_on"] = _("Nhập ngày ký quyết định.")
    elif signed_on < course.end_date:
        errors["signed_on"] = _("Quyết định công nhận hoàn thành ký sau khi lớp kết thúc (ngày %(day)s).") % {
            "day": _day(course.end_date)
        }
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("Ngày ký %(day)s chưa đến.") % {"day": _day(signed_on)}
    if errors:
        raise ValidationError(errors)
    return {"number": number, "signed_on": signed_on, "signer": signer}


@transaction.atomic
def decision_record(*, scope: Scope, course: Course, number: str, signed_on, signer: str, user=None):
    """Record the decision recognising completion of a finished scored class: once per class. It covers the
    learners who completed (`decision_covered`)."""
    course = _scored_course_for_update(scope, course)
    if CompletionDecision.objects.filter(course=course).exists():
        raise ValidationError(
            _("Lớp đã có quyết định công nhận hoàn thành; muốn thay đổi thì sửa quyết định (kèm lý do).")
        )
    if course.status != Course.Status.FINISHED and course.end_date > timezone.localdate():
        raise ValidationError(_("Lớp chưa kết thúc: chưa thể công nhận hoàn thành khóa học."))
    fields = _validate_decision_fields(course, number=number, signed_on=signed_on, signer=signer)
    covered = decision_covered(course)
    if not covered:
        raise ValidationError(
            _("Chưa có học viên nào hoàn thành khóa học (đủ số tiết và đạt điểm bài thu hoạch): chưa ghi quyết định.")
        )
    decision = CompletionDecision(course=course, created_by=_user(user), **fields)
    decision.save()
    decision.enrolments.set(covered)
    _written({(course.center_id, course.start_date)})
    return decision


@transaction.atomic
def decision_amend(
    *, scope: Scope, decision, version: int | None, reason: str, number: str, signed_on, signer: str, user=None
):
    """Amend a decision with a reason (kept with each version in its history); the learners it covers are derived
    again from the results as they are now. A learner already certified cannot be dropped from it, and the date
    cannot move after a certificate already issued."""
    decision = CompletionDecision.objects.select_for_update(no_key=True).get(pk=decision.pk)
    course = _scored_course_for_update(scope, decision.course)
    _check_version(decision, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do sửa quyết định.")})
    fields = _validate_decision_fields(course, number=number, signed_on=signed_on, signer=signer)
    covered = decision_covered(course)
    covered_ids = {e.pk for e in covered}
    certificates = list(
        Certificate.objects.filter(decision=decision).select_related("register").order_by("register", "number")
    )
    dropped = [c for c in certificates if c.enrolment_id not in covered_ids]
    if dropped:
        raise ValidationError(
            _("%(names)s đã được cấp giấy chứng nhận nhưng không còn hoàn thành khóa học: không sửa được quyết định.")
            % {"names": ", ".join(f"{c.full_name} (số {c.number_label})" for c in dropped)}
        )
    early = [c for c in certificates if c.issued_on < fields["signed_on"]]
    if early:
        raise ValidationError(
            {
                "signed_on": _("Đã có giấy chứng nhận cấp ngày %(day)s, trước ngày ký mới.")
                % {"day": _day(min(c.issued_on for c in early))}
            }
        )
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.amend_reason = reason
    decision.version += 1
    decision._change_reason = change_note(reason)
    decision.save()
    decision.enrolments.set(covered)
    _written({(course.center_id, course.start_date)})
    return decision


def _new_codes(count: int) -> list[str]:
    while True:
        codes = {"".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH)) for _j in range(count)}
        if len(codes) == count and not Certificate.objects.filter(code__in=codes).exists():
            return sorted(codes)


def _register_for_update(center: Unit, year: int):
    try:
        with transaction.atomic():
            CertificateRegister.objects.get_or_create(center=center, year=year)
    except IntegrityError:  # opened at the same moment by another issue: it is there now
        pass
    return CertificateRegister.objects.select_for_update().get(center=center, year=year)


@transaction.atomic
def certificates_issue(
    *,
    scope: Scope,
    course: Course,
    issued_on: datetime.date,
    enrolment_ids: Iterable[int] | None = None,
    numbers: dict[int, int] | None = None,
    user=None,
) -> list:
    """Issue certificates to the learners the class's decision covers who have none yet, or to the ones chosen
    (`enrolment_ids`), numbered next in the center's register of the year of `issued_on` (locked while it is
    written: two issues take turns, a number is never given twice). `numbers` maps an enrolment to a number typed
    by hand (a paper register already started): accepted only when unused in that register.

    Everything is checked before anything is written: a learner who did not complete, one not covered by the
    decision, one already certified, a date before the decision, a number already used refuse the whole issue."""
    course = _scored_course_for_update(scope, course)
    decision = CompletionDecision.objects.filter(course=course).prefetch_related("enrolments").first()
    if decision is None:
        raise ValidationError(_("Lớp chưa có quyết định công nhận hoàn thành: chưa cấp được giấy chứng nhận."))
    if issued_on is None:
        raise ValidationError({"issued_on": _("Nhập ngày cấp.")})
    if issued_on < decision.signed_on:
        raise ValidationError(
            {
                "issued_on": _("Ngày cấp %(day)s trước ngày ký quyết định công nhận hoàn thành (%(signed)s).")
                % {"day": _day(issued_on), "signed": _day(decision.signed_on)}
            }
        )
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("Ngày cấp %(day)s chưa đến.") % {"day": _day(issued_on)}})
    covered = {e.pk for e in decision.enrolments.all()}
    roster = {
        e.pk: e for e in Enrolment.objects.filter(course=course, removed_at__isnull=True).select_related("learner")
    }
    certified = {
        c.enrolment_id: c for c in Certificate.objects.filter(enrolment__course=course).select_related("register")
    }
    rules = course.rules
    numbers = {int(k): v for k, v in (numbers or {}).items()}
    if enrolment_ids is None:
        chosen = [pk for pk in roster if pk in covered and pk not in certified]
        chosen += [pk for pk in numbers if pk not in chosen]
    else:
        chosen = list(dict.fromkeys(int(pk) for pk in enrolment_ids))
        chosen += [pk for pk in numbers if pk not in chosen]
    errors = []
    for pk in chosen:
        enrolment = roster.get(pk)
        if enrolment is None:
            errors.append(_("Học viên đã chọn không có trong danh sách lớp; hãy tải lại trang."))
            continue
        name = enrolment.learner.full_name
        if pk in certified:
            errors.append(
                _("%(name)s đã được cấp giấy chứng nhận số %(no)s; chỉ in lại khi có lỗi in.")
                % {"name": name, "no": certified[pk].number_label}
            )
        elif not rules.completes(enrolment.result):
            errors.append(
                _("%(name)s chưa hoàn thành khóa học (kết quả: %(r)s): không cấp giấy chứng nhận.")
                % {"name": name, "r": enrolment.get_result_display() or _("chưa có")}
            )
        elif pk not in covered:
            errors.append(
                _("%(name)s không có trong quyết định công nhận hoàn thành; hãy sửa quyết định trước.") % {"name": name}
            )
    if not chosen and not errors:
        errors.append(_("Không còn học viên nào chờ cấp giấy chứng nhận."))
    register = _register_for_update(course.center, issued_on.year)
    typed = {}
    for pk, value in numbers.items():
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            errors.append(_("Số vào sổ “%(v)s” không phải là số nguyên dương.") % {"v": value})
            continue
        if number <= 0:
            errors.append(_("Số vào sổ “%(v)s” không phải là số nguyên dương.") % {"v": value})
        elif number > MAX_REGISTER_NUMBER:
            errors.append(_("Số vào sổ %(v)s quá lớn (tối đa %(max)s).") % {"v": value, "max": MAX_REGISTER_NUMBER})
        elif number in typed.values():
            errors.append(_("Số %(no)s/%(y)s được nhập hai lần.") % {"no": number, "y": register.year})
        else:
            typed[pk] = number
    used = set(
        Certificate.objects.filter(register=register, number__in=list(typed.values())).values_list("number", flat=True)
    )
    for number in sorted(used):
        errors.append(
            _("Số %(no)s/%(y)s đã được dùng trong sổ gốc của trung tâm: mỗi số chỉ cấp một lần.")
            % {"no": number, "y": register.year}
        )
    if errors:
        raise ValidationError(errors)
    last = max([register.last_number, *typed.values()])
    codes = _new_codes(len(chosen))
    certificates = []
    ordered = sorted(chosen, key=lambda pk: vietnamese_sort_key(roster[pk].learner.full_name))
    for pk, code in zip(ordered, codes, strict=True):
        enrolment = roster[pk]
        if pk in typed:
            number = typed[pk]
        else:
            last += 1
            number = last
        certificates.append(
            Certificate(
                register=register,
                number=number,
                enrolment=enrolment,
                decision=decision,
                issued_on=issued_on,
                code=code,
                full_name=enrolment.learner.full_name,
                date_of_birth=enrolment.learner.date_of_birth,
                grade=enrolment.result,
                issued_by=_user(user),
            )
        )
    register.last_number = last
    register.save(update_fields=["last_number"])
    try:
        with transaction.atomic():
            created = bulk_create_with_history(certificates, Certificate, batch_size=500)
    except IntegrityError as error:  # a concurrent issue for the same learner (the register itself is locked)
        raise ValidationError(_("Giấy chứng nhận vừa được người khác cấp; hãy tải lại trang.")) from error
    _written({(course.center_id, course.start_date)})
    return created


@transaction.atomic
def certificate_reprint(*, scope: Scope, certificate, reason: str, user=None):
    """Record a reprint for a printing error: the same certificate, the same number, with the reason and who."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",), no_key=True)
        .select_related("register__center")
        .get(pk=certificate.pk)
    )
    scope.require(Action.ENTER_DATA, certificate.register.center)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do in lại (lỗi in).")})
    if not certificate.is_valid:
        raise ValidationError(_("Giấy chứng nhận số %(no)s đã bị thu hồi.") % {"no": certificate.number_label})
    return CertificateReprint.objects.create(certificate=certificate, reason=reason, reprinted_by=_user(user))


@transaction.atomic
def certificate_revoke(*, scope: Scope, certificate, reason: str, user=None):
    """Revoke a certificate issued in error (thu hồi): it stays in the register under its number, marked revoked
    with the reason, and the public verification page says it is no longer valid. A revoked certificate is not
    counted as issued; its number is never given again."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",), no_key=True)
        .select_related("register__center", "enrolment__course")
        .get(pk=certificate.pk)
    )
    scope.require(Action.ENTER_DATA, certificate.register.center)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do thu hồi giấy chứng nhận.")})
    if not certificate.is_valid:
        raise ValidationError(_("Giấy chứng nhận số %(no)s đã bị thu hồi.") % {"no": certificate.number_label})
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason
    certificate._change_reason = reason
    if user is not None:
        certificate._history_user = user
    certificate.save(update_fields=["revoked_at", "revoke_reason"])
    course = certificate.enrolment.course
    _written({(course.center_id, course.start_date)})
    return certificate
