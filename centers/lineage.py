"""Lineage: which units a unit took over in a reorganisation, and which boundaries a period is shown in.

A merger never re-points a record: the absorbed unit is closed (`active_to` = the day before the merger) and names
the unit that took it over (`merged_into`). Yên Bái closed on 30/6/2025 merged into Lào Cai, which continues; the
district centers that closed the same day name the commune-level center that took their staff and open work.

A province's lineage is the province and every province merged into it, however deep (a merger of a merger). Its
figures "in today's boundaries" (`Boundaries.TODAY`) add up the whole lineage; "as they were" (`Boundaries.THEN`)
count the province alone, as it stood in the period. This module holds the rule once: scoping (a board sees its
predecessors' past) and the figures (reports/figures/) both read it.
"""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Unit


class Boundaries(enum.Enum):
    """Which boundaries a rollup of a period is shown in."""

    THEN = "khi-do"  # the units as they were in the period
    TODAY = "hien-nay"  # today's units, each with its predecessors' figures

    @property
    def label(self) -> str:
        return str(BOUNDARY_LABELS[self])

    @classmethod
    def parse(cls, value: str | None, period_end: datetime.date) -> Boundaries:
        """The boundaries a request asks for (`?ranh-gioi=hien-nay|khi-do`), or the period's default."""
        for member in cls:
            if value == member.value:
                return member
        return default_boundaries(period_end)


BOUNDARY_LABELS = {
    Boundaries.THEN: _("theo địa giới khi đó"),
    Boundaries.TODAY: _("theo địa giới hiện nay"),
}


def reorganisation_date() -> datetime.date:
    """The first day of the reorganised chain (1/7/2025 by default, settings.REORGANISATION_DATE)."""
    return getattr(settings, "REORGANISATION_DATE", datetime.date(2025, 7, 1))


def default_boundaries(period_end: datetime.date) -> Boundaries:
    """A period that ends before the reorganisation is shown as it was; one that reaches past it (năm 2025,
    quý III/2026) in today's boundaries."""
    return Boundaries.TODAY if period_end >= reorganisation_date() else Boundaries.THEN


def predecessor_map(kind: str | None = Unit.Kind.PROVINCE) -> dict[int, frozenset[int]]:
    """{unit id: every unit merged into it, directly or through another merger} for the units that took over
    another (of `kind`; None for every kind). One query."""
    rows = Unit.objects.filter(merged_into__isnull=False)
    if kind is not None:
        rows = rows.filter(kind=kind)
    direct: dict[int, set[int]] = defaultdict(set)
    for pk, successor in rows.values_list("pk", "merged_into_id"):
        direct[successor].add(pk)
    closed: dict[int, frozenset[int]] = {}

    def walk(pk: int, seen: frozenset[int]) -> frozenset[int]:
        if pk in closed:
            return closed[pk]
        found: set[int] = set()
        for before in direct.get(pk, ()):
            if before in seen:  # a loop in bad data: stop rather than recurse for ever
                continue
            found.add(before)
            found |= walk(before, seen | {before})
        closed[pk] = frozenset(found)
        return closed[pk]

    return {pk: walk(pk, frozenset({pk})) for pk in direct}


def predecessors_of(unit: Unit) -> frozenset[int]:
    """Every unit of the unit's own kind merged into it, however deep: a province's absorbed provinces, the centers
    that closed into a center. One query."""
    return predecessor_map(unit.kind).get(unit.pk, frozenset())


def successor_map(kind: str | None = Unit.Kind.PROVINCE) -> dict[int, int]:
    """{unit id: the unit that carries it today} for every unit merged into another (of `kind`): `successor_today`
    for all of them at once, from `predecessor_map` (one query)."""
    before = predecessor_map(kind)
    absorbed = set().union(*before.values()) if before else set()
    return {old: new for new, olds in before.items() if new not in absorbed for old in olds}


def lineage_ids(unit_ids: Iterable[int], kind: str | None = Unit.Kind.PROVINCE) -> dict[int, frozenset[int]]:
    """{unit id: the unit and its predecessors} for each of `unit_ids` (a unit that took over nothing maps to
    itself alone)."""
    before = predecessor_map(kind)
    return {pk: frozenset({pk}) | before.get(pk, frozenset()) for pk in unit_ids}


def successor_today(unit: Unit) -> Unit:
    """The unit that carries `unit` today: itself, or the end of its chain of mergers."""
    seen = {unit.pk}
    while unit.merged_into_id is not None and unit.merged_into_id not in seen:
        seen.add(unit.merged_into_id)
        unit = unit.merged_into
    return unit
