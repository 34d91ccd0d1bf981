"""The account pages: the person's own (profile, password, sessions, "Quên mật khẩu?") and the managers' (list,
create, edit, deactivate, lockouts, temporary passwords). Glue only: the scope decides who sees what
(centers/scoping.py), centers/accounts.py writes."""

import base64
import secrets

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import account_workbook, accounts, api_tokens, jobs
from . import reorganisation as plans
from . import two_factor as two_factor_service
from .forms import (
    AccountFilterForm,
    AccountForm,
    ApiTokenForm,
    OwnPasswordChangeForm,
    PlanUploadForm,
    UnitPasswordResetForm,
    UploadForm,
)
from .models import AccountEvent, ApiToken, Assignment, SignIn, Staff
from .periods import Period
from .reorganisation import history
from .scoping import unit_key


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# -- everyone's own account -----------------------------------------------------------------------------------------
@login_required
def profile(request):
    staff = Staff.objects.select_related("unit", "unit__parent").filter(user=request.user).first()
    return render(
        request,
        "accounts/profile.html",
        {
            "staff": staff,
            "unit_key": unit_key(staff.unit) if staff else None,
            "sign_ins": SignIn.objects.filter(user=request.user)[:10],
            "two_factor": two_factor_service.is_enabled(request.user),
            "assignments": Assignment.objects.filter(user=request.user).select_related("unit"),
            "api_tokens": ApiToken.objects.filter(user=request.user),
            "api_token_form": ApiTokenForm(),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # saves, and keeps this session signed in under a new key
        accounts.password_changed(self.request.user, keep_session=self.request.session.session_key, old_key=old_key)
        messages.success(self.request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất."))
        return response


@login_required
@require_POST
def end_other_sessions(request):
    count = accounts.end_other_sessions(request.user, request.session.session_key)
    messages.success(request, _("Đã đăng xuất %(count)s phiên đăng nhập khác.") % {"count": count})
    return redirect("accounts:profile")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = UnitPasswordResetForm
    email_template_name = "accounts/mail/password_reset.txt"
    html_email_template_name = "accounts/mail/password_reset.html"
    subject_template_name = "accounts/mail/password_reset.subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed(form.user, kind=AccountEvent.Kind.PASSWORD_SET)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# -- the managers' pages ------------------------------------------------------------------------------------------
@login_required
def account_list(request):
    scope = request.scope
    form = AccountFilterForm(request.GET or None, scope=scope)
    rows = accounts.accounts(scope)
    if form.is_valid():
        rows = accounts.search(rows, form.cleaned_data["q"])
        if form.cleaned_data["unit"]:
            rows = rows.filter(unit=form.cleaned_data["unit"])
        state = form.cleaned_data["state"]
        if state == "active":
            rows = rows.filter(user__is_active=True)
        elif state == "inactive":
            rows = rows.filter(user__is_active=False)
        elif state == "locked":
            rows = rows.filter(locked=True)
    rows = rows.order_by("unit__kind", "unit__parent__code", "unit__code", "user__first_name", "user__last_name")
    page = Paginator(rows, 50).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "accounts/account_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_create": scope.manageable_units().exists()},
    )


@login_required
def account_create(request):
    scope = request.scope
    _require_manager(scope)
    form = AccountForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            result = accounts.create_account(scope, request.user, form.cleaned_data, base_url=_base_url(request))
        except ValidationError as error:
            _apply(form, error)
        else:
            if result.temporary_password:
                return _show_password(request, result.user, result.temporary_password)
            messages.success(
                request,
                _("Đã tạo tài khoản %(username)s và gửi thư có liên kết đặt mật khẩu đến %(email)s.")
                % {"username": result.user.username, "email": result.user.email},
            )
            return redirect("accounts:account_detail", result.user.pk)
    return render(request, "accounts/account_form.html", {"form": form, "title": _("Tạo tài khoản")})


def _show_password(request, user, password):
    staff = Staff.objects.select_related("unit").get(user=user)
    return render(request, "accounts/temporary_password.html", {"staff": staff, "password": password})


@login_required
def account_detail(request, pk):
    scope = request.scope
    staff = accounts.account(scope, pk)
    can_manage = scope.can_manage_accounts(staff.unit)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "staff": staff,
            "account": staff.user,
            "can_manage": can_manage,
            "assignments": Assignment.objects.filter(user=staff.user).select_related("unit", "created_by"),
            # The audit is for those who manage the account (and the person it is about).
            "events": accounts.events(scope, user=staff.user) if can_manage or staff.user == request.user else None,
            "two_factor": two_factor_service.is_enabled(staff.user),
        },
    )


