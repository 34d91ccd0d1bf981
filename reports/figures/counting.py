"""Figures counted from the maintained tables (reports/figures/maintained.py): the rollup of a unit and period,
the quarterly series, the year a unit's pages open on.

`aggregate_rows` reads a set of centers' rows of one year (5 queries) and `count_parts` counts any period and
basis of that year from them in Python, cut in parts (a province's centers, or one part): the maintained province
figures are counted this way, under the province's lock, by every write. `rollup(raw=True)` counts the raw rows
instead (reports/figures/reference.py), the oracle the maintained tables are checked against.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import hashlib
import logging
import pickle
from collections import defaultdict
from dataclasses import dataclass

from django.db import DatabaseError, connections, transaction
from django.db.models import CharField, Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import MD5

from centers.compiled import CompiledQuery
from centers.lineage import Boundaries
from centers.models import Unit
from centers.periods import Period
from courses.models import Course, Learner, Lecturer, Program

from ..models import (
    AWAITING_FIELD,
    PLANNED_QUARTER,
    RESULT_FIELDS,
    SCORED_FIELDS,
    CenterReport,
    GroupAggregate,
    LearnerAggregate,
    LecturerAggregate,
    PlanLine,
    ProvinceFigures,
    QuarterAggregate,
)
from . import cache
from .basis import Basis, Bounds, admitted_statuses, bounds_of, centers_of, default_basis, plan_center_active
from .reference import raw_parts
from .types import Figures, Part, Partition, ProgramFigures, Rollup, finish_parts

logger = logging.getLogger(__name__)


def rollup(
    *,
    unit: Unit,
    period: Period,
    basis: str | None = None,
    compare: bool = True,
    raw: bool = False,
    boundaries: Boundaries | None = None,
    bounds: Bounds | None = None,
) -> Rollup:
    """Every figure of a unit for a period (and the same period a year earlier), in a fixed number of queries.

    A province's and the nation's figures add up the maintained province figures (one row per province); a
    center's come from its maintained aggregates, cached on its stamps; `raw=True` counts the classes and
    enrolments themselves (the reference implementation the aggregates are checked against).

    `boundaries` (None: the period's default, centers/lineage.py): in today's, a province adds up its lineage's
    figures (the province figures of each, so a sum of parts) and the nation lists today's provinces; the same
    boundaries are used a year earlier, so new Lào Cai's năm 2025 compares with năm 2024 of Lào Cai and Yên Bái."""
    basis = basis or default_basis(unit)
    bounds = bounds or bounds_of(unit, boundaries, period)
    centers_qs = centers_of(unit, bounds)
    centers, programs = _centers_and_programs(unit, bounds)
    if unit.kind in (Unit.Kind.CENTRAL, Unit.Kind.PROVINCE):  # once for both periods: the nation has 693 centers
        provinces = sorted({center.parent_id for center in centers if center.parent_id is not None})

    def compute(at: Period) -> Rollup:
        if raw:
            parts = raw_parts(centers_qs, at, basis, Partition(centers, by_province=False, only=unit.pk))
            figures = _merge(at, basis, programs, parts)
        elif unit.kind in (Unit.Kind.CENTRAL, Unit.Kind.PROVINCE):
            parts = province_parts(provinces, at, basis)
            if unit.kind == Unit.Kind.PROVINCE:  # its own centers' part (its lineage's, today), under their ids
                parts = {pk: parts.get(pk, Part()) for pk in sorted(bounds.provinces or {unit.pk})}
            figures = _merged(at, basis, programs, parts)
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
        # Attached, not cached: names may change, figures may not.
        figures.unit, figures.centers, figures.bounds = unit, centers, bounds
        return figures

    current = compute(period)
    if compare:
        current.previous = compute(period.year_earlier())
        # A unit founded after the year-earlier period began (a commune-level center founded on 1/7/2025) has no
        # figures to compare with: "chưa có số liệu cùng kỳ", never a rise from zero.
        current.comparable = existed_throughout(unit, period.year_earlier())
    return current


def existed_throughout(unit: Unit, period: Period) -> bool:
    """The unit existed from the first day of `period` on: a comparison with that period means something."""
    return unit.active_from <= period.start


def unit_centers(unit: Unit, bounds: Bounds | None = None) -> list[Unit]:
    """The centers of a unit with their provinces, in order; cached until a unit changes (the country's 693 centers
    cost 13 ms to load; with their former names prefetched, 27 ms: callers that show names of the time prefetch
    them on the copy they got). A province's in today's boundaries: its lineage's."""
    return _centers_and_programs(unit, bounds)[0]


def _centers_and_programs(unit: Unit, bounds: Bounds | None) -> tuple[list[Unit], dict[int, Program]]:
    """`unit_centers`, and the program catalogue by id, cached together (one query): a change of either starts a new
    epoch (reports/signals.py)."""
    provinces = tuple(sorted(bounds.provinces)) if bounds is not None and len(bounds.provinces) > 1 else ()

    def compute():
        centers = centers_of(unit, bounds).prefetch_related("parent").order_by("parent__code", "code")
        return list(centers), {p.pk: p for p in Program.objects.all()}

    # Not "centers", the name of the list alone before: the table every process shares may still hold it.
    return cache.per_epoch("centers-and-programs", params=(unit.pk, *provinces), compute=compute)


def cached_parts(
    name: str, *, unit: Unit, centers: list[Unit], years, params: tuple, count, merge, bounds: Bounds | None = None
):
    """merge({part key: value}) of a figure computed in parts, each from the cache unless a write since raised one
    of its centers' stamps; `count(centers queryset, partition)` counts the parts that are not.

    A national figure is cut by province, and a province's own figure is the same part (one cache entry): after
    a write in one center, the next look at the country counts that center's province again, nothing else.
    A province's part in today's boundaries (its lineage's centers) is keyed on the boundaries too: a switch never
    shows the other view's numbers, even where the stamps read would be the same."""
    centers_qs = centers_of(unit, bounds)
    if unit.kind == Unit.Kind.PROVINCE:  # no bounds: the province as it was
        params = (*params, bounds.key if bounds is not None else Boundaries.THEN.value)
    partition = Partition(centers, by_province=unit.kind == Unit.Kind.CENTRAL, only=unit.pk)

    def fresh(missing: list) -> dict:
        subset = centers_qs if len(missing) == len(partition.keys) else centers_qs.filter(parent_id__in=missing)
        parts = count(subset, partition)
        return {key: parts[key] for key in missing}

    return cache.cached_parts(
        name,
        centers=centers_qs,
        part=partition.lookup() if partition.by_province else None,
        keys=partition.keys,
        years=years,
        params=params,
        compute=fresh,
        merge=merge,
    )


@dataclass
class AggregateRows:
    """The maintained aggregates' rows of a set of centers for one year, and what decides which of them a basis
    admits (report statuses) and the plans: everything the rollups of the year's periods count, in 5 queries."""

    quarters: list  # (center, quarter, program, co-organised, format, classes, enrolments, *results, *scored, awaiting)
    groups: list  # (center, quarter, learner group, enrolments, of which ethnic minority)
    learners: list  # (center, set of quarters as bits, distinct learners)
    lecturers: list  # (center, set of quarters as bits, lecturer kind, distinct lecturers)
    reports: list  # (center, quarter, status) of the year
    plans: list  # (center, target quarter, program, planned classes): written in the report of the quarter before


# The columns of each maintained table an AggregateRows holds, in its order.
_COLUMNS = {
    QuarterAggregate: (
        "center_id",
        "quarter",
        "program_id",
        "co_organised",
        "format",
        "classes",
        "enrolments",
        *RESULT_FIELDS.values(),
        *SCORED_FIELDS,
        AWAITING_FIELD,
    ),
    GroupAggregate: ("center_id", "quarter", "group", "enrolments", "minority"),
    LearnerAggregate: ("center_id", "quarters", "learners"),
    LecturerAggregate: ("center_id", "quarters", "kind", "lecturers"),
}


def _table_rows(model, centers_qs, year: int) -> QuerySet:
    return model.objects.filter(center__in=centers_qs, year=year).order_by().values_list(*_COLUMNS[model])


def aggregate_rows(centers_qs, year: int, *, admitting: bool = True) -> AggregateRows:
    """The rows (5 queries); without `admitting`, the four tables' only (4 queries): the reports and plans left
    empty, to be read by `read_admitting` when a count needs them (a write whose rows did not change counts
    nothing)."""
    rows = AggregateRows(*(list(_table_rows(model, centers_qs, year)) for model in _COLUMNS), reports=[], plans=[])
    if admitting:
        read_admitting(rows, centers_qs, year)
    return rows


def _province_and_center(province_id: int, center_id: int) -> QuerySet:
    """The centers of a province and one center (a write's, which is one of them unless it has no province)."""
    return Unit.objects.filter(Q(kind=Unit.Kind.CENTER, parent_id=province_id) | Q(pk=center_id)).values("pk")


def _of_province(model) -> CompiledQuery:
    """A write in one center reads its province's rows (maintained._refresh_cells): compiled once
    (centers/compiled.py)."""
    return CompiledQuery(
        model,
        lambda province_id, center_id, year: _table_rows(model, _province_and_center(province_id, center_id), year),
        ((2_000_000_003, 2_000_000_001, 2901), (2_000_000_004, 2_000_000_002, 2902)),
    )


_OF_PROVINCE = {model: _of_province(model) for model in _COLUMNS}


def province_rows(province_id: int, center_id: int, year: int) -> AggregateRows:
    """`aggregate_rows` of a province's centers and one center for a year, without the reports and plans."""
    return AggregateRows(
        *(query.rows(province_id, center_id, year) for query in _OF_PROVINCE.values()), reports=[], plans=[]
    )


def read_admitting(rows: AggregateRows, centers_qs, year: int) -> None:
    """The reports (their statuses decide which quarters a basis admits) and the plans of the rows (one query)."""
    written_for = Q(pk__in=[])  # the report each quarter's plan is written in, its center still active then
    for target in Period(year, "Y").quarters():
        before = target.previous_quarter()
        written_for |= Q(report__year=before.year, report__quarter=before.index) & plan_center_active(target)
    # In one statement: the reports' rows carry a status and no program, the plans' a program and no status.
    no_text, no_number = Value(None, output_field=CharField()), Value(None, output_field=IntegerField())
    reports = (
        CenterReport.objects.filter(center__in=centers_qs, year=year)
        .annotate(program=no_number, planned=no_number)
        .values_list("center_id", "quarter", "status", "program", "planned")
    )
    plans = (
        PlanLine.objects.filter(written_for, report__center__in=centers_qs)
        .annotate(target=PLANNED_QUARTER, status=no_text)
        .values_list("report__center_id", "target", "status", "program_id", "planned_classes")
    )
    rows.reports, rows.plans = [], []
    for center_id, quarter, status, program_id, planned in reports.order_by().union(plans.order_by(), all=True):
        if status is None:
            rows.plans.append((center_id, quarter, program_id, planned))
        else:
            rows.reports.append((center_id, quarter, status))


def count_parts(rows: AggregateRows, period: Period, basis: str, partition: Partition) -> dict:
    """The parts of a rollup of `period` (a period of the rows' year) on a basis, from the aggregates' rows
    (`count_periods` of one period)."""
    return count_periods(rows, [period], basis, partition)[period]


def count_periods(rows: AggregateRows, periods: list[Period], basis: str, partition: Partition) -> dict:
    """Period → the parts of its rollup on a basis, for periods of the rows' year, from the aggregates' rows.

    Which quarters count is decided per center: every quarter of the period, or (a basis on reports) those whose
    report has an admitted status. A class, an enrolment and a plan belong to one quarter: each quarter's are
    counted once and added into every period that holds it (a write's four periods of a year read each row once,
    not once a period). Distinct learners and lecturers are read for exactly each period's set of quarters."""
    statuses = admitted_statuses(basis)
    admitted: dict[int, int] | None = None
    if statuses is not None:
        admitted = defaultdict(int)
        for center_id, quarter, status in rows.reports:
            if status in statuses:
                admitted[center_id] |= 1 << (quarter - 1)
    indexes = sorted({q.index for period in periods for q in period.quarters()})
    split: dict[int, tuple[list, list, list]] = {index: ([], [], []) for index in indexes}
    for table, at in ((rows.plans, 0), (rows.quarters, 1), (rows.groups, 2)):
        for row in table:  # each row's quarter (a plan's target quarter) is its second column
            if row[1] in split:
                split[row[1]][at].append(row)
    by_quarter = {index: _count_quarter(*split[index], index, admitted, partition) for index in indexes}
    found = {}
    for period in periods:
        quarters = [q.index for q in period.quarters()]
        if len(quarters) == 1:
            parts = by_quarter[quarters[0]]  # its own: no other period of the year is that quarter alone
        else:
            parts = defaultdict(Part)
            for index in quarters:
                for key, part in by_quarter[index].items():
                    _add_part(parts[key], part)
        found[period] = parts
    for period, parts in found.items():  # after every sum: the distinct counts go into each period's own parts
        full = sum(1 << (q.index - 1) for q in period.quarters())

        def admits(center_id: int, full=full) -> int:
            return full if admitted is None else admitted.get(center_id, 0) & full

        # A learner, and a lecturer, belongs to one center: distinct counts add up across centers.
        of_center = partition.of_center
        for center_id, mask, n in rows.learners:
            if mask and not mask & ~full and mask == admits(center_id):
                parts[of_center[center_id]].center(center_id).learners += n
        for center_id, mask, kind, n in rows.lecturers:
            if mask and not mask & ~full and mask == admits(center_id):
                lecturers = parts[of_center[center_id]].lecturers
                lecturers[kind] = lecturers.get(kind, 0) + n
        finish_parts(parts)
    return found


def _count_quarter(
    plans: list, quarters: list, groups: list, index: int, admitted: dict[int, int] | None, partition: Partition
) -> dict:
    """The parts of one quarter's classes, enrolments and plans (what adds up across quarters), from that quarter's
    rows of the centers whose quarter the basis admits (`admitted`: center → quarters as bits; None: every one)."""
    bit = 1 << (index - 1)
    result_keys = list(RESULT_FIELDS)
    results_end = len(result_keys)
    parts: dict = defaultdict(Part)
    of_center = partition.of_center

    def admits(center_id: int) -> bool:
        return admitted is None or bool(admitted.get(center_id, 0) & bit)

    planned: set[int] = set()  # the centers with a plan for the quarter
    for center_id, _, program_id, n in plans:
        if admits(center_id):
            part = parts[of_center[center_id]]
            part.center(center_id).planned_classes += n
            part.program(program_id).planned_classes += n
            if n > 0:
                planned.add(center_id)
    for center_id, _, program_id, co_organised, form, classes, enrolments, *counts in quarters:
        if not admits(center_id):
            continue
        part = parts[of_center[center_id]]
        figures, line = part.center(center_id), part.program(program_id)
        figures.classes += classes
        figures.enrolments += enrolments
        line.classes += classes
        line.enrolments += enrolments
        if center_id in planned:
            figures.classes_in_planned_quarters += classes
        if co_organised:
            figures.co_organised_classes += classes
            figures.co_organised_enrolments += enrolments
        else:
            line.own_classes += classes
        for key, n in zip(result_keys, counts[:results_end], strict=True):
            figures.results[key] += n
            line.results[key] += n
        if counts[results_end]:  # scored classes (courses/rules.py): what the 2025 rules add
            figures.add_scored(counts[results_end:])
        cell = part.by_format[form]
        cell[0] += classes
        cell[1] += enrolments
    for center_id, _, group, n, minority in groups:
        if admits(center_id):
            cell = parts[of_center[center_id]].by_group.setdefault(group, [0, 0])
            cell[0] += n
            cell[1] += minority
    return parts


def _add_part(into: Part, part: Part) -> None:
    """Add a quarter's part (its classes, enrolments and plans; no distinct counts, no total yet) into a
    period's."""
    for center_id, figures in part.by_center.items():
        into.center(center_id).add(figures)
    for program_id, line in part.by_program.items():
        into.program(program_id).add(line)
    for target, source in ((into.by_format, part.by_format), (into.by_group, part.by_group)):
        for key, (a, b) in source.items():
            cell = target.setdefault(key, [0, 0])
            cell[0] += a
            cell[1] += b


def _aggregate_parts(centers_qs, period: Period, basis: str, partition: Partition) -> dict:
    return count_parts(aggregate_rows(centers_qs, period.year), period, basis, partition)


def province_centers(province_ids) -> tuple[QuerySet[Unit], Partition]:
    """The centers of these provinces, and their partition by province."""
    centers = Unit.objects.centers().filter(parent_id__in=province_ids)
    return centers, Partition(list(centers.only("id", "parent_id")), by_province=True)


def province_parts(provinces: list[int], period: Period, basis: str) -> dict:
    """Province id → its part of a rollup, read from the maintained province figures (one query); a province
    whose row is missing or was counted under another version (an earlier deploy) is counted from the
    aggregates, all such at once, and stored once this transaction commits."""
    version = cache.version()
    stored = ProvinceFigures.objects.filter(province_id__in=provinces, period=period.key, basis=basis, version=version)
    parts = _stored_parts(stored)
    missing = [province_id for province_id in provinces if province_id not in parts]
    if missing:
        subset, partition = province_centers(missing)
        counted = _aggregate_parts(subset, period, basis, partition)
        fresh = {(period, basis): {province_id: counted[province_id] for province_id in missing}}
        parts.update(fresh[(period, basis)])
        transaction.on_commit(lambda: _store_province_parts(fresh, version))
    return parts


def _stored_parts(stored: QuerySet[ProvinceFigures], *, hashed: bool = True) -> dict:
    """Province id → its stored part, unpickled once per process (keyed on the MD5 of its bytes: a row rewritten
    with other figures is another key); a row that no longer unpickles is left out, to be counted again.

    On PostgreSQL the database hashes the rows first, and only the parts this process has not unpickled yet are
    fetched (the nation's 63 are 200 KB), checked against those hashes: a row rewritten between the two reads
    makes all of them read again in one query, so the parts are always of one moment."""
    digests, parts, rows = {}, {}, stored
    if hashed and connections[stored.db].vendor == "postgresql":
        digests = dict(stored.values_list("province_id", MD5("part")))
        for province_id, digest in digests.items():
            part = cache.unpickled_parts.get(digest)
            if part is not cache.unpickled_parts:
                parts[province_id] = part
        if len(parts) == len(digests):
            return parts
        rows = stored.exclude(province_id__in=list(parts))
    fetched = set()
    for province_id, pickled in rows.values_list("province_id", "part"):
        pickled = bytes(pickled)
        digest = hashlib.md5(pickled, usedforsecurity=False).hexdigest()
        if digests and digests.get(province_id) != digest:  # rewritten meanwhile
            return _stored_parts(stored, hashed=False)
        fetched.add(province_id)
        part = cache.unpickled_parts.get(digest)
        if part is cache.unpickled_parts:
            try:
                part = pickle.loads(pickled)
            except Exception:  # noqa: BLE001, S112 -- a row that no longer unpickles is counted again
                continue
            cache.unpickled_parts.put(digest, part)
        parts[province_id] = part
    if digests and fetched | set(parts) != set(digests):  # a row gone meanwhile
        return _stored_parts(stored, hashed=False)
    return parts


def _store_province_parts(parts: dict, version: str) -> None:
    """Rows a reader counted: in place of stale ones, but never over a row a write stored meanwhile (counted
    under the province's lock, so newer than the reader's)."""
    try:
        with transaction.atomic():
            cache.store_province_parts(parts, version=version, replace=False)
    except DatabaseError:  # not kept: counted again at the next look; the page must not fail for it
        logger.exception("Không lưu được số liệu tổng hợp của tỉnh")


# The nation's and provinces' merged rollups, one per (period, basis, provinces, programs): the last merge of those
# parts, replaced when a part changes. Keyed on the parts' ids, an entry per change would pile up: 64 of the nation's
# (7.700 objects each) made every full garbage collection of a worker visit half a million objects (100-200 ms).
_merges = cache.Unpickled(32)


def _merged(period: Period, basis: str, programs: dict, parts: dict) -> Rollup:
    """`_merge`, done once per process for the same part objects (those `province_parts` keeps unpickled) and the
    same programs' codes and order: a copy with the programs of this read attached; the figures are shared, read
    only (the nation's merge adds up 63 parts of 693 centers: 3 ms)."""
    key = (
        period.key,
        basis,
        tuple(parts),
        tuple((pk, program.code, program.order) for pk, program in programs.items()),
    )
    found = _merges.get(key)
    # The entry holds the very part objects it was merged from: the same objects, the same sums.
    if found is _merges or any(a is not b for a, b in zip(found[0], parts.values(), strict=True)):
        merged = _merge(period, basis, programs, parts)
        _merges.put(key, (tuple(parts.values()), merged))
    else:
        merged = found[1]
    rollup = copy.copy(merged)
    rollup.by_program = {
        code: dataclasses.replace(line, program=programs[line.program.pk]) for code, line in merged.by_program.items()
    }
    return rollup


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


# -- smaller reads ------------------------------------------------------------------------------------------
def latest_year_with_data(*, centers: QuerySet[Unit], today: datetime.date, basis: str = Basis.ALL) -> int:
    """The most recent year (not after today) in which any of `centers` opened a class that the basis admits: on
    approved data, a draft class of this year does not make it the year to open on."""
    statuses = admitted_statuses(basis)
    if statuses is None:
        latest = (
            Course.objects.counted()
            .filter(center__in=centers, start_date__lte=today)
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
    centers = centers if centers is not None else unit_centers(unit)
    if unit.kind in (Unit.Kind.CENTRAL, Unit.Kind.PROVINCE):
        return _province_series(centers, quarters, basis)
    return cached_parts(
        "quarterly_series",
        unit=unit,
        centers=centers,
        years=years,
        params=(last.key, count, basis),
        count=lambda subset, partition: _quarterly_parts(subset, years, basis, partition),
        merge=lambda parts: _add_quarters(parts, quarters),
    )


def _province_series(centers: list[Unit], quarters: list[Period], basis: str) -> list[QuarterPoint]:
    """A province's or the nation's quarterly series: the quarters' totals of the maintained province figures, added
    up (one query, no cache). A (province, year) missing a quarter's row (or its totals, or under another version)
    has its quarters counted from the aggregates (7 queries a year), stored once this transaction commits, as
    `province_parts` does."""
    provinces = sorted({center.parent_id for center in centers if center.parent_id is not None})
    keys = {q.key: (q.year, q.index) for q in quarters}
    version = cache.version()
    rows = ProvinceFigures.objects.filter(
        province_id__in=provinces, period__in=list(keys), basis=basis, version=version, classes__isnull=False
    )
    # Added up in the database (16 rows, not 1.008); only when a quarter lacks a province's row, read them one by one.
    sums = rows.values("period").annotate(n=Count("id"), c=Sum("classes"), e=Sum("enrolments")).order_by()
    added = {row["period"]: row for row in sums}
    if all(key in added and added[key]["n"] == len(provinces) for key in keys):
        return [QuarterPoint(q, added[q.key]["c"], added[q.key]["e"]) for q in quarters]
    stored = rows.values_list("province_id", "period", "classes", "enrolments")
    found = {(province_id, keys[period]): (classes, enrolments) for province_id, period, classes, enrolments in stored}
    missing: dict[int, set[int]] = defaultdict(set)  # year → provinces
    for q in quarters:
        for province_id in provinces:
            if (province_id, (q.year, q.index)) not in found:
                missing[q.year].add(province_id)
    for year, ids in sorted(missing.items()):
        subset, partition = province_centers(ids)
        rows = aggregate_rows(subset, year)
        fresh = {}
        for q in Period(year, "Y").quarters():
            parts = count_parts(rows, q, basis, partition)
            fresh[(q, basis)] = {province_id: parts.get(province_id, Part()) for province_id in ids}
            for province_id, part in fresh[(q, basis)].items():
                found[(province_id, (year, q.index))] = (part.total.classes, part.total.enrolments)
        transaction.on_commit(lambda fresh=fresh: _store_province_parts(fresh, version))
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for (_, cell), (classes, enrolments) in found.items():
        totals[cell][0] += classes
        totals[cell][1] += enrolments
    return [QuarterPoint(q, *totals[(q.year, q.index)]) for q in quarters]


def _add_quarters(parts: dict, quarters: list[Period]) -> list[QuarterPoint]:
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for part in parts.values():
        for key, (classes, enrolments) in part.items():
            totals[key][0] += classes
            totals[key][1] += enrolments
    return [QuarterPoint(q, *totals[(q.year, q.index)]) for q in quarters]


def _quarterly_parts(centers_qs, years: range, basis: str, partition: Partition) -> dict:
    """Part → {(year, quarter): [classes, enrolments]} over whole years, admitted quarters only: one query, added up
    by part and quarter in the database."""
    rows = QuarterAggregate.objects.filter(center__in=centers_qs, year__gte=years[0], year__lte=years[-1])
    statuses = admitted_statuses(basis)
    if statuses is not None:
        reported = CenterReport.objects.filter(
            center_id=OuterRef("center_id"), year=OuterRef("year"), quarter=OuterRef("quarter"), status__in=statuses
        )
        rows = rows.filter(Exists(reported))
    parts: dict = defaultdict(dict)
    sums = rows.values(*partition.fields(), "year", "quarter").annotate(c=Sum("classes"), e=Sum("enrolments"))
    for row in sums.order_by():
        parts[partition.of(row)][(row["year"], row["quarter"])] = [row["c"], row["e"]]
    return parts
