"""Completion decisions, certificates, the master register and the public verification page (issue #23)."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from centers.scoping import Scope
from courses import services
from courses.catalogue import REVISION_2025
from courses.models import Certificate, CertificateRegister, CertificateReprint, CompletionDecision, Course, Program
from reports.exporters.certificates import font_files

from .factories import CourseFactory, EnrolmentFactory, LearnerFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 11, 2)
SIGNED = datetime.date(2026, 11, 10)
ISSUED = datetime.date(2026, 11, 12)
CCCD = "001190012345"
_serial = itertools.count()


def scored_class(center, *, learners=(("Nguyễn Thị Hường", "kha", "7.5"),), code=None, start=START, cccd=None):
    """A finished class under the 2025 rules with results set directly (the services derive them elsewhere)."""
    course = CourseFactory(
        center=center,
        program=Program.objects.get(code="N2", valid_from=REVISION_2025),
        start_date=start,
        end_date=start + datetime.timedelta(days=4),
        periods=40,
        status=Course.Status.FINISHED,
        **({"code": code} if code else {}),
    )
    for index, (name, result, score) in enumerate(learners):
        learner = LearnerFactory(
            center=center,
            full_name=name,
            date_of_birth=datetime.date(1990, 3, 14),
            national_id=cccd if index == 0 and cccd else f"0991900{next(_serial):05d}",
        )
        EnrolmentFactory(
            course=course,
            learner=learner,
            result=result,
            periods_attended=40,
            score=Decimal(score) if score else None,
        )
    return course


def decide(scope, course, **fields):
    data = {"number": "12-QĐ/TTCT", "signed_on": SIGNED, "signer": "Trần Văn Minh"} | fields
    return services.decision_record(scope=scope, course=course, **data)


@pytest.fixture
def scope(center_user):
    return Scope.for_user(center_user)


@pytest.fixture
def course(center):
    return scored_class(
        center,
        learners=[
            ("Nguyễn Thị Hường", "kha", "7.5"),
            ("Đỗ Văn An", "xuat_sac", "9.2"),
            ("Lê Thị Bích", "khong_dat", "4.0"),
            ("Phạm Quốc Việt", "trung_binh", "5.0"),
        ],
        cccd=CCCD,
    )


# -- the decision ----------------------------------------------------------------------------------------------
def test_the_decision_covers_the_learners_who_completed(scope, course):
    decision = decide(scope, course)
    names = sorted(decision.enrolments.values_list("learner__full_name", flat=True))
    assert names == ["Nguyễn Thị Hường", "Phạm Quốc Việt", "Đỗ Văn An"]
    assert decision.certificates_due == SIGNED + datetime.timedelta(days=15)


def test_the_decision_is_recorded_once(scope, course):
    decide(scope, course)
    with pytest.raises(ValidationError, match="đã có quyết định"):
        decide(scope, course, number="13-QĐ/TTCT")
    assert CompletionDecision.objects.count() == 1


def test_a_class_before_the_2025_rules_has_no_decision(scope, center):
    old = CourseFactory(center=center, start_date=datetime.date(2025, 10, 6))
    with pytest.raises(ValidationError, match="trước ngày 01/12/2025"):
        decide(scope, old)


def test_a_decision_before_the_class_ends_is_refused(scope, course):
    with pytest.raises(ValidationError) as error:
        decide(scope, course, signed_on=START)
    assert "sau khi lớp kết thúc" in str(error.value)
    assert not CompletionDecision.objects.exists()


def test_amending_needs_a_reason_keeps_history_and_derives_the_learners_again(scope, course):
    decision = decide(scope, course)
    with pytest.raises(ValidationError, match="lý do"):
        services.decision_amend(
            scope=scope,
            decision=decision,
            version=decision.version,
            reason=" ",
            number="12b",
            signed_on=SIGNED,
            signer="Trần Văn Minh",
        )
    failed = course.enrolments.get(learner__full_name="Lê Thị Bích")
    failed.result, failed.retake_score = "trung_binh", Decimal("6.0")
    failed.save()
    amended = services.decision_amend(
        scope=scope,
        decision=decision,
        version=decision.version,
        reason="Bổ sung học viên thi lại đạt",
        number="12b-QĐ/TTCT",
        signed_on=SIGNED,
        signer="Trần Văn Minh",
    )
    assert amended.enrolments.count() == 4
    history = list(amended.history.order_by("history_id"))
    assert list(dict.fromkeys(h.number for h in history)) == ["12-QĐ/TTCT", "12b-QĐ/TTCT"]
    assert history[-1].amend_reason == "Bổ sung học viên thi lại đạt"
    # A stale version is refused.
    with pytest.raises(ValidationError):
        services.decision_amend(
            scope=scope,
            decision=amended,
            version=1,
            reason="x",
            number="12c",
            signed_on=SIGNED,
            signer="Trần Văn Minh",
        )


# -- issuing -----------------------------------------------------------------------------------------------------
def test_numbers_are_sequential_per_center_and_year_and_never_reused(scope, center, course, other_center):
    decide(scope, course)
    issued = services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    assert sorted(c.number for c in issued) == [1, 2, 3]
    second = scored_class(center, learners=[("Vũ Thị Lan", "gioi", "8.5"), ("Hoàng Văn Nam", "kha", "7.0")])
    decide(scope, second)
    more = services.certificates_issue(scope=scope, course=second, issued_on=ISSUED)
    assert sorted(c.number for c in more) == [4, 5]
    register = CertificateRegister.objects.get(center=center, year=2026)
    assert register.last_number == 5
    assert all(c.number_label.endswith("/2026") for c in more)
    # Another center's register starts at 1.
    other_user_scope = Scope.for_user(_staff_of(other_center))
    elsewhere = scored_class(other_center, learners=[("Trịnh Văn Bình", "kha", "7.2")])
    decide(other_user_scope, elsewhere)
    (first,) = services.certificates_issue(scope=other_user_scope, course=elsewhere, issued_on=ISSUED)
    assert first.number == 1


def _staff_of(unit):
    from .factories import StaffFactory, UserFactory

    return StaffFactory(user=UserFactory(), unit=unit).user


def test_a_new_year_opens_a_new_register(scope, center, course):
    decision = decide(scope, course)
    services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    assert decision.certificates.count() == 3
    assert list(CertificateRegister.objects.filter(center=center).values_list("year", flat=True)) == [2026]


def test_a_hand_typed_number_is_accepted_only_when_unused(scope, course):
    decide(scope, course)
    huong = course.enrolments.get(learner__full_name="Nguyễn Thị Hường")
    an = course.enrolments.get(learner__full_name="Đỗ Văn An")
    (typed,) = services.certificates_issue(
        scope=scope, course=course, issued_on=ISSUED, enrolment_ids=[huong.pk], numbers={huong.pk: "41"}
    )
    assert typed.number == 41
    with pytest.raises(ValidationError, match="41/2026 đã được dùng"):
        services.certificates_issue(
            scope=scope, course=course, issued_on=ISSUED, enrolment_ids=[an.pk], numbers={an.pk: "41"}
        )
    with pytest.raises(ValidationError, match="không phải là số nguyên dương"):
        services.certificates_issue(
            scope=scope, course=course, issued_on=ISSUED, enrolment_ids=[an.pk], numbers={an.pk: "4a"}
        )
    with pytest.raises(ValidationError, match="quá lớn"):
        services.certificates_issue(
            scope=scope, course=course, issued_on=ISSUED, enrolment_ids=[an.pk], numbers={an.pk: "99999999999"}
        )
    assert Certificate.objects.count() == 1
    # Automatic numbers go on after the highest typed one: never a number given twice.
    rest = services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    assert sorted(c.number for c in rest) == [42, 43]


def test_a_certificate_is_issued_once(scope, course):
    decide(scope, course)
    huong = course.enrolments.get(learner__full_name="Nguyễn Thị Hường")
    services.certificates_issue(scope=scope, course=course, issued_on=ISSUED, enrolment_ids=[huong.pk])
    with pytest.raises(ValidationError, match="đã được cấp giấy chứng nhận số 1/2026"):
        services.certificates_issue(scope=scope, course=course, issued_on=ISSUED, enrolment_ids=[huong.pk])
    assert Certificate.objects.count() == 1


def test_a_certificate_for_a_learner_who_did_not_complete_is_refused_and_nothing_written(scope, course):
    decide(scope, course)
    failed = course.enrolments.get(learner__full_name="Lê Thị Bích")
    huong = course.enrolments.get(learner__full_name="Nguyễn Thị Hường")
    with pytest.raises(ValidationError) as error:
        services.certificates_issue(scope=scope, course=course, issued_on=ISSUED, enrolment_ids=[huong.pk, failed.pk])
    assert "Lê Thị Bích chưa hoàn thành khóa học" in " ".join(error.value.messages)
    assert not Certificate.objects.exists()
    assert CertificateRegister.objects.filter(last_number__gt=0).count() == 0


def test_no_certificate_before_the_decision_or_dated_before_it(scope, course):
    with pytest.raises(ValidationError, match="chưa có quyết định"):
        services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    decide(scope, course)
    with pytest.raises(ValidationError) as error:
        services.certificates_issue(scope=scope, course=course, issued_on=SIGNED - datetime.timedelta(days=1))
    assert "trước ngày ký quyết định" in str(error.value)


def test_a_reprint_keeps_the_number_and_records_reason_and_user(scope, course, center_user):
    decide(scope, course)
    certificate = services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)[0]
    with pytest.raises(ValidationError, match="lý do"):
        services.certificate_reprint(scope=scope, certificate=certificate, reason="", user=center_user)
    reprint = services.certificate_reprint(
        scope=scope, certificate=certificate, reason="Lỗi in sai tên", user=center_user
    )
    certificate.refresh_from_db()
    assert (reprint.reason, reprint.reprinted_by, certificate.number) == ("Lỗi in sai tên", center_user, 1)
    assert CertificateReprint.objects.count() == 1
    assert Certificate.objects.count() == 3


def test_another_centers_staff_can_neither_see_nor_issue(client, scope, course, other_center_user, board_user):
    decide(scope, course)
    other = Scope.for_user(other_center_user)
    from django.http import Http404

    with pytest.raises(Http404):
        services.certificates_issue(scope=other, course=course, issued_on=ISSUED)
    client.force_login(other_center_user)
    assert client.get(reverse("reports:course_certificates", args=[course.pk])).status_code == 404
    response = client.post(reverse("reports:certificates_issue", args=[course.pk]), {"issued_on": "12/11/2026"})
    assert response.status_code == 404
    assert not Certificate.objects.exists()
    # The province's board reads, and may not issue.
    client.force_login(board_user)
    assert client.get(reverse("reports:course_certificates", args=[course.pk])).status_code == 200
    response = client.post(reverse("reports:certificates_issue", args=[course.pk]), {"issued_on": "12/11/2026"})
    assert response.status_code == 403


# -- the pages ----------------------------------------------------------------------------------------------------
def test_the_class_page_records_the_decision_and_issues(client, center_user, course, django_assert_max_num_queries):
    client.force_login(center_user)
    url = reverse("reports:course_certificates", args=[course.pk])
    detail = client.get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    assert url in detail
    response = client.post(
        reverse("reports:decision_save", args=[course.pk]),
        {"number": "12-QĐ/TTCT", "signed_on": "10/11/2026", "signer": "Trần Văn Minh"},
    )
    assert response.status_code == 302
    response = client.post(reverse("reports:certificates_issue", args=[course.pk]), {"issued_on": "01/11/2026"})
    assert response.status_code == 400
    assert "trước ngày ký quyết định" in response.content.decode()
    response = client.post(reverse("reports:certificates_issue", args=[course.pk]), {"issued_on": "12/11/2026"})
    assert response.status_code == 302
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert "1/2026" in page and "3/2026" in page and "Lê Thị Bích" in page


def test_the_class_page_costs_the_same_whatever_the_roster(client, center, center_user, scope):
    many = scored_class(center, learners=[(f"Học viên {i}", "kha", "7.0") for i in range(60)], code="DONG")
    decide(scope, many)
    services.certificates_issue(scope=scope, course=many, issued_on=ISSUED)
    client.force_login(center_user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("reports:course_certificates", args=[many.pk]))  # the session's first page reads more
    with CaptureQueriesContext(connection) as big:
        assert client.get(reverse("reports:course_certificates", args=[many.pk])).status_code == 200
    few = scored_class(center, learners=[("Một Người", "kha", "7.0")], code="NHO")
    decide(scope, few)
    services.certificates_issue(scope=scope, course=few, issued_on=ISSUED)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reports:course_certificates", args=[few.pk]))
    assert len(big) == len(small)


def test_due_and_late_lists(client, center, scope, board_user, center_user):
    today = datetime.date.today()
    late_course = scored_class(
        center, learners=[("Học viên Trễ", "kha", "7.0"), ("Học viên Hai", "kha", "7.0")], code="TRE"
    )
    decide(scope, late_course)  # signed 10/11/2026: due 25/11/2026, past by now (December 2026)
    on_time = scored_class(center, learners=[("Học viên Đúng", "gioi", "8.0")], code="DUNG")
    decide(scope, on_time, signed_on=today - datetime.timedelta(days=2))
    late_issued = scored_class(center, learners=[("Học viên Muộn", "kha", "7.0")], code="MUON")
    decide(scope, late_issued)
    services.certificates_issue(scope=scope, course=late_issued, issued_on=today)
    client.force_login(center_user)
    from .factories import CenterFactory  # noqa: F401 -- the province's other centers come from the fixtures

    unit = f"{center.parent.code}-{center.code}"
    page = client.get(reverse("reports:certificates_due", args=[unit]))
    states = {row.decision.course.code: row.state for row in page.context["rows"]}
    assert states == {"TRE": "late", "DUNG": "due", "MUON": "late_issued"}
    late = page.context["late"][0]
    assert late.missing == 2 and late.late_days == (today - datetime.date(2026, 11, 25)).days
    assert "Quá hạn" in page.content.decode()
    # The province's board reads its centers' lists.
    client.force_login(board_user)
    page = client.get(reverse("reports:certificates_due", args=[center.parent.code]))
    assert page.status_code == 200 and len(page.context["rows"]) == 3


# -- the files ----------------------------------------------------------------------------------------------------
def test_the_class_pdf_holds_each_learners_vietnamese_name_in_an_embedded_font(client, center_user, scope, course):
    decide(scope, course)
    services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    client.force_login(center_user)
    response = client.get(reverse("reports:course_certificates_pdf", args=[course.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages) == 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in ("Nguyễn Thị Hường", "Đỗ Văn An", "Phạm Quốc Việt"):
        assert name in text
    assert "GIẤY CHỨNG NHẬN" in text and "Xếp loại: Khá" in text
    assert CCCD[:6] not in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [fonts[key].get_object()["/FontDescriptor"].get_object() for key in fonts]
    assert any("/FontFile2" in d for d in descriptors)  # the TrueType font is embedded
    assert font_files()[0].endswith(".ttf")


def test_one_certificate_pdf_and_its_verification_code(client, center_user, scope, course):
    decide(scope, course)
    certificate = services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)[0]
    client.force_login(center_user)
    response = client.get(reverse("reports:certificate_pdf", args=[certificate.pk]))
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert certificate.code in text and "1/2026" in text


def test_the_register_xlsx_lists_the_certificates_in_number_order(client, center_user, scope, course, center):
    decide(scope, course)
    services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    client.force_login(center_user)
    unit = f"{center.parent.code}-{center.code}"
    response = client.get(reverse("reports:register_xlsx", args=[unit, 2026]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert [row[0] for row in rows] == [1, 2, 3]
    # Numbered in the roster's Vietnamese order (Đ after D, before N).
    assert [row[1] for row in rows] == ["Đỗ Văn An", "Nguyễn Thị Hường", "Phạm Quốc Việt"]
    assert rows[1][8] == "Khá" and rows[0][8] == "Xuất sắc" and rows[0][9] == "12-QĐ/TTCT"
    pdf = client.get(reverse("reports:register_pdf", args=[unit, 2026]))
    text = PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages[0].extract_text()
    assert "Trang 1/1" in text and "Nguyễn Thị Hường" in text
    page = client.get(reverse("reports:register", args=[unit, 2026]))
    assert page.status_code == 200 and "Phạm Quốc Việt" in page.content.decode()
    for name in ("register", "register_xlsx", "register_pdf"):  # a year no period holds
        assert client.get(reverse(f"reports:{name}", args=[unit, 99999])).status_code == 404


def test_a_large_class_pdf_runs_as_a_job(client, center_user, scope, course, settings):
    settings.CERTIFICATES_INLINE_MAX = 1
    settings.CELERY_TASK_ALWAYS_EAGER = True
    decide(scope, course)
    services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    client.force_login(center_user)
    response = client.get(reverse("reports:course_certificates_pdf", args=[course.pk]))
    assert response.status_code == 302 and "/cong-viec/" in response["Location"]
    from centers.models import Job

    job = Job.objects.get()
    assert job.state == Job.State.DONE and job.file_name.endswith(".pdf")


# -- the public verification -----------------------------------------------------------------------------------------
@pytest.fixture
def _no_lookups():
    cache.clear()
    yield
    cache.clear()


def test_the_verification_page_shows_the_certificate_without_login_and_never_the_cccd(
    client, scope, course, _no_lookups
):
    decide(scope, course)
    services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    certificate = Certificate.objects.get(full_name="Nguyễn Thị Hường")
    assert certificate.enrolment.learner.national_id == CCCD
    response = client.get(reverse("reports:verify_code", args=[certificate.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Thị Hường" in page and "Giấy chứng nhận hợp lệ" in page and course.title in page
    assert "Khá" in page and course.program.name in page
    assert CCCD[-4:] not in page and CCCD[:6] not in page and "14/03/1990" not in page
    # The form goes to the code's page (spaces and case forgiven).
    response = client.get(
        reverse("reports:verify"), {"code": certificate.code.lower()[:5] + " " + certificate.code[5:]}
    )
    assert response["Location"] == reverse("reports:verify_code", args=[certificate.code])


def test_unknown_and_malformed_codes_get_one_neutral_page(client, scope, course, _no_lookups):
    unknown = client.get(reverse("reports:verify_code", args=["ABCDEFGHJK"]))
    malformed = client.get(reverse("reports:verify_code", args=["<script>"]))
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.content == malformed.content
    assert "Không tìm thấy giấy chứng nhận" in unknown.content.decode()
    typed = client.get(reverse("reports:verify"), {"code": "../a/b?c"})
    assert typed.status_code == 302
    assert client.get(typed["Location"]).content == unknown.content


def test_lookups_are_rate_limited_per_address(client, settings, _no_lookups):
    settings.CERTIFICATE_LOOKUP_LIMIT = (3, 60)
    for _ in range(3):
        assert client.get(reverse("reports:verify_code", args=["ABCDEFGHJK"])).status_code == 404
    response = client.get(reverse("reports:verify_code", args=["ABCDEFGHJK"]))
    assert response.status_code == 429
    assert "Mỗi địa chỉ chỉ được tra cứu 3 lần trong 1 phút" in response.content.decode()
    other = client.get(reverse("reports:verify_code", args=["ABCDEFGHJK"]), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 404


def test_the_due_and_register_pages_cost_a_fixed_number_of_queries(
    client, center, scope, center_user, django_assert_max_num_queries
):
    for index in range(3):
        course = scored_class(
            center, learners=[(f"Người {index}-{i}", "kha", "7.0") for i in range(5)], code=f"Q{index}"
        )
        decide(scope, course)
        services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    client.force_login(center_user)
    unit = f"{center.parent.code}-{center.code}"
    client.get(reverse("reports:certificates_due", args=[unit]))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:certificates_due", args=[unit])).status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get(reverse("reports:register", args=[unit, 2026]))
    assert page.status_code == 200 and len(page.context["lines"]) == 15


def test_a_large_register_runs_as_a_job_and_an_a5_layout_is_a5(client, center_user, scope, course, center, settings):
    settings.CERTIFICATE_REGISTER_INLINE_MAX = 1
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CERTIFICATE_LAYOUT = {"page": "A5", "place": "Lào Cai"}
    decide(scope, course)
    certificate = services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)[0]
    client.force_login(center_user)
    unit = f"{center.parent.code}-{center.code}"
    response = client.get(reverse("reports:register_xlsx", args=[unit, 2026]))
    assert response.status_code == 302 and "/cong-viec/" in response["Location"]
    from centers.models import Job

    assert Job.objects.get().file_name == f"so-goc-{unit}-2026.xlsx"
    pdf = client.get(reverse("reports:certificate_pdf", args=[certificate.pk]))
    page = PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 420  # A5 landscape
    assert "Lào Cai, ngày 12 tháng 11 năm 2026" in page.extract_text()


def test_the_certificates_benchmark_runs_on_small_data():
    from reports.demo.benchmarks import certificates as bench

    rows = bench.run(runs=1, class_size=4, register_size=12, progress=lambda _: None)
    assert [row.operation.split(" (")[0] for row in rows] == [
        "whole-class certificates PDF",
        "a year's master register as xlsx",
        "the same register as a printable PDF with numbered pages",
    ]
    assert not Certificate.objects.exists()  # rolled back


def test_the_page_amends_with_a_reason_takes_a_typed_number_and_reprints(client, center_user, scope, course):
    decision = decide(scope, course)
    client.force_login(center_user)
    save = reverse("reports:decision_save", args=[course.pk])
    fields = {"number": "12b-QĐ/TTCT", "signed_on": "10/11/2026", "signer": "Trần Văn Minh"}
    response = client.post(save, {**fields, "version": decision.version, "reason": ""})
    assert response.status_code == 400 and "This field is required" not in response.content.decode()
    assert CompletionDecision.objects.get().number == "12-QĐ/TTCT"
    response = client.post(save, {**fields, "version": decision.version, "reason": "Sai số quyết định"})
    assert response.status_code == 302 and CompletionDecision.objects.get().number == "12b-QĐ/TTCT"
    huong = course.enrolments.get(learner__full_name="Nguyễn Thị Hường")
    issue = reverse("reports:certificates_issue", args=[course.pk])
    response = client.post(issue, {"issued_on": "12/11/2026", "chon": [huong.pk], f"so-{huong.pk}": "7"})
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.number == 7
    an = course.enrolments.get(learner__full_name="Đỗ Văn An")
    response = client.post(issue, {"issued_on": "12/11/2026", "chon": [an.pk], f"so-{an.pk}": "7"})
    assert response.status_code == 400 and "Số 7/2026 đã được dùng" in response.content.decode()
    response = client.post(reverse("reports:certificate_reprint", args=[certificate.pk]), {"reason": "Mực nhòe"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:certificate_pdf", args=[certificate.pk]
    )
    reprint = CertificateReprint.objects.get()
    assert (reprint.certificate.number, reprint.reason, reprint.reprinted_by) == (7, "Mực nhòe", center_user)
    page = client.get(reverse("reports:course_certificates", args=[course.pk])).content.decode()
    assert "in lại 1 lần" in page and "Sai số quyết định" in page


def test_a_learner_who_passed_after_the_decision_waits_for_its_amendment(scope, course):
    decide(scope, course)
    bich = course.enrolments.get(learner__full_name="Lê Thị Bích")
    bich.result, bich.retake_score = "trung_binh", Decimal("5.5")
    bich.save()
    with pytest.raises(ValidationError, match="Lê Thị Bích không có trong quyết định"):
        services.certificates_issue(scope=scope, course=course, issued_on=ISSUED, enrolment_ids=[bich.pk])
    # Issuing "everyone waiting" leaves her out until the decision is amended.
    assert len(services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)) == 3


def test_every_page_of_the_printed_register_is_numbered():
    from reports.exporters.certificates import render_register_pdf

    row = (
        1,
        "Nguyễn Thị Hường",
        datetime.date(1990, 3, 14),
        "DVM-01",
        "Lớp bồi dưỡng đảng viên mới",
        "Bồi dưỡng đảng viên mới",
        START,
        START + datetime.timedelta(days=4),
        "kha",
        "12-QĐ/TTCT",
        SIGNED,
        ISSUED,
        "ABCDEFGHJK",
        None,
    )
    target = io.BytesIO()
    render_register_pdf([(n, *row[1:]) for n in range(1, 81)], target, center_name="Trung tâm", year=2026)
    pages = PdfReader(target).pages
    assert len(pages) >= 2
    assert [f"Trang {i}/{len(pages)}" in page.extract_text() for i, page in enumerate(pages, start=1)] == [True] * len(
        pages
    )
    assert "80" in pages[-1].extract_text()


def test_the_inbox_lists_certificates_due_and_late_for_the_center_and_the_late_ones_for_its_board(
    center, scope, center_user, board_user
):
    from reports import inbox

    today = datetime.date(2026, 12, 5)
    late = scored_class(center, learners=[("Học viên Trễ", "kha", "7.0"), ("Học viên Hai", "kha", "7.0")], code="TRE")
    decide(scope, late)  # signed 10/11/2026: due 25/11/2026
    due = scored_class(center, learners=[("Học viên Đúng", "gioi", "8.0")], code="DUNG")
    decide(scope, due, number="20-QĐ/TTCT", signed_on=datetime.date(2026, 12, 1))
    done = scored_class(center, learners=[("Học viên Xong", "kha", "7.0")], code="XONG")
    decide(scope, done)
    services.certificates_issue(scope=scope, course=done, issued_on=datetime.date(2026, 11, 20))

    items = {item.title: item for item in inbox.inbox(scope, center_user, today)}
    assert items["Lớp TRE: còn 2 giấy chứng nhận chưa cấp"].tone == "danger"
    assert items["Lớp DUNG: còn 1 giấy chứng nhận chưa cấp"].tone == "warning"
    assert items["Lớp DUNG: còn 1 giấy chứng nhận chưa cấp"].detail == (
        "Quyết định 20-QĐ/TTCT; hạn cấp 16/12/2026, còn 11 ngày"
    )
    assert items["Lớp TRE: còn 2 giấy chứng nhận chưa cấp"].detail == (
        "Quyết định 12-QĐ/TTCT; quá hạn cấp 10 ngày (hạn cấp 25/11/2026)"
    )
    assert not any(title.startswith("Lớp XONG") for title in items)

    board = {item.title: item for item in inbox.inbox(Scope.for_user(board_user), board_user, today)}
    assert board["2 giấy chứng nhận quá hạn chưa cấp"].detail == center.name


def test_a_revoked_certificate_keeps_its_number_says_it_is_invalid_and_is_no_longer_counted(
    client, center_user, scope, course, _no_lookups
):
    from reports.models import QuarterAggregate

    decide(scope, course)
    services.certificates_issue(scope=scope, course=course, issued_on=ISSUED)
    certificate = Certificate.objects.get(full_name="Nguyễn Thị Hường")

    def issued():
        return sum(QuarterAggregate.objects.filter(center=course.center).values_list("certificates_issued", flat=True))

    before = issued()
    assert before == Certificate.objects.filter(enrolment__course=course).count() > 0
    client.force_login(center_user)
    url = reverse("reports:certificate_revoke", args=[certificate.pk])
    client.post(url, {"reason": "  "})
    certificate.refresh_from_db()
    assert certificate.is_valid  # no reason, nothing written
    page = client.post(url, {"reason": "Cấp nhầm người"}, follow=True).content.decode()
    assert f"Đã thu hồi giấy chứng nhận số {certificate.number_label}." in page and "Cấp nhầm người" in page
    number = certificate.number
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Cấp nhầm người" and certificate.number == number
    assert certificate.history.first().history_user == center_user
    assert issued() == before - 1
    client.logout()
    verified = client.get(reverse("reports:verify_code", args=[certificate.code])).content.decode()
    assert "Giấy chứng nhận không còn giá trị" in verified
    with pytest.raises(ValidationError, match="đã bị thu hồi"):
        services.certificate_reprint(scope=scope, certificate=certificate, reason="Lỗi in")