@login_required
def account_edit(request, pk):
    scope = request.scope
    staff = accounts.account(scope, pk, manage=True)
    user = staff.user
    initial = {
        "last_name": user.last_name,
        "first_name": user.first_name,
        "email": user.email,
        "phone": staff.phone,
        "position": staff.position,
        "unit": staff.unit,
        "manages_accounts": staff.manages_accounts,
    }
    form = AccountForm(request.POST or None, initial=initial, scope=scope, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            changed = accounts.update_account(scope, request.user, staff, form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Đã lưu.") if changed else _("Không có gì thay đổi."))
            return redirect("accounts:account_detail", user.pk)
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "title": _("Sửa tài khoản %(username)s") % {"username": user.username}, "staff": staff},
    )


def _action(request, pk, do, done: str):
    staff = accounts.account(request.scope, pk, manage=True)
    try:
        do(staff)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("accounts:account_detail", staff.user_id)


@login_required
@require_POST
def account_deactivate(request, pk):
    return _action(
        request,
        pk,
        lambda s: accounts.deactivate(request.scope, request.user, s),
        _("Đã khóa tài khoản: người dùng không đăng nhập được nữa; dữ liệu và lịch sử vẫn được giữ."),
    )


@login_required
@require_POST
def account_reactivate(request, pk):
    return _action(
        request, pk, lambda s: accounts.reactivate(request.scope, request.user, s), _("Đã mở lại tài khoản.")
    )


@login_required
@require_POST
def account_unlock(request, pk):
    return _action(
        request, pk, lambda s: accounts.lift_lockout(request.scope, request.user, s), _("Đã gỡ khóa đăng nhập.")
    )


@login_required
@require_POST
def account_send_link(request, pk):
    return _action(
        request,
        pk,
        lambda s: accounts.send_password_link(request.scope, request.user, s, base_url=_base_url(request)),
        _("Đã gửi thư có liên kết đặt mật khẩu."),
    )


@login_required
@require_POST
def account_temporary_password(request, pk):
    staff = accounts.account(request.scope, pk, manage=True)
    try:
        password = accounts.issue_temporary_password(request.scope, request.user, staff)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(reverse("accounts:account_detail", args=[staff.user_id]))
    return _show_password(request, staff.user, password)


# -- many accounts from a workbook ----------------------------------------------------------------------------------
IMPORT_KEY = "account_import"


def _require_manager(scope):
    if scope.level is None or not scope.manageable_units().exists():
        raise PermissionDenied(_("Tài khoản của đồng chí không có quyền tạo tài khoản."))


