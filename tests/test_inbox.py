"""Every user's day starts with what is due (#25): the inbox on each role's home page, most urgent first, each item
opening the exact page; the "Báo cáo quý" menu opens the quarter that needs action."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from centers.models import Unit
from centers.scoping import Scope
from courses.models import ImportBatch
from reports import inbox
from reports.models import Briefing, CenterReport, Deadline

from .factories import CenterFactory, CourseFactory, EnrolmentFactory, ReportFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)  # quý III/2026 is the reporting quarter; its default deadline was 5/10/2026


def titles(items):
    return [item.title for item in items]


def test_a_center_sees_returned_then_overdue_then_due_reports_with_the_boards_comment(center, center_user, province):
    for quarter in (1, 2):
        ReportFactory(center=center, year=2026, quarter=quarter, status="approved")
    ReportFactory(center=center, year=2025, quarter=4, status="submitted")
    ReportFactory(
        center=center, year=2026, quarter=3, status="returned", return_comment="Bổ sung số lớp phối hợp với Trường."
    )
    items = inbox.inbox(Scope.for_user(center_user), center_user, TODAY)
    assert titles(items) == ["Báo cáo quý III/2026 bị trả lại"]
    assert items[0].detail == "Bổ sung số lớp phối hợp với Trường."
    assert items[0].url == reverse("reports:report", args=["10-080", "2026-Q3"])

    CenterReport.objects.filter(year=2026, quarter=2).update(status="draft")
    Deadline.objects.create(province=province, year=2026, quarter=2, due_on=datetime.date(2026, 7, 10))
    items = inbox.inbox(Scope.for_user(center_user), center_user, TODAY)
    assert titles(items) == ["Báo cáo quý III/2026 bị trả lại", "Báo cáo quý II/2026 chưa gửi"]
    assert items[1].detail == "Quá hạn 148 ngày (hạn 10/07/2026)"
    assert items[1].tone == "danger"


def test_a_report_not_yet_due_says_how_many_days_are_left(center, center_user, province):
    for year, quarter in ((2025, 4), (2026, 1), (2026, 2)):
        ReportFactory(center=center, year=year, quarter=quarter, status="approved")
    Deadline.objects.create(province=province, year=2026, quarter=3, due_on=datetime.date(2026, 12, 15))
    (item,) = inbox.center_reports(center, TODAY)
    assert (item.title, item.detail, item.tone) == (
        "Báo cáo quý III/2026 chưa gửi",
        "Hạn 15/12/2026, còn 10 ngày",
        "warning",
    )


def test_a_center_founded_in_2025_is_not_asked_for_quarters_before_it_existed(province):
    commune = CenterFactory(
        parent=province, code="11311", center_level=Unit.CenterLevel.COMMUNE, active_from=datetime.date(2025, 7, 1)
    )
    closed = CenterFactory(parent=province, code="099", active_to=datetime.date(2025, 6, 30))
    assert [q.key for q in inbox.ended_quarters(commune, TODAY)] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert [q.key for q in inbox.ended_quarters(closed, TODAY)] == ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
    assert [q.key for q in inbox.ended_quarters(commune, datetime.date(2025, 11, 1))] == ["2025-Q3"]


def test_finished_classes_without_results_and_uploads_waiting_are_listed(center, center_user):
    course = CourseFactory(center=center, code="KND-07", start_date=datetime.date(2026, 10, 5))
    EnrolmentFactory.create_batch(2, course=course)
    EnrolmentFactory(course=course, result="gioi")
    done = CourseFactory(center=center, start_date=datetime.date(2026, 10, 12))
    EnrolmentFactory(course=done, result="kha")
    ImportBatch.objects.create(
        center=center, kind="center", filename="lop-quy-4.xlsx", sha256="x", uploaded_by=center_user, content=b""
    )
    items = inbox.unfinished_classes(center, TODAY) + inbox.pending_uploads(center, center_user)
    assert titles(items) == [
        "Lớp KND-07 đã kết thúc, còn 2 học viên chưa có kết quả",
        "Tệp lop-quy-4.xlsx đã tải lên, chưa xác nhận ghi",
    ]
    assert items[0].url == reverse("courses:course_detail", args=[course.pk])
    assert items[1].url == reverse("courses:import_workbook")


def test_a_board_sees_reviews_oldest_first_the_overdue_centers_and_the_briefing_to_write(
    province, center, other_center, board_user
):
    late, early = (
        ReportFactory(center=center, year=2026, quarter=3, status="submitted"),
        ReportFactory(center=other_center, year=2026, quarter=2, status="submitted"),
    )
    CenterReport.objects.filter(pk=late.pk).update(submitted_at=timezone.now())
    CenterReport.objects.filter(pk=early.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=90))
    items = inbox.inbox(Scope.for_user(board_user), board_user, TODAY)
    assert [i.title for i in items] == [
        "1 trung tâm quá hạn báo cáo quý III/2026",
        f"Chờ duyệt: {other_center.name}, quý II/2026",
        f"Chờ duyệt: {center.name}, quý III/2026",
        "Chưa có nhận định quý III/2026",
    ]
    assert items[0].detail == f"Quá hạn 61 ngày (hạn 05/10/2026): {other_center.name}"
    Briefing.objects.create(unit=province, period_key="2026-Q3", text="…")
    assert "Chưa có nhận định quý III/2026" not in titles(inbox.inbox(Scope.for_user(board_user), board_user, TODAY))


def test_central_sees_the_provinces_by_reporting_rate(center, other_center, far_center, central_user):
    ReportFactory(center=center, year=2026, quarter=3, status="submitted")
    items = inbox.inbox(Scope.for_user(central_user), central_user, TODAY)
    assert titles(items) == [
        f"{far_center.parent.name}: 0/1 trung tâm đã gửi báo cáo quý III/2026",
        f"{center.parent.name}: 1/2 trung tâm đã gửi báo cáo quý III/2026",
    ]
    assert all(item.tone == "danger" for item in items)


def test_the_home_page_lists_the_inbox_above_the_totals_with_a_fixed_number_of_queries(
    login, center, center_user, django_assert_max_num_queries
):
    ReportFactory(center=center, year=2026, quarter=3, status="returned", return_comment="Thiếu phần nguyên nhân.")
    client = login(center_user)
    with django_assert_max_num_queries(30) as first:
        page = client.get(reverse("home")).content.decode()
    assert page.index("Việc cần làm") < page.index("Trung tâm chính trị trong phạm vi")
    assert "Thiếu phần nguyên nhân." in page
    for n in range(5):  # more classes and reports do not cost more queries
        course = CourseFactory(center=center, start_date=datetime.date(2026, 10, n + 1))
        EnrolmentFactory(course=course)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("home"))


def test_the_quarterly_report_menu_opens_the_quarter_that_needs_action(login, center, center_user, board_user):
    today = timezone.localdate()
    quarters = inbox.ended_quarters(center, today)
    for period in quarters:
        ReportFactory(center=center, year=period.year, quarter=period.index, status="approved")
    returned = quarters[1]
    CenterReport.objects.filter(year=returned.year, quarter=returned.index).update(status="returned")
    response = login(center_user).get(reverse("reports:index"))
    assert response["Location"] == reverse("reports:report", args=["10-080", returned.key])
    CenterReport.objects.filter(year=returned.year, quarter=returned.index).update(status="submitted")
    response = login(board_user).get(reverse("reports:index"))
    assert response["Location"] == reverse("reports:report", args=["10", returned.key])


# -- deadlines and reminders -----------------------------------------------------------------------------------
@pytest.fixture
def late(province, center, other_center, board_user):
    from centers.models import Staff

    from .factories import UserFactory

    for unit, address in ((center, "tp@laocai.vn"), (other_center, "bx@laocai.vn")):
        Staff.objects.create(user=UserFactory(email=address), unit=unit)
    period = inbox.reporting_quarter(timezone.localdate())
    ReportFactory(center=center, year=period.year, quarter=period.index, status="submitted")
    return period


def test_the_completeness_page_flags_overdue_centers_and_counts_them(login, board_user, late, other_center):
    page = login(board_user).get(reverse("reports:report", args=["10", late.key])).content.decode()
    days = (timezone.localdate() - (late.end + datetime.timedelta(days=5))).days
    assert f"Quá hạn {days} ngày" in page
    assert 'data-figure="overdue">1<' in page and "Nhắc tất cả chưa gửi" in page


def test_a_board_reminds_one_center_once_a_day_and_it_is_logged(login, board_user, late, other_center, mailoutbox):
    from reports.models import Reminder

    client = login(board_user)
    response = client.post(reverse("reports:remind", args=["10", late.key]), {"center": other_center.pk}, follow=True)
    assert f"Đã gửi thư nhắc cho 1 trung tâm: {other_center.name}." in response.content.decode()
    assert [m.to for m in mailoutbox] == [["bx@laocai.vn"]]
    assert mailoutbox[0].subject == f"Nhắc gửi báo cáo {late.label}"
    reminder = Reminder.objects.get()
    assert (reminder.center, reminder.sent_by, reminder.recipients) == (other_center, board_user, "bx@laocai.vn")
    again = client.post(reverse("reports:remind", args=["10", late.key]), {"center": "all"}, follow=True)
    assert "Đã nhắc hôm nay, không gửi lại" in again.content.decode()
    assert len(mailoutbox) == 1 and Reminder.objects.count() == 1


def test_a_center_that_is_not_late_cannot_be_reminded_and_only_the_board_reminds(
    login, board_user, center_user, late, center
):
    response = login(board_user).post(
        reverse("reports:remind", args=["10", late.key]), {"center": center.pk}, follow=True
    )
    assert "không quá hạn báo cáo" in response.content.decode()
    assert (
        login(center_user).post(reverse("reports:remind", args=["10", late.key]), {"center": "all"}).status_code == 404
    )


# -- figures as submitted --------------------------------------------------------------------------------------
@pytest.fixture
def quarter(center):
    course = CourseFactory(center=center, code="KND-01", start_date=datetime.date(2026, 7, 6))
    EnrolmentFactory.create_batch(3, course=course, result="gioi")
    return course, ReportFactory(center=center, year=2026, quarter=3, status="draft")


@pytest.fixture
def sent(quarter, center_user):
    from reports import services

    course, report = quarter
    services.report_submit(scope=Scope.for_user(center_user), report=report, version=report.version, user=center_user)
    report.refresh_from_db()
    return report, course


def test_submitting_keeps_the_figures_and_a_later_change_is_shown_then_and_now(login, sent, board_user, center_user):
    report, course = sent
    assert report.submitted_figures["classes"] == 1 and report.submitted_figures["enrolments"] == 3
    url = reverse("reports:report", args=["10-080", "2026-Q3"])
    assert "Số liệu đã thay đổi sau khi gửi" not in login(board_user).get(url).content.decode()
    # the center is told before it saves, then adds a learner to the sent quarter
    page = login(center_user).get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    assert "Quý III/2026 đã gửi báo cáo: thay đổi sẽ được đánh dấu cho Ban Tuyên giáo và Dân vận tỉnh" in page
    EnrolmentFactory(course=course, result="kha")
    page = login(board_user).get(url).content.decode()
    assert "Số liệu đã thay đổi sau khi gửi" in page
    changed = page.split("data-changed-after-submission")[1].split("</table>")[0]
    assert 'Lượt học viên</th><td class="num">3</td><td class="num">4</td>' in changed
    assert "Kết quả: Khá" in changed and "Số lớp đã mở" not in changed
    (item,) = [i for i in inbox.waiting_reviews(Scope.for_user(board_user))]
    assert item.detail.endswith("Số liệu đã thay đổi sau khi gửi")


def test_a_center_withdraws_a_report_the_board_has_not_reviewed(login, sent, center_user, board_user):
    report, _course = sent
    client = login(center_user)
    url = reverse("reports:withdraw", args=["10-080", "2026-Q3"])
    response = client.post(url, follow=True)
    assert "Đã rút lại báo cáo quý III/2026" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft" and report.transitions.last().get_action_display() == "Rút lại báo cáo đã gửi"
    again = client.post(url, follow=True)
    assert "Chỉ rút lại được báo cáo đã gửi mà Ban chưa xử lý." in again.content.decode()
    assert login(board_user).post(url).status_code == 403
