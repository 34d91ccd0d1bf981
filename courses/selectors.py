"""Reads of courses' records for the pages (the counting rules and rollups are reports' selectors)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from centers.scoping import Scope

from .models import Certificate, CompletionDecision, Course, Enrolment
from .text import search_words


def course_list(scope: Scope, filters: Mapping) -> QuerySet[Course]:
    """The classes in the scope that match the list's filters, newest first.

    `filters` is the cleaned data of `CourseFilterForm` (a missing or empty value does not filter): `q` (every
    word in the code or title, with or without diacritics), `trung_tam`, `chuong_trinh`, `ky` (a Period: the
    class starts in it), `trang_thai`, `hinh_thuc`; `sap_xep` orders them (SORTS; newest first by default)."""
    courses = scope.filter(Course.objects.select_related("center", "center__parent", "program"))
    for word in search_words(filters.get("q") or ""):
        courses = courses.filter(search_key__contains=word)
    if filters.get("trung_tam"):
        courses = courses.filter(center=filters["trung_tam"])
    if filters.get("chuong_trinh"):
        courses = courses.filter(program=filters["chuong_trinh"])
    if filters.get("ky"):
        courses = courses.filter(start_date__gte=filters["ky"].start, start_date__lte=filters["ky"].end)
    if filters.get("trang_thai"):
        courses = courses.filter(status=filters["trang_thai"])
    if filters.get("hinh_thuc"):
        courses = courses.filter(format=filters["hinh_thuc"])
    order = SORTS.get(filters.get("sap_xep") or "", SORTS["-bat_dau"])
    return courses.order_by(*order)


# The class list's sortable columns (`?sap_xep=`; a leading "-" sorts down), each with a tie-break that keeps the
# pages stable.
SORTS = {
    "ma": ("code", "pk"),
    "-ma": ("-code", "-pk"),
    "ten": ("search_key", "pk"),
    "-ten": ("-search_key", "-pk"),
    "trung_tam": ("center__code", "-start_date", "code"),
    "-trung_tam": ("-center__code", "-start_date", "code"),
    "chuong_trinh": ("program__order", "-start_date", "code"),
    "-chuong_trinh": ("-program__order", "-start_date", "code"),
    "bat_dau": ("start_date", "code"),
    "-bat_dau": ("-start_date", "code"),
    "ket_thuc": ("end_date", "code"),
    "-ket_thuc": ("-end_date", "code"),
    "trang_thai": ("status", "-start_date", "code"),
    "-trang_thai": ("-status", "-start_date", "code"),
}


def with_enrolment_counts(courses: Iterable[Course]) -> None:
    """Set `n_enrolments` (enrolments not removed) and `result_counts` ({result: enrolments}, "" for none yet) on
    each of a page's classes: one grouped query for the page, not a count over every class in scope."""
    courses = list(courses)
    rows = (
        Enrolment.objects.filter(course__in=[c.pk for c in courses], removed_at__isnull=True)
        .values("course_id", "result")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["course_id"], {})[row["result"]] = row["n"]
    for course in courses:
        course.result_counts = counts.get(course.pk, {})
        course.n_enrolments = sum(course.result_counts.values())


# -- completion decisions and certificates (writes in courses/services.py) ----------------------------------------
@dataclass
class CertificateRow:
    """A learner of a scored class as the certificates page lists them."""

    enrolment: Enrolment
    completes: bool
    covered: bool  # in the class's completion decision
    certificate: Certificate | None


def course_certificate_rows(course: Course) -> tuple[CompletionDecision | None, list[CertificateRow]]:
    """The class's decision and each learner on the roster: completed or not, covered by the decision, certified
    (4 queries whatever the roster's size)."""
    decision = CompletionDecision.objects.filter(course=course).select_related("created_by").first()
    covered = set(decision.enrolments.values_list("pk", flat=True)) if decision else set()
    certificates = {
        c.enrolment_id: c
        for c in Certificate.objects.filter(enrolment__course=course)
        .select_related("register")
        .annotate(reprint_count=Count("reprints"))
    }
    rules = course.rules
    rows = [
        CertificateRow(e, rules.completes(e.result), e.pk in covered, certificates.get(e.pk))
        for e in Enrolment.objects.filter(course=course, removed_at__isnull=True)
        .select_related("learner")
        .order_by("learner__full_name", "pk")
    ]
    return decision, rows


@dataclass
class DueRow:
    """A decision and how its certificates stand against their due date (rules.certificate_due)."""

    decision: CompletionDecision
    due_on: datetime.date
    covered: int
    issued: int
    issued_late: int
    missing: int

    @property
    def late_days(self) -> int:
        """Days past the due date of the certificates not issued yet (0 when none is late)."""
        return max(0, (self.today - self.due_on).days) if self.missing else 0

    today: datetime.date = datetime.date.min

    @property
    def state(self) -> str:
        if self.missing and self.today > self.due_on:
            return "late"
        if self.missing:
            return "due"
        return "late_issued" if self.issued_late else "done"


def certificates_due(scope: Scope, *, centers: Iterable[int], year: int, today: datetime.date) -> list[DueRow]:
    """The decisions of the centers signed in `year` or still waiting for certificates, with what is due and what
    is late: certificates issued after the due date, or not issued and past it (3 queries)."""
    decisions = list(
        scope.filter(CompletionDecision.objects.all(), "course__center")
        .filter(course__center__in=list(centers))
        .filter(
            Q(signed_on__year=year)
            | Q(pk__in=CompletionDecision.objects.filter(enrolments__certificate__isnull=True).values("pk"))
        )
        .select_related("course__center", "course__program")
        .annotate(covered=Count("enrolments", distinct=True))
        .order_by("signed_on", "pk")
    )
    issued: dict[int, list[datetime.date]] = {}
    for decision_id, issued_on in Certificate.objects.filter(decision__in=[d.pk for d in decisions]).values_list(
        "decision_id", "issued_on"
    ):
        issued.setdefault(decision_id, []).append(issued_on)
    rows = []
    for decision in decisions:
        due_on = decision.course.rules.certificate_due(decision.signed_on)
        days = issued.get(decision.pk, [])
        rows.append(
            DueRow(
                decision=decision,
                due_on=due_on,
                covered=decision.covered,
                issued=len(days),
                issued_late=sum(1 for day in days if day > due_on),
                missing=max(0, decision.covered - len(days)),
                today=today,
            )
        )
    return rows


def register_rows(center, year: int) -> QuerySet:
    """The center's master register of a year, in number order, as plain values (a 5.000-line register is one
    query and streams to the file)."""
    return (
        Certificate.objects.filter(register__center=center, register__year=year)
        .order_by("number")
        .values_list(
            "number",
            "full_name",
            "date_of_birth",
            "enrolment__course__code",
            "enrolment__course__title",
            "enrolment__course__program__name",
            "enrolment__course__start_date",
            "enrolment__course__end_date",
            "grade",
            "decision__number",
            "decision__signed_on",
            "issued_on",
            "code",
            "revoked_at",
        )
    )
