"""Account writes: create, edit, move to another unit, deactivate and reactivate, passwords, lockouts, sessions.

Every function checks the scope and the input first, then writes in one transaction with an AccountEvent saying who
did what and when; mail goes out once the transaction has committed. Views only call these (centers/views.py).
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass, field

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import wording
from .account_workbook import COLUMNS, letter
from .models import AccountEvent, Assignment, SignIn, Staff, Unit
from .people import fold, person_name
from .scoping import unit_from_key

User = get_user_model()
Kind = AccountEvent.Kind
PHONE_RE = re.compile(r"^\+?[0-9 .]{8,20}$")
# Temporary passwords: no 0/O, 1/l/I, read aloud or copied from paper without mistakes.
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# -- reading ------------------------------------------------------------------------------------------------------
def accounts(scope) -> QuerySet[Staff]:
    """The accounts whose unit the scope may see (see Scope.account_unit_filter), with whether each is locked by the
    login throttle (one subquery, whatever the number of accounts)."""
    if scope.level is None:
        return Staff.objects.none()
    locked = AccessAttempt.objects.filter(
        Q(username=OuterRef("user__username")) | Q(username=Concat(OuterRef("user__username"), Value("#2fa"))),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    )
    return (
        Staff.objects.filter(scope.account_unit_filter("unit"))
        .select_related("user", "unit", "unit__parent", "unit__merged_into")
        .annotate(locked=Exists(locked))
    )


def search(queryset: QuerySet[Staff], text: str) -> QuerySet[Staff]:
    for word in fold(text).split():
        queryset = queryset.filter(search_key__contains=word)
    return queryset


def account(scope, pk, *, manage: bool = False) -> Staff:
    """One account through the scope: 404 outside it, 403 when it may be seen but not managed."""
    staff = accounts(scope).filter(user_id=pk).first()
    if staff is None:
        raise Http404(_("Không tìm thấy tài khoản hoặc tài khoản không thuộc phạm vi của đồng chí."))
    scope.require_accounts(staff.unit, manage=manage)
    return staff


def events(scope, *, user=None, limit: int = 100) -> list[AccountEvent]:
    """Account changes the scope may see: on the account's page (user) or in /nhat-ky/ for those who manage."""
    queryset = AccountEvent.objects.select_related("user", "by", "unit")
    if user is not None:
        queryset = queryset.filter(user=user)
    else:
        queryset = queryset.filter(scope.account_unit_filter("unit"))
        if not (scope.level == Staff.Role.CENTRAL or (scope.is_board and scope.manages_accounts)):
            return []
    return list(queryset.order_by("-at", "-pk")[:limit])


@dataclass
class LogRow:
    """A row of the activity page (templates/history.html), shaped like courses.history.Entry."""

    when: datetime.datetime
    who: str
    action: str
    subject: str
    changes: list = field(default_factory=list)
    note: str = ""
    reason: str = ""


def activity_rows(scope, limit: int = 100) -> list[LogRow]:
    """The account changes for /nhat-ky/, for those who manage accounts (nothing for the others)."""
    return [
        LogRow(
            e.at,
            person_name(e.by) or _("Hệ thống"),
            e.get_kind_display(),
            _("Tài khoản %(name)s (%(unit)s)") % {"name": person_name(e.user), "unit": e.unit.name},
            reason=e.detail,
        )
        for e in events(scope, limit=limit)
    ]


def is_locked(user) -> bool:
    return AccessAttempt.objects.filter(
        username__in=[user.username, f"{user.username}#2fa"],
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).exists()


# -- checks -------------------------------------------------------------------------------------------------------
def _require_manage(scope, unit: Unit) -> None:
    if not scope.can_manage_accounts(unit):
        raise PermissionDenied(_("Tài khoản của đồng chí không có quyền quản lý tài khoản của đơn vị này."))


