"""Report pages: a center's quarterly report, the completeness table, the briefing. Thin glue only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centers import jobs
from centers.accounts import activity_rows as account_activity
from centers.lineage import Boundaries, default_boundaries
from centers.models import Unit
from centers.people import person_name
from centers.periods import Period, PeriodError
from centers.scoping import Action, home_unit, unit_key
from courses.forms import apply_errors

from . import briefing, inbox, services
from .dashboard import build, chart_tables, period_options, scored_lines, unit_rows_html, unit_table
from .figures import completeness, counting, programs, snapshot
from .figures.basis import Basis
from .figures.types import Figures, result_scales
from .formatting import vn_int
from .forms import (
    BOUNDARIES_PARAM,
    BriefingForm,
    CommentForm,
    DeadlineForm,
    NarrativeForm,
    UnlockForm,
    parse_basis,
    parse_boundaries,
)
from .models import Briefing, CenterReport, ExportLog, deadlines
from .names import attach_former_names


@login_required
def home(request):
    """The landing page for the user's level: what they may see, with the year's figures per unit."""
    scope = request.scope
    unit = home_unit(scope)
    today = timezone.localdate()
    try:
        period = Period.parse(request.GET["ky"]) if request.GET.get("ky") else None
    except PeriodError:
        period = None
    if period is None:
        period = Period(counting.landing_year(unit, today=today) if unit else today.year, "Y")
    rollup = counting.rollup(unit=unit, period=period, compare=False) if unit else None
    rows = []
    if rollup is not None:
        if scope.is_national:
            rows = [(province, figures) for province, figures, _ in rollup.by_province()]
        else:
            rows = [(center, rollup.by_center.get(center.pk, Figures())) for center in rollup.listed_centers()]
    return render(
        request,
        "home.html",
        {
            "period": period,
            "years": range(today.year, today.year - 6, -1),
            "rollup": rollup,
            "rows": rows,
            "inbox": inbox.inbox(scope, request.user, today) if scope.level else [],
        },
    )


def _period(key: str) -> Period:
    try:
        return Period.parse(key)
    except PeriodError as error:
        raise Http404(str(error)) from error


def _unit_period(request, unit, period, action=Action.VIEW, quarter=False):
    """The unit (through the scope) and the period of a URL; `quarter=True` for what only exists per quarter."""
    period = _period(period)
    unit = request.scope.get_unit(unit, action=action, day=period.start if action is Action.ENTER_DATA else None)
    if quarter and not period.is_quarter:
        raise Http404(_("Báo cáo của trung tâm lập theo quý."))
    return unit, period


def report_url(unit: Unit, period: Period) -> str:
    return reverse("reports:report", args=[unit_key(unit), period.key])


@login_required
def report_index(request):
    """The report of the user's own unit for the current reporting quarter (the one just ended)."""
    unit = home_unit(request.scope)
    if unit is None:
        raise Http404
    return redirect(report_url(unit, inbox.quarter_needing_action(unit, request.scope)))


@login_required
def report(request, unit, period):
    unit, period = _unit_period(request, unit, period)
    if not period.is_quarter:
        raise Http404(_("Báo cáo của trung tâm lập theo quý."))
    if unit.kind == Unit.Kind.CENTER:
        return _center_report(request, unit, period)
    if unit.kind == Unit.Kind.PROVINCE:
        return _province_completeness(request, unit, period)
    if unit.kind == Unit.Kind.CENTRAL:
        rows = completeness.national_completeness(period=period)
        _names_of_the_time([unit, *(row.province for row in rows)])
        total = completeness.ProvinceCompleteness.total(rows)
        context = {"unit": unit, "period": period, "rows": rows, "total": total}
        return render(request, "reports/national_completeness.html", context)
    raise Http404


def _names_of_the_time(units) -> None:
    """The units' former names, as a prefetch leaves them, from those read once per epoch (reports/names.py): a
    page of a period shows each unit as it was named then (the `named` template filter, `Unit.name_on`)."""
    attach_former_names(units)


