"""The values figures are made of, with no counting in them: `Figures` (one set of centers, one period),
`ProgramFigures`, `Change` (a figure against the same period a year earlier), `Rollup` (every figure of a unit and
period), and the `Part`s a rollup is counted in with their `Partition` (by province, or one part).

Instances are cached and stored (reports/figures/cache.py): their fields are part of the counting version
(courses.models.COUNTING_VERSION; tests/test_shown.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from centers import wording
from centers.lineage import Boundaries
from centers.models import Unit
from centers.periods import Period
from courses import rules as teaching_rules
from courses.models import Course, Enrolment, Learner, Lecturer, Program

from ..models import SCORED_FIELDS, SCORED_RESULT_FIELDS
from .basis import Basis, Bounds

# The results, in the order every page, briefing and export lists them ("" last: no result yet).
RESULTS = list(Enrolment.Result.choices)
RESULT_KEYS = [value for value, _ in RESULTS] + [""]
# Xuất sắc exists only in scored classes (the 2025 rules): shown only where such classes are counted.
OUTSTANDING = Enrolment.Result.OUTSTANDING
FOUR_WORD_RESULTS = [(key, label) for key, label in RESULTS if key != OUTSTANDING]
# "khá, giỏi trở lên": the grades counted in the users' phrase, best first.
GOOD_OR_BETTER = (Enrolment.Result.OUTSTANDING, Enrolment.Result.EXCELLENT, Enrolment.Result.GOOD)
# SCORED_FIELDS (reports/models.py) that are plain counts of Figures, by name (the results go in scored_results).
_SCORED_COUNTS = [name for name in SCORED_FIELDS if name not in SCORED_RESULT_FIELDS.values()]


def results_of(figures: Figures) -> list[tuple[str, str]]:
    """The results a table of these figures lists: xuất sắc only where a scored class is counted."""
    return RESULTS if figures.scored_classes else FOUR_WORD_RESULTS


def result_scales(figures: Figures) -> list[tuple[str, list[tuple[str, int]]]]:
    """(caption, [(label, enrolments)]) of each scale the figures hold: one line without a caption when all their
    classes follow one rule set; else the classes before the rules (four words) and those since (the ten-point
    scale, with xuất sắc), each captioned: the two are never added up silently."""
    if not figures.scored_classes:
        return [("", [(label, figures.results[key]) for key, label in FOUR_WORD_RESULTS])]
    if figures.scored_enrolments == figures.enrolments:  # every learner counted is in a scored class
        return [("", [(label, figures.results[key]) for key, label in RESULTS])]
    since = teaching_rules.scored_since()
    unscored = figures.unscored_results
    return [
        (f"Lớp trước {since:%d/%m/%Y}", [(label, unscored[key]) for key, label in FOUR_WORD_RESULTS]),
        (
            f"Lớp từ {since:%d/%m/%Y} (thang điểm 10)",
            [(label, figures.scored_results[key]) for key, label in RESULTS],
        ),
    ]


@dataclass
class Figures:
    """The figures of one set of centers (or one center) for one period."""

    classes: int = 0
    enrolments: int = 0
    learners: int = 0
    co_organised_classes: int = 0
    co_organised_enrolments: int = 0
    planned_classes: int = 0
    classes_in_planned_quarters: int = 0  # measured against the plan: classes of quarters with no plan left out
    results: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESULT_KEYS, 0))
    # Of the above, in classes under rules that score them (courses/rules.py; 0 before 1/12/2025): their results on
    # the ten-point scale, attendance, certificates.
    scored_classes: int = 0
    scored_enrolments: int = 0
    scored_results: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESULT_KEYS, 0))
    attendance_recorded: int = 0  # enrolments with their periods attended entered, in a class with periods
    periods_attended: int = 0
    periods_expected: int = 0  # the class periods of those enrolments
    below_attendance: int = 0  # attended fewer periods than the rules require to sit the final paper
    certificates_issued: int = 0
    certificates_late: int = 0  # issued after the decision's due date
    certificates_awaiting: dict[str, int] = field(default_factory=dict)  # due day (ISO) → completed, not yet issued

    @property
    def result_counts(self) -> list[tuple[str, int]]:
        """(label, enrolments) of each result, in the order of RESULTS (those with no result yet left out)."""
        return [(label, self.results[key]) for key, label in results_of(self)]

    # -- the 2025 rules ------------------------------------------------------------------------------------------
    @property
    def unscored_results(self) -> dict[str, int]:
        """The results of classes before the rules (four words)."""
        return {key: n - self.scored_results.get(key, 0) for key, n in self.results.items()}

    @property
    def scored_finished(self) -> int:
        return sum(n for key, n in self.scored_results.items() if key)

    @property
    def unscored_finished(self) -> int:
        return self.finished_enrolments - self.scored_finished

    @property
    def eligible(self) -> int:
        """Learners eligible for a certificate: completed a scored class (a grade of trung bình or better)."""
        return sum(self.scored_results.get(key, 0) for key in Enrolment.PASSING)

    @property
    def eligible_rate(self) -> float | None:
        """Eligible over the scored classes' enrolments with a result."""
        return self.eligible / self.scored_finished if self.scored_finished else None

    @property
    def good_or_better_rate(self) -> float | None:
        """Khá, giỏi and xuất sắc over the scored classes' enrolments with a result."""
        finished = self.scored_finished
        return sum(self.scored_results.get(key, 0) for key in GOOD_OR_BETTER) / finished if finished else None

    @property
    def attendance_rate(self) -> float | None:
        """Periods attended over the class periods, where attendance is entered."""
        return self.periods_attended / self.periods_expected if self.periods_expected else None

    @property
    def certificates_pending(self) -> int:
        """Eligible, no certificate issued yet (with or without a decision)."""
        return max(self.eligible - self.certificates_issued, 0)

    def certificates_past_due(self, today) -> int:
        """Covered by a decision, no certificate, and the decision's due day is past."""
        day = today.isoformat()
        return sum(n for due, n in self.certificates_awaiting.items() if due < day)

    def add_scored(self, values) -> None:
        """Add a QuarterAggregate row's SCORED_FIELDS values then its awaiting certificates (in that order)."""
        named = dict(zip(SCORED_FIELDS, values, strict=False))
        for key, name in SCORED_RESULT_FIELDS.items():
            self.scored_results[key] += named[name]
        for name in _SCORED_COUNTS:
            setattr(self, name, getattr(self, name) + named[name])
        for due, n in values[len(SCORED_FIELDS)].items():
            self.certificates_awaiting[due] = self.certificates_awaiting.get(due, 0) + n

    @property
    def finished_enrolments(self) -> int:
        return sum(n for key, n in self.results.items() if key)

    @property
    def passed(self) -> int:
        return sum(self.results[key] for key in Enrolment.PASSING)

    @property
    def completion_rate(self) -> float | None:
        """(giỏi + khá + trung bình) over enrolments that have a result."""
        finished = self.finished_enrolments
        return self.passed / finished if finished else None

    @property
    def plan_fulfilment(self) -> float | None:
        """Classes opened in the quarters that had a plan, over the plan: a year whose first quarter had none
        measures the other three quarters' classes against their plans."""
        return self.classes_in_planned_quarters / self.planned_classes if self.planned_classes else None

    def add(self, other: Figures) -> None:
        for name in (
            "classes",
            "enrolments",
            "learners",
            "co_organised_classes",
            "co_organised_enrolments",
            "planned_classes",
            "classes_in_planned_quarters",
            *_SCORED_COUNTS,
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, n in other.results.items():
            self.results[key] += n
        for key, n in other.scored_results.items():
            self.scored_results[key] += n
        for due, n in other.certificates_awaiting.items():
            self.certificates_awaiting[due] = self.certificates_awaiting.get(due, 0) + n


@dataclass
class ProgramFigures:
    program: Program
    classes: int = 0
    own_classes: int = 0  # not co-organised with the provincial school: the briefing's program lines
    enrolments: int = 0
    planned_classes: int = 0
    results: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESULT_KEYS, 0))

    @property
    def co_organised_classes(self) -> int:
        return self.classes - self.own_classes

    def add(self, other: ProgramFigures) -> None:
        for name in ("classes", "own_classes", "enrolments", "planned_classes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, n in other.results.items():
            self.results[key] = self.results.get(key, 0) + n


@dataclass
class Change:
    current: float
    previous: float

    @property
    def diff(self) -> float:
        return self.current - self.previous

    @property
    def ratio(self) -> float | None:
        """The change as a fraction of the year-earlier figure; None when there was nothing to compare."""
        return self.diff / self.previous if self.previous else None

    @property
    def word(self) -> str:
        return "tăng" if self.diff > 0 else "giảm" if self.diff < 0 else "bằng"


@dataclass
class Rollup:
    unit: Unit
    period: Period
    basis: str
    total: Figures
    by_center: dict[int, Figures]
    by_program: dict[str, ProgramFigures]
    by_format: dict[str, tuple[int, int]]  # format → (classes, enrolments)
    by_group: dict[str, tuple[int, int]]  # learner group → (enrolments, of which ethnic minority)
    lecturers: dict[str, int]  # lecturer kind → distinct lecturers who taught in the period
    centers: list[Unit]
    previous: Rollup | None = None
    part_totals: dict = field(default_factory=dict)  # part key (a province, for the nation) → its total
    bounds: Bounds = field(default_factory=Bounds)  # the boundaries shown (attached by counting.rollup)
    comparable: bool = True  # False: the unit did not exist through the year-earlier period (no comparison)

    def change(self, attribute: str) -> Change | None:
        """The change on a year earlier; None when nothing was compared or the unit did not exist then."""
        if self.previous is None or not self.comparable:
            return None
        return Change(getattr(self.total, attribute), getattr(self.previous.total, attribute))

    def center_change(self, center_id: int, attribute: str) -> Change | None:
        if self.previous is None:
            return None
        current = self.by_center.get(center_id, Figures())
        previous = self.previous.by_center.get(center_id, Figures())
        return Change(getattr(current, attribute), getattr(previous, attribute))

    def listed_centers(self) -> list[Unit]:
        """The centers a table of the period lists: those active during it, and any other with figures in it (the
        dashboard's units table and the files' sheets alike)."""
        return [
            c for c in self.centers if c.is_active_between(self.period.start, self.period.end) or c.pk in self.by_center
        ]

    @property
    def no_history(self) -> bool:
        """Compared, but the unit did not exist a year earlier: "chưa có số liệu cùng kỳ"."""
        return self.previous is not None and not self.comparable

    @property
    def basis_label(self) -> str:
        return str(Basis(self.basis).label)

    @property
    def has_data(self) -> bool:
        return self.total.classes > 0

    @property
    def span(self) -> tuple:
        """The days the rollup reads: the period, and the year-earlier one when compared."""
        start = self.previous.period.start if self.previous is not None else self.period.start
        return start, self.period.end

    @property
    def predecessors(self) -> list[Unit]:
        """The provinces whose figures today's boundaries add to the unit's in the days read (a province's
        lineage; for the nation, every merged province), in order; empty as they were."""
        if self.bounds.boundaries is not Boundaries.TODAY or self.unit is None:
            return []
        start, end = self.span
        found = {}
        for center in self.centers:
            province = center.parent
            if province is None or province.pk == self.unit.pk or province.pk in found:
                continue
            merged = province.pk in self.bounds.successors or province.pk in self.bounds.provinces
            if merged and province.is_active_between(start, end):
                found[province.pk] = province
        return sorted(found.values(), key=lambda p: p.code)

    @property
    def boundaries_label(self) -> str:
        """ "Số liệu theo địa giới hiện nay, gồm cả số liệu của Yên Bái đến 30/6/2025": which view is shown, with
        the provinces it adds where there are any. A center's figures are its own: no label."""
        if self.unit is None or self.unit.kind == Unit.Kind.CENTER:
            return ""
        text = f"Số liệu {self.bounds.label}"
        predecessors = self.predecessors
        if predecessors:
            names = ", ".join(
                f"{p.area_name} đến {wording.day(p.active_to)}" if p.active_to else p.area_name for p in predecessors
            )
            text += f", gồm cả số liệu của {names}"
        return text

    def province_key(self, center: Unit) -> int | None:
        """The province a center's figures are listed under nationally: its own, or today the one carrying it."""
        return self.bounds.province_of(center.parent_id)

    def by_province(self) -> list[tuple[Unit, Figures, Figures]]:
        """(province, figures, year-earlier figures) for the national level: the totals of its parts, or summed
        from the centers where the rollup was counted whole (raw). As they were: the provinces of the period
        (active in it, or with figures); today: today's provinces, each adding up the provinces merged into it."""
        provinces = {center.parent_id: center.parent for center in self.centers}

        def listed_under(pk: int) -> int:  # today's province, when the rollup has it (it has centers)
            successor = self.bounds.province_of(pk)
            return successor if successor in provinces else pk

        def totals(rollup: Rollup | None) -> dict[int, Figures]:
            if rollup is None:
                return {}
            if set(provinces) <= set(rollup.part_totals):
                found = rollup.part_totals
            else:
                found: dict[int, Figures] = defaultdict(Figures)
                for center in self.centers:
                    found[center.parent_id].add(rollup.by_center.get(center.pk, Figures()))
            members: dict[int, list[Figures]] = defaultdict(list)
            for pk in provinces:
                members[listed_under(pk)].append(found.get(pk) or Figures())
            listed: dict[int, Figures] = {}
            for pk, figures in members.items():
                if len(figures) == 1:  # a province listed alone: its figures as they are (read only)
                    listed[pk] = figures[0]
                    continue
                listed[pk] = total = Figures()
                for part in figures:
                    total.add(part)
            return listed

        now, before = totals(self), totals(self.previous)
        rows = []
        for pk, province in provinces.items():
            if listed_under(pk) != pk:
                continue  # in today's boundaries, listed with the province that carries it
            figures, earlier = now.get(pk, Figures()), before.get(pk, Figures())
            if province.is_active_between(self.period.start, self.period.end) or figures.classes:
                rows.append((province, figures, earlier))
        return sorted(rows, key=lambda row: row[0].code)


@dataclass
class Part:
    """The figures of one part of a rollup: one province's centers, or one center. A class, a learner and a
    lecturer belong to one center, so the parts' figures add up to the whole (`_merge`)."""

    by_center: dict[int, Figures] = field(default_factory=dict)
    by_program: dict[int, ProgramFigures] = field(default_factory=dict)  # by program id; attached when merged
    by_format: dict[str, list[int]] = field(default_factory=lambda: {v: [0, 0] for v in Course.Format.values})
    by_group: dict[str, list[int]] = field(default_factory=lambda: {v: [0, 0] for v in Learner.Group.values})
    lecturers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Lecturer.Kind.values, 0))
    total: Figures = field(default_factory=Figures)  # of by_center, once counted: merging adds 63, not 693

    def center(self, center_id: int) -> Figures:
        return self.by_center.setdefault(center_id, Figures())

    def program(self, program_id: int) -> ProgramFigures:
        return self.by_program.setdefault(program_id, ProgramFigures(program=None))


class Partition:
    """Which part each center, and each row of a grouped query, belongs to: its province (a national rollup,
    grouped by the center's parent), or the one part `only` (a province's or a center's own rollup)."""

    def __init__(self, centers: list[Unit], *, by_province: bool, only=None):
        self.by_province, self.only = by_province, only
        self.of_center = {c.pk: c.parent_id if by_province else only for c in centers}
        self.keys = sorted(set(self.of_center.values())) if by_province else [only]

    def lookup(self, path: str = "") -> str:
        return f"{path}__center__parent_id" if path else "center__parent_id"

    def fields(self, path: str = "") -> list[str]:
        return [self.lookup(path)] if self.by_province else []

    def of(self, row: dict, path: str = ""):
        return row[self.lookup(path)] if self.by_province else self.only


def finish_parts(parts: dict) -> None:
    """Each part's total, once: shared by both ways of counting."""
    for part in parts.values():
        for figures in part.by_center.values():
            part.total.add(figures)
