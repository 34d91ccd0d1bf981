"""Quarterly reports: figures against hand-counted classes, their cost in queries, the approval trail and
who may walk it, the checks before submission, the lock an approval puts on a quarter, and completeness."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centers.models import Unit
from centers.periods import Period
from centers.scoping import Scope, unit_key
from courses import services as course_services
from courses.models import Course, Learner, Program
from reports import briefing
from reports.figures import cache, completeness, counting
from reports.figures.basis import Basis
from reports.forms import NarrativeForm
from reports.models import CenterReport, Deadline, PlanLine, Transition

from .factories import CenterFactory, CourseFactory, EnrolmentFactory, LearnerFactory, ReportFactory, approve, program
from .helpers import page_queries as count_queries

pytestmark = pytest.mark.django_db

Q1_2023 = Period.parse("2023-Q1")
TZ = timezone.get_current_timezone()


# -- helpers ------------------------------------------------------------------------------------------------
def day(text: str) -> datetime.date:
    """A date as the users write it: "31/03/2023"."""
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()


def klass(center, start, *results, code=None, prog="KND", co=False, status=Course.Status.FINISHED, learners=()):
    """A class starting on `start` ("dd/mm/yyyy") with the given learners, then one new learner per result."""
    start = day(start)
    fields = {"code": code} if code else {}
    course = CourseFactory(
        center=center,
        program=program(prog),
        start_date=start,
        end_date=start + datetime.timedelta(days=4),
        co_organised=co,
        status=status,
        **fields,
    )
    for learner, result in learners:
        EnrolmentFactory(course=course, learner=learner, result=result)
    for result in results:
        EnrolmentFactory(course=course, result=result)
    return course


def take_off(enrolment):
    """Take a learner off a roster: the enrolment is kept, marked removed (saved, as the services do)."""
    enrolment.removed_at = timezone.now()
    enrolment.save()


def totals(unit, key, basis=None, compare=False):
    figures = counting.rollup(unit=unit, period=Period.parse(key), basis=basis, compare=compare).total
    return figures.classes, figures.enrolments, figures.learners


def url(name, unit, period="2023-Q1"):
    return reverse(f"reports:{name}", args=[unit_key(unit), period])


def page(client, name, unit, period="2023-Q1"):
    return client.get(url(name, unit, period)).content.decode()


def report_of(center, year=2023, quarter=1):
    return CenterReport.objects.get(center=center, year=year, quarter=quarter)


def version_of(center, period="2023-Q1") -> int:
    """The version the report page's form sends back: the report's, or a new draft's 1."""
    quarter = Period.parse(period)
    report = CenterReport.objects.filter(center=center, year=quarter.year, quarter=quarter.index).first()
    return report.version if report else 1


def submitted(center, year=2023, quarter=1, at=None, by=None):
    at = at or timezone.now()
    return ReportFactory(
        center=center,
        year=year,
        quarter=quarter,
        status=CenterReport.Status.SUBMITTED,
        submitted_at=at,
        first_submitted_at=at,
        submitted_by=by,
    )


# == A. rollups against hand-counted classes ===============================================================
@pytest.fixture
def scene(center, other_center, far_center):
    """Hand-counted classes of 2023 (and 2022-Q1).

    Lào Cai city (center), 2023:
      Q1  K1 KND 10/01 own: An giỏi, Bình khá, Cường không đạt, Dũng giỏi (removed)
          K2 DVM 31/03 co-organised: An trung bình, Em (no result)
          K3 KND 15/02 cancelled: one learner, giỏi
      Q2  K4 KND 01/04 own: An giỏi, Giang bỏ học
      Q3  K5 CD 30/09 own: Hà khá
      Q4  K6 NQ 01/10 own: An giỏi
      → Q1: 2 classes, 5 enrolments, 4 learners · H1: 3, 7, 5 · 9M: 4, 8, 6 · year: 5, 9, 6
    Lào Cai city, 2022-Q1: 1 class, 2 enrolments.
    Bát Xát (other_center), 2023-Q1: 1 class, 3 enrolments (giỏi, giỏi, khá); 2022-Q1: 2 classes, 2 enrolments.
    Hà Tĩnh city (far_center), 2023-Q1: 1 class, 2 enrolments.
    """
    people = {name: LearnerFactory(center=center, full_name=name) for name in ("An", "Bình", "Cường", "Dũng", "Em")}
    people.update({name: LearnerFactory(center=center, full_name=name) for name in ("Giang", "Hà")})
    k1 = klass(
        center,
        "10/01/2023",
        code="K1",
        learners=[(people["An"], "gioi"), (people["Bình"], "kha"), (people["Cường"], "khong_dat")],
    )
    take_off(EnrolmentFactory(course=k1, learner=people["Dũng"], result="gioi"))
    klass(
        center,
        "31/03/2023",
        code="K2",
        prog="DVM",
        co=True,
        learners=[(people["An"], "trung_binh"), (people["Em"], "")],
    )
    klass(center, "15/02/2023", "gioi", code="K3", status=Course.Status.CANCELLED)
    klass(center, "01/04/2023", code="K4", learners=[(people["An"], "gioi"), (people["Giang"], "bo_hoc")])
    klass(center, "30/09/2023", code="K5", prog="CD", learners=[(people["Hà"], "kha")])
    klass(center, "01/10/2023", code="K6", prog="NQ", learners=[(people["An"], "gioi")])
    klass(center, "01/02/2022", "gioi", "kha", code="K-2022")
    klass(other_center, "01/02/2023", "gioi", "gioi", "kha", code="B1")
    klass(other_center, "01/02/2022", "kha", code="B-2022a")
    klass(other_center, "01/03/2022", "kha", code="B-2022b")
    klass(far_center, "01/03/2023", "gioi", "", code="H1", prog="DVM")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("2023-Q1", (2, 5, 4)),  # An counts once as a learner, twice as enrolments
        ("2023-Q2", (1, 2, 2)),  # K4 starts on 01/04: Q2, not Q1
        ("2023-H1", (3, 7, 5)),
        ("2023-H2", (2, 2, 2)),
        ("2023-9M", (4, 8, 6)),
        ("2023", (5, 9, 6)),
    ],
)
def test_center_figures_for_each_period_kind(scene, center, key, expected):
    assert totals(center, key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("2023-Q1", (3, 8, 7)), ("2023-H1", (4, 10, 8)), ("2023-9M", (5, 11, 9)), ("2023", (6, 12, 9))],
)
def test_province_figures_add_up_its_centers(scene, province, key, expected):
    assert totals(province, key, basis=Basis.ALL) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("2023-Q1", (4, 10, 9)), ("2023-H1", (5, 12, 10)), ("2023-9M", (6, 13, 11)), ("2023", (7, 14, 11))],
)
def test_national_figures_add_up_every_center(scene, central, key, expected):
    assert totals(central, key, basis=Basis.ALL) == expected


