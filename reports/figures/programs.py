"""A program compared with the same period a year earlier across a change of the catalogue (1/12/2025): a program
of the later version is compared with the programs of the earlier one it continues (courses.models.ProgramMapping,
those not retired), "bồi dưỡng đảng viên mới" (N2) of quý I/2026 with "DVM" of quý I/2025; where no mapping exists
the pages say so ("chưa có chương trình tương ứng cùng kỳ năm trước").

The rollup stays keyed by program code (a program's figures are its own); this module reads the mapping only for a
period holding a program that did not yet exist a year earlier (one query), so pages of other periods cost nothing
more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from courses.models import Program, ProgramMapping

from .types import Change, ProgramFigures, Rollup

NO_COUNTERPART = "chưa có chương trình tương ứng cùng kỳ năm trước"


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
    if any(_new_since(line.program, rollup) for line in lines):
        later = [line.program.pk for line in lines if _new_since(line.program, rollup)]
        mappings = ProgramMapping.objects.filter(later_id__in=later, retired_at__isnull=True).select_related("earlier")
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
        earlier = mapped.get(program.pk, [])
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
