"""Forms only parse and validate shape; the services in courses/services.py decide and write."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from centers.models import Unit
from centers.periods import Period, PeriodError

from .models import Course, Enrolment, Learner, Lecturer, Program
from .rules import scored_since
from .text import normalise_cccd
from .validators import (
    MAX_CLASS_SIZE,
    VERSION_MISSING,
    validate_birth_date,
    validate_cccd,
    validate_class_date,
    validate_class_size,
    validate_class_title,
    validate_person_name,
)

# dd/mm/yyyy text, the same in every browser (a type="date" input follows the browser's locale instead).
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


def share_validators(form: forms.BaseForm, **validators) -> None:
    """Give form fields the validators their model fields carry (courses/validators.py): these forms leave the
    model's full_clean to the services, and the user should see a bound refused next to the field, before the
    service (the backstop) is reached."""
    for name, field_validators in validators.items():
        form.fields[name].validators.extend(field_validators)


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: field errors on their fields, the rest above the form.

    The one mapping from a refusal to form errors, for every app's views (reports' views use it too)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class VersionField(forms.IntegerField):
    """The version of the record the user opened, sent back with the form: the service refuses a save based on an
    older one. Missing or malformed is refused too (a form without it would overwrite whatever was saved since)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        messages = dict.fromkeys(("required", "invalid", "min_value", "max_value"), VERSION_MISSING)
        super().__init__(min_value=0, max_value=2**31 - 1, error_messages=messages, **kwargs)


class VersionErrorsOnTop:
    """A form mixin: the version field is hidden, so its error is shown above the form rather than beside nothing."""

    def add_error(self, field, error):
        super().add_error(None if field == "version" else field, error)


class CCCDField(forms.CharField):
    """A CCCD as the user typed it, normalised (courses.text.normalise_cccd) before it is validated."""

    def __init__(self, **kwargs):
        # No length limit on the raw text: "0201 2345 6789" is a CCCD once its spaces go (validate_cccd checks).
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.validators.append(validate_cccd)

    def to_python(self, value):
        return normalise_cccd(super().to_python(value)) or self.empty_value


class LecturerChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # Ids beyond a database integer would overflow the lookup: they are simply not valid choices.
        for pk in value:
            if not str(pk).isdigit() or len(str(pk)) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)

    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.get_kind_display().lower()})"


class ProgramSelect(forms.Select):
    """The programs with the days each is in force on its <option> (data-from, data-to: yyyy-mm-dd), grouped by
    version, so that static/js/course_form.js offers only those in force on the start date typed (the service
    refuses the others: Course.clean)."""

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programs = {p.pk: p for p in programs}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        program = self.programs.get(getattr(value, "value", value))
        if program is not None:
            option["attrs"]["data-from"] = program.valid_from.isoformat()
            if program.valid_to:
                option["attrs"]["data-to"] = program.valid_to.isoformat()
        return option


def program_choices(programs, empty_label) -> list:
    """The programs grouped by the days they are in force (the newest version first), as <optgroup>s."""
    groups: dict[tuple, list] = {}
    for program in programs:
        groups.setdefault((program.valid_from, program.valid_to), []).append((program.pk, str(program)))
    choices = [("", empty_label)]
    for (start, end), items in sorted(groups.items(), key=lambda item: item[0][0], reverse=True):
        if end is None:
            label = _("Chương trình áp dụng từ %(d)s") % {"d": start.strftime("%d/%m/%Y")}
        else:
            label = _("Chương trình %(a)s – %(b)s") % {"a": start.strftime("%d/%m/%Y"), "b": end.strftime("%d/%m/%Y")}
        choices.append((label, items))
    return choices


