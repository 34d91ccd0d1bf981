"""`make bench`: time the operations that must stay fast at national scale, on the generated data.

Each operation runs repeatedly; the table gives median and p95 time, queries issued, and, where one exists,
the baseline for the same figures (a plain GROUP BY over enrolments ⋈ classes ⋈ centers, or openpyxl's
write-only mode writing the same rows) with our time over the baseline's.
"""

from __future__ import annotations

import datetime
import io
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction
from django.db.models import Count, F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centers.models import Staff, Unit
from centers.periods import Period
from centers.scoping import Scope, unit_key
from courses import services
from courses.locking import lock_reason
from courses.models import Course, Enrolment, Learner, Program
from courses.workbook import LEARNER_HEADERS, read_workbook
from reports import selectors
from reports.dashboard import warm
from reports.exporters.context import build_context
from reports.exporters.xlsx import RosterSheet, render_workbook
from reports.figures import cache, counting, maintained
from reports.models import QuarterAggregate

BASELINE_SQL = """
    SELECT c.program_id, COUNT(DISTINCT c.id), COUNT(e.id)
    FROM courses_course c
    JOIN centers_unit u ON u.id = c.center_id
    LEFT JOIN courses_enrolment e ON e.course_id = c.id AND e.removed_at IS NULL
    WHERE c.start_date >= %s AND c.start_date <= %s AND c.status <> 'cancelled'
    GROUP BY c.program_id
"""
# The same for one province's centers: the baseline of the province's dashboard.
PROVINCE_BASELINE_SQL = BASELINE_SQL.replace("GROUP BY", "AND u.parent_id = %s\n    GROUP BY")


@dataclass
class Row:
    operation: str
    runs: int
    median_ms: float
    p95_ms: float
    queries: int
    baseline_ms: float | None = None
    note: str = ""

    @property
    def ratio(self) -> str:
        return f"{self.median_ms / self.baseline_ms:.2f}×" if self.baseline_ms else "—"


def _measure(fn: Callable[[], object], runs: int, *, before: Callable[[], object] | None = None) -> tuple[list, int]:
    """Times of `runs` calls and the queries of one; `before` runs ahead of each call, untimed."""
    prepare = before or (lambda: None)
    fn()  # warm connections (and the figures cache)
    prepare()
    reset_queries()  # the query log keeps 9.000 at most: a full one would count this call's queries as 0
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx)
    times = []
    for _ in range(runs):
        prepare()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, queries


def _cache_states(center: Unit, year: int) -> list[tuple[str, Callable[[], object] | None]]:
    """The states a figure page meets: right after a write in one center (what every write does, untimed: its
    stamps raised and its province's maintained figures counted again), with nothing written since (all cached),
    a restarted worker (its memory empty, the shared table kept), the figures cache emptied (a day without a
    look; the maintained tables are kept, as they always are), and after a change of the organisation chain or
    the programs (a new epoch: every cached figure and the centers lists counted again; the province figures
    stay, a center moved to another province having counted its two provinces again in its own save)."""

    def reorganised():
        cache.new_epoch()
        cache.clear(shared=True)

    return [
        ("after a write in one center", lambda: maintained.figures_changed([(center.pk, year)])),
        ("cached, no write since", None),
        ("restarted worker", cache.clear),
        ("nothing cached", lambda: cache.clear(shared=True)),
        ("after a change of the organisation chain", reorganised),
    ]


def _write_upkeep(center: Unit, year: int) -> list[Row]:
    """What the maintained aggregates add to a write: one center-quarter counted again, and its province's figures
    for the year (every period, every basis), inside a transaction that is rolled back. Twice: with nothing
    changed in the cell (its rows compared, none written, the province's figures kept), and with one of its rows
    made stale first in the same transaction (one UPDATE, counted in the row: the refresh writes the row back and
    counts the province's year again), as a write that changes a figure does."""

    def write(change: bool):
        def run():
            with transaction.atomic():
                if change:
                    stale = QuarterAggregate.objects.filter(center=center, year=year, quarter=2).values("pk")[:1]
                    QuarterAggregate.objects.filter(pk__in=stale).update(classes=F("classes") + 1)
                maintained.refresh([(center.pk, year, 2)])
                transaction.set_rollback(True)

        return run

    name = "a write's upkeep: one center-quarter's aggregates and its province's year of figures"
    times, queries = _measure(write(False), 20)
    changed_times, changed_queries = _measure(write(True), 20)
    return [
        _row(name, times, queries),
        _row(f"{name}, one of its rows changed (+1 UPDATE)", changed_times, changed_queries),
    ]