def test_the_nation_lists_provinces_with_their_year_earlier_figures(scene, central, province, other_province):
    rollup = counting.rollup(unit=central, period=Q1_2023, basis=Basis.ALL)
    rows = {p.code: (now.classes, now.enrolments, before.classes) for p, now, before in rollup.by_province()}
    assert rows == {"10": (3, 8, 3), "42": (1, 2, 0)}


def test_cancelled_classes_and_removed_enrolments_count_nowhere(scene, center):
    rollup = counting.rollup(unit=center, period=Q1_2023, compare=False)
    assert rollup.by_program["KND"].classes == 1  # K1 only: K3 was cancelled
    assert rollup.by_program["KND"].enrolments == 3  # Dũng was taken off K1's roster
    assert rollup.total.results["gioi"] == 1


def test_a_class_counts_in_the_quarter_its_start_date_falls_in(center):
    klass(center, "31/03/2023", "gioi")
    klass(center, "01/04/2023", "kha", "kha")
    assert totals(center, "2023-Q1") == (1, 1, 1)
    assert totals(center, "2023-Q2") == (1, 2, 2)


def test_figures_by_program_separate_own_and_co_organised_classes(scene, center):
    rollup = counting.rollup(unit=center, period=Q1_2023, compare=False)
    knd, dvm = rollup.by_program["KND"], rollup.by_program["DVM"]
    assert list(rollup.by_program) == ["KND", "DVM"]
    assert (knd.classes, knd.own_classes, knd.co_organised_classes, knd.enrolments) == (1, 1, 0, 3)
    assert (dvm.classes, dvm.own_classes, dvm.co_organised_classes, dvm.enrolments) == (1, 0, 1, 2)
    assert (rollup.total.co_organised_classes, rollup.total.co_organised_enrolments) == (1, 2)


def test_results_and_completion_rate(scene, center):
    q1 = counting.rollup(unit=center, period=Q1_2023, compare=False).total
    assert q1.results == {"xuat_sac": 0, "gioi": 1, "kha": 1, "trung_binh": 1, "khong_dat": 1, "bo_hoc": 0, "": 1}
    assert q1.finished_enrolments == 4  # Em has no result yet
    assert q1.completion_rate == pytest.approx(3 / 4)
    h1 = counting.rollup(unit=center, period=Period.parse("2023-H1"), compare=False).total
    assert (h1.passed, h1.finished_enrolments) == (4, 6)  # Giang dropped out: finished, not passed
    assert h1.completion_rate == pytest.approx(4 / 6)


def test_no_results_yet_means_no_completion_rate(center):
    klass(center, "10/01/2023", "", "")
    assert counting.rollup(unit=center, period=Q1_2023, compare=False).total.completion_rate is None


def plan(report, **classes):
    for code, n in classes.items():
        PlanLine.objects.create(report=report, program=program(code), planned_classes=n)


def test_the_plan_written_in_the_quarter_before_is_the_target(scene, center):
    plan(ReportFactory(center=center, year=2022, quarter=4), KND=2, DVM=2)
    plan(ReportFactory(center=center, year=2023, quarter=1), KND=3)
    q1 = counting.rollup(unit=center, period=Q1_2023, compare=False)
    assert q1.total.planned_classes == 4
    assert q1.total.plan_fulfilment == pytest.approx(2 / 4)
    assert (q1.by_program["KND"].planned_classes, q1.by_program["DVM"].planned_classes) == (2, 2)
    q2 = counting.rollup(unit=center, period=Period.parse("2023-Q2"), compare=False).total
    assert (q2.classes, q2.planned_classes, q2.plan_fulfilment) == (1, 3, pytest.approx(1 / 3))
    h1 = counting.rollup(unit=center, period=Period.parse("2023-H1"), compare=False).total
    assert (h1.classes, h1.planned_classes) == (3, 7)


@pytest.mark.parametrize("raw", [False, True])
def test_a_quarter_without_a_plan_is_left_out_of_the_fulfilment(scene, center, province, raw):
    """2023: Q1 had no plan (no report of 2022-Q4), Q2 and Q3 had one (2 and 1 classes). Q1's two classes must not
    count against Q2's and Q3's plans: 2 of 3 planned classes (K4, K5), not 4 of 3."""
    plan(ReportFactory(center=center, year=2023, quarter=1), KND=2)
    plan(ReportFactory(center=center, year=2023, quarter=2), CD=1)
    for unit in (center, province):
        year = counting.rollup(unit=unit, period=Period.parse("2023"), basis=Basis.ALL, compare=False, raw=raw)
        figures = year.by_center[center.pk]
        assert (figures.classes, figures.classes_in_planned_quarters, figures.planned_classes) == (5, 2, 3)
        assert figures.plan_fulfilment == pytest.approx(2 / 3)
    assert year.total.plan_fulfilment == pytest.approx(2 / 3)  # the other centers had no plan
    assert "Số lớp mở trong các quý có kế hoạch đạt 66,7% kế hoạch (2/3 lớp)." in briefing.generate(
        unit=province, period=Period.parse("2023"), basis=Basis.ALL
    )


def test_no_plan_means_no_fulfilment(scene, center):
    assert counting.rollup(unit=center, period=Q1_2023, compare=False).total.plan_fulfilment is None


