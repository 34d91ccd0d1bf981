"""Completion decisions, certificates, the master register and the public verification page. Glue only: the writes
are courses.services', the reads courses.selectors' and reports.certificates', the files reports/exporters/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centers import jobs
from centers.models import Unit
from centers.periods import Period, PeriodError
from centers.scoping import Action, unit_key
from courses import selectors as course_selectors
from courses import services as course_services
from courses.forms import apply_errors
from courses.models import Certificate, CertificateRegister, Course

from . import certificates
from .certificate_forms import DecisionAmendForm, DecisionForm, IssueForm, ReprintForm, VerifyForm


def _course(request, pk, action=Action.VIEW) -> Course:
    course = request.scope.get_object(
        Course.objects.select_related("center", "center__parent", "program"), action=action, pk=pk
    )
    if not course.is_scored:
        raise Http404(_("Lớp này học theo quy định trước ngày 01/12/2025: không có giấy chứng nhận theo sổ gốc."))
    return course


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# -- a class: the decision, who is eligible, the certificates ------------------------------------------------------
def _class_page(request, course, *, decision_form=None, issue_form=None, status=200):
    decision, rows = course_selectors.course_certificate_rows(course)
    can_edit = request.scope.can(Action.ENTER_DATA, course.center)
    if decision_form is None:
        if decision is None:
            decision_form = DecisionForm(initial={"signed_on": timezone.localdate()})
        else:
            decision_form = DecisionAmendForm(
                initial={
                    "number": decision.number,
                    "signed_on": decision.signed_on,
                    "signer": decision.signer,
                    "version": decision.version,
                }
            )
    if issue_form is None:
        issue_form = IssueForm(initial={"issued_on": timezone.localdate()})
    waiting = [row for row in rows if row.covered and row.certificate is None]
    context = {
        "course": course,
        "decision": decision,
        "rows": rows,
        "can_edit": can_edit,
        "decision_form": decision_form,
        "issue_form": issue_form,
        "reprint_form": ReprintForm(),
        "completed": sum(1 for row in rows if row.completes),
        "waiting": len(waiting),
        "issued": sum(1 for row in rows if row.certificate is not None),
        "due_on": decision.certificates_due if decision else None,
        "late": bool(decision and waiting and timezone.localdate() > decision.certificates_due),
        "history": list(decision.history.order_by("-history_id")[:20]) if decision else [],
    }
    return render(request, "reports/certificates/course.html", context, status=status)


@login_required
def course_certificates(request, pk):
    return _class_page(request, _course(request, pk))


@login_required
@require_POST
def decision_save(request, pk):
    course = _course(request, pk, Action.ENTER_DATA)
    decision = getattr(course, "completion_decision", None)
    form = (DecisionAmendForm if decision else DecisionForm)(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if decision is None:
                course_services.decision_record(
                    scope=request.scope,
                    course=course,
                    number=data["number"],
                    signed_on=data["signed_on"],
                    signer=data["signer"],
                    user=request.user,
                )
                messages.success(request, _("Đã ghi quyết định công nhận hoàn thành."))
            else:
                course_services.decision_amend(
                    scope=request.scope,
                    decision=decision,
                    version=data["version"],
                    reason=data["reason"],
                    number=data["number"],
                    signed_on=data["signed_on"],
                    signer=data["signer"],
                    user=request.user,
                )
                messages.success(request, _("Đã sửa quyết định công nhận hoàn thành."))
            return redirect("reports:course_certificates", pk=course.pk)
        except ValidationError as error:
            apply_errors(form, error)
    return _class_page(request, course, decision_form=form, status=400)


@login_required
@require_POST
def certificates_issue(request, pk):
    course = _course(request, pk, Action.ENTER_DATA)
    form = IssueForm(request.POST)
    if form.is_valid():
        chosen = [int(v) for v in request.POST.getlist("chon") if v.isdigit()]
        numbers = {
            int(key[3:]): value.strip()
            for key, value in request.POST.items()
            if key.startswith("so-") and key[3:].isdigit() and value.strip()
        }
        try:
            issued = course_services.certificates_issue(
                scope=request.scope,
                course=course,
                issued_on=form.cleaned_data["issued_on"],
                enrolment_ids=chosen or None,
                numbers=numbers,
                user=request.user,
            )
            messages.success(request, _("Đã cấp %(n)s giấy chứng nhận.") % {"n": len(issued)})
            return redirect("reports:course_certificates", pk=course.pk)
        except ValidationError as error:
            apply_errors(form, error)
    return _class_page(request, course, issue_form=form, status=400)


@login_required
def course_certificates_pdf(request, pk):
    course = _course(request, pk)
    count = Certificate.objects.filter(enrolment__course=course).count()
    if not count:
        messages.info(request, _("Lớp chưa có giấy chứng nhận nào."))
        return redirect("reports:course_certificates", pk=course.pk)
    if count > certificates.inline_limit():
        params = {"what": "course", "course": course.pk, "base_url": _base_url(request)}
        label = _("Giấy chứng nhận: lớp %(code)s (%(n)s giấy)") % {"code": course.code, "n": count}
        job = jobs.enqueue(request.user, certificates.JOB_KIND, label, params)
        return redirect("jobs:detail", pk=job.pk)
    made = certificates.course_certificates_file(scope=request.scope, course=course, base_url=_base_url(request))
    return FileResponse(made.file, filename=made.filename, content_type=made.content_type)


def _certificate(request, pk, action=Action.VIEW) -> Certificate:
    return request.scope.get_object(
        Certificate.objects.select_related("register__center"), path="register__center", action=action, pk=pk
    )


@login_required
def certificate_pdf(request, pk):
    certificate = _certificate(request, pk)
    made = certificates.certificate_file(scope=request.scope, certificate=certificate, base_url=_base_url(request))
    return FileResponse(made.file, filename=made.filename, content_type=made.content_type)


@login_required
@require_POST
def certificate_reprint(request, pk):
    certificate = _certificate(request, pk, Action.ENTER_DATA)
    form = ReprintForm(request.POST)
    course_pk = Certificate.objects.filter(pk=certificate.pk).values_list("enrolment__course_id", flat=True).get()
    if form.is_valid():
        try:
            course_services.certificate_reprint(
                scope=request.scope, certificate=certificate, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reports:course_certificates", pk=course_pk)
        return redirect("reports:certificate_pdf", pk=certificate.pk)
    messages.error(request, _("Nhập lý do in lại (lỗi in)."))
    return redirect("reports:course_certificates", pk=course_pk)


@login_required
@require_POST
def certificate_revoke(request, pk):
    """Revoke a certificate issued in error: kept in the register, marked revoked, shown invalid when verified."""
    certificate = _certificate(request, pk, Action.ENTER_DATA)
    course_pk = Certificate.objects.filter(pk=certificate.pk).values_list("enrolment__course_id", flat=True).get()
    try:
        course_services.certificate_revoke(
            scope=request.scope, certificate=certificate, reason=request.POST.get("reason", ""), user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã thu hồi giấy chứng nhận số %(no)s.") % {"no": f"{certificate.number}/{certificate.register.year}"},
        )
    return redirect("reports:course_certificates", pk=course_pk)


# -- what is due and what is late ----------------------------------------------------------------------------------
def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        return today.year
    return year if 2025 <= year <= today.year + 1 else today.year


@login_required
def certificates_due(request, unit):
    """A center's decisions (or a province's centers'): certificates due, issued late, not issued past the date."""
    unit = request.scope.get_unit(unit)
    if unit.kind == Unit.Kind.CENTER:
        centers = [unit.pk]
    elif unit.kind == Unit.Kind.PROVINCE:
        centers = list(request.scope.centers().filter(parent=unit).values_list("pk", flat=True))
    else:
        raise Http404
    year = _year(request)
    today = timezone.localdate()
    rows = course_selectors.certificates_due(request.scope, centers=centers, year=year, today=today)
    context = {
        "unit": unit,
        "unit_key": unit_key(unit),
        "year": year,
        "years": range(2025, today.year + 1),
        "rows": rows,
        "late": [row for row in rows if row.state == "late"],
        "due": [row for row in rows if row.state == "due"],
        "late_issued": [row for row in rows if row.state == "late_issued"],
        "is_center": unit.kind == Unit.Kind.CENTER,
        "registers": (
            list(CertificateRegister.objects.filter(center=unit).order_by("-year"))
            if unit.kind == Unit.Kind.CENTER
            else []
        ),
    }
    return render(request, "reports/certificates/due.html", context)