@login_required
def account_import_template(request):
    _require_manager(request.scope)
    units = request.scope.manageable_units().select_related("parent").order_by("kind", "code")
    response = HttpResponse(
        account_workbook.template(units),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-tao-tai-khoan.xlsx"'
    return response


@login_required
def account_import(request):
    """Upload → preview with every problem by row and column (nothing written) → confirm (all or nothing)."""
    scope = request.scope
    _require_manager(scope)
    form = UploadForm()
    context = {"form": form}
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(IMPORT_KEY)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("Bản xem trước đã hết hạn hoặc đã được ghi. Hãy tải tệp lên lại."))
            return redirect("accounts:account_import")
        try:
            results = accounts.create_accounts(scope, request.user, stored["rows"], base_url=_base_url(request))
        except ValidationError as error:
            context["problems"] = error.messages
            status = 400
        else:
            del request.session[IMPORT_KEY]
            return render(request, "accounts/import_done.html", {"results": results})
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            read = account_workbook.read(form.cleaned_data["file"].read())
            if read.problems:
                context["problems"] = read.problems
                status = 400
            else:
                planned, problems = accounts.plan_accounts(scope, read.rows)
                context["planned"] = planned
                if problems:
                    context["row_problems"] = problems
                    status = 400
                else:
                    token = secrets.token_urlsafe(16)
                    request.session[IMPORT_KEY] = {"token": token, "rows": read.rows}
                    context["token"] = token
        else:
            status = 400
    return render(request, "accounts/import.html", context, status=status)


# -- two-step sign-in -----------------------------------------------------------------------------------------------
@login_required
def two_factor(request):
    """Turn two steps on (scan the QR code, confirm with a code), see how many recovery codes are left, get new ones,
    turn two steps off (with the password)."""
    user = request.user
    enabled = two_factor_service.is_enabled(user)
    context = {"enabled": enabled, "required": two_factor_service.required_of(user)}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "enable" and not enabled:
                context["codes"] = two_factor_service.enable(request, user, request.POST.get("code", ""))
                context["enabled"] = True
                messages.success(request, _("Đã bật đăng nhập hai bước."))
            elif action == "codes" and enabled:
                context["codes"] = two_factor_service.new_recovery_codes(user)
                messages.success(request, _("Đã tạo mã dự phòng mới; các mã cũ không còn dùng được."))
            elif action == "disable" and enabled:
                if not user.check_password(request.POST.get("password", "")):
                    raise ValidationError(_("Mật khẩu không đúng."))
                two_factor_service.disable(user, user)
                messages.success(request, _("Đã tắt đăng nhập hai bước."))
                return redirect("accounts:two_factor")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    if not context["enabled"]:  # the QR code of a key kept until confirmed, so a reload shows the same one
        device = two_factor_service.pending_device(user)
        context["qr"] = two_factor_service.qr_data_uri(device)
        context["secret"] = two_factor_service.secret(device)
    else:
        context["codes_left"] = two_factor_service.recovery_codes_left(user)
    return render(request, "accounts/two_factor.html", context)


@login_required
def two_factor_verify(request):
    """The second step of a sign-in."""
    if not request.session.get(two_factor_service.PENDING):
        return redirect("home")
    user = request.user
    if two_factor_service.is_locked(request, user):
        logout(request)
        return render(request, "registration/locked.html", status=429)
    if request.method == "POST":
        device = two_factor_service.verify(request, user, request.POST.get("code", ""))
        if device is not None:
            if device.__class__.__name__ == "StaticDevice":
                left = two_factor_service.recovery_codes_left(user)
                messages.warning(
                    request, _("Đã dùng một mã dự phòng; còn %(n)s mã. Nên tạo mã mới khi còn ít.") % {"n": left}
                )
            return redirect("home")
        if two_factor_service.is_locked(request, user):
            logout(request)
            return render(request, "registration/locked.html", status=429)
        messages.error(request, _("Mã không đúng hoặc đã dùng."))
    return render(request, "accounts/two_factor_verify.html")


@login_required
@require_POST
def account_two_factor_off(request, pk):
    """A manager turns off two steps for someone who lost their phone and their recovery codes."""
    return _action(
        request,
        pk,
        lambda s: two_factor_service.disable(s.user, request.user, _("Do cán bộ quản lý tài khoản tắt")),
        _("Đã tắt đăng nhập hai bước của tài khoản này."),
    )


# -- reorganisation plans (central staff) and a unit's page --------------------------------------------------------
PLAN_KEY = "reorganisation_plan"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def reorganisation_template(request):
    request.scope.require_national()
    return _xlsx(plans.write_template(), "mau-phuong-an-sap-xep.xlsx")


