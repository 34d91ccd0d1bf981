"""The three users' days in a real browser (Playwright driving Debian's Chromium against the live server),
and axe-core on every main page. Screenshots of the key pages go to screenshots/ (git-ignored)."""

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from courses.models import Course, Enrolment, Program
from courses.workbook import template_workbook
from reports.models import CenterReport

from .factories import CourseFactory, EnrolmentFactory, LecturerFactory, ReportFactory, approve, program

SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"
PASSWORD = "Llct@2026"
QUARTER, QUARTER_KEY = "quý III/2026", "2026-Q3"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def day(center, other_center, center_user, board_user, central_user):
    """The Lào Cai city center has a lecturer and an approved quarter II/2026 with one class;
    Bát Xát has submitted its quarter III/2026 report, waiting for the board."""
    LecturerFactory(center=center, full_name="Lê Thị Mai")
    old = CourseFactory(center=center, code="2026-KND-01", title="Lớp quý II", start_date=datetime.date(2026, 5, 4))
    EnrolmentFactory(course=old, result="kha")
    approve(center, 2026, 2, by=board_user)
    neighbour = CourseFactory(center=other_center, start_date=datetime.date(2026, 8, 3), program=program("DVM"))
    EnrolmentFactory(course=neighbour, result="gioi")
    ReportFactory(center=other_center, year=2026, quarter=3, status=CenterReport.Status.SUBMITTED)
    SHOTS.mkdir(exist_ok=True)


def login(browser, live_server, username):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + reverse("home"))
    return page


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def roster_workbook(tmp_path) -> Path:
    wb = load_workbook(io.BytesIO(template_workbook(Program.objects.order_by("order"))))
    ws = wb["Học viên"]
    for row in (
        [
            "",
            "Giàng A Páo",
            "12/03/1995",
            "Nam",
            "Mông",
            "Đoàn viên",
            "Quần chúng",
            "UBND xã Tả Phời",
            "010095123456",
            "",
        ],
        ["", "Lò Thị Mai", "01/01/1990", "Nữ", "Giáy", "Cán bộ", "Chính thức", "Đảng ủy xã", "", ""],
        ["", "Nguyễn Văn An", "20/10/1988", "Nam", "Kinh", "Đảng viên", "Dự bị", "", "", ""],
    ):
        ws.append(row)
    path = tmp_path / "danh-sach.xlsx"
    wb.save(path)
    return path


