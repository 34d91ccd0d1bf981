"""Figures as submitted: what a center's report said when it was sent, and what changed since.

Submitting keeps the quarter's figures on the report (`CenterReport.submitted_figures`); the report page and the
board's review show "Số liệu đã thay đổi sau khi gửi" with the figures then and now, and the board's inbox flags
the reports whose classes or enrolments moved (one grouped query for all of them).
"""

from __future__ import annotations

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from ..models import CenterReport, QuarterAggregate
from .types import RESULTS, Figures

# The figures kept, in the order they are shown (label, attribute of Figures).
KEPT = [
    ("classes", _("Số lớp đã mở")),
    ("enrolments", _("Lượt học viên")),
    ("learners", _("Học viên (không tính trùng)")),
    ("co_organised_classes", _("Lớp phối hợp Trường Chính trị tỉnh")),
]


def snapshot(figures: Figures) -> dict:
    return {
        **{name: getattr(figures, name) for name, _label in KEPT},
        "results": {key: figures.results.get(key, 0) for key, _label in RESULTS},
    }


def changes(kept: dict | None, figures: Figures) -> list[tuple[str, int, int]]:
    """(label, when submitted, now) of each kept figure that changed since; [] when nothing did or nothing was kept."""
    if not kept:
        return []
    now = snapshot(figures)
    rows = [(str(label), kept.get(name, 0), now[name]) for name, label in KEPT if kept.get(name, 0) != now[name]]
    labels = dict(RESULTS)
    for key, n in now["results"].items():
        then = kept.get("results", {}).get(key, 0)
        if then != n:
            rows.append((str(_("Kết quả: %(r)s") % {"r": labels[key]}), then, n))
    return rows


def changed_since_submission(reports: list[CenterReport]) -> set[int]:
    """The reports (submitted, with a snapshot) whose quarter's classes or enrolments differ from the snapshot: the
    maintained aggregates summed for all of them in one query."""
    kept = [r for r in reports if r.submitted_figures]
    if not kept:
        return set()
    condition = Q(pk__in=[])
    for r in kept:
        condition |= Q(center_id=r.center_id, year=r.year, quarter=r.quarter)
    totals = {
        (row["center_id"], row["year"], row["quarter"]): (row["classes"] or 0, row["enrolments"] or 0)
        for row in QuarterAggregate.objects.filter(condition)
        .values("center_id", "year", "quarter")
        .annotate(classes=Sum("classes"), enrolments=Sum("enrolments"))
        .order_by()
    }
    return {
        r.pk
        for r in kept
        if totals.get((r.center_id, r.year, r.quarter), (0, 0))
        != (r.submitted_figures.get("classes", 0), r.submitted_figures.get("enrolments", 0))
    }
