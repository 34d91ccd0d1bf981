"""Issue 23, the reports: what classes under the 2025 rules add to the figures (learners eligible for a certificate,
certificates issued, late and past due, attendance, the grades with xuất sắc), maintained exactly and checked by
check_aggregates; the briefing in the users' words, never mixing the two scales; programs compared across the
catalogue change through the mapping; the small-class warning in the report's checks."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from centers.periods import Period
from centers.scoping import unit_key
from courses.models import (
    Certificate,
    CertificateRegister,
    CompletionDecision,
    Course,
    Enrolment,
    Learner,
    ProgramMapping,
)
from reports import briefing, services
from reports.figures import counting, programs
from reports.models import QuarterAggregate

from .factories import CourseFactory, ReportFactory, approve, program
from .helpers import committed, file_of, same_as_raw

pytestmark = pytest.mark.django_db

Q1_2026 = Period.parse("2026-Q1")
_codes = itertools.count(1)


def exact():
    call_command("check_aggregates", stdout=io.StringIO())


def scored_class(center, *, start=datetime.date(2026, 2, 2), prog="N2", periods=40, code=None):
    return CourseFactory(
        center=center,
        program=program(prog),
        code=code or f"QC{next(_codes):03d}",
        start_date=start,
        end_date=start + datetime.timedelta(days=8),
        periods=periods,
        status=Course.Status.FINISHED,
    )


def enrol(course, result, *, attended=None, score=None):
    """A learner and their enrolment, saved one by one (each save keeps the figures exact, reports/signals.py)."""
    learner = Learner.objects.create(
        center=course.center, full_name=f"Học viên {next(_codes)}", gender="nu", date_of_birth=datetime.date(1990, 1, 1)
    )
    return Enrolment.objects.create(
        course=course,
        learner=learner,
        result=result,
        periods_attended=attended,
        score=Decimal(score) if score is not None else None,
    )


# (result, periods attended of 40, score): 6 complete, 1 below the attendance needed (32 of 40) fails.
ROSTER = [
    ("xuat_sac", 40, "9.5"),
    ("gioi", 38, "8.0"),
    ("kha", 36, "7.0"),
    ("kha", 40, "7.5"),
    ("trung_binh", 32, "6.0"),
    ("khong_dat", 30, None),
    ("trung_binh", 35, "5.0"),
]
SIGNED = datetime.date(2026, 2, 20)  # due: 15 days later, 07/03/2026


def issue(enrolment, decision, day):
    register, _ = CertificateRegister.objects.get_or_create(center=enrolment.course.center, year=day.year)
    register.last_number += 1
    register.save()
    return Certificate.objects.create(
        register=register,
        number=register.last_number,
        enrolment=enrolment,
        decision=decision,
        issued_on=day,
        code=f"GCN{next(_codes):05d}",
        full_name=enrolment.learner.full_name,
        grade=enrolment.result,
    )


@pytest.fixture
def scene(center):
    """Quý I/2026: one class under the 2025 rules, its decision, two certificates (one late); quý I/2025: two classes
    of the earlier "DVM" program, which N2 continues."""
    course = scored_class(center, code="N2-01")
    enrolments = [enrol(course, result, attended=a, score=s) for result, a, s in ROSTER]
    decision = CompletionDecision.objects.create(
        course=course, number="12/QĐ-TTCT", signed_on=SIGNED, signer="Giám đốc"
    )
    decision.enrolments.set([e for e in enrolments if e.result in Enrolment.PASSING])
    issue(enrolments[0], decision, datetime.date(2026, 3, 1))  # on time
    issue(enrolments[1], decision, datetime.date(2026, 3, 10))  # after 07/03/2026: late
    for _ in range(2):
        CourseFactory(
            center=center,
            program=program("DVM"),
            start_date=datetime.date(2025, 2, 5),
            end_date=datetime.date(2025, 2, 9),
        )
    return course, enrolments, decision


def total(unit, key="2026-Q1"):
    return counting.rollup(unit=unit, period=Period.parse(key), basis="all", compare=False).total


def test_the_figures_of_a_scored_class_as_numbers(scene, center, province):
    figures = total(center)
    assert (figures.classes, figures.enrolments, figures.scored_classes, figures.scored_enrolments) == (1, 7, 1, 7)
    assert figures.results["xuat_sac"] == figures.scored_results["xuat_sac"] == 1
    assert (figures.eligible, figures.scored_finished) == (6, 7)
    assert figures.eligible_rate == pytest.approx(6 / 7)
    assert figures.good_or_better_rate == pytest.approx(4 / 7)  # xuất sắc, giỏi, khá, khá
    assert (figures.certificates_issued, figures.certificates_late, figures.certificates_pending) == (2, 1, 4)
    assert figures.certificates_awaiting == {"2026-03-07": 4}  # covered by the decision, due 15 days after it
    assert figures.certificates_past_due(datetime.date(2026, 3, 7)) == 0  # the last day is not past
    assert figures.certificates_past_due(datetime.date(2026, 3, 8)) == 4
    assert (figures.attendance_recorded, figures.periods_attended, figures.periods_expected) == (7, 251, 280)
    assert figures.attendance_rate == pytest.approx(251 / 280)
    assert figures.below_attendance == 1
    # The province and a year's rollup say the same (province figures counted in the same transaction).
    year = total(province, "2026")
    assert (year.eligible, year.certificates_issued, year.certificates_late, year.below_attendance) == (6, 2, 1, 1)
    same_as_raw(center, "2026-Q1")
    same_as_raw(province, "2026")
    approve(center, 2026, 1)
    same_as_raw(province, "2026", basis="approved")
    assert counting.rollup(unit=province, period=Q1_2026).total.certificates_issued == 2
    # Classes before the rules count none of it.
    old = total(center, "2025-Q1")
    assert (old.scored_classes, old.eligible, old.certificates_issued, old.attendance_rate) == (0, 0, 0, None)


def test_every_write_keeps_the_new_figures_exact_and_check_aggregates_finds_a_wrong_one(scene, center):
    course, enrolments, decision = scene
    exact()
    # A certificate issued late, one revoked, the decision's day moved, a learner's attendance corrected.
    late = issue(enrolments[2], decision, datetime.date(2026, 4, 1))
    exact()
    assert (total(center).certificates_issued, total(center).certificates_late) == (3, 2)
    late.revoked_at, late.revoke_reason = timezone.now(), "In nhầm"
    late.save()
    exact()
    assert total(center).certificates_issued == 2
    decision.signed_on = datetime.date(2026, 3, 1)  # due 16/03/2026: the certificate of 10/03 is on time
    decision.save()
    exact()
    assert total(center).certificates_late == 0
    assert total(center).certificates_awaiting == {"2026-03-16": 3}
    decision.enrolments.remove(enrolments[6])
    exact()
    assert total(center).certificates_awaiting == {"2026-03-16": 2}
    below = enrolments[5]
    below.periods_attended = 33
    below.save()
    exact()
    assert total(center).below_attendance == 0
    same_as_raw(center, "2026-Q1")

    QuarterAggregate.objects.filter(center=center, year=2026).update(certificates_issued=9)
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_aggregates", stdout=out)
    assert error.value.returncode == 1
    assert "tổng hợp quý" in out.getvalue()
    call_command("check_aggregates", "--rebuild", stdout=io.StringIO())
    exact()
    QuarterAggregate.objects.filter(center=center, year=2026).update(certificates_awaiting={"2026-03-16": 5})
    with pytest.raises(CommandError):
        call_command("check_aggregates", stdout=io.StringIO())


def test_the_briefing_says_it_as_the_users_do(scene, center):
    text = briefing.figures_paragraph(counting.rollup(unit=center, period=Q1_2026))
    assert (
        " Trong 7 lượt học viên đã có kết quả, xếp loại xuất sắc 14,3%, giỏi 14,3%, khá 28,6%, trung bình 28,6%, "
        "không đạt 14,3%; tỷ lệ hoàn thành 85,7%. 85,7% học viên đủ điều kiện được cấp giấy chứng nhận, xếp loại "
        "khá, giỏi trở lên đạt 57,1%; đã cấp 2 giấy chứng nhận (1 giấy cấp quá thời hạn), còn 4 học viên đủ điều "
        "kiện chưa được cấp; học viên tham dự 89,6% số tiết, 1 lượt học viên không đủ số tiết để làm bài thu hoạch."
    ) in text


def test_all_eligible_reads_one_hundred_percent(center):
    course = scored_class(center, prog="N1")
    for result, score in (("gioi", "8.5"), ("kha", "7.0"), ("trung_binh", "5.5")):
        enrol(course, result, attended=40, score=score)
    text = briefing.figures_paragraph(counting.rollup(unit=center, period=Q1_2026))
    assert "100,0% học viên đủ điều kiện được cấp giấy chứng nhận, xếp loại khá, giỏi trở lên đạt 66,7%" in text


def test_a_period_with_both_rule_sets_says_which_grades_come_from_which(center):
    old = CourseFactory(
        center=center, start_date=datetime.date(2025, 11, 10), end_date=datetime.date(2025, 11, 14)
    )  # KND, four words
    for result in ("gioi", "kha"):
        enrol(old, result)
    new = scored_class(center, start=datetime.date(2025, 12, 8), prog="N1")
    for result, score in (("xuat_sac", "9.0"), ("trung_binh", "6.0"), ("khong_dat", "3.0")):
        enrol(new, result, attended=40, score=score)
    text = briefing.figures_paragraph(counting.rollup(unit=center, period=Period.parse("2025-Q4")))
    assert (
        "Trong 5 lượt học viên đã có kết quả, lớp trước 01/12/2025 (2 lượt) xếp loại giỏi 50,0%, khá 50,0%, "
        "trung bình 0,0%, không đạt 0,0%; lớp từ 01/12/2025 xếp loại theo thang điểm 10, có loại xuất sắc (3 lượt): "
        "xuất sắc 33,3%, giỏi 0,0%, khá 0,0%, trung bình 33,3%, không đạt 33,3%; tỷ lệ hoàn thành 80,0%."
    ) in text
    # A period before the rules never mentions xuất sắc.
    assert "xuất sắc" not in briefing.figures_paragraph(counting.rollup(unit=center, period=Period.parse("2025-Q3")))


def test_a_class_before_the_rules_shows_no_outstanding_grade(center):
    course = CourseFactory(center=center, start_date=datetime.date(2025, 3, 3), end_date=datetime.date(2025, 3, 7))
    enrol(course, "gioi")
    text = briefing.figures_paragraph(counting.rollup(unit=center, period=Period.parse("2025-Q1")))
    assert "xếp loại giỏi 100,0%, khá 0,0%, trung bình 0,0%, không đạt 0,0%" in text
    assert "xuất sắc" not in text and "giấy chứng nhận" not in text


def test_programs_are_compared_across_the_change_through_the_mapping(scene, center, login, center_user):
    # Bồi dưỡng chuyên đề (N4) with its mapping retired: no counterpart a year earlier.
    ProgramMapping.objects.filter(later__code="N4").update(retired_at=timezone.now())
    scored_class(center, prog="N4")
    text = briefing.figures_paragraph(counting.rollup(unit=center, period=Q1_2026))
    assert (
        "So với cùng kỳ năm 2025 theo chương trình tương ứng: bồi dưỡng đảng viên mới 1 lớp (cùng kỳ 2 lớp bồi dưỡng "
        "đảng viên mới), giảm 1 lớp; bồi dưỡng chuyên đề 1 lớp, chưa có chương trình tương ứng cùng kỳ năm trước."
    ) in text
    page = login(center_user).get(reverse("reports:dashboard", args=[unit_key(center), "2026-Q1"]))
    html = page.content.decode()
    assert page.status_code == 200 and "data-program-comparison" in html
    assert "(DVM)" in html and "chưa có chương trình tương ứng cùng kỳ năm trước" in html
    assert 'data-scored="eligible">6 (85,7%)' in html and 'data-scored="late">1' in html
    assert 'data-scored="past-due">4' in html  # today (December 2026) is past 07/03/2026


def test_a_program_that_began_within_the_year_earlier_period_counts_its_own_classes_then(center):
    """Quý IV/2026 against quý IV/2025, which holds the catalogue's first day (1/12/2025): N2's year-earlier figure
    is its counterpart DVM's classes of October and November and its own of December."""
    CourseFactory(
        center=center, program=program("DVM", datetime.date(2025, 10, 6)), start_date=datetime.date(2025, 10, 6)
    )
    scored_class(center, start=datetime.date(2025, 12, 15))
    scored_class(center, start=datetime.date(2026, 10, 5))
    rollup = counting.rollup(unit=center, period=Period.parse("2026-Q4"))
    (line,) = [c for c in programs.compare(rollup) if c.program.code == "N2"]
    assert (line.now.classes, line.before.classes, line.earlier_codes) == (1, 2, "N2, DVM")
    assert "bồi dưỡng đảng viên mới 1 lớp (cùng kỳ 2 lớp bồi dưỡng đảng viên mới), giảm 1 lớp" in (
        briefing.figures_paragraph(rollup)
    )


