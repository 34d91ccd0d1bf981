"""The admin is for superusers only (config/admin.py), and even they only read there what users enter in the
app (centers.admin.EnteredInTheAppAdmin): those writes go through the services. The admin URLs × roles matrix is
in test_url_matrix.py."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import RequestFactory
from django.urls import reverse

from centers.models import Staff, Unit
from courses.models import Course, Learner, Program

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


def test_a_superuser_reads_what_users_entered_and_edits_the_reference_data(
    client, superuser, center, other_center, far_center, center_user
):
    course = CourseFactory(center=center, title="Lớp bồi dưỡng lý luận chính trị khóa 1")
    EnrolmentFactory(course=course)
    learner = LearnerFactory(center=center, full_name="Lò Văn Páo")
    client.force_login(superuser)

    # Classes and learners are shown, read-only: no field to type in, no save button.
    for url, shown, field in (
        (reverse("admin:courses_course_change", args=[course.pk]), course.title, 'name="title"'),
        (reverse("admin:courses_learner_change", args=[learner.pk]), learner.full_name, 'name="full_name"'),
    ):
        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert shown in body
        assert field not in body and 'name="_save"' not in body
    assert client.get(reverse("admin:courses_course_add")).status_code == 403
    assert client.get(reverse("admin:courses_learner_add")).status_code == 403

    # A save sent anyway is refused and writes nothing: no version raised, no lock or transfer rule skipped.
    moved = client.post(
        reverse("admin:courses_learner_change", args=[learner.pk]), learner_form(learner, center=far_center.pk)
    )
    renamed = client.post(
        reverse("admin:courses_course_change", args=[course.pk]),
        {
            "center": center.pk,
            "program": course.program_id,
            "code": course.code,
            "title": "Tên đã sửa",
            "start_date": course.start_date.strftime("%d/%m/%Y"),
            "end_date": course.end_date.strftime("%d/%m/%Y"),
            "format": course.format,
            "status": course.status,
            "enrolments-TOTAL_FORMS": "0",
            "enrolments-INITIAL_FORMS": "0",
        },
    )
    assert moved.status_code == 403 and renamed.status_code == 403
    learner.refresh_from_db()
    course.refresh_from_db()
    assert learner.center == center and learner.version == 1
    assert course.title == "Lớp bồi dưỡng lý luận chính trị khóa 1" and course.version == 1

    # Units and staff assignments are the superuser's to maintain.
    renamed_unit = client.post(
        reverse("admin:centers_unit_change", args=[other_center.pk]),
        {
            "kind": other_center.kind,
            "code": other_center.code,
            "name": "Trung tâm Chính trị huyện Bát Xát (tên mới)",
            "area_name": other_center.area_name,
            "area_kind": other_center.area_kind,
            "parent": other_center.parent_id,
            "active_from": other_center.active_from.strftime("%d/%m/%Y"),
            "active_to": "",
            "merged_into": "",
            "email": "",
            "former_names-TOTAL_FORMS": "0",
            "former_names-INITIAL_FORMS": "0",
        },
    )
    assert renamed_unit.status_code == 302, renamed_unit.content.decode()[:2000]
    other_center.refresh_from_db()
    assert other_center.name == "Trung tâm Chính trị huyện Bát Xát (tên mới)"
    staff = center_user.staff
    reassigned = client.post(
        reverse("admin:centers_staff_change", args=[staff.pk]),
        {"user": center_user.pk, "unit": other_center.pk, "position": "", "phone": ""},
    )
    assert reassigned.status_code == 302
    staff.refresh_from_db()
    assert staff.unit == other_center


def test_every_registered_record_users_enter_is_read_only_for_a_superuser(superuser):
    """A model of courses/ or reports/ registered in the admin is read-only there unless it is reference data a
    superuser maintains (named here): a registration added later cannot quietly open a way around the services."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = superuser
    reference = {Unit, Staff, Program, User, Group}
    entered = [m for m in admin.site._registry if m._meta.app_label in ("courses", "reports") and m not in reference]
    assert {Course, Learner} <= set(entered)
    for model in entered:
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            assert not inline.has_add_permission(request, None), inline
            assert not inline.has_change_permission(request), inline
            assert not inline.has_delete_permission(request), inline
    for model in reference:
        assert admin.site._registry[model].has_change_permission(request), model