def _center_move(center: Unit) -> Row:
    """A center moved to another province (the admin's save), in a transaction that is rolled back: both
    provinces' figures counted again for every year."""
    other = Unit.objects.provinces().exclude(pk=center.parent_id).order_by("code").first()

    def move():
        with transaction.atomic():
            moved = Unit.objects.get(pk=center.pk)
            moved.parent, moved.code = other, "999"  # a code free in the other province
            moved.save()
            transaction.set_rollback(True)

    times, queries = _measure(move, 5)
    return _row("a center moved to another province: both provinces' figures, every year", times, queries)


def _row(name, times, queries, baseline=None, note="") -> Row:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return Row(name, len(times), statistics.median(times), p95, queries, baseline, note)


def _client_for(unit: Unit, username: str) -> Client:
    user, _ = get_user_model().objects.get_or_create(username=username)
    Staff.objects.update_or_create(user=user, defaults={"unit": unit})
    client = Client()
    client.force_login(user)
    return client


def _calibration(label: str) -> Row:
    """A fixed pure-Python workload: this machine's speed drifts (a shared virtual machine, up to 2× within
    minutes on 24/11), so the table carries it at the start and the end of the run to read the others against."""
    times, _ = _measure(lambda: sum(i * i for i in range(1_000_000)), 5)
    return _row(f"calibration: fixed Python loop, {label}", times, 0)


