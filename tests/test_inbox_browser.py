"""Each role's home in the browser (#25): a returned report with the board's comment at the top of the center's
home, an overdue center on the board's, a change after submission flagged on the review page; no serious
accessibility violations, nothing wider than a phone at 390 px."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import inbox
from reports.models import CenterReport

from .factories import CourseFactory, EnrolmentFactory, ReportFactory
from .test_journeys import axe_violations, login, shot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def quarters(center, other_center, center_user, board_user, central_user):
    period = inbox.reporting_quarter(timezone.localdate())
    earlier = period.previous_quarter()
    ReportFactory(
        center=center,
        year=earlier.year,
        quarter=earlier.index,
        status="returned",
        return_comment="Đề nghị bổ sung số lớp phối hợp.",
    )
    course = CourseFactory(center=center, code="KND-31", start_date=period.start + datetime.timedelta(days=5))
    EnrolmentFactory.create_batch(2, course=course, result="gioi")
    report = ReportFactory(center=center, year=period.year, quarter=period.index, status="submitted")
    CenterReport.objects.filter(pk=report.pk).update(
        submitted_at=timezone.now(), submitted_figures={"classes": 1, "enrolments": 1, "learners": 1}
    )
    return period, earlier


def test_each_roles_home_starts_with_what_is_due(browser, live_server, quarters, other_center):
    period, earlier = quarters
    page = login(browser, live_server, "trungtam")
    first = page.locator("[data-inbox] li").first
    assert f"Báo cáo {earlier.label} bị trả lại" in first.inner_text()
    assert "Đề nghị bổ sung số lớp phối hợp." in first.inner_text()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "inbox-center-390")
    first.get_by_role("link").click()
    page.get_by_text("Đề nghị bổ sung số lớp phối hợp.").first.wait_for()
    assert page.url.endswith(reverse("reports:report", args=["10-080", earlier.key]))

    board = login(browser, live_server, "bantuyengiao")
    items = board.locator("[data-inbox] li")
    texts = [items.nth(i).inner_text() for i in range(items.count())]
    assert any(f"1 trung tâm quá hạn báo cáo {period.label}" in t and other_center.name in t for t in texts)
    review = next(t for t in texts if t.startswith("Chờ duyệt") or "Chờ duyệt:" in t)
    assert "Số liệu đã thay đổi sau khi gửi" in review
    shot(board, "inbox-board")
    board.locator("[data-inbox] a", has_text="Chờ duyệt").first.click()
    board.locator("[data-changed-after-submission]").wait_for()
    assert board.errors == []

    central = login(browser, live_server, "trunguong")
    assert f"đã gửi báo cáo {period.label}" in central.locator("[data-inbox]").inner_text()
    shot(central, "inbox-central")
