"""Reads from a replica (#26): with the router on, the pages' records are read through the "replica" alias (in
tests a second connection to the same database, `TEST: MIRROR`), writes and a user's reads right after their own
write through the primary."""

import datetime

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.routers import PrimaryReplicaRouter, on_primary
from courses.models import Course

from .factories import CourseFactory, approve

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])


@pytest.fixture
def routed(settings, center):
    settings.DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    approve(center, 2023, 1)
    yield
    connections["replica"].close()  # the second connection must not hold the test database open at teardown


def sql(context):
    return [q["sql"] for q in context.captured_queries]


def test_a_dashboard_reads_its_records_from_the_replica_and_the_session_from_the_primary(routed, login, board_user):
    client = login(board_user)
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(reverse("courses:course_list"))
    assert response.status_code == 200
    assert any("courses_course" in q for q in sql(replica))
    assert not any(q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for q in sql(replica))
    assert any("django_session" in q for q in sql(primary))
    assert not any("courses_course" in q for q in sql(primary))


def test_after_a_users_own_write_their_reads_go_to_the_primary_for_a_while(routed, login, board_user, settings):
    client = login(board_user)
    client.post(reverse("accounts:end_other_sessions"))
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        client.get(reverse("courses:course_list"))
    assert not sql(replica) and any("courses_course" in q for q in sql(primary))
    settings.REPLICA_LAG_SECONDS = 0
    client.post(reverse("accounts:end_other_sessions"))
    with CaptureQueriesContext(connections["replica"]) as replica:
        client.get(reverse("courses:course_list"))
    assert any("courses_course" in q for q in sql(replica))


def test_reads_inside_a_transaction_or_asked_for_go_to_the_primary(routed):
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Course) == "replica"
    with transaction.atomic():
        assert router.db_for_read(Course) == "default"
    with on_primary():
        assert router.db_for_read(Course) == "default"
    from django.contrib.sessions.models import Session

    assert router.db_for_read(Session) == "default"
    assert router.db_for_write(Course) == "default"
    assert router.allow_migrate("replica", "courses") is False and router.allow_migrate("default", "courses")
