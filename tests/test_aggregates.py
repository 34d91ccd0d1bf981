"""The maintained aggregates stay exact after every kind of write; check_aggregates proves it (and fails loudly)."""

import datetime
import io
import pickle
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from centers.periods import Period
from centers.scoping import Scope
from courses import services
from courses.models import Course, Enrolment
from reports.figures import counting, maintained
from reports.figures.basis import Basis
from reports.models import LecturerAggregate, ProvinceFigures, QuarterAggregate

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, LecturerFactory, approve, program
from .helpers import same_as_raw

pytestmark = pytest.mark.django_db


def exact():
    call_command("check_aggregates", stdout=io.StringIO())


@pytest.fixture
def scope(center_user):
    return Scope.for_user(center_user)


def test_every_write_keeps_the_aggregates_exact(center, province, scope, center_user):
    fields = {
        "program": program("KND"),
        "code": "A1",
        "title": "Lớp A",
        "start_date": datetime.date(2025, 2, 3),
        "end_date": datetime.date(2025, 2, 6),
        "format": "truc_tiep",
        "status": "finished",
    }
    course = services.course_create(scope=scope, center=center, **fields)
    exact()
    learners = [LearnerFactory(center=center, group="doan_vien", ethnicity="Mông") for _ in range(3)]
    enrolments = [services.enrolment_add(scope=scope, course=course, learner=learner) for learner in learners]
    exact()
    services.results_record(
        scope=scope,
        course=course,
        entries=[
            services.ResultEntry(e.pk, r, "", version=e.version)
            for e, r in zip(enrolments, ["gioi", "kha", "bo_hoc"], strict=True)
        ],
    )
    exact()
    services.enrolment_remove(scope=scope, enrolment=enrolments[2])
    exact()
    course = services.course_update(
        scope=scope,
        course=course,
        version=course.version,
        start_date=datetime.date(2025, 5, 4),
        end_date=datetime.date(2025, 5, 8),
        co_organised=True,
        format="truc_tuyen",
    )
    exact()
    services.learner_update(
        scope=scope, learner=learners[0], version=learners[0].version, group="can_bo", ethnicity="Kinh"
    )
    exact()
    same_as_raw(center)
    services.course_cancel(scope=scope, course=course, version=course.version, reason="Không đủ học viên")
    exact()
    assert counting.rollup(unit=center, period=Period.parse("2025"), compare=False).total.classes == 0


def test_an_import_keeps_the_aggregates_exact(center, scope):
    from courses.workbook import CLASS_HEADERS, LEARNER_HEADERS, read_workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Lớp học"
    ws.append(CLASS_HEADERS)
    ws.append(["B1", "Lớp B", "DVM", "03/03/2025", "06/03/2025", "Trực tiếp", "Có", ""])
    learners = wb.create_sheet("Học viên")
    learners.append(LEARNER_HEADERS)
    for i in range(5):
        learners.append(["B1", f"Người {i}", "01/01/1990", "Nữ", "Kinh", "Nhân dân", "", "", "", "kha"])
    buffer = io.BytesIO()
    wb.save(buffer)
    services.workbook_import(scope=scope, center=center, parsed=read_workbook(buffer.getvalue()))
    exact()
    assert counting.rollup(unit=center, period=Period.parse("2025-Q1"), compare=False).total.enrolments == 5


def test_plain_saves_and_factories_keep_them_exact(center, other_center):
    """The signals keep the aggregates exact for any single save() (a shell, a data migration, a factory), not
    only for the services'. (The admin used to be such a writer; classes are read-only there now, test_admin.py.)"""
    course = CourseFactory(center=center, start_date=datetime.date(2026, 1, 10))
    EnrolmentFactory(course=course, result="gioi")
    exact()
    course = Course.objects.get(pk=course.pk)
    course.center = other_center
    course.start_date, course.end_date = datetime.date(2026, 7, 10), datetime.date(2026, 7, 12)
    course.format, course.status = "ket_hop", "finished"
    course.save()
    exact()
    assert Course.objects.get(pk=course.pk).center == other_center

    # Lecturers added through the relation (as a form's save_m2m does) count for the class's center.
    course.lecturers.add(LecturerFactory(center=other_center))
    exact()


def test_rollups_from_aggregates_equal_the_raw_counting_for_each_basis(center, other_center, province):
    for month, prog in ((1, "KND"), (2, "DVM"), (5, "NQ"), (8, "KND"), (11, "CD")):
        course = CourseFactory(
            center=center if month % 2 else other_center,
            program=program(prog),
            start_date=datetime.date(2026, month, 3),
            co_organised=month == 5,
        )
        for result in ("gioi", "kha", ""):
            EnrolmentFactory(course=course, result=result)
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 1))
    approve(center, 2026, 1)
    approve(other_center, 2026, 2)
    for basis in Basis.values:
        for key in ("2026", "2026-H1", "2026-9M", "2026-Q1", "2026-Q3"):
            same_as_raw(province, key, basis)


