"""What the report pages and exports read that is not a figure: the centers' written parts (narratives, and
nationally their counts by province), the lecturers who taught in a period and the roster of enrolments. Every
figure is counted in reports/figures/; these rows follow the same basis (reports/figures/basis.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Cast, Concat, Trim
from django.utils.translation import gettext

from centers.models import Unit
from centers.periods import Period
from centers.reorganisation.impact import OpenWork
from courses.models import (
    COUNTED_GROUP,
    COUNTED_LECTURER_KIND,
    CourseLecturer,
    Enrolment,
    Lecturer,
    Program,
    counted_course_q,
)
from courses.text import roster_sort_key

from .figures.basis import Bounds, admitted_centers, admitted_statuses, basis_filter, centers_of, default_basis
from .models import CenterReport, PlanLine

# What a center writes in its quarterly report, in the report's order.
NOTE_FIELDS = ("achievements", "shortcomings", "causes", "proposals", "next_tasks")


@dataclass
class Narrative:
    center: Unit
    period: Period
    achievements: str
    shortcomings: str
    causes: str
    proposals: str
    next_tasks: str


def narratives(
    *, unit: Unit, period: Period, basis: str | None = None, bounds: Bounds | None = None
) -> list[Narrative]:
    """The centers' written parts of their reports for the quarters of a period (two queries); `bounds`: a
    province's in today's boundaries reads its lineage's centers (reports/figures/basis.py)."""
    basis = basis or default_basis(unit)
    reports = (
        CenterReport.objects.filter(
            center__in=centers_of(unit, bounds), year=period.year, quarter__in=[q.index for q in period.quarters()]
        )
        .select_related("center")
        .prefetch_related("center__former_names")
    )  # names as they were (name_on)
    statuses = admitted_statuses(basis)
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    return [
        Narrative(r.center, r.period, **{name: getattr(r, name) for name in NOTE_FIELDS})
        for r in reports.order_by("center__code", "quarter")
    ]


def points_by_province(
    *, unit: Unit, period: Period, basis: str | None = None, fields: tuple[str, ...] = NOTE_FIELDS
) -> list[tuple[Unit, dict]]:
    """Nationally, what the centers wrote is counted, not read: for each province, field → (centers that wrote
    something, distinct points), a point being one center's text once however many quarters repeat it. Two
    queries however many reports (2.772 a year): reading them all cost the national dashboard 400 ms a write. Each
    field asked for costs about 3 ms nationally: callers ask for those they show."""
    basis = basis or default_basis(unit)
    reports = CenterReport.objects.filter(
        center__in=centers_of(unit), year=period.year, quarter__in=[q.index for q in period.quarters()]
    )
    statuses = admitted_statuses(basis)
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    counts = {}
    for name in fields:
        written = ~Q(**{f"t_{name}": ""})
        point = Concat(
            Cast("center_id", models.TextField()), models.Value("|"), f"t_{name}", output_field=models.TextField()
        )
        counts[f"{name}_centers"] = Count("center_id", distinct=True, filter=written)
        counts[f"{name}_points"] = Count(point, distinct=True, filter=written)
    rows = list(
        reports.annotate(**{f"t_{name}": Trim(name) for name in fields})
        .values("center__parent_id")
        .annotate(**counts)
        .order_by()
    )
    provinces = Unit.objects.in_bulk([row["center__parent_id"] for row in rows])
    result = [
        (provinces[row["center__parent_id"]], {n: (row[f"{n}_centers"], row[f"{n}_points"]) for n in fields})
        for row in rows
    ]
    return sorted(result, key=lambda item: item[0].code)


