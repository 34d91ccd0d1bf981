import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from centers.auth import StaffBackend, load_staff_user, staff_users
from centers.models import Unit
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


def _loaded(obj, path=()):
    """An instance as the ORM left it: its fields, database, and the related instances cached on it (each as loaded,
    a cycle back named by where it points)."""
    if obj is None:
        return None
    if id(obj) in path:
        return ("back to", path.index(id(obj)))
    cached = obj._state.__dict__.get("fields_cache", {})
    fields = {name: value for name, value in obj.__dict__.items() if name != "_state"}
    related = {name: _loaded(other, (*path, id(obj))) for name, other in cached.items()}
    return type(obj).__name__, fields, obj._state.db, obj._state.adding, related


def test_a_unit_by_key_through_the_scope_is_the_one_the_scoped_queryset_finds(
    center_user, board_user, other_board_user, central_user, center, other_center, far_center, central
):
    """`get_unit` reads the units by key with a query compiled once and keeps what the scope sees: the same unit,
    loaded the same (its parent cached), and a 404 wherever the scoped queryset finds none."""
    superuser = get_user_model().objects.create_superuser("quan.tri.scope", password="x")
    nobody = get_user_model().objects.create_user("khong.don.vi", password="x")
    keys = [unit_key(unit) for unit in Unit.objects.select_related("parent")]
    keys += ["", " ", "-", "x-y", f"{center.parent.code}-", f" {center.parent.code} ", f"{unit_key(center)}-1"]
    for user in (center_user, board_user, other_board_user, central_user, superuser, nobody):
        scope = Scope.for_user(user)
        for key in keys:
            expected = unit_from_key(key, scope.units())
            try:
                found = scope.get_unit(key)
            except Http404:
                found = None
            assert _loaded(found) == _loaded(expected), (user.username, key)
    assert {central.pk, center.pk, far_center.pk} <= {Scope.for_user(central_user).get_unit(k).pk for k in keys[:-7]}


def test_the_user_loaded_with_a_compiled_query_is_the_one_the_orm_loads(
    center_user, board_user, central_user, django_assert_num_queries
):
    """The user behind every request comes from SQL compiled once: the same instances as the queryset's `.first()`
    (the Staff row, its unit and the unit's parent cached, none for a user without one), in one query."""
    superuser = get_user_model().objects.create_superuser("quan.tri.load", password="x")
    nobody = get_user_model().objects.create_user("khong.staff", password="x")
    inactive = get_user_model().objects.create_user("nghi.viec", password="x", is_active=False)
    for user in (center_user, board_user, central_user, superuser, nobody, inactive):
        with django_assert_num_queries(1):
            loaded = load_staff_user(user.pk)
        assert _loaded(loaded) == _loaded(staff_users().filter(pk=user.pk).first()), user.username
        assert _loaded(load_staff_user(str(user.pk))) == _loaded(loaded)
        assert Scope.for_user(loaded) == Scope.for_user(get_user_model().objects.get(pk=user.pk))
    assert StaffBackend().get_user(inactive.pk) is None
    assert StaffBackend().get_user(nobody.pk).pk == nobody.pk
    without_staff = StaffBackend().get_user(nobody.pk)
    with django_assert_num_queries(0):  # cached as none, as select_related leaves it
        assert not hasattr(without_staff, "staff")
    for missing in (None, 0, 10**6):
        assert load_staff_user(missing) is None
    for odd in (2**63, "not a number"):  # as the ORM answers them: no user, or its error
        try:
            expected = staff_users().filter(pk=odd).first()
        except Exception as error:  # noqa: BLE001 -- the ORM's error is the answer to compare with
            with pytest.raises(type(error)):
                load_staff_user(odd)
        else:
            assert load_staff_user(odd) is expected is None
