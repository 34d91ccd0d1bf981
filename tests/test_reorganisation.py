"""Reorganisation plans (issue #22): the workbook read with every problem by sheet, row and column; the preview;
the plan applied in one transaction, once; the figures exact across it; the accounts that follow it."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from centers.auth import StaffBackend
from centers.models import AccountEvent, Assignment, Job, ReorganisationPlan, ServedCommune, Staff, Unit, UnitName
from centers.periods import Period
from centers.reorganisation import apply_plan, preview, read_plan, write_template
from centers.reorganisation import applying as applying_module
from centers.reorganisation.impact import open_work
from centers.scoping import Action, Scope
from courses import services
from courses.models import Course, Lecturer
from reports import services as report_services
from reports.figures import counting
from reports.models import FiguresEpoch
from reports.selectors import reorganisation_open_work

from .factories import (
    CenterFactory,
    CourseFactory,
    EnrolmentFactory,
    LecturerFactory,
    ProvinceFactory,
    ReportFactory,
    StaffFactory,
    UserFactory,
    approve,
    program,
)
from .test_hostile_files import CORPUS, hostile_file
from .test_import import assert_refused, do_import, klass, xlsx

pytestmark = pytest.mark.django_db

D = datetime.date
JULY = D(2025, 7, 1)


def plan_file(day="01/07/2025", name="Sắp xếp theo Nghị quyết 202/2025/QH15", **rows) -> bytes:
    """A plan filled into the downloadable template: rows={"Đóng đơn vị": [[...], ...], ...}."""
    book = load_workbook(io.BytesIO(write_template()))
    sheet = book["Phương án"]
    sheet["B1"], sheet["B2"], sheet["B3"] = name, "Nghị quyết 202/2025/QH15", day
    for title, values in rows.items():
        for number, row in enumerate(values, start=2):
            for column, value in enumerate(row, start=1):
                book[title].cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def yen_bai(db):
    return ProvinceFactory(code="15", area_name="Yên Bái", name="Ban Tuyên giáo Tỉnh ủy Yên Bái")


@pytest.fixture
def yen_bai_center(yen_bai):
    return CenterFactory(parent=yen_bai, code="132", area_name="thành phố Yên Bái")


@pytest.fixture
def reform(province, center, center_user, yen_bai, yen_bai_center):
    """Lào Cai's board renamed, Yên Bái merged into Lào Cai, a commune-level center founded serving two communes,
    the district centers of both closed into it."""
    StaffFactory(user=UserFactory(username="bantg.yenbai", first_name="Lan", last_name="Trần Thị"), unit=yen_bai)
    StaffFactory(user=UserFactory(username="tt.yenbai"), unit=yen_bai_center)
    Assignment.objects.create(user=center_user, unit=center, started_on=D(2020, 1, 1))
    return plan_file(
        **{
            "Đổi tên": [["10", "", "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai", "01/03/2025"]],
            "Sáp nhập tỉnh": [["15", "Yên Bái", "10", ""]],
            "Đơn vị mới": [
                [
                    "10",
                    "02680",
                    "Trung tâm Chính trị phường Cam Đường",
                    "Trung tâm chính trị xã, phường, đặc khu",
                    "phường Cam Đường",
                    "phường",
                    "Đảng ủy phường Cam Đường",
                    "",
                    "",
                ]
            ],
            "Xã, phường phục vụ": [
                ["10", "02680", "phường", "Cam Đường", "02680", ""],
                ["10", "02680", "xã", "Hợp Thành", "02686", ""],
            ],
            "Đóng đơn vị": [["10", "080", "", "10", "02680"], ["15", "132", "", "10", "02680"]],
        }
    )


# -- the template -------------------------------------------------------------------------------------------------
def test_the_template_has_the_agreed_sheets_and_explains_the_format():
    book = load_workbook(io.BytesIO(write_template()))
    assert book.sheetnames == [
        "Hướng dẫn",
        "Phương án",
        "Đổi tên",
        "Sáp nhập tỉnh",
        "Đơn vị mới",
        "Xã, phường phục vụ",
        "Đóng đơn vị",
    ]
    assert [c.value for c in book["Đóng đơn vị"][1]] == [
        "Mã tỉnh",
        "Mã đơn vị",
        "Ngày hiệu lực",
        "Mã tỉnh kế thừa",
        "Mã đơn vị kế thừa",
    ]
    assert [c.value for c in book["Sáp nhập tỉnh"][1]] == [
        "Mã tỉnh bị sáp nhập",
        "Tên tỉnh bị sáp nhập",
        "Mã tỉnh hợp nhất",
        "Ngày hiệu lực",
    ]
    guide = " ".join(str(row[0].value or "") for row in book["Hướng dẫn"].iter_rows())
    assert "NGÀY ĐẦU TIÊN" in guide and "11311" in guide
    empty = read_plan(write_template())
    assert any("không có thay đổi nào" in str(e) for e in empty.errors)


# -- reading: every problem by sheet, row and column ------------------------------------------------------------------
def problems(content):
    return {(p.sheet, p.row, p.column): p.message for p in read_plan(content).errors}


def test_every_problem_is_named_by_sheet_row_and_column(province, center, other_center, yen_bai, yen_bai_center):
    Unit.objects.filter(pk=yen_bai_center.pk).update(active_to=D(2025, 3, 31))
    content = plan_file(
        **{
            "Đổi tên": [["99", "", "Ban X", ""], ["10", "777", "Trung tâm Y", ""]],
            "Sáp nhập tỉnh": [["15", "Hà Giang", "10", ""]],
            "Đơn vị mới": [
                ["10", "080", "Trung tâm khác", "Trường Chính trị", "", "", "", "", ""],
                ["10", "1131", "Trung tâm xã A", "Trung tâm chính trị xã, phường, đặc khu", "xã A", "xã", "", "", ""],
            ],
            "Xã, phường phục vụ": [["10", "080", "phường", "Cam Đường", "2680", ""]],
            "Đóng đơn vị": [
                ["10", "080", "01/01/2018", "", ""],
                ["10", "082x", "", "", ""],
                ["10", "082", "01/07/2025", "15", "132"],
            ],
        }
    )
    found = problems(content)
    assert "mã “99”" in found[("Đổi tên", 2, "A (Mã tỉnh)")]
    assert "không có đơn vị mã “777”" in found[("Đổi tên", 3, "B (Mã đơn vị)")]
    assert "không phải “Hà Giang”" in found[("Sáp nhập tỉnh", 2, "B (Tên tỉnh bị sáp nhập)")]
    assert "đã có đơn vị mã “080”" in found[("Đơn vị mới", 2, "B (Mã đơn vị)")]
    assert "5 chữ số" in found[("Đơn vị mới", 3, "B (Mã đơn vị)")]
    assert "5 chữ số" in found[("Xã, phường phục vụ", 2, "E (Mã đơn vị hành chính)")]
    assert "bắt đầu hoạt động (01/01/2018)" in found[("Đóng đơn vị", 2, "C (Ngày hiệu lực)")]
    assert "082x" in found[("Đóng đơn vị", 3, "B (Mã đơn vị)")]
    assert "đã ngừng hoạt động từ 01/04/2025" in found[("Đóng đơn vị", 4, "E (Mã đơn vị kế thừa)")]


def test_a_missing_sheet_or_column_and_a_file_that_is_not_a_workbook_are_named(province):
    book = Workbook()
    book.active.title = "Đóng đơn vị"
    book.active.append(["Mã tỉnh", "Mã đơn vị", "Ngày hiệu lực"])
    book.active.append(["10", "080", "01/07/2025"])
    out = io.BytesIO()
    book.save(out)
    found = problems(out.getvalue())
    assert "Thiếu trang “Phương án”" in found[("Phương án", 0, "")]
    assert "Thiếu cột “Mã tỉnh kế thừa”" in found[("Đóng đơn vị", 1, "Mã tỉnh kế thừa")]
    assert list(problems(b"Ma tinh;Ma don vi\n10;080\n").values()) == [
        "Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống."
    ]


def test_an_unreadable_date_a_name_too_long_and_a_row_without_a_date_are_named(province, center):
    content = plan_file(
        day="",
        **{
            "Đổi tên": [["10", "080", "T" * 300, "01/03/2025"]],
            "Đóng đơn vị": [["10", "080", "30/02/2025", "", ""], ["10", "082", "", "", ""]],
            "Xã, phường phục vụ": [["10", "080", "thôn", "", "11311", "01/07/2025"]],
        },
    )
    found = problems(content)
    assert "Dài quá 255 ký tự" in found[("Đổi tên", 2, "C (Tên mới)")]
    assert "“30/02/2025” không đọc được" in found[("Đóng đơn vị", 2, "C (Ngày hiệu lực)")]
    assert "Chưa có ngày hiệu lực" in found[("Đóng đơn vị", 3, "C (Ngày hiệu lực)")]
    assert "“xã”, “phường” hoặc “đặc khu”" in found[("Xã, phường phục vụ", 2, "C (Loại)")]
    assert "Chưa ghi tên" in found[("Xã, phường phục vụ", 2, "D (Tên)")]


def test_codes_excel_stripped_of_their_zeros_and_dates_as_excel_dates_are_read(province, center):
    content = plan_file(day=datetime.datetime(2025, 7, 1), **{"Đóng đơn vị": [[10, 80, None, None, None]]})
    plan = read_plan(content)
    assert plan.errors == []
    assert plan.closures[0].unit == center and plan.closures[0].last_day == D(2025, 6, 30)


# -- preview ------------------------------------------------------------------------------------------------------
def test_the_preview_names_what_closes_opens_the_accounts_moved_and_the_open_work(reform, center, yen_bai_center):
    ReportFactory(center=center, year=2025, quarter=2, status="draft")
    ReportFactory(center=yen_bai_center, year=2025, quarter=2, status="returned")
    ReportFactory(center=center, year=2025, quarter=1, status="approved")
    shown = preview(read_plan(reform))
    text = shown.text()
    assert shown.applicable
    assert "Yên Bái sáp nhập vào Lào Cai từ 01/07/2025 (Yên Bái ngừng hoạt động sau ngày 30/06/2025)" in text
    assert "“Ban Tuyên giáo Tỉnh ủy Lào Cai” → “Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai” từ 01/03/2025" in text
    assert "Trung tâm Chính trị phường Cam Đường (mã 02680, thuộc Lào Cai) hoạt động từ 01/07/2025" in text
    assert "phục vụ xã Hợp Thành (mã 02686)" in text
    assert f"{center.name} ngừng hoạt động sau ngày 30/06/2025, kế thừa: Trung tâm Chính trị phường Cam Đường" in text
    assert "Trần Thị Lan (bantg.yenbai): Ban Tuyên giáo Tỉnh ủy Yên Bái → Ban Tuyên giáo Tỉnh ủy Lào Cai" in text
    assert "(trungtam):" in text and "(tt.yenbai):" in text
    assert f"{center.name} – quý II/2025: báo cáo đang soạn" in text
    assert f"{yen_bai_center.name} – quý II/2025: báo cáo trả lại" in text
    assert "quý I/2025" not in text  # approved: not open work


def test_the_reports_app_tells_the_open_work_of_the_closing_centers(center, other_center):
    ReportFactory(center=center, year=2025, quarter=2, status="submitted")
    ReportFactory(center=center, year=2025, quarter=3, status="draft")  # begins after the last day
    ReportFactory(center=other_center, year=2025, quarter=2, status="draft")  # not closing
    expected = [(center.pk, "quý II/2025: báo cáo đã gửi")]
    assert [(w.unit_id, w.label) for w in reorganisation_open_work({center.pk: D(2025, 6, 30)})] == expected
    assert [(w.unit_id, w.label) for w in open_work({center.pk: D(2025, 6, 30)})] == expected  # registered


# -- applying -----------------------------------------------------------------------------------------------------
def test_applying_writes_the_whole_plan_and_records_it(
    reform, province, center, yen_bai, yen_bai_center, center_user, central_user
):
    course = CourseFactory(center=center, start_date=D(2025, 5, 5))
    record = apply_plan(read_plan(reform), by=central_user, file_name="phuong-an.xlsx")
    new = Unit.objects.get(parent=province, code="02680")
    assert (new.kind, new.center_level, new.area_kind, new.active_from) == ("center", "commune", "phuong", JULY)
    assert new.party_committee == "Đảng ủy phường Cam Đường"
    assert sorted(new.served_communes.values_list("code", "kind")) == [("02680", "phuong"), ("02686", "xa")]
    for unit, successor in ((center, new), (yen_bai_center, new), (yen_bai, province)):
        unit.refresh_from_db()
        assert (unit.active_to, unit.merged_into) == (D(2025, 6, 30), successor)
    province.refresh_from_db()
    assert province.name == "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai"
    assert province.name_on(D(2024, 12, 31)) == "Ban Tuyên giáo Tỉnh ủy Lào Cai"
    assert UnitName.objects.get(unit=province).valid_to == D(2025, 2, 28)
    # The class keeps the unit that ran it; the accounts followed the plan.
    assert Course.objects.get(pk=course.pk).center == center
    assert Staff.objects.get(user=center_user).unit == new
    assert Staff.objects.get(user__username="bantg.yenbai").unit == province
    ended = Assignment.objects.get(user=center_user, unit=center)
    opened = Assignment.objects.get(user=center_user, unit=new)
    assert opened.ended_on is None and opened.started_on == JULY and ended.ended_on >= ended.started_on
    event = AccountEvent.objects.get(user=center_user, kind=AccountEvent.Kind.UNIT_CHANGED)
    assert event.by == central_user and event.unit == new and "Nghị quyết 202" in event.detail
    assert (record.applied_by, record.file_name, record.effective_date) == (central_user, "phuong-an.xlsx", JULY)
    assert bytes(record.content) == reform
    assert set(record.units.all()) >= {province, yen_bai, center, yen_bai_center, new}
    assert record.summary["closes"] and record.summary["accounts"]
    assert list(center.reorganisation_plans.all()) == [record]


def test_the_same_plan_twice_changes_nothing_and_says_so(reform, central_user):
    apply_plan(read_plan(reform), by=central_user)
    counts = (
        Unit.objects.count(),
        ServedCommune.objects.count(),
        Assignment.objects.count(),
        AccountEvent.objects.count(),
    )
    with pytest.raises(ValidationError, match="đã được áp dụng lúc .* bởi Nguyễn Thị Hạnh"):
        apply_plan(read_plan(reform), by=central_user)
    assert "đã được áp dụng" in preview(read_plan(reform)).text()
    # Another file saying the same: every row is found already in effect.
    again = plan_file(
        name="Bản sao",
        **{
            "Đóng đơn vị": [["10", "080", "", "10", "02680"]],
            "Xã, phường phục vụ": [["10", "02680", "xã", "Hợp Thành", "02686", ""]],
        },
    )
    shown = preview(read_plan(again))
    assert shown.nothing_to_do and "đã có hiệu lực" in shown.text()
    with pytest.raises(ValidationError, match="đã có hiệu lực"):
        apply_plan(read_plan(again), by=central_user)
    assert counts == (
        Unit.objects.count(),
        ServedCommune.objects.count(),
        Assignment.objects.count(),
        AccountEvent.objects.count(),
    )
    assert ReorganisationPlan.objects.count() == 1


def test_a_plan_with_an_error_or_failing_midway_writes_nothing(reform, province, center, central_user, monkeypatch):
    broken = plan_file(**{"Đóng đơn vị": [["10", "080", "", "10", ""], ["10", "999", "", "", ""]]})
    with pytest.raises(ValidationError) as raised:
        apply_plan(read_plan(broken), by=central_user)
    assert "Trang “Đóng đơn vị”, dòng 3, cột B (Mã đơn vị)" in raised.value.messages[0]
    center.refresh_from_db()
    assert center.active_to is None

    def fail(*args, **kwargs):
        raise RuntimeError("giữa chừng")

    monkeypatch.setattr(applying_module.accounts, "move_to_successor", fail)
    with pytest.raises(RuntimeError):
        apply_plan(read_plan(reform), by=central_user)
    center.refresh_from_db()
    assert center.active_to is None and not Unit.objects.filter(code="02680").exists()
    assert not ReorganisationPlan.objects.exists() and not UnitName.objects.filter(unit=province).exists()


def test_the_figures_stay_exact_across_a_plan(reform, province, center, other_center, yen_bai_center, central_user):
    for unit, day in (
        (center, D(2024, 11, 4)),
        (center, D(2025, 2, 3)),
        (other_center, D(2025, 5, 12)),
        (yen_bai_center, D(2025, 4, 7)),
    ):
        EnrolmentFactory(course=CourseFactory(center=unit, start_date=day))
    before = {key: counting.rollup(unit=province, period=Period.parse(key), raw=True) for key in ("2025-Q2", "2024")}
    cached = counting.rollup(unit=province, period=Period.parse("2025-Q2"))
    epoch = FiguresEpoch.objects.values_list("token", flat=True).first()
    apply_plan(read_plan(reform), by=central_user)
    assert FiguresEpoch.objects.values_list("token", flat=True).first() != epoch
    call_command("check_aggregates", stdout=io.StringIO())  # raises on any difference
    for key, then in before.items():
        now = counting.rollup(unit=province, period=Period.parse(key))
        assert (now.total, now.by_center) == (then.total, then.by_center), key
    assert counting.rollup(unit=province, period=Period.parse("2025-Q2")).total == cached.total


# -- the pages (central staff) and the command --------------------------------------------------------------------
def test_central_staff_upload_a_plan_see_its_preview_and_confirm_it_once(login, central_user, reform, center):
    client = login(central_user)
    template = client.get(reverse("accounts:reorganisation_template"))
    assert "Hướng dẫn" in load_workbook(io.BytesIO(template.content)).sheetnames
    shown = client.post(reverse("accounts:reorganisation"), {"file": SimpleUploadedFile("pa-202.xlsx", reform)})
    assert shown.status_code == 200
    page = shown.content.decode()
    assert "Áp dụng phương án" in page and "Tài khoản chuyển sang đơn vị kế thừa" in page
    assert "Trần Thị Lan (bantg.yenbai)" in page
    center.refresh_from_db()
    assert center.active_to is None  # a preview writes nothing
    token = shown.context["token"]
    done = client.post(reverse("accounts:reorganisation_apply"), {"token": token}, follow=True)
    record = ReorganisationPlan.objects.get()
    assert done.redirect_chain[-1][0] == reverse("accounts:reorganisation_detail", args=[record.pk])
    assert "Đã áp dụng phương án “Sắp xếp theo Nghị quyết 202/2025/QH15”" in done.content.decode()
    assert record.applied_by == central_user and record.file_name == "pa-202.xlsx"
    central_user.first_name, central_user.last_name = "Tuấn", "Lê Minh"  # family name first, as Vietnamese is read
    central_user.save()
    listed = client.get(reverse("accounts:reorganisation")).content.decode()
    assert "Lê Minh Tuấn" in listed and "Tuấn Lê Minh" not in listed
    job = Job.objects.get(kind="reorganise")  # applied through a background job (in this process: no broker)
    assert (job.user, job.state, job.label) == (central_user, Job.State.DONE, "Áp dụng phương án pa-202.xlsx")
    center.refresh_from_db()
    assert center.active_to == D(2025, 6, 30)
    again = client.post(reverse("accounts:reorganisation_apply"), {"token": token}, follow=True)
    assert "đã được áp dụng. Hãy tải tệp lên lại" in again.content.decode()
    reupload = client.post(reverse("accounts:reorganisation"), {"file": SimpleUploadedFile("pa.xlsx", reform)})
    assert reupload.status_code == 400 and "token" not in reupload.context
    assert "đã được áp dụng lúc" in reupload.content.decode()
    assert ReorganisationPlan.objects.count() == 1
    listed = client.get(reverse("accounts:reorganisation")).content.decode()
    assert "Sắp xếp theo Nghị quyết 202/2025/QH15" in listed
    assert client.get(reverse("accounts:reorganisation_file", args=[record.pk])).content == reform


def test_a_plan_with_errors_shows_them_by_sheet_row_and_column_and_cannot_be_confirmed(login, central_user, center):
    client = login(central_user)
    bad = plan_file(**{"Đóng đơn vị": [["10", "999", "", "", ""]]})
    shown = client.post(reverse("accounts:reorganisation"), {"file": SimpleUploadedFile("pa.xlsx", bad)})
    assert shown.status_code == 400 and "token" not in shown.context
    assert (
        "Trang “Đóng đơn vị”, dòng 2, cột B (Mã đơn vị): Tỉnh “Lào Cai” không có đơn vị mã “999”."
        in shown.content.decode()
    )
    refused = client.post(reverse("accounts:reorganisation_apply"), {"token": "doan-bua"}, follow=True)
    assert "hết hạn" in refused.content.decode() and not ReorganisationPlan.objects.exists()


def test_the_unit_page_shows_its_names_its_successor_and_the_plan(
    login, board_user, other_board_user, central_user, reform, province, yen_bai_center
):
    record = apply_plan(read_plan(reform), by=central_user)
    page = login(board_user).get(reverse("accounts:unit_detail", args=["10"])).content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy Lào Cai (01/01/2000 – 28/02/2025)" in page
    assert "Ban Tuyên giáo Tỉnh ủy Yên Bái" in page  # merged into it
    assert record.name in page
    closed = login(board_user).get(reverse("accounts:unit_detail", args=["15-132"])).content.decode()
    assert "Trung tâm Chính trị phường Cam Đường" in closed and "30/06/2025" in closed
    assert login(other_board_user).get(reverse("accounts:unit_detail", args=["15-132"])).status_code == 404


def test_the_command_prints_the_preview_and_applies_once(tmp_path, reform, central_user, center):
    path = tmp_path / "phuong-an.xlsx"
    path.write_bytes(reform)
    out = io.StringIO()
    call_command("reorganise", str(path), "--dry-run", stdout=out)
    assert "Yên Bái sáp nhập vào Lào Cai" in out.getvalue() and "Chạy thử" in out.getvalue()
    assert text_of(read_plan(reform)) in out.getvalue()  # the same text as the page's preview
    center.refresh_from_db()
    assert center.active_to is None
    call_command("reorganise", str(path), "--apply", "--by", "trunguong", stdout=io.StringIO())
    assert ReorganisationPlan.objects.get().applied_by == central_user
    with pytest.raises(CommandError, match="đã được áp dụng"):
        call_command("reorganise", str(path), "--apply", stdout=io.StringIO())
    (tmp_path / "hong.xlsx").write_bytes(b"khong phai excel")
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("reorganise", str(tmp_path / "hong.xlsx"), "--dry-run", stdout=io.StringIO())


def text_of(plan):
    return preview(plan).text()


# -- accounts across the change -----------------------------------------------------------------------------------
def test_staff_of_a_closed_center_read_its_past_and_write_nothing_dated_after_it_closed(
    center, center_user, login, central_user
):
    course = CourseFactory(center=center, start_date=D(2025, 5, 5))
    apply_plan(read_plan(plan_file(**{"Đóng đơn vị": [["10", "080", "", "", ""]]})), by=central_user)
    center.refresh_from_db()
    scope = Scope.for_user(center_user)
    assert scope.unit == center and scope.can(Action.VIEW, center)
    fields = {"program": program("KND"), "code": "M1", "title": "Lớp mới", "format": "truc_tiep", "status": "finished"}
    services.course_create(scope=scope, center=center, start_date=D(2025, 6, 2), end_date=D(2025, 6, 5), **fields)
    with pytest.raises(ValidationError, match="đã ngừng hoạt động từ 01/07/2025"):
        services.course_create(
            scope=scope, center=center, start_date=D(2025, 7, 2), end_date=D(2025, 7, 5), **{**fields, "code": "M2"}
        )
    report_services.report_get_or_create(scope=scope, center=center, period=Period.parse("2025-Q2"))
    with pytest.raises(PermissionDenied):
        report_services.report_get_or_create(scope=scope, center=center, period=Period.parse("2025-Q3"))
    client = login(center_user)
    assert client.get(reverse("courses:course_detail", args=[course.pk])).status_code == 200
    assert client.post(reverse("reports:save", args=["10-080", "2025-Q3"]), {"achievements": "x"}).status_code == 403
    assert not client.get(reverse("reports:report", args=["10-080", "2025-Q3"])).context["editable"]
    assert client.get(reverse("reports:report", args=["10-080", "2025-Q2"])).context["editable"]
    for year, quarter in ((2024, 3), (2024, 4), (2025, 1)):
        approve(center, year, quarter)
    center.reports.filter(year=2025, quarter=2).update(status="approved")
    # Nothing left to do: the menu opens the center's last quarter, not one after the close.
    assert client.get(reverse("reports:index"))["Location"] == reverse("reports:report", args=["10-080", "2025-Q2"])


def test_a_closed_centers_lecturers_are_read_only(center, center_user, login, central_user):
    lecturer = LecturerFactory(center=center, full_name="Nguyễn Văn Giảng")
    client = login(center_user)
    assert "Thêm giảng viên" in client.get(reverse("courses:lecturer_list")).content.decode()
    apply_plan(read_plan(plan_file(**{"Đóng đơn vị": [["10", "080", "", "", ""]]})), by=central_user)
    center.refresh_from_db()
    scope = Scope.for_user(center_user)
    for write in (
        lambda: services.lecturer_create(scope=scope, center=center, full_name="Lê Mới", kind="chuyen_trach"),
        lambda: services.lecturer_update(scope=scope, lecturer=lecturer, full_name="Nguyễn Văn Sửa"),
        lambda: services.lecturer_retire(scope=scope, lecturer=lecturer),
    ):
        with pytest.raises(PermissionDenied, match="đã ngừng hoạt động từ 01/07/2025"):
            write()
    listed = client.get(reverse("courses:lecturer_list")).content.decode()
    assert "Nguyễn Văn Giảng" in listed and "Thêm giảng viên" not in listed
    assert reverse("courses:lecturer_edit", args=[lecturer.pk]) not in listed
    assert client.get(reverse("courses:lecturer_create")).status_code == 403
    response = client.post(reverse("courses:lecturer_create"), {"full_name": "Lê Mới", "kind": "chuyen_trach"})
    assert response.status_code == 403 and not Lecturer.objects.filter(full_name="Lê Mới").exists()
    assert Lecturer.objects.get(pk=lecturer.pk).full_name == "Nguyễn Văn Giảng"


def test_the_successor_centers_staff_finish_the_closed_centers_open_quarter(
    reform, center, center_user, other_center_user, login, central_user
):
    course = CourseFactory(center=center, start_date=D(2025, 5, 5))
    apply_plan(read_plan(reform), by=central_user)
    center.refresh_from_db()
    new = Unit.objects.get(code="02680")
    scope = Scope.for_user(center_user)
    assert scope.unit == new and scope.predecessors == {center.pk, Unit.objects.get(code="132").pk}
    report = report_services.report_get_or_create(scope=scope, center=center, period=Period.parse("2025-Q2"))
    report_services.report_save(scope=scope, report=report, version=report.version, achievements="Hoàn thành quý II")
    with pytest.raises(PermissionDenied):
        report_services.report_get_or_create(scope=scope, center=center, period=Period.parse("2025-Q3"))
    client = login(center_user)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:unit_detail", args=["10-02680"]) in profile  # their unit's page, from the profile
    own = client.get(reverse("accounts:unit_detail", args=["10-02680"])).content.decode()
    assert reverse("reports:report", args=["10-080", "2025-Q2"]) in own and "Báo cáo quý II/2025" in own
    assert client.get(reverse("reports:report", args=["10-080", "2025-Q2"])).context["editable"]
    assert client.get(reverse("courses:course_detail", args=[course.pk])).status_code == 200
    assert Course.objects.get(pk=course.pk).center == center  # the class keeps the center that ran it
    other = login(other_center_user)  # a center that took nothing over sees nothing of it
    assert other.get(reverse("reports:report", args=["10-080", "2025-Q2"])).status_code == 404


def test_the_successor_centers_lists_name_the_center_each_record_belongs_to(
    reform, center, center_user, other_center_user, login, central_user
):
    old = LecturerFactory(center=center, full_name="Nguyễn Văn Cũ")
    CourseFactory(center=center, start_date=D(2025, 5, 5), code="CU-01")
    plain = login(other_center_user).get(reverse("courses:lecturer_list")).content.decode()
    assert ">Trung tâm</th>" not in plain  # one center's own lists: no column
    apply_plan(read_plan(reform), by=central_user)
    client = login(center_user)
    lecturers = client.get(reverse("courses:lecturer_list")).content.decode()
    assert ">Trung tâm</th>" in lecturers and f"<td>{center.area_name}</td>" in lecturers
    mine = LecturerFactory(center=Unit.objects.get(code="02680"), full_name="Trần Thị Mới")
    lecturers = client.get(reverse("courses:lecturer_list")).content.decode()
    # The closed center's lecturer is listed read only (a write would be refused), the center's own editable.
    assert reverse("courses:lecturer_edit", args=[old.pk]) not in lecturers
    assert reverse("courses:lecturer_edit", args=[mine.pk]) in lecturers
    classes = client.get(reverse("courses:course_list")).content.decode()
    assert "Trung tâm</a>" in classes and "CU-01" in classes


def test_a_board_sees_the_province_it_took_over_and_its_centers_past(
    reform, board_user, other_board_user, yen_bai, yen_bai_center, login, central_user
):
    course = CourseFactory(center=yen_bai_center, start_date=D(2024, 3, 4))
    ReportFactory(center=yen_bai_center, year=2025, quarter=2, status="submitted")
    assert not Scope.for_user(board_user).can_see(yen_bai_center)
    apply_plan(read_plan(reform), by=central_user)
    scope = Scope.for_user(board_user)
    assert yen_bai in scope.provinces() and yen_bai_center in scope.units()
    assert scope.can(Action.REVIEW, yen_bai_center) and not scope.can(Action.ENTER_DATA, yen_bai_center)
    client = login(board_user)
    assert client.get(reverse("courses:course_detail", args=[course.pk])).status_code == 200
    assert client.get(reverse("reports:report", args=["15-132", "2025-Q2"])).status_code == 200
    assert login(other_board_user).get(reverse("reports:report", args=["15-132", "2025-Q2"])).status_code == 404


def test_the_scope_costs_no_query_more_for_a_unit_that_took_nothing_over(center_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        Scope.for_user(center_user)


def test_a_signed_in_user_is_loaded_with_their_scope_in_one_query(
    reform, board_user, yen_bai, yen_bai_center, central_user, center_user, django_assert_num_queries
):
    """The session's backend reads the Staff row, unit, parent and whether it took others over with the user: the
    scope costs nothing more (the list of what a board took over, one query, only for a board that did), and is the
    scope a separate read gives (a board that took a province over, a center, a superuser)."""
    apply_plan(read_plan(reform), by=central_user)
    superuser = get_user_model().objects.create_superuser("quan.tri", password="x")
    for user in (board_user, center_user, superuser):
        slow = Scope.for_user(get_user_model().objects.get(pk=user.pk))
        with django_assert_num_queries(1):
            loaded = StaffBackend().get_user(user.pk)
        with django_assert_num_queries(1 if slow.predecessors else 0):
            scope = Scope.for_user(loaded)
        assert (scope.level, scope.unit, scope.predecessors) == (slow.level, slow.unit, slow.predecessors)
    assert yen_bai.pk in Scope.for_user(StaffBackend().get_user(board_user.pk)).predecessors


@pytest.mark.parametrize("name", list(CORPUS))
def test_the_plan_reader_refuses_every_hostile_file_quickly_with_a_message(name):
    """The hostile-file corpus of the class workbook: a Vietnamese problem each, never an exception (the plan reader
    opens files through the accounts workbook's checks, whose time and memory bounds test_hostile_files.py holds)."""
    plan = read_plan(hostile_file(name))
    assert plan.errors and not plan.changes, name
    assert all(not str(problem).isascii() for problem in plan.errors), name


def test_a_workbook_of_classes_dated_after_the_center_closed_is_refused_by_row(center, center_user):
    Unit.objects.filter(pk=center.pk).update(active_to=D(2025, 6, 30))
    center.refresh_from_db()
    late = xlsx([klass("KND-09", "KND", "07/07/2025", "11/07/2025")], [])
    assert_refused(center, center_user, late, "đã ngừng hoạt động từ 01/07/2025", sheet="Lớp học", row=2)
    do_import(center, center_user, xlsx([klass("KND-08", "KND", "02/06/2025", "06/06/2025")], []))
    assert Course.objects.filter(center=center, code="KND-08").exists()
