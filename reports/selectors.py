"""Every figure the app shows is counted here: grouped queries, pivoted in Python, a fixed number per rollup.

The counting rules are written down in `courses/models.py`. What "the data" means is chosen by a basis:
only quarters whose center report is approved (the default above the center level), approved and
submitted ones, or everything entered. Figures are computed for a set of centers (one center, a
province's centers, every center), so a unit's past figures follow the centers it had then.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import pickle
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from django.db import DatabaseError, models, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast, Concat, ExtractQuarter, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Unit
from centers.periods import Period
from courses.models import (
    COUNTED_GROUP,
    COUNTED_LECTURER_KIND,
    Course,
    CourseLecturer,
    Enrolment,
    Learner,
    Lecturer,
    Program,
    counted_minority_q,
)
from courses.text import roster_sort_key

from . import figures_cache
from .models import RESULT_FIELDS, CenterReport, Deadline, PlanLine, default_deadline

logger = logging.getLogger(__name__)


class Basis(models.TextChoices):
    APPROVED = "approved", _("Chỉ số liệu đã phê duyệt")
    SUBMITTED = "submitted", _("Gồm cả số liệu đã gửi, chưa phê duyệt")
    ALL = "all", _("Tất cả số liệu đã nhập (gồm cả bản nháp)")


def admitted_statuses(basis: str) -> list[str] | None:
    """The report statuses whose quarters a basis admits (None: every quarter, reported or not)."""
    if basis == Basis.ALL:
        return None
    if basis == Basis.SUBMITTED:
        return [CenterReport.Status.APPROVED, CenterReport.Status.SUBMITTED]
    return [CenterReport.Status.APPROVED]


def default_basis(unit: Unit) -> str:
    """A center sees everything it entered; a province or the nation sees approved data unless it asks."""
    return Basis.ALL if unit.kind == Unit.Kind.CENTER else Basis.APPROVED


def centers_of(unit: Unit) -> QuerySet[Unit]:
    """The centers whose classes make up a unit's figures (retired and merged ones included: past periods)."""
    if unit.kind == Unit.Kind.CENTER:
        return Unit.objects.filter(pk=unit.pk)
    if unit.kind == Unit.Kind.PROVINCE:
        return Unit.objects.centers().filter(parent=unit)
    if unit.kind == Unit.Kind.CENTRAL:
        return Unit.objects.centers()
    return Unit.objects.none()


# -- what counts ----------------------------------------------------------------------------------------
def counted_courses(*, centers: QuerySet[Unit], start: datetime.date, end: datetime.date) -> QuerySet[Course]:
    """Classes that count in [start, end]: started in it, not cancelled, run by one of `centers`."""
    return Course.objects.filter(center__in=centers, start_date__gte=start, start_date__lte=end).exclude(
        status=Course.Status.CANCELLED
    )


def counted_enrolments(*, centers: QuerySet[Unit], start: datetime.date, end: datetime.date) -> QuerySet:
    return Enrolment.objects.filter(
        course__center__in=centers, course__start_date__gte=start, course__start_date__lte=end
    ).counted()


class Admitted(dict):
    """Quarter index → subquery of admitted center ids (the reference counting's basis)."""

    def __init__(self, reports: QuerySet, quarters: list[int]):
        super().__init__({q: reports.filter(quarter=q).values("center_id") for q in quarters})
        self.reports = reports.filter(quarter__in=quarters)

    def exists(self, *, center: str, quarter) -> Exists:
        """The row's (center, quarter) is admitted: a semi-join, which the database hashes once per query."""
        return Exists(self.reports.filter(center_id=OuterRef(center), quarter=quarter))


def admitted_centers(*, centers: QuerySet[Unit], period: Period, basis: str) -> Admitted | None:
    """Quarter index → the ids of the centers whose data the basis admits for it, as a subquery (None: all data).

    Subqueries keep long id lists out of Python: the database applies them where the figures are counted."""
    statuses = admitted_statuses(basis)
    if statuses is None:
        return None
    reports = CenterReport.objects.filter(center__in=centers, year=period.year, status__in=statuses)
    return Admitted(reports, [q.index for q in period.quarters()])


def basis_filter(*, centers: QuerySet[Unit], period: Period, admitted: dict | None, path: str = "") -> Q:
    """A Q over classes (at `path`) keeping the quarters of `period` whose data is admitted."""
    prefix = f"{path}__" if path else ""
    if admitted is None:
        return Q(
            **{
                f"{prefix}center__in": centers,
                f"{prefix}start_date__gte": period.start,
                f"{prefix}start_date__lte": period.end,
            }
        )
    in_period = Q(**{f"{prefix}start_date__gte": period.start, f"{prefix}start_date__lte": period.end})
    return in_period & Q(
        admitted.exists(center=f"{prefix}center_id", quarter=ExtractQuarter(OuterRef(f"{prefix}start_date")))
    )


