"""Small things users noticed (#25): the period picker by year, sortable class list, print buttons, a help page per
role, a favicon, the checks shown to the board on the report it reviews."""

import datetime
import re

import pytest
from django.urls import reverse

from .factories import CourseFactory, EnrolmentFactory, ReportFactory

pytestmark = pytest.mark.django_db


def test_the_period_picker_groups_periods_by_year(login, board_user):
    page = login(board_user).get(reverse("reports:dashboard", args=["10", "2025"])).content.decode()
    groups = re.findall(r'<optgroup label="(Năm \d{4})">', page)
    assert groups[:2] == ["Năm 2026", "Năm 2025"] and groups[-1] == "Năm 2020"
    group_2025 = page.split('<optgroup label="Năm 2025">')[1].split("</optgroup>")[0]
    assert '<option value="2025-Q3">Quý III/2025</option>' in group_2025


def test_the_class_list_sorts_by_its_columns_and_keeps_the_sort_across_pages(login, center, center_user):
    for code, day in (("B-02", 5), ("A-01", 9), ("C-03", 1)):
        CourseFactory(center=center, code=code, start_date=datetime.date(2026, 10, day))
    client = login(center_user)

    def codes(**params):
        response = client.get(reverse("courses:course_list"), params)
        return [c.code for c in response.context["page"]], response.content.decode()

    assert codes()[0] == ["A-01", "B-02", "C-03"]  # newest first by default
    found, page = codes(sap_xep="ma")
    assert found == ["A-01", "B-02", "C-03"]
    assert 'aria-sort="ascending"' in page and "sap_xep=-ma" in page  # a second click sorts down
    assert codes(sap_xep="-ma")[0] == ["C-03", "B-02", "A-01"]
    assert codes(sap_xep="bat_dau")[0] == ["C-03", "B-02", "A-01"]
    assert codes(sap_xep="; DROP TABLE")[0] == ["A-01", "B-02", "C-03"]  # not a column: the default
    for n in range(55):
        CourseFactory(center=center, code=f"Z-{n:02d}", start_date=datetime.date(2025, 1, 1))
    _found, page = codes(sap_xep="ma")
    assert "sap_xep=ma&amp;trang=2" in page


def test_dashboards_and_reports_have_a_print_button(login, board_user, center):
    client = login(board_user)
    assert "data-print" in client.get(reverse("reports:dashboard", args=["10", "2025"])).content.decode()
    assert "data-print" in client.get(reverse("reports:report", args=["10-080", "2025-Q3"])).content.decode()


@pytest.mark.parametrize(
    ("who", "role"), [("center_user", "center"), ("board_user", "board"), ("central_user", "central")]
)
def test_each_role_has_its_help_page_linked_from_the_top_bar(request, login, who, role):
    client = login(request.getfixturevalue(who))
    home = client.get(reverse("home")).content.decode()
    assert reverse("reports:help") in home
    page = client.get(reverse("reports:help")).content.decode()
    assert f'data-help="{role}"' in page and "dd/mm/yyyy" in page


def test_the_favicon_is_served_from_static(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_the_board_sees_the_checks_of_the_report_it_reviews(login, board_user, center):
    course = CourseFactory(center=center, code="KND-09", start_date=datetime.date(2026, 7, 6))
    EnrolmentFactory(course=course)  # finished, without a result
    ReportFactory(center=center, year=2026, quarter=3, status="submitted")
    page = login(board_user).get(reverse("reports:report", args=["10-080", "2026-Q3"])).content.decode()
    checks = page.split("data-review-checks")[1].split("</div>")[0]
    assert "Lớp KND-09 đã kết thúc nhưng còn 1 học viên chưa có kết quả." in checks


def test_the_briefings_versions_are_listed_viewed_and_restored(login, board_user, province, center):
    from reports.models import Briefing

    client = login(board_user)
    url = reverse("reports:briefing", args=["10", "2023-Q1"])
    client.post(url, {"text": "Bản thứ nhất do Ban viết."})
    client.post(url, {"text": "Bản thứ hai, sửa lại."})
    first, second = Briefing.objects.order_by("pk")
    page = client.get(url).content.decode()
    assert page.count("data-version=") == 2 and "đang dùng" in page and "data-back-to-dashboard" in page
    shown = client.get(url, {"phien-ban": first.pk}).content.decode()
    assert "Bản thứ nhất do Ban viết." in shown.split("data-version-shown")[1]
    response = client.post(url, {"restore": first.pk}, follow=True)
    assert "Đã khôi phục phiên bản lúc" in response.content.decode()
    newest = Briefing.objects.order_by("-pk").first()
    assert newest.text == "Bản thứ nhất do Ban viết." and Briefing.objects.count() == 3  # nothing lost
    assert response.context["form"].initial["text"] == "Bản thứ nhất do Ban viết."


def test_taking_a_learner_off_a_class_can_be_undone_right_after(login, center, center_user):
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    enrolment = EnrolmentFactory(course=course, result="kha")
    client = login(center_user)
    page = client.post(reverse("courses:enrolment_remove", args=[enrolment.pk]), follow=True).content.decode()
    assert "data-undo" in page and "Hoàn tác" in page
    assert "data-undo" not in client.get(reverse("courses:course_detail", args=[course.pk])).content.decode()  # once
    done = client.post(reverse("courses:enrolment_restore", args=[enrolment.pk]), follow=True).content.decode()
    assert f"Đã đưa “{enrolment.learner.full_name}” trở lại lớp." in done
    enrolment.refresh_from_db()
    assert enrolment.removed_at is None and enrolment.result == "kha"


def test_the_same_statement_of_several_centers_is_one_line_naming_them(province, center, other_center):
    from centers.periods import Period
    from reports import briefing

    for unit, text in ((center, "Thiếu giảng viên kiêm chức."), (other_center, "thiếu giảng viên  kiêm chức")):
        ReportFactory(center=unit, year=2023, quarter=1, status="approved", shortcomings=text)
    ReportFactory(center=center, year=2023, quarter=2, status="approved", shortcomings="Kinh phí hạn hẹp.")
    lines = briefing.written_points(unit=province, period=Period.parse("2023"), basis="approved")["shortcomings"]
    assert lines == [
        f"- {center.name}, {other_center.name}: Thiếu giảng viên kiêm chức.",
        f"- {center.name}: Kinh phí hạn hẹp.",
    ]