def test_the_three_users_days(browser, live_server, day, center, tmp_path):
    # 1. Center staff: create a class, upload its roster, record results, write and submit the report.
    page = login(browser, live_server, "trungtam")
    shot(page, "1-center-home")
    page.get_by_role("link", name="Lớp học", exact=True).click()
    page.get_by_role("link", name="Thêm lớp").click()
    page.get_by_label("Mã lớp").fill("2026-DVM-05")
    page.get_by_label("Tên lớp").fill("Lớp bồi dưỡng đảng viên mới khóa 5")
    page.get_by_label("Ngày bắt đầu").fill("03/08/2026")
    page.get_by_label("Ngày kết thúc").fill("07/08/2026")
    # A class of 2026 follows the 2025 rules: the program of the 2025 catalogue, its periods.
    page.get_by_label("Chương trình").select_option(label=Program.objects.get(code="N2").__str__())
    page.get_by_label("Số tiết").fill("30")
    page.get_by_label("Lê Thị Mai (giảng viên chuyên trách)").check()
    shot(page, "1-class-form")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã tạo lớp").wait_for()
    course = Course.objects.get(code="2026-DVM-05")

    page.get_by_role("link", name="Nhập danh sách từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx) theo mẫu").set_input_files(str(roster_workbook(tmp_path)))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.get_by_text("Xem trước tệp").wait_for()
    assert "3</strong> người mới" in page.content()
    shot(page, "1-roster-preview")
    page.get_by_role("button", name="Xác nhận ghi vào hệ thống").click()
    page.get_by_text("Đã ghi:").wait_for()
    assert Enrolment.objects.filter(course=course).count() == 3

    for name, attended, score in (
        ("Giàng A Páo", "30", "8,5"),
        ("Lò Thị Mai", "28", "7"),
        ("Nguyễn Văn An", "24", "6,5"),
    ):
        page.get_by_label(f"Số tiết tham dự – {name}").fill(attended)
        page.get_by_label(f"Điểm bài thu hoạch – {name}").fill(score)
    page.get_by_role("button", name="Ghi kết quả").click()
    page.get_by_text("Đã ghi kết quả: 3 học viên thay đổi.").wait_for()
    grades = dict(Enrolment.objects.filter(course=course).values_list("learner__full_name", "result"))
    assert grades == {"Giàng A Páo": "gioi", "Lò Thị Mai": "kha", "Nguyễn Văn An": "trung_binh"}
    shot(page, "1-roster-results")

    page.goto(live_server.url + reverse("reports:report", args=["10-080", QUARTER_KEY]))
    page.get_by_label("Kết quả đạt được").fill("Mở 1 lớp bồi dưỡng đảng viên mới, học viên tham gia đầy đủ.")
    page.get_by_label("Tồn tại, hạn chế").fill("Thiếu giảng viên kiêm chức.")
    page.get_by_label("Đề xuất, kiến nghị").fill("Đề nghị tỉnh bồi dưỡng thêm giảng viên.")
    shot(page, "1-report-form")
    page.get_by_role("button", name="Lưu và gửi Ban Tuyên giáo và Dân vận tỉnh").click()
    page.get_by_text(f"Đã gửi báo cáo {QUARTER}").wait_for()
    assert page.dialogs[-1].startswith(f"Gửi báo cáo {QUARTER} lên Ban Tuyên giáo và Dân vận tỉnh?")
    assert CenterReport.objects.get(center=center, year=2026, quarter=3).status == "submitted"
    assert page.errors == []
    page.close()

    # 2. Board staff: return one report, approve another, find the figures, edit the briefing, download both files.
    page = login(browser, live_server, "bantuyengiao")
    page.goto(live_server.url + reverse("reports:report", args=["10", QUARTER_KEY]))
    shot(page, "2-completeness")
    page.get_by_role("link", name="Trung tâm chính trị thành phố Lào Cai").click()
    page.get_by_label("Ý kiến").fill("Đề nghị bổ sung nguyên nhân hạn chế.")
    page.get_by_role("button", name="Trả lại kèm ý kiến").click()
    page.get_by_text("Đã trả lại báo cáo kèm ý kiến.").wait_for()
    page.goto(live_server.url + reverse("reports:report", args=["10", QUARTER_KEY]))
    page.get_by_label("Chọn báo cáo của Trung tâm chính trị huyện Bát Xát").check()
    page.get_by_role("button", name="Phê duyệt các báo cáo đã chọn").click()
    page.get_by_text("Đã phê duyệt 1 báo cáo.").wait_for()

    page.goto(live_server.url + reverse("reports:dashboard", args=["10", QUARTER_KEY]) + "?so_lieu=all")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 5")
    assert page.locator('[data-card="classes"]').inner_text() == "2"
    assert page.locator('[data-card="enrolments"]').inner_text() == "4"
    shot(page, "2-dashboard")
    page.get_by_role("link", name="Sửa đoạn tổng hợp").click()
    page.get_by_label("Đoạn tổng hợp").fill("Quý III/2026, các trung tâm đã mở 2 lớp với 4 lượt học viên (bản đã sửa).")
    page.get_by_role("button", name="Lưu bản đã sửa").click()
    page.get_by_text("Đã lưu đoạn tổng hợp").wait_for()

    page.goto(live_server.url + reverse("reports:dashboard", args=["10", QUARTER_KEY]) + "?so_lieu=all")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel (.xlsx)").click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    totals = [row for row in workbook["Tổng hợp"].iter_rows(values_only=True) if row[1] == "Tổng cộng"][0]
    assert (totals[2], totals[4]) == (2, 4)
    assert any("bản đã sửa" in (row[0] or "") for row in workbook["Nhận định"].iter_rows(values_only=True))
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải báo cáo Word (.docx)").click()
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    totals = [c.text for c in document.tables[1].rows[-1].cells]
    assert (totals[2], totals[4]) == ("2", "4")  # classes, enrolments
    assert page.errors == []
    page.close()

    # 3. Center staff again: read the comment, fix, resubmit; an approved quarter refuses an edit.
    page = login(browser, live_server, "trungtam")
    page.goto(live_server.url + reverse("reports:report", args=["10-080", QUARTER_KEY]))
    page.get_by_role("alert").filter(has_text="Đề nghị bổ sung nguyên nhân hạn chế.").wait_for()
    shot(page, "3-returned-report")
    page.get_by_label("Nguyên nhân").fill("Giảng viên kiêm chức bận công tác chuyên môn.")
    page.get_by_role("button", name="Lưu và gửi Ban Tuyên giáo và Dân vận tỉnh").click()
    page.get_by_text(f"Đã gửi báo cáo {QUARTER}").wait_for()
    old = Course.objects.get(code="2026-KND-01")
    page.goto(live_server.url + reverse("courses:course_edit", args=[old.pk]))
    page.get_by_label("Tên lớp").fill("Sửa sau khi đã duyệt")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Quý II/2026 đã được phê duyệt ngày").first.wait_for()
    shot(page, "3-locked-refusal")
    assert Course.objects.get(pk=old.pk).title == "Lớp quý II"
    page.close()

    # 4. Central staff: the national dashboard, then drill down to the province.
    page = login(browser, live_server, "trunguong")
    page.goto(live_server.url + reverse("reports:dashboard", args=["VN", QUARTER_KEY]) + "?so_lieu=all")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 5")
    shot(page, "4-national")
    page.get_by_role("link", name="Lào Cai", exact=True).click()
    page.wait_for_url("**/tong-hop/10/2026-Q3/**")
    assert page.locator('[data-card="classes"]').inner_text() == "2"
    shot(page, "4-province")
    page.close()


