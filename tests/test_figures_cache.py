"""Cached figures are never stale: after every kind of write the figures the app shows equal raw counting."""

import datetime

import pytest
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connection, transaction
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centers.periods import Period
from centers.scoping import Scope
from courses import services
from courses.models import Lecturer
from reports import services as report_services
from reports.figures import cache, completeness, counting, maintained
from reports.figures.basis import Basis, centers_of, default_basis
from reports.models import ProvinceFigures, SharedFigure

from .factories import (
    CourseFactory,
    EnrolmentFactory,
    LearnerFactory,
    LecturerFactory,
    approve,
    central_unit,
    program,
)
from .helpers import committed, same_as_raw

pytestmark = pytest.mark.django_db


def shown_equals_counted(province):
    """Every basis, a year and its quarters, and the quarterly trend, as the app shows them to the province and to
    the central level (whose figures are the provinces' cached parts), equal raw counting."""
    for unit in (province, central_unit()):
        for basis in Basis.values:
            for key in ("2025", "2025-Q1", "2025-Q2"):
                same_as_raw(unit, key, basis)
            with committed():
                series = counting.quarterly_series(unit=unit, last=Period.parse("2025-Q4"), count=4, basis=basis)
            for point in series:
                raw = counting.rollup(unit=unit, period=point.period, basis=basis, compare=False, raw=True)
                assert (point.classes, point.enrolments) == (raw.total.classes, raw.total.enrolments), point.period


@pytest.fixture(params=["memory and shared table", "shared table only"])
def cache_levels(request, monkeypatch):
    """Both levels, as one worker sees them; or the shared table alone, as a worker that did not compute the
    figures (another process, or after a restart) sees them."""
    if request.param == "shared table only":
        monkeypatch.setattr(cache, "_cache", lambda: DummyCache("figures", {}))
        monkeypatch.setattr(cache, "unpickled", cache.Unpickled(0))  # nor what the process has unpickled
        monkeypatch.setattr(cache, "unpickled_parts", cache.Unpickled(0))
    return request.param


def test_the_figures_shown_follow_every_kind_of_write(
    center, other_center, far_center, province, center_user, board_user, cache_levels
):
    """Each step first fills the cache (shown_equals_counted), then writes: a figure the write changed and
    the cache kept would differ from raw counting at the next step. The nation has two provinces: its figures
    are merged from two cached parts, and cached merged."""
    staff, board = Scope.for_user(center_user), Scope.for_user(board_user)
    CourseFactory(center=other_center, start_date=datetime.date(2025, 2, 10), program=program("DVM"))
    EnrolmentFactory(course=CourseFactory(center=far_center, start_date=datetime.date(2025, 4, 7)))
    shown_equals_counted(province)

    course = services.course_create(
        scope=staff,
        center=center,
        program=program("KND"),
        code="C1",
        title="Lớp C",
        start_date=datetime.date(2025, 2, 3),
        end_date=datetime.date(2025, 2, 7),
        format="truc_tiep",
        status="finished",
    )
    shown_equals_counted(province)
    learners = [LearnerFactory(center=center, group="doan_vien", ethnicity="Tày") for _ in range(3)]
    enrolments = [services.enrolment_add(scope=staff, course=course, learner=learner) for learner in learners]
    shown_equals_counted(province)
    entries = [
        services.ResultEntry(e.pk, r, "", version=e.version)
        for e, r in zip(enrolments, ["gioi", "kha", "khong_dat"], strict=True)
    ]
    services.results_record(scope=staff, course=course, entries=entries)
    shown_equals_counted(province)

    lecturer = services.lecturer_create(scope=staff, center=center, full_name="Trần Văn Giảng", kind="chuyen_trach")
    course = services.course_update(scope=staff, course=course, version=course.version, lecturers=[lecturer])
    shown_equals_counted(province)
    services.lecturer_update(scope=staff, lecturer=lecturer, kind=Lecturer.Kind.REPORTER)
    second = LecturerFactory(center=center, kind=Lecturer.Kind.CONCURRENT)
    shown_equals_counted(province)
    course.lecturers.add(second)  # as the admin's form does, after saving the class
    shown_equals_counted(province)

    # The plan written in the report of 2024's fourth quarter counts in 2025's first.
    q4 = report_services.report_get_or_create(scope=staff, center=center, period=Period.parse("2024-Q4"))
    report_services.report_save(scope=staff, report=q4, version=q4.version, plan={program("KND").pk: 4})
    shown_equals_counted(province)
    q1 = report_services.report_get_or_create(scope=staff, center=center, period=Period.parse("2025-Q1"))
    q1 = report_services.report_save(scope=staff, report=q1, version=q1.version, plan={program("NQ").pk: 2})
    shown_equals_counted(province)
    report_services.report_submit(scope=staff, report=q1, version=q1.version)
    shown_equals_counted(province)
    report_services.report_approve(scope=board, report=q1)
    shown_equals_counted(province)
    report_services.report_unlock(scope=board, report=q1, reason="Sửa kết quả")
    shown_equals_counted(province)

    services.enrolment_remove(scope=staff, enrolment=enrolments[2])
    shown_equals_counted(province)
    services.learner_update(
        scope=staff, learner=learners[0], version=learners[0].version, group="can_bo", ethnicity="Kinh"
    )
    shown_equals_counted(province)
    course = services.course_update(
        scope=staff,
        course=course,
        version=course.version,
        start_date=datetime.date(2025, 5, 5),
        end_date=datetime.date(2025, 5, 9),
    )
    shown_equals_counted(province)
    course = services.course_update(
        scope=staff, course=course, version=course.version, co_organised=True, format="truc_tuyen"
    )
    shown_equals_counted(province)

    # The organisation chain: a center moved to another province leaves this one's figures.
    other_center.parent = far_center.parent
    other_center.save()
    shown_equals_counted(province)
    services.course_cancel(scope=staff, course=course, version=course.version, reason="Không đủ học viên")
    shown_equals_counted(province)
    assert counting.rollup(unit=province, period=Period.parse("2025"), basis="all").total.classes == 0


