"""The queries compiled once (centers/compiled.py) are compiled, not left to the ORM on every call: a change to one
of them that the compiler cannot map onto its parameters would silently give back the cost it saves."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centers.auth import _staff_user
from centers.scoping import _BY_PARENT_AND_CODE, _TOP_BY_CODE
from centers.sessions import _SESSION
from courses.views import _COURSE
from reports.briefing import _newest_version
from reports.figures.cache import _epoch_row
from reports.locking import _APPROVED, _SUBMITTED, quarter_lock_reason, submitted_notice

from .factories import ReportFactory, approve

pytestmark = pytest.mark.django_db

COMPILED = [
    _staff_user,
    _BY_PARENT_AND_CODE,
    _TOP_BY_CODE,
    _COURSE,
    _newest_version,
    _epoch_row,
    _APPROVED,
    _SUBMITTED,
    # SQLite takes a date and time as text, which no longer equals the value given: left to the ORM there.
    pytest.param(_SESSION, marks=pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL only")),
]


@pytest.mark.parametrize("query", COMPILED, ids=lambda query: query.model.__name__)
def test_each_query_run_on_every_request_is_compiled_once(query):
    assert query._plan("default") is not None


def test_a_quarters_lock_and_notice_read_its_report_as_the_orm_did(center, board_user):
    day = datetime.date(2026, 5, 4)
    assert quarter_lock_reason(center=center, day=day) is None
    assert submitted_notice(center=center, day=day) is None
    report = ReportFactory(center=center, year=2026, quarter=2, status="submitted")
    assert "đã gửi báo cáo" in submitted_notice(center=center, day=day)
    assert quarter_lock_reason(center=center, day=day) is None
    report.status, report.approved_by, report.approved_at = "approved", board_user, timezone.now()
    report.save()
    with CaptureQueriesContext(connection) as queries:
        reason = quarter_lock_reason(center=center, day=day)
    assert len(queries) == 1 and "đã được phê duyệt ngày" in reason  # the report with who approved it: one query
    assert submitted_notice(center=center, day=day) is None
    approve(center, 2026, 1)
    assert "Quý I" in quarter_lock_reason(center=center, day=datetime.date(2026, 1, 2))


def test_a_session_is_read_until_it_expires(client, center_user):
    from django.contrib.sessions.models import Session

    client.force_login(center_user)
    assert client.get("/lop/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/lop/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
