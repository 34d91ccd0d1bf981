"""The bounds of what users may enter, written once: the model fields carry these validators, the forms add the same
ones to their fields (they leave the model's full_clean to the services), the workbook import calls them on each
cell, and the services' full_clean is the backstop for every other caller.

Why bounds at all: a class dated 31/12/9999 was saved, and then every page or command that turned its date into a
reporting period failed (centers/periods.py supports 2000-2100); a planned size of 10**10 overflowed PostgreSQL's
integer column (a 500) and was stored as is on SQLite.

No database and no models here. The reporting years live in centers/periods.py (the lowest layer).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.periods import FIRST_REPORTING_DATE, LAST_SUPPORTED_YEAR

from .text import CCCD_RE, clean_name, dmy

# -- reporting dates -------------------------------------------------------------------------------------------
# The years the period helper (centers/periods.py) turns into periods. Class dates must lie inside them, or the
# class's period cannot be named and every rollup over it fails.


def last_reporting_date(today: datetime.date | None = None) -> datetime.date:
    """The last day a class may start or end on: the end of next year (a center plans a year ahead, no more), and
    never past what the period helper supports."""
    today = today or timezone.localdate()
    return datetime.date(min(today.year + 1, LAST_SUPPORTED_YEAR), 12, 31)


def validate_class_date(value: datetime.date) -> None:
    """A class's start or end date: from 01/01/2000 to the end of next year."""
    if value is None:
        return
    last = last_reporting_date()
    if not FIRST_REPORTING_DATE <= value <= last:
        raise ValidationError(
            _("Ngày %(day)s nằm ngoài phạm vi báo cáo: ngày của lớp phải từ %(first)s đến %(last)s."),
            code="out_of_range",
            params={"day": dmy(value), "first": dmy(FIRST_REPORTING_DATE), "last": dmy(last)},
        )


# -- birth dates ---------------------------------------------------------------------------------------------------
FIRST_BIRTH_DATE = datetime.date(1900, 1, 1)
MIN_LEARNER_AGE = 15  # the youngest learners are high-school students (group "Học sinh - sinh viên")


def latest_birth_date(today: datetime.date | None = None) -> datetime.date:
    """The last birth date of a learner who is MIN_LEARNER_AGE today (born 29/02: 28/02 in a common year)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - MIN_LEARNER_AGE)
    except ValueError:
        return today.replace(year=today.year - MIN_LEARNER_AGE, day=28)


def validate_birth_date(value: datetime.date) -> None:
    """A learner's date of birth: from 01/01/1900, and at least 15 years ago."""
    if value is None:
        return
    today = timezone.localdate()
    if value > today:  # said plainly: the most common slip (this year typed for the birth year)
        raise ValidationError(_("Ngày sinh không được sau ngày hôm nay."), code="future")
    if value < FIRST_BIRTH_DATE:
        raise ValidationError(
            _("Ngày sinh %(day)s không hợp lệ: phải từ %(first)s trở về sau."),
            code="too_early",
            params={"day": dmy(value), "first": dmy(FIRST_BIRTH_DATE)},
        )
    last = latest_birth_date(today)
    if value > last:
        raise ValidationError(
            _("Học viên phải từ đủ %(age)s tuổi (sinh ngày %(last)s trở về trước); ngày sinh %(day)s chưa đủ tuổi."),
            code="too_young",
            params={"age": MIN_LEARNER_AGE, "last": dmy(last), "day": dmy(value)},
        )


# -- sizes -----------------------------------------------------------------------------------------------------
# The largest class a district center runs is a few hundred learners (an online class for every party member of a
# district); 10.000 leaves room for any real class and stays far below a 32-bit integer (PostgreSQL's column).
MAX_CLASS_SIZE = 10_000
validate_class_size = MaxValueValidator(MAX_CLASS_SIZE, _("Số học viên dự kiến tối đa là 10.000."))


# -- names -----------------------------------------------------------------------------------------------------
def _require_visible(value: str, message) -> None:
    """Refuse a text with no visible character: spaces of any kind, zero-width spaces, byte-order marks."""
    if value is not None and not clean_name(value):
        raise ValidationError(message, code="blank")


def validate_person_name(value: str) -> None:
    _require_visible(value, _("Họ và tên không được để trống."))


def validate_class_title(value: str) -> None:
    _require_visible(value, _("Tên lớp không được để trống."))


# -- CCCD ------------------------------------------------------------------------------------------------------
CCCD_MESSAGE = _("Số CCCD phải gồm đúng 12 chữ số.")
# Arabic-Indic or Devanagari digits are digits to Python's \d, but no Vietnamese keyboard types them and NFKC
# leaves them as they are: refused, with a message saying what to type instead (rather than mapped to 0-9, which
# would accept, silently, text that came from somewhere no Vietnamese user enters a CCCD).
NON_ASCII_CCCD_MESSAGE = _("Số CCCD chỉ được gồm các chữ số 0-9; hãy gõ lại số bằng bàn phím thường.")


def cccd_problem(value: str) -> str | None:
    """Why a CCCD (already normalised by courses.text.normalise_cccd) is refused, or None."""
    if CCCD_RE.fullmatch(value):
        return None
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in value):
        return str(NON_ASCII_CCCD_MESSAGE)
    return str(CCCD_MESSAGE)


def validate_cccd(value: str) -> None:
    if value is None or value == "":
        return
    problem = cccd_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid")


# -- versions --------------------------------------------------------------------------------------------------
# Every edit form sends back the version of the record the user opened; the services refuse a save based on an
# older one, and one based on none (a form whose version was removed or mangled must not overwrite another
# user's change).
VERSION_MISSING = _(
    "Không xác định được phiên bản của bản ghi đồng chí đang sửa, nên không có gì được ghi. Hãy tải lại trang rồi "
    "sửa lại."
)