# -- the master register -------------------------------------------------------------------------------------------
def _register_center(request, unit, year: int) -> Unit:
    """The center of a register's URL (a 404 for another unit, and for a year no period holds)."""
    try:
        Period.parse(str(year))
    except PeriodError as error:
        raise Http404(str(error)) from error
    center = request.scope.get_unit(unit)
    if center.kind != Unit.Kind.CENTER:
        raise Http404
    return center


@login_required
def register(request, unit, year):
    center = _register_center(request, unit, year)
    rows = course_selectors.register_rows(center, year)
    page = Paginator(rows, 200).get_page(request.GET.get("trang"))
    context = {
        "center": center,
        "unit_key": unit_key(center),
        "year": year,
        "page": page,
        "lines": [certificates.register_line(row) for row in page.object_list],
    }
    return render(request, "reports/certificates/register.html", context)


def _register_download(request, unit, year, fmt):
    center = _register_center(request, unit, year)
    size = certificates.register_size(center, year)
    if size > certificates.register_inline_limit():
        params = {"what": "register", "center": unit_key(center), "year": year, "fmt": fmt}
        label = _("Sổ gốc cấp giấy chứng nhận năm %(y)s: %(c)s") % {"y": year, "c": center.name}
        job = jobs.enqueue(request.user, certificates.JOB_KIND, label, params)
        return redirect("jobs:detail", pk=job.pk)
    made = certificates.register_file(scope=request.scope, center=center, year=year, fmt=fmt)
    return FileResponse(made.file, as_attachment=fmt == "xlsx", filename=made.filename, content_type=made.content_type)


