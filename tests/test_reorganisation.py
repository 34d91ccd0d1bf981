"""Reorganisation plans (issue #22): the workbook read with every problem by sheet, row and column; the preview;
the plan applied in one transaction, once; the figures exact across it; the accounts that follow it."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from centers.models import AccountEvent, Assignment, ReorganisationPlan, ServedCommune, Staff, Unit, UnitName
from centers.periods import Period
from centers.reorganisation import apply_plan, preview, read_plan, write_template
from centers.reorganisation import applying as applying_module
from centers.reorganisation.impact import open_work
from courses.models import Course
from reports.figures import counting
from reports.models import FiguresEpoch
from reports.selectors import reorganisation_open_work

from .factories import (
    CenterFactory,
    CourseFactory,
    EnrolmentFactory,
    ProvinceFactory,
    ReportFactory,
    StaffFactory,
    UserFactory,
)

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
        "Không đọc được tệp: cần tệp Excel (.xlsx) theo mẫu tải về từ trang này "
        "(tệp .xls cũ hoặc .csv không dùng được)."
    ]


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