def plan_filter(*, centers: QuerySet[Unit], period: Period, admitted: dict | None) -> Q:
    """Plan lines for the quarters of `period`: a quarter's plan is written in the report of the quarter before.

    The centers come first (an index range), so the admitted check runs over their lines only."""
    condition = Q(pk__in=[])
    for q in period.quarters():
        before = q.previous_quarter()
        same_quarter = Q(report__year=before.year, report__quarter=before.index)
        if admitted is None:
            condition |= same_quarter & Q(report__center__in=centers)
        else:
            condition |= same_quarter & Q(report__center_id__in=admitted[q.index])
    return Q(report__center__in=centers) & condition


# -- figures ----------------------------------------------------------------------------------------------
RESULT_KEYS = [value for value, _ in Enrolment.Result.choices] + [""]


@dataclass
class Figures:
    """The figures of one set of centers (or one center) for one period."""

    classes: int = 0
    enrolments: int = 0
    learners: int = 0
    co_organised_classes: int = 0
    co_organised_enrolments: int = 0
    planned_classes: int = 0
    classes_in_planned_quarters: int = 0  # measured against the plan: classes of quarters with no plan left out
    results: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESULT_KEYS, 0))

    @property
    def finished_enrolments(self) -> int:
        return sum(n for key, n in self.results.items() if key)

    @property
    def passed(self) -> int:
        return sum(self.results[key] for key in Enrolment.PASSING)

    @property
    def completion_rate(self) -> float | None:
        """(giỏi + khá + trung bình) over enrolments that have a result."""
        finished = self.finished_enrolments
        return self.passed / finished if finished else None

    @property
    def plan_fulfilment(self) -> float | None:
        """Classes opened in the quarters that had a plan, over the plan: a year whose first quarter had none
        measures the other three quarters' classes against their plans."""
        return self.classes_in_planned_quarters / self.planned_classes if self.planned_classes else None

    def add(self, other: Figures) -> None:
        for name in (
            "classes",
            "enrolments",
            "learners",
            "co_organised_classes",
            "co_organised_enrolments",
            "planned_classes",
            "classes_in_planned_quarters",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, n in other.results.items():
            self.results[key] += n


@dataclass
class ProgramFigures:
    program: Program
    classes: int = 0
    own_classes: int = 0  # not co-organised with the provincial school: the briefing's program lines
    enrolments: int = 0
    planned_classes: int = 0
    results: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESULT_KEYS, 0))

    @property
    def co_organised_classes(self) -> int:
        return self.classes - self.own_classes

    def add(self, other: ProgramFigures) -> None:
        for name in ("classes", "own_classes", "enrolments", "planned_classes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, n in other.results.items():
            self.results[key] = self.results.get(key, 0) + n


@dataclass
class Change:
    current: float
    previous: float

    @property
    def diff(self) -> float:
        return self.current - self.previous

    @property
    def ratio(self) -> float | None:
        """The change as a fraction of the year-earlier figure; None when there was nothing to compare."""
        return self.diff / self.previous if self.previous else None

    @property
    def word(self) -> str:
        return "tăng" if self.diff > 0 else "giảm" if self.diff < 0 else "bằng"


@dataclass
class Rollup:
    unit: Unit
    period: Period
    basis: str
    total: Figures
    by_center: dict[int, Figures]
    by_program: dict[str, ProgramFigures]
    by_format: dict[str, tuple[int, int]]  # format → (classes, enrolments)
    by_group: dict[str, tuple[int, int]]  # learner group → (enrolments, of which ethnic minority)
    lecturers: dict[str, int]  # lecturer kind → distinct lecturers who taught in the period
    centers: list[Unit]
    previous: Rollup | None = None
    part_totals: dict = field(default_factory=dict)  # part key (a province, for the nation) → its total

    def change(self, attribute: str) -> Change | None:
        if self.previous is None:
            return None
        return Change(getattr(self.total, attribute), getattr(self.previous.total, attribute))

    def center_change(self, center_id: int, attribute: str) -> Change | None:
        if self.previous is None:
            return None
        current = self.by_center.get(center_id, Figures())
        previous = self.previous.by_center.get(center_id, Figures())
        return Change(getattr(current, attribute), getattr(previous, attribute))

    @property
    def basis_label(self) -> str:
        return str(Basis(self.basis).label)

    @property
    def has_data(self) -> bool:
        return self.total.classes > 0

    def by_province(self) -> list[tuple[Unit, Figures, Figures]]:
        """(province, figures, year-earlier figures) for the national level: the totals of its parts, or summed
        from the centers where the rollup was counted whole (raw)."""
        provinces = {center.parent_id: center.parent for center in self.centers}

        def totals(rollup: Rollup | None) -> dict[int, Figures]:
            if rollup is None:
                return {}
            if set(provinces) <= set(rollup.part_totals):
                return rollup.part_totals
            summed: dict[int, Figures] = defaultdict(Figures)
            for center in self.centers:
                summed[center.parent_id].add(rollup.by_center.get(center.pk, Figures()))
            return summed

        now, before = totals(self), totals(self.previous)
        rows = [(p, now.get(pk, Figures()), before.get(pk, Figures())) for pk, p in provinces.items()]
        return sorted(rows, key=lambda row: row[0].code)


def rollup(*, unit: Unit, period: Period, basis: str | None = None, compare: bool = True, raw: bool = False) -> Rollup:
    """Every figure of a unit for a period (and the same period a year earlier), in a fixed number of queries.

    A province's and the nation's figures add up the maintained province figures (one row per province); a
    center's come from its maintained aggregates, cached on its stamps; `raw=True` counts the classes and
    enrolments themselves (the reference implementation the aggregates are checked against)."""
    basis = basis or default_basis(unit)
    centers_qs = centers_of(unit)
    centers = unit_centers(unit)
    programs = {p.pk: p for p in Program.objects.all()}

    def compute(at: Period) -> Rollup:
        if raw:
            parts = _raw_parts(centers_qs, at, basis, Partition(centers, by_province=False, only=unit.pk))
            figures = _merge(at, basis, programs, parts)
        elif unit.kind in (Unit.Kind.CENTRAL, Unit.Kind.PROVINCE):
            parts = province_parts(centers, at, basis)
            if unit.kind == Unit.Kind.PROVINCE:  # its own centers' part, under its own id
                parts = {unit.pk: parts.get(unit.pk, Part())}
            figures = _merge(at, basis, programs, parts)
        else:
            # Everything a period's figures read is stamped with the period's year (a first quarter's plan too).
            figures = cached_parts(
                "rollup",
                unit=unit,
                centers=centers,
                years=[at.year],
                params=(at.key, basis),
                count=lambda subset, partition: _aggregate_parts(subset, at, basis, partition),
                merge=lambda parts: _merge(at, basis, programs, parts),
            )
        figures.unit, figures.centers = unit, centers  # attached, not cached: names may change, figures may not
        return figures

    current = compute(period)
    if compare:
        current.previous = compute(period.year_earlier())
    return current


@dataclass
class Part:
    """The figures of one part of a rollup: one province's centers, or one center. A class, a learner and a
    lecturer belong to one center, so the parts' figures add up to the whole (`_merge`)."""

    by_center: dict[int, Figures] = field(default_factory=dict)
    by_program: dict[int, ProgramFigures] = field(default_factory=dict)  # by program id; attached when merged
    by_format: dict[str, list[int]] = field(default_factory=lambda: {v: [0, 0] for v in Course.Format.values})
    by_group: dict[str, list[int]] = field(default_factory=lambda: {v: [0, 0] for v in Learner.Group.values})
    lecturers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Lecturer.Kind.values, 0))
    total: Figures = field(default_factory=Figures)  # of by_center, once counted: merging adds 63, not 693

    def center(self, center_id: int) -> Figures:
        return self.by_center.setdefault(center_id, Figures())

    def program(self, program_id: int) -> ProgramFigures:
        return self.by_program.setdefault(program_id, ProgramFigures(program=None))


