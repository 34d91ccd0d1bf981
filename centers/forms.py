"""Forms of the account pages: they read and shape the input; the checks that need the database and the scope
(duplicates, units, roles) are centers/accounts.py's."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import wording
from .models import Staff, Unit
from .people import person_name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    last_name = forms.CharField(label=_("Họ và tên đệm"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.none(),
        empty_label=_("— chọn đơn vị —"),
        error_messages={"invalid_choice": _("Đơn vị này không thuộc phạm vi quản lý tài khoản của đồng chí.")},
    )
    manages_accounts = forms.BooleanField(
        label=format_lazy(_("Giao quản lý tài khoản (chỉ cán bộ {board})"), board=wording.provincial_board_today()),
        required=False,
    )
    delivery = forms.ChoiceField(
        label=_("Cách trao mật khẩu"),
        choices=[
            ("link", _("Gửi thư có liên kết đặt mật khẩu (dùng một lần, trong 72 giờ)")),
            ("temporary", _("In mật khẩu tạm thời (phải đổi ở lần đăng nhập đầu)")),
        ],
        initial="link",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, scope, staff: Staff | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.manageable_units().order_by("kind", "code")
        if staff is not None:  # editing: the username and the way to hand over a password are not changed here
            del self.fields["username"], self.fields["delivery"]
            self.fields["unit"].queryset = self.fields["unit"].queryset | Unit.objects.filter(pk=staff.unit_id)


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm (tên, tên đăng nhập, thư điện tử)"), required=False)
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False, empty_label=_("Tất cả"))
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("active", _("Đang hoạt động")),
            ("inactive", _("Đã khóa")),
            ("locked", _("Bị tạm khóa đăng nhập")),
        ],
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.account_units().order_by("kind", "code")
        self.fields["unit"].widget.attrs["class"] = self.fields["state"].widget.attrs["class"] = "form-select"


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's change form; a new password that is the current one again is refused."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password2")
        if new and not self.errors and self.user.check_password(new):
            self.add_error("new_password2", _("Mật khẩu mới phải khác mật khẩu đang dùng."))
        return cleaned


class UnitPasswordResetForm(PasswordResetForm):
    """Django's reset form; the mail (plain text and HTML) names the person's unit. As Django's, it answers the same
    whether or not the address belongs to an account, and sends nothing to inactive accounts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Thư điện tử")  # Django's Vietnamese says "Email"

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        user = context["user"]
        staff = Staff.objects.select_related("unit").filter(user=user).first()
        context = {**context, "unit": staff.unit if staff else None, "name": person_name(user)}
        super().send_mail(
            subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
        )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) theo mẫu"))


class PlanUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp phương án (.xlsx) theo mẫu"))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gợi nhớ"), max_length=100, help_text=_("Ví dụ “Hệ thống tổng hợp của Ban”: để biết mã dùng ở đâu.")
    )
    days = forms.TypedChoiceField(
        label=_("Thời hạn"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[(30, _("30 ngày")), (90, _("90 ngày")), (365, _("1 năm")), ("", _("Không hết hạn"))],
        initial=90,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] = "form-control"
        self.fields["days"].widget.attrs["class"] = "form-select"
