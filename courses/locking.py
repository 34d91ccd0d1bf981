"""Whether a center's records of a given day may still be changed.

Every write service asks `lock_reason()` before it touches a class, its roster or its results. This is the
single place that decides; the reports app fills it in (an approved quarter locks that center's classes
of the quarter, until board staff unlock it).
"""

from __future__ import annotations

import datetime

from centers.models import Unit


def lock_reason(*, center: Unit, day: datetime.date) -> str | None:
    """A Vietnamese sentence saying why the center's data of `day` is locked and who can unlock it, or None."""
    from reports.locking import quarter_lock_reason  # the reports app builds on courses, not the reverse

    return quarter_lock_reason(center=center, day=day)
