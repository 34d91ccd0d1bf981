"""The admin is for superusers only (config/admin.py). The admin URLs × roles matrix is in test_url_matrix.py."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from .conftest import PASSWORD
from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, LecturerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)


def test_every_model_has_a_working_vietnamese_admin(client, superuser, center):
    EnrolmentFactory(course=CourseFactory(center=center))
    LecturerFactory(center=center)
    client.force_login(superuser)
    for model in admin.site._registry:
        if model._meta.app_label not in ("centers", "courses", "reports"):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, info
        assert str(model._meta.verbose_name_plural) in response.content.decode().lower()
        search = client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "Lào Cai"})
        assert search.status_code == 200, info


def learner_form(learner, **changes):
    """The admin's change form of a learner as a browser would send it."""
    return {
        "center": learner.center_id,
        "full_name": learner.full_name,
        "date_of_birth": learner.date_of_birth.strftime("%d/%m/%Y"),
        "gender": learner.gender,
        "ethnicity": learner.ethnicity,
        "party_status": learner.party_status,
        "group": learner.group,
        "workplace": learner.workplace,
        "national_id": learner.national_id or "",
        **changes,
    }


@pytest.mark.parametrize("role", ["center_user", "board_user", "central_user", "admin_minded_center_user"])
def test_no_staff_account_moves_itself_or_a_learner_through_the_admin(
    request, client, role, center, far_center, central
):
    """The security review's two moves, by every role given is_staff and every model permission (what a
    superuser could grant by mistake): the admin sends them to its login page and writes nothing."""
    user = request.getfixturevalue(role)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    staff = user.staff
    own_unit = staff.unit
    # Up to the central unit (which reads every province, whole CCCDs included); the central staff sideways.
    target = central if own_unit != central else far_center
    learner = LearnerFactory(center=center, national_id="010090001234")
    client.force_login(user)

    moved_self = client.post(
        reverse("admin:centers_staff_change", args=[staff.pk]),
        {"user": user.pk, "unit": target.pk, "position": "Giám đốc", "phone": ""},
    )
    moved_learner = client.post(
        reverse("admin:courses_learner_change", args=[learner.pk]), learner_form(learner, center=far_center.pk)
    )

    for response in (moved_self, moved_learner):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    staff.refresh_from_db()
    learner.refresh_from_db()
    assert staff.unit == own_unit and staff.position == ""
    assert learner.center == center and learner.version == 1
    # The app's scope is still the user's own: a learner of another province stays out of sight.
    if role != "central_user":
        stranger = LearnerFactory(center=far_center)
        assert client.get(reverse("courses:learner_detail", args=[stranger.pk])).status_code == 404


def test_the_admin_login_lets_in_superusers_only(client, admin_minded_center_user, superuser):
    refused = client.post(reverse("admin:login"), {"username": "trungtam.quantri", "password": PASSWORD})
    assert refused.status_code == 200
    assert "Trang quản trị chỉ dành cho tài khoản quản trị hệ thống." in refused.content.decode()
    assert "_auth_user_id" not in client.session

    allowed = client.post(reverse("admin:login"), {"username": "quantri", "password": PASSWORD})
    assert allowed.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_only_a_superuser_is_shown_the_way_to_the_admin(client, admin_minded_center_user, superuser):
    client.force_login(admin_minded_center_user)
    assert f'href="{reverse("admin:index")}"' not in client.get(reverse("home")).content.decode()
    client.force_login(superuser)
    assert f'href="{reverse("admin:index")}"' in client.get(reverse("home")).content.decode()