def test_the_year_earlier_comparison(scene, center, other_center, province):
    rollup = counting.rollup(unit=center, period=Q1_2023)
    classes, enrolments = rollup.change("classes"), rollup.change("enrolments")
    assert (classes.current, classes.previous, classes.diff, classes.ratio, classes.word) == (2, 1, 1, 1.0, "tăng")
    assert (enrolments.diff, enrolments.ratio) == (3, 1.5)
    fewer = counting.rollup(unit=other_center, period=Q1_2023).change("classes")
    assert (fewer.diff, fewer.ratio, fewer.word) == (-1, -0.5, "giảm")
    whole = counting.rollup(unit=province, period=Q1_2023, basis=Basis.ALL)
    same = whole.change("classes")
    assert (same.current, same.previous, same.diff, same.ratio, same.word) == (3, 3, 0, 0.0, "bằng")
    assert whole.center_change(center.pk, "classes").diff == 1
    assert whole.center_change(other_center.pk, "classes").diff == -1


def test_a_center_that_did_not_exist_a_year_earlier_has_no_ratio(scene, province):
    new = CenterFactory(parent=province, code="089", active_from=datetime.date(2023, 1, 1))
    klass(new, "06/02/2023", "gioi")
    rollup = counting.rollup(unit=new, period=Q1_2023)
    # Founded after quý I/2022 began: no comparison at all ("chưa có số liệu cùng kỳ", #22), not a rise from zero.
    assert rollup.change("classes") is None and rollup.no_history
    assert (rollup.total.classes, rollup.previous.total.classes) == (1, 0)
    whole = counting.rollup(unit=province, period=Q1_2023, basis=Basis.ALL)
    assert whole.center_change(new.pk, "classes").ratio is None


def test_without_comparison_there_is_no_change(scene, center):
    assert counting.rollup(unit=center, period=Q1_2023, compare=False).change("classes") is None


def test_the_default_basis_is_everything_for_a_center_and_approved_data_above(center, province, central):
    assert counting.rollup(unit=center, period=Q1_2023).basis == Basis.ALL
    assert counting.rollup(unit=province, period=Q1_2023).basis == Basis.APPROVED
    assert counting.rollup(unit=central, period=Q1_2023).basis == Basis.APPROVED


def test_the_basis_switch(scene, center, other_center, far_center, province, central):
    """Lào Cai city approved, Bát Xát only submitted, Hà Tĩnh city still a draft."""
    approve(center, 2023, 1)
    submitted(other_center)
    ReportFactory(center=far_center)
    assert totals(province, "2023-Q1") == (2, 5, 4)  # the default: approved quarters only
    assert totals(province, "2023-Q1", Basis.APPROVED) == (2, 5, 4)
    assert totals(province, "2023-Q1", Basis.SUBMITTED) == (3, 8, 7)
    assert totals(province, "2023-Q1", Basis.ALL) == (3, 8, 7)
    assert totals(central, "2023-Q1", Basis.SUBMITTED) == (3, 8, 7)
    assert totals(central, "2023-Q1", Basis.ALL) == (4, 10, 9)  # the draft too
    assert totals(center, "2023-Q1") == (2, 5, 4)


def test_the_basis_admits_each_quarter_of_a_longer_period_on_its_own(scene, center, province):
    approve(center, 2023, 1)  # Q2 to Q4 of Lào Cai city are not approved
    assert totals(province, "2023") == (2, 5, 4)
    approve(center, 2023, 4)
    assert totals(province, "2023") == (3, 6, 4)
    assert totals(center, "2023") == (5, 9, 6)  # the center sees all it entered


def test_the_plan_follows_the_basis(scene, center, province):
    plan(ReportFactory(center=center, year=2022, quarter=4), KND=4)
    assert counting.rollup(unit=province, period=Q1_2023, compare=False).total.planned_classes == 0
    approve(center, 2023, 1)
    total = counting.rollup(unit=province, period=Q1_2023, compare=False).total
    assert (total.classes, total.planned_classes, total.plan_fulfilment) == (2, 4, 0.5)


def test_the_year_earlier_figures_follow_the_same_basis(scene, center, province):
    approve(center, 2023, 1)
    assert counting.rollup(unit=province, period=Q1_2023).change("classes").previous == 0
    approve(center, 2022, 1)
    change = counting.rollup(unit=province, period=Q1_2023).change("classes")
    assert (change.current, change.previous, change.ratio) == (2, 1, 1.0)


# == B. queries do not grow with the data ==================================================================
def grow(province, n=5):
    """More centers, classes, learners, reports and plans in a province (and its year-earlier quarter)."""
    for i in range(n):
        extra = CenterFactory(parent=province, code=f"{200 + i}")
        for start in ("06/02/2023", "07/02/2023", "06/02/2022"):
            klass(extra, start, "gioi", "kha", "", prog="DVM" if i % 2 else "KND", co=bool(i % 3 == 0))
        approve(extra, 2023, 1)
        approve(extra, 2022, 1)
        plan(ReportFactory(center=extra, year=2022, quarter=4), KND=1, CD=2)


def test_a_province_rollup_costs_the_same_queries_with_more_data(scene, center, province):
    approve(center, 2023, 1)
    approve(center, 2022, 1)  # (with nothing admitted at all, Django skips the query: fewer, not more)

    def queries():
        cache.clear()  # this process's values, kept unpickled too: each count starts from the same state
        with CaptureQueriesContext(connection) as ctx:
            counting.rollup(unit=province, period=Period.parse("2023-H1"))
        return len(ctx)

    small = queries()
    grow(province)
    assert counting.rollup(unit=province, period=Q1_2023).total.classes == 12
    assert queries() == small


def test_the_completeness_page_costs_the_same_queries_with_more_centers(login, board_user, scene, center, province):
    client = login(board_user)
    approve(center, 2023, 1)
    small = count_queries(client, url("report", province))
    grow(province)
    for i in range(3):
        submitted(CenterFactory(parent=province, code=f"{300 + i}"))
    assert count_queries(client, url("report", province)) == small


def test_a_center_report_page_costs_the_same_queries_with_more_data(login, center_user, board_user, center):
    klass(center, "06/02/2023", "gioi")
    ReportFactory(center=center)  # a draft saved once
    small_center = count_queries(login(center_user), url("report", center))
    report = report_of(center)
    Transition.objects.create(report=report, action="submit", from_status="draft", to_status="submitted")
    small_board = count_queries(login(board_user), url("report", center))
    for i in range(15):
        klass(center, "07/02/2023", "gioi", "kha", prog="DVM" if i % 2 else "KND", co=i % 3 == 0)
        klass(center, "07/02/2022", "gioi")
        Transition.objects.create(report=report, action="return", from_status="submitted", to_status="returned")
    plan(report, KND=3, DVM=2, CD=1)
    assert count_queries(login(board_user), url("report", center)) == small_board
    assert count_queries(login(center_user), url("report", center)) == small_center


