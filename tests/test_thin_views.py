"""The pieces the views are glue around: the data basis parser, the form-errors helper, the export service, the
class-list selector and the import services (the batch recorded in the import's own transaction)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from centers.periods import Period
from centers.scoping import Scope
from courses.forms import apply_errors
from reports import services as report_services
from reports.forms import parse_basis
from reports.models import ExportLog
from reports.selectors import Basis

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
