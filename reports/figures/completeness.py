"""How completely the centers reported: each center's report status for a quarter (`completeness`), the
reporting rate per province (`national_completeness`) and over any period (`reporting_rate`, cached in parts).
Submitted or approved counts as reported (reports.models.REPORTED_STATUSES); a center not active in a quarter is
not expected to report it (centers.models.Unit.active_between).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Unit
from centers.periods import Period

from ..models import REPORTED_STATUSES, CenterReport, deadlines
from .basis import Bounds
from .counting import cached_parts, unit_centers
from .types import Partition

NOT_STARTED = "not_started"
STATUS_LABELS = {NOT_STARTED: _("Chưa lập"), **dict(CenterReport.Status.choices)}


@dataclass
class CompletenessRow:
    center: Unit
    report: CenterReport | None
    expected: bool
    on_time: bool | None  # None until submitted
    overdue_days: int | None = None  # expected, not sent, and the deadline passed: by how many days

    @property
    def status(self) -> str:
        return self.report.status if self.report else NOT_STARTED

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def counts(self) -> bool:
        """Submitted or approved: counts towards the reporting rate."""
        return self.expected and self.status in REPORTED_STATUSES


@dataclass
class Completeness:
    period: Period
    unit: Unit
    deadline: datetime.date | None
    rows: list[CompletenessRow]

    @property
    def expected(self) -> int:
        return sum(1 for row in self.rows if row.expected)

    @property
    def reported(self) -> int:
        return sum(1 for row in self.rows if row.counts)

    @property
    def approved(self) -> int:
        return sum(1 for row in self.rows if row.expected and row.status == CenterReport.Status.APPROVED)

    @property
    def late(self) -> int:
        return sum(1 for row in self.rows if row.expected and row.on_time is False)

    @property
    def rate(self) -> float | None:
        """Submitted and approved over expected; centers not active in the period are not expected."""
        return self.reported / self.expected if self.expected else None

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue_days)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.expected and row.status == status)


def completeness(
    *, province: Unit, period: Period, deadline: datetime.date | None = None, today: datetime.date | None = None
) -> Completeness:
    """Each center of a province with its report status for one quarter (three queries), and how many days late
    the ones not sent are."""
    today = today or timezone.localdate()
    if deadline is None:
        deadline = deadlines(period, [province.pk])[province.pk]
    centers = list(Unit.objects.centers().filter(parent=province).select_related("parent").order_by("code"))
    reports = {
        r.center_id: r
        for r in CenterReport.objects.filter(center__in=centers, year=period.year, quarter=period.index).select_related(
            "approved_by", "submitted_by"
        )
    }
    rows = []
    for center in centers:
        report = reports.get(center.pk)
        expected = center.is_active_between(period.start, period.end)
        if report is None and not expected:
            continue  # not active then, and nothing to show
        on_time = None
        if report is not None and report.first_submitted_at is not None:
            on_time = timezone.localtime(report.first_submitted_at).date() <= deadline
        late = expected and (report is None or report.status not in REPORTED_STATUSES) and today > deadline
        rows.append(CompletenessRow(center, report, expected, on_time, (today - deadline).days if late else None))
    return Completeness(period=period, unit=province, deadline=deadline, rows=rows)


@dataclass
class ProvinceCompleteness:
    province: Unit
    expected: int
    reported: int
    approved: int

    @property
    def rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None

    @classmethod
    def total(cls, rows: list[ProvinceCompleteness]) -> ProvinceCompleteness:
        """The country's line under the provinces'."""
        return cls(None, *(sum(getattr(row, name) for row in rows) for name in ("expected", "reported", "approved")))


def national_completeness(*, period: Period) -> list[ProvinceCompleteness]:
    """Reporting rate per province for one quarter (two grouped queries): the provinces of the quarter (Yên Bái
    until quý II/2025, not after its merger)."""
    active = (
        Unit.objects.centers()
        .active_between(period.start, period.end)
        .values("parent_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    expected = {row["parent_id"]: row["n"] for row in active}
    statuses = (
        CenterReport.objects.filter(year=period.year, quarter=period.index)
        .filter(center__in=Unit.objects.centers().active_between(period.start, period.end))
        .values("center__parent_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    reported, approved = defaultdict(int), defaultdict(int)
    for row in statuses:
        if row["status"] in REPORTED_STATUSES:
            reported[row["center__parent_id"]] += row["n"]
        if row["status"] == CenterReport.Status.APPROVED:
            approved[row["center__parent_id"]] += row["n"]
    return [
        ProvinceCompleteness(p, expected.get(p.pk, 0), reported[p.pk], approved[p.pk])
        for p in Unit.objects.provinces().active_between(period.start, period.end).order_by("code")
    ]


# -- the reporting rate ------------------------------------------------------------------------------------
@dataclass
class ReportingRate:
    reported: int  # center-quarters submitted or approved
    expected: int  # center-quarters in which the center was active
    by_center: dict[int, tuple[int, int]]  # center id → (reported, expected)
    statuses: dict[tuple[int, int], str] = field(default_factory=dict)  # (center id, quarter) → report status

    @property
    def rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None

    def center_rate(self, center_id: int) -> float | None:
        reported, expected = self.by_center.get(center_id, (0, 0))
        return reported / expected if expected else None

    def status_label(self, center_id: int, period: Period) -> str:
        """The report status of a quarter, or "3/4 quý đã gửi" over a longer period."""
        if period.is_quarter:
            return str(STATUS_LABELS[self.statuses.get((center_id, period.index), NOT_STARTED)])
        reported, expected = self.by_center.get(center_id, (0, 0))
        return f"{reported}/{expected} quý đã gửi"

    def province_totals(self, centers: list[Unit], province_of=None) -> dict[int, tuple[int, int]]:
        """(reported, expected) per province; `province_of(center)`: the province a center is listed under (today's
        boundaries: the one carrying its own, `Rollup.province_key`)."""
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for center in centers:
            reported, expected = self.by_center.get(center.pk, (0, 0))
            key = province_of(center) if province_of else center.parent_id
            totals[key][0] += reported
            totals[key][1] += expected
        return {k: (v[0], v[1]) for k, v in totals.items()}


def reporting_rate(
    *, unit: Unit, period: Period, centers: list[Unit] | None = None, bounds: Bounds | None = None
) -> ReportingRate:
    """Submitted and approved center-quarters over the center-quarters expected (centers active then).

    `centers`: the unit's centers (`unit_centers`) when the caller has them already; `bounds`: the boundaries
    they were read in (a rollup's), a province's lineage today. Cached in parts: report statuses are stamped."""
    centers = centers if centers is not None else unit_centers(unit, bounds)
    return cached_parts(
        "reporting_rate",
        unit=unit,
        bounds=bounds,
        centers=centers,
        years=[period.year],
        params=(period.key,),
        count=lambda subset, partition: _reporting_parts(subset, centers, period, partition),
        merge=_add_rates,
    )


def _add_rates(parts: dict) -> ReportingRate:
    by_center, statuses = {}, {}
    for part in parts.values():
        by_center.update(part.by_center)
        statuses.update(part.statuses)
    return ReportingRate(
        reported=sum(r for r, _ in by_center.values()),
        expected=sum(e for _, e in by_center.values()),
        by_center=by_center,
        statuses=statuses,
    )


def _reporting_parts(centers_qs, centers: list[Unit], period: Period, partition: Partition) -> dict:
    quarters = period.quarters()
    parts: dict = defaultdict(lambda: ReportingRate(0, 0, {}))
    for center_id, quarter, status in CenterReport.objects.filter(
        center__in=centers_qs, year=period.year, quarter__in=[q.index for q in quarters]
    ).values_list("center_id", "quarter", "status"):
        parts[partition.of_center[center_id]].statuses[(center_id, quarter)] = status
    spans = [(q.index, q.start, q.end) for q in quarters]  # once, not once per center
    for center in centers:  # the parts not asked for are dropped
        center_id = center.pk
        part = parts[partition.of_center[center_id]]
        expected = reported = 0
        for index, start, end in spans:
            if center.is_active_between(start, end):
                expected += 1
                status = part.statuses.get((center_id, index))
                reported += status in REPORTED_STATUSES
        part.by_center[center_id] = (reported, expected)
    return parts
