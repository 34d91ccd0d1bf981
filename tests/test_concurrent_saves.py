"""Two people who press "Lưu" at the same moment both get their save: never "Hệ thống gặp lỗi", never a lost form.

The writers are real: threads started together (a barrier), each with its own database connection, calling the
write services the forms call, several rounds each. On PostgreSQL they share the test database (the test commits,
so each sees the others' rows). On SQLite the test database is in memory and shared-cache, whose table locks are
not the file locks the app meets (`make run` serves a file), so the writers get a file copy of it, opened with the
project's real settings (config/settings.py: transaction mode, busy timeout, journal mode). Without those settings
a save that reads before it writes fails at once with "database is locked" (see the SQLite block there).
"""

from __future__ import annotations

import datetime
import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from centers.periods import Period
from centers.scoping import Scope
from courses import services
from courses.models import Course, Enrolment
from reports import services as report_services
from reports.figures import counting
from reports.models import CenterReport

from .factories import CourseFactory, EnrolmentFactory, ReportFactory, program

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 6


@pytest.fixture
def writers_database(tmp_path):
    """A function that gives the writers' connection settings: on SQLite, a file holding what the test database
    holds when it is called (copied with SQLite's backup API, then opened once as `migrate` would, so the journal
    mode is set before anyone writes); None on PostgreSQL, where each thread's own connection is enough."""

    def copy():
        if connection.vendor != "sqlite":
            return None
        path = tmp_path / "llct.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        settings = {**connection.settings_dict, "NAME": str(path)}
        first = SQLiteWrapper(settings, "default")
        first.ensure_connection()  # runs the settings' init_command once, as the first `migrate` does
        first.close()
        return settings

    return copy


@contextmanager
def own_connection(settings):
    """This thread's own connection to the database: to the file `settings` name on SQLite (replacing, for this
    thread only, the in-memory test database), or the test database itself on PostgreSQL. Closed on leaving."""
    if settings is not None:
        connections["default"] = SQLiteWrapper(settings, "default")
    try:
        connections["default"].ensure_connection()
        yield
    finally:
        connections.close_all()


def in_own_connection(settings, function):
    """`function()` run in a thread of its own with its own connection (reads the writers' database)."""
    result = []
    errors = []

    def run():
        try:
            with own_connection(settings):
                result.append(function())
        except Exception as error:  # noqa: BLE001 -- re-raised below, in the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the read hung"
    if errors:
        raise errors[0]
    return result[0]


def at_the_same_moment(settings, *saves, rounds=ROUNDS) -> list[str]:
    """Run the saves (each a function of the round number) in threads released together by a barrier, `rounds`
    times; return what went wrong, one line per failed save (an empty list when every save went through)."""
    failures = []
    for round_no in range(rounds):
        barrier = threading.Barrier(len(saves))

        def person(save, round_no=round_no, barrier=barrier):
            try:
                with own_connection(settings):
                    barrier.wait(timeout=30)  # connected, now press "Lưu" together
                    save(round_no)
            except Exception as error:  # noqa: BLE001 -- reported by the test's assertion
                failures.append(f"vòng {round_no + 1}: {type(error).__name__}: {error}")

        threads = [threading.Thread(target=person, args=(save,)) for save in saves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), "a save hung"
    return failures


