"""The demo data reproduces the figures the seed articles published and is today's organisation (loads the whole
set once), applied from the shipped reorganisation plan."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, OuterRef, Q
from django.utils import timezone

from centers.models import ReorganisationPlan, ServedCommune, Unit
from centers.periods import Period
from centers.reorganisation.sheets import COLUMNS
from courses.models import (
    Certificate,
    CertificateRegister,
    CompletionDecision,
    Course,
    CourseLecturer,
    Enrolment,
    Learner,
)
from reports.demo.plan import PLAN_FILE, plan_rows, shipped_rows
from reports.demo.units import COMMUNE_CENTERS, MERGED_PROVINCES
from reports.figures import counting, reference
from reports.figures.basis import Basis
from reports.models import CenterReport, default_deadline

REFORM = datetime.date(2025, 7, 1)


def province_totals(code, key, basis=Basis.APPROVED):
    province = Unit.objects.get(code=code, kind=Unit.Kind.PROVINCE)
    return counting.rollup(unit=province, period=Period.parse(key), basis=basis, compare=False).total


def test_the_shipped_plan_holds_the_demo_reorganisation_in_the_agreed_format():
    """reports/demo/plan_2025.xlsx is the template filled from reports/demo/units.py (`seed_demo --write-plan`
    writes it again): the same rows, under the template's headings."""
    assert shipped_rows() == {
        sheet: [[str(value) for value in row] for row in rows] for sheet, rows in plan_rows().items()
    }
    from openpyxl import load_workbook

    book = load_workbook(PLAN_FILE, read_only=True)
    for sheet, columns in COLUMNS.items():
        assert next(book[sheet].iter_rows(max_row=1, values_only=True))[: len(columns)] == tuple(h for _, h in columns)
    rows = plan_rows()
    # Every board renamed on 1/3/2025, Yên Bái into Lào Cai, every district center closed on 1/7/2025.
    assert ["10", "", "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai", "01/03/2025"] in rows["Đổi tên"]
    assert ["31", "", "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng", "01/03/2025"] in rows["Đổi tên"]
    assert ["15", "Yên Bái", "10", "01/07/2025"] in rows["Sáp nhập tỉnh"]
    assert ["10", "080", "01/07/2025", "10", "02644"] in rows["Đóng đơn vị"]
    assert rows["Đơn vị mới"][6][:3] == ["31", "11383", "Trung tâm Chính trị phường Lê Chân"]
    assert all(3 <= len(centers) <= 6 for centers in COMMUNE_CENTERS.values())


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_data_gives_the_published_figures_and_loads_once():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for username in ("trungtam.laocai", "bantuyengiao.laocai", "trunguong", "trungtam.simacai", "quantri"):
        assert username in printed

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

    # The provinces with real codes and names: today's five, and the four merged into them on 1/7/2025.
    provinces = Unit.objects.provinces()
    assert set(provinces.values_list("code", flat=True)) == {"10", "20", "31", "42", "79", *MERGED_PROVINCES}
    assert set(provinces.filter(active_to__isnull=True).values_list("code", flat=True)) == {
        "10",
        "20",
        "31",
        "42",
        "79",
    }
    yen_bai = Unit.objects.get(code="15", kind=Unit.Kind.PROVINCE)
    assert yen_bai.active_to == datetime.date(2025, 6, 30) and yen_bai.merged_into.code == "10"
    assert Unit.objects.get(code="77", kind=Unit.Kind.PROVINCE).merged_into.code == "79"
    assert Unit.objects.get(parent__code="10", code="080").name == "Trung tâm chính trị thành phố Lào Cai"
    assert Unit.objects.get(parent__code="79", code="769").name == "Trung tâm chính trị thành phố Thủ Đức"

    # The boards renamed in 2025, the old name kept for the past.
    lao_cai = Unit.objects.get(code="10", kind=Unit.Kind.PROVINCE)
    assert lao_cai.name_on(datetime.date(2023, 6, 30)) == "Ban Tuyên giáo Tỉnh ủy Lào Cai"
    assert lao_cai.name_on(datetime.date(2026, 9, 30)) == "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai"
    assert Unit.objects.get(code="31", kind=Unit.Kind.PROVINCE).name == "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng"

    # Every district center closed on 30/6/2025; the commune-level centers from 1/7/2025, with their communes.
    assert not Unit.objects.district_centers().filter(active_to__isnull=True).exists()
    assert not Unit.objects.district_centers().exclude(active_to=datetime.date(2025, 6, 30)).exists()
    communes = Unit.objects.commune_centers()
    assert communes.count() == sum(len(centers) for centers in COMMUNE_CENTERS.values())
    assert not communes.exclude(active_from=REFORM).exists()
    le_chan = communes.get(parent__code="31", code="11383")
    assert le_chan.name == "Trung tâm Chính trị phường Lê Chân"
    assert le_chan.party_committee == "Đảng ủy phường Lê Chân"
    assert Unit.objects.get(parent__code="31", code="305").merged_into == le_chan
    for center in communes:
        assert 3 <= communes.filter(parent=center.parent).count() <= 6
        codes = list(center.served_communes.values_list("code", flat=True))
        assert center.code in codes and all(len(code) == 5 and code.isdigit() for code in codes)
    assert ServedCommune.objects.filter(active_from=REFORM).count() == ServedCommune.objects.count()

    # The reorganisation went in as users apply one: the shipped plan, kept with who applied it.
    plan = ReorganisationPlan.objects.get()
    assert plan.file_name == "plan_2025.xlsx" and plan.applied_by.username == "trunguong"
    assert bytes(plan.content) == PLAN_FILE.read_bytes()

    # Reports in every state since quý III/2025, some late; classes in the open quarter, quý IV/2026.
    since = CenterReport.objects.filter(center__in=communes)
    assert set(since.values_list("status", flat=True)) == {"approved", "submitted", "returned", "draft"}
    assert {(r.year, r.quarter) for r in since} == {(2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)}
    late = [r for r in since.exclude(submitted_at=None) if r.submitted_at.date() > default_deadline(r.period)]
    assert late and len(late) < since.count() / 3
    open_quarter = Period.parse("2026-Q4")
    in_q4 = Course.objects.filter(center__in=communes, start_date__range=(open_quarter.start, open_quarter.end))
    assert in_q4.filter(status=Course.Status.FINISHED).exists() and in_q4.filter(status=Course.Status.PLANNED).exists()
    assert province_totals("10", "2026-Q3", basis=Basis.ALL).classes > 0
    # Lào Cai's district center of thành phố Lào Cai left its quý II/2025 report submitted (open work).
    assert CenterReport.objects.get(center__parent__code="10", center__code="080", year=2025, quarter=2).status == (
        "submitted"
    )
    assert not CenterReport.objects.filter(year=2024).exclude(status="approved").exists()

    # Every finished class has results; cancelled classes exist and count nowhere.
    assert not Enrolment.objects.filter(course__status=Course.Status.FINISHED, result="").exists()
    assert Course.objects.filter(status=Course.Status.CANCELLED).exists()

    # Since 1/12/2025 (#23): the programs of the 2025 catalogue, scored classes, decisions and certificates.
    rules_2025 = datetime.date(2025, 12, 1)
    since_rules = Course.objects.filter(start_date__gte=rules_2025)
    assert since_rules.exists() and not since_rules.filter(program__valid_from__lt=rules_2025).exists()
    assert set(since_rules.values_list("program__group", flat=True)) == {1, 2, 3, 4, 5}
    assert not since_rules.filter(Q(periods=None) | Q(homeroom=None) | Q(academic_officer="")).exists()
    assert not Course.objects.filter(start_date__lt=rules_2025).exclude(periods=None).exists()
    homerooms = since_rules.exclude(
        homeroom__in=CourseLecturer.objects.filter(course=OuterRef("pk")).values("lecturer")
    )
    assert not homerooms.exists()  # the homeroom lecturer is one of the class's lecturers
    scored = Enrolment.objects.filter(course__in=since_rules, course__status=Course.Status.FINISHED)
    assert scored.filter(result="xuat_sac").exists() and scored.filter(retake_score__isnull=False).exists()
    for enrolment in scored.select_related("course").order_by("pk")[::97]:
        rules = enrolment.course.rules
        assert enrolment.result == rules.result(
            periods=enrolment.course.periods,
            attended=enrolment.periods_attended,
            score=enrolment.score,
            retake=enrolment.retake_score,
            dropped=enrolment.result == "bo_hoc",
        )
    under = scored.filter(periods_attended__lt=F("course__periods") * 0.8).exclude(result="bo_hoc")
    assert 0 < under.count() < scored.count() / 10 and not under.exclude(result="khong_dat").exists()
    assert scored.filter(score__lt=5, retake_score__isnull=False).exists()
    assert not Enrolment.objects.filter(course__start_date__lt=rules_2025).exclude(score=None).exists()
    roles = (
        scored.exclude(class_role="")
        .values("course")
        .annotate(
            monitors=Count("pk", filter=Q(class_role="lop_truong")),
            deputies=Count("pk", filter=Q(class_role="lop_pho")),
        )
    )
    assert roles and all(r["monitors"] == 1 and 1 <= r["deputies"] <= 2 for r in roles)
    finished = since_rules.filter(status=Course.Status.FINISHED)
    decided = CompletionDecision.objects.filter(course__in=finished)
    assert 0 < finished.exclude(completion_decision__in=decided).count() < finished.count() / 10  # a few waiting
    for decision in decided.order_by("pk")[::29]:
        assert decision.signed_on > decision.course.end_date and decision.number.endswith("/QĐ-TTCT")
        completing = set(decision.course.enrolments.filter(result__in=Enrolment.PASSING).values_list("pk", flat=True))
        assert set(decision.enrolments.values_list("pk", flat=True)) == completing
    certificates = Certificate.objects.select_related("decision", "register")
    assert not certificates.exclude(enrolment__result__in=Enrolment.PASSING).exists()
    late = [c for c in certificates if c.issued_on > c.decision.signed_on + datetime.timedelta(days=15)]
    assert 0 < len(late) < certificates.count() / 5
    for register in CertificateRegister.objects.all():
        numbers = sorted(register.certificates.values_list("number", flat=True))
        assert numbers == list(range(1, register.last_number + 1))
        assert not register.certificates.exclude(issued_on__year=register.year).exists()
    assert certificates.values("code").distinct().count() == certificates.count()
    from django.test import Client as Anonymous  # the public verification page finds a demo certificate by its code
    from django.urls import reverse

    shown = certificates.order_by("pk").last()
    verified = Anonymous().get(reverse("reports:verify_code", args=[shown.code]))
    assert verified.status_code == 200 and shown.full_name in verified.content.decode()
    assert Learner.objects.filter(group__in=["cong_chuc", "bao_cao_vien", "thon_to_dan_pho"]).exists()
    call_command("check_aggregates", stdout=io.StringIO())
    User = get_user_model()
    assert User.objects.get(username="trungtam.laocai").check_password("Llct@2026")
    # The demo board's staff manage the accounts of the board and its centers; every demo account has its unit's
    # assignment. The center's account moved with the plan to the commune-level center of phường Lào Cai; the
    # account of Si Ma Cai stays with its closed district center.
    board = User.objects.get(username="bantuyengiao.laocai")
    assert board.staff.manages_accounts and board.assignments.get().unit.code == "10"
    center_user = User.objects.get(username="trungtam.laocai")
    assert not center_user.staff.manages_accounts
    assert center_user.staff.unit.is_commune_center and center_user.staff.unit.parent == lao_cai
    assert [(a.unit.code, a.ended_on) for a in center_user.assignments.order_by("started_on")] == [
        ("080", datetime.date(2025, 6, 30)),
        ("02644", None),
    ]
    closed = User.objects.get(username="trungtam.simacai").staff.unit
    assert closed.code == "084" and closed.active_to == datetime.date(2025, 6, 30)
    assert User.objects.get(username="bantuyengiao.yenbai").staff.unit == lao_cai

    # Each demo user's home starts with what is due (#25): the center's returned reports with the board's comment,
    # the board's reports waiting for review and its overdue centers, central's provinces by reporting rate.
    from django.test import Client

    from centers.scoping import Scope
    from reports import inbox

    today = timezone.localdate()
    client = Client()
    client.force_login(center_user)
    home = client.get("/").content.decode()
    returned = CenterReport.objects.filter(center=center_user.staff.unit, status="returned")
    for report in returned:
        assert f"Báo cáo {report.period.label} bị trả lại" in home and report.return_comment.split("\n")[0] in home
    center_items = inbox.inbox(Scope.for_user(center_user), center_user, today)
    assert [i for i in center_items if i.urgency == inbox.RETURNED] == sorted(
        [i for i in center_items if i.urgency == inbox.RETURNED], key=lambda i: i.key
    )
    board_items = inbox.inbox(Scope.for_user(board), board, today)
    waiting = CenterReport.objects.filter(center__parent=lao_cai, status="submitted").count()
    assert sum(1 for i in board_items if i.urgency == inbox.REVIEW) == min(waiting, 20) > 0
    client.force_login(board)
    assert "Chờ duyệt:" in client.get("/").content.decode()
    central = User.objects.get(username="trunguong")
    rates = inbox.inbox(Scope.for_user(central), central, today)
    assert rates and all("trung tâm đã gửi báo cáo" in i.title for i in rates)

    # A second run keeps what is there.
    counts = (Course.objects.count(), Learner.objects.count(), Enrolment.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "đã có sẵn" in out.getvalue()
    assert (Course.objects.count(), Learner.objects.count(), Enrolment.objects.count()) == counts
