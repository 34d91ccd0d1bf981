"""In the browser (#22): the board of a merged province opens năm 2025 in today's boundaries, with Yên Bái's first
half counted, then switches to the boundaries of the time and sees its own figures only."""

import pytest
from django.urls import reverse

from .test_boundaries import reform  # noqa: F401 -- the chain after the reorganisation, built with the ORM
from .test_journeys import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_board_of_a_merged_province_opens_2025_in_todays_boundaries_and_switches(
    browser,
    live_server,
    reform,  # noqa: F811
    board_user,
):
    page = login(browser, live_server, "bantuyengiao")
    page.goto(live_server.url + reverse("reports:dashboard", args=["10", "2024"]))
    page.get_by_label("Kỳ", exact=True).select_option("2025")
    page.get_by_label("Số liệu", exact=True).select_option("all")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/tong-hop/10/2025/**")
    label = page.locator("[data-boundaries]")
    assert label.inner_text() == "Số liệu theo địa giới hiện nay, gồm cả số liệu của Yên Bái đến 30/6/2025"
    assert page.locator("[data-card=classes]").inner_text() == "7"  # Lào Cai 1 + Yên Bái 2 + the ward's 4
    assert page.locator("[data-units]").get_by_text("Trung tâm chính trị thành phố Yên Bái").count() == 1
    assert axe_violations(page) == []

    page.get_by_role("link", name="Theo địa giới khi đó").click()
    page.wait_for_url("**ranh-gioi=khi-do**")
    assert page.locator("[data-boundaries]").inner_text() == "Số liệu theo địa giới khi đó"
    assert page.locator("[data-card=classes]").inner_text() == "5"  # Lào Cai's own: 1 until 30/6, 4 after
    assert page.locator("[data-units]").get_by_text("Trung tâm chính trị thành phố Yên Bái").count() == 0
    # The view shown travels with the basis: another data basis keeps the boundaries chosen.
    page.get_by_label("Số liệu", exact=True).select_option("submitted")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**so_lieu=submitted**")
    assert page.locator("[data-boundaries]").inner_text() == "Số liệu theo địa giới khi đó"
    assert page.errors == []
    page.close()