class Partition:
    """Which part each center, and each row of a grouped query, belongs to: its province (a national rollup,
    grouped by the center's parent), or the one part `only` (a province's or a center's own rollup)."""

    def __init__(self, centers: list[Unit], *, by_province: bool, only=None):
        self.by_province, self.only = by_province, only
        self.of_center = {c.pk: c.parent_id if by_province else only for c in centers}
        self.keys = sorted(set(self.of_center.values())) if by_province else [only]

    def lookup(self, path: str = "") -> str:
        return f"{path}__center__parent_id" if path else "center__parent_id"

    def fields(self, path: str = "") -> list[str]:
        return [self.lookup(path)] if self.by_province else []

    def of(self, row: dict, path: str = ""):
        return row[self.lookup(path)] if self.by_province else self.only


def unit_centers(unit: Unit) -> list[Unit]:
    """The centers of a unit with their provinces, in order; cached until a unit changes (the country's 693 centers
    cost 13 ms to load, 6 ms to unpickle; with their former names prefetched, 27 ms: callers that show names of
    the time prefetch them on the copy they got)."""
    return figures_cache.per_epoch(
        "centers",
        params=(unit.pk,),
        compute=lambda: list(centers_of(unit).prefetch_related("parent").order_by("parent__code", "code")),
    )


def cached_parts(name: str, *, unit: Unit, centers: list[Unit], years, params: tuple, count, merge):
    """merge({part key: value}) of a figure computed in parts, each from the cache unless a write since raised one
    of its centers' stamps; `count(centers queryset, partition)` counts the parts that are not.

    A national figure is cut by province, and a province's own figure is the same part (one cache entry): after
    a write in one center, the next look at the country counts that center's province again, nothing else."""
    centers_qs = centers_of(unit)
    partition = Partition(centers, by_province=unit.kind == Unit.Kind.CENTRAL, only=unit.pk)

    def fresh(missing: list) -> dict:
        subset = centers_qs if len(missing) == len(partition.keys) else centers_qs.filter(parent_id__in=missing)
        parts = count(subset, partition)
        return {key: parts[key] for key in missing}

    return figures_cache.cached_parts(
        name,
        centers=centers_qs,
        part=partition.lookup() if partition.by_province else None,
        keys=partition.keys,
        years=years,
        params=params,
        compute=fresh,
        merge=merge,
    )


