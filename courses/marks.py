"""A learner's marks in a class under the scored rules (courses/rules.py): periods attended, the final paper's
score and the retake's, read and checked the one way for the results form, the workbook and the services.

`check_marks` returns the result word the class records (rules.result()) and every problem in Vietnamese; the
callers name the learner (the form, the service) or the row and column (the workbook) in front of each message.
No threshold is written here: each is read from the class's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .rules import TeachingRules, format_score, parse_score

# Which of the marks a problem is about: the workbook names its column, the form its field.
ATTENDANCE, SCORE, RETAKE = "periods_attended", "score", "retake_score"


@dataclass
class Marks:
    """What was entered for one learner, read (None: left blank), and what is wrong with it."""

    periods_attended: int | None = None
    score: Decimal | None = None
    retake_score: Decimal | None = None
    dropped: bool = False
    result: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # (which mark, message)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_attendance(value) -> int | None:
    """Periods attended as typed: a whole number from 0, or None when blank. Raises ValueError with the message."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("Số tiết tham dự “%(v)s” phải là số nguyên không âm.") % {"v": value})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        if not text.isascii() or not text.isdigit():
            raise ValueError(_("Số tiết tham dự “%(v)s” phải là số nguyên không âm.") % {"v": value})
        number = int(text)
    if number < 0 or number > 32767:
        raise ValueError(_("Số tiết tham dự “%(v)s” phải là số nguyên không âm.") % {"v": value})
    return number


def check_marks(
    rules: TeachingRules,
    periods: int | None,
    *,
    attended=None,
    score=None,
    retake=None,
    dropped: bool = False,
) -> Marks:
    """Read and check one learner's marks (raw text or numbers); the result word is set when nothing is wrong."""
    marks = Marks(dropped=dropped)
    for name, parse, raw in ((ATTENDANCE, parse_attendance, attended), (SCORE, parse_score, score)):
        try:
            setattr(marks, name, parse(raw))
        except ValueError as error:
            marks.problems.append((name, str(error)))
    try:
        marks.retake_score = parse_score(retake)
    except ValueError as error:
        marks.problems.append((RETAKE, _("Điểm thi lại: %(m)s") % {"m": error}))
    attended = marks.periods_attended
    if attended is not None:
        if not periods:
            marks.problems.append(
                (
                    ATTENDANCE,
                    _("Lớp chưa ghi số tiết; hãy ghi số tiết của lớp (Sửa lớp) trước khi ghi số tiết tham dự."),
                )
            )
        elif attended > periods:
            marks.problems.append(
                (
                    ATTENDANCE,
                    _("Số tiết tham dự (%(a)s) nhiều hơn số tiết của lớp (%(p)s).") % {"a": attended, "p": periods},
                )
            )
    if marks.retake_score is not None:
        if rules.retakes < 1:
            marks.problems.append((RETAKE, _("Quy định của lớp không cho thi lại.")))
        elif marks.score is None:
            marks.problems.append((RETAKE, _("Chưa có điểm bài thu hoạch lần đầu, nên chưa ghi được điểm thi lại.")))
        elif marks.score >= rules.pass_score:
            marks.problems.append(
                (
                    RETAKE,
                    _("Chỉ thi lại khi bài thu hoạch lần đầu dưới %(pass)s điểm; lần đầu đạt %(s)s.")
                    % {"pass": format_score(rules.pass_score), "s": format_score(marks.score)},
                )
            )
    scored = marks.score is not None or marks.retake_score is not None
    if scored and attended is None and periods and not dropped and not any(n == ATTENDANCE for n, _m in marks.problems):
        # Who may sit the paper depends on the attendance: a score waits for it (a class without its periods
        # recorded yet has no threshold to check).
        marks.problems.append((ATTENDANCE, _("Chưa ghi số tiết tham dự, nên chưa ghi điểm được.")))
    if scored and attended is not None and periods and attended <= periods and not rules.may_sit(attended, periods):
        marks.problems.append(
            (
                SCORE,
                _(
                    "Tham dự %(a)s/%(p)s tiết, dưới mức tối thiểu %(t)s tiết, nên không được làm bài thu hoạch: "
                    "không ghi điểm được."
                )
                % {"a": attended, "p": periods, "t": rules.attendance_threshold(periods)},
            )
        )
    if not marks.problems:
        marks.result = rules.result(
            periods=periods, attended=attended, score=marks.score, retake=marks.retake_score, dropped=dropped
        )
    return marks


def threshold_text(rules: TeachingRules, periods: int | None) -> str:
    """“tối thiểu 80% = 24/30 tiết”, the class's attendance threshold as the page shows it ("" without periods)."""
    needed = rules.attendance_threshold(periods)
    if needed is None:
        return ""
    share = (rules.min_attendance * 100).normalize()
    return _("tối thiểu %(share)s%% = %(n)s/%(p)s tiết") % {"share": f"{share:f}", "n": needed, "p": periods}
