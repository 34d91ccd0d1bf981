from django import forms
from django.utils.translation import gettext_lazy as _

from centers.lineage import Boundaries
from centers.periods import Period
from courses.forms import DATE_WIDGET, VersionErrorsOnTop, VersionField

from . import selectors
from .figures.basis import Basis, default_basis
from .models import CenterReport, deadline_problem

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def parse_basis(value, unit) -> str:
    """The data basis a `?so_lieu=` value asks for (a value of `Basis`); missing or unknown: the unit's default.

    The one reading of the parameter, for the dashboard, the briefing and the exports alike."""
    return value if value in Basis.values else default_basis(unit)


def parse_boundaries(value, period: Period) -> Boundaries:
    """The boundaries a `?ranh-gioi=hien-nay|khi-do` value asks for; missing or unknown: the period's default
    (centers/lineage.py). The one reading of the parameter, for the dashboard, the briefing and the exports."""
    return Boundaries.parse(value, period.end)


BOUNDARIES_PARAM = "ranh-gioi"


PLAN_ERRORS = {
    "invalid": _("Nhập số lớp là một số nguyên, ví dụ 3."),
    "min_value": _("Số lớp dự kiến không được âm."),
    "max_value": _("Số lớp dự kiến tối đa là 10.000."),
}


class NarrativeForm(VersionErrorsOnTop, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = CenterReport
        fields = ["achievements", "shortcomings", "causes", "proposals", "next_tasks"]
        widgets = {name: TEXTAREA for name in fields}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.programs = list(selectors.plannable_programs(self.instance))
        plan = plan or {}
        for program in self.programs:
            self.fields[f"plan_{program.pk}"] = forms.IntegerField(
                label=program.name,
                min_value=0,
                max_value=10_000,
                required=False,
                initial=plan.get(program.pk, 0),
                error_messages=PLAN_ERRORS,
            )
        for name in self.Meta.fields:
            self.fields[name].max_length = 20_000

    def _post_clean(self):
        pass  # validated in reports.services.report_save

    def plan_fields(self):
        return [self[f"plan_{p.pk}"] for p in self.programs]

    def narrative(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def plan(self) -> dict[int, int]:
        return {p.pk: self.cleaned_data.get(f"plan_{p.pk}") or 0 for p in self.programs}


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở khóa"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DeadlineForm(forms.Form):
    due_on = forms.DateField(
        label=_("Hạn nộp báo cáo"),
        widget=DATE_WIDGET,
        error_messages={
            "invalid": _("Hạn nộp không hợp lệ; ghi theo dạng dd/mm/yyyy."),
            "required": _("Hạn nộp không hợp lệ; ghi theo dạng dd/mm/yyyy."),
        },
    )

    def __init__(self, *args, period: Period | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        problem = deadline_problem(self.period, due_on) if self.period else None
        if problem:
            raise forms.ValidationError(problem)
        return due_on


class BriefingForm(forms.Form):
    text = forms.CharField(label=_("Đoạn tổng hợp"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20_000)