def _check_details(data: dict, *, user=None) -> dict:
    """Field problems of an account's details, or {}: duplicates, a malformed email or phone."""
    errors = {}
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    if user is None:
        username = (data.get("username") or "").strip()
        if not username:
            errors["username"] = _("Chưa nhập tên đăng nhập.")
        else:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError:
                errors["username"] = _("Tên đăng nhập chỉ gồm chữ, số và các ký tự . @ + - _ (không có dấu cách).")
            if len(username) > 150:
                errors["username"] = _("Tên đăng nhập dài quá 150 ký tự.")
            elif others.filter(username__iexact=username).exists():
                errors["username"] = _("Tên đăng nhập “%(username)s” đã có người dùng.") % {"username": username}
    if not (data.get("first_name") or "").strip():
        errors["first_name"] = _("Chưa nhập tên.")
    email = (data.get("email") or "").strip()
    if email and others.filter(email__iexact=email).exists():
        errors["email"] = _("Địa chỉ thư điện tử “%(email)s” đã được dùng cho tài khoản khác.") % {"email": email}
    phone = (data.get("phone") or "").strip()
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("Số điện thoại chỉ gồm chữ số (8 đến 20 ký tự), có thể bắt đầu bằng +.")
    return errors


def _check_unit(scope, unit: Unit | None, manages_accounts: bool) -> dict:
    errors = {}
    if unit is None:
        errors["unit"] = _("Chưa chọn đơn vị.")
    elif not scope.manageable_units().filter(pk=unit.pk).exists():
        errors["unit"] = _("Đơn vị “%(unit)s” không thuộc phạm vi quản lý tài khoản của đồng chí.") % {
            "unit": unit.name
        }
    elif manages_accounts and unit.kind != Unit.Kind.PROVINCE:
        errors["manages_accounts"] = _("Chỉ cán bộ %(board)s mới được giao quản lý tài khoản.") % {
            "board": wording.today().provincial_board
        }
    return errors


def temporary_password() -> str:
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(12))
        if any(c.isdigit() for c in password) and any(c.isupper() for c in password):
            return password


def _event(user, kind, by, detail="", unit=None):
    unit = unit or user.staff.unit
    return AccountEvent.objects.create(user=user, unit=unit, by=by, kind=kind, detail=detail[:255])


