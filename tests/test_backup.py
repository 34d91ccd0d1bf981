"""A backup restored into an emptied database gives the same rollups (on SQLite and on PostgreSQL)."""

import datetime

import pytest
from django.core.management import call_command

from centers.models import Unit
from centers.periods import Period
from courses.models import Course, Enrolment
from reports.figures import counting
from reports.figures.basis import Basis

from .factories import CourseFactory, EnrolmentFactory, approve, program


def figures(unit):
    rollup = counting.rollup(unit=unit, period=Period.parse("2023"), basis=Basis.APPROVED)
    return (
        rollup.total.classes,
        rollup.total.enrolments,
        rollup.total.learners,
        dict(rollup.total.results),
        {code: (line.classes, line.enrolments) for code, line in rollup.by_program.items()},
        {k: (v.classes, v.enrolments) for k, v in rollup.by_center.items()},
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dump_restore_into_an_empty_database_gives_identical_rollups(center, other_center, tmp_path):
    for i, code in enumerate(["KND", "DVM", "NQ"]):
        course = CourseFactory(
            center=center if i % 2 else other_center, program=program(code), start_date=datetime.date(2023, 1 + i, 3)
        )
        for result in ("gioi", "kha", ""):
            EnrolmentFactory(course=course, result=result)
    approve(center)
    approve(other_center)
    province = Unit.objects.get(pk=center.parent_id)
    before = figures(province)
    assert before[0] == 3

    path = tmp_path / "llct.backup"
    call_command("backup_db", "--output", str(path))
    assert path.stat().st_size > 0
    call_command("flush", "--noinput")
    assert Course.objects.count() == 0 and Enrolment.objects.count() == 0

    call_command("restore_db", str(path), "--yes")
    assert figures(Unit.objects.get(pk=province.pk)) == before
