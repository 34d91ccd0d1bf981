"""Everything an export of one unit and period shows, read once from the selectors and shared by the
xlsx and docx exporters, so that both say exactly what the dashboard says for the same unit, period and basis."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from centers.models import Unit

from .. import briefing, selectors
from ..periods import Period
from ..selectors import Basis, Rollup


@dataclass
class ExportContext:
    unit: Unit
    period: Period
    basis: str
    rollup: Rollup
    rate: selectors.ReportingRate
    briefing_text: str
    narratives: list[selectors.Narrative]
    made_on: datetime.date

    @property
    def unit_title(self) -> str:
        if self.unit.kind == Unit.Kind.CENTRAL:
            return "Toàn quốc"
        return self.unit.name_on(self.period.end)

    @property
    def basis_label(self) -> str:
        return str(Basis(self.basis).label)

    @property
    def figures_paragraph(self) -> str:
        return self.briefing_text.split("\n\n", 1)[0]


def build_context(*, unit: Unit, period: Period, basis: str | None = None) -> ExportContext:
    basis = basis or selectors.default_basis(unit)
    rollup = selectors.rollup(unit=unit, period=period, basis=basis)
    text, _edited = briefing.current(unit=unit, period=period, basis=basis, rollup=rollup)
    return ExportContext(
        unit=unit,
        period=period,
        basis=basis,
        rollup=rollup,
        rate=selectors.reporting_rate(unit=unit, period=period, centers=rollup.centers),
        briefing_text=text,
        narratives=selectors.narratives(unit=unit, period=period, basis=basis),
        made_on=timezone.localdate(),
    )