def test_the_center_report_page_shows_the_counted_figures(login, center_user, scene, center):
    body = page(login(center_user), "report", center)
    assert 'data-figure="classes">2<' in body
    assert 'data-figure="enrolments">5<' in body
    assert 'data-figure="learners">4<' in body
    assert "▲ 1 (+100,0%)" in body  # 2 classes against 1 in 2022-Q1
    assert "75,0%" in body  # completion rate


def test_the_plan_saved_on_the_report_page_is_the_next_quarters_target(login, center_user, scene, center):
    fields = {f"plan_{program(code).pk}": n for code, n in (("KND", "2"), ("DVM", "1"), ("CD", ""))}
    login(center_user).post(url("save", center), {**fields, "version": version_of(center)})
    lines = PlanLine.objects.filter(report=report_of(center)).values_list("program__code", "planned_classes")
    assert sorted(lines) == [("DVM", 1), ("KND", 2)]
    q2 = counting.rollup(unit=center, period=Period.parse("2023-Q2"), compare=False)
    assert (q2.total.classes, q2.total.planned_classes, q2.total.plan_fulfilment) == (1, 3, pytest.approx(1 / 3))
    assert q2.by_program["KND"].planned_classes == 2
    body = page(login(center_user), "report", center, "2023-Q2")
    assert 'data-figure="plan-fulfilment">33,3%<' in body  # its own row, not under "Tăng/giảm"


def test_a_plan_lists_the_programs_in_force_in_the_next_quarter(login, center_user, center):
    """Quý III/2026 plans quý IV/2026: the programs of 1/12/2025, not the nine they replaced; a line the report
    already plans for a program no longer in force stays, until the center changes it."""
    report = ReportFactory(center=center, year=2026, quarter=3)
    planned = {p.code for p in NarrativeForm(instance=report).programs}
    assert len(planned) == 7 and "KND" not in planned
    assert planned == set(Program.objects.in_force_on(datetime.date(2026, 10, 1)).values_list("code", flat=True))
    PlanLine.objects.create(report=report, program=program("KND"), planned_classes=2)
    assert "KND" in {p.code for p in NarrativeForm(instance=report).programs}
    body = page(login(center_user), "report", center, "2026-Q3")
    assert "Bồi dưỡng đảng viên mới" in body and f'name="plan_{program("DVM").pk}"' not in body
    old = {p.code for p in NarrativeForm(instance=ReportFactory(center=center, year=2023, quarter=1)).programs}
    assert "KND" in old and "N1" not in old


def test_opening_a_quarters_report_writes_nothing_until_the_first_save(login, center_user, center, ready):
    client = login(center_user)
    body = page(client, "report", center, "2031-Q1")
    assert "Chưa lập" in body and "Lưu nháp" in body  # the form is there, the report is not
    page(client, "report", center)
    assert not CenterReport.objects.filter(center=center).exists()
    too_many = {f"plan_{program('KND').pk}": "-1", "achievements": "Mở đủ lớp.", "version": 1}
    response = client.post(url("save", center), too_many)
    assert response.status_code == 400
    assert "Số lớp dự kiến không được âm." in response.content.decode()
    assert not CenterReport.objects.filter(center=center).exists()  # refused input leaves no report behind
    response = client.post(url("save", center), {"achievements": "Mở đủ lớp.", "version": 1}, follow=True)
    assert "Đã lưu báo cáo." in response.content.decode()
    assert report_of(center).achievements == "Mở đủ lớp."


# == C. the approval trail and who may walk it ===============================================================
@pytest.fixture
def ready(center):
    """A finished class with every result recorded: nothing stands in the way of submission."""
    return klass(center, "06/02/2023", "gioi", "kha", code="LCI-01")


def submit(client, center, period="2023-Q1", **data):
    data = {"submit": "1", "version": version_of(center, period), **data}
    return client.post(url("save", center, period), data, follow=True)


def test_center_staff_submit_their_report(login, center_user, center, ready):
    response = submit(login(center_user), center, achievements="Mở đủ lớp theo kế hoạch.")
    assert response.status_code == 200
    assert "Đã gửi báo cáo quý I/2023 tới Ban Tuyên giáo Tỉnh ủy Lào Cai." in response.content.decode()
    report = report_of(center)
    assert report.status == CenterReport.Status.SUBMITTED
    assert report.achievements == "Mở đủ lớp theo kế hoạch."
    assert report.submitted_by == center_user
    assert report.first_submitted_at is not None
    transition = report.transitions.get()
    assert (transition.action, transition.from_status, transition.to_status) == ("submit", "draft", "submitted")
    assert transition.by == center_user


def test_saving_a_draft_does_not_submit(login, center_user, center, ready):
    response = login(center_user).post(
        url("save", center), {"shortcomings": "Thiếu giảng viên.", "version": 1}, follow=True
    )
    assert "Đã lưu báo cáo." in response.content.decode()
    report = report_of(center)
    assert (report.status, report.shortcomings) == (CenterReport.Status.DRAFT, "Thiếu giảng viên.")
    assert not report.transitions.exists()


@pytest.mark.parametrize(("user_fixture", "expected"), [("board_user", 403), ("other_center_user", 404)])
def test_only_the_centers_own_staff_save_and_submit(request, login, center, ready, user_fixture, expected):
    ReportFactory(center=center)
    client = login(request.getfixturevalue(user_fixture))
    response = client.post(url("save", center), {"submit": "1", "achievements": "Không phải của tôi."})
    assert response.status_code == expected
    report = report_of(center)
    assert (report.status, report.achievements) == (CenterReport.Status.DRAFT, "")


@pytest.fixture
def waiting(center, center_user, ready):
    """The center's 2023-Q1 report, submitted."""
    ReportFactory(center=center)
    report = report_of(center)
    Transition.objects.create(
        report=report, action="submit", from_status="draft", to_status="submitted", by=center_user
    )
    CenterReport.objects.filter(pk=report.pk).update(
        status="submitted", submitted_at=timezone.now(), first_submitted_at=timezone.now(), submitted_by=center_user
    )
    return report