def run(*, runs: int = 20, heavy_runs: int = 5, import_rows: int = 5000, progress=print) -> list[Row]:
    """The table. `runs` for every operation the issue names (the rollup, the pages, the workbook, the import),
    `heavy_runs` for the others (the raw reference, warm_figures, a center's move); `import_rows` the import's size.
    """
    rows: list[Row] = [_calibration("start of the run")]
    central = Unit.objects.get(kind=Unit.Kind.CENTRAL, parent=None)
    latest = Course.objects.order_by("-start_date").values_list("start_date", flat=True).first()
    year = Period(latest.year - 1, "Y")  # the last complete year of the data
    quarter = Period(year.year, "Q", 2)

    province = Unit.objects.provinces().annotate(n=Count("children")).order_by("-n", "code").first()
    written = Unit.objects.centers().filter(parent=province).order_by("code").first()

    progress("national annual rollup")
    base, _ = _measure(lambda: _baseline(year), runs)
    for label, before in _cache_states(written, year.year):
        times, queries = _measure(
            lambda: counting.rollup(unit=central, period=year, basis="approved"), runs, before=before
        )
        rows.append(_row(f"national annual rollup ({year.label}), {label}", times, queries, statistics.median(base)))
    # The same figures (both years, every breakdown, distinct learners and lecturers) without the maintained tables.
    times, queries = _measure(
        lambda: counting.rollup(unit=central, period=year, basis="approved", raw=True), heavy_runs
    )
    rows.append(
        _row(
            f"national annual rollup ({year.label}), counted from the raw tables (the reference implementation)",
            times,
            queries,
            statistics.median(base),
        )
    )

    rows.extend(_write_upkeep(written, year.year))
    rows.append(_center_move(written))

    progress("warm_figures")
    today = datetime.date.today()
    for label, before in (("nothing cached", lambda: cache.clear(shared=True)), ("all cached", None)):
        times, queries = _measure(lambda: warm(today=today), heavy_runs, before=before)
        rows.append(_row(f"warm_figures: the nation's and every province's landing dashboard, {label}", times, queries))

    # The province's quarter: its figures against the plain GROUP BY of the same figures, then the whole page (the
    # figures of the quarter and a year earlier, eight quarters of trend, the centers' table, the briefing).
    progress("province quarterly rollup and dashboard")
    base, _ = _measure(lambda: _baseline(quarter, province), runs)
    for label, before in _cache_states(written, quarter.year):
        times, queries = _measure(
            lambda: counting.rollup(unit=province, period=quarter, basis="approved"), runs, before=before
        )
        rows.append(
            _row(f"province quarterly rollup ({quarter.label}), {label}", times, queries, statistics.median(base))
        )
    board = _client_for(province, "bench.board")
    url = reverse("reports:dashboard", args=[unit_key(province), quarter.key])
    for label, before in _cache_states(written, quarter.year):
        times, queries = _measure(lambda: _ok(board.get(url)), runs, before=before)
        rows.append(_row(f"province quarterly dashboard, whole view ({quarter.label}), {label}", times, queries))
    progress("national dashboard")
    central_client = _client_for(central, "bench.central")
    url = reverse("reports:dashboard", args=[unit_key(central), year.key])
    for label, before in _cache_states(written, year.year):
        times, queries = _measure(lambda: _ok(central_client.get(url)), runs, before=before)
        rows.append(_row(f"national annual dashboard, whole view ({year.label}), {label}", times, queries))

    progress("class list page")
    times, queries = _measure(lambda: _ok(board.get(reverse("courses:course_list"))), runs)
    rows.append(_row("class list page (board, 50 a page)", times, queries))

    progress("class page with 200 enrolments")
    course = (
        Course.objects.filter(center__parent=province)
        .annotate(n=Count("enrolments"))
        .filter(n__gte=180, n__lte=260)
        .order_by("n")
        .first()
        or Course.objects.annotate(n=Count("enrolments")).order_by("-n").first()
    )
    center_client = _client_for(course.center, "bench.center")
    times, queries = _measure(lambda: _ok(center_client.get(reverse("courses:course_detail", args=[course.pk]))), runs)
    rows.append(_row(f"class page with {course.n} enrolments (center staff)", times, queries))

    progress("province-year workbook with roster")
    ctx = build_context(unit=province, period=year, basis="all")
    n_rows = sum(1 for _ in selectors.roster(unit=province, period=year, basis="all"))
    times, queries = _measure(lambda: render_workbook(ctx, io.BytesIO(), roster=True), runs)
    # Memory in a run of its own: tracing allocations slows Python down about twice.
    tracemalloc.start()
    render_workbook(ctx, io.BytesIO(), roster=True)
    peaks = [tracemalloc.get_traced_memory()[1] / 2**20]
    tracemalloc.stop()
    base, _ = _measure(lambda: _openpyxl_baseline(ctx), runs)
    rows.append(
        _row(
            f"province-year workbook + roster ({n_rows:,} rows)".replace(",", "."),
            times,
            queries,
            statistics.median(base),
            note=f"peak Python memory {max(peaks):.0f} MB",
        )
    )

    progress("results form saved for 200 learners")
    rows.append(results_form_row(course.center, runs))

    label = f"{import_rows:,}-row roster import".replace(",", ".")
    progress(label)
    data = _roster_file(import_rows)
    assert read_workbook(data, roster=True).ok
    scope = Scope(level=Staff.Role.CENTER, unit=course.center)

    def do_import():
        # A new class of today's quarter (never locked), inside a transaction that is rolled back.
        with transaction.atomic():
            today = datetime.date.today()
            target = services.course_create(
                scope=scope,
                center=course.center,
                program=Program.objects.in_force_on(today).order_by("order").first(),
                code="BENCH-IMPORT",
                title="Đo nhập",
                start_date=today,
                end_date=today,
                format="truc_tiep",
                status="running",
            )
            applied = services.workbook_import(
                scope=scope, center=course.center, parsed=read_workbook(data, roster=True), course=target
            )
            assert applied["new_enrolments"] == import_rows, applied
            transaction.set_rollback(True)

    times, queries = _measure(do_import, runs)
    rows.append(_row(f"{label} (read + write, rolled back)", times, queries))
    rows.append(_calibration("end of the run"))
    return rows


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


