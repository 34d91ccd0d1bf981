"""What several test modules measure or compare the same way."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from centers.periods import Period
from reports.figures import cache, counting
from reports.figures.basis import Basis


def committed():
    """Run the on-commit callbacks registered inside (tests run in a transaction that never commits): the figures
    cache stores what it computed only once the transaction that computed it commits."""
    return TestCase.captureOnCommitCallbacks(using="default", execute=True)


def page_queries(client, address: str, *, cached: bool = False) -> int:
    """Queries one GET of `address` costs. A first request renews the session (done at most once a minute, not
    part of a page's cost) and fills the figures cache; the cache (both levels) is then emptied unless `cached`."""
    with committed():
        assert client.get(address).status_code in (200, 302)
    if not cached:
        cache.clear(shared=True)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code in (200, 302)
    return len(ctx)


def same_as_raw(unit, key="2026", basis=Basis.ALL):
    """The rollup the app shows (maintained aggregates, cached) equals raw counting, this period and a year earlier."""
    with committed():
        fast = counting.rollup(unit=unit, period=Period.parse(key), basis=basis)
    raw = counting.rollup(unit=unit, period=Period.parse(key), basis=basis, raw=True)
    for a, b in ((fast, raw), (fast.previous, raw.previous)):
        assert a.total == b.total, key
        assert a.by_center == b.by_center, key
        assert {
            k: (v.classes, v.own_classes, v.enrolments, v.results, v.planned_classes) for k, v in a.by_program.items()
        } == {
            k: (v.classes, v.own_classes, v.enrolments, v.results, v.planned_classes) for k, v in b.by_program.items()
        }, key
        assert a.by_format == b.by_format and a.by_group == b.by_group and a.lecturers == b.lecturers, key
    # The national table by province: the provinces' cached parts, and the centers summed.
    assert [(p.pk, f, g) for p, f, g in fast.by_province()] == [(p.pk, f, g) for p, f, g in raw.by_province()], key


def file_of(client, response) -> bytes:
    """The bytes of a downloaded report: at once, or (the roster, the nation) from the background job it started
    (in-process without a broker: done when the redirect comes back)."""
    if response.status_code == 302 and response["Location"].startswith("/cong-viec/"):
        job = client.get(response["Location"] + "trang-thai/").json()
        assert job["state"] == "done", job
        download = client.get(job["download"])
        assert download.status_code == 200, download.status_code
        return download.content
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)
