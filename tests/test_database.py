import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_runs_on_the_database_ci_asked_for():
    """`.ci/run` sets EXPECT_DB_VENDOR for each run, so the PostgreSQL run provably used PostgreSQL."""
    expected = os.environ.get("EXPECT_DB_VENDOR")
    if not expected:
        pytest.skip("EXPECT_DB_VENDOR not set (only .ci/run sets it)")
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        if expected == "postgresql":
            cursor.execute("SELECT version()")
            assert "PostgreSQL" in cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            assert cursor.fetchone()[0]
