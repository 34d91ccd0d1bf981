"""Many accounts at once from a workbook: the template, the preview with every problem by row and column, and the
confirmation that writes all the accounts or none."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from centers.models import AccountEvent, Assignment

from .factories import UserFactory
from .helpers import committed

pytestmark = pytest.mark.django_db
User = get_user_model()
HEADINGS = [
    "Tên đăng nhập",
    "Họ và tên đệm",
    "Tên",
    "Thư điện tử",
    "Điện thoại",
    "Chức vụ",
    "Mã đơn vị",
    "Cách trao mật khẩu",
]


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def manager(board_user):
    board_user.staff.manages_accounts = True
    board_user.staff.save()
    return board_user


def workbook(rows, headings=HEADINGS) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tài khoản"
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("tai-khoan.xlsx", out.getvalue())


GOOD = [
    ["tt.an", "Nguyễn Văn", "An", "an@example.vn", 912345678, "Chuyên viên", "10-080", "Gửi liên kết"],
    ["tt.binh", "Lê Thị", "Bình", "", "", "", "10-082", "Mật khẩu tạm thời"],
    ["ban.cuong", "Trần", "Cường", "cuong@example.vn", "", "Phó trưởng ban", "10", ""],
]


def upload(client, rows, **kwargs):
    return client.post(reverse("accounts:account_import"), {"file": workbook(rows, **kwargs)})


def nothing_written(before):
    return (User.objects.count(), AccountEvent.objects.count(), len(mail.outbox)) == before


def counts():
    return (User.objects.count(), AccountEvent.objects.count(), len(mail.outbox))


def test_the_template_lists_the_columns_and_the_managers_units(login, manager, center, other_center, far_center):
    response = login(manager).get(reverse("accounts:account_import_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["Tài khoản"][1]] == HEADINGS
    units = {row[0]: row[1] for row in book["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert units == {"10": manager.staff.unit.name, "10-080": center.name, "10-082": other_center.name}
    assert far_center.name not in units.values()


def test_a_valid_workbook_is_previewed_then_written_all_at_once(login, manager, center, other_center, province):
    client = login(manager)
    before = counts()
    preview = upload(client, GOOD)
    page = preview.content.decode()
    assert preview.status_code == 200 and "3 tài khoản sẽ được tạo" in page and center.name in page
    assert nothing_written(before)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    with committed():
        done = client.post(reverse("accounts:account_import"), {"confirm": "1", "token": token})
    page = done.content.decode()
    assert "Đã tạo 3 tài khoản" in page
    an, binh, cuong = (User.objects.get(username=u) for u in ("tt.an", "tt.binh", "ban.cuong"))
    assert (an.staff.unit, binh.staff.unit, cuong.staff.unit) == (center, other_center, province)
    assert an.staff.phone == "912345678" and cuong.staff.position == "Phó trưởng ban"
    assert Assignment.objects.filter(user__in=[an, binh, cuong], ended_on__isnull=True).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["an@example.vn", "cuong@example.vn"]
    assert binh.staff.must_change_password and re.search(r'class="temporary-password">[^<]{12}<', page)
    # The confirmation cannot be posted twice.
    again = client.post(reverse("accounts:account_import"), {"confirm": "1", "token": token}, follow=True)
    assert "Bản xem trước đã hết hạn" in again.content.decode()
    assert User.objects.filter(username__startswith="tt.").count() == 2


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_written(login, manager, center, far_center):
    UserFactory(username="da.co", email="trung@example.vn")
    rows = [
        ["DA.CO", "Nguyễn Văn", "An", "an@example.vn", "", "", "10-080", ""],  # 2: username taken
        ["moi.a", "Nguyễn Văn", "", "trung@example.vn", "", "", "10-080", ""],  # 3: no first name, email taken
        ["moi.b", "Lê", "Bình", "khong-phai-email", "", "", "42-436", ""],  # 4: bad email, unit elsewhere
        ["moi.b", "Lê", "Bình", "", "gọi tôi", "", "10", "Bồ câu"],  # 5: same username as row 4, phone, delivery
    ]
    client = login(manager)
    before = counts()
    response = upload(client, rows)
    assert response.status_code == 400
    found = re.findall(r"<tr><td>(\d+)</td><td>([A-H]) \([^)]*\)</td>", response.content.decode())
    assert set(found) >= {
        ("2", "A"),
        ("3", "C"),
        ("3", "D"),
        ("4", "D"),
        ("4", "G"),
        ("5", "A"),
        ("5", "E"),
        ("5", "H"),
    }
    page = response.content.decode()
    assert "Trùng với dòng 4 của tệp." in page and "không có trong phạm vi quản lý" in page
    assert "Ghi tất cả" not in page
    assert nothing_written(before)


def test_a_malformed_file_is_refused_with_a_clear_message(login, manager):
    client = login(manager)
    before = counts()
    not_a_workbook = client.post(
        reverse("accounts:account_import"), {"file": SimpleUploadedFile("x.xlsx", b"hello, not a zip")}
    )
    assert not_a_workbook.status_code == 400
    assert (
        "Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống." in not_a_workbook.content.decode()
    )
    wrong_columns = upload(client, GOOD, headings=["Họ tên", "Đơn vị"])
    assert "Dòng 1 của trang “Tài khoản” phải là các cột" in wrong_columns.content.decode()
    empty = upload(client, [])
    assert "Tệp không có tài khoản nào" in empty.content.decode()
    assert nothing_written(before)


def test_all_or_nothing_when_the_data_changed_after_the_preview(login, manager, center, other_center):
    client = login(manager)
    page = upload(client, GOOD).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    UserFactory(username="tt.binh")  # someone else took a username in the meantime
    before = counts()
    response = client.post(reverse("accounts:account_import"), {"confirm": "1", "token": token})
    assert response.status_code == 400
    assert "Dòng 3, cột A (Tên đăng nhập): Tên đăng nhập “tt.binh” đã có người dùng." in response.content.decode()
    assert nothing_written(before) and not User.objects.filter(username="tt.an").exists()


def test_only_account_managers_may_import(login, center_user, board_user):
    for user in (center_user, board_user):
        client = login(user)
        assert upload(client, GOOD).status_code == 403
        assert client.get(reverse("accounts:account_import_template")).status_code == 403
    assert not User.objects.filter(username="tt.an").exists()


def test_too_many_rows_are_refused_before_they_are_read(login, manager, center):
    client = login(manager)
    before = counts()
    many = [[f"tk{n}", "Nguyễn", "An", "", "", "", "10-080", "Mật khẩu tạm thời"] for n in range(501)]
    assert "Mỗi lần nhập tối đa 500 tài khoản" in upload(client, many).content.decode()
    blank_tail = [[None] * 8 for _ in range(5_100)] + [["tk", "Nguyễn", "An", "", "", "", "10-080", ""]]
    assert "có quá nhiều dòng (trên 5.000 dòng, kể cả dòng trống)" in upload(client, blank_tail).content.decode()
    assert nothing_written(before)