@login_required
def register_xlsx(request, unit, year):
    return _register_download(request, unit, year, "xlsx")


@login_required
def register_pdf(request, unit, year):
    return _register_download(request, unit, year, "pdf")


# -- the public verification (no login) ----------------------------------------------------------------------------
def _client_address(request) -> str:
    """The client's address as the login throttle (django-axes) resolves it, so both follow one proxy setting."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or "?"


def verify(request):
    """The code form: `?ma=` goes to the code's page (where the lookup is counted)."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = certificates.normalise_code(form.cleaned_data["code"]) or "-"
        return redirect("reports:verify_code", code=code)
    return render(request, "reports/certificates/verify.html", {"form": form})


def verify_code(request, code):
    """What a certificate says, for anyone holding it: never the CCCD. An unknown and a malformed code get the
    same page; lookups are limited per client address."""
    if not certificates.lookup_allowed(_client_address(request)):
        allowed, seconds = certificates.lookup_limit()
        response = render(
            request,
            "reports/certificates/verify_limited.html",
            {"allowed": allowed, "minutes": max(1, seconds // 60)},
            status=429,
        )
        response["Retry-After"] = str(seconds)
        return response
    certificate = certificates.find_certificate(code)
    if certificate is None:
        return render(request, "reports/certificates/verify.html", {"form": VerifyForm(), "unknown": True}, status=404)
    course = certificate.enrolment.course
    context = {
        "form": VerifyForm(),
        "certificate": certificate,
        "course": course,
        "center_name": certificate.register.center.name_on(certificate.issued_on),
        "grade": certificate.get_grade_display(),
    }
    return render(request, "reports/certificates/verify.html", context)
