"""The maintained tables behind every figure, kept exact inside every write's own transaction.

Write services (and reports/signals.py) call `refresh(cells)` with the (center, year, quarter) cells their write
touched; the rows of those cells are counted again from the raw tables (the rules of courses/models.py), and
those that changed written: QuarterAggregate, GroupAggregate, LearnerAggregate, LecturerAggregate. Then, if
one did, the figures of their provinces for those years (`ProvinceFigures`: every period and basis), counted from
those rows (reports/figures/counting.py) while the province's lock is held. Other changes the figures read (a report's
status, a plan) call `figures_changed`. `rebuild()` recomputes everything (bulk loads); `differences()` compares
the tables with a fresh computation (`manage.py check_aggregates`).
"""

from __future__ import annotations

import datetime
import pickle
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, CharField, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import ExtractQuarter, ExtractYear

from centers.compiled import CompiledQuery
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

from ..models import (
    AWAITING_FIELD,
    RESULT_FIELDS,
    SCORED_FIELDS,
    GroupAggregate,
    LearnerAggregate,
    LecturerAggregate,
    PlanLine,
    ProvinceFigures,
    QuarterAggregate,
    planned_quarter,
)
from . import cache, scored
from .basis import Basis, admitted_statuses
from .counting import (
    AggregateRows,
    aggregate_rows,
    count_periods,
    province_centers,
    province_rows,
    read_admitting,
)
from .types import Part, Partition

Cell = tuple[int, int, int]  # (center id, year, quarter)
COUNT_FIELDS = ["classes", "enrolments", *RESULT_FIELDS.values(), *SCORED_FIELDS, AWAITING_FIELD]


def _no_counts() -> dict:
    counts = dict.fromkeys(COUNT_FIELDS, 0)
    counts[AWAITING_FIELD] = {}
    return counts


def cell(center_id: int, day: datetime.date) -> Cell:
    """The aggregate cell a class of this center starting on this day counts in."""
    quarter = Period.quarter_of(day)
    return (center_id, quarter.year, quarter.index)


def _dates_q(prefix: str, centers: list[int], start: datetime.date, end: datetime.date) -> Q:
    """Classes (at `prefix`, "" or "course__") of these centers starting from `start` to `end`."""
    return Q(**{f"{prefix}center_id__in": centers, f"{prefix}start_date__gte": start, f"{prefix}start_date__lte": end})


def _cells_filter(cells: set[Cell] | None, path: str = "") -> Q:
    """Classes (at `path`) whose start date falls in one of the cells; everything when cells is None."""
    if cells is None:
        return Q()
    prefix = f"{path}__" if path else ""
    by_quarter: dict[tuple[int, int], list[int]] = defaultdict(list)
    for center_id, year, quarter in cells:
        by_quarter[(year, quarter)].append(center_id)
    condition = Q(pk__in=[])
    for (year, quarter), centers in by_quarter.items():
        period = Period(year, "Q", quarter)
        condition |= _dates_q(prefix, centers, period.start, period.end)
    return condition


# -- computing from the raw tables ------------------------------------------------------------------------------
def compute_quarters(cells: set[Cell] | None) -> dict[tuple, dict[str, int]]:
    """(center, year, quarter, program, co_organised, format) → counts, from courses and enrolments (2 queries)."""
    return compute_cells(cells)[0]


def compute_groups(cells: set[Cell] | None) -> dict[tuple, tuple[int, int]]:
    """(center, year, quarter, learner group) → (enrolments, of which ethnic minority) (2 queries)."""
    return compute_cells(cells)[1]


def _class_rows(condition: Q, sets) -> QuerySet:
    """The counted classes of `condition` by center, year, quarter, program, co-organised and format: how many, and
    how many scored."""
    return (
        Course.objects.counted()
        .filter(condition)
        .annotate(y=ExtractYear("start_date"), q=ExtractQuarter("start_date"))
        .values("center_id", "y", "q", "program_id", "co_organised", "format")
        .annotate(n=Count("id"), scored_n=Count("id", filter=scored.scored_q("", sets)))
        .order_by()
    )