def _report_of(center, period) -> CenterReport | None:
    return CenterReport.objects.filter(center=center, year=period.year, quarter=period.index).first()


def _report_or_draft(center, period) -> tuple[CenterReport | None, CenterReport]:
    """The saved report (or None), and what the form edits: that report, or a blank draft not yet written."""
    report = _report_of(center, period)
    return report, report or CenterReport(center=center, year=period.year, quarter=period.index)


def _center_report(request, center, period, form=None, status=200):
    scope = request.scope
    # Opening a quarter writes nothing: the report is created by its first save (a blank draft until then).
    report, draft = _report_or_draft(center, period)
    can_enter = scope.can(Action.ENTER_DATA, center, day=period.start)
    rollup = counting.rollup(unit=center, period=period, basis=Basis.ALL)
    plan = {line.program_id: line.planned_classes for line in report.plan.all()} if report else {}
    editable = can_enter and draft.is_editable_by_center
    if form is None and editable:
        form = NarrativeForm(instance=draft, plan=plan)
    can_review = scope.can(Action.REVIEW, center)
    # The center checks before it sends; the board sees the same checks on what was sent (a figure 70% below the
    # same quarter a year earlier, classes finished without results).
    reviewing = can_review and report is not None and report.status == CenterReport.Status.SUBMITTED
    check = services.report_check(report=draft) if editable or reviewing else None
    return render(
        request,
        "reports/report.html",
        {
            "center": center,
            "period": period,
            "report": report,
            "rollup": rollup,
            "form": form,
            "editable": editable,
            "can_review": can_review,
            "check": check,
            "plan_lines": report.plan.select_related("program").order_by("program__order") if report else [],
            "transitions": report.transitions.select_related("by") if report else [],
            "next_period": period.next_quarter(),
            "comment_form": CommentForm(),
            "unlock_form": UnlockForm(),
            "lock": services.lock_reason_for(
                center=center, period=period, for_reviewer=scope.can(Action.REVIEW, center)
            ),
            # What moved since the report was sent (the board reviews what was sent, and sees the difference).
            "changed": snapshot.changes(report.submitted_figures, rollup.total)
            if report and report.status == CenterReport.Status.SUBMITTED
            else [],
            "deadline": deadlines(period, [center.parent_id])[center.parent_id],
            # The 2025 rules' figures, the grades by scale and the programs across the catalogue change.
            "scored_lines": scored_lines(rollup.total, timezone.localdate()),
            "result_scales": result_scales(rollup.total),
            "program_comparison": programs.across_the_change(rollup),
        },
        status=status,
    )


def _province_completeness(request, province, period, deadline_form=None):
    table = completeness.completeness(province=province, period=period)
    _names_of_the_time([province, *(row.center for row in table.rows)])
    return render(
        request,
        "reports/completeness.html",
        {
            "unit": province,
            "period": period,
            "table": table,
            "can_review": request.scope.can(Action.REVIEW, province),
            "deadline_form": deadline_form or DeadlineForm(initial={"due_on": table.deadline}),
            "statuses": [(key, label) for key, label in completeness.STATUS_LABELS.items()],
        },
    )


