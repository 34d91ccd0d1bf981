"""Two staff of one center issue certificates for two classes at the same moment: the register is locked while a
number is taken, so every certificate gets its own number, in one unbroken sequence (real threads, each with its
own connection; the helpers of tests/test_concurrent_saves.py)."""

import datetime

import pytest

from centers.scoping import Scope
from courses import services
from courses.models import Certificate, CertificateRegister

from .test_certificates import ISSUED, decide, scored_class
from .test_concurrent_saves import at_the_same_moment, in_own_connection, writers_database  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 3
LEARNERS = 4


def test_two_issues_at_once_never_share_a_number(writers_database, center, center_user):  # noqa: F811
    scope = Scope.for_user(center_user)
    classes = []
    for index in range(2 * ROUNDS):
        course = scored_class(
            center,
            learners=[(f"Học viên {index}-{i}", "kha", "7.0") for i in range(LEARNERS)],
            code=f"SONG-{index}",
            start=datetime.date(2026, 11, 2),
        )
        decide(scope, course)
        classes.append(course)

    def issues(offset):
        def save(round_no):
            services.certificates_issue(scope=scope, course=classes[2 * round_no + offset], issued_on=ISSUED)

        return save

    settings = writers_database()
    failures = at_the_same_moment(settings, issues(0), issues(1), rounds=ROUNDS)
    assert failures == []

    def saved():
        numbers = sorted(Certificate.objects.values_list("number", flat=True))
        return numbers, CertificateRegister.objects.get(center=center).last_number

    numbers, last = in_own_connection(settings, saved)
    total = 2 * ROUNDS * LEARNERS
    assert numbers == list(range(1, total + 1)) and last == total