def _enrolment_rows(condition: Q, sets) -> QuerySet:
    """The counted enrolments of classes of `condition` (at "course__") by everything QuarterAggregate and
    GroupAggregate count them by."""
    return (
        scored.annotate(Enrolment.objects.filter(condition).counted(), sets)
        .annotate(y=ExtractYear("course__start_date"), q=ExtractQuarter("course__start_date"))
        .annotate(counted_group=COUNTED_GROUP)
        .values(
            "course__center_id",
            "y",
            "q",
            "course__program_id",
            "course__co_organised",
            "course__format",
            "result",
            "counted_group",
            *scored.ENROLMENT_GROUPING,
        )
        .annotate(n=Count("id"), minority=Count("id", filter=counted_minority_q()), **scored.enrolment_sums(sets))
        .order_by()
    )


# A write's upkeep counts one cell (or one center's year) almost always: those queries are compiled once
# (centers/compiled.py) for each set of rules they are built with. The samples are a center id and days no data has.
_SAMPLES = (
    (2_000_000_001, datetime.date(2901, 1, 1), datetime.date(2901, 3, 31)),
    (2_000_000_002, datetime.date(2902, 4, 1), datetime.date(2902, 6, 30)),
)
_CELL_CLASSES = CompiledQuery(
    Course, lambda center_id, start, end, sets: _class_rows(_dates_q("", [center_id], start, end), sets), _SAMPLES
)
_CELL_ENROLMENTS = CompiledQuery(
    Enrolment,
    lambda center_id, start, end, sets: _enrolment_rows(_dates_q("course__", [center_id], start, end), sets),
    _SAMPLES,
)


def compute_cells(cells: set[Cell] | None) -> tuple[dict[tuple, dict[str, int]], dict[tuple, tuple[int, int]]]:
    """The rows of QuarterAggregate and GroupAggregate of these cells (`compute_quarters`, `compute_groups`): the
    classes (one query), and the enrolments by everything either table counts them by (one query)."""
    rows: dict[tuple, dict[str, int]] = defaultdict(_no_counts)
    sets = tuple(scored.rule_sets())
    if cells is not None and len(cells) == 1:
        ((center_id, year, quarter),) = cells
        period = Period(year, "Q", quarter)
        values = (center_id, period.start, period.end)
        courses = _CELL_CLASSES.rows(*values, context=(sets,))
        enrolments = _CELL_ENROLMENTS.rows(*values, context=(sets,))
    else:
        courses = _class_rows(_cells_filter(cells), sets)
        enrolments = _enrolment_rows(_cells_filter(cells, "course"), sets)
    for row in courses:
        key = (row["center_id"], row["y"], row["q"], row["program_id"], row["co_organised"], row["format"])
        rows[key]["classes"] += row["n"]
        rows[key]["scored_classes"] += row["scored_n"]
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in enrolments:
        n, result = row["n"], row["result"]
        counts = rows[
            (
                row["course__center_id"],
                row["y"],
                row["q"],
                row["course__program_id"],
                row["course__co_organised"],
                row["course__format"],
            )
        ]
        counts["enrolments"] += n
        counts[RESULT_FIELDS[result]] += n
        scored.add_enrolments(counts, sets, result, n, row)
        cell = groups[(row["course__center_id"], row["y"], row["q"], row["counted_group"])]
        cell[0] += n
        cell[1] += row["minority"]
    return dict(rows), {key: tuple(value) for key, value in groups.items()}


