"""Django's database sessions, the session row read with a query compiled once (centers/compiled.py): every
request reads it, and composing the ORM's lookup cost more than running it (3% of the CPU of the load test's mix).
SESSION_ENGINE names this module (settings)."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .compiled import CompiledQuery

_SESSION = CompiledQuery(
    Session,
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).order_by("pk")[:1],
    samples=(("key-a", timezone.now()), ("key-b", timezone.now() + timezone.timedelta(days=1))),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The session row if it exists and has not expired (as Django's `objects.get`), else None and no key."""
        found = _SESSION.rows(self.session_key, timezone.now())
        if found:
            return found[0]
        self._session_key = None
        return None
