import time

from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from .scoping import Scope
from .two_factor import PENDING, SETUP_REQUIRED


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
        # Only a session that exists (a signed-in browser): an API request with a token has none and gets none.
        if user is not None and user.is_authenticated and request.session.session_key:
            now = int(time.time())
            if now - request.session.get("_renewed", 0) >= self.interval:
                request.session["_renewed"] = now  # marks the session modified: saved with a new expiry
        return response


class AccountGate:
    """What a signed-in session must do before any other page opens (it may always sign out):
    - enter the code of its second step (centers/two_factor.py) when the account has two steps on;
    - choose its own password after a temporary one (Staff.must_change_password);
    - set up two steps when the setting requires them of the account (central and board staff)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            target = self.target(request)
            if target is not None:
                match = _resolve(request.path_info)
                allowed = {target, "logout"}
                if match is not None and match.view_name not in allowed and not match.view_name.startswith("admin:"):
                    return redirect(target)
        return self.get_response(request)

    @staticmethod
    def target(request):
        session = request.session
        if session.get(PENDING):
            return "accounts:two_factor_verify"
        if request.scope.must_change_password:
            return "accounts:password_change"
        if session.get(SETUP_REQUIRED):
            return "accounts:two_factor"
        return None


def _resolve(path):
    try:
        return resolve(path)
    except Resolver404:
        return None
