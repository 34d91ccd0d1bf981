"""Signing in: Django's password check, and the user loaded with what every page needs of them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, QuerySet

from .compiled import CompiledQuery, pk_value
from .models import Unit


def staff_users() -> QuerySet:
    """Users with their Staff row, its unit and the unit's parent, and whether the unit took others over
    (`staff_took_over`, read by `Scope.for_user`): what `StaffBackend.get_user` reads."""
    return (
        get_user_model()
        ._default_manager.select_related("staff__unit__parent")
        .annotate(staff_took_over=Exists(Unit.objects.filter(merged_into_id=OuterRef("staff__unit_id"))))
    )


def _first_of(users: QuerySet) -> QuerySet:
    return (users if users.ordered else users.order_by("pk"))[:1]  # as `.first()` composes it


# Compiled once per thread (centers/compiled.py): composing and compiling it was 80% of its cost, which every
# request pays (6,7% of the CPU of the load test's mix).
_staff_user = CompiledQuery(
    get_user_model(), lambda user_id: _first_of(staff_users().filter(pk=user_id)), samples=((-1,), (-2,))
)


def load_staff_user(user_id):
    """`staff_users().filter(pk=user_id).first()`, the same single query and the same instances (the user, their
    Staff row or None cached, as select_related leaves it, its unit and the unit's parent, `staff_took_over`)."""
    value = pk_value(get_user_model(), user_id)
    if value is None:
        return None
    found = _staff_user.rows(value)
    return found[0] if found else None


class StaffBackend(ModelBackend):
    """Django's ModelBackend, whose `get_user` (once per request, from the session) reads the user's Staff row, its
    unit and the unit's parent, and whether the unit took others over, in the same query: `Scope.for_user` then
    costs no query (it was one more on every page, 4% of the CPU of the load test's mix)."""

    def get_user(self, user_id):
        user = load_staff_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