def test_the_board_approves(login, board_user, center, waiting):
    response = login(board_user).post(url("approve", center), follow=True)
    assert f"Đã phê duyệt báo cáo của {center.name}." in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.approved_by) == (CenterReport.Status.APPROVED, board_user)
    assert waiting.approved_at is not None
    last = waiting.transitions.last()
    assert (last.action, last.from_status, last.to_status, last.by) == ("approve", "submitted", "approved", board_user)


def test_a_draft_cannot_be_approved(login, board_user, center, ready):
    ReportFactory(center=center)
    response = login(board_user).post(url("approve", center), follow=True)
    assert "Chỉ phê duyệt được báo cáo đã gửi" in response.content.decode()
    assert report_of(center).status == CenterReport.Status.DRAFT
    assert not Transition.objects.exists()


@pytest.mark.parametrize("action", ["approve", "return", "unlock"])
@pytest.mark.parametrize(
    ("user_fixture", "expected"), [("center_user", 403), ("other_board_user", 404), ("central_user", 403)]
)
def test_only_the_provinces_board_reviews(request, login, center, waiting, action, user_fixture, expected):
    client = login(request.getfixturevalue(user_fixture))
    response = client.post(url(action, center), {"comment": "Sửa lại.", "reason": "Sửa lại."})
    assert response.status_code == expected
    waiting.refresh_from_db()
    assert waiting.status == CenterReport.Status.SUBMITTED
    assert waiting.transitions.count() == 1


def test_returning_needs_a_comment(login, board_user, center, waiting):
    response = login(board_user).post(url("return", center), {"comment": "   "}, follow=True)
    assert "Ghi ý kiến để trung tâm biết cần sửa gì." in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.return_comment) == (CenterReport.Status.SUBMITTED, "")
    assert waiting.transitions.count() == 1


def test_a_returned_report_shows_the_comment_and_can_be_submitted_again(
    login, board_user, center_user, center, waiting
):
    comment = "Bổ sung kết quả lớp LCI-01 và phương hướng quý II."
    login(board_user).post(url("return", center), {"comment": comment})
    waiting.refresh_from_db()
    assert (waiting.status, waiting.return_comment) == (CenterReport.Status.RETURNED, comment)
    first_submitted = waiting.first_submitted_at

    client = login(center_user)
    body = page(client, "report", center)
    assert "Ý kiến của Ban Tuyên giáo và Dân vận tỉnh:" in body and comment in body
    assert "Lưu và gửi Ban Tuyên giáo và Dân vận tỉnh" in body  # the form is open again

    submit(client, center, next_tasks="Mở 3 lớp đảng viên mới.")
    waiting.refresh_from_db()
    assert waiting.status == CenterReport.Status.SUBMITTED
    assert waiting.first_submitted_at == first_submitted  # lateness is judged on the first submission
    trail = [(t.action, t.by, t.comment) for t in waiting.transitions.all()]
    assert trail == [("submit", center_user, ""), ("return", board_user, comment), ("submit", center_user, "")]


def test_a_submitted_report_cannot_be_changed_by_the_center(login, center_user, center, waiting):
    response = login(center_user).post(url("save", center), {"achievements": "Sửa sau khi gửi."})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.achievements) == (CenterReport.Status.SUBMITTED, "")