def test_a_programs_comparison_says_when_it_counts_the_co_organised_classes_too(center):
    """The briefing's program lines count a program's own classes and the co-organised ones apart; its comparison
    counts them all, and says so."""
    CourseFactory(center=center, program=program("DVM"), start_date=datetime.date(2025, 2, 5))
    scored_class(center)
    CourseFactory(center=center, program=program("N2"), start_date=datetime.date(2026, 2, 3), co_organised=True)
    text = briefing.figures_paragraph(counting.rollup(unit=center, period=Q1_2026))
    assert "bồi dưỡng đảng viên mới 1 lớp, phối hợp với Trường Chính trị tỉnh mở 1 lớp" in text
    assert (
        "bồi dưỡng đảng viên mới 2 lớp kể cả lớp phối hợp (cùng kỳ 1 lớp bồi dưỡng đảng viên mới), tăng 1 lớp" in text
    )


def test_a_period_with_one_catalogue_compares_nothing_across(center):
    for year in (2022, 2023):
        CourseFactory(center=center, start_date=datetime.date(year, 2, 6))
    assert "chương trình tương ứng" not in briefing.figures_paragraph(
        counting.rollup(unit=center, period=Period.parse("2023-Q1"))
    )


def test_a_small_scored_class_is_a_warning_in_the_report_checks_not_a_block(scene, center):
    small = CourseFactory(
        center=center,
        code="KND-CU",
        start_date=datetime.date(2025, 2, 3),
        end_date=datetime.date(2025, 2, 7),
    )
    enrol(small, "gioi")  # before the rules: no minimum
    check = services.report_check(report=ReportFactory(center=center, year=2026, quarter=1))
    assert check.ok
    assert any("N2-01" in w and "7 học viên" in w and "ít hơn 25 học viên" in w for w in check.warnings)
    old = services.report_check(report=ReportFactory(center=center, year=2025, quarter=1))
    assert not any("ít hơn" in w for w in old.warnings)