def test_a_second_look_reads_the_cache(center):
    EnrolmentFactory(course=CourseFactory(center=center, start_date=datetime.date(2025, 2, 3)))
    period = Period.parse("2025")
    with CaptureQueriesContext(connection) as cold, committed():
        first = counting.rollup(unit=center, period=period)
    with CaptureQueriesContext(connection) as warm:
        second = counting.rollup(unit=center, period=period)
    assert second.total == first.total and second.total.enrolments == 1
    assert second.unit == center and [c.pk for c in second.centers] == [center.pk]
    assert len(warm) < len(cold) // 2, (len(warm), len(cold))


def test_a_cached_value_is_unpickled_once_and_each_reader_gets_its_own_copy(province, center, monkeypatch):
    """The process keeps what it unpickled: a second look unpickles nothing, and what a reader changes (a rollup's
    attached unit, the names of the time prefetched on its centers) is not seen by the next reader."""
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    period = Period.parse("2025")
    with committed():
        first = counting.rollup(unit=center, period=period)
    counting.rollup(unit=center, period=period)  # read back from the cache: unpickled, and kept
    loads = []
    monkeypatch.setattr(cache.pickle, "loads", lambda data: loads.append(data))
    second = counting.rollup(unit=center, period=period)
    assert loads == [] and second.total == first.total
    assert second is not first and second.centers[0] is not first.centers[0]
    prefetch_related_objects(second.centers, "former_names")
    second.centers[0].name = "đổi trên bản sao"
    third = counting.rollup(unit=center, period=period)
    assert third.centers[0].name == center.name
    assert not hasattr(third.centers[0], "_prefetched_objects_cache")


def test_the_nation_unpickles_a_province_figure_once_and_reads_it_again_once_rewritten(
    central, center, far_center, province, other_province
):
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    period = Period.parse("2025")
    with committed():
        first = counting.rollup(unit=central, period=period, basis="all", compare=False)
    again = counting.rollup(unit=central, period=period, basis="all", compare=False)
    assert again.part_totals[province.pk] is first.part_totals[province.pk]  # the same part, not unpickled again
    assert again is not first and again.total.classes == 1

    CourseFactory(center=far_center, start_date=datetime.date(2025, 5, 5))  # rewrites the other province's row
    after = counting.rollup(unit=central, period=period, basis="all", compare=False)
    assert after.total.classes == 2 and after.part_totals[other_province.pk].classes == 1
    assert after.part_totals[province.pk] is first.part_totals[province.pk]
    same_as_raw(central, "2025", "all")


def test_the_nation_keeps_one_merge_of_its_provinces_however_many_writes(central, center, far_center, monkeypatch):
    """A write rewrites a province's part: the merge of the new parts replaces the last one (kept one per period and
    basis, it had piled up, one per write, and every full garbage collection of the worker visited them all)."""
    monkeypatch.setattr(counting, "_merges", cache.Unpickled(32))
    period = Period.parse("2025")
    for day in range(3, 8):
        CourseFactory(center=center, start_date=datetime.date(2025, 2, day))  # each rewrites the province's part
        CourseFactory(center=far_center, start_date=datetime.date(2025, 5, day))
        rollup = counting.rollup(unit=central, period=period, basis="all", compare=False)
        assert rollup.total.classes == 2 * (day - 2)
    assert len(counting._merges.values) == 1