def _centers_by_mask(masks: dict[int, int]) -> dict[int, list[int]]:
    """center id → set of quarters (bits 1, 2, 4, 8), regrouped as set → center ids: a handful of id lists."""
    by_mask: dict[int, list[int]] = defaultdict(list)
    for center_id, mask in masks.items():
        by_mask[mask].append(center_id)
    return by_mask


@dataclass
class AggregateRows:
    """The maintained aggregates' rows of a set of centers for one year, and what decides which of them a basis
    admits (report statuses) and the plans: everything the rollups of the year's periods count, in 6 queries."""

    quarters: list  # (center, quarter, program, co-organised, format, classes, enrolments, *results)
    groups: list  # (center, quarter, learner group, enrolments, of which ethnic minority)
    learners: list  # (center, set of quarters as bits, distinct learners)
    lecturers: list  # (center, set of quarters as bits, lecturer kind, distinct lecturers)
    reports: list  # (center, quarter, status) of the year
    plans: list  # (center, target quarter, program, planned classes): written in the report of the quarter before


def aggregate_rows(centers_qs, year: int) -> AggregateRows:
    from .models import GroupAggregate, LearnerAggregate, LecturerAggregate, QuarterAggregate

    def of(model):
        return model.objects.filter(center__in=centers_qs, year=year).order_by()

    plans = PlanLine.objects.filter(
        Q(report__year=year - 1, report__quarter=4) | Q(report__year=year, report__quarter__lt=4),
        report__center__in=centers_qs,
    ).annotate(target=models.Case(*(models.When(report__quarter=q, then=q % 4 + 1) for q in range(1, 5))))
    return AggregateRows(
        quarters=list(
            of(QuarterAggregate).values_list(
                "center_id",
                "quarter",
                "program_id",
                "co_organised",
                "format",
                "classes",
                "enrolments",
                *RESULT_FIELDS.values(),
            )
        ),
        groups=list(of(GroupAggregate).values_list("center_id", "quarter", "group", "enrolments", "minority")),
        learners=list(of(LearnerAggregate).values_list("center_id", "quarters", "learners")),
        lecturers=list(of(LecturerAggregate).values_list("center_id", "quarters", "kind", "lecturers")),
        reports=list(
            CenterReport.objects.filter(center__in=centers_qs, year=year).values_list("center_id", "quarter", "status")
        ),
        plans=list(plans.order_by().values_list("report__center_id", "target", "program_id", "planned_classes")),
    )


def count_parts(rows: AggregateRows, period: Period, basis: str, partition: Partition) -> dict:
    """The parts of a rollup of `period` (a period of the rows' year) on a basis, from the aggregates' rows.

    Which quarters count is decided per center: every quarter of the period, or (a basis on reports) those whose
    report has an admitted status; distinct learners and lecturers are read for exactly that set of quarters."""
    result_keys = list(RESULT_FIELDS)
    full = sum(1 << (q.index - 1) for q in period.quarters())
    statuses = admitted_statuses(basis)
    admitted: dict[int, int] | None = None
    if statuses is not None:
        admitted = defaultdict(int)
        for center_id, quarter, status in rows.reports:
            if status in statuses:
                admitted[center_id] |= 1 << (quarter - 1) & full

    def admits(center_id: int) -> int:
        return full if admitted is None else admitted.get(center_id, 0)

    parts: dict = defaultdict(Part)
    of_center = partition.of_center
    planned: dict[int, int] = defaultdict(int)  # center → the period's quarters that had a plan
    for center_id, target, program_id, n in rows.plans:
        bit = 1 << (target - 1)
        if admits(center_id) & bit:
            part = parts[of_center[center_id]]
            part.center(center_id).planned_classes += n
            part.program(program_id).planned_classes += n
            if n > 0:
                planned[center_id] |= bit
    for center_id, quarter, program_id, co_organised, form, classes, enrolments, *results in rows.quarters:
        bit = 1 << (quarter - 1)
        if not admits(center_id) & bit:
            continue
        part = parts[of_center[center_id]]
        figures, line = part.center(center_id), part.program(program_id)
        figures.classes += classes
        figures.enrolments += enrolments
        line.classes += classes
        line.enrolments += enrolments
        if planned.get(center_id, 0) & bit:
            figures.classes_in_planned_quarters += classes
        if co_organised:
            figures.co_organised_classes += classes
            figures.co_organised_enrolments += enrolments
        else:
            line.own_classes += classes
        for key, n in zip(result_keys, results, strict=True):
            figures.results[key] += n
            line.results[key] += n
        cell = part.by_format[form]
        cell[0] += classes
        cell[1] += enrolments
    for center_id, quarter, group, n, minority in rows.groups:
        if admits(center_id) & 1 << (quarter - 1):
            cell = parts[of_center[center_id]].by_group.setdefault(group, [0, 0])
            cell[0] += n
            cell[1] += minority
    # A learner, and a lecturer, belongs to one center: distinct counts add up across centers.
    for center_id, quarters, n in rows.learners:
        if quarters == admits(center_id) and quarters:
            parts[of_center[center_id]].center(center_id).learners += n
    for center_id, quarters, kind, n in rows.lecturers:
        if quarters == admits(center_id) and quarters:
            lecturers = parts[of_center[center_id]].lecturers
            lecturers[kind] = lecturers.get(kind, 0) + n
    _finish_parts(parts)
    return parts


