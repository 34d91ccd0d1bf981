"""Thin views: resolve the scope, parse the form, call a service, render. No counting, no rules here."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centers import jobs
from centers.compiled import CompiledQuery
from centers.models import Unit
from centers.periods import period_groups
from centers.scoping import Action

from . import roster, selectors, services
from .forms import (
    CancelCourseForm,
    CourseFilterForm,
    CourseForm,
    LearnerForm,
    LearnerSearchForm,
    LearnerTransferForm,
    LecturerForm,
    PostedResultFormSet,
    ResultFormSet,
    UploadForm,
    apply_errors,
)
from .importing import plan_batch
from .locking import save_notice
from .marks import threshold_text
from .models import Course, Enrolment, ImportBatch, Learner, Lecturer, Program
from .tables import blank_learner_form, course_rows, roster_rows
from .text import fold, normalise_cccd, roster_sort_key
from .validators import VERSION_MISSING
from .workbook import template_workbook
from .workbook.reading import thousands

PAGE_SIZE = 50


def _id(value) -> int:
    """A database id from a form value; anything else is a 404, never a 500."""
    from django.http import Http404

    text = str(value or "")
    if not text.isdigit() or len(text) > 18:
        raise Http404(_("Không tìm thấy dữ liệu."))
    return int(text)


def _own_center(request, action=Action.ENTER_DATA):
    """Center staff write for their own center; everyone else is refused here (403)."""
    scope = request.scope
    if not scope.is_center:
        raise PermissionDenied(_("Chỉ cán bộ trung tâm chính trị mới nhập dữ liệu."))
    scope.require(action, scope.unit)
    return scope.unit


# The class of every class page and form post, compiled once (centers/compiled.py): composing it cost more than
# running it.
_COURSE = CompiledQuery(
    Course,
    lambda pk: Course.objects.select_related("center", "center__parent", "program", "homeroom").filter(pk=pk),
    samples=((-1,), (-2,)),
)


def _course(request, pk, action=Action.VIEW) -> Course:
    return request.scope.get_compiled(_COURSE, pk, action=action)


# -- classes ----------------------------------------------------------------------------------------------
@login_required
def course_list(request):
    scope = request.scope
    today = timezone.localdate()
    form = CourseFilterForm(
        request.GET or None,
        centers=scope.centers().order_by("code"),
        period_choices=period_groups(range(2020, today.year + 1)),
    )
    if form.is_bound:
        form.is_valid()  # a value that is not valid is shown with its error; the valid ones still filter
    courses = selectors.course_list(scope, form.cleaned_data if form.is_bound else {})
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("trang"))
    selectors.with_enrolment_counts(page)
    query = request.GET.copy()
    query.pop("trang", None)
    sort = request.GET.get("sap_xep") if request.GET.get("sap_xep") in selectors.SORTS else "-bat_dau"
    unsorted = query.copy()  # the headers' links: the filters, a new sort, the first page
    unsorted.pop("sap_xep", None)
    columns = {}  # column → (its link's sort, the arrow shown): a click sorts up, a second click down
    for key in ("ma", "ten", "trung_tam", "chuong_trinh", "bat_dau", "ket_thuc", "trang_thai"):
        current = sort.lstrip("-") == key
        columns[key] = (f"-{key}" if sort == key else key, ("▼" if sort.startswith("-") else "▲") if current else "")
    return render(
        request,
        "courses/course_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "unsorted": unsorted.urlencode(),
            "sort": sort,
            "columns": columns,
            "rows_html": mark_safe(course_rows(page, with_center=scope.sees_several_centers)),
            "can_enter": scope.is_center,
        },
    )


@login_required
def course_create(request):
    center = _own_center(request)
    form = CourseForm(request.POST or None, center=center, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                scope=request.scope,
                center=center,
                user=request.user,
                lecturers=form.cleaned_data["lecturers"],
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã tạo lớp “%(c)s”.") % {"c": course})
            return redirect("courses:course_detail", pk=course.pk)
    return render(request, "courses/course_form.html", {"form": form, "creating": True})


@login_required
def course_edit(request, pk):
    course = _course(request, pk, Action.ENTER_DATA)
    form = CourseForm(request.POST or None, instance=course, center=course.center)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(
                scope=request.scope,
                course=course,
                version=form.cleaned_data.get("version"),
                lecturers=form.cleaned_data["lecturers"],
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi của lớp."))
            return redirect("courses:course_detail", pk=course.pk)
    lock = services.lock_reason(center=course.center, day=course.start_date)
    notice = None if lock else save_notice(center=course.center, day=course.start_date)
    return render(request, "courses/course_form.html", {"form": form, "course": course, "lock": lock, "notice": notice})


@login_required
def course_cancel(request, pk):
    course = _course(request, pk, Action.ENTER_DATA)
    form = CancelCourseForm(request.POST or None, initial={"version": course.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.course_cancel(
                scope=request.scope,
                course=course,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã hủy lớp. Lớp vẫn được lưu nhưng không được tính vào số liệu."))
            return redirect("courses:course_detail", pk=course.pk)
    lock = services.lock_reason(center=course.center, day=course.start_date)
    return render(request, "courses/course_cancel.html", {"form": form, "course": course, "lock": lock})


def _search_learners(learners, q: str):
    """Learners of a queryset (a center's, or a scope's) by name without diacritics, dd/mm/yyyy or CCCD digits."""
    q = (q or "").strip()
    if not q:
        return Learner.objects.none()
    # CCCDs are stored as ASCII digits: full-width digits typed in the box are searched as the CCCD they stand for.
    digits = normalise_cccd(q) or ""
    if len(digits) >= 4 and digits.isascii() and digits.isdigit():
        return learners.filter(national_id__contains=digits)[:20]
    try:
        day = datetime.datetime.strptime(q, "%d/%m/%Y").date()
    except ValueError:
        return learners.filter(name_key__contains=fold(q)).order_by("name_key", "date_of_birth")[:20]
    return learners.filter(date_of_birth=day).order_by("name_key")[:20]


@login_required
def course_detail(request, pk):
    scope = request.scope
    course = _course(request, pk)
    can_edit = scope.can(Action.ENTER_DATA, course.center) and not course.is_cancelled
    lock = services.lock_reason(center=course.center, day=course.start_date)
    enrolments, formset = _roster(course)
    search = LearnerSearchForm(request.GET or None)
    found = []
    if can_edit and search.is_valid() and search.cleaned_data["q"]:
        enrolled = {e.learner_id for e in enrolments}
        own = Learner.objects.filter(center=course.center)
        found = [(ln, ln.pk in enrolled) for ln in _search_learners(own, search.cleaned_data["q"])]
    learner_form = LearnerForm(prefix="hv")
    return _render_detail(request, course, enrolments, formset, search, found, learner_form, can_edit, lock)


# What the roster reads of each enrolment and learner (a class of 200 builds 400 objects: not every column).
ROSTER_FIELDS = (
    "course_id",
    "learner_id",
    "result",
    "certificate_no",
    "periods_attended",
    "score",
    "retake_score",
    "class_role",
    "version",
    "learner__full_name",
    "learner__date_of_birth",
    "learner__gender",
    "learner__group",
    "learner__national_id",
)


def _roster(course):
    """The class's current enrolments, in class-list order (given name, then whole name, as Vietnamese lists are
    read), and the results formset over them (one query)."""
    enrolments = list(
        Enrolment.objects.filter(course=course, removed_at__isnull=True).select_related("learner").only(*ROSTER_FIELDS)
    )
    enrolments.sort(key=lambda e: (*roster_sort_key(e.learner.full_name), e.pk))
    formset = ResultFormSet(
        initial=[
            {"enrolment": e.pk, "version": e.version, "result": e.result, "certificate_no": e.certificate_no}
            for e in enrolments
        ],
        prefix="kq",
    )
    return enrolments, formset


def _just_removed(request, course):
    """The enrolment taken off this class by the previous request, to offer "Hoàn tác" once (None otherwise)."""
    pk = request.session.pop(UNDO_KEY, None)
    if pk is None:
        return None
    return Enrolment.objects.select_related("learner").filter(pk=pk, course=course, removed_at__isnull=False).first()


def _render_detail(
    request, course, enrolments, formset, search, found, learner_form, can_edit, lock, status=200, posted=None
):
    rows = roster_rows(enrolments, formset, course, posted, editable=can_edit and not lock)
    totals = roster.result_totals(course=course, enrolments=enrolments)
    rules = course.rules
    scored = course.is_scored
    if not scored:  # xuất sắc exists only under the scored rules: an older class lists its four words
        outstanding = str(Enrolment.Result.OUTSTANDING.label)
        totals["by_result"] = [(label, n) for label, n in totals["by_result"] if str(label) != outstanding]
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "rows": rows,
            "roster_html": mark_safe("".join(row.html + "\n    " for row in rows)),  # as a template loop drew them
            # Not the formset: a template's first lookup of formset.x is formset["x"], which builds every form.
            "management_form": formset.management_form,
            "totals": totals,
            "scored": scored,
            "threshold": threshold_text(rules, course.periods) if scored else "",
            # Fewer learners than the rules ask: a warning at the end of the class, never a block.
            "small_class": scored
            and course.status == Course.Status.FINISHED
            and rules.small_class(totals["total"])
            and rules.min_class_size,
            "homeroom": course.homeroom if scored else None,
            # The ban cán sự as saved: lớp trưởng first, then the lớp phó.
            "class_board": sorted(
                ((e.class_role != Enrolment.Role.MONITOR, e.get_class_role_display(), e.learner.full_name))
                for e in enrolments
                if scored and e.class_role
            ),
            "search": search,
            "found": found,
            "learner_form": learner_form,
            "learner_form_html": blank_learner_form() if can_edit and not lock and not learner_form.is_bound else None,
            "can_edit": can_edit,
            "lock": lock,
            "notice": None if lock else save_notice(center=course.center, day=course.start_date),
            "undo": _just_removed(request, course) if can_edit else None,
            "lecturers": course.lecturers.all(),
            "upload_form": UploadForm(),
        },
        status=status,
    )


def _entries(course, formset) -> list:
    """The results form's rows as the service takes them: a class under the scored rules sends its marks and ban
    cán sự, an older class its result words and certificate numbers, exactly as before."""
    scored = course.is_scored
    entries = []
    for f in formset.forms:
        data = f.cleaned_data
        if not data:
            continue
        if scored:
            entry = services.ResultEntry(
                enrolment_id=data["enrolment"],
                periods_attended=data["periods_attended"],
                score=data["score"],
                retake_score=data["retake_score"],
                dropped=data["dropped"],
                class_role=data["class_role"],
                version=data.get("version"),
            )
        else:
            entry = services.ResultEntry(
                enrolment_id=data["enrolment"],
                result=data["result"],
                certificate_no=data["certificate_no"],
                version=data.get("version"),
            )
        entries.append(entry)
    return entries


@login_required
@require_POST
def course_results(request, pk):
    course = _course(request, pk, Action.ENTER_DATA)
    formset = PostedResultFormSet(request.POST, prefix="kq")
    if formset.is_valid():
        try:
            changed = services.results_record(scope=request.scope, course=course, entries=_entries(course, formset))
        except ValidationError as error:
            for message in error.messages[:50]:
                messages.error(request, message)
            if len(error.messages) > 50:
                messages.error(request, _("… và %(n)s lỗi khác.") % {"n": thousands(len(error.messages) - 50)})
            # The page again with what was typed, so that a long form is corrected, not retyped; not after a
            # conflict (someone else saved since): the page is reloaded with their results, as the message says.
            if course.is_scored and getattr(error, "code", None) != "conflict":
                enrolments, saved = _roster(course)
                lock = services.lock_reason(center=course.center, day=course.start_date)
                return _render_detail(
                    request,
                    course,
                    enrolments,
                    saved,
                    LearnerSearchForm(),
                    [],
                    LearnerForm(prefix="hv"),
                    True,
                    lock,
                    status=400,
                    posted=request.POST,
                )
        else:
            messages.success(request, _("Đã ghi kết quả: %(n)s học viên thay đổi.") % {"n": thousands(changed)})
    elif any("version" in f.errors for f in formset.forms):
        messages.error(request, VERSION_MISSING)
    else:
        messages.error(request, _("Bảng kết quả có ô không hợp lệ; không có gì được ghi."))
    return redirect("courses:course_detail", pk=course.pk)


@login_required
@require_POST
def course_add_learner(request, pk):
    course = _course(request, pk, Action.ENTER_DATA)
    scope = request.scope
    try:
        if request.POST.get("learner"):
            learner = scope.get_object(Learner.objects.all(), pk=_id(request.POST["learner"]), action=Action.ENTER_DATA)
            services.enrolment_add(scope=scope, course=course, learner=learner)
            messages.success(request, _("Đã thêm “%(n)s” vào lớp.") % {"n": learner.full_name})
            return redirect("courses:course_detail", pk=course.pk)
        form = LearnerForm(request.POST, prefix="hv")
        if form.is_valid():
            with services.transaction.atomic():
                learner = services.learner_create(
                    scope=scope,
                    center=course.center,
                    allow_same_name=form.cleaned_data["allow_same_name"],
                    **form.service_fields(),
                )
                services.enrolment_add(scope=scope, course=course, learner=learner)
            messages.success(request, _("Đã tạo học viên “%(n)s” và thêm vào lớp.") % {"n": learner.full_name})
            return redirect("courses:course_detail", pk=course.pk)
    except ValidationError as error:
        if request.POST.get("learner"):
            for message in error.messages:
                messages.error(request, message)
            return redirect("courses:course_detail", pk=course.pk)
        apply_errors(form, error)
    # Show the class page again with the learner form and its errors.
    enrolments, formset = _roster(course)
    duplicates = []
    if form.is_valid() or form.cleaned_data.get("full_name"):
        duplicates = services.learner_duplicates(
            center=course.center,
            full_name=form.cleaned_data.get("full_name", ""),
            date_of_birth=form.cleaned_data.get("date_of_birth"),
            national_id=form.cleaned_data.get("national_id"),
        )[:10]
    enrolled = {e.learner_id for e in enrolments}
    found = [(ln, ln.pk in enrolled) for ln in duplicates]
    lock = services.lock_reason(center=course.center, day=course.start_date)
    return _render_detail(
        request, course, enrolments, formset, LearnerSearchForm(), found, form, True, lock, status=400
    )


@login_required
@require_POST
def enrolment_remove(request, pk):
    enrolment = request.scope.get_object(
        Enrolment.objects.select_related("course", "learner"), path="course__center", pk=pk, action=Action.ENTER_DATA
    )
    try:
        services.enrolment_remove(scope=request.scope, enrolment=enrolment, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Đã rút “%(n)s” khỏi lớp. Có thể thêm lại bất cứ lúc nào.") % {"n": enrolment.learner.full_name}
        )
        request.session[UNDO_KEY] = enrolment.pk  # the class page offers "Hoàn tác" once, right after
    return redirect("courses:course_detail", pk=enrolment.course_id)


UNDO_KEY = "undo_enrolment_remove"


@login_required
@require_POST
def enrolment_restore(request, pk):
    """Undo "Rút khỏi lớp": the same enrolment back on the roster (enrolment_add restores a removed one)."""
    enrolment = request.scope.get_object(
        Enrolment.objects.select_related("course", "learner"), path="course__center", pk=pk, action=Action.ENTER_DATA
    )
    try:
        services.enrolment_add(scope=request.scope, course=enrolment.course, learner=enrolment.learner)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã đưa “%(n)s” trở lại lớp.") % {"n": enrolment.learner.full_name})
    return redirect("courses:course_detail", pk=enrolment.course_id)


# -- Excel import -------------------------------------------------------------------------------------------
@login_required
def import_template(request):
    content = template_workbook(Program.objects.in_force_on(timezone.localdate()).order_by("order"))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-lop-hoc-vien.xlsx"'
    return response


def _import_flow(request, *, center, course=None):
    """Upload → preview (nothing written) → confirm (all written in one transaction, or nothing)."""
    scope = request.scope
    kind = ImportBatch.Kind.ROSTER if course else ImportBatch.Kind.CENTER
    form = UploadForm()
    plan = batch = None
    if request.method == "POST" and "confirm" in request.POST:
        batch = scope.get_object(
            ImportBatch.objects.filter(status=ImportBatch.Status.PENDING, kind=kind, course=course),
            pk=_id(request.POST.get("batch")),
            action=Action.ENTER_DATA,
        )
        if services.is_large_import(batch):  # thousands of rows: a background job, its page says when it is done
            label = _("Nhập tệp %(name)s") % {"name": batch.filename}
            job = jobs.enqueue(request.user, "import", label, {"batch": batch.pk})
            return redirect("jobs:detail", pk=job.pk)
        try:
            s = services.import_confirm(scope=scope, batch=batch, user=request.user)
        except ValidationError as error:
            for message in error.messages[:20]:
                messages.error(request, message)
            plan = plan_batch(batch)
        else:
            messages.success(request, services.import_summary_message(s))
            return redirect(reverse("courses:course_detail", args=[course.pk]) if course else "courses:course_list")
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            plan, batch = services.import_upload(
                scope=scope,
                center=center,
                content=upload.read(),
                filename=upload.name,
                course=course,
                user=request.user,
            )
    return render(
        request,
        "courses/import.html",
        {"form": form, "plan": plan, "batch": batch, "course": course, "center": center},
        status=400 if (plan is not None and not plan.ok) or form.errors else 200,
    )


@login_required
def import_workbook(request):
    center = _own_center(request)
    return _import_flow(request, center=center)


@login_required
def roster_upload(request, pk):
    course = _course(request, pk, Action.ENTER_DATA)
    return _import_flow(request, center=course.center, course=course)


# -- lecturers ------------------------------------------------------------------------------------------
@login_required
def lecturer_list(request):
    scope = request.scope
    show_retired = request.GET.get("da_thoi") == "1"
    lecturers = scope.filter(Lecturer.objects.select_related("center")).annotate(n_courses=Count("courses"))
    if not show_retired:
        lecturers = lecturers.filter(retired_on__isnull=True)
    page = Paginator(lecturers.order_by("center__code", "sort_key"), PAGE_SIZE).get_page(request.GET.get("trang"))
    for lecturer in page:  # a closed predecessor's lecturers are listed, read only
        lecturer.editable = scope.is_center and services.lecturers_editable(scope, lecturer.center)
    return render(
        request,
        "courses/lecturer_list.html",
        {
            "page": page,
            "show_retired": show_retired,
            "can_enter": scope.is_center and services.lecturers_editable(scope, scope.unit),
        },
    )


@login_required
def lecturer_create(request):
    center = _own_center(request)
    services.require_lecturers(request.scope, center)  # the form too is refused once the center has closed
    form = LecturerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lecturer_create(scope=request.scope, center=center, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã thêm giảng viên."))
            return redirect("courses:lecturer_list")
    return render(request, "courses/lecturer_form.html", {"form": form})


@login_required
def lecturer_edit(request, pk):
    lecturer = request.scope.get_object(Lecturer.objects.select_related("center"), pk=pk, action=Action.ENTER_DATA)
    form = LecturerForm(request.POST or None, instance=lecturer)
    if request.method == "POST" and form.is_valid():
        try:
            services.lecturer_update(scope=request.scope, lecturer=lecturer, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin giảng viên."))
            return redirect("courses:lecturer_list")
    return render(request, "courses/lecturer_form.html", {"form": form, "lecturer": lecturer})


@login_required
@require_POST
def lecturer_retire(request, pk):
    lecturer = request.scope.get_object(Lecturer.objects.select_related("center"), pk=pk, action=Action.ENTER_DATA)
    try:
        if request.POST.get("reinstate"):
            services.lecturer_reinstate(scope=request.scope, lecturer=lecturer)
            messages.success(request, _("“%(n)s” giảng dạy trở lại.") % {"n": lecturer.full_name})
        else:
            services.lecturer_retire(scope=request.scope, lecturer=lecturer)
            messages.success(
                request,
                _("“%(n)s” đã thôi giảng dạy; các lớp đã dạy vẫn giữ tên giảng viên.") % {"n": lecturer.full_name},
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("courses:lecturer_list")


# -- history and learners ------------------------------------------------------------------------------------------
@login_required
def course_history(request, pk):
    from .history import entries

    course = _course(request, pk)
    rows = entries(course.history.order_by("-history_id"), limit=200)
    roster = Enrolment.history.filter(course_id=course.pk).order_by("-history_id")
    rows += entries(roster, limit=300, subject=lambda r: f"Học viên {r.learner}")
    rows.sort(key=lambda e: e.when, reverse=True)
    return render(
        request,
        "history.html",
        {"title": f"Lịch sử lớp {course}", "back": reverse("courses:course_detail", args=[course.pk]), "rows": rows},
    )


@login_required
def learner_list(request):
    """Find a learner in the user's scope (the board looks up a person a center asks to have handed over)."""
    search = LearnerSearchForm(request.GET or None, label=_("Tìm học viên (họ tên, ngày sinh dd/mm/yyyy hoặc số CCCD)"))
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        learners = request.scope.filter(Learner.objects.select_related("center"))
        found = sorted(
            _search_learners(learners, search.cleaned_data["q"]), key=lambda ln: roster_sort_key(ln.full_name)
        )
    return render(request, "courses/learner_list.html", {"search": search, "found": found})


