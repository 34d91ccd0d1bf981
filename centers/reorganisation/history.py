"""What a unit's page shows of its history: its names over time, its dates, the unit it merged into and those
merged into it, the communes it serves, and the reorganisation plans that touched it. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import ReorganisationPlan, Unit
from .preview import SECTIONS


@dataclass
class UnitHistory:
    unit: Unit
    names: list  # UnitName rows, oldest first
    predecessors: list[Unit]
    communes: list
    plans: list[ReorganisationPlan]


def unit_history(unit: Unit, *, visible: QuerySet[Unit]) -> UnitHistory:
    """The unit's history; the units it names are those the viewer may see (`visible`). Five queries."""
    return UnitHistory(
        unit=unit,
        names=list(unit.former_names.order_by("valid_from")),
        predecessors=list(visible.filter(merged_into=unit).order_by("kind", "code")),
        communes=list(unit.served_communes.order_by("active_from", "code")),
        plans=list(unit.reorganisation_plans.select_related("applied_by").order_by("-applied_at", "-pk")),
    )


def applied_plans(limit: int = 100) -> list[ReorganisationPlan]:
    return list(ReorganisationPlan.objects.select_related("applied_by").order_by("-applied_at", "-pk")[:limit])


def applied_plan(pk: int) -> ReorganisationPlan | None:
    return ReorganisationPlan.objects.select_related("applied_by").filter(pk=pk).first()


def summary_sections(plan: ReorganisationPlan) -> list[tuple[str, list[str]]]:
    """The applied plan's summary under the preview's headings."""
    return [(str(title), plan.summary[key]) for key, title in SECTIONS if plan.summary.get(key)]
