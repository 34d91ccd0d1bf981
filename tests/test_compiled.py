"""The queries compiled once (centers/compiled.py) are compiled, not left to the ORM on every call: a change to one
of them that the compiler cannot map onto its parameters would silently give back the cost it saves."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centers.auth import _staff_user
from centers.compiled import CompiledQuery
from centers.models import Unit
from centers.scoping import _BY_PARENT_AND_CODE, _TOP_BY_CODE, Scope
from centers.sessions import _SESSION
from courses import rules, services
from courses.views import _COURSE
from reports.briefing import _newest_version
from reports.figures import counting, maintained, scored
from reports.figures.cache import _epoch_row
from reports.figures.maintained import _CELL_CLASSES, _CELL_ENROLMENTS, _YEAR_PEOPLE
from reports.locking import _APPROVED, _SUBMITTED, quarter_lock_reason, submitted_notice

from .factories import (
    CenterFactory,
    CourseFactory,
    EnrolmentFactory,
    LecturerFactory,
    ProvinceFactory,
    ReportFactory,
    approve,
)
from .test_certificates import ISSUED, decide, scored_class

pytestmark = pytest.mark.django_db

POSTGRESQL_ONLY = pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL only")
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
    pytest.param(_SESSION, marks=POSTGRESQL_ONLY),
]
# A write's upkeep (reports/figures/maintained.py): rows of values, the classes' and enrolments' built with the rules.
UPKEEP = [_CELL_CLASSES, _CELL_ENROLMENTS, _YEAR_PEOPLE, *counting._OF_PROVINCE.values()]


@pytest.mark.parametrize("query", COMPILED, ids=lambda query: query.model.__name__)
def test_each_query_run_on_every_request_is_compiled_once(query):
    assert query._plan("default") is not None


@POSTGRESQL_ONLY
@pytest.mark.parametrize("query", UPKEEP, ids=lambda query: query.model.__name__)
def test_a_writes_upkeep_queries_are_compiled_once(query):
    context = (tuple(scored.rule_sets()),) if query in (_CELL_CLASSES, _CELL_ENROLMENTS) else ()
    plan = query._plan("default", context)
    assert plan is not None and plan.values


@pytest.fixture
def cell(center, center_user):
    """One cell: a scored class with its certificates (one learner attending 34 of its 40 periods), a co-organised
    class, a cancelled one, and lecturers."""
    course = scored_class(
        center, learners=[("Nguyễn Thị Hường", "kha", "7.5"), ("Đỗ Văn An", "xuat_sac", "9.2"), ("Lê Bích", "", "")]
    )
    course.enrolments.filter(learner__full_name="Lê Bích").update(periods_attended=34)
    decide(Scope.for_user(center_user), course)
    services.certificates_issue(scope=Scope.for_user(center_user), course=course, issued_on=ISSUED)
    joint = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5), co_organised=True)
    EnrolmentFactory.create_batch(3, course=joint, result="kha")
    cancelled = CourseFactory(center=center, start_date=datetime.date(2026, 10, 6), status="cancelled")
    EnrolmentFactory(course=cancelled, result="gioi")
    course.lecturers.add(LecturerFactory(center=center), LecturerFactory(center=center, kind="kiem_chuc"))
    return (center.pk, 2026, 4)


def _counted_alone_and_among_others(cell):
    """compute_cells of the cell alone (compiled on PostgreSQL) and of the cell among others (the ORM's path)."""
    center_id, year, _ = cell
    alone = maintained.compute_cells({cell})
    assert alone == maintained.compute_cells({cell, (center_id, year, 1)})
    return alone


# On SQLite the dates go in as text and these queries are left to the ORM: there the comparisons would be the ORM
# against itself.
@POSTGRESQL_ONLY
def test_a_writes_upkeep_counts_one_cell_as_the_orm_counts_it(cell):
    """The compiled rows of one cell are the ORM's, as tuples and dicts; and compute_cells/compute_people count that
    cell as they count it among others."""
    center_id = cell[0]
    context = (tuple(scored.rule_sets()),)
    values = (center_id, datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    for query in (_CELL_CLASSES, _CELL_ENROLMENTS):
        rows = query.rows(*values, context=context)
        assert sorted(rows, key=str) == sorted(query.build(*values, *context), key=str)
        assert rows and all(isinstance(row, dict) for row in rows)
    year = (center_id, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    people = _YEAR_PEOPLE.rows(*year)
    assert sorted(people, key=str) == sorted(_YEAR_PEOPLE.build(*year), key=str)
    assert len(people) == 3 + 3 + 2 and all(isinstance(row, tuple) for row in people)
    quarters, _ = _counted_alone_and_among_others(cell)
    assert sum(counts["enrolments"] for counts in quarters.values()) == 6
    assert maintained.compute_people({(center_id, 2026)}) == maintained.compute_people(
        {(center_id, 2026), (center_id, 2025)}
    )


@POSTGRESQL_ONLY
def test_a_cell_is_counted_under_the_teaching_rules_of_the_moment(cell, settings):
    """The rules are constants of the compiled query: other rules (a deployment's settings) count with their own."""

    def below(counted):
        return sum(counts["below_attendance"] for counts in counted[0].values())

    assert below(_counted_alone_and_among_others(cell)) == 0  # 34 of 40 periods: 85%, at least 80%
    settings.TEACHING_RULES = [(rules.RULES_2025, {"scored": True, "min_attendance": Decimal("0.90")})]
    assert below(_counted_alone_and_among_others(cell)) == 1


def test_rules_written_with_a_list_count_as_with_a_tuple(cell, settings):
    """A deployment's grade bands written as a list (which cannot key a compiled query): counted by the ORM."""
    bands = [(Decimal("9.0"), "xuat_sac"), (Decimal("5.0"), "trung_binh")]
    settings.TEACHING_RULES = [(rules.RULES_2025, {"scored": True, "grade_bands": bands})]
    listed = _counted_alone_and_among_others(cell)
    settings.TEACHING_RULES = [(rules.RULES_2025, {"scored": True, "grade_bands": tuple(bands)})]
    assert listed == _counted_alone_and_among_others(cell)


def test_flat_values_are_left_to_the_orm(center):
    flat = CompiledQuery(Unit, lambda pk: Unit.objects.filter(pk=pk).values_list(flat=True), ((2_000_000_001,), (2,)))
    assert flat._plan("default") is None and flat.rows(center.pk) == [center.pk]


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


def test_a_write_reads_its_provinces_rows_as_the_orm_reads_them(province, center, other_center):
    """The rows a write in one center reads (its province's centers', compiled once) are those the ORM reads for the
    same centers; a center outside the province is read with them."""
    CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    EnrolmentFactory.create_batch(2, course=CourseFactory(center=other_center, start_date=datetime.date(2026, 4, 6)))
    elsewhere = CenterFactory(parent=ProvinceFactory(code="15"), code="132")
    EnrolmentFactory(course=CourseFactory(center=elsewhere, start_date=datetime.date(2026, 2, 2)))
    compiled = counting.province_rows(province.pk, elsewhere.pk, 2026)
    read = counting.aggregate_rows([center.pk, other_center.pk, elsewhere.pk], 2026, admitting=False)
    for table in ("quarters", "groups", "learners", "lecturers"):
        assert sorted(getattr(compiled, table), key=str) == sorted(getattr(read, table), key=str), table
    assert {row[0] for row in compiled.quarters} == {center.pk, other_center.pk, elsewhere.pk}
