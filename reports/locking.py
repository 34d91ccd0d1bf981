"""Locks that reports put on entered data (asked through courses/locking.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from centers import wording
from centers.models import Unit
from centers.people import person_name
from centers.periods import Period

from .models import CenterReport


def quarter_lock_reason(*, center: Unit, day: datetime.date, for_reviewer: bool = False) -> str | None:
    """An approved quarter locks the center's classes of that quarter until board staff unlock it. The advice
    speaks to who reads it: center staff ask the board; the board has the unlock button on the same page."""
    quarter = Period.quarter_of(day)
    report = (
        CenterReport.objects.filter(
            center=center, year=quarter.year, quarter=quarter.index, status=CenterReport.Status.APPROVED
        )
        .select_related("approved_by")
        .first()
    )
    if report is None:
        return None
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
    sent = CenterReport.objects.filter(
        center=center, year=quarter.year, quarter=quarter.index, status=CenterReport.Status.SUBMITTED
    ).exists()
    if not sent:
        return None
    board = wording.today().provincial_board
    return (
        f"{quarter.sentence_label} đã gửi báo cáo: thay đổi sẽ được đánh dấu cho {board} "
        "(“Số liệu đã thay đổi sau khi gửi”)."
    )
