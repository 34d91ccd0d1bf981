"""Two-step sign-in with an authenticator app (TOTP) and recovery codes: optional for everyone, required of central
and board staff by a setting, and the login throttle counts wrong codes too."""

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from centers.models import AccountEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Llct@2026"


@pytest.fixture(autouse=True)
def _no_device_delay(settings):
    """django-otp also makes a device wait 1, 2, 4… seconds after each wrong code; the tests type the right one at
    once (the login throttle, what these tests check, still counts every wrong code)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(user, ahead: int = 0) -> str:
    """The code the app shows now (`ahead` steps later: a code is accepted once)."""
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client, username="trungtam", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def turn_on(client, user) -> list[str]:
    client.get(reverse("accounts:two_factor"))
    response = client.post(reverse("accounts:two_factor"), {"action": "enable", "code": code_for(user)})
    return re.findall(r'<li class="col">([^<]+)</li>', response.content.decode())


@pytest.fixture
def with_two_steps(center_user):
    client = Client()
    sign_in(client)
    codes = turn_on(client, center_user)
    return codes


def test_turning_two_steps_on_needs_a_right_code_and_gives_recovery_codes(center_user):
    client = Client()
    sign_in(client)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert 'src="data:image/svg+xml' in page and re.search(r'id="totp-secret">[A-Z2-7]{32}<', page)
    wrong = client.post(reverse("accounts:two_factor"), {"action": "enable", "code": "000000"})
    assert "Mã không đúng" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=center_user, confirmed=True).exists()
    codes = turn_on(client, center_user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert AccountEvent.objects.filter(user=center_user, kind=AccountEvent.Kind.TWO_FACTOR_ON).count() == 1
    # This session stays signed in; the profile says two steps are on.
    assert "đang bật" in client.get(reverse("accounts:profile")).content.decode()


def test_a_sign_in_then_needs_the_code_before_any_page(center_user, with_two_steps):
    client = Client()
    assert sign_in(client).status_code == 302
    for name in ("home", "courses:course_list", "accounts:profile"):
        assert client.get(reverse(name))["Location"] == reverse("accounts:two_factor_verify")
    wrong = client.post(reverse("accounts:two_factor_verify"), {"code": "123456"}, follow=True)
    assert "Mã không đúng hoặc đã dùng" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(center_user, ahead=1)})
    assert client.get(reverse("courses:course_list")).status_code == 200


def test_a_recovery_code_works_once(center_user, with_two_steps):
    code = with_two_steps[0]
    first = Client()
    sign_in(first)
    response = first.post(reverse("accounts:two_factor_verify"), {"code": code}, follow=True)
    assert "còn 9 mã" in response.content.decode()
    second = Client()
    sign_in(second)
    second.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert second.get(reverse("home"))["Location"] == reverse("accounts:two_factor_verify")


def test_wrong_codes_lock_the_account_even_after_a_right_password(center_user, with_two_steps, board_user):
    client = Client()
    sign_in(client)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("accounts:two_factor_verify"), {"code": "111111"})
    locked = client.post(reverse("accounts:two_factor_verify"), {"code": "111111"})
    assert locked.status_code == 429 and "Tài khoản tạm thời bị khóa" in locked.content.decode()
    # The right password again (which clears the password's own failures) does not reopen the second step.
    again = Client()
    sign_in(again)
    assert again.post(reverse("accounts:two_factor_verify"), {"code": code_for(center_user, 1)}).status_code == 429
    assert "_auth_user_id" not in again.session  # and signed out
    # The board's account manager sees the lockout and lifts it.
    board_user.staff.manages_accounts = True
    board_user.staff.save()
    manager = Client()
    manager.force_login(board_user)
    assert (
        "Tạm khóa đăng nhập" in manager.get(reverse("accounts:account_detail", args=[center_user.pk])).content.decode()
    )
    manager.post(reverse("accounts:account_unlock", args=[center_user.pk]))
    fresh = Client()
    sign_in(fresh)
    fresh.post(reverse("accounts:two_factor_verify"), {"code": code_for(center_user, 1)})
    assert fresh.get(reverse("courses:course_list")).status_code == 200


def test_turning_two_steps_off_needs_the_password(center_user, with_two_steps):
    client = Client()
    sign_in(client)
    client.post(reverse("accounts:two_factor_verify"), {"code": with_two_steps[1]})
    wrong = client.post(reverse("accounts:two_factor"), {"action": "disable", "password": "sai"}, follow=True)
    assert "Mật khẩu không đúng" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=center_user, confirmed=True).exists()
    client.post(reverse("accounts:two_factor"), {"action": "disable", "password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=center_user, confirmed=True).exists()
    assert AccountEvent.objects.filter(user=center_user, kind=AccountEvent.Kind.TWO_FACTOR_OFF, by=center_user).exists()
    assert sign_in(Client()).status_code == 302


def test_the_setting_requires_two_steps_of_central_and_board_staff(settings, center_user, board_user):
    settings.TWO_FACTOR_REQUIRED = True
    board = Client()
    sign_in(board, "bantuyengiao")
    assert board.get(reverse("home"))["Location"] == reverse("accounts:two_factor")
    assert "phải đăng nhập hai bước" in board.get(reverse("accounts:two_factor")).content.decode()
    turn_on(board, board_user)
    assert board.get(reverse("home")).status_code == 200
    # Required: it cannot be turned off by the person.
    page = board.post(reverse("accounts:two_factor"), {"action": "disable", "password": PASSWORD}, follow=True)
    assert "bắt buộc đăng nhập hai bước" in page.content.decode()
    center = Client()
    sign_in(center)
    assert center.get(reverse("home")).status_code == 200  # optional for center staff


def test_a_manager_turns_off_two_steps_for_a_lost_phone(center_user, with_two_steps, board_user):
    board_user.staff.manages_accounts = True
    board_user.staff.save()
    manager = Client()
    manager.force_login(board_user)
    manager.post(reverse("accounts:account_two_factor_off", args=[center_user.pk]))
    assert not TOTPDevice.objects.filter(user=center_user).exists()
    event = AccountEvent.objects.get(user=center_user, kind=AccountEvent.Kind.TWO_FACTOR_OFF)
    assert event.by == board_user
    client = Client()
    sign_in(client)
    assert client.get(reverse("courses:course_list")).status_code == 200
