"""Forms of the central catalogue pages: they parse; courses/catalogue_services.py decides and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE_WIDGET
from .history import REASON_LENGTH
from .models import Program, ProgramMapping

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class ProgramForm(forms.ModelForm):
    """A program: its code only when it is added (a new code, or a new version of an existing one)."""

    class Meta:
        model = Program
        fields = ["code", "name", "briefing_phrase", "group", "order", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}
        help_texts = {
            "code": _(
                "Ví dụ N1. Cùng mã với một chương trình đang áp dụng: phiên bản mới, phiên bản cũ kết thúc "
                "ngày hôm trước."
            ),
            "valid_to": _("Để trống nếu chưa có ngày kết thúc."),
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("valid_from", "valid_to"):
            self.fields[name].input_formats = DATE_FORMATS
        if editing:
            del self.fields["code"]

    def validate_unique(self):
        """Left to the service, which says it in the catalogue's words."""

    def _post_clean(self):
        # The service runs the model's validation (and the class checks) on the saved record; the form only parses.
        pass


class CloseProgramForm(forms.Form):
    valid_to = forms.DateField(label=_("Áp dụng đến hết ngày"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)


class MappingForm(forms.Form):
    earlier = forms.ModelChoiceField(
        label=_("Chương trình trước"), queryset=Program.objects.order_by("valid_from", "order", "code")
    )
    later = forms.ModelChoiceField(
        label=_("Chương trình sau"), queryset=Program.objects.order_by("-valid_from", "order", "code")
    )
    note = forms.CharField(
        label=_("Ghi chú"), max_length=ProgramMapping._meta.get_field("note").max_length, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label = lambda p: f"{p.code} – {p.name} (từ {p.valid_from:%d/%m/%Y})"  # noqa: E731
        self.fields["earlier"].label_from_instance = label
        self.fields["later"].label_from_instance = label


class RetireMappingForm(forms.Form):
    reason = forms.CharField(label=_("Lý do bỏ"), max_length=REASON_LENGTH)