# -- mail ---------------------------------------------------------------------------------------------------------
def password_link(user, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:password_reset_confirm", args=[uid, token])


def send_mail(user, template: str, context: dict) -> None:
    """A Vietnamese message, plain text and HTML, from templates/accounts/mail/<template>.{txt,html,subject.txt}."""
    context = {"user": user, "name": person_name(user), "unit": user.staff.unit, **context}
    subject = " ".join(render_to_string(f"accounts/mail/{template}.subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject, render_to_string(f"accounts/mail/{template}.txt", context), to=[user.email]
    )
    message.attach_alternative(render_to_string(f"accounts/mail/{template}.html", context), "text/html")
    message.send()


def _mail_link_on_commit(user, base_url: str, template: str) -> None:
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600

    def send():
        user.refresh_from_db()
        send_mail(user, template, {"link": password_link(user, base_url), "hours": hours})

    transaction.on_commit(send)


# -- writes -------------------------------------------------------------------------------------------------------
@dataclass
class Result:
    user: object
    temporary_password: str | None = None


def _new_account_errors(scope, data: dict) -> dict:
    unit = data.get("unit")
    errors = _check_details(data) | _check_unit(scope, unit, bool(data.get("manages_accounts")))
    delivery = data.get("delivery") or "link"
    if delivery not in ("link", "temporary"):
        errors["delivery"] = _("Cách trao mật khẩu phải là “Gửi liên kết” hoặc “Mật khẩu tạm thời”.")
    elif delivery == "link" and not (data.get("email") or "").strip():
        errors.setdefault("email", _("Cần địa chỉ thư điện tử để gửi liên kết đặt mật khẩu."))
    return errors


def _write_account(by, data: dict, base_url: str) -> Result:
    """Inside a transaction: the user, its Staff, its open assignment and the events; the mail on commit."""
    unit = data["unit"]
    manages = bool(data.get("manages_accounts"))
    password = temporary_password() if data.get("delivery") == "temporary" else None
    user = User(
        username=data["username"].strip(),
        first_name=data["first_name"].strip(),
        last_name=(data.get("last_name") or "").strip(),
        email=(data.get("email") or "").strip(),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.staff = Staff.objects.create(
        user=user,
        unit=unit,
        phone=(data.get("phone") or "").strip(),
        position=(data.get("position") or "").strip(),
        manages_accounts=manages,
        must_change_password=bool(password),
    )
    Assignment.objects.create(user=user, unit=unit, started_on=timezone.localdate(), created_by=by)
    detail = f"{unit.name} – {user.staff.role.label}" + (" – quản lý tài khoản" if manages else "")
    _event(user, Kind.CREATED, by, detail)
    if password:
        _event(user, Kind.TEMPORARY_PASSWORD, by)
    else:
        _event(user, Kind.LINK_SENT, by, user.email)
        _mail_link_on_commit(user, base_url, "welcome")
    return Result(user, password)


def create_account(scope, by, data: dict, *, base_url: str) -> Result:
    """A new account in a unit the manager manages. data: username, last_name, first_name, email, phone, position,
    unit, manages_accounts, delivery ("link": a one-time link to set the password by email, valid
    PASSWORD_RESET_TIMEOUT; "temporary": a temporary password shown once, to be changed at the first sign-in)."""
    data = {**data, "delivery": data.get("delivery") or "link"}
    errors = _new_account_errors(scope, data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _write_account(by, data, base_url)


# -- many accounts from a workbook (centers/account_workbook.py reads it) ---------------------------------------------
@dataclass
class RowProblem:
    row: int
    column: str  # the column's letter and heading: "A (Tên đăng nhập)"
    message: str


def plan_accounts(scope, rows: list[dict]) -> tuple[list[dict], list[RowProblem]]:
    """Every problem of every row, by row and column (the same checks as one account, and duplicates within the
    file); the rows with their units resolved."""
    columns = {name: f"{letter(i)} ({label})" for i, (name, label) in enumerate(COLUMNS)}
    problems, planned = [], []
    seen_usernames, seen_emails = {}, {}
    units = scope.manageable_units()
    for row in rows:
        data = {**row, "delivery": row.get("delivery") or ("link" if row.get("email") else "temporary")}
        unit = unit_from_key(row.get("unit", ""), units) if row.get("unit") else None
        data["unit"] = unit
        errors = _new_account_errors(scope, data)
        if row.get("unit") and unit is None:
            errors["unit"] = _(
                "Mã đơn vị “%(code)s” không có trong phạm vi quản lý của đồng chí (xem trang “Đơn vị”)."
            ) % {"code": row["unit"]}
        if row.get("email") and "email" not in errors:
            try:
                validate_email(row["email"])
            except ValidationError:
                errors["email"] = _("Địa chỉ thư điện tử “%(email)s” không hợp lệ.") % {"email": row["email"]}
        for key, seen, name in (
            (row.get("username", ""), seen_usernames, "username"),
            (row.get("email", ""), seen_emails, "email"),
        ):
            if key and key.lower() in seen and name not in errors:
                errors[name] = _("Trùng với dòng %(row)s của tệp.") % {"row": seen[key.lower()]}
            elif key:
                seen.setdefault(key.lower(), row["row"])
        for name, message in errors.items():
            problems.append(RowProblem(row["row"], columns.get(name, ""), str(message)))
        planned.append(data)
    return planned, problems


def create_accounts(scope, by, rows: list[dict], *, base_url: str) -> list[Result]:
    """All the workbook's accounts in one transaction, or none: any problem raises, listing every one."""
    planned, problems = plan_accounts(scope, rows)
    if problems:
        raise ValidationError([_("Dòng %(row)s, cột %(column)s: %(message)s") % p.__dict__ for p in problems])
    with transaction.atomic():
        return [_write_account(by, data, base_url) for data in planned]


def update_account(scope, by, staff: Staff, data: dict) -> list[str]:
    """Edit an account's details; a new unit ends the open assignment today and opens one in the new unit.
    Returns what changed, in words."""
    user = staff.user
    _require_manage(scope, staff.unit)
    unit = data.get("unit") or staff.unit
    manages = bool(data.get("manages_accounts"))
    errors = _check_details(data, user=user)
    if unit.pk != staff.unit_id or manages != staff.manages_accounts:
        errors |= _check_unit(scope, unit, manages)
    if user.pk == by.pk and (unit.pk != staff.unit_id or manages != staff.manages_accounts):
        errors.setdefault("unit", _("Đồng chí không thể tự đổi đơn vị hoặc quyền của chính mình."))
    if errors:
        raise ValidationError(errors)
    changed = []
    with transaction.atomic():
        labels = {"last_name": _("Họ và tên đệm"), "first_name": _("Tên"), "email": _("Thư điện tử")}
        for name, label in labels.items():
            new = (data.get(name) or "").strip()
            if getattr(user, name) != new:
                changed.append(f"{label}: {getattr(user, name) or '—'} → {new or '—'}")
                setattr(user, name, new)
        user.save()
        for name, label in {"phone": _("Điện thoại"), "position": _("Chức vụ")}.items():
            new = (data.get(name) or "").strip()
            if getattr(staff, name) != new:
                changed.append(f"{label}: {getattr(staff, name) or '—'} → {new or '—'}")
                setattr(staff, name, new)
        if changed:
            _event(user, Kind.UPDATED, by, "; ".join(changed))
        if unit.pk != staff.unit_id:
            old = staff.unit
            today = timezone.localdate()
            Assignment.objects.filter(user=user, ended_on__isnull=True).update(ended_on=today)
            Assignment.objects.create(user=user, unit=unit, started_on=today, created_by=by)
            staff.unit = unit
            _event(user, Kind.UNIT_CHANGED, by, f"{old.name} → {unit.name}", unit=unit)
            changed.append(_("Đơn vị: %(old)s → %(new)s") % {"old": old.name, "new": unit.name})
        if manages != staff.manages_accounts:
            staff.manages_accounts = manages
            detail = _("Được giao quản lý tài khoản") if manages else _("Thôi quản lý tài khoản")
            _event(user, Kind.ROLE_CHANGED, by, detail, unit=unit)
            changed.append(detail)
        staff.save()
    return changed


def _not_self(staff, by, message):
    if staff.user_id == by.pk:
        raise ValidationError(message)


def end_sessions(user, *, keep: str | None = None) -> int:
    """Sign the user out everywhere (but the session `keep`): the sessions their sign-ins opened."""
    keys = SignIn.objects.filter(user=user).exclude(session_key="").values_list("session_key", flat=True)
    sessions = Session.objects.filter(session_key__in=list(keys))
    if keep:
        sessions = sessions.exclude(session_key=keep)
    count, _ = sessions.delete()
    return count


def deactivate(scope, by, staff: Staff) -> None:
    """The person can no longer sign in (their sessions end); the account, its records and history stay."""
    _require_manage(scope, staff.unit)
    _not_self(staff, by, _("Đồng chí không thể tự khóa tài khoản của chính mình."))
    if not staff.user.is_active:
        raise ValidationError(_("Tài khoản này đã bị khóa từ trước."))
    with transaction.atomic():
        staff.user.is_active = False
        staff.user.save(update_fields=["is_active"])
        end_sessions(staff.user)
        _event(staff.user, Kind.DEACTIVATED, by)


def reactivate(scope, by, staff: Staff) -> None:
    _require_manage(scope, staff.unit)
    if staff.user.is_active:
        raise ValidationError(_("Tài khoản này đang hoạt động."))
    with transaction.atomic():
        staff.user.is_active = True
        staff.user.save(update_fields=["is_active"])
        _event(staff.user, Kind.REACTIVATED, by)


def lift_lockout(scope, by, staff: Staff) -> int:
    """Clear the login throttle's failures for this username (from every address)."""
    _require_manage(scope, staff.unit)
    with transaction.atomic():
        count = axes_reset(username=staff.user.username) + axes_reset(username=f"{staff.user.username}#2fa")
        _event(staff.user, Kind.LOCKOUT_LIFTED, by)
    return count


def issue_temporary_password(scope, by, staff: Staff) -> str:
    """A new temporary password, shown once to the manager; the person must change it at the next sign-in, and
    their open sessions end."""
    _require_manage(scope, staff.unit)
    _not_self(staff, by, _("Đồng chí đổi mật khẩu của mình tại trang Đổi mật khẩu."))
    password = temporary_password()
    with transaction.atomic():
        staff.user.set_password(password)
        staff.user.save(update_fields=["password"])
        staff.must_change_password = True
        staff.save(update_fields=["must_change_password"])
        end_sessions(staff.user)
        _event(staff.user, Kind.TEMPORARY_PASSWORD, by)
    return password


def send_password_link(scope, by, staff: Staff, *, base_url: str) -> None:
    _require_manage(scope, staff.unit)
    if not staff.user.email:
        raise ValidationError(_("Tài khoản chưa có địa chỉ thư điện tử: hãy cấp mật khẩu tạm thời."))
    with transaction.atomic():
        _event(staff.user, Kind.LINK_SENT, by, staff.user.email)
        _mail_link_on_commit(staff.user, base_url, "password_link")


# -- the person's own account ---------------------------------------------------------------------------------------
def password_changed(
    user, *, kind=Kind.PASSWORD_CHANGED, keep_session: str | None = None, old_key: str | None = None
) -> None:
    """After the person set a new password themselves (change form or emailed link): the temporary flag goes, the
    change is logged, and the other sessions end. The session kept got a new key (`old_key` before): its sign-in
    follows it, so that a later "sign out the other sessions" elsewhere still reaches it."""
    staff = Staff.objects.filter(user=user).select_related("unit").first()
    with transaction.atomic():
        if keep_session and old_key:
            SignIn.objects.filter(user=user, session_key=old_key).update(session_key=keep_session)
        if staff is not None:
            if staff.must_change_password:
                staff.must_change_password = False
                staff.save(update_fields=["must_change_password"])
            _event(user, kind, user, unit=staff.unit)
        end_sessions(user, keep=keep_session)


def end_other_sessions(user, current_key: str) -> int:
    staff = Staff.objects.filter(user=user).select_related("unit").first()
    with transaction.atomic():
        count = end_sessions(user, keep=current_key)
        if staff is not None:
            _event(user, Kind.SESSIONS_ENDED, user, unit=staff.unit)
    return count


def record_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: keep the sign-in (shown on the profile page) and the session it opened."""
    if request is None:
        return
    session = getattr(request, "session", None)
    SignIn.objects.create(
        user=user,
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:255],
        session_key=(session.session_key if session is not None else "") or "",
    )


# -- a reorganisation (centers/reorganisation/applying.py) -----------------------------------------------------------
def move_to_successor(by, unit: Unit, successor: Unit, *, day: datetime.date, detail: str) -> list[Staff]:
    """Inside the plan's transaction: every account of a unit that closed moves to the unit that takes it over, on
    the plan's date (its open assignment ends the day before, a new one opens), with an AccountEvent each. Returns
    the accounts moved. A successor that holds no accounts (a school, another organiser) takes none."""
    if successor.kind not in Staff.ROLE_BY_KIND:
        return []
    moved = list(Staff.objects.filter(unit=unit).select_related("user"))
    open_assignments = {a.user_id: a for a in Assignment.objects.filter(user__staff__unit=unit, ended_on__isnull=True)}
    for staff in moved:
        current = open_assignments.get(staff.user_id)
        started = day
        if current is not None:
            current.ended_on = max(day - datetime.timedelta(days=1), current.started_on)
            current.save(update_fields=["ended_on"])
            started = max(day, current.started_on)
        Assignment.objects.create(user=staff.user, unit=successor, started_on=started, created_by=by)
        staff.unit = successor
        staff.save(update_fields=["unit"])
        _event(staff.user, Kind.UNIT_CHANGED, by, f"{unit.name} → {successor.name} ({detail})", unit=successor)
    return moved