@login_required
@require_POST
def report_save(request, unit, period):
    center, period = _unit_period(request, unit, period, Action.ENTER_DATA, quarter=True)
    report, draft = _report_or_draft(center, period)
    if not draft.is_editable_by_center:
        messages.error(
            request,
            _("Báo cáo đang ở trạng thái “%(s)s”, không sửa được; không có gì bị ghi.")
            % {"s": report.get_status_display()},
        )
        return redirect(report_url(center, period))
    form = NarrativeForm(request.POST, instance=draft)
    if not form.is_valid():
        return _center_report(request, center, period, form=form, status=400)
    try:
        with transaction.atomic():  # the first save creates the report; a refused one leaves none behind
            report = services.report_save(
                scope=request.scope,
                report=report or services.report_get_or_create(scope=request.scope, center=center, period=period),
                version=form.cleaned_data.get("version"),
                plan=form.plan(),
                **form.narrative(),
            )
    except ValidationError as error:
        apply_errors(form, error)
        return _center_report(request, center, period, form=form, status=400)
    if "submit" not in request.POST:
        messages.success(request, _("Đã lưu báo cáo."))
        return redirect(report_url(center, period))
    try:
        # The version this request has just saved: a change by someone else in between is not submitted unseen.
        check = services.report_submit(scope=request.scope, report=report, version=report.version, user=request.user)
    except ValidationError as error:
        # The save above has committed: say so, and show the form again at the version just saved, or the next
        # save would be refused as a conflict with the user's own save.
        data = request.POST.copy()
        data["version"] = str(report.version)
        form = NarrativeForm(data, instance=report)
        form.is_valid()
        form.add_error(None, _("Đã lưu bản nháp; báo cáo chưa được gửi vì:"))
        apply_errors(form, error)
        return _center_report(request, center, period, form=form, status=400)
    messages.success(request, _("Đã gửi báo cáo %(p)s tới %(board)s.") % {"p": period.label, "board": center.parent})
    for warning in check.warnings:
        messages.warning(request, warning)
    return redirect(report_url(center, period))


def _review_post(request, unit, period, action):
    center, period = _unit_period(request, unit, period, Action.REVIEW, quarter=True)
    report = _report_of(center, period)
    if report is None:
        messages.error(request, _("Trung tâm chưa lập báo cáo quý này."))
        return redirect(report_url(center, period))
    try:
        action(report)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(report_url(center, period))


@login_required
@require_POST
def report_approve(request, unit, period):
    def act(report):
        services.report_approve(scope=request.scope, report=report, user=request.user)
        messages.success(request, _("Đã phê duyệt báo cáo của %(c)s.") % {"c": report.center.name})

    return _review_post(request, unit, period, act)


@login_required
@require_POST
def report_return(request, unit, period):
    def act(report):
        services.report_return(
            scope=request.scope, report=report, user=request.user, comment=request.POST.get("comment", "")
        )
        messages.success(request, _("Đã trả lại báo cáo kèm ý kiến."))

    return _review_post(request, unit, period, act)


