"""People and accounts (issue #24): everyone's own account (profile, password, sessions, "Quên mật khẩu?") and the
account managers' pages (list, create, edit and move, deactivate, lockouts, temporary passwords), with the audit."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centers.models import AccountEvent, Assignment, Staff

from .factories import CenterFactory, StaffFactory, UserFactory
from .helpers import committed

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Llct@2026"
NEW_PASSWORD = "Sen-vang-2027!"


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def manager(board_user):
    board_user.staff.manages_accounts = True
    board_user.staff.save()
    return board_user


def link_in(message) -> str:
    return re.search(r"https?://\S+/dat-mat-khau/\S+/", message.body).group(0)


# -- everyone's own account -----------------------------------------------------------------------------------------
def test_the_login_page_offers_quen_mat_khau(client):
    page = client.get(reverse("login")).content.decode()
    assert "Quên mật khẩu?" in page and reverse("accounts:password_reset") in page


def test_the_profile_shows_the_unit_role_and_last_sign_ins(client, center_user, center):
    center_user.email = "hanh@example.vn"
    center_user.save()
    sign_in(client, "trungtam")
    page = client.get(reverse("accounts:profile")).content.decode()
    for text in ("Nguyễn Thị Hạnh", "hanh@example.vn", center.name, "Cán bộ trung tâm chính trị"):
        assert text in page
    assert "127.0.0.1" in page  # the sign-in just made


def test_a_forgotten_password_is_reset_by_a_one_time_link_in_a_vietnamese_mail(client, center_user, center):
    center_user.email = "hanh@example.vn"
    center_user.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "HANH@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hanh@example.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    assert center.name in message.body and "72 giờ" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and center.name in html and "Đặt mật khẩu mới" in html
    link = link_in(message)

    # A weak password: Django's validators, in Vietnamese, and the password stays as it was.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    post_to = form_page.redirect_chain[-1][0]
    weak = client.post(post_to, {"new_password1": "12345678", "new_password2": "12345678"}).content.decode()
    assert "Mật khẩu này quá phổ biến" in weak or "hoàn toàn là số" in weak
    center_user.refresh_from_db()
    assert center_user.check_password(PASSWORD)

    done = client.post(post_to, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_reset_complete")
    center_user.refresh_from_db()
    assert center_user.check_password(NEW_PASSWORD)
    assert AccountEvent.objects.filter(user=center_user, kind=AccountEvent.Kind.PASSWORD_SET).count() == 1

    # The same link again: refused, in Vietnamese.
    again = client.get(link, follow=True).content.decode()
    assert "Liên kết này không còn dùng được" in again


def test_the_reset_reply_never_reveals_whether_an_email_is_registered(client, center_user):
    center_user.email = "hanh@example.vn"
    center_user.save()
    known = client.post(reverse("accounts:password_reset"), {"email": "hanh@example.vn"}, follow=True)
    unknown = client.post(reverse("accounts:password_reset"), {"email": "khong-co@example.vn"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())
    assert len(mail.outbox) == 1  # only the registered address got a message


def test_a_reset_link_expires_after_72_hours(client, center_user, monkeypatch):
    center_user.email = "hanh@example.vn"
    center_user.save()
    client.post(reverse("accounts:password_reset"), {"email": "hanh@example.vn"})
    link = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(hours=72, minutes=1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert "Liên kết này không còn dùng được" in client.get(link, follow=True).content.decode()
    monkeypatch.setattr(default_token_generator, "_now", lambda: later - datetime.timedelta(hours=2))
    assert "Lưu mật khẩu" in client.get(link, follow=True).content.decode()


def test_an_inactive_account_gets_no_reset_mail(client, center_user):
    center_user.email = "hanh@example.vn"
    center_user.is_active = False
    center_user.save()
    client.post(reverse("accounts:password_reset"), {"email": "hanh@example.vn"})
    assert mail.outbox == []


def test_changing_ones_password_checks_the_old_one_and_the_validators(client, center_user):
    sign_in(client, "trungtam")
    url = reverse("accounts:password_change")
    wrong = client.post(url, {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "Mật khẩu cũ không đúng. Vui lòng nhập lại." in wrong.content.decode()
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "trungtam", "new_password2": "trungtam"})
    assert "Mật khẩu quá giống với" in weak.content.decode() or "quá ngắn" in weak.content.decode()
    short = client.post(url, {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    page = short.content.decode()
    assert "Mật khẩu này quá ngắn: mật khẩu phải có ít nhất 8 ký tự." in page and "This password" not in page
    same = client.post(url, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "Mật khẩu mới phải khác mật khẩu đang dùng." in same.content.decode()
    center_user.refresh_from_db()
    assert center_user.check_password(PASSWORD)
    done = client.post(url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:profile")
    assert "Đã đổi mật khẩu" in client.get(done["Location"]).content.decode()
    assert signed_in(client)
    center_user.refresh_from_db()
    assert center_user.check_password(NEW_PASSWORD)


def test_signing_out_the_other_sessions_keeps_this_one(center_user):
    here, there = Client(), Client()
    sign_in(here, "trungtam")
    sign_in(there, "trungtam")
    assert there.get(reverse("accounts:profile")).status_code == 200
    response = here.post(reverse("accounts:end_other_sessions"), follow=True)
    assert "Đã đăng xuất 1 phiên đăng nhập khác" in response.content.decode()
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert there.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))
    assert AccountEvent.objects.filter(user=center_user, kind=AccountEvent.Kind.SESSIONS_ENDED).exists()


def test_a_temporary_password_must_be_changed_before_anything_else(client, center_user):
    Staff.objects.filter(user=center_user).update(must_change_password=True)
    response = sign_in(client, "trungtam")
    assert client.get(reverse("courses:course_list"))["Location"] == reverse("accounts:password_change")
    assert "mật khẩu tạm thời" in client.get(reverse("accounts:password_change")).content.decode()
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert client.get(reverse("courses:course_list")).status_code == 200
    assert response.status_code == 302
    assert not Staff.objects.get(user=center_user).must_change_password


# -- the managers' pages ------------------------------------------------------------------------------------------
def create(client, **data):
    payload = {
        "username": "nguyenvana",
        "last_name": "Nguyễn Văn",
        "first_name": "An",
        "email": "an@example.vn",
        "phone": "0912 345 678",
        "position": "Chuyên viên",
        "delivery": "link",
        **data,
    }
    with committed():
        return client.post(reverse("accounts:account_create"), payload)


def test_a_board_manager_creates_a_center_account_with_a_set_password_link(login, manager, center):
    client = login(manager)
    response = create(client, unit=center.pk)
    user = User.objects.get(username="nguyenvana")
    assert response["Location"] == reverse("accounts:account_detail", args=[user.pk])
    assert not user.has_usable_password()
    assert user.staff.unit == center and user.staff.phone == "0912 345 678"
    assert Assignment.objects.get(user=user).ended_on is None
    event = AccountEvent.objects.get(user=user, kind=AccountEvent.Kind.CREATED)
    assert event.by == manager and center.name in event.detail
    [message] = mail.outbox
    assert message.to == ["an@example.vn"] and center.name in message.subject and center.name in message.body
    assert "72 giờ" in message.body and message.alternatives[0][1] == "text/html"

    anonymous = Client()
    post_to = anonymous.get(link_in(message), follow=True).redirect_chain[-1][0]
    anonymous.post(post_to, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert sign_in(Client(), "nguyenvana", NEW_PASSWORD).status_code == 302
    page = client.get(reverse("accounts:account_detail", args=[user.pk])).content.decode()
    assert "Tạo tài khoản" in page and "Đặt lại mật khẩu qua liên kết" in page


def test_a_printed_temporary_password_works_once_and_must_be_changed(login, manager, center):
    client = login(manager)
    response = create(client, unit=center.pk, delivery="temporary", email="")
    password = re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)
    assert mail.outbox == []
    person = Client()
    assert sign_in(person, "nguyenvana", password).status_code == 302
    assert person.get(reverse("home"))["Location"] == reverse("accounts:password_change")
    assert AccountEvent.objects.filter(kind=AccountEvent.Kind.TEMPORARY_PASSWORD, by=manager).count() == 1


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"username": "TRUNGTAM"}, "Tên đăng nhập “TRUNGTAM” đã có người dùng."),
        ({"email": "DA.CO@example.vn"}, "đã được dùng cho tài khoản khác"),
        ({"username": "có dấu cách"}, "không có dấu cách"),
        ({"delivery": "link", "email": ""}, "Cần địa chỉ thư điện tử"),
        ({"phone": "gọi tôi"}, "Số điện thoại chỉ gồm chữ số"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(
    login, manager, center, center_user, data, field_message
):
    UserFactory(username="daco", email="da.co@example.vn")
    users, events = User.objects.count(), AccountEvent.objects.count()
    response = create(login(manager), unit=center.pk, **data)
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert (User.objects.count(), AccountEvent.objects.count(), len(mail.outbox)) == (users, events, 0)


def test_a_unit_outside_the_scope_or_a_role_above_is_refused(login, manager, far_center, central, center):
    users = User.objects.count()
    client = login(manager)
    for unit in (far_center, central):
        response = create(client, unit=unit.pk)
        assert "Đơn vị này không thuộc phạm vi quản lý tài khoản của đồng chí." in response.content.decode()
    response = create(client, unit=center.pk, manages_accounts="on")
    assert "Chỉ cán bộ Ban Tuyên giáo và Dân vận tỉnh mới được giao quản lý tài khoản" in response.content.decode()
    assert User.objects.count() == users


def test_who_may_create_accounts_where(login, center_user, board_user, central_user, center, province):
    users = User.objects.count()
    assert create(login(center_user), unit=center.pk).status_code == 403
    assert create(login(board_user), unit=center.pk).status_code == 403  # board staff not marked as a manager
    assert User.objects.count() == users
    client = login(central_user)
    assert f'value="{center.pk}"' not in client.get(reverse("accounts:account_create")).content.decode()
    create(client, unit=province.pk, manages_accounts="on")
    assert User.objects.get(username="nguyenvana").staff.manages_accounts


def test_a_move_to_another_unit_ends_the_old_assignment_and_opens_a_new_one(
    login, manager, center, other_center, far_center
):
    person = StaffFactory(unit=center, user=UserFactory(username="chuyen")).user
    Assignment.objects.create(user=person, unit=center, started_on=datetime.date(2024, 1, 1))
    client = login(manager)
    data = {"last_name": "Nguyễn Thị", "first_name": "Hạnh", "email": "", "phone": "", "position": ""}
    refused = client.post(reverse("accounts:account_edit", args=[person.pk]), {**data, "unit": far_center.pk})
    assert refused.status_code == 200 and Assignment.objects.filter(user=person).count() == 1
    client.post(reverse("accounts:account_edit", args=[person.pk]), {**data, "unit": other_center.pk})
    old, new = Assignment.objects.filter(user=person).order_by("pk")
    today = timezone.localdate()
    assert (old.unit, old.ended_on) == (center, today) and (new.unit, new.started_on, new.ended_on) == (
        other_center,
        today,
        None,
    )
    assert Staff.objects.get(user=person).unit == other_center
    event = AccountEvent.objects.get(user=person, kind=AccountEvent.Kind.UNIT_CHANGED)
    assert event.detail == f"{center.name} → {other_center.name}"


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_end(login, manager, center_user):
    person = Client()
    sign_in(person, "trungtam")
    client = login(manager)
    response = client.post(reverse("accounts:account_deactivate", args=[center_user.pk]), follow=True)
    assert "Đã khóa tài khoản" in response.content.decode()
    assert person.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert not signed_in(Client()) and sign_in(Client(), "trungtam").status_code == 200  # the form again
    assert User.objects.filter(pk=center_user.pk).exists() and Staff.objects.filter(user=center_user).exists()
    client.post(reverse("accounts:account_reactivate", args=[center_user.pk]))
    assert sign_in(Client(), "trungtam").status_code == 302
    kinds = set(AccountEvent.objects.filter(user=center_user).values_list("kind", flat=True))
    assert {AccountEvent.Kind.DEACTIVATED, AccountEvent.Kind.REACTIVATED} <= kinds


def test_a_manager_cannot_deactivate_themselves(login, manager):
    response = login(manager).post(reverse("accounts:account_deactivate", args=[manager.pk]), follow=True)
    assert "không thể tự khóa" in response.content.decode()
    manager.refresh_from_db()
    assert manager.is_active


def test_a_login_lockout_shows_in_the_list_and_is_lifted(login, manager, center_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "trungtam", "sai-mat-khau")
    assert sign_in(Client(), "trungtam").status_code == 429
    client = login(manager)
    assert "Tạm khóa đăng nhập" in client.get(reverse("accounts:account_list"), {"state": "locked"}).content.decode()
    client.post(reverse("accounts:account_unlock", args=[center_user.pk]))
    assert sign_in(Client(), "trungtam").status_code == 302
    assert AccountEvent.objects.filter(user=center_user, kind=AccountEvent.Kind.LOCKOUT_LIFTED, by=manager).exists()


def test_a_new_temporary_password_replaces_the_old_one(login, manager, center_user):
    response = login(manager).post(reverse("accounts:account_temporary_password", args=[center_user.pk]))
    password = re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)
    assert sign_in(Client(), "trungtam").status_code == 200  # the old password no longer works
    person = Client()
    sign_in(person, "trungtam", password)
    assert person.get(reverse("home"))["Location"] == reverse("accounts:password_change")


def test_the_list_is_scoped_and_searchable_without_diacritics(
    login, manager, center_user, far_center_user, other_center_user
):
    StaffFactory(unit=center_user.staff.unit, user=UserFactory(username="dvt", last_name="Đỗ Văn", first_name="Tùng"))
    client = login(manager)
    page = client.get(reverse("accounts:account_list")).content.decode()
    assert "trungtam" in page and "trungtamkhac" in page and "trungtamxa" not in page
    found = client.get(reverse("accounts:account_list"), {"q": "do van tung"}).content.decode()
    assert "Đỗ Văn Tùng" in found and "trungtamkhac" not in found
    # Center staff see who has access to their own center, nobody else's.
    own = login(center_user).get(reverse("accounts:account_list")).content.decode()
    assert "Đỗ Văn Tùng" in own and "trungtamkhac" not in own and "Tạo tài khoản" not in own


def test_account_changes_are_in_the_activity_log_of_those_who_manage_them(login, manager, center, center_user):
    create(login(manager), unit=center.pk)
    assert "Tài khoản Nguyễn Văn An" in login(manager).get(reverse("reports:activity")).content.decode()
    assert "Tài khoản Nguyễn Văn An" not in login(center_user).get(reverse("reports:activity")).content.decode()


def test_a_board_manages_the_accounts_of_a_center_its_province_took_over(login, manager, center, far_center):
    """A reorganisation: the far province's center merged into one of this province's centers."""
    far_center.merged_into = center
    far_center.active_to = datetime.date(2025, 6, 30)
    far_center.save()
    person = StaffFactory(unit=far_center, user=UserFactory(username="sapnhap")).user
    client = login(manager)
    assert "sapnhap" in client.get(reverse("accounts:account_list")).content.decode()
    assert client.get(reverse("accounts:account_edit", args=[person.pk])).status_code == 200
    client.post(reverse("accounts:account_deactivate", args=[person.pk]))
    person.refresh_from_db()
    assert not person.is_active


def test_a_new_center_account_can_be_moved_only_by_the_board_not_by_central(login, central_user, center_user):
    assert login(central_user).get(reverse("accounts:account_edit", args=[center_user.pk])).status_code == 403


def test_a_center_of_another_province_is_not_found(login, manager, far_center_user):
    assert login(manager).get(reverse("accounts:account_detail", args=[far_center_user.pk])).status_code == 404


def test_the_set_password_link_can_be_sent_again(login, manager, center):
    client = login(manager)
    create(client, unit=center.pk)
    user = User.objects.get(username="nguyenvana")
    with committed():
        client.post(reverse("accounts:account_send_link", args=[user.pk]))
    assert len(mail.outbox) == 2 and "Đặt mật khẩu" in mail.outbox[1].subject


def test_a_new_center_is_offered_only_when_active(login, manager, province):
    retired = CenterFactory(parent=province, active_to=datetime.date(2020, 1, 1), area_name="huyện Cũ")
    page = login(manager).get(reverse("accounts:account_create")).content.decode()
    assert retired.name not in page and province.name in page


def test_board_staff_not_marked_as_managers_only_see_the_accounts(login, board_user, center_user):
    client = login(board_user)
    assert client.get(reverse("accounts:account_detail", args=[center_user.pk])).status_code == 200
    assert client.get(reverse("accounts:account_edit", args=[center_user.pk])).status_code == 403
    assert client.post(reverse("accounts:account_deactivate", args=[center_user.pk])).status_code == 403
    assert client.post(reverse("accounts:account_temporary_password", args=[center_user.pk])).status_code == 403
    center_user.refresh_from_db()
    assert center_user.is_active and center_user.check_password(PASSWORD)
    assert not AccountEvent.objects.exists()


def test_after_a_password_change_this_session_can_still_be_signed_out_from_elsewhere(center_user):
    here = Client()
    sign_in(here, "trungtam")
    here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert here.get(reverse("accounts:profile")).status_code == 200
    there = Client()
    sign_in(there, "trungtam", NEW_PASSWORD)
    there.post(reverse("accounts:end_other_sessions"))
    assert here.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))
    assert there.get(reverse("accounts:profile")).status_code == 200


def test_the_audit_of_an_account_is_shown_to_its_managers_not_to_colleagues(login, manager, center_user, center):
    create(login(manager), unit=center.pk)
    colleague = User.objects.get(username="nguyenvana")
    assert (
        "Nhật ký tài khoản"
        in login(manager).get(reverse("accounts:account_detail", args=[colleague.pk])).content.decode()
    )
    seen_by_center = login(center_user).get(reverse("accounts:account_detail", args=[colleague.pk])).content.decode()
    assert "Nguyễn Văn An" in seen_by_center and "Nhật ký tài khoản" not in seen_by_center
