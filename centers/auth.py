"""Signing in: Django's password check, and the user loaded with what every page needs of them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from .models import Unit


class StaffBackend(ModelBackend):
    """Django's ModelBackend, whose `get_user` (once per request, from the session) reads the user's Staff row, its
    unit and the unit's parent, and whether the unit took others over, in the same query: `Scope.for_user` then
    costs no query (it was one more on every page, 4% of the CPU of the load test's mix)."""

    def get_user(self, user_id):
        users = (
            get_user_model()
            ._default_manager.select_related("staff__unit__parent")
            .annotate(staff_took_over=Exists(Unit.objects.filter(merged_into_id=OuterRef("staff__unit_id"))))
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