def _aggregate_parts(centers_qs, period: Period, basis: str, partition: Partition) -> dict:
    return count_parts(aggregate_rows(centers_qs, period.year), period, basis, partition)


def province_centers(province_ids) -> tuple[QuerySet[Unit], Partition]:
    """The centers of these provinces, and their partition by province."""
    centers = Unit.objects.centers().filter(parent_id__in=province_ids)
    return centers, Partition(list(centers.only("id", "parent_id")), by_province=True)


def province_parts(centers: list[Unit], period: Period, basis: str) -> dict:
    """Province id → its part of a rollup, read from the maintained province figures (one query); a province
    whose row is missing or was counted under another version (an earlier deploy) is counted from the
    aggregates, all such at once, and stored once this transaction commits."""
    from .models import ProvinceFigures

    version = figures_cache.version()
    provinces = sorted({center.parent_id for center in centers if center.parent_id is not None})
    stored = ProvinceFigures.objects.filter(province_id__in=provinces, period=period.key, basis=basis)
    parts = {}
    for province_id, row_version, part in stored.values_list("province_id", "version", "part"):
        if row_version == version:
            with contextlib.suppress(Exception):  # a row that no longer unpickles is counted again
                parts[province_id] = pickle.loads(part)
    missing = [province_id for province_id in provinces if province_id not in parts]
    if missing:
        subset, partition = province_centers(missing)
        counted = _aggregate_parts(subset, period, basis, partition)
        fresh = {(period, basis): {province_id: counted[province_id] for province_id in missing}}
        parts.update(fresh[(period, basis)])
        transaction.on_commit(lambda: _store_province_parts(fresh, version))
    return parts


def _store_province_parts(parts: dict, version: str) -> None:
    """Rows a reader counted: in place of stale ones, but never over a row a write stored meanwhile (counted
    under the province's lock, so newer than the reader's)."""
    try:
        with transaction.atomic():
            figures_cache.store_province_parts(parts, version=version, replace=False)
    except DatabaseError:  # not kept: counted again at the next look; the page must not fail for it
        logger.exception("Không lưu được số liệu tổng hợp của tỉnh")


# The quarter a plan line is for, as a bit, from the quarter of the report it is written in (the quarter before).
_PLANNED_BIT = models.Case(
    *(models.When(report__quarter=written, then=1 << (written % 4)) for written in range(1, 5)),
    output_field=models.IntegerField(),
)


def _plans(parts: dict, centers_qs, period: Period, admitted, partition: Partition) -> dict[int, int]:
    """Plans (a small raw table) into the parts; returns center id → which of the period's quarters had a plan
    (bits 1, 2, 4, 8). Shared by both ways of counting."""
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


def _finish_parts(parts: dict) -> None:
    """Each part's total, once: shared by both ways of counting."""
    for part in parts.values():
        for figures in part.by_center.values():
            part.total.add(figures)


def _merge(period: Period, basis: str, programs: dict, parts: dict) -> Rollup:
    """The rollup from its parts: centers side by side, everything else added up (unit and centers attached by
    the caller)."""
    by_center: dict[int, Figures] = {}
    by_program: dict[str, ProgramFigures] = {}
    by_format = {value: [0, 0] for value in Course.Format.values}
    by_group = {value: [0, 0] for value in Learner.Group.values}
    lecturers = dict.fromkeys(Lecturer.Kind.values, 0)
    total = Figures()
    for part in parts.values():
        total.add(part.total)
        by_center.update(part.by_center)
        for program_id, line in part.by_program.items():
            program = programs[program_id]
            by_program.setdefault(program.code, ProgramFigures(program)).add(line)
        for into, source in ((by_format, part.by_format), (by_group, part.by_group)):
            for key, (a, b) in source.items():
                cell = into.setdefault(key, [0, 0])
                cell[0] += a
                cell[1] += b
        for kind, n in part.lecturers.items():
            lecturers[kind] = lecturers.get(kind, 0) + n
    ordered = dict(sorted(by_program.items(), key=lambda item: (item[1].program.order, item[0])))
    return Rollup(
        unit=None,
        period=period,
        basis=basis,
        total=total,
        by_center=by_center,
        by_program=ordered,
        by_format={k: tuple(v) for k, v in by_format.items()},
        by_group={k: tuple(v) for k, v in by_group.items()},
        lecturers=lecturers,
        centers=[],
        part_totals={key: part.total for key, part in parts.items()},
    )