# -- rows for exports ---------------------------------------------------------------------------------------
def lecturers_in_period(
    *, unit: Unit, period: Period, basis: str | None = None, bounds: Bounds | None = None
) -> list[Lecturer]:
    """Lecturers who taught at least one counted class of the period, each with `n_classes` and with `kind` as the
    period counts it: as approved in an approved quarter, else their current kind; of their latest class when the
    period holds several (two queries)."""
    basis = basis or default_basis(unit)
    centers_qs = centers_of(unit, bounds)
    admitted = admitted_centers(centers=centers_qs, period=period, basis=basis)
    taught = CourseLecturer.objects.filter(
        basis_filter(centers=centers_qs, period=period, admitted=admitted, path="course"), counted_course_q("course__")
    )
    classes: dict[int, int] = defaultdict(int)
    kinds: dict[int, str] = {}
    links = taught.annotate(counted_kind=COUNTED_LECTURER_KIND).order_by("course__start_date", "course_id")
    for lecturer_id, kind in links.values_list("lecturer_id", "counted_kind"):
        classes[lecturer_id] += 1
        kinds[lecturer_id] = kind
    lecturers = list(Lecturer.objects.filter(pk__in=kinds).select_related("center__parent"))
    for lecturer in lecturers:
        lecturer.n_classes = classes[lecturer.pk]
        lecturer.kind = kinds[lecturer.pk]  # shown, never saved
    lecturers.sort(key=lambda x: (x.center.parent.code if x.center.parent else "", x.center.code, x.kind, x.sort_key))
    return lecturers


ROSTER_FIELDS = (
    "course__center__name",
    "course__code",
    "course__title",
    "course__start_date",
    "learner__full_name",
    "learner__date_of_birth",
    "learner__gender",
    "learner__ethnicity",
    "counted_group",  # the learner's group as the figures count it (as approved, in an approved quarter)
    "result",
)


def roster(*, unit: Unit, period: Period, basis: str | None = None, bounds: Bounds | None = None):
    """Every counted enrolment of the period as tuples (ROSTER_FIELDS), streamed from the database: class by
    class, and in each class the learners in the order of the class page (given name, then whole name)."""
    basis = basis or default_basis(unit)
    centers_qs = centers_of(unit, bounds)
    admitted = admitted_centers(centers=centers_qs, period=period, basis=basis)
    enrolments = Enrolment.objects.filter(
        basis_filter(centers=centers_qs, period=period, admitted=admitted, path="course")
    ).counted()
    rows = (
        enrolments.annotate(counted_group=COUNTED_GROUP)
        .order_by("course__center__parent__code", "course__center__code", "course__start_date", "course_id", "pk")
        .values_list("course_id", *ROSTER_FIELDS)
        .iterator(chunk_size=5000)
    )
    name = 1 + ROSTER_FIELDS.index("learner__full_name")
    for _course, learners in groupby(rows, key=itemgetter(0)):
        # One class at a time in memory; a stable sort keeps the order of entry between equal names.
        for row in sorted(learners, key=lambda row: roster_sort_key(row[name])):
            yield row[1:]


def reorganisation_open_work(closing: dict) -> list:
    """For a reorganisation's preview (centers/reorganisation/impact.py): the reports not yet approved of the
    centers that close ({center id: last day}), in the quarters that begin by their last day."""
    rows = CenterReport.objects.filter(center_id__in=list(closing)).exclude(status=CenterReport.Status.APPROVED)
    return [
        OpenWork(
            r.center_id,
            gettext("%(period)s: báo cáo %(status)s")
            % {"period": Period(r.year, "Q", r.quarter).label, "status": r.get_status_display().lower()},
        )
        for r in rows.order_by("center_id", "year", "quarter")
        if Period(r.year, "Q", r.quarter).start <= closing[r.center_id]
    ]


def plannable_programs(report: CenterReport):
    """The programs a report's plan for the next quarter lists: those in force during that quarter, and any it
    already plans (a line is kept until the center changes it)."""
    target = report.period.next_quarter()
    condition = Q(pk__in=Program.objects.in_force_between(target.start, target.end).values("pk"))
    if report.pk is not None:
        condition |= Q(pk__in=PlanLine.objects.filter(report=report).values("program_id"))
    return Program.objects.filter(condition).order_by("order", "valid_from")
