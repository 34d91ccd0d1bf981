"""How the chain is called on a given day: one dated rule set, read by every page, briefing and export that names
the boards or the centers of a period (../shared/domain.md, "Since 2025").

A unit's own name is not here: it is `Unit.name_on(day)` (the boards' new names are their dated UnitName rows).
Here is only the wording that no single unit carries: how "the centers" of a province or of the country are
called in a briefing, how a board is called when it is not named, and the issuer codes of a report's number line.

The dates are those the regulations and the press give, kept as defaults: a deployment overrides them with
`settings.UNIT_WORDING_RULES`, a list of (first day, {field: value}) applied in date order over `Wording()`.

- 3/2/2025 (central) and February–March 2025 (provinces): the propaganda boards merged with the mass-mobilisation
  boards (Ban Tuyên giáo và Dân vận). The generic wording changes on 1/3/2025, when the provinces' mergers were
  done; a board's own name changes on its own date (its UnitName rows).
- 1/7/2025: the district level was abolished, the district political centers ended with their districts, and the
  centers are the trung tâm chính trị xã, phường, đặc khu (Quy định 360-QĐ/TW).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy

from .periods import Period

# centers/models.py words its labels and messages with this module, so it imports no model: the values below
# are Unit.AreaKind's and Unit.CenterLevel's (tests/test_units_over_time.py checks that they are).
DISTRICT, COMMUNE = "district", "commune"

# The area words of the district centers' briefing phrase, in the order the boards write them
# ("các trung tâm chính trị cấp huyện, thành phố, thị xã").
DISTRICT_AREA_WORDS = [
    ("huyen", "huyện"),
    ("quan", "quận"),
    ("thanh_pho", "thành phố"),
    ("thanh_pho_thuoc_tp", "thành phố"),
    ("thi_xa", "thị xã"),
]


@dataclass(frozen=True)
class Wording:
    """The wording of one day. The defaults are the old chain's (before 2025)."""

    board: str = "Ban Tuyên giáo"  # the board, unnamed: "Ban Tuyên giáo tỉnh", the issuer line of a report
    board_code: str = "BTG"  # the number line's issuer code of a provincial board
    central_code: str = "BTGTW"  # ... and of the central board
    center_level: str = DISTRICT  # the level of the centers of the day
    centers: str = "các trung tâm chính trị cấp huyện"  # a province's centers (district: the area words are added)
    centers_nationwide: str = "các trung tâm chính trị cấp huyện trên toàn quốc"

    @property
    def provincial_board(self) -> str:
        """ "Ban Tuyên giáo tỉnh" / "Ban Tuyên giáo và Dân vận tỉnh": a center's board, unnamed."""
        return f"{self.board} tỉnh"

    def centers_of(self, area_kinds) -> str:
        """A province's centers in a briefing: before 1/7/2025 by the kinds of their districts, as the boards
        wrote it ("các trung tâm chính trị cấp huyện, thành phố"); after, "các trung tâm chính trị xã, phường"."""
        if self.center_level != DISTRICT:
            return self.centers
        words = []
        for kind, word in DISTRICT_AREA_WORDS:
            if kind in area_kinds and word not in words:
                words.append(word)
        if not words:
            return self.centers
        return "các trung tâm chính trị cấp " + ", ".join(words)


BOARDS_MERGED = datetime.date(2025, 3, 1)  # the provinces' boards merged by then (the central one on 3/2/2025)
DISTRICTS_ABOLISHED = datetime.date(2025, 7, 1)  # the district centers ended; the commune-level ones took over

DEFAULT_RULES: list[tuple[datetime.date, dict]] = [
    (
        BOARDS_MERGED,
        {"board": "Ban Tuyên giáo và Dân vận", "board_code": "BTGDV", "central_code": "BTGDVTW"},
    ),
    (
        DISTRICTS_ABOLISHED,
        {
            "center_level": COMMUNE,
            "centers": "các trung tâm chính trị xã, phường",
            "centers_nationwide": "các trung tâm chính trị xã, phường trên toàn quốc",
        },
    ),
]


def rules() -> list[tuple[datetime.date, dict]]:
    return sorted(getattr(settings, "UNIT_WORDING_RULES", None) or DEFAULT_RULES, key=lambda rule: rule[0])


def on(day: datetime.date) -> Wording:
    """The wording of a day: every rule in force on it, applied in date order."""
    wording = Wording()
    for first_day, fields in rules():
        if first_day <= day:
            wording = replace(wording, **fields)
    return wording


def today() -> Wording:
    """The wording of today: what the app's own messages call the boards ("đề nghị Ban Tuyên giáo và Dân vận
    tỉnh mở khóa")."""
    return on(timezone.localdate())


# "Ban Tuyên giáo và Dân vận tỉnh" as a lazy string, for labels and messages written when a module is loaded.
provincial_board_today = lazy(lambda: today().provincial_board, str)


def of_period(period: Period) -> Wording:
    """A period is worded as on its last day, like the units' names (`Unit.name_on(period.end)`)."""
    return on(period.end)


def day(d: datetime.date) -> str:
    """A day as the briefings and the press write it in running text: "30/6/2025", "1/7/2025"."""
    return f"{d.day}/{d.month}/{d.year}"


# The fields that change how the centers are called: a rule setting one of them splits a period's wording.
CENTERS_FIELDS = ("center_level", "centers", "centers_nationwide")


def centers_over(start: datetime.date, end: datetime.date, area_kinds_between, *, nationwide: bool = False) -> str:
    """How a briefing calls the centers of the days [start, end]: the phrase of those days, or, for a period
    across a change of the centers (năm 2025), each phrase with its days, in order: "các trung tâm chính trị cấp
    huyện, thành phố (đến 30/6/2025) và các trung tâm chính trị xã, phường (từ 1/7/2025)".

    `area_kinds_between(first, last)`: the area kinds of the centers active in those days (the district centers'
    phrase names them); `nationwide`: the country's phrase ("... trên toàn quốc")."""
    changes = sorted(
        {day for day, fields in rules() if start < day <= end and any(name in fields for name in CENTERS_FIELDS)}
    )
    spans: list[list] = []  # [first day, last day, phrase]
    for i, first in enumerate([start, *changes]):
        last = changes[i] - datetime.timedelta(days=1) if i < len(changes) else end
        words = on(last)
        phrase = words.centers_nationwide if nationwide else words.centers_of(area_kinds_between(first, last))
        if spans and spans[-1][2] == phrase:
            spans[-1][1] = last
        else:
            spans.append([first, last, phrase])
    if len(spans) == 1:
        return spans[0][2]

    phrases = []
    for i, (first, last, phrase) in enumerate(spans):
        if i == 0:
            phrases.append(f"{phrase} (đến {day(last)})")
        elif i == len(spans) - 1:
            phrases.append(f"{phrase} (từ {day(first)})")
        else:
            phrases.append(f"{phrase} (từ {day(first)} đến {day(last)})")
    return ", ".join(phrases[:-1]) + " và " + phrases[-1]


def issuing_body(unit, day: datetime.date) -> str:
    """A board's name without its Party committee, as it heads a report: "Ban Tuyên giáo và Dân vận" of
    "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai" on that day; the day's wording when the name does not say it."""
    name = unit.name_on(day)
    lowered = name.casefold()
    for committee in ("tỉnh ủy", "thành ủy", "trung ương"):
        at = lowered.find(f" {committee}")
        if at > 0:
            return name[:at]
    return on(day).board
