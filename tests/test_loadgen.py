import io

import pytest
from django.core.management import call_command

from centers.models import Unit
from courses.models import Course, Enrolment
from reports import selectors
from reports.models import CenterReport
from reports.periods import Period

pytestmark = pytest.mark.django_db


def test_generate_load_fills_every_table_in_proportion_and_keeps_aggregates_exact():
    out = io.StringIO()
    call_command(
        "generate_load",
        "--provinces",
        "2",
        "--centers-per-province",
        "2",
        "--years",
        "2",
        "--first-year",
        "2022",
        "--classes-per-center-year",
        "8",
        "--class-size",
        "40",
        stdout=out,
    )
    assert "[2/2]" in out.getvalue() and "Xong trong" in out.getvalue()
    assert Unit.objects.centers().filter(parent__name__contains="Thử nghiệm").count() == 4
    assert Course.objects.count() == 2 * 2 * 2 * 8
    assert Enrolment.objects.count() > 1000
    assert set(CenterReport.objects.values_list("status", flat=True)) <= {"approved", "submitted", "returned", "draft"}
    call_command("check_aggregates", stdout=io.StringIO())
    central = Unit.objects.get(kind=Unit.Kind.CENTRAL)
    fast = selectors.rollup(unit=central, period=Period.parse("2023"), basis="all")
    raw = selectors.rollup(unit=central, period=Period.parse("2023"), basis="all", raw=True)
    assert fast.total == raw.total and fast.total.classes == 2 * 2 * 8
