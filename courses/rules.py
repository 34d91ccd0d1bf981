"""The teaching rules a class follows: one dated rule set, chosen by the class's start date (a class keeps the rules
in force when it started, whatever changes later).

- Until 30/11/2025: the old rules. A class's result is one of four words (giỏi, khá, trung bình, không đạt) or
  "bỏ học", entered as such; no attendance, score or certificate register.
- From 1/12/2025: the Quy chế bồi dưỡng, giảng dạy of the commune-level political centers (Quyết định
  1147-QĐ/BTGDVTW, ../shared/domain.md "Since 2025"): periods attended, one final paper (bài thu hoạch) scored 0–10
  with one decimal, one retake, a grade from the score, a decision recognising completion and a certificate within
  15 days of it, numbered in the center's master register.

The numbers are the regulation's as published, kept as defaults: a deployment overrides them with
`settings.TEACHING_RULES`, a list of (first day, {field: value}) applied in date order over `TeachingRules()` (as
centers/wording.py does for the chain's names). Every rule below is read from here: the forms, the workbook, the
services, the reports' checks and the figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

RULES_2025 = datetime.date(2025, 12, 1)  # Quyết định 1147-QĐ/BTGDVTW in force

# The result words of a scored class, best first (the values of courses.models.Enrolment.Result).
EXCELLENT, VERY_GOOD, GOOD, AVERAGE, FAILED, DROPPED = "xuat_sac", "gioi", "kha", "trung_binh", "khong_dat", "bo_hoc"

TEN = Decimal("10")
ZERO = Decimal("0")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class TeachingRules:
    """The rules of one day. The defaults are the old rules' (before 1/12/2025): four words, nothing scored."""

    name: str = "Quy định trước ngày 01/12/2025"
    scored: bool = False  # attendance, a score, a completion decision and a certificate register
    min_class_size: int | None = None  # fewer learners: a warning at the end of the class and in the report's checks
    min_attendance: Decimal = Decimal("0.80")  # share of the class's periods needed to sit the final paper
    pass_score: Decimal = Decimal("5.0")  # this or more completes
    retakes: int = 1  # papers a learner who failed may sit again
    # (lowest score, grade), best first; a score below the last band fails.
    grade_bands: tuple[tuple[Decimal, str], ...] = (
        (Decimal("9.0"), EXCELLENT),
        (Decimal("8.0"), VERY_GOOD),
        (Decimal("7.0"), GOOD),
        (Decimal("5.0"), AVERAGE),
    )
    certificate_days: int = 15  # certificates are issued within this many days of the completion decision
    max_deputies: int = 2  # the ban cán sự: one lớp trưởng and one or two lớp phó

    # -- the rules applied ----------------------------------------------------------------------------------------
    def grade(self, score: Decimal | None) -> str:
        """The grade of a score ("" when there is none): 9,0–10 xuất sắc … under 5,0 không đạt."""
        if score is None:
            return ""
        for lowest, grade in self.grade_bands:
            if score >= lowest:
                return grade
        return FAILED

    def may_sit(self, attended: int | None, periods: int | None) -> bool:
        """Whether a learner who attended `attended` of the class's `periods` may sit the final paper (80%). With
        the periods or the attendance not yet entered there is nothing to refuse."""
        if not periods or attended is None:
            return True
        return Decimal(attended) >= self.min_attendance * periods

    def final_score(self, score: Decimal | None, retake: Decimal | None) -> Decimal | None:
        """The score that counts: the retake's where there is one (it is sat only after a failed first paper)."""
        return retake if retake is not None else score

    def result(self, *, periods: int | None, attended: int | None, score, retake, dropped: bool = False) -> str:
        """The result word a scored class records for a learner: "bỏ học" when dropped; không đạt below the
        attendance; else the grade of the score that counts ("" while nothing is scored)."""
        if dropped:
            return DROPPED
        if not self.may_sit(attended, periods):
            return FAILED
        return self.grade(self.final_score(score, retake))

    def completes(self, result: str) -> bool:
        return result in (EXCELLENT, VERY_GOOD, GOOD, AVERAGE)

    def certificate_due(self, decided_on: datetime.date) -> datetime.date:
        """The last day a certificate may be issued after the decision signed on `decided_on`."""
        return decided_on + datetime.timedelta(days=self.certificate_days)

    def attendance_threshold(self, periods: int | None) -> int | None:
        """The fewest periods a learner must attend to sit the paper (80% of the class's, rounded up)."""
        if not periods:
            return None
        needed = (self.min_attendance * periods).to_integral_value(rounding=ROUND_CEILING)
        return int(needed)

    def small_class(self, learners: int) -> bool:
        return self.min_class_size is not None and learners < self.min_class_size


DEFAULT_RULES: list[tuple[datetime.date, dict]] = [
    (
        RULES_2025,
        {
            "name": "Quy chế bồi dưỡng, giảng dạy (Quyết định 1147-QĐ/BTGDVTW, 01/12/2025)",
            "scored": True,
            "min_class_size": 25,
        },
    ),
]


def rules() -> list[tuple[datetime.date, dict]]:
    return sorted(getattr(settings, "TEACHING_RULES", None) or DEFAULT_RULES, key=lambda rule: rule[0])


def on(day: datetime.date) -> TeachingRules:
    """The rules in force on a day: every rule set starting on or before it, applied in date order."""
    found = TeachingRules()
    for first_day, fields in rules():
        if first_day <= day:
            found = replace(found, **fields)
    return found


def of_course(course) -> TeachingRules:
    """The rules a class follows: those in force on its start date."""
    return on(course.start_date)


def scored_since() -> datetime.date | None:
    """The first day classes are scored (1/12/2025 by default): classes starting before keep four words."""
    for first_day, _fields in rules():
        if on(first_day).scored:
            return first_day
    return None


# -- reading what users type --------------------------------------------------------------------------------------
def parse_score(value) -> Decimal | None:
    """A score as typed ("7,5", "7.5", 7.5, "10"): a Decimal with one decimal, or None when blank. Raises
    ValueError with the user's message when it is not a number from 0 to 10 with at most one decimal."""
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", ".")
    if not text:
        return None
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Điểm “%(value)s” không phải là một số.") % {"value": value}) from None
    if not score.is_finite() or score < ZERO or score > TEN:
        raise ValueError(_("Điểm %(value)s nằm ngoài thang 0–10.") % {"value": value})
    if score != score.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP):
        raise ValueError(_("Điểm %(value)s có quá một chữ số thập phân.") % {"value": value})
    return score.quantize(ONE_DECIMAL)


def format_score(score: Decimal | None) -> str:
    """A score as the users write it: "7,5", "10,0"; "" when none."""
    if score is None:
        return ""
    return f"{score:.1f}".replace(".", ",")
