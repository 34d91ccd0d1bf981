"""The pieces the views are glue around: the data basis parser, the form-errors helper, the export service, the
class-list selector and the import services (the batch recorded in the import's own transaction)."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError
from django.http import Http404

from centers.periods import Period
from centers.scoping import Scope
from courses import selectors as course_selectors
from courses.forms import apply_errors
from courses.models import Course, Enrolment, ImportBatch, Learner
from reports import services as report_services
from reports.figures.basis import Basis
from reports.forms import parse_basis
from reports.models import ExportLog

from .factories import CourseFactory, EnrolmentFactory, program

pytestmark = pytest.mark.django_db


# -- the data basis -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [None, "", "bogus", "APPROVED", ["approved"]])
def test_a_missing_or_unknown_basis_is_the_units_default(value, center, province):
    assert parse_basis(value, center) == Basis.ALL
    assert parse_basis(value, province) == Basis.APPROVED


@pytest.mark.parametrize("value", Basis.values)
def test_a_known_basis_is_kept(value, center, province):
    assert parse_basis(value, center) == parse_basis(value, province) == value


# -- ValidationError → form errors ------------------------------------------------------------------------------
class NameForm(forms.Form):
    name = forms.CharField(required=False)


def test_field_errors_go_to_their_fields_and_the_rest_above_the_form():
    form = NameForm({"name": "x"})
    form.is_valid()
    apply_errors(form, ValidationError({"name": "Tên sai.", "other": "Trường khác.", "__all__": "Chung."}))
    assert form.errors["name"] == ["Tên sai."]
    assert form.non_field_errors() == ["Trường khác.", "Chung."]


def test_a_plain_refusal_goes_above_the_form():
    form = NameForm({"name": "x"})
    form.is_valid()
    apply_errors(form, ValidationError(["Một.", "Hai."]))
    assert form.non_field_errors() == ["Một.", "Hai."]
    assert "name" not in form.errors


# -- the export service ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt,basis,roster,name",
    [
        ("xlsx", None, False, "bao-cao-10-2023-Q1.xlsx"),
        ("xlsx", Basis.ALL, True, "bao-cao-10-2023-Q1-tat-ca-danh-sach.xlsx"),
        ("docx", Basis.SUBMITTED, True, "bao-cao-10-2023-Q1-da-gui.docx"),  # no roster in a Word file
    ],
)
def test_the_export_service_returns_the_file_and_logs_it(board_user, province, fmt, basis, roster, name):
    export = report_services.report_export(
        scope=Scope.for_user(board_user),
        unit=province,
        period=Period.parse("2023-Q1"),
        fmt=fmt,
        basis=basis,
        roster=roster,
        user=board_user,
    )
    with export.file:
        assert export.file.read(2) == b"PK"  # a zip: both formats are OOXML
    assert export.filename == name
    assert export.content_type.startswith("application/vnd.openxmlformats-officedocument.")
    log = ExportLog.objects.get()
    assert (log.user, log.unit, log.period_key, log.format, log.roster) == (
        board_user,
        province,
        "2023-Q1",
        fmt,
        roster and fmt == "xlsx",
    )


def test_the_export_service_refuses_a_unit_outside_the_scope(center_user, province, far_center):
    with pytest.raises(Http404):
        report_services.report_export(
            scope=Scope.for_user(center_user), unit=far_center, period=Period.parse("2023"), fmt="xlsx"
        )
    assert not ExportLog.objects.exists()


# -- the class list ------------------------------------------------------------------------------------------------
def test_the_class_list_selector_filters_within_the_scope(board_user, center, other_center, far_center):
    a = CourseFactory(
        center=center, code="A", title="Lớp A", program=program("KND"), start_date=datetime.date(2023, 2, 1)
    )
    b = CourseFactory(center=other_center, code="B", title="Lớp B", start_date=datetime.date(2023, 5, 1))
    CourseFactory(center=far_center, code="C", title="Lớp C", start_date=datetime.date(2023, 5, 1))
    scope = Scope.for_user(board_user)

    def codes(**filters):
        return [c.code for c in course_selectors.course_list(scope, filters)]

    assert codes() == ["B", "A"]  # newest first, the other province's class never
    assert codes(trung_tam=center) == ["A"]
    assert codes(ky=Period.parse("2023-Q2")) == ["B"]
    assert codes(q="a", chuong_trinh=program("KND")) == ["A"]
    assert codes(q="") == ["B", "A"]

    EnrolmentFactory(course=a)
    removed = EnrolmentFactory(course=a)
    removed.removed_at = datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC)
    removed.save()
    courses = list(course_selectors.course_list(scope, {}))
    course_selectors.with_enrolment_counts(courses)
    assert {c.code: c.n_enrolments for c in courses} == {"A": 1, "B": 0}
    assert b.pk in {c.pk for c in courses}


# -- the import: upload, then confirm in one transaction ------------------------------------------------------------
def upload_and_preview(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from .test_import import good_workbook

    file = SimpleUploadedFile("lop.xlsx", good_workbook(), content_type="application/xlsx")
    response = client.post(reverse("courses:import_workbook"), {"file": file})
    assert response.status_code == 200
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PENDING and batch.uploaded_by is not None
    return batch


def confirm(client, batch):
    from django.urls import reverse

    return client.post(reverse("courses:import_workbook"), {"confirm": "1", "batch": str(batch.pk)})


def test_an_upload_is_previewed_then_confirmed_and_its_batch_applied(login, center_user, center):
    client = login(center_user)
    batch = upload_and_preview(client)
    assert not Course.objects.exists()  # the preview writes the batch only

    response = confirm(client, batch)

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and batch.applied_at is not None
    assert batch.summary["new_classes"] == Course.objects.count() == 2
    assert confirm(client, batch).status_code == 404  # applied once: the form sent again finds no pending batch


def test_a_batch_that_cannot_be_marked_applied_leaves_nothing_written(login, center_user, center, monkeypatch):
    """The batch is marked applied in the transaction of the write: never classes written and the batch pending
    (to be confirmed again), as when the view wrote the batch after the import had committed."""
    client = login(center_user)
    batch = upload_and_preview(client)
    original = ImportBatch.save

    def failing_save(self, *args, **kwargs):
        if self.status == ImportBatch.Status.APPLIED:
            raise DatabaseError("the disk is full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ImportBatch, "save", failing_save)
    client.raise_request_exception = False

    assert confirm(client, batch).status_code == 500

    assert (Course.objects.count(), Learner.objects.count(), Enrolment.objects.count()) == (0, 0, 0)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING and batch.applied_at is None


def test_an_import_failing_at_write_time_writes_nothing_and_leaves_its_batch_pending(center_user, center, monkeypatch):
    from courses import services as course_services

    from .test_import import good_workbook

    scope = Scope.for_user(center_user)
    plan, batch = course_services.import_upload(
        scope=scope, center=center, content=good_workbook(), filename="lop.xlsx", user=center_user
    )
    assert plan.ok
    real_bulk_create = course_services.bulk_create_with_history

    def bulk_create(objs, model, *args, **kwargs):
        if model is Enrolment:  # after the classes and learners were inserted
            raise IntegrityError("a concurrent insert")
        return real_bulk_create(objs, model, *args, **kwargs)

    monkeypatch.setattr(course_services, "bulk_create_with_history", bulk_create)
    with pytest.raises(IntegrityError):
        course_services.import_confirm(scope=scope, batch=batch, user=center_user)

    assert (Course.objects.count(), Learner.objects.count(), Enrolment.objects.count()) == (0, 0, 0)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING
    assert ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED).count() == 0


def test_a_batch_is_applied_once(center_user, center):
    from courses import services as course_services

    from .test_import import good_workbook

    scope = Scope.for_user(center_user)
    _plan, batch = course_services.import_upload(
        scope=scope, center=center, content=good_workbook(), filename="lop.xlsx", user=center_user
    )
    course_services.import_confirm(scope=scope, batch=batch, user=center_user)
    with pytest.raises(ValidationError, match="đã được xử lý"):
        course_services.import_confirm(scope=scope, batch=batch, user=center_user)


def test_a_rejected_upload_keeps_its_summary_not_its_content(center_user, center):
    from courses import services as course_services

    plan, batch = course_services.import_upload(
        scope=Scope.for_user(center_user), center=center, content=b"not a workbook", filename="x.xlsx", user=center_user
    )
    assert not plan.ok
    assert batch.status == ImportBatch.Status.REJECTED and bytes(batch.content) == b""
    assert batch.summary["errors"] == len(plan.errors) >= 1
    assert not Course.objects.exists()
