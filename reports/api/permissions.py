"""Who may call the API: an active account with a place in the chain (the Scope the pages use), its password not
temporary."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from centers.scoping import Scope


def scope_of(request) -> Scope:
    """The request's Scope, resolved once (the DRF request authenticates tokens after the middleware ran)."""
    scope = getattr(request, "_api_scope", None)
    if scope is None:
        scope = request._api_scope = Scope.for_user(request.user)
    return scope


class InScope(permissions.BasePermission):
    message = _("Tài khoản này không có quyền xem số liệu qua API.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        scope = scope_of(request)
        if scope.must_change_password:
            self.message = _("Đổi mật khẩu tạm thời trên trang web trước khi dùng API.")
            return False
        return scope.level is not None