def test_the_files_carry_the_new_figures(scene, center, login, center_user):
    client = login(center_user)
    with committed():
        xlsx = file_of(client, client.get(reverse("reports:export_xlsx", args=[unit_key(center), "2026-Q1"])))
    wb = load_workbook(io.BytesIO(xlsx))
    assert "Giấy chứng nhận" in wb.sheetnames
    sheet = [row for row in wb["Giấy chứng nhận"].iter_rows(values_only=True) if any(v is not None for v in row)]
    header = sheet[4]
    totals = dict(zip(header, sheet[-1], strict=False))
    assert totals["Đủ điều kiện cấp GCN"] == 6 and totals["GCN đã cấp"] == 2 and totals["Cấp quá thời hạn"] == 1
    assert totals["Chưa được cấp"] == 4 and totals["Không đủ số tiết"] == 1
    assert totals["Tỷ lệ đủ điều kiện"] == pytest.approx(6 / 7)
    summary = [cell for row in wb["Tổng hợp"].iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert (
        "So với cùng kỳ năm 2025 theo chương trình tương ứng: bồi dưỡng đảng viên mới 1 lớp (cùng kỳ 2 lớp bồi dưỡng "
        "đảng viên mới), giảm 1 lớp." in summary
    )  # under the code-by-code table, the comparison the dashboard shows
    results = [row for row in wb["Kết quả học tập"].iter_rows(values_only=True) if any(v is not None for v in row)]
    assert "Xuất sắc" in results[4]
    docx = file_of(client, client.get(reverse("reports:export_docx", args=[unit_key(center), "2026-Q1"])))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "85,7% học viên đủ điều kiện được cấp giấy chứng nhận" in text
    cells = [c.text for t in Document(io.BytesIO(docx)).tables for row in t.rows for c in row.cells]
    assert "Giấy chứng nhận đã cấp" in cells


def test_the_report_page_shows_the_figures_and_the_warning(scene, center, login, center_user):
    page = login(center_user).get(reverse("reports:report", args=[unit_key(center), "2026-Q1"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-scored="issued">2' in html and "N2-01" in html and "ít hơn 25 học viên" in html
    assert "Xuất sắc 1" in html


def test_the_pages_with_scored_classes_cost_the_same_queries_at_two_sizes(scene, center, login, center_user):
    from .helpers import page_queries

    client = login(center_user)
    addresses = [
        reverse("reports:dashboard", args=[unit_key(center), "2026-Q1"]),
        reverse("reports:report", args=[unit_key(center), "2026-Q1"]),
    ]
    some = [page_queries(client, address) for address in addresses]
    for prog in ("N2", "N4", "N5"):
        course = scored_class(center, prog=prog)
        decision = CompletionDecision.objects.create(course=course, number="1", signed_on=SIGNED, signer="GĐ")
        for result, attended, score in ROSTER:
            enrolment = enrol(course, result, attended=attended, score=score)
            if result in Enrolment.PASSING:
                decision.enrolments.add(enrolment)
                issue(enrolment, decision, datetime.date(2026, 3, 20))
    more = [page_queries(client, address) for address in addresses]
    assert more == some


def test_a_province_dashboard_and_workbook_add_up_its_centers(scene, center, other_center, login, board_user):
    course = scored_class(other_center, prog="N2")
    for result, attended, score in ROSTER[:3]:
        enrol(course, result, attended=attended, score=score)
    client = login(board_user)
    html = client.get(reverse("reports:dashboard", args=[unit_key(center.parent), "2026-Q1"]) + "?so_lieu=all")
    html = html.content.decode()
    assert 'data-scored="eligible">9 (90,0%)' in html  # 6 of 7 and 3 of 3
    assert "data-program-comparison" in html and "(DVM)" in html
    with committed():
        response = client.get(
            reverse("reports:export_xlsx", args=[unit_key(center.parent), "2026-Q1"]) + "?so_lieu=all"
        )
    wb = load_workbook(io.BytesIO(file_of(client, response)))
    sheet = [row for row in wb["Giấy chứng nhận"].iter_rows(values_only=True) if any(v is not None for v in row)]
    by_unit = {row[1]: row[4] for row in sheet[5:]}
    assert by_unit == {center.name: 6, other_center.name: 3, "Tổng cộng": 9}