@login_required
def reorganisation(request):
    """The applied plans; upload a plan → its preview with every problem by sheet, row and column (nothing
    written) → confirm (reorganisation_apply)."""
    request.scope.require_national()
    form, context, status = PlanUploadForm(), {}, 200
    if request.method == "POST":
        form = PlanUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            plan = plans.read_plan(upload)
            context["preview"] = shown = plans.preview(plan)
            if shown.applicable:
                token = secrets.token_urlsafe(16)
                request.session[PLAN_KEY] = {
                    "token": token,
                    "content": base64.b64encode(plan.content).decode(),
                    "name": upload.name[:255],
                }
                context["token"] = token
            else:
                status = 400
        else:
            status = 400
    context |= {"form": form, "plans": history.applied_plans()}
    return render(request, "centers/reorganisation/index.html", context, status=status)


@login_required
@require_POST
def reorganisation_apply(request):
    """Apply the plan previewed in this session (a second confirm finds nothing to apply)."""
    request.scope.require_national()
    stored = request.session.get(PLAN_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("Bản xem trước đã hết hạn hoặc phương án đã được áp dụng. Hãy tải tệp lên lại."))
        return redirect("accounts:reorganisation")
    del request.session[PLAN_KEY]
    label = _("Áp dụng phương án %(name)s") % {"name": stored["name"]}
    job = jobs.enqueue(request.user, "reorganise", label, {"content": stored["content"], "name": stored["name"]})
    if job.state == job.State.DONE and job.result_url:  # run in this process (no broker): straight to the plan
        messages.success(request, job.message)
        return redirect(job.result_url)
    if job.state == job.State.FAILED:
        messages.error(request, job.message)
        return redirect("accounts:reorganisation")
    return redirect("jobs:detail", pk=job.pk)


@login_required
def reorganisation_detail(request, pk):
    request.scope.require_national()
    plan = history.applied_plan(pk)
    if plan is None:
        raise Http404(_("Không tìm thấy phương án."))
    units = [
        (unit, unit_key(unit)) for unit in plan.units.select_related("parent").order_by("kind", "parent_id", "code")
    ]
    context = {"plan": plan, "sections": history.summary_sections(plan), "units": units}
    return render(request, "centers/reorganisation/detail.html", context)


@login_required
def reorganisation_file(request, pk):
    request.scope.require_national()
    plan = history.applied_plan(pk)
    if plan is None:
        raise Http404(_("Không tìm thấy phương án."))
    return _xlsx(bytes(plan.content), plan.file_name or "phuong-an.xlsx")


@login_required
def unit_detail(request, unit):
    """A unit's page: its names over time, its dates, successor and predecessors, communes served, the plans."""
    scope = request.scope
    found = scope.get_unit(unit)
    shown = history.unit_history(found, visible=scope.units())
    context = {
        "history": shown,
        "successor": (found.merged_into, unit_key(found.merged_into)) if found.merged_into else None,
        # Each unit merged into this one, with the quarter it closed in (its last report, finished by the successor).
        "predecessors": [
            (unit, unit_key(unit), Period.quarter_of(unit.active_to) if unit.active_to else None)
            for unit in shown.predecessors
        ],
        "national": scope.is_national,
    }
    return render(request, "centers/unit.html", context)


# -- personal API tokens (centers/api_tokens.py writes them) --------------------------------------------------------
@login_required
@require_POST
def api_token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = api_tokens.create(request.user, form.cleaned_data["name"], days=form.cleaned_data["days"])
        except ValidationError as error:
            _apply(form, error)
        else:
            # Shown once, on this page only (never put in a message or the session).
            return render(request, "accounts/api_token_created.html", {"token": token, "secret": secret})
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect(reverse("accounts:profile") + "#ma-truy-cap")


@login_required
@require_POST
def api_token_revoke(request, pk):
    try:
        token = api_tokens.revoke(request.user, pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect(reverse("accounts:profile") + "#ma-truy-cap")
