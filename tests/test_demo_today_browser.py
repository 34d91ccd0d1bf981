"""Today's chain in a real browser (issue #22, "The demo is today"): the staff of a commune-level center of Lào Cai
enter a class of quý IV/2026, the open quarter, with its learners and their results, and submit the quarter's
report; the Lào Cai board (Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai) sees it in the province's completeness list,
where only the centers of the day are expected: the district center that closed on 30/6/2025 is not.

Data from factories (not the whole demo). Playwright drives Debian's Chromium (tests/conftest.py `browser`)."""

import datetime

import pytest
from django.urls import reverse

from centers.models import ServedCommune, Unit, UnitName
from courses.models import Course, Enrolment, Program
from reports.models import CenterReport

from .factories import CenterFactory, LecturerFactory, StaffFactory, UserFactory
from .test_journeys import login, roster_workbook

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REFORM = datetime.date(2025, 7, 1)
QUARTER, QUARTER_KEY = "quý IV/2026", "2026-Q4"
BOARD_TODAY = "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai"


@pytest.fixture
def today_chain(province, center):
    """Lào Cai as it is today: the board renamed on 1/3/2025, the district center of thành phố Lào Cai closed on
    30/6/2025, two commune-level centers founded on 1/7/2025, each with the wards and communes it serves."""
    UnitName.objects.create(
        unit=province, name=province.name, valid_from=province.active_from, valid_to=datetime.date(2025, 2, 28)
    )
    province.name = BOARD_TODAY
    province.save()

    def commune_center(code, kind, name, served):
        unit = CenterFactory(
            parent=province,
            code=code,
            center_level=Unit.CenterLevel.COMMUNE,
            area_kind=kind,
            area_name=f"{'phường' if kind == Unit.AreaKind.WARD else 'xã'} {name}",
            name=f"Trung tâm Chính trị {'phường' if kind == Unit.AreaKind.WARD else 'xã'} {name}",
            party_committee=f"Đảng ủy {'phường' if kind == Unit.AreaKind.WARD else 'xã'} {name}",
            active_from=REFORM,
        )
        for served_kind, served_name, served_code in served:
            ServedCommune.objects.create(
                center=unit, kind=served_kind, name=served_name, code=served_code, active_from=REFORM
            )
        return unit

    lao_cai = commune_center("02644", Unit.AreaKind.WARD, "Lào Cai", [("phuong", "Lào Cai", "02644")])
    cam_duong = commune_center("02671", Unit.AreaKind.WARD, "Cam Đường", [("phuong", "Cam Đường", "02671")])
    center.active_to = datetime.date(2025, 6, 30)
    center.merged_into = lao_cai
    center.save()
    LecturerFactory(center=lao_cai, full_name="Vàng Thị Dua")
    StaffFactory(user=UserFactory(username="ttct.laocai"), unit=lao_cai)
    StaffFactory(user=UserFactory(username="bantuyengiao"), unit=province)
    return lao_cai, cam_duong


def test_a_commune_level_center_enters_a_class_of_the_open_quarter_and_submits_and_the_board_sees_it(
    browser, live_server, today_chain, center, tmp_path
):
    lao_cai, cam_duong = today_chain

    # 1. The commune-level center: a class of quý IV/2026 with its learners, then the quarter's report, sent.
    page = login(browser, live_server, "ttct.laocai")
    page.get_by_role("link", name="Lớp học", exact=True).click()
    page.get_by_role("link", name="Thêm lớp").click()
    page.get_by_label("Mã lớp").fill("2026-N1-09")
    page.get_by_label("Tên lớp").fill("Lớp bồi dưỡng nhận thức về Đảng khóa 9")
    page.get_by_label("Chương trình").select_option(label=str(Program.objects.get(code="N1")))
    page.get_by_label("Ngày bắt đầu").fill("02/11/2026")
    page.get_by_label("Ngày kết thúc").fill("06/11/2026")
    page.get_by_label("Số tiết", exact=True).fill("40")  # a class of today's rules: scored against its periods
    page.get_by_label("Vàng Thị Dua (giảng viên chuyên trách)").check()
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã tạo lớp").wait_for()
    course = Course.objects.get(code="2026-N1-09")
    assert course.center == lao_cai

    page.get_by_role("link", name="Nhập danh sách từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx) theo mẫu").set_input_files(str(roster_workbook(tmp_path)))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.get_by_text("Xem trước tệp").wait_for()
    page.get_by_role("button", name="Xác nhận ghi vào hệ thống").click()
    page.get_by_text("Đã ghi:").wait_for()
    assert Enrolment.objects.filter(course=course).count() == 3
    for name, attended, score in (
        ("Giàng A Páo", "40", "8,5"),
        ("Lò Thị Mai", "38", "7,5"),
        ("Nguyễn Văn An", "36", "7"),
    ):
        page.get_by_label(f"Số tiết tham dự – {name}").fill(attended)
        page.get_by_label(f"Điểm bài thu hoạch – {name}").fill(score)
    page.get_by_role("button", name="Ghi kết quả").click()
    page.get_by_text("Đã ghi kết quả: 3 học viên thay đổi.").wait_for()
    # The grade comes from the score (courses/rules.py), not typed.
    assert dict(course.enrolments.values_list("learner__full_name", "result")) == {
        "Giàng A Páo": "gioi",
        "Lò Thị Mai": "kha",
        "Nguyễn Văn An": "kha",
    }

    page.goto(live_server.url + reverse("reports:report", args=["10-02644", QUARTER_KEY]))
    page.get_by_label("Kết quả đạt được").fill("Mở 1 lớp bồi dưỡng nhận thức về Đảng cho quần chúng ưu tú.")
    page.get_by_label("Tồn tại, hạn chế").fill("Giảng viên kiêm chức còn ít.")
    page.get_by_role("button", name="Lưu và gửi Ban Tuyên giáo và Dân vận tỉnh").click()
    page.get_by_text(f"Đã gửi báo cáo {QUARTER}").wait_for()
    report = CenterReport.objects.get(center=lao_cai, year=2026, quarter=4)
    assert report.status == CenterReport.Status.SUBMITTED
    assert page.errors == []
    page.close()

    # 2. The Lào Cai board: the province's completeness of quý IV/2026 lists today's centers, the report sent.
    page = login(browser, live_server, "bantuyengiao")
    page.goto(live_server.url + reverse("reports:report", args=["10", QUARTER_KEY]))
    row = page.get_by_role("row").filter(has_text="Trung tâm Chính trị phường Lào Cai")
    assert "Đã gửi" in row.inner_text()
    assert "Trung tâm Chính trị phường Cam Đường" in page.content()
    assert center.name not in page.content()  # closed on 30/6/2025: not expected in quý IV/2026
    assert BOARD_TODAY in page.content()
    page.get_by_role("link", name="Trung tâm Chính trị phường Lào Cai").click()
    page.get_by_text("Mở 1 lớp bồi dưỡng nhận thức về Đảng cho quần chúng ưu tú.").wait_for()
    assert page.errors == []
    page.close()