def test_check_aggregates_reports_a_difference_with_exit_status_1(center):
    CourseFactory(center=center, start_date=datetime.date(2026, 1, 10))
    QuarterAggregate.objects.update(classes=7)
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_aggregates", stdout=out)
    assert error.value.returncode == 1
    assert "bảng" in out.getvalue() and "tính lại" in out.getvalue()
    call_command("check_aggregates", "--rebuild", stdout=io.StringIO())
    exact()


def test_enrolments_of_the_center_are_counted_once_per_learner_across_quarters(center):
    person = LearnerFactory(center=center)
    for month in (1, 4, 7):
        EnrolmentFactory(course=CourseFactory(center=center, start_date=datetime.date(2026, month, 5)), learner=person)
    rollup = counting.rollup(unit=center, period=Period.parse("2026"), compare=False)
    assert (rollup.total.enrolments, rollup.total.learners) == (3, 1)
    assert counting.rollup(unit=center, period=Period.parse("2026-Q2"), compare=False).total.learners == 1
    assert Enrolment.objects.count() == 3


def test_lecturers_are_counted_once_per_period_by_kind_through_every_change(center, scope):
    """Who taught which class, a lecturer's kind and a cancelled class each change the lecturer counts."""
    full = services.lecturer_create(scope=scope, center=center, full_name="Nguyễn Văn Giảng", kind="chuyen_trach")
    guest = services.lecturer_create(scope=scope, center=center, full_name="Lê Thị Mời", kind="bao_cao_vien")
    common = {"program": program("KND"), "format": "truc_tiep", "status": "finished"}
    first = services.course_create(
        scope=scope,
        center=center,
        code="L1",
        title="Lớp quý I",
        start_date=datetime.date(2025, 2, 3),
        end_date=datetime.date(2025, 2, 6),
        lecturers=[full, guest],
        **common,
    )
    second = services.course_create(
        scope=scope,
        center=center,
        code="L2",
        title="Lớp quý II",
        start_date=datetime.date(2025, 5, 4),
        end_date=datetime.date(2025, 5, 8),
        lecturers=[full],
        **common,
    )
    exact()

    def lecturers(key):
        return counting.rollup(unit=center, period=Period.parse(key), basis="all", compare=False).lecturers

    assert lecturers("2025") == {"chuyen_trach": 1, "kiem_chuc": 0, "bao_cao_vien": 1}  # once, though in 2 quarters
    assert lecturers("2025-Q2") == {"chuyen_trach": 1, "kiem_chuc": 0, "bao_cao_vien": 0}

    services.lecturer_update(scope=scope, lecturer=guest, kind="kiem_chuc")
    exact()
    assert lecturers("2025") == {"chuyen_trach": 1, "kiem_chuc": 1, "bao_cao_vien": 0}

    services.course_update(
        scope=scope, course=first, version=first.version, lecturers=[guest]
    )  # the full-time lecturer taught only Q2
    exact()
    assert lecturers("2025-Q1") == {"chuyen_trach": 0, "kiem_chuc": 1, "bao_cao_vien": 0}
    assert lecturers("2025-H1") == {"chuyen_trach": 1, "kiem_chuc": 1, "bao_cao_vien": 0}

    services.course_cancel(scope=scope, course=second, version=second.version, reason="Không đủ học viên")
    exact()
    assert lecturers("2025") == {"chuyen_trach": 0, "kiem_chuc": 1, "bao_cao_vien": 0}
    same_as_raw(center, "2025", "all")


