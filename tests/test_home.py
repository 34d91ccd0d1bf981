import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import CenterFactory, CourseFactory, EnrolmentFactory, approve

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="vi"' in body
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body


def test_a_wrong_password_gets_a_vietnamese_message(client, center_user):
    response = client.post(reverse("login"), {"username": "trungtam", "password": "sai"})
    assert response.status_code == 200
    assert "Vui lòng điền vào" in response.content.decode()


def test_logging_in_lands_on_the_home_page(client, center_user):
    response = client.post(reverse("login"), {"username": "trungtam", "password": "Llct@2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.fixture
def figures(center, other_center, far_center):
    day = datetime.date(2023, 2, 1)
    for _ in range(3):
        EnrolmentFactory(course=CourseFactory(center=center, start_date=day))
    CourseFactory(center=other_center, start_date=day)
    CourseFactory(center=other_center, start_date=day, status="cancelled")
    CourseFactory(center=far_center, start_date=day)
    for unit in (center, other_center, far_center):
        approve(unit)


def test_center_home_shows_its_own_figures_only(login, center_user, figures):
    body = login(center_user).get(reverse("home") + "?ky=2023").content.decode()
    assert "Trung tâm chính trị thành phố Lào Cai" in body
    assert "huyện Bát Xát" not in body
    assert 'data-figure="classes">3<' in body
    assert 'data-figure="enrolments">3<' in body


def test_board_home_lists_its_centers_and_sums_them(login, board_user, figures):
    body = login(board_user).get(reverse("home") + "?ky=2023").content.decode()
    assert "Trung tâm chính trị huyện Bát Xát" in body
    assert "thành phố Hà Tĩnh" not in body
    # 3 classes + 1 (the cancelled class counts nowhere)
    assert 'data-figure="classes">4<' in body


def test_board_home_follows_the_centers_active_in_the_year(login, board_user, province, figures):
    """A center closed before the year, with nothing in it, is not among those the board follows that year."""
    closed = CenterFactory(parent=province, code="099", area_name="huyện Cũ", active_to=datetime.date(2022, 6, 30))
    body = login(board_user).get(reverse("home") + "?ky=2023").content.decode()
    assert "theo dõi 2 trung tâm chính trị" in body and closed.name not in body
    earlier = login(board_user).get(reverse("home") + "?ky=2022").content.decode()
    assert "theo dõi 3 trung tâm chính trị" in earlier and closed.name in earlier


def test_central_home_lists_provinces(login, central_user, figures):
    body = login(central_user).get(reverse("home") + "?ky=2023").content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy Lào Cai" in body
    assert "Ban Tuyên giáo Tỉnh ủy Hà Tĩnh" in body
    assert 'data-figure="classes">5<' in body


def test_home_defaults_to_the_latest_year_with_data(login, center_user, figures):
    body = login(center_user).get(reverse("home")).content.decode()
    assert "năm 2023" in body


def test_the_board_and_central_open_on_the_latest_year_with_approved_data(
    login, board_user, central_user, center_user, center, figures
):
    """A draft class of a later year shows on the center's own page, not as an empty year above it."""
    CourseFactory(center=center, start_date=datetime.date(2024, 3, 1))  # entered, its quarter not approved
    assert "năm 2024" in login(center_user).get(reverse("home")).content.decode()
    for user in (board_user, central_user):
        assert "năm 2023" in login(user).get(reverse("home")).content.decode()
        assert login(user).get(reverse("reports:dashboard_index"))["Location"].endswith("/2023/")


def test_home_costs_the_same_queries_whatever_the_data_size(login, board_user, center, other_center):
    client = login(board_user)
    CourseFactory(center=center, start_date=datetime.date(2023, 3, 1))
    client.get(reverse("home") + "?ky=2023")  # warm the session

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home") + "?ky=2023")
    for i in range(6):
        EnrolmentFactory(course=CourseFactory(center=other_center, start_date=datetime.date(2023, 1 + i, 2)))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("home") + "?ky=2023")
    assert len(small) == len(large)


def test_board_home_counts_only_approved_quarters_and_the_center_sees_its_own_drafts(
    login, board_user, center_user, center
):
    EnrolmentFactory(course=CourseFactory(center=center, start_date=datetime.date(2023, 2, 1)))
    EnrolmentFactory(course=CourseFactory(center=center, start_date=datetime.date(2023, 5, 1)))
    approve(center, 2023, 1)
    board = login(board_user).get(reverse("home") + "?ky=2023").content.decode()
    assert 'data-figure="classes">1<' in board
    assert "chỉ số liệu đã phê duyệt" in board
    own = login(center_user).get(reverse("home") + "?ky=2023").content.decode()
    assert 'data-figure="classes">2<' in own


def test_an_english_browser_still_gets_the_vietnamese_app(client):
    """The language does not follow the browser: labels and formats stay Vietnamese (2.987, 24/11/2026)."""
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in body
    assert "Tên đăng nhập" in body and "Username" not in body
