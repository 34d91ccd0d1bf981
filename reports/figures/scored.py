"""What the 2025 rules add to the figures of a scored class (courses/rules.py): its results on the ten-point scale
apart from the four words, attendance, learners eligible for a certificate, certificates issued and issued late,
and those awaiting one by due day. Shared by the maintained tables' upkeep (maintained.compute_cells) and the
reference counting (reference.raw_parts): the rule sets are dated, so which rules a row follows is decided in SQL
by its class's start date (`rule_index`), and every threshold is read from the rules, never written here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.lookups import LessThan

from courses import rules as teaching_rules
from courses.models import Enrolment

from ..models import AWAITING_FIELD, SCORED_RESULT_FIELDS


@dataclass(frozen=True)
class RuleSet:
    start: datetime.date | None  # None: from the beginning
    end: datetime.date | None  # the first day of the next rule set (excluded); None: to this day
    rules: teaching_rules.TeachingRules

    def q(self, path: str = "") -> Q:
        """Classes (at `path`, e.g. "course__") that started while this rule set was in force."""
        condition = Q()
        if self.start is not None:
            condition &= Q(**{f"{path}start_date__gte": self.start})
        if self.end is not None:
            condition &= Q(**{f"{path}start_date__lt": self.end})
        return condition


def rule_sets() -> list[RuleSet]:
    """The dated rule sets in order, each with the days its classes start on."""
    days = sorted({first for first, _fields in teaching_rules.rules()})
    starts = [None, *days]
    return [
        RuleSet(
            start,
            starts[i + 1] if i + 1 < len(starts) else None,
            teaching_rules.on(start) if start else teaching_rules.TeachingRules(),
        )
        for i, start in enumerate(starts)
    ]


def rule_index(path: str = "", sets: list[RuleSet] | None = None):
    """The index in `rule_sets()` of the rules a class (at `path`) follows, as an SQL expression."""
    sets = sets or rule_sets()
    return Case(
        *(When(s.q(path), then=Value(i)) for i, s in enumerate(sets) if i),
        default=Value(0),
        output_field=IntegerField(),
    )


def scored_q(path: str = "", sets: list[RuleSet] | None = None) -> Q:
    """Classes (at `path`) under rules that score them."""
    condition = Q(pk__in=[])
    for s in sets or rule_sets():
        if s.rules.scored:
            condition |= s.q(path)
    return condition


def _ratio(value: Decimal) -> tuple[int, int]:
    numerator, denominator = Decimal(value).as_integer_ratio()
    return numerator, denominator


def attendance_recorded_q(sets: list[RuleSet] | None = None) -> Q:
    """Enrolments of a scored class with periods whose attendance is entered."""
    return scored_q("course__", sets) & Q(periods_attended__isnull=False, course__periods__isnull=False)


def below_attendance_q(sets: list[RuleSet] | None = None) -> Q:
    """Enrolments attending fewer periods than their class's rules require to sit the final paper (attended <
    min_attendance × periods, in whole numbers)."""
    condition = Q(pk__in=[])
    for s in sets or rule_sets():
        if s.rules.scored:
            numerator, denominator = _ratio(s.rules.min_attendance)
            condition |= (
                s.q("course__")
                & Q(periods_attended__isnull=False, course__periods__isnull=False)
                & Q(LessThan(F("periods_attended") * denominator, F("course__periods") * numerator))
            )
    return condition


# The enrolments' extra grouping (the decision's and certificate's days) and the sums each group adds up.
ENROLMENT_GROUPING = (
    "rule",
    "completion_decisions__signed_on",
    "certificate__decision__signed_on",
    "certificate__issued_on",
)


def enrolment_sums(sets: list[RuleSet]) -> dict:
    recorded = attendance_recorded_q(sets)
    return {
        "attended_n": Count("id", filter=recorded),
        "attended_sum": Sum("periods_attended", filter=recorded),
        "expected_sum": Sum("course__periods", filter=recorded),
        "below_n": Count("id", filter=below_attendance_q(sets)),
        "issued_n": Count("id", filter=Q(certificate__isnull=False, certificate__revoked_at__isnull=True)),
        "waiting_n": Count("id", filter=Q(certificate__isnull=True)),
    }


def annotate(enrolments, sets: list[RuleSet]):
    """The enrolments with the index of the rules their class follows (`rule`)."""
    return enrolments.annotate(rule=rule_index("course__", sets))


def add_enrolments(counts: dict, sets: list[RuleSet], result: str, n: int, row: dict) -> None:
    """Add a group of `n` enrolments with this result (and the sums of `enrolment_sums` in `row`, the grouping of
    ENROLMENT_GROUPING) to `counts` (QuarterAggregate's fields)."""
    rules = sets[row["rule"]].rules
    if not rules.scored:
        return
    counts["scored_enrolments"] += n
    counts[SCORED_RESULT_FIELDS[result]] += n
    counts["attendance_recorded"] += row["attended_n"]
    counts["periods_attended"] += row["attended_sum"] or 0
    counts["periods_expected"] += row["expected_sum"] or 0
    counts["below_attendance"] += row["below_n"]
    issued_on, issued_after = row["certificate__issued_on"], row["certificate__decision__signed_on"]
    if row["issued_n"]:
        counts["certificates_issued"] += row["issued_n"]
        if issued_after is not None and issued_on > rules.certificate_due(issued_after):
            counts["certificates_late"] += row["issued_n"]
    decided = row["completion_decisions__signed_on"]
    if decided is not None and row["waiting_n"] and result in Enrolment.PASSING:
        awaiting = counts[AWAITING_FIELD]
        due = rules.certificate_due(decided).isoformat()
        awaiting[due] = awaiting.get(due, 0) + row["waiting_n"]
