"""Each counting rule is written once (issue 21); the helpers that hold them say the same as the rule in words,
and their SQL twins agree with the Python ones."""

import datetime

from centers.models import Unit
from centers.periods import Period
from courses.models import Course
from reports.models import (
    PLANNED_QUARTER,
    REPORTED_STATUSES,
    CenterReport,
    Deadline,
    PlanLine,
    deadlines,
    planned_quarter,
)

from .factories import CourseFactory, ReportFactory, program


def test_a_plan_counts_in_the_next_quarter_and_the_sql_says_the_same(center):
    assert [planned_quarter(2023, q) for q in range(1, 5)] == [(2023, 2), (2023, 3), (2023, 4), (2024, 1)]
    for quarter in range(1, 5):
        report = ReportFactory(center=center, year=2023, quarter=quarter)
        PlanLine.objects.create(report=report, program=program("KND"), planned_classes=1)
    targets = PlanLine.objects.annotate(target=PLANNED_QUARTER).values_list("report__quarter", "target")
    assert sorted(targets) == [(q, planned_quarter(2023, q)[1]) for q in range(1, 5)]


def test_a_cancelled_class_counts_nowhere(center):
    kept = CourseFactory(center=center)
    CourseFactory(center=center, status=Course.Status.CANCELLED)
    assert list(Course.objects.counted()) == [kept]


def test_submitted_or_approved_counts_as_reported():
    assert set(REPORTED_STATUSES) == {CenterReport.Status.SUBMITTED, CenterReport.Status.APPROVED}


def test_a_unit_is_active_in_a_range_the_same_in_python_and_in_sql(center):
    center.active_from, center.active_to = datetime.date(2023, 3, 1), datetime.date(2023, 8, 31)
    center.save()
    for start, end in [
        ("2023-01-01", "2023-02-28"),
        ("2023-01-01", "2023-03-01"),
        ("2023-08-31", "2023-12-31"),
        ("2023-09-01", "2023-12-31"),
        ("2023-04-01", "2023-04-30"),
    ]:
        start, end = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        in_sql = Unit.objects.active_between(start, end).filter(pk=center.pk).exists()
        assert center.is_active_between(start, end) == in_sql, (start, end)


def test_a_quarter_deadline_is_the_boards_else_the_default(province, other_province):
    period = Period(2023, "Q", 1)
    Deadline.objects.create(province=province, year=2023, quarter=1, due_on=datetime.date(2023, 4, 10))
    due = deadlines(period)
    assert due[province.pk] == datetime.date(2023, 4, 10)
    assert due[other_province.pk] == datetime.date(2023, 4, 5)  # the quarter's end and five days
