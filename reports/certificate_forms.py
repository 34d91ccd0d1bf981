"""The forms of the completion decision, the certificates and the public verification (glue: the rules are in
courses.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.forms import VersionField


def _date_widget():
    return forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "class": "form-control form-control-sm"},
    )


SMALL = {"class": "form-control form-control-sm"}
DATE_ERRORS = {
    "invalid": _("Ngày không hợp lệ; ghi theo dạng dd/mm/yyyy."),
    "required": _("Nhập ngày theo dạng dd/mm/yyyy."),
}


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=50, widget=forms.TextInput(attrs=SMALL))
    signed_on = forms.DateField(label=_("Ngày ký"), widget=_date_widget(), error_messages=DATE_ERRORS)
    signer = forms.CharField(label=_("Người ký"), max_length=150, widget=forms.TextInput(attrs=SMALL))


class DecisionAmendForm(DecisionForm):
    reason = forms.CharField(label=_("Lý do sửa"), widget=forms.Textarea(attrs={"rows": 2, **SMALL}), max_length=2000)
    version = VersionField()


class IssueForm(forms.Form):
    issued_on = forms.DateField(label=_("Ngày cấp"), widget=_date_widget(), error_messages=DATE_ERRORS)


class ReprintForm(forms.Form):
    reason = forms.CharField(label=_("Lý do in lại (lỗi in)"), max_length=2000)


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác minh in dưới mã QR"),
        max_length=64,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
