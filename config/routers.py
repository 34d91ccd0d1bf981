"""Reads from a streaming replica, writes (and a user's reads right after their own write) to the primary.

With `DATABASE_REPLICA_URL` set, the alias "replica" points at a PostgreSQL hot standby and `PrimaryReplicaRouter`
is installed: the records the pages, exports and the API read (courses, reports, the organisation chain) come from
the replica; sessions, accounts, logins, jobs and every write stay on the primary. `ReadYourWrites` (middleware)
sends a whole request to the primary when it writes (any method but GET/HEAD/OPTIONS) and, for
`REPLICA_LAG_SECONDS` afterwards, every request of the same session, so that a user never sees the page before
their save. A read inside a transaction (a service validating before it writes) goes to the primary too.

Without `DATABASE_REPLICA_URL` the alias "replica" is the primary itself and no router is installed.
"""

from __future__ import annotations

import contextvars
import time

from django.conf import settings
from django.db import connections

_primary = contextvars.ContextVar("read_from_primary", default=False)

# What may be read from the replica: the records behind the pages, exports and the API. The rest (sessions, users,
# login throttles, two-factor devices, jobs, tokens...) is read where it is written.
REPLICA_MODELS = {
    "courses": None,  # every model
    "reports": None,
    "centers": {"unit", "unitname", "servedcommune"},
}


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _primary.get() or connections["default"].in_atomic_block:
            return "default"
        allowed = REPLICA_MODELS.get(model._meta.app_label, set())
        if allowed is None or model._meta.model_name in allowed:
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same database, seen through two connections

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReadYourWrites:
    """A request that writes, and the same session's requests for a few seconds after, read from the primary."""

    SAFE = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lag = getattr(settings, "REPLICA_LAG_SECONDS", 10)
        session = getattr(request, "session", None)
        writes = request.method not in self.SAFE
        recent = session is not None and session.get("_primary_until", 0) > time.time()
        token = _primary.set(writes or recent)
        try:
            response = self.get_response(request)
        finally:
            _primary.reset(token)
        if writes and session is not None and session.session_key:
            session["_primary_until"] = time.time() + lag
        return response


class on_primary:
    """`with on_primary():` reads of the block go to the primary (e.g. a job that must see what was just saved)."""

    def __enter__(self):
        self._token = _primary.set(True)

    def __exit__(self, *exc):
        _primary.reset(self._token)
