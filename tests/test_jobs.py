"""Long work in the background (#26): exports of the roster and of the nation go through a job, its page and the
owner's "Tệp đã xuất"; failures say why in Vietnamese; no job stays "running"; files expire after 24 hours.
The last test runs a real Celery worker against Redis (PostgreSQL runs of `.ci/run`)."""

import datetime
import io
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from centers import jobs
from centers.models import Job, JobFile
from reports.models import ExportLog

from .factories import CourseFactory, EnrolmentFactory, approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(center):
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    EnrolmentFactory.create_batch(3, course=course, result="gioi")
    approve(center, 2023, 1)
    return course


def test_a_roster_export_runs_as_a_job_whose_file_only_its_owner_downloads(
    login, client, board_user, other_board_user, central_user, data
):
    response = login(board_user).get(reverse("reports:export_xlsx", args=["10", "2023-Q1"]), {"danh_sach": "1"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.user == board_user and job.state == Job.State.DONE and job.progress == 100
    assert job.label == "Xuất Excel: Ban Tuyên giáo Tỉnh ủy Lào Cai, quý I/2023 (kèm danh sách học viên)"
    page = client.get(response["Location"]).content.decode()
    assert "Đã xong" in page and "bao-cao-10-2023-Q1-danh-sach.xlsx" in page and "js/job.js" in page
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["state"] == "done" and status["download"] == reverse("jobs:download", args=[job.pk])
    file = client.get(status["download"])
    assert file["Content-Disposition"] == 'attachment; filename="bao-cao-10-2023-Q1-danh-sach.xlsx"'
    roster = load_workbook(io.BytesIO(file.content))["Danh sách học viên"]
    assert roster.max_row >= 4  # the header and three learners
    assert ExportLog.objects.get().roster is True
    assert "bao-cao-10-2023-Q1-danh-sach.xlsx" in client.get(reverse("jobs:list")).content.decode()
    # nobody else: not the other board, not even central
    for other in (other_board_user, central_user):
        client.force_login(other)
        for name in ("jobs:detail", "jobs:status", "jobs:download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert job.label not in client.get(reverse("jobs:list")).content.decode()


def test_a_province_workbook_without_the_roster_is_still_downloaded_at_once(login, board_user, data):
    response = login(board_user).get(reverse("reports:export_xlsx", args=["10", "2023-Q1"]))
    assert response.status_code == 200 and not Job.objects.exists()


def test_the_national_workbook_goes_through_a_job(login, central_user, data):
    response = login(central_user).get(reverse("reports:export_docx", args=["VN", "2023"]))
    job = Job.objects.get()
    assert response.status_code == 302 and job.state == Job.State.DONE and job.file_name.endswith(".docx")


def test_a_file_expires_after_24_hours_and_the_job_stays(login, client, board_user, data):
    login(board_user).get(reverse("reports:export_xlsx", args=["10", "2023-Q1"]), {"danh_sach": "1"})
    job = Job.objects.get()
    assert job.file_expires_at - job.finished_at == datetime.timedelta(hours=24)
    later = timezone.now() + datetime.timedelta(hours=24, minutes=1)
    Job.objects.filter(pk=job.pk).update(file_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 403 and "Tệp đã hết hạn (giữ 24 giờ)" in response.content.decode()
    assert jobs.sweep(now=later) == (0, 1)
    assert Job.objects.filter(pk=job.pk).exists() and not JobFile.objects.exists()
    assert "đã hết hạn" in client.get(reverse("jobs:list")).content.decode()


def test_a_failing_job_says_so_in_vietnamese_and_logs_the_error(board_user, caplog):
    def broken(job, progress):
        progress(30, "nửa chừng")
        raise RuntimeError("hỏng")

    jobs.register("test-broken", broken)
    job = jobs.enqueue(board_user, "test-broken", "Việc hỏng", {})
    assert job.state == Job.State.FAILED and job.message.startswith("Có lỗi khi thực hiện công việc")
    assert "failed" in caplog.text and "RuntimeError" in caplog.text


def test_a_job_asked_outside_the_owners_scope_fails_with_the_scopes_message(other_board_user, data):
    job = jobs.enqueue(
        other_board_user, "export", "x", {"unit": "10", "period": "2023-Q1", "fmt": "xlsx", "roster": True}
    )
    assert job.state == Job.State.FAILED and job.message == "Không tìm thấy đơn vị."
    assert not ExportLog.objects.exists()


def test_a_job_whose_worker_died_twice_is_failed_not_left_running(board_user):
    job = Job.objects.create(user=board_user, kind="export", label="x", state=Job.State.RUNNING, attempts=2)
    jobs.run(job.pk)  # the broker delivers it again after the second worker died
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "gián đoạn 2 lần" in job.message


def test_the_sweep_fails_jobs_whose_heartbeat_stopped(board_user):
    old = timezone.now() - datetime.timedelta(hours=1)
    stale = Job.objects.create(
        user=board_user, kind="export", label="a", state="running", created_at=old, heartbeat_at=old
    )
    alive = Job.objects.create(
        user=board_user, kind="export", label="b", state="running", created_at=old, heartbeat_at=timezone.now()
    )
    assert jobs.sweep() == (1, 0)
    stale.refresh_from_db(), alive.refresh_from_db()
    assert stale.state == Job.State.FAILED and "gián đoạn" in stale.message and alive.state == Job.State.RUNNING


def test_an_unknown_job_id_is_not_found(login, board_user):
    assert login(board_user).get(reverse("jobs:detail", args=[uuid.uuid4()])).status_code == 404


# -- a real worker ------------------------------------------------------------------------------------------------
def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not _redis_up(),
    reason="a real worker needs PostgreSQL (shared with the worker) and Redis: run by the PostgreSQL pass of .ci/run",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_an_export_end_to_end(board_user, center, settings):
    from config.celery import app

    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    EnrolmentFactory.create_batch(2, course=course)
    db = connection.settings_dict
    broker = f"redis://127.0.0.1:6379/{9 + (os.getpid() % 6)}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-l", "warning"],
        env=env,
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=broker, task_always_eager=False)
    try:
        job = jobs.enqueue(board_user, "export", "x", {"unit": "10", "period": "2023", "fmt": "xlsx", "roster": True})
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.5)
        assert job.state == Job.State.DONE, (job.state, job.message)
        content = bytes(JobFile.objects.get(job=job).content)
        assert load_workbook(io.BytesIO(content))["Danh sách học viên"].max_row >= 3
    finally:
        app.conf.update(broker_url=None, task_always_eager=True)
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_a_large_upload_is_written_by_a_job_that_says_what_it_wrote(login, client, center, center_user, settings):
    from .test_import import good_workbook

    settings.IMPORT_BACKGROUND_ROWS = 4  # the good workbook holds 5 enrolments
    client = login(center_user)
    upload = io.BytesIO(good_workbook())
    upload.name = "lop.xlsx"
    preview = client.post(reverse("courses:import_workbook"), {"file": upload})
    batch = preview.context["batch"]
    response = client.post(reverse("courses:import_workbook"), {"confirm": "1", "batch": batch.pk})
    job = Job.objects.get(kind="import")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.DONE and job.label == "Nhập tệp lop.xlsx"
    assert job.message == "Đã ghi: 2 lớp mới, 4 học viên mới, 5 lượt học viên mới, 0 kết quả cập nhật."
    assert job.result_url == reverse("courses:course_list") and not job.file_name
    # confirmed twice (a double click): the second job says the file was already written, nothing more is written
    client.post(reverse("courses:import_workbook"), {"confirm": "1", "batch": batch.pk})
    assert Job.objects.filter(kind="import").count() == 1  # the batch is no longer pending: not found
