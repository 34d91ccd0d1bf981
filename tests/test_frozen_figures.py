"""Approved figures do not move: an approved quarter keeps its learners' groups and ethnic minority and its
lecturers' kinds as approved, whoever edits the learner or the lecturer afterwards; every change a user makes is in
the history, the class's lecturers and the report's plan included; one rule says who is an ethnic minority."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from centers.periods import Period
from centers.scoping import Scope
from courses import services
from courses.models import Learner, ethnic_minority_q
from reports import selectors
from reports import services as report_services
from reports.figures import counting, maintained
from reports.figures.basis import Basis

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, LecturerFactory, program

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2023-Q1")
Q2 = Period.parse("2023-Q2")


def approve_quarter(center, center_user, board_user, period=Q1):
    """The real path: the center submits, the board approves."""
    scope = Scope.for_user(center_user)
    report = report_services.report_get_or_create(scope=scope, center=center, period=period)
    report_services.report_submit(scope=scope, report=report, user=center_user, version=report.version)
    return report_services.report_approve(scope=Scope.for_user(board_user), report=report, user=board_user)


@pytest.fixture
def person(center):
    """A Kinh party member who attended a class in the first quarter and one in the second."""
    learner = LearnerFactory(center=center, full_name="Lò Văn Páo", group=Learner.Group.PARTY_MEMBER, ethnicity="Kinh")
    first = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6), program=program("KND"))
    second = CourseFactory(center=center, start_date=datetime.date(2023, 5, 8), program=program("KND"))
    EnrolmentFactory(course=first, learner=learner, result="gioi")
    EnrolmentFactory(course=second, learner=learner, result="kha")
    return learner


def groups(unit, period, raw=False):
    figures = counting.rollup(unit=unit, period=period, basis=Basis.ALL, compare=False, raw=raw)
    return {group: tuple(n) for group, n in figures.by_group.items() if n[0]}


def edit(user, learner, **fields):
    learner.refresh_from_db()
    return services.learner_update(scope=Scope.for_user(user), learner=learner, version=learner.version, **fields)


def test_editing_a_learner_leaves_the_approved_quarter_as_approved(center, center_user, board_user, person):
    approve_quarter(center, center_user, board_user)

    edit(center_user, person, group=Learner.Group.CADRE, ethnicity="Tày")

    person.refresh_from_db()
    assert (person.group, person.ethnicity) == (Learner.Group.CADRE, "Tày")  # the current record changed
    for raw in (False, True):  # the maintained tables and the reference counting agree
        assert groups(center, Q1, raw) == {Learner.Group.PARTY_MEMBER: (1, 0)}  # approved: as approved
        assert groups(center, Q2, raw) == {Learner.Group.CADRE: (1, 1)}  # open: as the learner is now
    assert maintained.differences() == []


def test_the_approved_roster_lists_the_learner_as_approved(login, center, center_user, board_user, person):
    approve_quarter(center, center_user, board_user)
    edit(center_user, person, group=Learner.Group.CADRE)

    (row,) = list(selectors.roster(unit=center, period=Q1))
    assert row[selectors.ROSTER_FIELDS.index("counted_group")] == Learner.Group.PARTY_MEMBER
    (row,) = list(selectors.roster(unit=center, period=Q2))
    assert row[selectors.ROSTER_FIELDS.index("counted_group")] == Learner.Group.CADRE


def test_after_a_transfer_the_new_center_cannot_move_the_old_centers_approved_figures(
    center, other_center, center_user, other_center_user, board_user, person
):
    approve_quarter(center, center_user, board_user)
    person.refresh_from_db()
    services.learner_transfer(
        scope=Scope.for_user(board_user),
        learner=person,
        to_center=other_center,
        reason="Chuyển công tác",
        version=person.version,
        user=board_user,
    )

    edit(other_center_user, person, group=Learner.Group.YOUTH_UNION, ethnicity="Mông")

    assert groups(center, Q1) == {Learner.Group.PARTY_MEMBER: (1, 0)}
    assert groups(center, Q2) == {Learner.Group.YOUTH_UNION: (1, 1)}  # the old center's open quarter: as now


def test_unlocking_a_quarter_counts_the_learner_as_now(center, center_user, board_user, person):
    report = approve_quarter(center, center_user, board_user)
    edit(center_user, person, group=Learner.Group.CADRE)
    assert groups(center, Q1) == {Learner.Group.PARTY_MEMBER: (1, 0)}

    report_services.report_unlock(
        scope=Scope.for_user(board_user), report=report, reason="Sửa đối tượng", user=board_user
    )

    assert groups(center, Q1) == {Learner.Group.CADRE: (1, 0)}
    assert maintained.differences() == []


def sheet_rows(client, period):
    response = client.get(reverse("reports:export_xlsx", args=["10", period]), {"so_lieu": "all"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [row for row in workbook["Giảng viên"].iter_rows(values_only=True) if row[0] == 1]


def test_a_lecturers_kind_changed_after_approval_stays_as_approved(login, center, center_user, board_user):
    lecturer = LecturerFactory(center=center, full_name="Hà Thị Lan", kind="kiem_chuc")
    for day in (datetime.date(2023, 2, 6), datetime.date(2023, 5, 8)):
        course = CourseFactory(center=center, start_date=day)
        course.lecturers.add(lecturer)
        EnrolmentFactory(course=course, result="kha")
    approve_quarter(center, center_user, board_user)

    services.lecturer_update(scope=Scope.for_user(center_user), lecturer=lecturer, kind="chuyen_trach")

    client = login(board_user)
    assert sheet_rows(client, "2023-Q1")[0][3] == "Giảng viên kiêm chức"
    assert sheet_rows(client, "2023-Q2")[0][3] == "Giảng viên chuyên trách"
    approved = counting.rollup(unit=center, period=Q1, compare=False)
    assert (approved.lecturers["kiem_chuc"], approved.lecturers["chuyen_trach"]) == (1, 0)
    assert maintained.differences() == []


def test_changing_a_classs_lecturers_is_in_its_history(login, center, center_user):
    kept = LecturerFactory(center=center, full_name="Hà Thị Lan")
    added = LecturerFactory(center=center, full_name="Vàng A Dính")
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    course.lecturers.add(kept)

    services.course_update(scope=Scope.for_user(center_user), course=course, version=course.version, lecturers=[added])

    page = login(center_user).get(reverse("courses:course_history", args=[course.pk])).content.decode()
    assert "Giảng viên: thêm Vàng A Dính; bớt Hà Thị Lan" in page


def test_changing_only_the_plan_is_in_the_reports_history(login, center, center_user):
    scope = Scope.for_user(center_user)
    report = report_services.report_get_or_create(scope=scope, center=center, period=Q1)
    report = report_services.report_save(scope=scope, report=report, version=report.version, plan={})
    report = report_services.report_save(
        scope=scope, report=report, version=report.version, plan={program("DVM").pk: 3}
    )

    page = login(center_user).get(reverse("reports:history", args=["10-080", "2023-Q1"])).content.decode()
    assert "Kế hoạch quý sau: bồi dưỡng đảng viên mới 0 → 3 lớp" in page


ETHNICITIES = ["Kinh", " kinh ", "KINH", "Kinh\u00a0", "", "   ", "Tày", " Mường ", "H'Mông"]


def test_one_rule_says_who_is_an_ethnic_minority(center):
    learners = [LearnerFactory(center=center, ethnicity=value) for value in ETHNICITIES]
    in_sql = set(Learner.objects.filter(ethnic_minority_q()).values_list("pk", flat=True))

    assert {x.pk for x in learners if x.is_ethnic_minority} == in_sql
    assert sorted(Learner.objects.get(pk=pk).ethnicity for pk in in_sql) == ["H'Mông", "Mường", "Tày"]
