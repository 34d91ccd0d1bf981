"""Every figure the app shows is counted here, in grouped queries pivoted in Python.

The counting rules are written down in `courses/models.py`; `counted_courses` and `counted_enrolments`
apply them, and every rollup starts from one of the two.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet

from centers.models import Unit
from courses.models import Course, Enrolment

from .periods import Period


def counted_courses(*, centers: QuerySet[Unit], start: datetime.date, end: datetime.date) -> QuerySet[Course]:
    """Classes that count in [start, end]: started in it, not cancelled, run by one of `centers`."""
    return Course.objects.filter(center__in=centers, start_date__gte=start, start_date__lte=end).exclude(
        status=Course.Status.CANCELLED
    )


def counted_enrolments(*, centers: QuerySet[Unit], start: datetime.date, end: datetime.date) -> QuerySet:
    return Enrolment.objects.filter(
        course__center__in=centers, course__start_date__gte=start, course__start_date__lte=end
    ).counted()


@dataclass
class Totals:
    classes: int = 0
    enrolments: int = 0


@dataclass
class CenterTotals:
    """Classes and enrolments per center of a set, with the sum."""

    by_center: dict[int, Totals] = field(default_factory=dict)
    total: Totals = field(default_factory=Totals)

    def for_center(self, center_id: int) -> Totals:
        return self.by_center.get(center_id, Totals())


def totals_by_center(*, centers: QuerySet[Unit], period: Period) -> CenterTotals:
    """Two grouped queries whatever the number of centers: classes per center, enrolments per center."""
    result = CenterTotals(by_center=defaultdict(Totals))
    class_rows = (
        counted_courses(centers=centers, start=period.start, end=period.end)
        .values("center_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in class_rows:
        result.by_center[row["center_id"]].classes = row["n"]
        result.total.classes += row["n"]
    enrolment_rows = (
        counted_enrolments(centers=centers, start=period.start, end=period.end)
        .values("course__center_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in enrolment_rows:
        result.by_center[row["course__center_id"]].enrolments = row["n"]
        result.total.enrolments += row["n"]
    result.by_center = dict(result.by_center)
    return result


def latest_year_with_data(*, centers: QuerySet[Unit], today: datetime.date) -> int:
    """The most recent year (not after today) in which any of `centers` opened a class."""
    latest = (
        Course.objects.filter(center__in=centers, start_date__lte=today)
        .exclude(status=Course.Status.CANCELLED)
        .aggregate(m=Max("start_date"))["m"]
    )
    return latest.year if latest else today.year


def course_result_totals(*, course: Course) -> dict:
    """Enrolments of one class by result (one grouped query), for the foot of the roster."""
    rows = (
        Enrolment.objects.filter(course=course, removed_at__isnull=True)
        .values("result")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["result"]: row["n"] for row in rows}
    totals = [(label, counts.get(value, 0)) for value, label in Enrolment.Result.choices]
    totals.append(("Chưa có kết quả", counts.get("", 0)))
    return {"by_result": totals, "total": sum(counts.values())}
