"""Central staff apply a small reorganisation plan through the page, in a real browser: upload, preview,
confirm; the national completeness of the quarter that follows expects the new centers, the quarter before the
district center as it was. Only data this test creates."""

import datetime

import pytest
from django.urls import reverse

from centers.models import ReorganisationPlan, Unit

from .test_journeys import axe_violations, login
from .test_reorganisation import plan_file

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_CENTER = "Trung tâm Chính trị phường Cam Đường"


def new_center(code, name, area):
    return [
        "10",
        code,
        name,
        "Trung tâm chính trị xã, phường, đặc khu",
        area,
        "phường",
        f"Đảng ủy {area}",
        "",
        "",
    ]


def expected_in(page, province_name):
    row = page.locator("tbody tr", has_text=province_name)
    return int(row.locator("td").nth(1).inner_text())


def test_central_staff_apply_a_plan_and_the_national_completeness_follows(
    browser, live_server, tmp_path, center, central_user
):
    plan = tmp_path / "phuong-an-lao-cai.xlsx"
    plan.write_bytes(
        plan_file(
            name="Sắp xếp trung tâm chính trị tỉnh Lào Cai (thử)",
            **{
                "Đơn vị mới": [
                    new_center("02680", NEW_CENTER, "phường Cam Đường"),
                    new_center("02647", "Trung tâm Chính trị phường Lào Cai", "phường Lào Cai"),
                ],
                "Xã, phường phục vụ": [["10", "02680", "phường", "Cam Đường", "02680", ""]],
                "Đóng đơn vị": [["10", center.code, "", "10", "02680"]],
            },
        )
    )
    page = login(browser, live_server, "trunguong")
    national = live_server.url + reverse("reports:report", args=["VN", "2025-Q3"])
    page.goto(national)
    assert expected_in(page, "Lào Cai") == 1  # the district center, before the plan

    page.get_by_role("link", name="Sắp xếp tổ chức").first.click()
    page.get_by_label("Tệp phương án (.xlsx) theo mẫu").set_input_files(str(plan))
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator("#preview-title").locator("..")
    assert "Sắp xếp trung tâm chính trị tỉnh Lào Cai (thử)" in preview.inner_text()
    assert f"{NEW_CENTER} (mã 02680, thuộc Lào Cai) hoạt động từ 01/07/2025" in preview.inner_text()
    assert f"ngừng hoạt động sau ngày 30/06/2025, kế thừa: {NEW_CENTER}" in preview.inner_text()
    assert "(trungtam)" not in preview.inner_text()  # nobody works in the closed center here
    assert axe_violations(page) == []
    page.get_by_role("button", name="Áp dụng phương án").click()
    page.wait_for_url("**/sap-xep-to-chuc/*/")
    assert "Đã áp dụng phương án" in page.content()
    assert axe_violations(page) == []  # the applied plan's page
    page.get_by_role("link", name=NEW_CENTER).click()  # its units' pages
    assert "Xã, phường, đặc khu được phục vụ" in page.content() and axe_violations(page) == []
    assert ReorganisationPlan.objects.get().applied_by == central_user

    page.goto(national)
    assert expected_in(page, "Lào Cai") == 2  # the two commune-level centers founded on 1/7/2025
    page.get_by_role("link", name="Lào Cai").first.click()
    assert NEW_CENTER in page.content()
    page.goto(live_server.url + reverse("reports:report", args=["VN", "2025-Q2"]))
    assert expected_in(page, "Lào Cai") == 1  # quý II/2025 still expects the district center alone
    assert Unit.objects.get(pk=center.pk).active_to == datetime.date(2025, 6, 30)
    assert page.errors == []
    page.close()
