from django.utils.functional import SimpleLazyObject

from .scoping import Scope


class ScopeMiddleware:
    """Resolve the user's scope once per request (lazily: static and login pages never pay for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: Scope.for_user(request.user))
        return self.get_response(request)