@pytest.fixture
def counted_parts(monkeypatch):
    """The parts (province ids) each rollup computes rather than reads from the cache, one list per computation."""
    computed = []
    original = counting._aggregate_parts

    def spy(centers_qs, period, basis, partition):
        computed.append(sorted(set(centers_qs.values_list("parent_id", flat=True))))
        return original(centers_qs, period, basis, partition)

    monkeypatch.setattr(counting, "_aggregate_parts", spy)
    return computed


def test_writes_keep_their_provinces_figures_and_the_nation_only_reads_them(
    central, center, far_center, province, other_province, counted_parts
):
    for where in (center, far_center):
        CourseFactory(center=where, start_date=datetime.date(2025, 2, 3))
    period = Period.parse("2025")
    with committed():
        assert counting.rollup(unit=central, period=period, basis="all", compare=False).total.classes == 2
    assert counted_parts == []  # each write counted its province's figures again, in its transaction

    EnrolmentFactory(course=CourseFactory(center=far_center, start_date=datetime.date(2025, 5, 5)))
    national = counting.rollup(unit=central, period=period, basis="all", compare=False)
    assert counted_parts == []
    assert (national.total.classes, national.total.enrolments) == (3, 1)
    assert national.part_totals[other_province.pk].classes == 2 and national.part_totals[province.pk].classes == 1
    same_as_raw(central, "2025", "all")


def test_after_a_deploy_that_changes_the_counting_provinces_are_counted_again_once(
    central, center, far_center, province, other_province, counted_parts, monkeypatch
):
    for where in (center, far_center):
        CourseFactory(center=where, start_date=datetime.date(2025, 2, 3))
    period = Period.parse("2025")
    monkeypatch.setattr(cache, "COUNTING_VERSION", "new-code")  # every stored province figure is stale
    with committed():
        assert counting.rollup(unit=central, period=period, basis="all", compare=False).total.classes == 2
    assert counted_parts == [sorted([province.pk, other_province.pk])]  # every province, at once
    assert ProvinceFigures.objects.filter(period="2025", basis="all", version="new-code").count() == 2

    counted_parts.clear()  # stored: neither the nation nor a province counts again
    assert counting.rollup(unit=central, period=period, basis="all", compare=False).total.classes == 2
    assert counting.rollup(unit=other_province, period=period, basis="all", compare=False).total.classes == 1
    assert counted_parts == []


def test_a_center_moved_to_another_province_takes_its_figures_along_in_the_same_save(
    central, center, other_center, far_center, province, other_province, counted_parts
):
    for where, day in ((center, "2024-02-03"), (other_center, "2025-02-03"), (other_center, "2025-05-05")):
        CourseFactory(center=where, start_date=datetime.date.fromisoformat(day))
    EnrolmentFactory(course=CourseFactory(center=far_center, start_date=datetime.date(2025, 3, 3)))
    other_center.parent = other_province
    other_center.save()  # no class written: the organisation chain alone changed
    counted_parts.clear()
    for key, lao_cai, ha_tinh in (("2025", 0, 3), ("2025-Q2", 0, 1), ("2024", 1, 0)):
        national = counting.rollup(unit=central, period=Period.parse(key), basis="all", compare=False)
        assert national.part_totals[province.pk].classes == lao_cai
        assert national.part_totals[other_province.pk].classes == ha_tinh
        shown = counting.rollup(unit=other_province, period=Period.parse(key), basis="all", compare=False)
        assert shown.total.classes == ha_tinh
    assert counted_parts == []  # read, not counted: the save counted both provinces again
    assert not maintained.differences()


def test_figures_computed_in_a_transaction_that_rolls_back_are_not_kept(center):
    course = CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    period = Period.parse("2025")
    with committed():
        assert counting.rollup(unit=center, period=period, compare=False).total.classes == 1

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), committed(), transaction.atomic():
        CourseFactory(center=center, start_date=datetime.date(2025, 3, 3))
        assert counting.rollup(unit=center, period=period, compare=False).total.classes == 2
        raise Abandon
    # The next committed write raises the same stamp the abandoned one did: its figures must not come back.
    with committed():
        EnrolmentFactory(course=course)
        assert counting.rollup(unit=center, period=period, compare=False).total.classes == 1


