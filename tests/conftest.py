"""The standing cast: two provinces, centers in each, and one user per role.

- center_user: staff of `center` (province `province`)
- other_center_user: staff of `other_center`, same province
- board_user: board staff of `province`
- other_board_user: board staff of `other_province`
- central_user: central staff
- admin_minded_center_user: staff of `center` whom a superuser marked is_staff with every model permission
  (the admin must still refuse them: it is for superusers only)
"""

import os

import pytest
from django.contrib.auth.models import Permission

from centers.models import Unit

from .factories import CenterFactory, ProvinceFactory, StaffFactory, UserFactory, central_unit

PASSWORD = "Llct@2026"


def pytest_configure(config):
    """A fast password hasher: each PBKDF2 hash costs about 0,5 s of CPU by design, and factories make dozens."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """A fixture that saves dozens of rows counts the figures once, when it is done (not at each save)."""
    from reports.signals import counting_once

    with counting_once():
        return (yield)


@pytest.fixture
def central(db):
    return central_unit()


@pytest.fixture
def province(db):
    return ProvinceFactory(code="10", area_name="Lào Cai", name="Ban Tuyên giáo Tỉnh ủy Lào Cai")


@pytest.fixture
def other_province(db):
    return ProvinceFactory(code="42", area_name="Hà Tĩnh", name="Ban Tuyên giáo Tỉnh ủy Hà Tĩnh")


@pytest.fixture
def center(province):
    return CenterFactory(
        parent=province, code="080", area_name="thành phố Lào Cai", area_kind=Unit.AreaKind.PROVINCIAL_CITY
    )


@pytest.fixture
def other_center(province):
    return CenterFactory(parent=province, code="082", area_name="huyện Bát Xát")


@pytest.fixture
def far_center(other_province):
    return CenterFactory(parent=other_province, code="436", area_name="thành phố Hà Tĩnh")


def _staff(username, unit):
    return StaffFactory(user=UserFactory(username=username), unit=unit).user


@pytest.fixture
def center_user(center):
    return _staff("trungtam", center)


@pytest.fixture
def other_center_user(other_center):
    return _staff("trungtamkhac", other_center)


@pytest.fixture
def far_center_user(far_center):
    return _staff("trungtamxa", far_center)


@pytest.fixture
def board_user(province):
    return _staff("bantuyengiao", province)


@pytest.fixture
def other_board_user(other_province):
    return _staff("bantuyengiaokhac", other_province)


@pytest.fixture
def central_user(central):
    return _staff("trunguong", central)


@pytest.fixture
def admin_minded_center_user(center):
    user = _staff("trungtam.quantri", center)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="centers.auth.StaffBackend")  # the backend a signed-in session uses
        return client

    return _login


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium driven by Playwright (never a downloaded browser), headless, no network."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls tests make between
    # browser steps are ordinary synchronous ones (Django's documented switch for this case, browser tests only).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        new_page = browser.new_page

        def new_page_accepting(*args, **kwargs):
            """A page whose user answers "OK" to every confirmation (static/js/confirm.js) and whose questions are
            kept in `page.dialogs` for the test to read."""
            page = new_page(*args, **kwargs)
            page.dialogs = []

            def accept(dialog):
                page.dialogs.append(dialog.message)
                dialog.accept()

            page.on("dialog", accept)
            return page

        browser.new_page = new_page_accepting
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_figures_cache():
    """Each test rolls its database back, stamps included: cached figures must not outlive it."""
    from reports.figures import cache

    cache.clear()
    yield
    cache.clear()
