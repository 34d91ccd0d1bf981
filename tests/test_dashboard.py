"""Dashboards: the figures on the cards and tables equal the rollup selectors; scoping; constant queries."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from centers.periods import Period
from reports.figures import counting
from reports.models import CenterReport

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, approve, program
from .helpers import page_queries as queries

pytestmark = pytest.mark.django_db


def url(key, period, **params):
    base = reverse("reports:dashboard", args=[key, period])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def card(body, key):
    match = re.search(rf'data-card="{key}">([^<]*)<', body)
    return match.group(1).strip() if match else None


@pytest.fixture
def data(center, other_center, far_center):
    """Lào Cai: 3 classes in 2023-Q1 (one co-organised), 1 class in 2022-Q1; Hà Tĩnh: 1 class."""
    q1 = datetime.date(2023, 2, 6)
    first = CourseFactory(center=center, start_date=q1, program=program("KND"))
    second = CourseFactory(center=center, start_date=q1, program=program("DVM"), co_organised=True)
    third = CourseFactory(center=other_center, start_date=q1, program=program("KND"), format="truc_tuyen")
    learner = LearnerFactory(center=center)
    EnrolmentFactory(course=first, learner=learner, result="gioi")
    EnrolmentFactory(course=second, learner=learner, result="kha")
    EnrolmentFactory(course=first, result="khong_dat")
    EnrolmentFactory(course=third, result="gioi")
    CourseFactory(center=center, start_date=datetime.date(2022, 2, 1))
    CourseFactory(center=far_center, start_date=q1)
    for unit in (center, other_center, far_center):
        approve(unit, 2023, 1)
        approve(unit, 2022, 1)


def test_province_cards_equal_the_rollup(login, board_user, province, data):
    body = login(board_user).get(url("10", "2023-Q1")).content.decode()
    rollup = counting.rollup(unit=province, period=Period.parse("2023-Q1"))
    assert card(body, "classes") == str(rollup.total.classes) == "3"
    assert card(body, "enrolments") == str(rollup.total.enrolments) == "4"
    assert card(body, "learners") == str(rollup.total.learners) == "3"
    assert card(body, "completion") == "75,0%"  # 3 passed of 4 with a result
    assert card(body, "reporting") == "100,0%"
    assert "▲ 2 (+200,0%)" in body  # 3 classes against 1 a year earlier


def test_a_rate_that_moved_less_than_the_precision_shown_is_not_a_fall():
    from reports.dashboard import rate_change

    assert rate_change(0.9596, 0.9600).diff == 0  # 96,0% against 96,0%: "= 0 điểm %", not a red "▼ 0,0 điểm %"
    assert rate_change(0.955, 0.9600).diff == pytest.approx(-0.005)
    assert rate_change(None, 0.96) is None


def test_a_first_year_of_data_is_not_shown_as_growth(login, board_user, data):
    """2022-Q1 had 1 class and nothing a year before it: the cards say there is nothing to compare."""
    body = login(board_user).get(url("10", "2022-Q1")).content.decode()
    assert card(body, "classes") == "1"
    assert not re.search(r"▲ [0-9.]+ <span", body)  # no count shown as grown from nothing
    assert body.count("cùng kỳ chưa có số liệu") >= 3  # classes, enrolments, learners (and the rates)


def test_the_chart_data_is_embedded_in_the_page(login, board_user, data):
    body = login(board_user).get(url("10", "2023-Q1")).content.decode()
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', body, re.S)
    charts = json.loads(match.group(1))
    assert charts["programs"]["labels"] == ["KND", "DVM"]
    assert charts["programs"]["classes"] == [2, 1]
    assert charts["formats"]["classes"] == [2, 1, 0]
    assert charts["trend"]["classes"][-1] == 3
    assert charts["trend"]["classes_before"][-1] == 1
    # The data starts with 2022-Q1: quarters before it are gaps ("no figures yet"), not a line along 0.
    labels, before = charts["trend"]["labels"], charts["trend"]["classes_before"]
    assert labels[0] == "quý II/2020" and before[labels.index("quý I/2023")] == 1
    assert before[: labels.index("quý I/2023")] == [None] * labels.index("quý I/2023")
    assert charts["trend"]["classes"][labels.index("quý I/2022") :][:2] == [1, 0]  # a real 0 after data begins
    assert sorted(charts["units"]["classes"], reverse=True) == [2, 1]
    assert "<script>" not in body.split('id="dashboard-data"')[0].split("</nav>")[-1]  # no inline scripts


def test_the_unit_table_lists_each_center_with_its_figures(login, board_user, data):
    body = login(board_user).get(url("10", "2023-Q1")).content.decode()
    rows = re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', body, re.S)
    figures = {key: re.findall(r'data-value="([^"]*)"', row)[1:3] for key, row in rows}
    assert figures == {"10-080": ["2", "3"], "10-082": ["1", "1"]}
    assert "Đã phê duyệt" in body


def test_a_quarter_not_yet_approved_is_not_shown_as_a_fall(login, board_user, center, data):
    """On approved data, a center whose report is only submitted counts 0 for now: not "▼ 1 (-100,0%)"."""
    CenterReport.objects.filter(center=center, year=2023, quarter=1).update(status=CenterReport.Status.SUBMITTED)
    body = login(board_user).get(url("10", "2023-Q1")).content.decode()
    rows = dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', body, re.S))
    assert "Đã gửi" in rows["10-080"] and "▼" not in rows["10-080"]
    body = login(board_user).get(url("10", "2023-Q1", so_lieu="submitted")).content.decode()
    rows = dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', body, re.S))
    assert "▲ 1 (+100,0%)" in rows["10-080"]  # counted on the basis that admits it: 2 against 1


def test_the_switch_includes_unapproved_data(login, board_user, center, data):
    CourseFactory(center=center, start_date=datetime.date(2023, 5, 2))  # Q2, not approved
    client = login(board_user)
    assert card(client.get(url("10", "2023")).content.decode(), "classes") == "3"
    assert card(client.get(url("10", "2023", so_lieu="all")).content.decode(), "classes") == "4"


def test_national_dashboard_lists_provinces_and_drills_down(login, central_user, data):
    body = login(central_user).get(url("VN", "2023-Q1")).content.decode()
    assert card(body, "classes") == "4"
    assert reverse("reports:dashboard", args=["10", "2023-Q1"]) in body
    assert reverse("reports:dashboard", args=["42", "2023-Q1"]) in body
    assert login(central_user).get(url("42", "2023-Q1")).status_code == 200


def test_the_briefing_sits_under_the_cards_with_an_edit_link(login, board_user, data):
    body = login(board_user).get(url("10", "2023-Q1")).content.decode()
    assert "Quý I/2023, các trung tâm chính trị cấp" in body
    assert "Sửa đoạn tổng hợp" in body


@pytest.mark.parametrize(
    ("user_fixture", "key", "expected"),
    [
        ("center_user", "10-080", 200),
        ("center_user", "10-082", 404),
        ("center_user", "10", 404),
        ("board_user", "10", 200),
        ("board_user", "10-082", 200),
        ("board_user", "42", 404),
        ("board_user", "VN", 404),
        ("other_board_user", "10", 404),
        ("central_user", "10", 200),
        ("central_user", "VN", 200),
    ],
)
def test_dashboards_are_scoped(request, login, data, user_fixture, key, expected):
    user = request.getfixturevalue(user_fixture)
    assert login(user).get(url(key, "2023-Q1")).status_code == expected


def test_anonymous_users_go_to_login(client, data):
    response = client.get(url("10", "2023-Q1"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_bad_period_is_a_404(login, board_user, data):
    assert login(board_user).get(url("10", "2023-Q7")).status_code == 404


def test_the_period_picker_moves_to_the_chosen_period(login, board_user, data):
    response = login(board_user).get(url("10", "2023-Q1", ky="2023-H1", so_lieu="all"))
    assert response.status_code == 302
    assert response["Location"] == url("10", "2023-H1", so_lieu="all")


@pytest.mark.parametrize(
    ("user_fixture", "key"), [("board_user", "10"), ("central_user", "VN"), ("center_user", "10-080")]
)
def test_the_dashboard_costs_the_same_queries_at_two_data_sizes(
    request, login, center, other_center, data, user_fixture, key
):
    client = login(request.getfixturevalue(user_fixture))
    small = queries(client, url(key, "2023"))
    small_cached = queries(client, url(key, "2023"), cached=True)
    for month in range(1, 13):
        course = CourseFactory(center=center if month % 2 else other_center, start_date=datetime.date(2023, month, 3))
        for _ in range(3):
            EnrolmentFactory(course=course, result="kha")
    for quarter in (2, 3, 4):
        approve(center, 2023, quarter)
        approve(other_center, 2023, quarter)
    assert queries(client, url(key, "2023")) == small
    # Cold: the centers list with their provinces and former names (behind the epoch), figures, trend, reporting
    # rates and briefing are computed, each behind a fingerprint and a look in the shared table (the briefing reads
    # the centers' written points, nationally too: counted by province).
    assert small <= 58
    # With the figures cached, the page reads stamps instead of aggregates: fewer queries, still constant.
    assert queries(client, url(key, "2023"), cached=True) == small_cached
    assert small_cached <= small - 10, (small_cached, small)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dashboard_draws_its_charts_in_headless_chromium(live_server, browser, board_user, data):
    """Each chart canvas gets painted (non-blank pixels) in a real browser; a screenshot is kept for review."""
    import os

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", board_user.username)
    page.fill("#id_password", "Llct@2026")
    page.click("button[type=submit]")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + url("10", "2023-Q1"))
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 5")
    painted = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas')).map(c => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
            return [c.id, n];
        })"""
    )
    os.makedirs("screenshots", exist_ok=True)
    page.screenshot(path="screenshots/dashboard-province.png", full_page=True)
    page.close()
    assert errors == []
    assert len(painted) == 5
    assert all(n > 500 for _, n in painted), painted