def _center_years_filter(center_years: set[tuple[int, int]] | None, path: str) -> Q:
    """Rows (classes at `path`) of these centers' classes starting in these years; everything when None."""
    if center_years is None:
        return Q()
    condition = Q(pk__in=[])
    by_year: dict[int, list[int]] = defaultdict(list)
    for center_id, year in center_years:
        by_year[year].append(center_id)
    for year, centers in by_year.items():
        condition |= _dates_q(f"{path}__", centers, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return condition


def _by_quarters(rows: QuerySet, path: str, person: str, *also: str) -> QuerySet:
    """(center, year, q1, q2, q3, q4, *also) for each `person` with rows (classes at `path`): the quarters of the
    year they appear in, each 1 or 0."""
    flags = {f"q{i}": Max(Case(When(q=i, then=1), default=0, output_field=IntegerField())) for i in range(1, 5)}
    return (
        rows.annotate(y=ExtractYear(f"{path}__start_date"), q=ExtractQuarter(f"{path}__start_date"))
        .values(f"{path}__center_id", "y", person, *also)
        .annotate(**flags)
        .order_by()
    )


def _count_quarter_sets(people: Iterable[tuple]) -> dict[tuple, int]:
    """(center, year, set of quarters as bits, *also) → distinct people who appear in any of those quarters, from
    (center, year, q1, q2, q3, q4, *also) per person: each counted in every one of the 15 sets of a year that meets
    their quarters, so every period is exact whichever quarters a basis admits."""
    per_mask: dict[tuple, int] = defaultdict(int)
    for center_id, year, q1, q2, q3, q4, *rest in people:
        per_mask[(center_id, year, q1 | q2 << 1 | q3 << 2 | q4 << 3, *rest)] += 1
    result: dict[tuple, int] = defaultdict(int)
    for (center_id, year, mask, *rest), n in per_mask.items():
        for subset in range(1, 16):
            if mask & subset:
                result[(center_id, year, subset, *rest)] += n
    return dict(result)


def _learners(condition: Q) -> QuerySet:
    """Learners of the counted enrolments in classes of `condition` (at "course__")."""
    enrolments = Enrolment.objects.filter(condition).counted()
    return _by_quarters(enrolments, "course", "learner_id")


def _lecturers(condition: Q) -> QuerySet:
    """Lecturers of a class of `condition` (at "course__") that is not cancelled, by the kind they are counted as."""
    taught = CourseLecturer.objects.filter(condition, counted_course_q("course__")).annotate(
        counted_kind=COUNTED_LECTURER_KIND
    )
    return _by_quarters(taught, "course", "lecturer_id", "counted_kind")


def _columns(people: QuerySet, *also: str) -> QuerySet:
    return people.values_list("course__center_id", "y", "q1", "q2", "q3", "q4", *also)


def _read(people: QuerySet, *, everything: bool) -> Iterable[tuple]:
    """A rebuild (`everything`) reads in chunks; a write's few centers and years in one fetch."""
    return people.iterator(chunk_size=20000) if everything else people


def compute_learners(center_years: set[tuple[int, int]] | None) -> dict[tuple, int]:
    """(center, year, set of quarters as bits) → distinct learners who attended any of those quarters (one query)."""
    learners = _columns(_learners(_center_years_filter(center_years, "course")))
    return _count_quarter_sets(_read(learners, everything=center_years is None))


def compute_lecturers(center_years: set[tuple[int, int]] | None) -> dict[tuple, int]:
    """(center, year, set of quarters as bits, kind) → distinct lecturers who taught a class that is not cancelled
    in any of those quarters (one query)."""
    people = _columns(_lecturers(_center_years_filter(center_years, "course")), "counted_kind")
    return _count_quarter_sets(_read(people, everything=center_years is None))


def _people(condition: Q) -> QuerySet:
    """The rows of `compute_learners` and `compute_lecturers` of classes of `condition` (at "course__") in one
    statement: a learner's row has no kind."""
    learners = _columns(_learners(condition).annotate(kind=Value(None, output_field=CharField())), "kind")
    return learners.union(_columns(_lecturers(condition), "counted_kind"), all=True)


_YEAR_PEOPLE = CompiledQuery(
    Enrolment, lambda center_id, start, end: _people(_dates_q("course__", [center_id], start, end)), _SAMPLES
)


def compute_people(center_years: set[tuple[int, int]]) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """`compute_learners` and `compute_lecturers` of a write's centers and years, in one statement (compiled once
    for one center's year)."""
    if len(center_years) == 1:
        ((center_id, year),) = center_years
        rows = _YEAR_PEOPLE.rows(center_id, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    else:
        rows = list(_people(_center_years_filter(center_years, "course")))
    return (
        _count_quarter_sets(row[:-1] for row in rows if row[-1] is None),
        _count_quarter_sets(row for row in rows if row[-1] is not None),
    )


# -- writing ---------------------------------------------------------------------------------------------------
def _write(cells: set[Cell] | None) -> None:
    center_years = None if cells is None else {(c, y) for c, y, _ in cells}
    quarters, groups = compute_cells(cells)
    if cells is None:
        QuarterAggregate.objects.all().delete()
        GroupAggregate.objects.all().delete()
    else:
        cell_q = Q(pk__in=[])
        for center_id, year, quarter in cells:
            cell_q |= Q(center_id=center_id, year=year, quarter=quarter)
        QuarterAggregate.objects.filter(cell_q).delete()
        GroupAggregate.objects.filter(cell_q).delete()
    QuarterAggregate.objects.bulk_create(
        [
            QuarterAggregate(
                center_id=k[0], year=k[1], quarter=k[2], program_id=k[3], co_organised=k[4], format=k[5], **counts
            )
            for k, counts in quarters.items()
        ],
        batch_size=2000,
    )
    GroupAggregate.objects.bulk_create(
        [
            GroupAggregate(center_id=k[0], year=k[1], quarter=k[2], group=k[3], enrolments=n, minority=m)
            for k, (n, m) in groups.items()
        ],
        batch_size=2000,
    )
    _write_learners(center_years)
    _write_lecturers(center_years)


def _year_rows(model, center_years: set[tuple[int, int]] | None):
    """The rows of a per-year table for these centers and years (all when None)."""
    if center_years is None:
        return model.objects.all()
    year_q = Q(pk__in=[])
    for center_id, year in center_years:
        year_q |= Q(center_id=center_id, year=year)
    return model.objects.filter(year_q)


def _write_learners(center_years: set[tuple[int, int]] | None) -> None:
    learners = compute_learners(center_years)
    _year_rows(LearnerAggregate, center_years).delete()
    LearnerAggregate.objects.bulk_create(
        [LearnerAggregate(center_id=k[0], year=k[1], quarters=k[2], learners=n) for k, n in learners.items()],
        batch_size=2000,
    )


def _write_lecturers(center_years: set[tuple[int, int]] | None) -> None:
    lecturers = compute_lecturers(center_years)
    _year_rows(LecturerAggregate, center_years).delete()
    LecturerAggregate.objects.bulk_create(
        [
            LecturerAggregate(center_id=k[0], year=k[1], quarters=k[2], kind=k[3], lecturers=n)
            for k, n in lecturers.items()
        ],
        batch_size=2000,
    )


def refresh(cells: Iterable[Cell]) -> None:
    """Recompute the aggregate rows of these center-quarters, then their provinces' figures for those years. Call
    it inside the write's transaction.

    The stamps of their provinces, centers and years are raised first, which locks them until the write commits:
    a second write to the same province and year waits, then counts with this one's rows committed (counting
    first, both would count without the other's rows, and one would then fail on the rows the other inserted).

    The provinces' aggregate rows of those years are read once (with the centers' rows before the write): only
    the rows that changed are written, and the provinces' figures are counted from those rows in memory, again
    only if a row changed (the same rows count the same figures)."""
    cells = {cell for cell in cells if cell is not None}
    if cells:
        with transaction.atomic(savepoint=False):  # a save outside a transaction: stamp and rows commit together
            provinces, centers = cache.touch_reading_centers((center_id, year) for center_id, year, _ in cells)
            _refresh_cells(cells, provinces, centers)


def _refresh_cells(cells: set[Cell], provinces: set[tuple[int, int]], centers: list[Unit]) -> None:
    """The write's rows counted from the raw tables (3 queries), compared with those stored, read with the rest of
    their provinces' rows (4 queries a year, and the reports and plans, 1 more, only if a row changed); what changed
    written (upserts, and deletes of rows gone); the
    provinces' figures of the periods holding the cells counted from the rows in memory."""
    center_years = {(c, y) for c, y, _ in cells}
    quarters, groups = compute_cells(cells)
    learners, lecturers = compute_people(center_years)
    fresh = {
        "quarters": {k: tuple(counts[f] for f in COUNT_FIELDS) for k, counts in quarters.items()},
        "groups": groups,
        "learners": learners,
        "lecturers": lecturers,
    }
    version = cache.version()
    changes = {table: ({}, []) for table in fresh}  # table → (rows to upsert, keys to delete)
    counted: dict[int, tuple[AggregateRows, set[int], set[int], list[Unit]]] = {}
    for year in sorted({y for _, y in center_years}):
        written = {c for c, y in center_years if y == year}
        year_cells = {(c, q) for c, y, q in cells if y == year}
        ids = {province_id for province_id, y in provinces if y == year}
        year_centers = [center for center in centers if center.parent_id in ids]
        read = sorted({center.pk for center in year_centers} | written)
        if len(ids) == 1 and len(written) == 1:  # a write in one center: the province's rows, compiled once
            rows = province_rows(next(iter(ids)), next(iter(written)), year)
        else:
            rows = aggregate_rows(read, year, admitting=False)  # the reports and plans only if a count needs them
        stored = {
            "quarters": {(r[0], year, *r[1:5]): tuple(r[5:]) for r in rows.quarters if (r[0], r[1]) in year_cells},
            "groups": {(r[0], year, r[1], r[2]): (r[3], r[4]) for r in rows.groups if (r[0], r[1]) in year_cells},
            "learners": {(r[0], year, r[1]): r[2] for r in rows.learners if r[0] in written},
            "lecturers": {(r[0], year, r[1], r[2]): r[3] for r in rows.lecturers if r[0] in written},
        }
        changed = False
        for table, now in fresh.items():
            now = {k: v for k, v in now.items() if k[1] == year}
            upsert, delete = changes[table]
            before = stored[table]
            for key, value in now.items():
                if before.get(key) != value:
                    upsert[key] = value
            delete.extend(key for key in before if key not in now)
            changed |= now != before
        if not changed:
            continue
        # The rows after the write: the written cells' (and centers' years') replaced.
        rows.quarters = [r for r in rows.quarters if (r[0], r[1]) not in year_cells] + [
            (k[0], *k[2:], *v) for k, v in fresh["quarters"].items() if k[1] == year
        ]
        rows.groups = [r for r in rows.groups if (r[0], r[1]) not in year_cells] + [
            (k[0], k[2], k[3], *v) for k, v in fresh["groups"].items() if k[1] == year
        ]
        rows.learners = [r for r in rows.learners if r[0] not in written] + [
            (k[0], k[2], v) for k, v in fresh["learners"].items() if k[1] == year
        ]
        rows.lecturers = [r for r in rows.lecturers if r[0] not in written] + [
            (k[0], k[2], k[3], v) for k, v in fresh["lecturers"].items() if k[1] == year
        ]
        if ids:
            read_admitting(rows, read, year)
        counted[year] = (rows, ids, {q for _, q in year_cells}, year_centers, _bases_admitting(rows, year_cells))
    _write_changes(changes)
    for year, (rows, ids, year_quarters, year_centers, bases) in counted.items():
        if ids:
            cache.store_province_parts(
                _count_rows(rows, ids, year, year_quarters, year_centers, bases=bases), version=version, replace=True
            )


def _bases_admitting(rows: AggregateRows, cells: set[tuple[int, int]]) -> list[str]:
    """The bases whose figures a change in these (center, quarter) cells moves: those that admit one of them (a
    basis on reports leaves out a quarter whose report does not have an admitted status, and every figure it
    counts of the periods holding that quarter, distinct learners and lecturers too, comes from the quarters it
    admits). A write into a quarter still open moves the figures of every entered row only."""
    statuses = {(center_id, quarter): status for center_id, quarter, status in rows.reports}
    found = []
    for basis in Basis.values:
        admitted = admitted_statuses(basis)
        if admitted is None or any(statuses.get(cell) in admitted for cell in cells):
            found.append(basis)
    return found


def _write_changes(changes: dict[str, tuple[dict, list]]) -> None:
    """Upsert the changed rows of each table, delete those gone: at most two queries a table, none if unchanged."""
    tables = {
        "quarters": (
            QuarterAggregate,
            ["center", "year", "quarter", "program", "co_organised", "format"],
            lambda k, v: QuarterAggregate(
                center_id=k[0],
                year=k[1],
                quarter=k[2],
                program_id=k[3],
                co_organised=k[4],
                format=k[5],
                **dict(zip(COUNT_FIELDS, v, strict=True)),
            ),
            COUNT_FIELDS,
        ),
        "groups": (
            GroupAggregate,
            ["center", "year", "quarter", "group"],
            lambda k, v: GroupAggregate(
                center_id=k[0], year=k[1], quarter=k[2], group=k[3], enrolments=v[0], minority=v[1]
            ),
            ["enrolments", "minority"],
        ),
        "learners": (
            LearnerAggregate,
            ["center", "year", "quarters"],
            lambda k, v: LearnerAggregate(center_id=k[0], year=k[1], quarters=k[2], learners=v),
            ["learners"],
        ),
        "lecturers": (
            LecturerAggregate,
            ["center", "year", "quarters", "kind"],
            lambda k, v: LecturerAggregate(center_id=k[0], year=k[1], quarters=k[2], kind=k[3], lecturers=v),
            ["lecturers"],
        ),
    }
    for table, (upsert, delete) in changes.items():
        model, unique, build, values = tables[table]
        if delete:
            gone = Q(pk__in=[])
            for key in delete:
                gone |= Q(
                    **{
                        f"{name}_id" if name in ("center", "program") else name: v
                        for name, v in zip(unique, key, strict=True)
                    }
                )
            model.objects.filter(gone).delete()
        if upsert:
            model.objects.bulk_create(
                [build(k, v) for k, v in upsert.items()],
                batch_size=2000,
                update_conflicts=True,
                unique_fields=unique,
                update_fields=values,
            )


def refresh_lecturers(center_years: Iterable[tuple[int, int]]) -> None:
    """Recompute the lecturer counts of these centers and years (who taught which class, or a lecturer's kind,
    changed). Call it inside the write's transaction."""
    center_years = {(int(c), int(y)) for c, y in center_years if c is not None and y is not None}
    if center_years:
        with transaction.atomic(savepoint=False):
            provinces = cache.touch(center_years)  # first: the lock (see refresh)
            _write_lecturers(center_years)
            _write_provinces(provinces)


def figures_changed(center_years: Iterable[tuple[int, int]]) -> None:
    """What else the figures read changed for these centers and years (a report's status, a plan): their stamps
    are raised and their provinces' figures counted again. Call it inside the write's transaction."""
    with transaction.atomic(savepoint=False):
        _write_provinces(cache.touch(center_years))


# -- the province figures ------------------------------------------------------------------------------------
def _province_combinations(
    year: int, quarters: set[int] | None = None, bases: list[str] | None = None
) -> list[tuple[Period, str]]:
    """Every period of the year and every basis; with `quarters`, only the periods that contain one of them; with
    `bases`, only those."""
    periods = Period.of_year(year)
    if quarters is not None:
        periods = [period for period in periods if any(q.index in quarters for q in period.quarters())]
    return [(period, basis) for period in periods for basis in Basis.values if bases is None or basis in bases]


def _count_provinces(
    provinces: set[int], year: int, quarters: set[int] | None = None
) -> dict[tuple[Period, str], dict]:
    """(period, basis) → province id → part, for every period of the year (or those containing one of `quarters`),
    every basis and each of these provinces: one read of their centers' aggregates (5 queries), counted in Python."""
    centers, partition = province_centers(provinces)
    return _count_rows(aggregate_rows(centers, year), provinces, year, quarters, partition=partition)


def _count_rows(
    rows: AggregateRows,
    provinces: set[int],
    year: int,
    quarters: set[int] | None,
    centers: list[Unit] | None = None,
    *,
    partition: Partition | None = None,
    bases: list[str] | None = None,
) -> dict[tuple[Period, str], dict]:
    """`_count_provinces` from rows read already (of these provinces' `centers`, or their `partition`); with
    `bases`, on those only."""
    if partition is None:
        partition = Partition(centers, by_province=True)
    extra = {row[0] for row in (*rows.quarters, *rows.groups, *rows.learners, *rows.lecturers)} - set(
        partition.of_center
    )
    if extra:  # a written center outside the provinces (none of its own): not in their figures
        rows = AggregateRows(
            *(
                [row for row in table if row[0] not in extra]
                for table in (rows.quarters, rows.groups, rows.learners, rows.lecturers, rows.reports, rows.plans)
            )
        )
    combinations = _province_combinations(year, quarters, bases)
    by_basis: dict[str, list[Period]] = defaultdict(list)
    for period, basis in combinations:
        by_basis[basis].append(period)
    found = {}
    for basis, periods in by_basis.items():  # each quarter's rows counted once a basis (count_periods)
        for period, parts in count_periods(rows, periods, basis, partition).items():
            found[(period, basis)] = {province_id: parts.get(province_id, Part()) for province_id in provinces}
    return {combination: found[combination] for combination in combinations}  # stored in this order


def _write_provinces(provinces: set[tuple[int, int]], quarters: dict[int, set[int]] | None = None) -> None:
    """Count again the figures of these (province, year) pairs, every period and basis (the provinces' locks
    are held: see cache.touch). `quarters`: year → the only quarters whose rows changed (a write's cells): the
    periods without any of them keep their figures."""
    if not provinces:
        return
    version = cache.version()
    by_year: dict[int, set[int]] = defaultdict(set)
    for province_id, year in provinces:
        by_year[year].add(province_id)
    for year, ids in sorted(by_year.items()):
        counted = _count_provinces(ids, year, None if quarters is None else quarters[year])
        cache.store_province_parts(counted, version=version, replace=True)


def _years_with_data(centers: QuerySet | None) -> set[int]:
    """The years whose figures these centers (all when None) have rows for: classes, and plans (counted in the
    year after a fourth quarter's report)."""
    quarters, plans = QuarterAggregate.objects.all(), PlanLine.objects.all()
    if centers is not None:
        quarters, plans = quarters.filter(center__in=centers), plans.filter(report__center__in=centers)
    years = set(quarters.values_list("year", flat=True).distinct().order_by())
    written = plans.values_list("report__year", "report__quarter").distinct().order_by()
    return years | {planned_quarter(year, quarter)[0] for year, quarter in written}


def recount_provinces(province_ids: Iterable[int]) -> None:
    """Count these provinces' figures again for every year they have data or stored figures (a center joined or
    left them). Call it inside the write's transaction: the provinces are locked for those years first."""
    province_ids = {pid for pid in province_ids if pid is not None}
    if not province_ids:
        return
    years = _years_with_data(Unit.objects.filter(parent_id__in=province_ids))
    stored = ProvinceFigures.objects.filter(province_id__in=province_ids).values_list("period", flat=True)
    years |= {Period.parse(key).year for key in stored.distinct()}
    province_years = {(pid, year) for pid in province_ids for year in years}
    with transaction.atomic(savepoint=False):
        cache.lock_provinces(province_years)
        _write_provinces(province_years)


def _rebuild_provinces() -> None:
    version = cache.version()
    ProvinceFigures.objects.all().delete()
    provinces = set(Unit.objects.provinces().values_list("pk", flat=True))
    for year in sorted(_years_with_data(None)):
        cache.store_province_parts(_count_provinces(provinces, year), version=version, replace=True)


def rebuild() -> None:
    """Recompute every aggregate (after bulk loads)."""
    _write(None)
    cache.new_epoch()
    _rebuild_provinces()


def differences(limit: int = 50) -> list[str]:
    """Where the tables differ from a fresh computation from the raw tables (empty when exact)."""
    found: list[str] = []

    def compare(label: str, stored: dict, fresh: dict, empty) -> None:
        for key in sorted(set(stored) | set(fresh), key=str):
            if stored.get(key, empty) != fresh.get(key, empty):
                found.append(f"{label} {key}: bảng {stored.get(key)} ≠ tính lại {fresh.get(key)}")

    zero = _no_counts()
    stored_q = {
        (a.center_id, a.year, a.quarter, a.program_id, a.co_organised, a.format): {
            f: getattr(a, f) for f in COUNT_FIELDS
        }
        for a in QuarterAggregate.objects.all()
    }
    compare("tổng hợp quý", stored_q, compute_quarters(None), zero)
    stored_g = {
        (a.center_id, a.year, a.quarter, a.group): (a.enrolments, a.minority) for a in GroupAggregate.objects.all()
    }
    compare("tổng hợp đối tượng", stored_g, compute_groups(None), (0, 0))
    stored_l = {(a.center_id, a.year, a.quarters): a.learners for a in LearnerAggregate.objects.all()}
    compare("học viên", stored_l, compute_learners(None), 0)
    stored_t = {(a.center_id, a.year, a.quarters, a.kind): a.lecturers for a in LecturerAggregate.objects.all()}
    compare("giảng viên", stored_t, compute_lecturers(None), 0)
    found += _province_differences()
    return found[:limit]


def _province_differences() -> list[str]:
    """Province figures stored under the current version that differ from a count of the aggregates now (rows
    of another version are not read, so not compared)."""
    version = cache.version()
    stored: dict[int, dict] = defaultdict(dict)
    for province_id, period, basis, part in ProvinceFigures.objects.filter(version=version).values_list(
        "province_id", "period", "basis", "part"
    ):
        stored[Period.parse(period).year][(province_id, period, basis)] = pickle.loads(part)
    found = []
    for year, rows in sorted(stored.items()):
        counted = _count_provinces({province_id for province_id, _, _ in rows}, year)
        for (period, basis), parts in counted.items():
            for province_id, part in parts.items():
                key = (province_id, period.key, basis)
                if key in rows and rows[key] != part:
                    found.append(f"tổng hợp tỉnh {key}: bảng {rows[key].total} ≠ tính lại {part.total}")
    return found
