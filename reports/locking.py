"""Locks that reports put on entered data (asked through courses/locking.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from centers import wording
from centers.compiled import CompiledQuery
from centers.models import Unit
from centers.people import person_name
from centers.periods import Period

from .models import CenterReport


# Asked by every class page and every write (and the notice by every open class page): compiled once
# (centers/compiled.py), composing them cost more than running them.
def _report_in(status: str, *related: str) -> CompiledQuery:
    """The center's report of a quarter with this status (none, or one: a center has one report a quarter)."""
    return CompiledQuery(
        CenterReport,
        lambda center_id, year, quarter: (
            CenterReport.objects.select_related(*related)
            .filter(center_id=center_id, year=year, quarter=quarter, status=status)
            .order_by("pk")[:1]
        ),
        samples=((9001, 9002, 9003), (9004, 9005, 9006)),  # in the columns' ranges: no answer without SQL
    )


_APPROVED = _report_in(CenterReport.Status.APPROVED, "approved_by")
_SUBMITTED = _report_in(CenterReport.Status.SUBMITTED)


def quarter_lock_reason(*, center: Unit, day: datetime.date, for_reviewer: bool = False) -> str | None:
    """An approved quarter locks the center's classes of that quarter until board staff unlock it. The advice
    speaks to who reads it: center staff ask the board; the board has the unlock button on the same page."""
    quarter = Period.quarter_of(day)
    found = _APPROVED.rows(center.pk, quarter.year, quarter.index)
    if not found:
        return None
    report = found[0]
    approver = report.approved_by
    board = wording.today().provincial_board
    who = person_name(approver) if approver else board
    when = timezone.localtime(report.approved_at).strftime("%d/%m/%Y") if report.approved_at else "?"
    advice = (
        "Số liệu của quý đã khóa; muốn cho trung tâm sửa, dùng nút “Mở khóa để trung tâm sửa” ở cuối trang."
        if for_reviewer
        else f"Số liệu của quý đã khóa; muốn sửa, đề nghị {board} mở khóa báo cáo quý."
    )
    return f"{quarter.sentence_label} đã được phê duyệt ngày {when} bởi {who}. {advice}"


def submitted_notice(*, center: Unit, day: datetime.date) -> str | None:
    """A change to a quarter whose report was sent is allowed and flagged to the board: say so before the save."""
    quarter = Period.quarter_of(day)
    if not _SUBMITTED.rows(center.pk, quarter.year, quarter.index):
        return None
    board = wording.today().provincial_board
    return (
        f"{quarter.sentence_label} đã gửi báo cáo: thay đổi sẽ được đánh dấu cho {board} "
        "(“Số liệu đã thay đổi sau khi gửi”)."
    )
