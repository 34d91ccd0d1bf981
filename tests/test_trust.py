"""Trust: login throttling, headers and deploy checks, personal data, history, no lost updates, export log."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from courses.models import Course
from reports.models import ExportLog

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory, approve, program

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_repeated_wrong_passwords_lock_the_login_with_a_message(client, center_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "trungtam", "password": "sai-mat-khau"})
        assert "Vui lòng điền vào" in response.content.decode()
    response = client.post(reverse("login"), {"username": "trungtam", "password": "sai-mat-khau"})
    assert response.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in response.content.decode()
    response = client.post(reverse("login"), {"username": "trungtam", "password": "Llct@2026"})
    assert "Tài khoản tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _session_row(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_idle_for_30_minutes_ends(client, center_user):
    client.force_login(center_user)
    assert client.get(reverse("courses:course_list")).status_code == 200
    row = _session_row(client)
    row.expire_date = timezone.now() - datetime.timedelta(seconds=1)  # 30 minutes without a request
    row.save()
    response = client.get(reverse("courses:course_list"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_activity_renews_the_session_at_most_once_a_minute(client, center_user):
    client.force_login(center_user)
    client.get(reverse("courses:course_list"))
    first = _session_row(client).expire_date
    assert abs((first - timezone.now()).total_seconds() - 30 * 60) < 60
    # Within the minute: no session write.
    client.get(reverse("courses:course_list"))
    assert _session_row(client).expire_date == first
    # A minute later the next request renews the 30 minutes.
    session = client.session
    session["_renewed"] -= 61
    session.save()
    row = _session_row(client)
    row.expire_date = timezone.now() + datetime.timedelta(minutes=2)
    row.save()
    client.get(reverse("courses:course_list"))
    assert (_session_row(client).expire_date - timezone.now()).total_seconds() > 29 * 60


def test_password_validators_refuse_a_weak_password(center_user):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="quá phổ biến|quá ngắn|hoàn toàn là số"):
        validate_password("12345678", center_user)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def test_pages_send_a_csp_without_inline_scripts(login, board_user, center):
    approve(center)
    CourseFactory(center=center, start_date=datetime.date(2023, 2, 1))
    client = login(board_user)
    for url in (reverse("home"), reverse("reports:dashboard", args=["10", "2023-Q1"]), reverse("courses:course_list")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert not INLINE_SCRIPT.search(response.content.decode()), url


def test_no_page_template_carries_an_inline_style():
    """The policy's style-src 'self' blocks a style="" attribute (the browser logs it and drops the style); only the
    mails, read in a mail client, carry them."""
    templates = settings.BASE_DIR / "templates"
    found = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if "mail" not in path.parts and re.search(r"\sstyle\s*=", path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 10 + "-production-secret-for-the-deploy-check-7Hq2vZ9xW4mP8rT1",
        "DJANGO_ALLOWED_HOSTS": "baocao.example.vn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_worker_loads_every_view_and_keeps_its_startup_objects_out_of_the_collectors_way():
    """config/wsgi.py settles the worker: views and catalogue loaded, then frozen, so a full collection no longer
    visits them inside some user's request (config/startup.py says what it saved)."""
    script = (
        "import gc, sys, config.wsgi; "
        "print(gc.get_freeze_count(), 'courses.views' in sys.modules, 'reports.views' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    frozen, courses_views, reports_views = result.stdout.split()
    assert int(frozen) > 10_000 and courses_views == reports_views == "True"


def test_cccd_is_masked_in_lists_and_whole_on_the_learner_page(login, center_user, board_user, center):
    # A class before the 2025 rules lists the CCCD masked; a scored class's roster, given to attendance and
    # scores, leaves it out, and neither shows it whole.
    course = CourseFactory(center=center, start_date=datetime.date(2025, 10, 6))
    scored = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    learner = LearnerFactory(center=center, national_id="010190001234")
    EnrolmentFactory(course=course, learner=learner)
    EnrolmentFactory(course=scored, learner=learner)
    client = login(center_user)
    roster = client.get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    assert "********1234" in roster and "010190001234" not in roster
    assert "010190001234" not in client.get(reverse("courses:course_detail", args=[scored.pk])).content.decode()
    page = login(board_user).get(reverse("courses:learner_detail", args=[learner.pk])).content.decode()
    assert "010190001234" in page


def test_the_learner_page_is_scoped(login, other_center_user, other_board_user, center):
    learner = LearnerFactory(center=center)
    assert login(other_center_user).get(reverse("courses:learner_detail", args=[learner.pk])).status_code == 404
    assert login(other_board_user).get(reverse("courses:learner_detail", args=[learner.pk])).status_code == 404


def class_post(course, **changes):
    data = {
        "program": course.program_id,
        "code": course.code,
        "title": course.title,
        "start_date": course.start_date.strftime("%d/%m/%Y"),
        "end_date": course.end_date.strftime("%d/%m/%Y"),
        "format": course.format,
        "location": course.location,
        "planned_size": "",
        "status": course.status,
        "version": course.version,
    }
    data.update(changes)
    return data


def test_the_class_history_shows_who_changed_what(login, center_user, center):
    client = login(center_user)
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5), title="Tên cũ")
    client.post(reverse("courses:course_edit", args=[course.pk]), class_post(course, title="Tên mới"))
    page = client.get(reverse("courses:course_history", args=[course.pk])).content.decode()
    assert "Tên lớp:</strong> Tên cũ → Tên mới" in page
    assert "Nguyễn Thị Hạnh" in page  # family name first (centers.people.person_name)
    assert "Hạnh Nguyễn Thị" not in page


