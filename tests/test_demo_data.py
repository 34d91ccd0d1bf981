"""The demo data reproduces the figures the seed articles published (loads the whole set once)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from centers.models import Unit
from centers.periods import Period
from courses.models import Course, Enrolment, Learner
from reports.figures import counting, reference
from reports.figures.basis import Basis

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def province_totals(code, key, basis=Basis.APPROVED):
    province = Unit.objects.get(code=code, kind=Unit.Kind.PROVINCE)
    return counting.rollup(unit=province, period=Period.parse(key), basis=basis, compare=False).total


def test_demo_data_gives_the_published_figures_and_loads_once():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "trungtam.laocai" in printed and "bantuyengiao.laocai" in printed and "trunguong" in printed

    # Seed 001: Lào Cai, quý I/2023: 40 classes, "gần 3.000 lượt học viên".
    q1 = province_totals("10", "2023-Q1")
    assert q1.classes == 40
    assert 2_900 <= q1.enrolments < 3_000
    lao_cai_q1 = reference.counted_courses(
        centers=Unit.objects.centers().filter(parent__code="10"),
        start=Period.parse("2023-Q1").start,
        end=Period.parse("2023-Q1").end,
    )
    own = {}
    for course in lao_cai_q1.filter(co_organised=False).select_related("program"):
        own[course.program.code] = own.get(course.program.code, 0) + 1
    assert own == {"KND": 8, "DVM": 7, "DT": 5, "CD": 5, "NVTG": 1, "CNKT": 3}
    assert lao_cai_q1.filter(co_organised=True).count() == 11

    # Seed 004: Hà Tĩnh 2023: 775 classes with 129.557 learners, 66 more classes than 2022.
    assert province_totals("42", "2023").classes == 775
    assert province_totals("42", "2023").enrolments == 129_557
    assert province_totals("42", "2022").classes == 709

    # The five provinces, with real codes and names.
    assert set(Unit.objects.provinces().values_list("code", flat=True)) == {"10", "20", "31", "42", "79"}
    assert Unit.objects.get(parent__code="10", code="080").name == "Trung tâm chính trị thành phố Lào Cai"
    assert Unit.objects.get(parent__code="79", code="769").name == "Trung tâm chính trị thành phố Thủ Đức"

    # Every finished class has results; cancelled classes exist and count nowhere.
    assert not Enrolment.objects.filter(course__status=Course.Status.FINISHED, result="").exists()
    assert Course.objects.filter(status=Course.Status.CANCELLED).exists()
    assert get_user_model().objects.get(username="trungtam.laocai").check_password("Llct@2026")
    # The demo board's staff manage the accounts of the board and its centers; every demo account has its unit's
    # assignment.
    board = get_user_model().objects.get(username="bantuyengiao.laocai")
    assert board.staff.manages_accounts and board.assignments.get().unit.code == "10"
    assert not get_user_model().objects.get(username="trungtam.laocai").staff.manages_accounts

    # A second run keeps what is there.
    counts = (Course.objects.count(), Learner.objects.count(), Enrolment.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "đã có sẵn" in out.getvalue()
    assert (Course.objects.count(), Learner.objects.count(), Enrolment.objects.count()) == counts