# A learner is seen by the scope of the center holding the record, and by those of the classes they attended (a
# person handed to another center stays on the old center's rosters, and their name there still opens this page).
LEARNER_SEEN_THROUGH = ("enrolments__course__center",)


def _learner_page(request, learner, transfer_form=None, status=200):
    from .history import entries

    scope = request.scope
    enrolments = list(
        Enrolment.objects.filter(learner=learner)
        .select_related("course", "course__program", "course__center")
        .order_by("-course__start_date")
    )
    for e in enrolments:
        e.linked = scope.can_see(e.course.center)
    # Who sees the learner only through classes they attended (a center the person left) sees what its rosters
    # show: the CCCD masked, no history of the record since.
    holder = scope.can_see(learner.center)
    if transfer_form is None and scope.can(Action.TRANSFER, learner.center):
        transfer_form = LearnerTransferForm(
            initial={"version": learner.version},
            targets=services.transfer_targets(learner=learner),
            own_province=scope.unit,
        )
    rows = entries(learner.history.order_by("-history_id"), limit=50) if holder else []
    context = {
        "learner": learner,
        "enrolments": enrolments,
        "rows": rows,
        "holder": holder,
        "transfer_form": transfer_form,
    }
    return render(request, "courses/learner_detail.html", context, status=status)