def test_a_second_save_is_refused_and_says_what_changed(login, center_user, center):
    client = login(center_user)
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5), title="Gốc")
    first = class_post(course, title="Người thứ nhất")
    second = class_post(course, title="Người thứ hai")
    assert client.post(reverse("courses:course_edit", args=[course.pk]), first).status_code == 302
    page = client.post(reverse("courses:course_edit", args=[course.pk]), second).content.decode()
    assert "vừa được người khác sửa" in page
    assert "Tên lớp: “Gốc” → “Người thứ nhất”" in page
    assert Course.objects.get(pk=course.pk).title == "Người thứ nhất"


def test_a_stale_report_narrative_is_refused(login, center_user, center):
    client = login(center_user)
    url = reverse("reports:save", args=["10-080", "2026-Q3"])
    client.get(reverse("reports:report", args=["10-080", "2026-Q3"]))
    client.post(url, {"achievements": "Bản của người thứ nhất", "version": 1})
    page = client.post(url, {"achievements": "Bản của người thứ hai", "version": 1}).content.decode()
    assert "Báo cáo vừa được người khác sửa" in page
    assert "Kết quả đạt được" in page


def test_exports_are_recorded_with_who_and_which_unit(login, board_user, province):
    client = login(board_user)
    client.get(reverse("reports:export_xlsx", args=["10", "2023-Q1"]), {"danh_sach": "1"})
    log = ExportLog.objects.get()
    assert (log.user, log.unit, log.period_key, log.format, log.roster) == (
        board_user,
        province,
        "2023-Q1",
        "xlsx",
        True,
    )
    page = client.get(reverse("reports:activity")).content.decode()
    assert "Xuất Excel Ban Tuyên giáo Tỉnh ủy Lào Cai quý I/2023 kèm danh sách học viên" in page


def test_the_activity_log_is_scoped_to_the_province(login, center_user, board_user, other_board_user, center):
    client = login(center_user)
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5), title="Tên cũ")
    client.post(reverse("courses:course_edit", args=[course.pk]), class_post(course, title="Lớp đổi tên"))
    assert "Lớp đổi tên" in login(board_user).get(reverse("reports:activity")).content.decode()
    assert "Lớp đổi tên" not in login(other_board_user).get(reverse("reports:activity")).content.decode()


def test_the_activity_log_diffs_each_change_with_the_same_objects_previous_record(login, center_user, center):
    """The log interleaves many classes: an edit is compared with that class's record before, not with whatever
    class was saved just before it (and a program change shows the programs' names)."""
    client = login(center_user)
    edited = CourseFactory(center=center, code="A01", title="Lớp A", program=program("KND"))
    CourseFactory(center=center, code="B02", title="Lớp B", program=program("DVM"))
    client.post(reverse("courses:course_edit", args=[edited.pk]), class_post(edited, title="Lớp A mới"))
    page = client.get(reverse("reports:activity")).content.decode()
    assert "Tên lớp:</strong> Lớp A → Lớp A mới" in page
    assert "B02" not in page.split("Lớp A mới", 1)[0].rsplit("<tr>", 1)[-1]
    assert "Mã lớp:" not in page  # no class's code changed
    client.post(
        reverse("courses:course_edit", args=[edited.pk]),
        class_post(Course.objects.get(pk=edited.pk), program=program("NQ").pk),
    )
    page = client.get(reverse("reports:activity")).content.decode()
    assert f"{program('KND')} → {program('NQ')}" in page


def test_an_edit_of_a_class_loaded_before_the_history_shows_what_it_changed(login, center_user, center):
    """Bulk loads (the demo, a migration of old data) write no history: the first edit records the class as it was
    loaded (dated when it was created, by nobody) before its own change, so the change shows old and new values."""
    model = CourseFactory.build(center=center, code="C09", title="Lớp nạp sẵn", program=program("KND"))
    (loaded,) = Course.objects.bulk_create([model])
    client = login(center_user)
    client.post(reverse("courses:course_edit", args=[loaded.pk]), class_post(loaded, title="Lớp nạp sẵn, đã sửa"))
    page = client.get(reverse("courses:course_history", args=[loaded.pk])).content.decode()
    assert "Lớp nạp sẵn → Lớp nạp sẵn, đã sửa" in page
    assert "Không có bản ghi trước để so sánh" not in page
    assert " as of " not in page
    page = client.get(reverse("reports:activity")).content.decode()
    assert "Lớp nạp sẵn → Lớp nạp sẵn, đã sửa" in page and "Lớp C09 – Lớp nạp sẵn, đã sửa" in page


def test_collectstatic_works_with_production_settings(tmp_path):
    """The README's production step: every vendored asset and the files it references are present."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "collectstatic-test-secret-key-0123456789abcdefghijklmnopqrstu",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
