"""The reference counting: figures counted from the raw rows (classes, enrolments, lecturers, plans) with the
rules of courses/models.py, in grouped queries. Slow at the national scale, kept as the oracle: `rollup(raw=True)`
and the tests check the maintained tables and what is counted from them (reports/figures/counting.py) against it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import models
from django.db.models import Count, Q, QuerySet, Sum

from centers.models import Unit
from centers.periods import Period
from courses.models import (
    COUNTED_GROUP,
    COUNTED_LECTURER_KIND,
    Course,
    CourseLecturer,
    Enrolment,
    counted_course_q,
    counted_minority_q,
)

from ..models import AWAITING_FIELD, SCORED_FIELDS, PlanLine, planned_quarter
from . import scored
from .basis import admitted_centers, basis_filter, plan_filter
from .types import Part, Partition, finish_parts


def counted_courses(*, centers: QuerySet[Unit], start: datetime.date, end: datetime.date) -> QuerySet[Course]:
    """Classes that count in [start, end]: started in it, not cancelled, run by one of `centers`."""
    return Course.objects.counted().filter(center__in=centers, start_date__gte=start, start_date__lte=end)


def _centers_by_mask(masks: dict[int, int]) -> dict[int, list[int]]:
    """center id → set of quarters (bits 1, 2, 4, 8), regrouped as set → center ids: a handful of id lists."""
    by_mask: dict[int, list[int]] = defaultdict(list)
    for center_id, mask in masks.items():
        by_mask[mask].append(center_id)
    return by_mask


# The quarter a plan line is for (`planned_quarter`), as a bit.
_PLANNED_BIT = models.Case(
    *(models.When(report__quarter=written, then=1 << (planned_quarter(0, written)[1] - 1)) for written in range(1, 5)),
    output_field=models.IntegerField(),
)


def _plans(parts: dict, centers_qs, period: Period, admitted, partition: Partition) -> dict[int, int]:
    """Plans (a small raw table) into the parts; returns center id → which of the period's quarters had a plan
    (bits 1, 2, 4, 8)."""
    plans = PlanLine.objects.filter(plan_filter(centers=centers_qs, period=period, admitted=admitted))
    planned: dict[int, int] = {}
    # Two narrow groupings (centers, programs) rather than one per center and program (thousands of rows).
    per_center = plans.values("report__center_id").annotate(
        n=Sum("planned_classes"), quarters=Sum(_PLANNED_BIT, distinct=True, filter=Q(planned_classes__gt=0))
    )
    for row in per_center.order_by():
        center_id = row["report__center_id"]
        parts[partition.of_center[center_id]].center(center_id).planned_classes += row["n"]
        if row["quarters"]:
            planned[center_id] = int(row["quarters"])
    for row in plans.values(*partition.fields("report"), "program_id").annotate(n=Sum("planned_classes")).order_by():
        parts[partition.of(row, "report")].program(row["program_id"]).planned_classes += row["n"]
    return planned


def _count_in_planned_quarters(aggregate, counted: str, planned: dict[int, int], quarter: str):
    """aggregate(counted) over the rows (whose quarter is at `quarter`) of a center and quarter that had a plan;
    centers grouped by their set of planned quarters, so a handful of id lists. No plan at all: 0."""
    if not planned:
        return models.Value(0, output_field=models.IntegerField())
    condition = Q(pk__in=[])
    for mask, center_ids in _centers_by_mask(planned).items():
        condition |= Q(center_id__in=center_ids, **{f"{quarter}__in": [q for q in range(1, 5) if mask & 1 << (q - 1)]})
    return aggregate(counted, filter=condition)


def raw_parts(centers_qs, period: Period, basis: str, partition: Partition) -> dict:
    """The reference implementation: counts the classes and enrolments themselves, as one part."""
    admitted = admitted_centers(centers=centers_qs, period=period, basis=basis)
    courses_q = basis_filter(centers=centers_qs, period=period, admitted=admitted)
    enrol_q = basis_filter(centers=centers_qs, period=period, admitted=admitted, path="course")
    parts: dict = defaultdict(Part)
    part = parts[partition.only]
    planned = _plans(parts, centers_qs, period, admitted, partition)

    sets = scored.rule_sets()
    courses = Course.objects.counted().filter(courses_q)
    grouped_courses = courses.values("center_id", "program_id", "co_organised", "format").annotate(
        n=Count("id"),
        in_planned=_count_in_planned_quarters(Count, "id", planned, "start_date__quarter"),
        scored_n=Count("id", filter=scored.scored_q("", sets)),
    )
    for row in grouped_courses.order_by():
        n = row["n"]
        figures = part.center(row["center_id"])
        figures.classes += n
        figures.scored_classes += row["scored_n"]
        figures.classes_in_planned_quarters += row["in_planned"]
        line = part.program(row["program_id"])
        line.classes += n
        part.by_format[row["format"]][0] += n
        if row["co_organised"]:
            figures.co_organised_classes += n
        else:
            line.own_classes += n

    enrolments = Enrolment.objects.filter(enrol_q).counted()
    grouped = (
        scored.annotate(enrolments, sets)
        .values(
            "course__center_id",
            "course__program_id",
            "course__co_organised",
            "course__format",
            "result",
            *scored.ENROLMENT_GROUPING,
        )
        .annotate(n=Count("id"), **scored.enrolment_sums(sets))
        .order_by()
    )
    scored_counts: dict[int, dict] = defaultdict(lambda: {**dict.fromkeys(SCORED_FIELDS, 0), AWAITING_FIELD: {}})
    for row in grouped:
        n = row["n"]
        scored.add_enrolments(scored_counts[row["course__center_id"]], sets, row["result"], n, row)
        figures = part.center(row["course__center_id"])
        figures.enrolments += n
        figures.results[row["result"]] += n
        if row["course__co_organised"]:
            figures.co_organised_enrolments += n
        line = part.program(row["course__program_id"])
        line.enrolments += n
        line.results[row["result"]] += n
        part.by_format[row["course__format"]][1] += n
    for center_id, counts in scored_counts.items():
        counts["scored_classes"] = 0  # counted with the classes above
        part.center(center_id).add_scored([*(counts[name] for name in SCORED_FIELDS), counts[AWAITING_FIELD]])

    # A learner belongs to one center and attends only its classes, so distinct learners add up across centers.
    for row in enrolments.values("course__center_id").annotate(n=Count("learner_id", distinct=True)).order_by():
        part.center(row["course__center_id"]).learners = row["n"]

    group_rows = (
        enrolments.annotate(counted_group=COUNTED_GROUP)
        .values("counted_group")
        .annotate(n=Count("id"), minority=Count("id", filter=counted_minority_q()))
        .order_by()
    )
    for row in group_rows:
        part.by_group[row["counted_group"]] = [row["n"], row["minority"]]

    taught = CourseLecturer.objects.filter(enrol_q, counted_course_q("course__"))
    by_kind = taught.annotate(counted_kind=COUNTED_LECTURER_KIND).values("counted_kind")
    for row in by_kind.annotate(n=Count("lecturer_id", distinct=True)).order_by():
        part.lecturers[row["counted_kind"]] = row["n"]
    finish_parts(parts)
    return parts
