import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from centers.scoping import Action, Scope, unit_from_key, unit_key
from courses.models import Course

from .factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(center, other_center, far_center):
    return {
        "own": CourseFactory(center=center),
        "neighbour": CourseFactory(center=other_center),
        "far": CourseFactory(center=far_center),
    }


def visible(user, courses):
    scope = Scope.for_user(user)
    ids = set(scope.filter(Course.objects.all()).values_list("pk", flat=True))
    return {name for name, course in courses.items() if course.pk in ids}


def test_center_staff_see_only_their_center(center_user, courses):
    assert visible(center_user, courses) == {"own"}


def test_board_staff_see_every_center_of_their_province(board_user, courses):
    assert visible(board_user, courses) == {"own", "neighbour"}


def test_board_staff_of_another_province_see_none_of_it(other_board_user, courses):
    assert visible(other_board_user, courses) == {"far"}


def test_central_staff_see_everything(central_user, courses):
    assert visible(central_user, courses) == {"own", "neighbour", "far"}


def test_anonymous_and_unattached_users_see_nothing(django_user_model, courses):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser(), courses) == set()
    assert visible(django_user_model.objects.create_user("lac", password="x"), courses) == set()


def test_units_in_scope(center_user, board_user, central_user, center, other_center, far_center, province):
    assert set(Scope.for_user(center_user).units()) == {center}
    assert set(Scope.for_user(board_user).units()) == {province, center, other_center}
    assert far_center in Scope.for_user(central_user).units()
    assert list(Scope.for_user(board_user).provinces()) == [province]


def test_only_center_staff_enter_data_and_only_for_their_center(
    center_user, board_user, central_user, center, other_center
):
    assert Scope.for_user(center_user).can(Action.ENTER_DATA, center)
    assert not Scope.for_user(center_user).can(Action.ENTER_DATA, other_center)
    assert not Scope.for_user(board_user).can(Action.ENTER_DATA, center)
    assert not Scope.for_user(central_user).can(Action.ENTER_DATA, center)


def test_only_board_staff_review_and_only_in_their_province(board_user, other_board_user, center, center_user):
    assert Scope.for_user(board_user).can(Action.REVIEW, center)
    assert not Scope.for_user(other_board_user).can(Action.REVIEW, center)
    assert not Scope.for_user(center_user).can(Action.REVIEW, center)


def test_another_units_object_is_a_404_and_a_read_only_one_is_a_403(
    center_user, other_center_user, board_user, courses
):
    own = courses["own"]
    qs = Course.objects.all()
    assert Scope.for_user(center_user).get_object(qs, pk=own.pk, action=Action.ENTER_DATA) == own
    with pytest.raises(Http404):
        Scope.for_user(other_center_user).get_object(qs, pk=own.pk)
    with pytest.raises(PermissionDenied):
        Scope.for_user(board_user).get_object(qs, pk=own.pk, action=Action.ENTER_DATA)


def test_unit_keys_round_trip(center, province, central, board_user):
    assert unit_key(center) == "10-080"
    assert unit_key(province) == "10"
    assert unit_key(central) == "VN"
    assert unit_from_key("10-080") == center
    assert unit_from_key("10") == province
    assert unit_from_key("VN") == central
    assert unit_from_key("99-999") is None
    with pytest.raises(Http404):
        Scope.for_user(board_user).get_unit("VN")
