"""The account pages in the browser: no serious accessibility violations (axe), nothing wider than a small laptop,
and a two-step sign-in typed as a person would."""

import datetime
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import CourseFactory, LecturerFactory
from .test_journeys import PASSWORD, axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def cast(center, other_center, center_user, other_center_user, board_user):
    board_user.staff.manages_accounts = True
    board_user.staff.save()
    return center_user


def test_account_pages_are_accessible_and_fit_a_small_laptop(browser, live_server, cast):
    anonymous = browser.new_page()
    anonymous.goto(live_server.url + reverse("accounts:password_reset"))
    found = {"quen mat khau": axe_violations(anonymous)}
    anonymous.close()
    page = login(browser, live_server, "bantuyengiao")
    too_wide = {}
    for name, url in {
        "list": reverse("accounts:account_list"),
        "create": reverse("accounts:account_create"),
        "detail": reverse("accounts:account_detail", args=[cast.pk]),
        "import": reverse("accounts:account_import"),
        "profile": reverse("accounts:profile"),
        "password": reverse("accounts:password_change"),
        "two steps": reverse("accounts:two_factor"),
    }.items():
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)
        page.set_viewport_size({"width": 1000, "height": 800})
        if page.evaluate("document.documentElement.scrollWidth") > 1000:
            too_wide[name] = page.evaluate("document.documentElement.scrollWidth")
    assert page.errors == []
    page.close()
    assert not {name: v for name, v in found.items() if v}
    assert not too_wide


def test_a_person_turns_two_steps_on_and_signs_in_with_the_app(browser, live_server, cast):
    page = login(browser, live_server, "trungtam")
    page.goto(live_server.url + reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=cast)

    def code(ahead=0):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time() + ahead * device.step
        return f"{totp.token():06d}"

    page.get_by_label("Mã xác thực").fill(code())
    page.get_by_role("button", name="Bật đăng nhập hai bước").click()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Tên đăng nhập").fill("trungtam")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**" + reverse("accounts:two_factor_verify"))
    page.get_by_label("Mã xác thực").fill(code(1))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(live_server.url + reverse("home"))
    page.close()


def test_lists_and_logs_fit_a_phone(browser, live_server, cast, center):
    """At 390 px a wide table scrolls inside its frame, the page does not: its visually hidden header (positioned
    absolutely) no longer widens the page, and the activity log and an account's log scroll in theirs."""
    LecturerFactory(
        center=center, qualification="Thạc sĩ Xây dựng Đảng và Chính quyền nhà nước", position="Phó Giám đốc"
    )
    CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    wide = {}
    for who, urls in {
        "trungtam": [reverse("courses:lecturer_list")],
        "bantuyengiao": [reverse("reports:activity"), reverse("accounts:account_detail", args=[cast.pk])],
    }.items():
        page = login(browser, live_server, who)
        page.set_viewport_size({"width": 390, "height": 844})
        for url in urls:
            page.goto(live_server.url + url)
            if page.evaluate("document.documentElement.scrollWidth") > 390:
                wide[url] = page.evaluate("document.documentElement.scrollWidth")
        page.close()
    assert wide == {}