def test_the_refusal_to_change_a_submitted_report_is_explained(login, center_user, center, waiting):
    response = login(center_user).post(
        url("save", center), {"submit": "1", "achievements": "Gửi lần nữa."}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("report", center)
    assert "Báo cáo đang ở trạng thái “Đã gửi”, không sửa được; không có gì bị ghi." in response.content.decode()


def test_unlocking_needs_a_reason_and_reopens_the_report(login, board_user, center, waiting):
    client = login(board_user)
    client.post(url("approve", center))
    response = client.post(url("unlock", center), {"reason": ""}, follow=True)
    assert "Ghi lý do mở khóa." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == CenterReport.Status.APPROVED

    client.post(url("unlock", center), {"reason": "Trung tâm nhập thiếu lớp LCI-02."})
    waiting.refresh_from_db()
    assert (waiting.status, waiting.approved_by, waiting.approved_at) == (CenterReport.Status.RETURNED, None, None)
    last = waiting.transitions.last()
    assert (last.action, last.from_status, last.to_status) == ("unlock", "approved", "returned")
    assert (last.by, last.comment) == (board_user, "Trung tâm nhập thiếu lớp LCI-02.")


def test_the_trail_is_shown_on_the_report_page(login, board_user, center, waiting):
    client = login(board_user)
    client.post(url("return", center), {"comment": "Thiếu số liệu lớp phối hợp."})
    body = page(client, "report", center)
    assert "Lịch sử xử lý" in body
    assert "Trả lại" in body and "Thiếu số liệu lớp phối hợp." in body
    assert "Nguyễn Thị Hạnh" in body  # the board user, family name first


def test_a_report_page_is_for_a_quarter(login, center_user, center):
    assert login(center_user).get(url("report", center, "2023-H1")).status_code == 404


def test_review_actions_need_a_quarter(login, board_user, center, waiting):
    response = login(board_user).post(url("approve", center, "2023-H1"))
    waiting.refresh_from_db()
    assert waiting.status == CenterReport.Status.SUBMITTED
    assert response.status_code == 404


def test_saving_needs_a_quarter(login, center_user, center):
    response = login(center_user).post(url("save", center, "2023-H1"), {"submit": "1"})
    assert response.status_code in (400, 404)
    assert not CenterReport.objects.exists()


def approve_many(client, province, *reports):
    return client.post(url("approve_many", province), {"report": [r.pk for r in reports]}, follow=True)


def test_approving_several_submitted_reports_at_once(login, board_user, center, other_center, province):
    first, second = submitted(center), submitted(other_center)
    response = approve_many(login(board_user), province, first, second)
    assert "Đã phê duyệt 2 báo cáo." in response.content.decode()
    for report in (first, second):
        report.refresh_from_db()
        assert (report.status, report.approved_by) == (CenterReport.Status.APPROVED, board_user)
    assert Transition.objects.filter(action="approve", by=board_user).count() == 2


def test_approving_several_is_all_or_nothing(login, board_user, center, other_center, province):
    good, draft = submitted(center), ReportFactory(center=other_center)
    response = approve_many(login(board_user), province, good, draft)
    assert "Không có báo cáo nào được phê duyệt." in response.content.decode()
    good.refresh_from_db()
    assert good.status == CenterReport.Status.SUBMITTED
    assert not Transition.objects.exists()


def test_approving_several_refuses_reports_of_another_province(login, board_user, center, far_center, province):
    own, foreign = submitted(center), submitted(far_center)
    response = approve_many(login(board_user), province, own, foreign)
    assert response.status_code == 404
    for report in (own, foreign):
        report.refresh_from_db()
        assert report.status == CenterReport.Status.SUBMITTED


def test_approving_several_is_for_the_provinces_board_only(login, other_board_user, center_user, center, province):
    report = submitted(center)
    assert approve_many(login(other_board_user), province, report).status_code == 404
    assert login(center_user).post(url("approve_many", province), {"report": [report.pk]}).status_code == 404
    report.refresh_from_db()
    assert report.status == CenterReport.Status.SUBMITTED


# == D. checks before submission ===========================================================================
def test_a_finished_class_without_learners_blocks_submission(login, center_user, center):
    klass(center, "06/02/2023", code="LCI-RONG", status=Course.Status.RUNNING)  # ended 10/02/2023
    response = submit(login(center_user), center)
    assert response.status_code == 400
    assert "Lớp LCI-RONG đã kết thúc nhưng chưa có học viên nào." in response.content.decode()
    assert report_of(center).status == CenterReport.Status.DRAFT
    assert not Transition.objects.exists()


def test_a_finished_class_with_missing_results_blocks_submission(login, center_user, center):
    klass(center, "06/02/2023", "gioi", "", "", code="LCI-THIEU")
    response = submit(login(center_user), center)
    assert response.status_code == 400
    assert "Lớp LCI-THIEU đã kết thúc nhưng còn 2 học viên chưa có kết quả." in response.content.decode()
    assert report_of(center).status == CenterReport.Status.DRAFT


def test_the_report_page_lists_what_blocks_submission(login, center_user, center):
    klass(center, "06/02/2023", code="LCI-RONG")
    body = page(login(center_user), "report", center)
    assert "Chưa gửi được báo cáo:" in body
    assert "Lớp LCI-RONG đã kết thúc nhưng chưa có học viên nào." in body


def test_cancelled_classes_removed_learners_and_unfinished_classes_do_not_block(login, center_user, center):
    klass(center, "06/02/2023", code="LCI-HUY", status=Course.Status.CANCELLED)
    course = klass(center, "07/02/2023", "gioi", "", code="LCI-RUT")
    take_off(course.enrolments.get(result=""))
    klass(center, "06/01/2099", code="LCI-SAU", status=Course.Status.PLANNED)
    client = login(center_user)
    submit(client, center)
    assert report_of(center).status == CenterReport.Status.SUBMITTED
    submit(client, center, "2099-Q1")  # the class has not ended yet
    assert report_of(center, 2099, 1).status == CenterReport.Status.SUBMITTED


def test_a_big_rise_on_last_year_warns_but_does_not_block(login, center_user, center):
    klass(center, "06/02/2022", "gioi")
    for _ in range(3):
        klass(center, "06/02/2023", "gioi")
    response = submit(login(center_user), center)
    body = response.content.decode()
    assert "Số lớp (3) chênh lệch lớn so với cùng kỳ năm 2022 (1); đề nghị kiểm tra lại." in body
    assert report_of(center).status == CenterReport.Status.SUBMITTED


def test_a_big_fall_on_last_year_warns_but_does_not_block(login, center_user, center):
    for _ in range(5):
        klass(center, "06/02/2022", "gioi")
    for _ in range(2):
        klass(center, "06/02/2023", "gioi", "kha")
    client = login(center_user)
    assert "Lưu ý (vẫn gửi được):" in page(client, "report", center)
    body = submit(client, center).content.decode()
    assert "Số lớp (2) chênh lệch lớn so với cùng kỳ năm 2022 (5)" in body
    assert "Số lượt học viên" not in body  # 4 enrolments against 5: within range
    assert report_of(center).status == CenterReport.Status.SUBMITTED


def test_submitting_before_the_quarter_ends_or_with_nothing_written_warns_but_does_not_block(
    login, center_user, center
):
    client = login(center_user)
    current = Period.quarter_of(timezone.localdate())
    body = submit(client, center, current.key).content.decode()
    assert f"{current.sentence_label} chưa kết thúc (đến hết ngày {current.end:%d/%m/%Y})." in body
    assert "Phần nhận định của trung tâm còn trống." in body
    assert report_of(center, current.year, current.index).status == CenterReport.Status.SUBMITTED
    body = submit(client, center, achievements="Hoàn thành kế hoạch.").content.decode()  # 2023-Q1: long over
    assert "chưa kết thúc" not in body and "còn trống" not in body


def test_exactly_double_is_not_flagged(login, center_user, center):
    klass(center, "06/02/2022", "gioi")
    klass(center, "06/02/2023", "gioi")
    klass(center, "07/02/2023", "gioi")
    body = submit(login(center_user), center).content.decode()
    assert "chênh lệch lớn" not in body
    assert report_of(center).status == CenterReport.Status.SUBMITTED


# == E. an approved quarter locks the center's classes ======================================================
@pytest.fixture
def approved_q1(login, board_user, center, waiting):
    """The center's 2023-Q1 report, approved by the board through the page."""
    board_user.first_name, board_user.last_name = "Hùng", "Trần Văn"
    board_user.save()
    login(board_user).post(url("approve", center))
    waiting.refresh_from_db()
    assert waiting.status == CenterReport.Status.APPROVED
    return waiting


def test_the_report_history_says_when_in_local_time_and_who_by_name(login, board_user, center, approved_q1):
    """Moments read as every page writes them (Asia/Ho_Chi_Minh, HH:MM dd/mm/yyyy), people by their names."""
    page = login(board_user).get(url("history", center)).content.decode()
    at = timezone.localtime(approved_q1.approved_at).strftime("%H:%M %d/%m/%Y")
    assert f"— → {at}" in page
    assert "— → Trần Văn Hùng" in page
    assert f"— → {board_user.username}" not in page
    assert "Báo cáo quý I/2023 – " in page  # periods named as every page names them, not "quý 1/2023"


def assert_locked(error: pytest.ExceptionInfo):
    """Refused with the reason: which quarter, approved when and by whom (family name first)."""
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert error.value.messages[0].startswith(f"Quý I/2023 đã được phê duyệt ngày {today} bởi Trần Văn Hùng.")


def test_an_approved_quarter_refuses_every_change_to_its_classes(center_user, board_user, center, ready, approved_q1):
    scope = Scope.for_user(center_user)
    newcomer = LearnerFactory(center=center)
    attempts = [
        lambda: course_services.course_update(scope=scope, course=ready, version=ready.version, title="Tên mới"),
        lambda: course_services.course_cancel(scope=scope, course=ready, version=ready.version, reason="Nhập nhầm"),
        lambda: course_services.enrolment_add(scope=scope, course=ready, learner=newcomer),
        lambda: course_services.results_record(
            scope=scope,
            course=ready,
            entries=[
                course_services.ResultEntry(e.pk, "trung_binh", version=e.version) for e in ready.enrolments.all()
            ],
        ),
        lambda: course_services.enrolment_remove(scope=scope, enrolment=ready.enrolments.first()),
        lambda: course_services.course_create(
            scope=scope,
            center=center,
            program=program("KND"),
            code="LCI-MOI",
            title="Lớp mới",
            start_date=day("20/03/2023"),
            end_date=day("24/03/2023"),
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert_locked(error)
    title = ready.title
    ready.refresh_from_db()
    assert (ready.title, ready.status, ready.version) == (title, Course.Status.FINISHED, 1)
    assert sorted(ready.enrolments.filter(removed_at__isnull=True).values_list("result", flat=True)) == ["gioi", "kha"]
    assert not Course.objects.filter(code="LCI-MOI").exists()


def test_the_lock_is_shown_and_a_new_learner_is_not_written(login, center_user, board_user, center, ready, approved_q1):
    board_page = page(login(board_user), "report", center)
    assert "muốn cho trung tâm sửa, dùng nút “Mở khóa để trung tâm sửa” ở cuối trang." in board_page
    assert "đề nghị Ban Tuyên giáo và Dân vận tỉnh mở khóa" not in board_page  # the board is not told to ask itself
    client = login(center_user)
    assert "đề nghị Ban Tuyên giáo và Dân vận tỉnh mở khóa" in page(client, "report", center)
    assert "Quý I/2023 đã được phê duyệt ngày" in page(client, "report", center)
    cancel = client.get(reverse("courses:course_cancel", args=[ready.pk])).content.decode()
    assert "Quý I/2023 đã được phê duyệt ngày" in cancel  # said before the user writes a reason, not after
    assert f"<title>Hủy lớp {ready.code}" in cancel
    newcomer = {
        "hv-full_name": "Lò Thị Mai",
        "hv-date_of_birth": "1995-05-12",
        "hv-gender": "nu",
        "hv-ethnicity": "Giáy",
        "hv-party_status": "quan_chung",
        "hv-group": "nhan_dan",
    }
    response = client.post(reverse("courses:course_add_learner", args=[ready.pk]), newcomer)
    assert "Quý I/2023 đã được phê duyệt ngày" in response.content.decode()
    assert "Trần Văn Hùng" in response.content.decode()
    assert not Learner.objects.filter(full_name="Lò Thị Mai").exists()


def test_moving_a_class_into_an_approved_quarter_is_refused(center_user, board_user, center, approved_q1):
    later = klass(center, "06/05/2023", "gioi")
    with pytest.raises(ValidationError) as error:
        course_services.course_update(
            scope=Scope.for_user(center_user), course=later, version=later.version, start_date=day("06/03/2023")
        )
    assert_locked(error)


def test_classes_of_other_quarters_and_other_centers_stay_editable(
    center_user, other_center_user, center, other_center, approved_q1
):
    scope = Scope.for_user(center_user)
    april = klass(center, "03/04/2023", "", code="LCI-Q2")
    last_year = klass(center, "06/02/2022", "", code="LCI-2022")
    neighbour = klass(other_center, "06/02/2023", code="BX-01")
    course_services.course_update(scope=scope, course=april, version=april.version, title="Đã sửa")
    enrolment = last_year.enrolments.get()
    course_services.results_record(
        scope=scope,
        course=last_year,
        entries=[course_services.ResultEntry(enrolment.pk, "kha", version=enrolment.version)],
    )
    course_services.course_update(
        scope=Scope.for_user(other_center_user), course=neighbour, version=neighbour.version, title="Bát Xát sửa"
    )
    april.refresh_from_db()
    neighbour.refresh_from_db()
    assert (april.title, neighbour.title) == ("Đã sửa", "Bát Xát sửa")
    assert last_year.enrolments.get().result == "kha"


def test_after_unlocking_the_classes_can_be_edited_again(login, board_user, center_user, center, ready, approved_q1):
    login(board_user).post(url("unlock", center), {"reason": "Trung tâm cần bổ sung học viên."})
    scope = Scope.for_user(center_user)
    course_services.course_update(scope=scope, course=ready, version=ready.version, title="Đã sửa sau mở khóa")
    course_services.enrolment_add(scope=scope, course=ready, learner=LearnerFactory(center=center))
    ready.refresh_from_db()
    assert ready.title == "Đã sửa sau mở khóa"
    assert ready.enrolments.count() == 3
    assert "đã được phê duyệt" not in page(login(center_user), "report", center)


# == F. completeness ===========================================================================================
def at(text: str) -> datetime.datetime:
    """A moment in Vietnam time: "05/04/2023 23:30"."""
    return datetime.datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=TZ)


@pytest.fixture
def season(province, center, other_center):
    """Five active centers of Lào Cai in 2023-Q1, one of each status, and one retired in 2022."""
    more = {code: CenterFactory(parent=province, code=code) for code in ("083", "084", "085")}
    approve(center, 2023, 1)
    CenterReport.objects.filter(center=center).update(first_submitted_at=at("03/04/2023 09:00"))
    submitted(other_center, at=at("06/04/2023 00:10"))  # ten minutes past the default deadline
    ReportFactory(center=more["083"])
    ReportFactory(center=more["084"], status=CenterReport.Status.RETURNED, first_submitted_at=at("05/04/2023 23:30"))
    retired = CenterFactory(
        parent=province, code="086", area_name="huyện Đã Giải Thể", active_to=datetime.date(2022, 12, 31)
    )
    return {"retired": retired, **more}


def test_completeness_statuses_and_rate(season, province, center, other_center):
    table = completeness.completeness(province=province, period=Q1_2023)
    statuses = {row.center.code: row.status for row in table.rows}
    assert statuses == {
        "080": "approved",
        "082": "submitted",
        "083": "draft",
        "084": "returned",
        "085": "not_started",
    }  # the center retired in 2022 is not expected and has nothing to show
    assert (table.expected, table.reported, table.approved) == (5, 2, 1)
    assert table.rate == pytest.approx(0.4)
    assert [table.count(s) for s in ("not_started", "draft", "submitted", "returned", "approved")] == [1, 1, 1, 1, 1]
    labels = {row.center.code: row.status_label for row in table.rows}
    assert (labels["085"], labels["083"], labels["080"]) == ("Chưa lập", "Đang soạn", "Đã phê duyệt")


def test_on_time_against_the_default_deadline(season, province):
    table = completeness.completeness(province=province, period=Q1_2023)
    assert table.deadline == datetime.date(2023, 4, 5)
    on_time = {row.center.code: row.on_time for row in table.rows}
    assert on_time == {"080": True, "082": False, "083": None, "084": True, "085": None}
    assert table.late == 1


def test_the_completeness_page(login, board_user, season, province):
    body = page(login(board_user), "report", province)
    assert 'data-figure="rate">40,0%<' in body
    assert "2/5 trung tâm đã gửi hoặc được duyệt" in body
    assert 'data-figure="late">1<' in body
    assert "05/04/2023" in body
    assert season["retired"].name not in body


def test_a_report_numbered_in_the_millions_is_chosen_by_its_plain_number(login, board_user, province, center):
    from .factories import ReportFactory

    ReportFactory(id=3_456_789, center=center, status="submitted", submitted_at=timezone.now())
    body = page(login(board_user), "report", province)
    assert 'name="report" value="3456789"' in body  # not "3.456.789", which the approval form would refuse


def test_a_deadline_set_by_the_board(login, board_user, season, province):
    response = login(board_user).post(url("deadline", province), {"due_on": "10/04/2023"}, follow=True)
    assert "Đã đặt hạn nộp báo cáo quý I/2023." in response.content.decode()
    deadline = Deadline.objects.get(province=province, year=2023, quarter=1)
    assert (deadline.due_on, deadline.set_by) == (datetime.date(2023, 4, 10), board_user)
    table = completeness.completeness(province=province, period=Q1_2023)
    assert table.deadline == datetime.date(2023, 4, 10)
    assert table.late == 0
    assert "10/04/2023" in response.content.decode()

    login(board_user).post(url("deadline", province), {"due_on": "02/04/2023"})
    table = completeness.completeness(province=province, period=Q1_2023)
    assert {row.center.code: row.on_time for row in table.rows if row.on_time is not None} == {
        "080": False,
        "082": False,
        "084": False,
    }


def test_a_deadline_is_refused_when_badly_written_or_before_the_quarter(login, board_user, province):
    client = login(board_user)
    body = client.post(url("deadline", province), {"due_on": "2023/04/10"}, follow=True).content.decode()
    assert "Hạn nộp không hợp lệ; ghi theo dạng dd/mm/yyyy." in body
    body = client.post(url("deadline", province), {"due_on": "15/12/2022"}, follow=True).content.decode()
    assert "Hạn nộp không được trước ngày đầu quý." in body
    assert not Deadline.objects.exists()


@pytest.mark.parametrize(
    ("user_fixture", "expected"), [("center_user", 404), ("other_board_user", 404), ("central_user", 403)]
)
def test_only_the_provinces_board_sets_its_deadline(request, login, province, center, user_fixture, expected):
    client = login(request.getfixturevalue(user_fixture))
    assert client.post(url("deadline", province), {"due_on": "10/04/2023"}).status_code == expected
    assert not Deadline.objects.exists()


def test_a_center_retired_before_the_quarter_is_not_expected_so_the_rate_stays_within_100(
    province, center, other_center
):
    retired = CenterFactory(parent=province, code="086", active_to=datetime.date(2022, 12, 31))
    approve(retired, 2023, 1)  # a stray report of a center that no longer existed
    submitted(center)
    submitted(other_center)
    table = completeness.completeness(province=province, period=Q1_2023)
    assert (table.expected, table.reported, table.rate) == (2, 2, 1.0)
    stray = next(row for row in table.rows if row.center == retired)
    assert not stray.expected and not stray.counts
    [lao_cai] = [row for row in completeness.national_completeness(period=Q1_2023) if row.province == province]
    assert (lao_cai.expected, lao_cai.reported, lao_cai.approved, lao_cai.rate) == (2, 2, 0, 1.0)


def test_a_center_retired_during_the_quarter_is_still_expected(province, center):
    CenterFactory(parent=province, code="087", active_to=datetime.date(2023, 2, 15))
    submitted(center)
    table = completeness.completeness(province=province, period=Q1_2023)
    assert (table.expected, table.reported) == (2, 1)


def test_national_completeness_per_province(season, province, other_province, far_center, login, central_user):
    approve(far_center, 2023, 1)
    rows = {row.province.code: row for row in completeness.national_completeness(period=Q1_2023)}
    assert (rows["10"].expected, rows["10"].reported, rows["10"].approved) == (5, 2, 1)
    assert rows["10"].rate == pytest.approx(0.4)
    assert (rows["42"].expected, rows["42"].reported, rows["42"].approved, rows["42"].rate) == (1, 1, 1, 1.0)
    body = page(login(central_user), "report", Unit.objects.get(code="VN", parent=None))
    assert "40,0%" in body and "100,0%" in body
    total = re.search(r"<tr[^>]*data-total>(.*?)</tr>", body, re.S).group(1)  # the country under the provinces
    assert re.findall(r'class="num">([^<]*)<', total) == [
        str(sum(r.expected for r in rows.values())),
        str(sum(r.reported for r in rows.values())),
        str(sum(r.approved for r in rows.values())),
        "50,0%",
    ]