def _raw_parts(centers_qs, period: Period, basis: str, partition: Partition) -> dict:
    """The reference implementation: counts the classes and enrolments themselves, as one part."""
    admitted = admitted_centers(centers=centers_qs, period=period, basis=basis)
    courses_q = basis_filter(centers=centers_qs, period=period, admitted=admitted)
    enrol_q = basis_filter(centers=centers_qs, period=period, admitted=admitted, path="course")
    parts: dict = defaultdict(Part)
    part = parts[partition.only]
    planned = _plans(parts, centers_qs, period, admitted, partition)

    courses = Course.objects.filter(courses_q).exclude(status=Course.Status.CANCELLED)
    grouped_courses = courses.values("center_id", "program_id", "co_organised", "format").annotate(
        n=Count("id"), in_planned=_count_in_planned_quarters(Count, "id", planned, "start_date__quarter")
    )
    for row in grouped_courses.order_by():
        n = row["n"]
        figures = part.center(row["center_id"])
        figures.classes += n
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
        enrolments.values("course__center_id", "course__program_id", "course__co_organised", "course__format", "result")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in grouped:
        n = row["n"]
        figures = part.center(row["course__center_id"])
        figures.enrolments += n
        figures.results[row["result"]] += n
        if row["course__co_organised"]:
            figures.co_organised_enrolments += n
        line = part.program(row["course__program_id"])
        line.enrolments += n
        line.results[row["result"]] += n
        part.by_format[row["course__format"]][1] += n

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

    taught = CourseLecturer.objects.filter(enrol_q).exclude(course__status=Course.Status.CANCELLED)
    by_kind = taught.annotate(counted_kind=COUNTED_LECTURER_KIND).values("counted_kind")
    for row in by_kind.annotate(n=Count("lecturer_id", distinct=True)).order_by():
        part.lecturers[row["counted_kind"]] = row["n"]
    _finish_parts(parts)
    return parts


# -- smaller reads ------------------------------------------------------------------------------------------
def latest_year_with_data(*, centers: QuerySet[Unit], today: datetime.date, basis: str = Basis.ALL) -> int:
    """The most recent year (not after today) in which any of `centers` opened a class that the basis admits: on
    approved data, a draft class of this year does not make it the year to open on."""
    from .models import QuarterAggregate

    statuses = admitted_statuses(basis)
    if statuses is None:
        latest = (
            Course.objects.filter(center__in=centers, start_date__lte=today)
            .exclude(status=Course.Status.CANCELLED)
            .aggregate(m=Max("start_date"))["m"]
        )
        return latest.year if latest else today.year
    opened = QuarterAggregate.objects.filter(
        center_id=OuterRef("center_id"), year=OuterRef("year"), quarter=OuterRef("quarter"), classes__gt=0
    )
    reports = CenterReport.objects.filter(center__in=centers, status__in=statuses, year__lte=today.year)
    # Newest first, stopping at the first match (the report index is read from its newest year down).
    return reports.filter(Exists(opened)).order_by("-year").values_list("year", flat=True).first() or today.year


def landing_year(unit: Unit, *, today: datetime.date) -> int:
    """The year a unit's home page and dashboard open on (and `warm_figures` counts ahead of them): the latest
    with data on the unit's default basis."""
    return latest_year_with_data(centers=centers_of(unit), today=today, basis=default_basis(unit))


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