def test_a_writes_upkeep_reads_each_table_once_and_writes_only_what_changed(center, other_center, province):
    """Issue 21: a write's upkeep in at most 12 queries (the stamps, the cell counted from the raw tables, the
    province's rows read once): 9 when nothing changed; rows written only where they changed, the province's
    figures (and the reports and plans they need) only if one did."""
    course = CourseFactory(center=center, start_date=datetime.date(2026, 5, 4), end_date=datetime.date(2026, 5, 8))
    EnrolmentFactory(course=course, learner=LearnerFactory(center=center))
    EnrolmentFactory(course=CourseFactory(center=other_center, start_date=datetime.date(2026, 4, 2)))
    course.lecturers.add(LecturerFactory(center=center))
    with CaptureQueriesContext(connection) as unchanged:
        maintained.refresh([(center.pk, 2026, 2)])
    assert len(unchanged) <= 9
    writes = [q["sql"] for q in unchanged.captured_queries if not q["sql"].lstrip("(").startswith("SELECT")]
    assert len(writes) == 1 and "reports_datastamp" in writes[0]  # the stamps only: nothing else changed
    exact()
    # Rows changed behind the signals' back (a bulk insert): the refresh writes them, and the province's figures.
    learner = LearnerFactory(center=center)
    Enrolment.objects.bulk_create([Enrolment(course=course, learner=learner, result="gioi")])
    with CaptureQueriesContext(connection) as changed:
        maintained.refresh([(center.pk, 2026, 2)])
    reads = [q["sql"] for q in changed.captured_queries if q["sql"].lstrip("(").startswith("SELECT")]
    # 9 reads: the centers, the cell's classes, enrolments, and learners with lecturers, the province's four tables,
    # its reports with plans; 5 writes: the stamps, three tables' upserts, the province's figures.
    assert (len(reads), len(changed) - len(reads)) == (9, 5)
    assert not any(q["sql"].startswith("DELETE") for q in changed.captured_queries)
    exact()
    shown = counting.rollup(unit=province, period=Period.parse("2026-Q2"), basis="all", compare=False)
    assert (shown.total.enrolments, shown.total.learners) == (3, 3)
    # A row gone (the class cancelled without signals): deleted, and the province counted again.
    Course.objects.filter(pk=course.pk).update(status=Course.Status.CANCELLED)
    maintained.refresh([(center.pk, 2026, 2)])
    exact()
    assert not QuarterAggregate.objects.filter(center=center).exists()
    shown = counting.rollup(unit=province, period=Period.parse("2026"), basis="all", compare=False)
    assert (shown.total.classes, shown.total.enrolments, sum(shown.lecturers.values())) == (1, 1, 0)
    same_as_raw(province, "2026", "all")


def test_a_write_into_a_quarter_no_report_admits_counts_the_figures_of_every_entered_row_only(center, province):
    """A write into a quarter still open (no report, or a draft) moves the figures of every entered row ("all")
    only: the bases on reports leave that quarter out, so their stored figures are kept, and still equal the raw
    counting. A write into an approved quarter (an administrator's correction) counts every basis again."""
    first = CourseFactory(center=center, start_date=datetime.date(2026, 2, 3), end_date=datetime.date(2026, 2, 6))
    EnrolmentFactory(course=first, result="gioi")
    approve(center, 2026, 1)
    course = CourseFactory(center=center, start_date=datetime.date(2026, 5, 4), end_date=datetime.date(2026, 5, 8))
    EnrolmentFactory(course=course, result="kha")

    def figures_written(quarter):
        Enrolment.objects.bulk_create([Enrolment(course=course if quarter == 2 else first, learner=LearnerFactory())])
        with CaptureQueriesContext(connection) as queries:
            maintained.refresh([(center.pk, 2026, quarter)])
        (stored,) = [q["sql"] for q in queries.captured_queries if 'INTO "reports_provincefigures"' in q["sql"]]
        return {basis for basis in Basis.values if f"'{basis}'" in stored}

    assert figures_written(2) == {"all"}
    exact()
    for basis in Basis.values:
        for key in ("2026", "2026-H1", "2026-Q2", "2026-Q1"):
            same_as_raw(province, key, basis)
    assert figures_written(1) == set(Basis.values)
    exact()
    for basis in Basis.values:
        same_as_raw(province, "2026-H1", basis)


def test_check_aggregates_finds_a_wrong_province_figure(center, province):
    EnrolmentFactory(course=CourseFactory(center=center, start_date=datetime.date(2026, 2, 3)))
    row = ProvinceFigures.objects.get(province=province, period="2026-Q1", basis="all")
    part = pickle.loads(row.part)
    part.total.classes += 1
    row.part = pickle.dumps(part)
    row.save()
    shown = counting.rollup(unit=province, period=Period.parse("2026-Q1"), basis="all", compare=False)
    assert shown.total.classes == 2  # the province's figures are read from its row
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_aggregates", stdout=out)
    assert error.value.returncode == 1
    assert "tổng hợp tỉnh" in out.getvalue()


def test_check_aggregates_finds_a_wrong_lecturer_count(center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 1, 10))
    course.lecturers.add(LecturerFactory(center=center))
    exact()
    LecturerAggregate.objects.update(lecturers=5)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_aggregates", stdout=out)
    assert "giảng viên" in out.getvalue()