def axe_violations(page):
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_main_pages_have_no_serious_accessibility_violations(browser, live_server, day, center):
    course = Course.objects.get(code="2026-KND-01")
    anonymous = browser.new_page()
    anonymous.goto(live_server.url + reverse("login"))
    pages = {"login": axe_violations(anonymous)}
    anonymous.close()
    page = login(browser, live_server, "trungtam")
    for name, url in {
        "home": reverse("home"),
        "class list": reverse("courses:course_list"),
        "class form": reverse("courses:course_create"),
        "roster": reverse("courses:course_detail", args=[course.pk]),
        "report": reverse("reports:report", args=["10-080", QUARTER_KEY]),
    }.items():
        page.goto(live_server.url + url)
        pages[name] = axe_violations(page)
    page.close()
    page = login(browser, live_server, "bantuyengiao")
    for name, url in {
        "completeness": reverse("reports:report", args=["10", QUARTER_KEY]),
        "dashboard": reverse("reports:dashboard", args=["10", "2026"]),
    }.items():
        page.goto(live_server.url + url)
        pages[name] = axe_violations(page)
    page.close()
    found = {name: found for name, found in pages.items() if found}
    assert not found, "\n".join(f"{name}: {violations}" for name, violations in found.items())


def test_pages_fit_the_window_from_a_phone_to_a_small_laptop(browser, live_server, day, center):
    """No page scrolls sideways: wide tables scroll inside their box, and the user's name in the top bar is cut
    short (…) rather than pushing "Đăng xuất" off the screen (it did at 1.000-1.300 px)."""
    course = Course.objects.get(code="2026-KND-01")
    too_wide = {}
    for username, urls in {
        "trungtam": [
            reverse("courses:course_detail", args=[course.pk]),
            reverse("reports:report", args=["10-080", QUARTER_KEY]),
            reverse("courses:lecturer_create"),
        ],
        "bantuyengiao": [reverse("reports:dashboard", args=["10", "2026"])],
    }.items():
        page = login(browser, live_server, username)
        for width in (390, 1000, 1100):
            page.set_viewport_size({"width": width, "height": 800})
            for url in urls:
                page.goto(live_server.url + url)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    too_wide[f"{username} {url} at {width}px"] = scroll
        page.close()
    assert not too_wide, too_wide
