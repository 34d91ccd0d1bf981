"""A scored class's results on a 390-px phone (issue #23): every learner's inputs reachable without scrolling
sideways, saved from the phone, the grade shown; the class form offers only the programs in force on the start
date typed."""

import datetime

import pytest
from django.urls import reverse

from courses.models import Enrolment, Program

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory
from .test_journeys import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
START = datetime.date(2026, 10, 5)


def test_a_phone_reaches_every_input_of_the_results_and_saves_them(browser, live_server, center, center_user):
    course = CourseFactory(
        center=center,
        start_date=START,
        program=Program.objects.in_force_on(START).order_by("order").first(),
        periods=30,
    )
    names = ["Nguyễn Thị Phương Thảo", "Giàng A Páo", "Lò Văn Bình"]
    for name in names:
        EnrolmentFactory(course=course, learner=LearnerFactory(center=center, full_name=name))
    page = login(browser, live_server, "trungtam")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("courses:course_detail", args=[course.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    inputs = page.locator("#ket-qua input:not([type=hidden]), #ket-qua select")
    assert inputs.count() == 3 * 5
    for i in range(inputs.count()):
        box = inputs.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, box)
    assert "tối thiểu 80% = 24/30 tiết" in page.content()

    page.get_by_label("Số tiết tham dự – Giàng A Páo").fill("30")
    page.get_by_label("Điểm bài thu hoạch – Giàng A Páo").fill("9,5")
    page.get_by_label("Ban cán sự – Giàng A Páo").select_option("lop_truong")
    page.get_by_role("button", name="Ghi kết quả").click()
    page.wait_for_load_state()
    assert page.locator("[data-grade]", has_text="Xuất sắc").count() == 1
    enrolment = Enrolment.objects.get(learner__full_name="Giàng A Páo")
    assert (enrolment.result, enrolment.class_role) == ("xuat_sac", "lop_truong")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []

    # A class before the rules: its four-word select and certificate number reachable on the phone too.
    before = datetime.date(2025, 10, 6)
    old = CourseFactory(center=center, start_date=before, program=Program.objects.in_force_on(before).first())
    EnrolmentFactory(course=old, learner=LearnerFactory(center=center, full_name="Nguyễn Thị Phương Thảo"))
    page.goto(live_server.url + reverse("courses:course_detail", args=[old.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for field in ("select[name='kq-0-result']", "input[name='kq-0-certificate_no']"):
        box = page.locator(field).bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"], field
    assert page.errors == []
    page.close()


def test_the_class_form_offers_the_programs_in_force_on_the_start_date(browser, live_server, center, center_user):
    page = login(browser, live_server, "trungtam")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("courses:course_create"))
    start = page.get_by_label("Ngày bắt đầu")
    enabled = "Array.from(document.querySelectorAll('select[data-programs] option[data-from]:not([disabled])'))"
    start.fill("05/10/2026")
    new = page.evaluate(f"{enabled}.map(o => o.dataset.from)")
    assert new and all(day >= "2025-12-01" for day in new)
    assert page.locator(".scored-fields").is_visible()
    start.fill("06/10/2025")
    old = page.evaluate(f"{enabled}.map(o => o.dataset.to)")
    assert old and all(day == "2025-11-30" for day in old)
    assert not page.locator(".scored-fields").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.errors == []
    page.close()