def second_write_while_the_first_is_open(first, second, waiting: str) -> None:
    """Run `second` in another thread (its own connection) while `first` has written and not yet committed: the
    second must wait (`waiting` says why), then go through once the first commits, and the aggregates stay exact."""
    failures = []

    def other_user():
        try:
            second()
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            failures.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        first()
        thread = threading.Thread(target=other_user)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), waiting
    thread.join(timeout=30)
    assert failures == []
    exact()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer at a time itself")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "second_center, waiting",
    [
        ("center", "the second write must wait for the first to commit"),
        ("other_center", "a write in another center of the province must wait for the province's figures"),
    ],
)
def test_two_writes_to_the_same_quarter_at_once_keep_the_aggregates_exact(
    request, center, province, second_center, waiting
):
    """Two center staff (of one center, or of two centers of one province) save results of two classes of the
    same quarter at the same moment: the second write waits for the first to commit, then counts with its rows,
    so neither the center's aggregates nor the province's figures (which the nation adds up) miss one (on
    PostgreSQL, the production database)."""
    first = CourseFactory(center=center, start_date=datetime.date(2026, 2, 3))
    second = CourseFactory(center=request.getfixturevalue(second_center), start_date=datetime.date(2026, 3, 9))

    def second_write():
        with transaction.atomic():
            EnrolmentFactory(course=second, result="kha")

    second_write_while_the_first_is_open(lambda: EnrolmentFactory(course=first, result="gioi"), second_write, waiting)
    total = counting.rollup(unit=province, period=Period.parse("2026-Q1"), basis="all", compare=False).total
    assert (total.classes, total.enrolments, total.results["gioi"], total.results["kha"]) == (2, 2, 1, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer at a time itself")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("scored", [False, True], ids=["four-words", "scored"])
def test_a_results_save_and_a_learner_added_to_the_same_class_at_once_both_go_through(center, center_user, scored):
    """The results form locks the class row; adding a learner references it (checked at commit). The two must
    not wait for each other in a circle over the data stamp both raise: a class before the 2025 rules (a result
    typed) and one under them (attendance and a score, the result set from them)."""
    scope = Scope.for_user(center_user)
    start = datetime.date(2026, 2, 3) if scored else datetime.date(2025, 2, 3)
    course = CourseFactory(center=center, start_date=start, periods=30 if scored else None)
    enrolment = EnrolmentFactory(course=course)
    marks = {"periods_attended": 30, "score": "8,5"} if scored else {"result": "gioi"}
    second_write_while_the_first_is_open(
        lambda: services.enrolment_add(scope=scope, course=course, learner=LearnerFactory(center=center)),
        lambda: services.results_record(
            scope=scope, course=course, entries=[services.ResultEntry(enrolment.pk, **marks, version=enrolment.version)]
        ),
        "the results save waits for the data stamp",
    )
    period = Period.quarter_of(start)
    rollup = counting.rollup(unit=center, period=period, basis="all", compare=False)
    assert (rollup.total.enrolments, rollup.total.results["gioi"]) == (2, 1)


def test_a_lecturer_deleted_is_no_longer_counted(center):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 1, 10))
    lecturer = LecturerFactory(center=center, kind="chuyen_trach")
    course.lecturers.add(lecturer)
    lecturer.save()  # the same instance saved, then deleted (as the admin does)
    lecturer.delete()
    exact()
    assert (
        counting.rollup(unit=center, period=Period.parse("2026"), basis="all", compare=False).lecturers["chuyen_trach"]
        == 0
    )


def test_saves_inside_counting_once_are_counted_together_when_it_ends(center, other_center, province):
    """Fixtures and loaders save rows one by one; inside counting_once nothing is counted until the block ends,
    then every touched quarter (two centers, two quarters, a moved class, a report approved) at once, exactly."""
    from reports.signals import counting_once

    with counting_once():
        moved = CourseFactory(center=center, start_date=datetime.date(2026, 2, 3))
        for where, day in ((center, datetime.date(2026, 2, 3)), (other_center, datetime.date(2026, 5, 4))):
            EnrolmentFactory.create_batch(3, course=CourseFactory(center=where, start_date=day))
        moved.start_date = datetime.date(2026, 8, 3)
        moved.end_date = datetime.date(2026, 8, 7)
        moved.save()
        approve(center, 2026, 1)
        assert not QuarterAggregate.objects.exists()  # nothing counted yet
    assert (
        QuarterAggregate.objects.filter(center=center).count()
        and QuarterAggregate.objects.filter(center=other_center).count()
    )
    exact()
    same_as_raw(province, "2026")
    same_as_raw(province, "2026-Q1", basis=Basis.APPROVED)


def test_a_failed_block_counts_nothing_and_leaves_the_next_saves_counted_at_once(center):
    from reports.signals import counting_once

    with pytest.raises(RuntimeError), transaction.atomic(), counting_once():
        CourseFactory(center=center, start_date=datetime.date(2026, 2, 3))
        raise RuntimeError("a save further on failed")
    assert not Course.objects.exists() and not QuarterAggregate.objects.exists()
    CourseFactory(center=center, start_date=datetime.date(2026, 2, 3))  # outside: counted at the save
    assert QuarterAggregate.objects.filter(center=center, year=2026).exists()
