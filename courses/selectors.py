"""Reads of courses' records for the pages (the counting rules and rollups are reports' selectors)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Count, QuerySet

from centers.scoping import Scope

from .models import Course, Enrolment
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
