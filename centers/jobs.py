"""Long work in the background: enqueue, run, report progress, keep the file, expire it.

Celery runs the jobs (config/celery.py, Redis as the broker, `CELERY_BROKER_URL`). Without a broker (the demo,
SQLite, the unit tests) the same task runs in the web process once the request's transaction has committed: the
user's flow is the same in both modes (a job page, then the file).

What a kind of job does is registered by the app that owns the work (`register(kind, handler)` in its
`AppConfig.ready()`: reports registers its exports, so centers imports nothing above it). A handler receives the
Job and a `progress(percent, message)` callback and returns None or an `Output` (file name, content type, file
object or bytes). A job whose worker died is run again once (Celery re-delivers it: `acks_late`), then marked
failed; `sweep()` (celery beat, every few minutes) fails a job whose heartbeat stopped and removes expired files,
so nothing stays "running" for ever.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobFile

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 2


@dataclass
class Output:
    """What a job leaves: a file for its owner (file_name, content type, bytes or a file object), and/or a message
    and a page to go on to."""

    file_name: str = ""
    content_type: str = ""
    content: bytes | IO[bytes] = b""
    message: str = ""
    result_url: str = ""


Handler = Callable[[Job, Callable[[int, str], None]], "Output | None"]
_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def file_hours() -> int:
    return getattr(settings, "JOB_FILE_HOURS", 24)


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "JOB_STALE_MINUTES", 15))


# -- asking --------------------------------------------------------------------------------------------------------
def enqueue(user, kind: str, label: str, params: dict) -> Job:
    """Record the job and hand it to the workers once the caller's transaction commits."""
    if kind not in _handlers:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(user=user, kind=kind, label=label[:255], params=params)
    if eager():  # no broker: run now, in this process (the demo, the tests)
        dispatch(job.pk)
        job.refresh_from_db()
    else:  # a worker must see the row: hand it over once it is committed
        transaction.on_commit(lambda: dispatch(job.pk))
    return job


def eager() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def dispatch(job_id) -> None:
    if eager():
        run_job.apply(args=[str(job_id)])
    else:
        run_job.delay(str(job_id))


def of_user(user, pk) -> Job:
    """One of the user's own jobs (another user's is not found)."""
    job = Job.objects.filter(user=user, pk=pk).first()
    if job is None:
        raise Http404(_("Không tìm thấy công việc."))
    return job


def open_file(user, pk) -> tuple[Job, bytes]:
    job = of_user(user, pk)
    if not job.file_name:
        raise Http404(_("Công việc này không có tệp."))
    stored = JobFile.objects.filter(job=job).first() if job.has_file() else None
    if stored is None:  # expired, or already removed by the sweep
        raise PermissionDenied(_("Tệp đã hết hạn (giữ %(hours)s giờ): đề nghị xuất lại.") % {"hours": file_hours()})
    return job, bytes(stored.content)


# -- running (the task's body) ---------------------------------------------------------------------------------------
def run(job_id) -> None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return
        if job.attempts >= MAX_ATTEMPTS:  # delivered again after its worker died twice
            _fail(job, _("Công việc bị gián đoạn %(n)s lần, đã dừng. Đề nghị thử lại sau.") % {"n": job.attempts})
            return
        now = timezone.now()
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.RUNNING, attempts=job.attempts + 1, started_at=now, heartbeat_at=now, progress=0
        )
        job.refresh_from_db()

    def progress(percent: int, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(
            progress=max(0, min(99, int(percent))), message=message[:500], heartbeat_at=timezone.now()
        )

    try:  # handlers write through their services (each validates, then writes in one transaction): progress
        # is written outside any of them, so that the job's page sees it while the work runs
        output = _handlers[job.kind](job, progress)
    except (ValidationError, PermissionDenied, Http404) as error:  # the user's input: say it, no traceback
        _fail(job, "; ".join(getattr(error, "messages", None) or [str(error)]))
        return
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(job, _("Có lỗi khi thực hiện công việc; quản trị hệ thống đã được ghi nhận lỗi. Đề nghị thử lại sau."))
        return
    _finish(job, output)


def _finish(job: Job, output: Output | None) -> None:
    now = timezone.now()
    fields = {"state": Job.State.DONE, "progress": 100, "finished_at": now, "heartbeat_at": now, "message": ""}
    with transaction.atomic():
        if output is not None:
            fields.update(message=output.message[:500], result_url=output.result_url)
        if output is not None and output.file_name:
            content = output.content if isinstance(output.content, bytes) else output.content.read()
            JobFile.objects.update_or_create(job=job, defaults={"content": content})
            fields.update(
                file_name=output.file_name,
                content_type=output.content_type,
                file_size=len(content),
                file_expires_at=now + datetime.timedelta(hours=file_hours()),
            )
        Job.objects.filter(pk=job.pk).update(**fields)


def _fail(job: Job, message: str) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, message=message[:500], finished_at=now)


# -- upkeep (celery beat) --------------------------------------------------------------------------------------------
def sweep(now=None) -> tuple[int, int]:
    """Fail the jobs whose worker stopped beating, remove expired files: (failed, files removed)."""
    now = now or timezone.now()
    stale = Job.objects.filter(
        state__in=[Job.State.RUNNING, Job.State.QUEUED], created_at__lt=now - stale_after()
    ).exclude(heartbeat_at__gte=now - stale_after())
    failed = stale.update(
        state=Job.State.FAILED,
        finished_at=now,
        message=_("Công việc bị gián đoạn (máy chạy nền dừng giữa chừng). Đề nghị thử lại."),
    )
    expired = Job.objects.filter(file_expires_at__lte=now)
    removed, _detail = JobFile.objects.filter(job__in=expired).delete()
    return failed, removed


# -- the Celery tasks ------------------------------------------------------------------------------------------------
@shared_task(name="centers.run_job", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(job_id: str) -> None:
    run(job_id)


@shared_task(name="centers.sweep_jobs", ignore_result=True)
def sweep_jobs() -> None:
    sweep()
