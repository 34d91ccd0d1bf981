"""What "the data" is: the basis a figure is counted on, and the centers a unit's figures are made of.

A basis chooses which quarters count: only quarters whose center report is approved (the default above the center
level), approved and submitted ones, or everything entered. Its rule is written here once for both ways of
counting: as report statuses (`admitted_statuses`, read against the maintained tables) and as filters over the raw
rows (`basis_filter`, `plan_filter`: the reference counting, the roster and the lecturers list). Figures are
computed for a set of centers (`centers_of`: one center, a province's centers, every center), so a unit's past
figures follow the centers it had then.

A province's or the nation's figures are also shown in boundaries (`Bounds`, centers/lineage.py): as the provinces
were in the period, or in today's, where a province carries the provinces merged into it (its lineage) and the
nation lists today's provinces. The lineage is read once per page (`bounds_of`) and travels with the rollup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractQuarter
from django.utils.translation import gettext_lazy as _

from centers.lineage import Boundaries, default_boundaries, lineage_ids, successor_map
from centers.models import Unit
from centers.periods import Period

from ..models import REPORTED_STATUSES, CenterReport


class Basis(models.TextChoices):
    APPROVED = "approved", _("Chỉ số liệu đã phê duyệt")
    SUBMITTED = "submitted", _("Gồm cả số liệu đã gửi, chưa phê duyệt")
    ALL = "all", _("Tất cả số liệu đã nhập (gồm cả bản nháp)")


def admitted_statuses(basis: str) -> list[str] | None:
    """The report statuses whose quarters a basis admits (None: every quarter, reported or not)."""
    if basis == Basis.ALL:
        return None
    if basis == Basis.SUBMITTED:
        return list(REPORTED_STATUSES)
    return [CenterReport.Status.APPROVED]


def default_basis(unit: Unit) -> str:
    """A center sees everything it entered; a province or the nation sees approved data unless it asks."""
    return Basis.ALL if unit.kind == Unit.Kind.CENTER else Basis.APPROVED


@dataclass(frozen=True)
class Bounds:
    """The boundaries a unit's figures are shown in, with what they take from the lineage (centers/lineage.py).

    `provinces`: a province's own id, or in today's boundaries its lineage (itself and every province merged into
    it); `successors`: for the nation in today's boundaries, each merged province → the province that carries it
    today. A center has no lineage: its figures are its own in either view."""

    boundaries: Boundaries = Boundaries.THEN
    provinces: frozenset[int] = frozenset()
    successors: dict[int, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """What a cached figure is keyed on, so that a switch never shows the other view's numbers."""
        return self.boundaries.value

    @property
    def label(self) -> str:
        return self.boundaries.label

    def province_of(self, province_id: int | None) -> int | None:
        """The province a province's figures are listed under: itself, or today the one that carries it."""
        return self.successors.get(province_id, province_id)


def bounds_of(unit: Unit, boundaries: Boundaries | None, period: Period) -> Bounds:
    """The unit's bounds (one query for a province or the nation in today's boundaries, none otherwise); None:
    the period's default (`centers.lineage.default_boundaries`)."""
    boundaries = boundaries or default_boundaries(period.end)
    if unit.kind == Unit.Kind.CENTER:
        return Bounds(Boundaries.THEN, frozenset({unit.pk}))
    if boundaries is Boundaries.THEN or unit.kind not in (Unit.Kind.PROVINCE, Unit.Kind.CENTRAL):
        return Bounds(boundaries, frozenset({unit.pk}) if unit.kind == Unit.Kind.PROVINCE else frozenset())
    if unit.kind == Unit.Kind.PROVINCE:
        return Bounds(boundaries, lineage_ids([unit.pk])[unit.pk])
    return Bounds(boundaries, frozenset(), successor_map())


def centers_of(unit: Unit, bounds: Bounds | None = None) -> QuerySet[Unit]:
    """The centers whose classes make up a unit's figures (retired and merged ones included: past periods); a
    province's in today's boundaries are those of its lineage."""
    if unit.kind == Unit.Kind.CENTER:
        return Unit.objects.filter(pk=unit.pk)
    if unit.kind == Unit.Kind.PROVINCE:
        if bounds is not None and len(bounds.provinces) > 1:
            return Unit.objects.centers().filter(parent_id__in=sorted(bounds.provinces))
        return Unit.objects.centers().filter(parent=unit)
    if unit.kind == Unit.Kind.CENTRAL:
        return Unit.objects.centers()
    return Unit.objects.none()


# -- which rows a basis admits ------------------------------------------------------------------------------
class Admitted(dict):
    """Quarter index → subquery of admitted center ids (the reference counting's basis)."""

    def __init__(self, reports: QuerySet, quarters: list[int]):
        super().__init__({q: reports.filter(quarter=q).values("center_id") for q in quarters})
        self.reports = reports.filter(quarter__in=quarters)

    def exists(self, *, center: str, quarter) -> Exists:
        """The row's (center, quarter) is admitted: a semi-join, which the database hashes once per query."""
        return Exists(self.reports.filter(center_id=OuterRef(center), quarter=quarter))


def admitted_centers(*, centers: QuerySet[Unit], period: Period, basis: str) -> Admitted | None:
    """Quarter index → the ids of the centers whose data the basis admits for it, as a subquery (None: all data).

    Subqueries keep long id lists out of Python: the database applies them where the figures are counted."""
    statuses = admitted_statuses(basis)
    if statuses is None:
        return None
    reports = CenterReport.objects.filter(center__in=centers, year=period.year, status__in=statuses)
    return Admitted(reports, [q.index for q in period.quarters()])


def basis_filter(*, centers: QuerySet[Unit], period: Period, admitted: dict | None, path: str = "") -> Q:
    """A Q over classes (at `path`) keeping the quarters of `period` whose data is admitted."""
    prefix = f"{path}__" if path else ""
    if admitted is None:
        return Q(
            **{
                f"{prefix}center__in": centers,
                f"{prefix}start_date__gte": period.start,
                f"{prefix}start_date__lte": period.end,
            }
        )
    in_period = Q(**{f"{prefix}start_date__gte": period.start, f"{prefix}start_date__lte": period.end})
    return in_period & Q(
        admitted.exists(center=f"{prefix}center_id", quarter=ExtractQuarter(OuterRef(f"{prefix}start_date")))
    )


def plan_filter(*, centers: QuerySet[Unit], period: Period, admitted: dict | None) -> Q:
    """Plan lines for the quarters of `period`: a quarter's plan is written in the report of the quarter before.

    The centers come first (an index range), so the admitted check runs over their lines only."""
    condition = Q(pk__in=[])
    for q in period.quarters():
        before = q.previous_quarter()
        same_quarter = Q(report__year=before.year, report__quarter=before.index) & plan_center_active(q)
        if admitted is None:
            condition |= same_quarter & Q(report__center__in=centers)
        else:
            condition |= same_quarter & Q(report__center_id__in=admitted[q.index])
    return Q(report__center__in=centers) & condition


def plan_center_active(target: Period, path: str = "report__center") -> Q:
    """A plan line counts for the quarter it is for only while its center is active in it: the plan a district
    center wrote in June 2025 for a quarter after its close does not exist; the unit that took over sets its own."""
    return Q(**{f"{path}__active_to__isnull": True}) | Q(**{f"{path}__active_to__gte": target.start})
