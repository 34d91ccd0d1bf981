import pytest
from django.contrib import admin
from django.urls import reverse

from .factories import CourseFactory, EnrolmentFactory, LecturerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("quantri", "qt@example.vn", "Llct@2026")


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


def test_admin_lists_go_through_the_scope(client, board_user, center, far_center):
    board_user.is_staff = True
    board_user.save()
    from django.contrib.auth.models import Permission

    board_user.user_permissions.add(Permission.objects.get(codename="view_course"))
    mine = CourseFactory(center=center, title="Lớp của tỉnh mình")
    CourseFactory(center=far_center, title="Lớp của tỉnh khác")
    client.force_login(board_user)
    body = client.get(reverse("admin:courses_course_changelist")).content.decode()
    assert mine.title in body
    assert "Lớp của tỉnh khác" not in body
