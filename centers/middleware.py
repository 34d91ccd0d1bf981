import time

from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from .scoping import Scope


class ScopeMiddleware:
    """Resolve the user's scope once per request (lazily: static and login pages never pay for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: Scope.for_user(request.user))
        return self.get_response(request)


class SessionKeepAlive:
    """Idle sessions end after SESSION_COOKIE_AGE; a signed-in user's activity renews theirs, at most once a
    minute (a session write per request would cost every page a database write)."""

    interval = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("_renewed", 0) >= self.interval:
                request.session["_renewed"] = now  # marks the session modified: saved with a new expiry
        return response


class PasswordChangeRequired:
    """An account given a temporary password (Staff.must_change_password) is sent to the password change page from
    every other page until it has chosen its own password; it may still sign out."""

    allowed = {"accounts:password_change", "logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.scope.must_change_password:
            match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
            if match is not None and match.view_name not in self.allowed and not match.view_name.startswith("admin:"):
                return redirect("accounts:password_change")
        return self.get_response(request)


def _resolve(path):
    try:
        return resolve(path)
    except Resolver404:
        return None
