"""Reporting periods: "2023-Q1", "2023-H1", "2023-9M", "2023" ⇄ (start, end, label, year-earlier period).

Every view, command and export turns period keys into dates through this module and nothing else.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# The years this module turns into periods, written down once here (the lowest layer): courses/validators.py
# refuses a class date outside them on entry, so every class's period can be named here.
FIRST_REPORTING_YEAR = 2000
LAST_SUPPORTED_YEAR = 2100
FIRST_REPORTING_DATE = datetime.date(FIRST_REPORTING_YEAR, 1, 1)

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>Q[1-4]|H[12]|9M))?$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "Q" quarter, "H" half-year, "9M" nine months, "Y" year
    index: int = 0  # quarter 1-4 or half 1-2; 0 otherwise

    # -- parsing ----------------------------------------------------------------------------------
    @classmethod
    def parse(cls, key: str) -> Period:
        match = _KEY.match((key or "").strip().upper())
        if not match:
            raise PeriodError(f"Kỳ báo cáo “{key}” không hợp lệ. Dùng dạng 2023-Q1, 2023-H1, 2023-9M hoặc 2023.")
        year = int(match["year"])
        if not FIRST_REPORTING_YEAR <= year <= LAST_SUPPORTED_YEAR:
            raise PeriodError(f"Năm {year} nằm ngoài phạm vi báo cáo.")
        part = match["part"]
        if part is None:
            return cls(year, "Y")
        if part == "9M":
            return cls(year, "9M")
        return cls(year, part[0], int(part[1]))

    @classmethod
    def of_year(cls, year: int) -> list[Period]:
        """Every period of a year: its quarters, halves, nine months and the year."""
        return [
            *(cls(year, "Q", q) for q in range(1, 5)),
            cls(year, "H", 1),
            cls(year, "H", 2),
            cls(year, "9M"),
            cls(year, "Y"),
        ]

    @classmethod
    def quarter_of(cls, day: datetime.date) -> Period:
        return cls(day.year, "Q", (day.month - 1) // 3 + 1)

    # -- identity ---------------------------------------------------------------------------------
    @property
    def key(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "9M":
            return f"{self.year}-9M"
        return f"{self.year}-{self.kind}{self.index}"

    def __str__(self) -> str:
        return self.key

    # -- dates ------------------------------------------------------------------------------------
    @property
    def months(self) -> tuple[int, int]:
        if self.kind == "Q":
            return 3 * self.index - 2, 3 * self.index
        if self.kind == "H":
            return (1, 6) if self.index == 1 else (7, 12)
        if self.kind == "9M":
            return 1, 9
        return 1, 12

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.months[0], 1)

    @property
    def end(self) -> datetime.date:
        last_month = self.months[1]
        if last_month == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, last_month + 1, 1) - datetime.timedelta(days=1)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def is_quarter(self) -> bool:
        return self.kind == "Q"

    def quarters(self) -> list[Period]:
        first, last = self.months
        return [Period(self.year, "Q", q) for q in range((first - 1) // 3 + 1, last // 3 + 1)]

    # -- neighbours -------------------------------------------------------------------------------
    def year_earlier(self) -> Period:
        return Period(self.year - 1, self.kind, self.index)

    def next_quarter(self) -> Period:
        if not self.is_quarter:
            raise PeriodError("Chỉ kỳ quý mới có quý tiếp theo.")
        return Period(self.year + 1, "Q", 1) if self.index == 4 else Period(self.year, "Q", self.index + 1)

    def previous_quarter(self) -> Period:
        if not self.is_quarter:
            raise PeriodError("Chỉ kỳ quý mới có quý trước.")
        return Period(self.year - 1, "Q", 4) if self.index == 1 else Period(self.year, "Q", self.index - 1)

    # -- labels as the users write them -------------------------------------------------------------
    @property
    def label(self) -> str:
        """quý I/2023 · 6 tháng đầu năm 2023 · 6 tháng cuối năm 2023 · 9 tháng năm 2023 · năm 2023"""
        if self.kind == "Q":
            return f"quý {ROMAN[self.index]}/{self.year}"
        if self.kind == "H":
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        if self.kind == "9M":
            return f"9 tháng năm {self.year}"
        return f"năm {self.year}"

    @property
    def title_label(self) -> str:
        """For titles: "quý I năm 2023" (the report heading style)."""
        if self.kind == "Q":
            return f"quý {ROMAN[self.index]} năm {self.year}"
        return self.label

    @property
    def sentence_label(self) -> str:
        """At the start of a sentence: "Quý I/2023", "Năm 2023"."""
        text = self.label
        return text[0].upper() + text[1:]


def period_groups(years: range) -> list[tuple[str, list[tuple[str, str]]]]:
    """A period picker's choices grouped by year, newest first: [("2026", [(key, label), ...]), ...] (an optgroup
    per year in a <select>; Django's choices take the same shape)."""
    groups = []
    for year in reversed(years):
        periods = [Period(year, "Y"), Period(year, "9M"), Period(year, "H", 2), Period(year, "H", 1)]
        periods += [Period(year, "Q", q) for q in (4, 3, 2, 1)]
        groups.append((f"Năm {year}", [(p.key, p.sentence_label) for p in periods]))
    return groups