def _baseline(period: Period, province: Unit | None = None):
    with connection.cursor() as cursor:
        if province is None:
            cursor.execute(BASELINE_SQL, [period.start, period.end])
        else:
            cursor.execute(PROVINCE_BASELINE_SQL, [period.start, period.end, province.pk])
        return cursor.fetchall()


def _openpyxl_baseline(ctx):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách học viên")
    for row in RosterSheet(ctx).rows():
        sheet.append(row)
    workbook.save(io.BytesIO())


def results_form_row(center: Unit, runs: int, learners: int = 200) -> Row:
    """The class page's results form saved for a class under the scored rules (#23): attendance and a score for each
    of 200 learners, every line changed at each save, through the view (form, checks, one write, the history and the
    figures' upkeep in the same transaction). A class of today made for it, all rolled back at the end."""
    # Today's quarter, or the next one where the data has approved (locked) it.
    day = next(
        d
        for d in (datetime.date.today() + datetime.timedelta(days=92 * n) for n in range(8))
        if not lock_reason(center=center, day=d)
    )
    with transaction.atomic():
        target = Course.objects.create(
            center=center,
            program=Program.objects.in_force_on(day).order_by("order").first(),
            code="BENCH-RESULTS",
            title="Đo ghi kết quả",
            start_date=day,
            end_date=day,
            periods=40,
            status=Course.Status.RUNNING,
        )
        assert target.is_scored
        people = list(Learner.objects.filter(center=center).order_by("pk")[:learners])
        Enrolment.objects.bulk_create([Enrolment(course=target, learner=person) for person in people])
        client = _client_for(center, "bench.center")
        url = reverse("courses:course_results", args=[target.pk])
        state = {"round": 0, "data": {}}

        def before():
            state["round"] += 1
            r = state["round"]
            lines = list(Enrolment.objects.filter(course=target).order_by("pk").values_list("pk", "version"))
            data = {"kq-TOTAL_FORMS": str(len(lines)), "kq-INITIAL_FORMS": str(len(lines))}
            for i, (pk, version) in enumerate(lines):
                data.update(
                    {
                        f"kq-{i}-enrolment": pk,
                        f"kq-{i}-version": version,
                        f"kq-{i}-periods_attended": str(32 + (i + r) % 9),
                        f"kq-{i}-score": f"{(i + r) % 10},{r % 2}",
                    }
                )
            state["data"] = data

        def save():
            response = client.post(url, state["data"])
            assert response.status_code == 302, response.content.decode()[:2000]

        before()
        times, queries = _measure(save, runs, before=before)
        changed = Enrolment.objects.filter(course=target, score__isnull=False).count()
        transaction.set_rollback(True)
    return _row(
        f"results form saved for {changed} learners (scored class, incl. the figures' upkeep; target ≤ 1 s)",
        times,
        queries,
    )


def _roster_file(n: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Học viên"
    sheet.append(LEARNER_HEADERS)
    born = datetime.date(1990, 1, 1)
    for i in range(n):
        sheet.append(
            [
                "",
                f"Học viên Thử {i:05d}",
                born + datetime.timedelta(days=i % 5000),
                "Nữ",
                "Kinh",
                "Nhân dân",
                "",
                "",
                f"0{99000000000 + i:011d}"[-12:],
                "",  # a class of today (scored rules): the result comes from the score
                None,
                "7,5",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_markdown(rows: list[Row], *, header: str) -> str:
    lines = [
        header,
        "",
        "| operation | runs | median ms | p95 ms | queries | baseline ms | ratio | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        baseline = f"{r.baseline_ms:.1f}" if r.baseline_ms else "—"
        lines.append(
            f"| {r.operation} | {r.runs} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.queries} | {baseline} | "
            f"{r.ratio} | {r.note} |"
        )
    return "\n".join(lines) + "\n"


def data_size() -> dict[str, int]:
    return {
        "classes": Course.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "learners": Learner.objects.count(),
        "centers": Unit.objects.centers().count(),
    }
