"""Which centers are late with a quarterly report, and the reminders they are sent: by a board from the completeness
page ("Nhắc", "Nhắc tất cả chưa gửi") and by the scheduled `send_reminders`, through the one `remind` below. A center
gets at most one reminder a day for a quarter; each is recorded with who sent it (none: the schedule)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from centers.models import Staff, Unit
from centers.periods import Period

from .models import REPORTED_STATUSES, CenterReport, Reminder, deadlines


def overdue_centers(
    *, period: Period, today: datetime.date, province: Unit | None = None
) -> list[tuple[Unit, datetime.date]]:
    """Centers active in the quarter (of one province, or all), past their province's deadline, whose report is not
    submitted or approved."""
    due = deadlines(period, [province.pk] if province else None)
    reported = CenterReport.objects.filter(year=period.year, quarter=period.index, status__in=REPORTED_STATUSES)
    if province is not None:
        reported = reported.filter(center__parent=province)
    done = set(reported.values_list("center_id", flat=True))
    overdue = []
    centers = Unit.objects.centers().active_between(period.start, period.end).select_related("parent")
    if province is not None:
        centers = centers.filter(parent=province)
    for center in centers.order_by("parent__code", "code"):
        deadline = due[center.parent_id]
        if today > deadline and center.pk not in done:
            overdue.append((center, deadline))
    return overdue


@dataclass
class Reminded:
    mails: int = 0
    centers: list[Unit] = field(default_factory=list)  # reminded now
    already: list[Unit] = field(default_factory=list)  # reminded earlier today: not again
    unreachable: list[Unit] = field(default_factory=list)  # no active staff with an address, no center address


def recipients_of(centers: list[Unit]) -> dict[int, list[str]]:
    emails: dict[int, set[str]] = {center.pk: {center.email} if center.email else set() for center in centers}
    for member in Staff.objects.filter(unit__in=centers, user__is_active=True).select_related("user"):
        if member.user.email:
            emails[member.unit_id].add(member.user.email)
    return {pk: sorted(found) for pk, found in emails.items()}


def message_of(center: Unit, period: Period, deadline: datetime.date, addresses: list[str]) -> tuple:
    return (
        _("Nhắc gửi báo cáo %(p)s") % {"p": period.label},
        _(
            "Kính gửi %(center)s,\n\nĐến nay trung tâm chưa gửi báo cáo kết quả công tác giáo dục lý luận chính trị "
            "%(p)s (hạn nộp %(day)s). Đề nghị đồng chí hoàn thiện và gửi báo cáo trên hệ thống.\n\n%(board)s"
        )
        % {
            "center": center.name,
            "p": period.title_label,
            "day": deadline.strftime("%d/%m/%Y"),
            "board": center.parent.name,
        },
        None,
        addresses,
    )


def remind(
    *, period: Period, overdue: list[tuple[Unit, datetime.date]], today: datetime.date, by=None, dry_run=False
) -> Reminded:
    """Mail each overdue center's staff (at most once a day per center and quarter) and record it."""
    done_today = set(
        Reminder.objects.filter(
            center__in=[c for c, _ in overdue], year=period.year, quarter=period.index, sent_on=today
        ).values_list("center_id", flat=True)
    )
    addresses = recipients_of([c for c, _ in overdue])
    result, messages, rows = Reminded(), [], []
    for center, deadline in overdue:
        if center.pk in done_today:
            result.already.append(center)
        elif not addresses[center.pk]:
            result.unreachable.append(center)
        else:
            result.centers.append(center)
            messages.append(message_of(center, period, deadline, addresses[center.pk]))
            rows.append(
                Reminder(
                    center=center,
                    year=period.year,
                    quarter=period.index,
                    sent_on=today,
                    sent_by=by,
                    recipients=", ".join(addresses[center.pk])[:1000],
                )
            )
    if dry_run or not messages:
        result.mails = len(messages) if dry_run else 0
        return result
    with transaction.atomic():
        Reminder.objects.bulk_create(rows)
        result.mails = send_mass_mail(messages, fail_silently=False)  # a mail failure writes no reminder
    return result
