"""The pieces the views are glue around: the data basis parser, the form-errors helper, the export service, the
class-list selector and the import services (the batch recorded in the import's own transaction)."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from centers.periods import Period
from centers.scoping import Scope
from courses import selectors as course_selectors
from courses.forms import apply_errors
from reports import services as report_services
from reports.forms import parse_basis
from reports.models import ExportLog
from reports.selectors import Basis

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
