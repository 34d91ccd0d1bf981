"""The foot of a class's roster: its enrolments by result. A class's own page, not a reporting figure (those are
counted in reports/), so it lives here, where the roster is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count

from .models import Course, Enrolment


def result_totals(*, course: Course, enrolments: Iterable[Enrolment] | None = None) -> dict:
    """Enrolments of one class by result (one grouped query), for the foot of the roster; counted from
    `enrolments` instead when the caller has read them (the class's current ones: no query)."""
    if enrolments is None:
        rows = (
            Enrolment.objects.filter(course=course, removed_at__isnull=True)
            .values("result")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts = {row["result"]: row["n"] for row in rows}
    else:
        counts = Counter(e.result for e in enrolments)
    totals = [(label, counts.get(value, 0)) for value, label in Enrolment.Result.choices]
    totals.append(("Chưa có kết quả", counts.get("", 0)))
    return {"by_result": totals, "total": sum(counts.values())}
