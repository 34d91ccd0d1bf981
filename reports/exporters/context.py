"""Everything an export of one unit and period shows, read once from the selectors and shared by the
xlsx and docx exporters, so that both say exactly what the dashboard says for the same unit, period and basis."""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils import timezone

from centers.lineage import Boundaries
from centers.models import Unit
from centers.periods import Period
from courses.models import Program

from .. import briefing
from ..figures import cache, completeness, counting
from ..figures.basis import Basis, Bounds, bounds_of, centers_of, default_basis
from ..figures.types import ProgramFigures, Rollup


@dataclass
class ProgramLine:
    """One program's line in every table of the files: its figures in the period and a year earlier."""

    name: str
    now: ProgramFigures  # zeros where the program had no class
    before: ProgramFigures


def program_lines(rollup: Rollup) -> list[ProgramLine]:
    """The programs the files list, the same in every table: each program in force during the period, and any other
    with figures in the period or the year before (one line a code, named as of the end of the period)."""
    period = rollup.period
    current, previous = rollup.by_program, rollup.previous.by_program if rollup.previous else {}
    lines: dict[str, tuple[tuple, str]] = {}
    for program in Program.objects.filter(valid_from__lte=period.end).order_by("valid_from"):
        in_force = program.valid_to is None or program.valid_to >= period.start
        if in_force or program.code in current or program.code in previous:
            lines[program.code] = ((program.order, program.code), program.name)  # the later revision wins
    for code, line in (*previous.items(), *current.items()):
        lines.setdefault(code, ((line.program.order, code), line.program.name))
    ordered = sorted(lines.items(), key=lambda item: item[1][0])
    return [
        ProgramLine(name, current.get(code) or ProgramFigures(None), previous.get(code) or ProgramFigures(None))
        for code, (_order, name) in ordered
    ]


@dataclass
class ExportContext:
    unit: Unit
    period: Period
    basis: str
    rollup: Rollup
    rate: completeness.ReportingRate
    briefing_text: str
    points: dict[str, list[str]]  # achievements, causes, next tasks → a line a point (briefing.written_points)
    made_on: datetime.date
    programs: list[ProgramLine]

    @property
    def unit_title(self) -> str:
        if self.unit.kind == Unit.Kind.CENTRAL:
            return "Toàn quốc"
        return self.unit.name_on(self.period.end)

    @property
    def basis_label(self) -> str:
        return str(Basis(self.basis).label)

    @property
    def bounds(self) -> Bounds:
        return self.rollup.bounds

    @property
    def boundaries_label(self) -> str:
        """Which view the file shows ("Số liệu theo địa giới hiện nay, gồm cả số liệu của Yên Bái ..."); empty
        for a center."""
        return self.rollup.boundaries_label

    @property
    def no_history(self) -> bool:
        """The unit did not exist a year earlier: the change columns say "chưa có số liệu cùng kỳ"."""
        return self.rollup.no_history

    @property
    def figures_paragraph(self) -> str:
        return self.briefing_text.split("\n\n", 1)[0]


def build_context(
    *, unit: Unit, period: Period, basis: str | None = None, boundaries: Boundaries | None = None
) -> ExportContext:
    """`boundaries`: as they were or today's (None: the period's default, centers/lineage.py)."""
    basis = basis or default_basis(unit)
    bounds = bounds_of(unit, boundaries, period)
    rollup = counting.rollup(unit=unit, period=period, basis=basis, bounds=bounds)
    # The names of the time, in one query each: the centers', their provinces' (the national sheet), the unit's.
    prefetch_related_objects(rollup.centers, "former_names")
    prefetch_related_objects(
        [unit, *{center.parent_id: center.parent for center in rollup.centers}.values()], "former_names"
    )
    rate = completeness.reporting_rate(unit=unit, period=period, centers=rollup.centers, bounds=bounds)
    text = briefing.current(unit=unit, period=period, basis=basis, rollup=rollup, rate=rate).text
    return ExportContext(
        unit=unit,
        period=period,
        basis=basis,
        rollup=rollup,
        rate=rate,
        briefing_text=text,
        # The shortcomings and proposals come with the briefing's text (the board may have edited them).
        points=briefing.written_points(
            unit=unit, period=period, basis=basis, fields=("achievements", "causes", "next_tasks"), bounds=bounds
        ),
        made_on=timezone.localdate(),
        programs=program_lines(rollup),
    )


def cached_file(ctx: ExportContext, fmt: str, render: Callable[[ExportContext, io.BytesIO], object]) -> bytes:
    """The file of an export without the roster, from the figures cache while nothing it shows has changed.

    Everything it shows is stamped with the period's year and the year before (figures, reports and their text,
    lecturers) or starts a new epoch (units, their names, programs); the briefing's text and the day it is made
    are in the key. A board's review meeting downloads the same file many times."""
    params = (
        ctx.unit.pk,
        ctx.period.key,
        ctx.basis,
        ctx.bounds.key,
        fmt,
        ctx.made_on.isoformat(),
        hashlib.sha1(ctx.briefing_text.encode()).hexdigest(),
    )

    def compute() -> bytes:
        target = io.BytesIO()
        render(ctx, target)
        return target.getvalue()

    return cache.cached(
        "export",
        centers=centers_of(ctx.unit, ctx.bounds),
        years=[ctx.period.year - 1, ctx.period.year],
        params=params,
        compute=compute,
    )