def narratives(*, unit: Unit, period: Period, basis: str | None = None) -> list[Narrative]:
    """The centers' written parts of their reports for the quarters of a period (two queries)."""
    basis = basis or default_basis(unit)
    reports = (
        CenterReport.objects.filter(
            center__in=centers_of(unit), year=period.year, quarter__in=[q.index for q in period.quarters()]
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


# -- completeness ----------------------------------------------------------------------------------------------
NOT_STARTED = "not_started"
STATUS_LABELS = {NOT_STARTED: _("Chưa lập"), **dict(CenterReport.Status.choices)}


@dataclass
class CompletenessRow:
    center: Unit
    report: CenterReport | None
    expected: bool
    on_time: bool | None  # None until submitted

    @property
    def status(self) -> str:
        return self.report.status if self.report else NOT_STARTED

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def counts(self) -> bool:
        """Submitted or approved: counts towards the reporting rate."""
        return self.expected and self.status in (CenterReport.Status.SUBMITTED, CenterReport.Status.APPROVED)


@dataclass
class Completeness:
    period: Period
    unit: Unit
    deadline: datetime.date | None
    rows: list[CompletenessRow]

    @property
    def expected(self) -> int:
        return sum(1 for row in self.rows if row.expected)

    @property
    def reported(self) -> int:
        return sum(1 for row in self.rows if row.counts)

    @property
    def approved(self) -> int:
        return sum(1 for row in self.rows if row.expected and row.status == CenterReport.Status.APPROVED)

    @property
    def late(self) -> int:
        return sum(1 for row in self.rows if row.expected and row.on_time is False)

    @property
    def rate(self) -> float | None:
        """Submitted and approved over expected; centers not active in the period are not expected."""
        return self.reported / self.expected if self.expected else None

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.expected and row.status == status)


def completeness(*, province: Unit, period: Period, deadline: datetime.date | None = None) -> Completeness:
    """Each center of a province with its report status for one quarter (three queries)."""
    if deadline is None:
        row = Deadline.objects.filter(province=province, year=period.year, quarter=period.index).first()
        deadline = row.due_on if row else default_deadline(period)
    centers = list(Unit.objects.centers().filter(parent=province).select_related("parent").order_by("code"))
    reports = {
        r.center_id: r
        for r in CenterReport.objects.filter(center__in=centers, year=period.year, quarter=period.index).select_related(
            "approved_by", "submitted_by"
        )
    }
    rows = []
    for center in centers:
        report = reports.get(center.pk)
        expected = center.active_from <= period.end and (center.active_to is None or center.active_to >= period.start)
        if report is None and not expected:
            continue  # not active then, and nothing to show
        on_time = None
        if report is not None and report.first_submitted_at is not None:
            on_time = timezone.localtime(report.first_submitted_at).date() <= deadline
        rows.append(CompletenessRow(center, report, expected, on_time))
    return Completeness(period=period, unit=province, deadline=deadline, rows=rows)


@dataclass
class ProvinceCompleteness:
    province: Unit
    expected: int
    reported: int
    approved: int

    @property
    def rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None

    @classmethod
    def total(cls, rows: list[ProvinceCompleteness]) -> ProvinceCompleteness:
        """The country's line under the provinces'."""
        return cls(None, *(sum(getattr(row, name) for row in rows) for name in ("expected", "reported", "approved")))


def national_completeness(*, period: Period) -> list[ProvinceCompleteness]:
    """Reporting rate per province for one quarter (two grouped queries)."""
    active = (
        Unit.objects.centers()
        .active_between(period.start, period.end)
        .values("parent_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    expected = {row["parent_id"]: row["n"] for row in active}
    statuses = (
        CenterReport.objects.filter(year=period.year, quarter=period.index)
        .filter(center__in=Unit.objects.centers().active_between(period.start, period.end))
        .values("center__parent_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    reported, approved = defaultdict(int), defaultdict(int)
    for row in statuses:
        if row["status"] in (CenterReport.Status.SUBMITTED, CenterReport.Status.APPROVED):
            reported[row["center__parent_id"]] += row["n"]
        if row["status"] == CenterReport.Status.APPROVED:
            approved[row["center__parent_id"]] += row["n"]
    return [
        ProvinceCompleteness(p, expected.get(p.pk, 0), reported[p.pk], approved[p.pk])
        for p in Unit.objects.provinces().order_by("code")
    ]


# -- dashboard series ---------------------------------------------------------------------------------------
@dataclass
class ReportingRate:
    reported: int  # center-quarters submitted or approved
    expected: int  # center-quarters in which the center was active
    by_center: dict[int, tuple[int, int]]  # center id → (reported, expected)
    statuses: dict[tuple[int, int], str] = field(default_factory=dict)  # (center id, quarter) → report status

    @property
    def rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None

    def center_rate(self, center_id: int) -> float | None:
        reported, expected = self.by_center.get(center_id, (0, 0))
        return reported / expected if expected else None

    def status_label(self, center_id: int, period: Period) -> str:
        """The report status of a quarter, or "3/4 quý đã gửi" over a longer period."""
        if period.is_quarter:
            return str(STATUS_LABELS[self.statuses.get((center_id, period.index), NOT_STARTED)])
        reported, expected = self.by_center.get(center_id, (0, 0))
        return f"{reported}/{expected} quý đã gửi"

    def province_totals(self, centers: list[Unit]) -> dict[int, tuple[int, int]]:
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for center in centers:
            reported, expected = self.by_center.get(center.pk, (0, 0))
            totals[center.parent_id][0] += reported
            totals[center.parent_id][1] += expected
        return {k: (v[0], v[1]) for k, v in totals.items()}


def reporting_rate(*, unit: Unit, period: Period, centers: list[Unit] | None = None) -> ReportingRate:
    """Submitted and approved center-quarters over the center-quarters expected (centers active then).

    `centers`: the unit's centers (`unit_centers`) when the caller has them already. Cached in parts: report
    statuses are stamped."""
    centers = centers if centers is not None else unit_centers(unit)
    return cached_parts(
        "reporting_rate",
        unit=unit,
        centers=centers,
        years=[period.year],
        params=(period.key,),
        count=lambda subset, partition: _reporting_parts(subset, centers, period, partition),
        merge=_add_rates,
    )


def _add_rates(parts: dict) -> ReportingRate:
    by_center, statuses = {}, {}
    for part in parts.values():
        by_center.update(part.by_center)
        statuses.update(part.statuses)
    return ReportingRate(
        reported=sum(r for r, _ in by_center.values()),
        expected=sum(e for _, e in by_center.values()),
        by_center=by_center,
        statuses=statuses,
    )


def _reporting_parts(centers_qs, centers: list[Unit], period: Period, partition: Partition) -> dict:
    quarters = period.quarters()
    parts: dict = defaultdict(lambda: ReportingRate(0, 0, {}))
    for center_id, quarter, status in CenterReport.objects.filter(
        center__in=centers_qs, year=period.year, quarter__in=[q.index for q in quarters]
    ).values_list("center_id", "quarter", "status"):
        parts[partition.of_center[center_id]].statuses[(center_id, quarter)] = status
    for center in centers:  # the parts not asked for are dropped
        part = parts[partition.of_center[center.pk]]
        expected = reported = 0
        for q in quarters:
            if center.active_from <= q.end and (center.active_to is None or center.active_to >= q.start):
                expected += 1
                status = part.statuses.get((center.pk, q.index))
                reported += status in (CenterReport.Status.SUBMITTED, CenterReport.Status.APPROVED)
        part.by_center[center.pk] = (reported, expected)
    return parts


@dataclass
class QuarterPoint:
    period: Period
    classes: int
    enrolments: int


def quarterly_series(
    *, unit: Unit, last: Period, count: int, basis: str | None = None, centers: list[Unit] | None = None
) -> list[QuarterPoint]:
    """Classes and enrolments per quarter for the `count` quarters ending with `last`, from the aggregates.

    `centers`: the unit's centers (`unit_centers`) when the caller has them already."""
    basis = basis or default_basis(unit)
    quarters = [last]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous_quarter())
    years = range(quarters[0].year, quarters[-1].year + 1)
    return cached_parts(
        "quarterly_series",
        unit=unit,
        centers=centers if centers is not None else unit_centers(unit),
        years=years,
        params=(last.key, count, basis),
        count=lambda subset, partition: _quarterly_parts(subset, years, basis, partition),
        merge=lambda parts: _add_quarters(parts, quarters),
    )


def _add_quarters(parts: dict, quarters: list[Period]) -> list[QuarterPoint]:
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for part in parts.values():
        for key, (classes, enrolments) in part.items():
            totals[key][0] += classes
            totals[key][1] += enrolments
    return [QuarterPoint(q, *totals[(q.year, q.index)]) for q in quarters]


def _quarterly_parts(centers_qs, years: range, basis: str, partition: Partition) -> dict:
    """Part → {(year, quarter): [classes, enrolments]} over whole years, admitted quarters only (two queries)."""
    admitted, statuses = None, admitted_statuses(basis)
    if statuses is not None:
        admitted = set(
            CenterReport.objects.filter(
                center__in=centers_qs, year__gte=years[0], year__lte=years[-1], status__in=statuses
            ).values_list("center_id", "year", "quarter")
        )
    from .models import QuarterAggregate

    parts: dict = defaultdict(dict)
    rows = (
        QuarterAggregate.objects.filter(center__in=centers_qs, year__gte=years[0], year__lte=years[-1])
        .values_list("center_id", "year", "quarter")
        .annotate(c=Sum("classes"), e=Sum("enrolments"))
        .order_by()
    )
    for center_id, year, quarter, classes, enrolments in rows:
        if admitted is None or (center_id, year, quarter) in admitted:
            cell = parts[partition.of_center[center_id]].setdefault((year, quarter), [0, 0])
            cell[0] += classes
            cell[1] += enrolments
    return parts


# -- rows for exports ---------------------------------------------------------------------------------------
def lecturers_in_period(*, unit: Unit, period: Period, basis: str | None = None) -> list[Lecturer]:
    """Lecturers who taught at least one counted class of the period, each with `n_classes` and with `kind` as the
    period counts it: as approved in an approved quarter, else their current kind; of their latest class when the
    period holds several (two queries)."""
    basis = basis or default_basis(unit)
    centers_qs = centers_of(unit)
    admitted = admitted_centers(centers=centers_qs, period=period, basis=basis)
    taught = CourseLecturer.objects.filter(
        basis_filter(centers=centers_qs, period=period, admitted=admitted, path="course")
    ).exclude(course__status=Course.Status.CANCELLED)
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


def roster(*, unit: Unit, period: Period, basis: str | None = None):
    """Every counted enrolment of the period as tuples (ROSTER_FIELDS), streamed from the database: class by
    class, and in each class the learners in the order of the class page (given name, then whole name)."""
    basis = basis or default_basis(unit)
    centers_qs = centers_of(unit)
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