@login_required
@require_POST
def report_unlock(request, unit, period):
    def act(report):
        services.report_unlock(
            scope=request.scope, report=report, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Đã mở khóa; trung tâm có thể sửa số liệu và gửi lại báo cáo."))

    return _review_post(request, unit, period, act)


@login_required
@require_POST
def report_withdraw(request, unit, period):
    center, period = _unit_period(request, unit, period, Action.ENTER_DATA, quarter=True)
    report = _report_of(center, period)
    if report is None:
        raise Http404(_("Trung tâm chưa lập báo cáo quý này."))
    try:
        services.report_withdraw(scope=request.scope, report=report, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã rút lại báo cáo %(p)s; trung tâm sửa rồi gửi lại.") % {"p": period.label})
    return redirect(report_url(center, period))


@login_required
@require_POST
def approve_many(request, unit, period):
    province, period = _unit_period(request, unit, period, Action.REVIEW, quarter=True)
    # A set: the same report ticked twice (two rows, a resent form) is approved once, not refused as missing.
    ids = {int(x) for x in request.POST.getlist("report") if x.isascii() and x.isdigit()}
    reports = request.scope.filter(CenterReport.objects.filter(pk__in=ids, year=period.year, quarter=period.index))
    if len(ids) == 0:
        messages.error(request, _("Chưa chọn báo cáo nào."))
    elif reports.count() != len(ids):
        raise Http404
    else:
        try:
            n = services.reports_approve_many(scope=request.scope, reports=reports, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            messages.error(request, _("Không có báo cáo nào được phê duyệt."))
        else:
            messages.success(request, _("Đã phê duyệt %(n)s báo cáo.") % {"n": n})
    return redirect(report_url(province, period))


@login_required
@require_POST
def deadline_set(request, unit, period):
    province, period = _unit_period(request, unit, period, Action.REVIEW, quarter=True)
    form = DeadlineForm(request.POST, period=period)
    if form.is_valid():
        try:
            services.deadline_set(
                scope=request.scope,
                province=province,
                period=period,
                due_on=form.cleaned_data["due_on"],
                user=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã đặt hạn nộp báo cáo %(p)s.") % {"p": period.label})
    else:
        for message in form.errors["due_on"]:
            messages.error(request, message)
    return redirect(report_url(province, period))


@login_required
@require_POST
def remind(request, unit, period):
    province, period = _unit_period(request, unit, period, Action.REVIEW, quarter=True)
    center = request.POST.get("center") or ""
    if center != "all" and not (center.isdigit() and len(center) <= 18):
        raise Http404(_("Không tìm thấy trung tâm."))
    try:
        done = services.remind_centers(
            scope=request.scope,
            province=province,
            period=period,
            center_id=None if center == "all" else int(center),
            user=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(report_url(province, period))
    if done.centers:
        messages.success(
            request,
            _("Đã gửi thư nhắc cho %(n)s trung tâm: %(names)s.")
            % {"n": vn_int(len(done.centers)), "names": "; ".join(c.name for c in done.centers)},
        )
    if done.already:
        messages.info(
            request,
            _("Đã nhắc hôm nay, không gửi lại: %(names)s.") % {"names": "; ".join(c.name for c in done.already)},
        )
    if done.unreachable:
        messages.warning(
            request,
            _("Không có địa chỉ thư để nhắc: %(names)s.") % {"names": "; ".join(c.name for c in done.unreachable)},
        )
    if not (done.centers or done.already or done.unreachable):
        messages.info(request, _("Không có trung tâm nào quá hạn báo cáo %(p)s.") % {"p": period.label})
    return redirect(report_url(province, period))


@login_required
def briefing_page(request, unit, period):
    unit, period = _unit_period(request, unit, period)
    scope = request.scope
    can_edit = unit.kind == Unit.Kind.PROVINCE and scope.can(Action.REVIEW, unit)
    basis = parse_basis(request.GET.get("so_lieu"), unit)
    boundaries = parse_boundaries(request.GET.get(BOUNDARIES_PARAM), period)
    # The board edits the briefing of the period's default boundaries; the other view is read only.
    can_edit = can_edit and boundaries is default_boundaries(period.end)
    text, edited, outdated = briefing.current(unit=unit, period=period, basis=basis, boundaries=boundaries)
    form = BriefingForm(initial={"text": text})
    # Every version kept of this unit, period and basis (who, when, edited or generated), newest first.
    versions = Briefing.objects.filter(unit=unit, period_key=period.key, basis=basis).select_related("edited_by")
    shown = versions.filter(pk=request.GET["phien-ban"]).first() if request.GET.get("phien-ban", "").isdigit() else None
    if request.method == "POST":
        if not can_edit:
            scope.require(Action.REVIEW, unit)
            raise Http404
        try:
            if "restore" in request.POST:  # an earlier version back in use, as a new version (nothing is lost)
                wanted = request.POST["restore"]
                version = versions.filter(pk=wanted if wanted.isdigit() else 0).first()
                if version is None:
                    raise Http404(_("Không tìm thấy phiên bản."))
                services.briefing_save(
                    scope=scope, unit=unit, period=period, text=version.text, user=request.user, basis=basis
                )
                messages.success(
                    request,
                    _("Đã khôi phục phiên bản lúc %(at)s; bản này được dùng khi xuất báo cáo.")
                    % {"at": timezone.localtime(version.edited_at).strftime("%H:%M %d/%m/%Y")},
                )
                return redirect(request.get_full_path())
            if "regenerate" in request.POST:
                services.briefing_regenerate(
                    scope=scope,
                    unit=unit,
                    period=period,
                    user=request.user,
                    basis=basis,
                    text=briefing.generate(unit=unit, period=period, basis=basis),
                )
                messages.success(request, _("Đã tạo lại đoạn tổng hợp từ số liệu."))
                return redirect(request.get_full_path())
            form = BriefingForm(request.POST)
            if form.is_valid():
                services.briefing_save(
                    scope=scope,
                    unit=unit,
                    period=period,
                    text=form.cleaned_data["text"],
                    user=request.user,
                    basis=basis,
                )
                messages.success(request, _("Đã lưu đoạn tổng hợp; bản này sẽ được dùng khi xuất báo cáo."))
                return redirect(request.get_full_path())
        except ValidationError as error:
            apply_errors(form, error)
    return render(
        request,
        "reports/briefing.html",
        {
            "unit": unit,
            "period": period,
            "text": text,
            "edited": edited,
            "outdated": outdated,
            "form": form,
            "can_edit": can_edit,
            "basis": basis,
            "basis_label": Basis(basis).label,
            "versions": list(versions[:50]),
            "shown_version": shown,
            "dashboard_url": reverse("reports:dashboard", args=[unit_key(unit), period.key])
            + f"?so_lieu={basis}&{BOUNDARIES_PARAM}={boundaries.value}",
            "boundaries_label": (
                counting.rollup(unit=unit, period=period, basis=basis, boundaries=boundaries).boundaries_label
                if unit.kind != Unit.Kind.CENTER
                else ""
            ),
        },
    )


@login_required
def help_page(request):
    """A short help page for the user's role (templates/help/index.html)."""
    return render(request, "help/index.html")


# -- dashboards ---------------------------------------------------------------------------------------------------
@login_required
def dashboard_index(request):
    unit = home_unit(request.scope)
    if unit is None:
        raise Http404
    year = counting.landing_year(unit, today=timezone.localdate())
    return redirect(reverse("reports:dashboard", args=[unit_key(unit), str(year)]))


@login_required
def dashboard(request, unit, period):
    unit, period = _unit_period(request, unit, period)
    if unit.kind not in (Unit.Kind.CENTER, Unit.Kind.PROVINCE, Unit.Kind.CENTRAL):
        raise Http404
    basis = parse_basis(request.GET.get("so_lieu"), unit)
    if request.GET.get("ky") and request.GET["ky"] != period.key:
        try:
            chosen = Period.parse(request.GET["ky"])
        except PeriodError:
            messages.error(request, _("Kỳ báo cáo không hợp lệ."))
        else:
            url = reverse("reports:dashboard", args=[unit_key(unit), chosen.key])
            return redirect(f"{url}?so_lieu={basis}")  # the new period opens in its own default boundaries
    boundaries = parse_boundaries(request.GET.get(BOUNDARIES_PARAM), period)
    context = build(unit=unit, period=period, basis=basis, boundaries=boundaries)
    _names_of_the_time([unit, *(row.unit for row in context["rows"])])
    today = timezone.localdate()
    # Carried by every link of the page that shows figures (exports, briefing, breadcrumb, the units table).
    query = urlencode({"so_lieu": basis, BOUNDARIES_PARAM: boundaries.value})
    context.update(
        {
            "unit": unit,
            "period": period,
            "basis": basis,
            "basis_choices": Basis.choices,
            "boundaries": boundaries,
            "boundaries_choices": [(member.value, member.label) for member in Boundaries],
            "query": query,
            "unit_rows_html": unit_rows_html(unit_table(context["rows"], unit=unit, period=period, query=query)),
            "period_options": period_options(period.key, today.year),
            **chart_tables(rollup=context["rollup"], trend=context["trend"], results=context["results"]),
            "can_edit_briefing": unit.kind == Unit.Kind.PROVINCE and request.scope.can(Action.REVIEW, unit),
            "parent": unit.parent if unit.parent and request.scope.can_see(unit.parent) else None,
            # A commune-level center: the communes, wards and special zones it served in the period.
            "served_communes": (
                list(unit.served_communes.active_between(period.start, period.end)) if unit.is_commune_center else []
            ),
        }
    )
    return render(request, "reports/dashboard.html", context)


# -- exports -------------------------------------------------------------------------------------------------
def _export(request, unit, period, fmt):
    unit, period = _unit_period(request, unit, period)
    if unit.kind not in (Unit.Kind.CENTER, Unit.Kind.PROVINCE, Unit.Kind.CENTRAL):
        raise Http404
    basis, roster = parse_basis(request.GET.get("so_lieu"), unit), request.GET.get("danh_sach") == "1" and fmt == "xlsx"
    boundaries = parse_boundaries(request.GET.get(BOUNDARIES_PARAM), period)
    if services.is_long_export(unit, roster=roster):  # a background job, its page, then the file
        request.scope.require(Action.VIEW, unit)
        params = {"unit": unit_key(unit), "period": period.key, "fmt": fmt, "basis": basis, "roster": roster}
        params["boundaries"] = boundaries.value
        label = services.export_label(unit, period, fmt=fmt, roster=roster)
        job = jobs.enqueue(request.user, "export", label, params)
        return redirect("jobs:detail", pk=job.pk)
    export = services.report_export(
        scope=request.scope,
        unit=unit,
        period=period,
        fmt=fmt,
        basis=basis,
        boundaries=boundaries,
        roster=roster,
        user=request.user,
    )
    return FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=export.content_type)


@login_required
def export_xlsx(request, unit, period):
    return _export(request, unit, period, "xlsx")


@login_required
def export_docx(request, unit, period):
    return _export(request, unit, period, "docx")


# -- history ---------------------------------------------------------------------------------------------------
def _report_subject(record) -> str:
    return f"Báo cáo {Period(record.year, 'Q', record.quarter).label} – {record.center}"


@login_required
def report_history(request, unit, period):
    from courses.history import entries

    center, period = _unit_period(request, unit, period)
    report = _report_of(center, period)
    if report is None or center.kind != Unit.Kind.CENTER:
        raise Http404
    rows = entries(report.history.order_by("-history_id"), limit=200, subject=_report_subject)
    return render(request, "history.html", {"title": f"{report}", "back": report_url(center, period), "rows": rows})


@login_required
def activity(request):
    """What was changed lately in the user's scope (classes, learners, enrolments, lecturers, reports, exports)."""
    from courses.history import entries
    from courses.models import Course, Enrolment, Learner, Lecturer

    scope = request.scope
    rows = []
    sources = [
        (Course.history.all(), "center", lambda r: f"Lớp {r.code} – {r.title}"),
        (Enrolment.history.all(), "course__center", lambda r: f"Học viên {r.learner} – lớp {r.course.code}"),
        (Learner.history.all(), "center", lambda r: f"Học viên {r.full_name}"),
        (Lecturer.history.all(), "center", lambda r: f"Giảng viên {r.full_name}"),
        (CenterReport.history.all(), "center", _report_subject),
    ]
    for queryset, path, subject in sources:
        rows += entries(scope.filter(queryset, path).order_by("-history_date"), limit=100, subject=subject)
    exports = scope.filter(ExportLog.objects.select_related("user", "unit"), "unit").order_by("-at")[:100]
    from courses.history import Entry

    for export in exports:
        kind = {"xlsx": "Excel", "docx": "Word"}.get(export.format, export.format)
        what = f"Xuất {kind} {export.unit} {Period.parse(export.period_key).label}" + (
            " kèm danh sách học viên" if export.roster else ""
        )
        rows.append(Entry(export.at, person_name(export.user), "Xuất báo cáo", what))
    rows += account_activity(scope)  # account changes, for those who manage the accounts
    rows.sort(key=lambda e: e.when, reverse=True)
    return render(request, "history.html", {"title": _("Nhật ký hoạt động"), "rows": rows[:300], "activity": True})