def test_a_new_epoch_drops_every_cached_figure(center):
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    before = cache.fingerprint(centers=centers_of(center), years=[2025])
    cache.new_epoch()
    assert cache.fingerprint(centers=centers_of(center), years=[2025]) != before


def test_the_program_order_shown_follows_the_catalogue(center):
    for code in ("KND", "NQ"):
        CourseFactory(center=center, program=program(code), start_date=datetime.date(2025, 2, 3))
    period = Period.parse("2025")
    with committed():
        assert list(counting.rollup(unit=center, period=period).by_program)[:2] == ["KND", "NQ"]
    knd = program("KND")
    knd.order = 99
    knd.save()
    assert list(counting.rollup(unit=center, period=period).by_program)[:2] == ["NQ", "KND"]


def test_the_generated_briefing_follows_the_centers_reports(center, province, center_user):
    from reports import briefing

    staff = Scope.for_user(center_user)
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    period = Period.parse("2025-Q1")
    report = report_services.report_get_or_create(scope=staff, center=center, period=period)
    report = report_services.report_save(scope=staff, report=report, version=report.version, shortcomings="Thiếu phòng")
    with committed():
        assert "Thiếu phòng" in briefing.generate(unit=province, period=period, basis="all")
    report_services.report_save(scope=staff, report=report, version=report.version, shortcomings="Thiếu giảng viên")
    text = briefing.generate(unit=province, period=period, basis="all")
    assert "Thiếu giảng viên" in text and "Thiếu phòng" not in text


def test_the_reporting_rate_follows_submissions(center, other_center, province, center_user):
    staff = Scope.for_user(center_user)
    period = Period.parse("2025-Q1")
    with committed():
        assert completeness.reporting_rate(unit=province, period=period).reported == 0
    report = report_services.report_get_or_create(scope=staff, center=center, period=period)
    report_services.report_submit(scope=staff, report=report, version=report.version)
    rate = completeness.reporting_rate(unit=province, period=period)
    assert (rate.reported, rate.expected) == (1, 2)


def test_the_centers_listed_follow_a_rename(center, province):
    period = Period.parse("2025")
    with committed():
        assert [c.name for c in counting.rollup(unit=province, period=period, compare=False).centers] == [center.name]
    center.name = "Trung tâm chính trị thị xã Sa Pa"
    center.save()
    names = [c.name for c in counting.rollup(unit=province, period=period, compare=False).centers]
    assert names == ["Trung tâm chính trị thị xã Sa Pa"]


def test_a_restarted_worker_reads_the_figures_another_computed(central, center, far_center, counted_parts):
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    EnrolmentFactory(course=CourseFactory(center=far_center, start_date=datetime.date(2025, 5, 5)))
    period = Period.parse("2025")
    with committed():
        first = counting.rollup(unit=central, period=period, basis="all")
    assert SharedFigure.objects.exists()
    cache.clear()  # this process's memory, as a restart empties it; the shared table stays
    counted_parts.clear()
    with CaptureQueriesContext(connection) as restarted:
        again = counting.rollup(unit=central, period=period, basis="all")
    assert counted_parts == []  # nothing counted again: read from the shared table
    assert (again.total.classes, again.total.enrolments) == (first.total.classes, first.total.enrolments) == (2, 1)
    assert not any("aggregate" in q["sql"] for q in restarted.captured_queries)
    cache.clear(shared=True)
    assert not SharedFigure.objects.exists()


def test_shared_figures_older_than_a_day_are_pruned(center, monkeypatch):
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    SharedFigure.objects.create(key="figures:old", value=b"x", stored_at=timezone.now() - datetime.timedelta(days=2))
    SharedFigure.objects.create(
        key="figures:recent", value=b"x", stored_at=timezone.now() - datetime.timedelta(hours=2)
    )
    monkeypatch.setattr(cache, "_pruned_at", -float("inf"))
    with committed():
        counting.rollup(unit=center, period=Period.parse("2025"))
    keys = set(SharedFigure.objects.values_list("key", flat=True))
    assert "figures:recent" in keys and "figures:old" not in keys and len(keys) > 1