def test_two_centers_creating_classes_at_once_both_keep_them(
    writers_database, province, center, other_center, center_user, other_center_user
):
    """Two centers of one province add a class each at the same moment, several times over: every class is
    saved, and the province's figures count them all."""

    def creates(user, unit, prefix):
        scope = Scope.for_user(user)

        def save(round_no):
            services.course_create(
                scope=scope,
                center=unit,
                program=program("KND", datetime.date(2026, 2, 2)),
                code=f"{prefix}{round_no}",
                title=f"Lớp bồi dưỡng {prefix}{round_no}",
                start_date=datetime.date(2026, 2, 2) + datetime.timedelta(days=round_no),
                end_date=datetime.date(2026, 2, 6) + datetime.timedelta(days=round_no),
                format="truc_tiep",
                status="finished",
            )

        return save

    settings = writers_database()
    failures = at_the_same_moment(
        settings, creates(center_user, center, "A"), creates(other_center_user, other_center, "B")
    )
    assert failures == [], f"{len(failures)} of {2 * ROUNDS} saves failed: {failures}"

    def saved():
        codes = {
            unit.pk: sorted(Course.objects.filter(center=unit).values_list("code", flat=True))
            for unit in (center, other_center)
        }
        total = counting.rollup(unit=province, period=Period.parse("2026-Q1"), basis="all", compare=False).total
        return codes, total.classes

    codes, classes = in_own_connection(settings, saved)
    assert codes == {
        center.pk: [f"A{i}" for i in range(ROUNDS)],
        other_center.pk: [f"B{i}" for i in range(ROUNDS)],
    }
    assert classes == 2 * ROUNDS


def test_two_results_forms_saved_at_once_both_keep_their_results(
    writers_database, center, other_center, center_user, other_center_user
):
    """The results of two classes (two centers) are saved at the same moment, several times over: each save
    goes through, and the last results typed are the ones kept."""
    rosters = {}
    for unit in (center, other_center):
        # A class before the rules of 1/12/2025: its results are typed as words, with a certificate number.
        course = CourseFactory(center=unit, start_date=datetime.date(2025, 3, 3))
        rosters[unit.pk] = (course, [EnrolmentFactory(course=course).pk for _ in range(3)])
    marks = ["gioi", "kha"]

    def records(user, unit):
        scope = Scope.for_user(user)
        course, enrolments = rosters[unit.pk]

        def save(round_no):
            opened_at = dict(Enrolment.objects.filter(pk__in=enrolments).values_list("pk", "version"))  # the form's
            changed = services.results_record(
                scope=scope,
                course=course,
                entries=[
                    services.ResultEntry(pk, marks[round_no % 2], f"GCN-{round_no}", version=opened_at[pk])
                    for pk in enrolments
                ],
            )
            assert changed == len(enrolments)

        return save

    settings = writers_database()
    failures = at_the_same_moment(settings, records(center_user, center), records(other_center_user, other_center))
    assert failures == [], f"{len(failures)} of {2 * ROUNDS} saves failed: {failures}"

    def saved():
        return sorted(Enrolment.objects.values_list("course__center_id", "result", "certificate_no", "version"))

    last = ROUNDS - 1
    assert in_own_connection(settings, saved) == sorted(
        (unit.pk, marks[last % 2], f"GCN-{last}", 1 + ROUNDS) for unit in (center, other_center) for _ in range(3)
    )


def test_two_report_narratives_saved_at_once_both_keep_their_text(
    writers_database, center, other_center, center_user, other_center_user
):
    """Two centers save their quarter report's narrative at the same moment, several times over: every save
    goes through (none refused as stale, none lost), and each report keeps the last text typed."""
    reports = {unit.pk: ReportFactory(center=unit, year=2026, quarter=1) for unit in (center, other_center)}

    def writes(user, unit):
        scope = Scope.for_user(user)
        report = reports[unit.pk]

        def save(round_no):
            opened_at = CenterReport.objects.get(pk=report.pk).version  # the version the person's form shows
            report_services.report_save(
                scope=scope,
                report=report,
                version=opened_at,
                achievements=f"Kết quả lần {round_no} của {unit.area_name}",
                plan={program("KND").pk: round_no + 1},
            )

        return save

    settings = writers_database()
    failures = at_the_same_moment(settings, writes(center_user, center), writes(other_center_user, other_center))
    assert failures == [], f"{len(failures)} of {2 * ROUNDS} saves failed: {failures}"

    def saved():
        return {
            r.center_id: (r.achievements, r.version, [line.planned_classes for line in r.plan.all()])
            for r in CenterReport.objects.all()
        }

    assert in_own_connection(settings, saved) == {
        unit.pk: (f"Kết quả lần {ROUNDS - 1} của {unit.area_name}", 1 + ROUNDS, [ROUNDS])
        for unit in (center, other_center)
    }