@login_required
def learner_detail(request, pk):
    """The one page that shows a learner's whole CCCD, to users whose scope holds the learner."""
    learner = request.scope.get_object(
        Learner.objects.select_related("center", "center__parent"), also=LEARNER_SEEN_THROUGH, pk=pk
    )
    return _learner_page(request, learner)


@login_required
def learner_transfer(request, pk):
    if request.method != "POST":  # the address of a refused form, opened again
        return redirect("courses:learner_detail", pk=pk)
    scope = request.scope
    learner = scope.get_object(
        Learner.objects.select_related("center", "center__parent"),
        also=LEARNER_SEEN_THROUGH,
        action=Action.TRANSFER,
        pk=pk,
    )
    form = LearnerTransferForm(
        request.POST, targets=services.transfer_targets(learner=learner), own_province=scope.unit
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.learner_transfer(
                scope=scope,
                learner=learner,
                to_center=Unit.objects.filter(pk=data["to_center"]).first(),
                reason=data["reason"],
                version=data["version"],
                other_province_confirmed=data["other_province_confirmed"],
                user=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã chuyển học viên “%(name)s” về %(center)s; các lớp đã học vẫn giữ học viên và kết quả.")
                % {"name": moved.full_name, "center": moved.center.name},
            )
            if scope.filter(Learner.objects.filter(pk=moved.pk), also=LEARNER_SEEN_THROUGH).exists():
                return redirect("courses:learner_detail", pk=moved.pk)
            return redirect("courses:learner_list")  # handed to another province, never enrolled in this one
    return _learner_page(request, learner, transfer_form=form, status=400)
