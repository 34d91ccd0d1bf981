"""Every page costs the same number of queries whatever the data size: each page of the URL matrix, for each
role that may open it, counted after data of every kind is added (classes, enrolments, learners, lecturers,
reports, plans, edits in the history, exports), and again after as much again. (A page may cost a query more
once it has something to show; it must not cost more for having more of it.)"""

import datetime

import pytest
from django.urls import reverse

from centers.models import AccountEvent, SignIn
from courses.models import Course, ProgramMapping
from reports.models import CenterReport, ExportLog, PlanLine

from .factories import (
    CourseFactory,
    EnrolmentFactory,
    LearnerFactory,
    LecturerFactory,
    ReportFactory,
    StaffFactory,
    program,
)
from .helpers import page_queries
from .test_url_matrix import CASES, OK, certified_class

pytestmark = pytest.mark.django_db

ROLES = ["center_user", "board_user", "central_user"]


def pages(role):
    """(name, args) of every GET page of the URL matrix this role may open."""
    return [
        (name, args)
        for name, cases in CASES.items()
        for method, args, expectations, _ in cases
        if method == "get"
        and name != "login"
        and expectations[role] == OK
        # the API's lists are counted at two sizes in tests/test_api.py; a job's pages read the one job row
        and not name.startswith(("api:", "jobs:"))
    ]


@pytest.fixture
def objects(center, board_user):
    board_user.staff.manages_accounts = True  # as in the URL matrix: the board's staff manage its accounts
    board_user.staff.save()
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    learner = LearnerFactory(center=center)
    EnrolmentFactory(course=course, learner=learner)
    course.lecturers.add(LecturerFactory(center=center))
    report = ReportFactory(center=center, year=2026, quarter=3, status=CenterReport.Status.SUBMITTED)
    return {
        "course": course,
        "learner": learner,
        "lecturer": LecturerFactory(center=center),
        "report": report,
        "account": StaffFactory(unit=center).user,
        "board_account": StaffFactory(unit=center.parent).user,
        "program": course.program,
        "mapping": ProgramMapping.objects.order_by("pk").first(),
        **certified_class(center),
    }


def grow(objects, center, other_center, user, half: int):
    """More of everything the pages read, in both years a page compares, in the center, its neighbour and the
    visited objects: `half` 0 the first half of each year, 1 the second."""
    course, learner = objects["course"], objects["learner"]
    for where in (center, other_center):
        lecturers = [LecturerFactory(center=where) for _ in range(3)]
        for year in (2025, 2026):
            for month in range(1 + 6 * half, 7 + 6 * half, 2):
                other = CourseFactory(
                    center=where,
                    program=program(["KND", "DVM", "NQ"][month % 3], datetime.date(year, month, 3)),
                    start_date=datetime.date(year, month, 3),
                )
                other.lecturers.add(*lecturers[: 1 + month % 3])
                for result in ("gioi", "kha", "", "bo_hoc"):
                    EnrolmentFactory(course=other, result=result)
                if where == center:
                    EnrolmentFactory(course=other, learner=learner)
            report = ReportFactory(center=where, year=year, quarter=1 + half, status=("approved", "returned")[half])
            for code in ("KND", "DVM", "NQ"):
                PlanLine.objects.create(report=report, program=program(code), planned_classes=3)
    for _ in range(10):
        EnrolmentFactory(course=course)
    certified_class(center, learners=5, verify_code=None)  # certificates: the register, the lists of what is due
    for n in range(3):  # edits: the class's and the report's history
        Course.objects.get(pk=course.pk).save()
        report = CenterReport.objects.get(pk=objects["report"].pk)
        report.achievements = f"Bản sửa {half}.{n}"
        report.save()
    for fmt in ("xlsx", "docx"):
        ExportLog.objects.create(user=user, unit=center, period_key="2026", format=fmt)
    for where in (center, other_center, center.parent):  # accounts, their sign-ins and their changes
        for _ in range(3):
            account = StaffFactory(unit=where).user
            SignIn.objects.create(user=account, ip_address="10.0.0.1")
            AccountEvent.objects.create(user=account, unit=where, by=user, kind=AccountEvent.Kind.CREATED)
    for kind in (AccountEvent.Kind.UPDATED, AccountEvent.Kind.LOCKOUT_LIFTED):
        AccountEvent.objects.create(user=objects["account"], unit=center, by=user, kind=kind)
        SignIn.objects.create(user=objects["account"], ip_address="10.0.0.2")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_costs_the_same_queries_at_two_data_sizes(request, login, objects, center, other_center, role):
    user = request.getfixturevalue(role)
    client = login(user)
    ids = {key: value.pk for key, value in objects.items()}
    addresses = [reverse(name, args=args(ids)) for name, args in pages(role)]
    grow(objects, center, other_center, user, 0)
    some = {address: page_queries(client, address) for address in addresses}
    grow(objects, center, other_center, user, 1)
    more = {address: page_queries(client, address) for address in addresses}
    assert {a: (some[a], n) for a, n in more.items() if n != some[a]} == {}
    assert len(addresses) >= 15
