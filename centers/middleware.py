import time

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
