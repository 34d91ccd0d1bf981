"""A program compared with the same period a year earlier across a change of the catalogue (1/12/2025): a program
of the later version is compared with the programs of the earlier one it continues (courses.models.ProgramMapping,
those not retired), "bồi dưỡng đảng viên mới" (N2) of quý I/2026 with "DVM" of quý I/2025; where no mapping exists
the pages say so ("chưa có chương trình tương ứng cùng kỳ năm trước").

The rollup stays keyed by program code (a program's figures are its own); this module reads the mapping (one query)
only for a period ending on or after the catalogue's first change, so pages of older periods cost nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from courses.catalogue import REVISION_2025
from courses.models import Program, ProgramMapping

from .types import Change, ProgramFigures, Rollup

NO_COUNTERPART = "chưa có chương trình tương ứng cùng kỳ năm trước"
# The catalogue's first change: a period ending before it holds no program newer than a year earlier's (a later
# version of the catalogue, added in the app, starts later still).
FIRST_CHANGE = REVISION_2025


@dataclass
class ProgramComparison:
    program: Program
    now: ProgramFigures
    before: ProgramFigures | None  # the year-earlier figures of its counterparts; None: it has none
    earlier: list[Program] = field(default_factory=list)  # the year-earlier programs it is compared with

    @property
    def across(self) -> bool:
        """Compared with programs of the earlier catalogue (another code)."""
        return any(p.code != self.program.code for p in self.earlier)

    @property
    def change(self) -> Change | None:
        return Change(self.now.classes, self.before.classes) if self.before is not None else None

    @property
    def earlier_codes(self) -> str:
        return ", ".join(p.code for p in self.earlier)

    @property
    def earlier_phrases(self) -> str:
        return ", ".join(dict.fromkeys(p.briefing_phrase for p in self.earlier))


def _new_since(program: Program, rollup: Rollup) -> bool:
    """The program was not in force when the year-earlier period began: it comes from a later catalogue."""
    return rollup.previous is not None and program.valid_from > rollup.previous.period.start


def compare(rollup: Rollup) -> list[ProgramComparison]:
    """Each program with classes in the period, against a year earlier: its own code's figures, or for a program of
    a later catalogue, its counterparts' (added up); [] when the rollup is not compared (or cannot be)."""
    if rollup.previous is None or not rollup.comparable:
        return []
    lines = list(rollup.by_program.values())
    previous = rollup.previous.by_program
    mapped: dict[int, list[Program]] = {}
    if rollup.period.end >= FIRST_CHANGE:
        # Read by the period, not by what it holds, so that a page of a period costs the same queries whatever
        # programs its classes teach (tests/test_page_queries.py).
        mappings = ProgramMapping.objects.filter(
            retired_at__isnull=True, later__valid_from__gt=rollup.previous.period.start
        ).select_related("earlier")
        for mapping in mappings.order_by("earlier__order", "earlier__code"):
            mapped.setdefault(mapping.later_id, []).append(mapping.earlier)
    found = []
    for line in lines:
        program = line.program
        if not _new_since(program, rollup):
            found.append(
                ProgramComparison(program, line, previous.get(program.code) or ProgramFigures(program), [program])
            )
            continue
        # Its counterparts, and itself where it already had classes a year earlier (the period a year earlier
        # holding the catalogue's first day: N1 in December 2025 with KND before it).
        earlier = ([program] if program.code in previous else []) + mapped.get(program.pk, [])
        if not earlier:
            found.append(ProgramComparison(program, line, None, []))
            continue
        before = ProgramFigures(program)
        for counterpart in earlier:
            if counterpart.code in previous:
                before.add(previous[counterpart.code])
        found.append(ProgramComparison(program, line, before, earlier))
    return found


def across_the_change(rollup: Rollup) -> list[ProgramComparison]:
    """Only the programs of a later catalogue than a year earlier's: what the briefing speaks of."""
    return [c for c in compare(rollup) if c.across or c.before is None]