class CourseForm(VersionErrorsOnTop, forms.ModelForm):
    version = VersionField(required=False)  # required when editing (below); a new class has none

    class Meta:
        model = Course
        fields = [
            "program",
            "code",
            "title",
            "start_date",
            "end_date",
            "format",
            "co_organised",
            "location",
            "planned_size",
            "status",
            "lecturers",
            "periods",
            "homeroom",
            "academic_officer",
        ]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}
        field_classes = {"lecturers": LecturerChoiceField}

    def __init__(self, *args, center: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.center = center
        self.instance.center = center
        programs = list(Program.objects.order_by("order", "code"))
        self.fields["program"].queryset = Program.objects.order_by("order", "code")
        self.fields["program"].widget = ProgramSelect(
            choices=program_choices(programs, self.fields["program"].empty_label), programs=programs
        )
        self.fields["program"].widget.attrs["data-programs"] = ""
        self.fields["start_date"].widget.attrs["data-start"] = ""
        lecturers = Lecturer.objects.filter(center=center)
        if self.instance.pk:
            # a retired lecturer stays selectable on the classes they taught
            lecturers = lecturers.filter(Q(retired_on__isnull=True) | Q(courses=self.instance)).distinct()
        else:
            lecturers = lecturers.filter(retired_on__isnull=True)
        self.fields["lecturers"].queryset = lecturers.order_by("kind", "sort_key")
        self.fields["lecturers"].widget = forms.CheckboxSelectMultiple(choices=self.fields["lecturers"].choices)
        # The homeroom lecturer is one of the class's lecturers (the service says so when not); the giáo vụ is a
        # name. With the periods, they belong to classes under the scored rules (courses/rules.py).
        self.fields["homeroom"].queryset = lecturers.order_by("kind", "sort_key")
        self.fields["homeroom"].label_from_instance = lambda obj: obj.full_name
        since = scored_since()
        scored_note = _("Lớp bắt đầu từ %(d)s (quy chế mới).") % {"d": since.strftime("%d/%m/%Y")} if since else ""
        # Not required when the class is planned: the attendance is (the results form refuses it without them).
        self.fields["periods"].help_text = scored_note + " " + _("Cần có trước khi ghi số tiết tham dự.")
        self.fields["periods"].widget.attrs.update({"min": 1, "inputmode": "numeric"})
        self.fields["homeroom"].help_text = _("Một trong các giảng viên của lớp.")
        if since:
            for name in ("periods", "homeroom", "academic_officer"):
                self.fields[name].widget.attrs["data-scored-since"] = since.isoformat()
        self.fields["status"].choices = [c for c in Course.Status.choices if c[0] != Course.Status.CANCELLED]
        self.fields["planned_size"].widget.attrs.update({"min": 0, "max": MAX_CLASS_SIZE})
        # Plainer than the general "lớn hơn hoặc bằng 0" (locale/vi corrects Django's own for every field).
        self.fields["planned_size"].error_messages["min_value"] = _("Số học viên dự kiến không được là số âm.")
        share_validators(
            self,
            title=[validate_class_title],
            start_date=[validate_class_date],
            end_date=[validate_class_date],
            planned_size=[validate_class_size],
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-3"), Column("title", css_class="col-md-9")),
            Row(
                Column("program", css_class="col-md-6"),
                Column("format", css_class="col-md-3"),
                Column("status", css_class="col-md-3"),
            ),
            Row(
                Column("start_date", css_class="col-md-3"),
                Column("end_date", css_class="col-md-3"),
                Column("planned_size", css_class="col-md-3"),
                Column("co_organised", css_class="col-md-3 pt-md-4"),
            ),
            "location",
            "lecturers",
            Row(
                Column("periods", css_class="col-md-3"),
                Column("homeroom", css_class="col-md-5"),
                Column("academic_officer", css_class="col-md-4"),
                css_class="scored-fields",
            ),
            "version",
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Course.objects.filter(center=self.center, code__iexact=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Trung tâm đã có lớp mã “%(code)s”.") % {"code": code})
        return code

    def _post_clean(self):
        # Model validation (end before start, program in force) runs in the service; keep field errors here.
        pass

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("lecturers", "version")}
        return data


class CancelCourseForm(VersionErrorsOnTop, forms.Form):
    reason = forms.CharField(label=_("Lý do hủy lớp"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    version = VersionField()


class LearnerTransferForm(VersionErrorsOnTop, forms.Form):
    """The board hands a learner's record to another center: the centers grouped by province, the province's own
    first."""

    # Both may come empty: the service says what is missing (services.learner_transfer), in one place.
    to_center = forms.IntegerField(
        label=_("Chuyển về trung tâm"), required=False, min_value=1, max_value=2**62, widget=forms.Select
    )
    reason = forms.CharField(  # no maxlength: a browser would cut a pasted reason silently; the service says so
        label=_("Lý do chuyển"),
        required=False,
        help_text=_(
            "Tối đa 100 ký tự, ghi vào lịch sử của học viên, ví dụ “Chuyển công tác về huyện Bảo Thắng từ 01/10/2024”."
        ),
    )
    other_province_confirmed = forms.BooleanField(
        label=_("Xác nhận chuyển sang trung tâm của tỉnh khác (chỉ khi chọn trung tâm ngoài tỉnh)"), required=False
    )
    version = VersionField()

    def __init__(self, *args, targets, own_province, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[Unit, list] = {}
        for center in targets:
            groups.setdefault(center.parent, []).append((center.pk, center.name))
        ordered = sorted(groups.items(), key=lambda item: (item[0] != own_province, item[0].code))
        self.fields["to_center"].widget.choices = [("", _("— chọn trung tâm —"))] + [
            (province.area_name, centers) for province, centers in ordered
        ]


def _flat_attrs(attrs: dict) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them (False left out, True bare)."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """A select drawn in Python exactly as Django's select.html and select_option.html draw it: the class list's
    filters (periods, programs, centers) cost one template include an option otherwise, on every visit. Named as
    Django's: crispy gives a field its widget's class name as a CSS class ("select")."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_flat_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_flat_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo mã, tên lớp"), required=False, max_length=100)
    trung_tam = forms.ModelChoiceField(
        label=_("Trung tâm"), queryset=Unit.objects.none(), required=False, widget=Select
    )
    chuong_trinh = forms.ModelChoiceField(
        label=_("Chương trình"), queryset=Program.objects.all(), required=False, widget=Select
    )
    ky = forms.CharField(label=_("Kỳ (quý hoặc năm)"), required=False, max_length=10)
    trang_thai = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Tất cả"))] + list(Course.Status.choices),
        required=False,
        widget=Select,
    )
    hinh_thuc = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[("", _("Tất cả"))] + list(Course.Format.choices),
        required=False,
        widget=Select,
    )
    sap_xep = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args, centers, period_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trung_tam"].queryset = centers
        self.fields["ky"].widget = Select(choices=[("", _("Tất cả"))] + period_choices)
        self.fields["chuong_trinh"].empty_label = _("Tất cả")
        self.fields["trung_tam"].empty_label = _("Tất cả")

    def clean_ky(self):
        key = self.cleaned_data["ky"]
        if not key:
            return None
        try:
            return Period.parse(key)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error


class LearnerForm(forms.ModelForm):
    allow_same_name = forms.BooleanField(
        label=_("Đây là người khác (trùng họ tên và ngày sinh với học viên đã có)"), required=False
    )

    class Meta:
        model = Learner
        fields = [
            "full_name",
            "date_of_birth",
            "gender",
            "ethnicity",
            "party_status",
            "group",
            "workplace",
            "national_id",
        ]
        widgets = {"date_of_birth": DATE_WIDGET}
        field_classes = {"national_id": CCCDField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No "pattern": a browser would refuse "0201 2345 6789" or full-width digits, which are fine once normalised.
        self.fields["national_id"].widget.attrs.update({"inputmode": "numeric"})
        share_validators(self, full_name=[validate_person_name], date_of_birth=[validate_birth_date])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("full_name", css_class="col-md-5"),
                Column("date_of_birth", css_class="col-md-3"),
                Column("gender", css_class="col-md-2"),
                Column("ethnicity", css_class="col-md-2"),
            ),
            Row(
                Column("group", css_class="col-md-4"),
                Column("party_status", css_class="col-md-4"),
                Column("national_id", css_class="col-md-4"),
            ),
            "workplace",
            "allow_same_name",
        )

    def _post_clean(self):
        pass  # validated in the service (courses.services.learner_create)

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "allow_same_name"}


class LearnerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm học viên của trung tâm (họ tên, ngày sinh dd/mm/yyyy hoặc số CCCD)"),
        max_length=100,
        required=False,
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["q"].label = label


class ResultForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    version = VersionField()  # each row's: a result changed by someone else since is not overwritten
    # Text drawn as a select, not a ChoiceField: a value not in the list reaches the service, which names the
    # learner whose cell it is (a ChoiceField refuses the whole table without saying whose).
    result = forms.CharField(
        label=_("Kết quả"),
        widget=forms.Select(choices=[("", _("Chưa có"))] + list(Enrolment.Result.choices)),
        max_length=100,
        required=False,
    )
    certificate_no = forms.CharField(label=_("Số giấy chứng nhận"), max_length=50, required=False)
    # A class under the scored rules: the marks as typed (text: "7,5" and a mistyped "7,55" reach the service,
    # which names the learner and says what is wrong), "bỏ học", and the learner's place in the ban cán sự.
    periods_attended = forms.CharField(label=_("Số tiết tham dự"), max_length=20, required=False)
    score = forms.CharField(label=_("Điểm bài thu hoạch"), max_length=20, required=False)
    retake_score = forms.CharField(label=_("Điểm thi lại"), max_length=20, required=False)
    dropped = forms.BooleanField(label=_("Bỏ học"), required=False)
    class_role = forms.CharField(label=_("Ban cán sự"), max_length=16, required=False)


ResultFormSet = forms.formset_factory(ResultForm, extra=0, max_num=5000, validate_max=True)


class _SharedFields(dict):
    """A form's fields that every instance shares instead of deep-copying (Form.__init__ deep-copies base_fields)."""

    def __deepcopy__(self, memo):
        return _SharedFields(self)


class PostedResultForm(ResultForm):
    """ResultForm to read a posted results table: the rows share one set of fields (reading and validating a value
    never changes a field), where a form a row deep-copied nine fields and the result select's choices, 200 times
    a save. The same fields, so the same cleaned values and errors; never drawn (the page draws its own rows)."""

    def has_changed(self):
        # The formset asks every row, but only a row past the initial ones (empty_permitted: skipped when left
        # empty) needs the answer; comparing nine fields of 200 saved rows to nothing was a fifth of the reading.
        return super().has_changed() if self.empty_permitted else True


PostedResultForm.base_fields = _SharedFields(PostedResultForm.base_fields)
PostedResultFormSet = forms.formset_factory(PostedResultForm, extra=0, max_num=5000, validate_max=True)


class LecturerForm(forms.ModelForm):
    class Meta:
        model = Lecturer
        fields = ["full_name", "kind", "qualification", "position", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        share_validators(self, full_name=[validate_person_name])
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page sets the buttons side by side, as on the class form

    def _post_clean(self):
        pass  # validated in the service


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) theo mẫu"))

    def clean_file(self):
        from .workbook import MAX_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(mb)s MB; hãy chia thành nhiều tệp nhỏ hơn.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload
