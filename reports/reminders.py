"""Which centers are late with a quarterly report (read only; the command sends the mail)."""

from __future__ import annotations

import datetime

from centers.models import Unit
from centers.periods import Period

from .models import REPORTED_STATUSES, CenterReport, deadlines


def overdue_centers(*, period: Period, today: datetime.date) -> list[tuple[Unit, datetime.date]]:
    """Centers active in the quarter, past their province's deadline, whose report is not submitted or approved."""
    due = deadlines(period)
    done = set(
        CenterReport.objects.filter(
            year=period.year,
            quarter=period.index,
            status__in=REPORTED_STATUSES,
        ).values_list("center_id", flat=True)
    )
    overdue = []
    centers = Unit.objects.centers().active_between(period.start, period.end).select_related("parent")
    for center in centers.order_by("parent__code", "code"):
        deadline = due[center.parent_id]
        if today > deadline and center.pk not in done:
            overdue.append((center, deadline))
    return overdue
