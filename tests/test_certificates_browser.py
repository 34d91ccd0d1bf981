"""The certificates' pages in a browser: on a 390-px phone, center staff record the decision and issue the class's
certificates; anyone checks one on the public verification page. No serious accessibility violation."""

import pytest
from django.urls import reverse

from courses.models import Certificate

from .test_certificates import CCCD, scored_class
from .test_journeys import axe_violations, login, shot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_phone_records_the_decision_issues_and_anyone_verifies(browser, live_server, center, center_user):
    course = scored_class(
        center,
        learners=[("Nguyễn Thị Hường", "kha", "7.5"), ("Lê Thị Bích", "khong_dat", "4.0")],
        cccd=CCCD,
    )
    page = login(browser, live_server, "trungtam")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("courses:course_detail", args=[course.pk]))
    page.get_by_role("link", name="Quyết định công nhận hoàn thành và giấy chứng nhận").click()
    page.get_by_label("Số quyết định").fill("12-QĐ/TTCT")
    page.get_by_label("Ngày ký").fill("10/11/2026")
    page.get_by_label("Người ký").fill("Trần Văn Minh")
    page.get_by_role("button", name="Ghi quyết định").click()
    page.get_by_text("Đã ghi quyết định công nhận hoàn thành.").wait_for()
    page.get_by_label("Ngày cấp").fill("12/11/2026")
    page.get_by_role("button", name="Cấp giấy chứng nhận").click()
    page.get_by_text("Đã cấp 1 giấy chứng nhận.").wait_for()
    assert fits(page)
    shot(page, "giay-chung-nhan-lop-390")
    assert axe_violations(page) == []
    assert page.errors == []
    certificate = Certificate.objects.get()
    public = browser.new_page(viewport={"width": 390, "height": 844})
    public.goto(live_server.url + reverse("reports:verify"))
    public.get_by_label("Mã xác minh in dưới mã QR").fill(certificate.code.lower())
    public.get_by_role("button", name="Xác minh").click()
    public.get_by_text("Giấy chứng nhận hợp lệ.").wait_for()
    assert "Nguyễn Thị Hường" in public.content() and CCCD[-4:] not in public.content()
    assert fits(public)
    assert axe_violations(public) == []