def test_a_shared_figure_still_read_is_kept_past_a_day(center, monkeypatch):
    """Pruning removes what nobody reads any more, not what was written long ago and is read every day: a row more
    than half a day old that a worker reads is renewed, so the next pruning keeps it."""
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    period = Period.parse("2025")
    with committed():
        counting.rollup(unit=center, period=period, compare=False)
    read_keys = set(SharedFigure.objects.values_list("key", flat=True))
    written = timezone.now() - datetime.timedelta(hours=23)
    SharedFigure.objects.update(stored_at=written)
    SharedFigure.objects.create(key="figures:unread", value=b"x", stored_at=written)
    cache.clear()  # a worker whose memory lacks them reads the shared table
    with committed():
        assert counting.rollup(unit=center, period=period, compare=False).total.classes == 1
    assert not SharedFigure.objects.filter(key__in=read_keys, stored_at__lte=written).exists()
    # Two hours later the pruning runs (a figure of another year is stored): the unread row goes, the read ones stay.
    monkeypatch.setattr(cache, "_pruned_at", -float("inf"))
    monkeypatch.setattr(cache.timezone, "now", lambda: written + datetime.timedelta(hours=25))
    with committed():
        counting.rollup(unit=center, period=Period.parse("2024"), compare=False)
    keys = set(SharedFigure.objects.values_list("key", flat=True))
    assert "figures:unread" not in keys and read_keys <= keys


def test_a_shared_figure_read_recently_is_not_written_again(center):
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    with committed():
        counting.rollup(unit=center, period=Period.parse("2025"), compare=False)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx, committed():
        counting.rollup(unit=center, period=Period.parse("2025"), compare=False)
    assert not any(q["sql"].startswith("UPDATE") for q in ctx.captured_queries)


def test_a_figure_the_shared_table_refuses_is_still_shown(center, monkeypatch):
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))

    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(SharedFigure.objects, "bulk_create", refuse)
    with committed():
        assert counting.rollup(unit=center, period=Period.parse("2025")).total.classes == 1
    assert not SharedFigure.objects.exists()
    assert counting.rollup(unit=center, period=Period.parse("2025")).total.classes == 1


def test_a_stored_figure_that_no_longer_reads_is_counted_again(center):
    """An entry written by other code (a deploy under way) that does not unpickle is a miss, not a broken page."""
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    with committed():
        assert counting.rollup(unit=center, period=Period.parse("2025")).total.classes == 1
    SharedFigure.objects.update(value=b"not a pickle")
    cache.clear()
    assert counting.rollup(unit=center, period=Period.parse("2025")).total.classes == 1


def test_the_keys_carry_the_version_of_the_code_that_computed_them(monkeypatch):
    key = cache._key("rollup", ("2025", "all"), [2025], "1.2.3")
    monkeypatch.setattr(cache, "COUNTING_VERSION", "another")
    assert cache._key("rollup", ("2025", "all"), [2025], "1.2.3") != key


def test_warm_figures_leaves_nothing_for_a_user_to_count(central, province, center, far_center, counted_parts):
    """After a deploy (new code, new cache keys) `warm_figures` counts the dashboards the nation and each province
    open on; the first user's look reads them, even from a worker that has just started."""
    import io

    from django.core.management import call_command

    from reports.dashboard import build

    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3), status="finished")
    CourseFactory(center=center, start_date=datetime.date(2026, 2, 3))  # a draft quarter: boards open on 2025
    approve(center, 2025, 1)
    cache.clear(shared=True)
    out = io.StringIO()
    with committed():
        call_command("warm_figures", stdout=out)
    assert "Đã tính sẵn 3 trang tổng quan" in out.getvalue()  # the nation and both provinces
    assert f"{province.name}, năm 2025" in out.getvalue()
    cache.clear()
    counted_parts.clear()
    with CaptureQueriesContext(connection) as ctx, committed():
        context = build(unit=province, period=Period.parse("2025"), basis="approved")
    assert context["rollup"].total.classes == 1
    assert counted_parts == []
    assert not any("aggregate" in q["sql"] for q in ctx.captured_queries)


def test_warm_figures_is_silent_for_cron(province, center):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    with committed():
        call_command("warm_figures", "--quiet", stdout=out)
    assert out.getvalue() == ""
    assert SharedFigure.objects.exists()


def test_warm_figures_refuses_a_bad_period():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Kỳ báo cáo không hợp lệ: 2025-Q5"):
        call_command("warm_figures", "--period", "2025-Q5")
    assert not SharedFigure.objects.exists()


def test_the_default_basis_and_the_same_basis_chosen_share_their_figures(province, center, counted_parts):
    """A board opens on its default basis (Basis.APPROVED), then picks "approved" in the selector (a string from
    the query string): the same figures, counted once."""
    CourseFactory(center=center, start_date=datetime.date(2025, 2, 3))
    approve(center, 2025, 1)
    period = Period.parse("2025")
    with committed():
        first = counting.rollup(unit=province, period=period, basis=default_basis(province))
    counted_parts.clear()
    again = counting.rollup(unit=province, period=period, basis="approved")
    assert counted_parts == []
    assert again.total.classes == first.total.classes == 1
