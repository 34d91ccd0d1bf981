"""The admin site: for superusers only.

A security review found that a center's staff account a superuser had marked `is_staff` with model permissions
could move its own Staff record to the central unit (and then read every province, whole CCCDs included) and hand a
learner to another province through the admin's change form, around the board's transfer rules. The admin's
ModelForms also skip what the services do: the optimistic `version` check, the approved-quarter lock, the scope
and the history. So the decision is that `/admin/` is a superuser's tool for reference data (units, staff
assignments, users, programs) and nobody else's, whatever `is_staff` and permissions say: every other user gets
the admin's login page on every admin URL, GET or POST. Records that users enter in the app are read-only there
even for a superuser (centers.admin.EnteredInTheAppAdmin).

This site replaces Django's default one (config.apps.AdminConfig.default_site), so the `@admin.register`
registrations of centers/, courses/ and reports/ land on it unchanged.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form lets in superusers only (Django's lets in any `is_staff` account): a staff account
    that signs in here would only be sent back to this page, so it is told why instead."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "not_superuser": _(
            "Trang quản trị chỉ dành cho tài khoản quản trị hệ thống. Cán bộ trung tâm, Ban Tuyên giáo tỉnh và "
            "Trung ương đăng nhập tại trang đăng nhập chung để nhập và duyệt số liệu."
        ),
    }

    def confirm_login_allowed(self, user):
        # AuthenticationForm's check (an inactive account is refused), not AdminAuthenticationForm's `is_staff` one.
        AuthenticationForm.confirm_login_allowed(self, user)
        if not user.is_superuser:
            raise ValidationError(self.error_messages["not_superuser"], code="not_superuser")


class SuperuserAdminSite(admin.AdminSite):
    site_header = _("Quản trị hệ thống báo cáo giáo dục lý luận chính trị")
    site_title = _("Quản trị báo cáo LLCT")
    index_title = _("Danh mục dữ liệu")
    login_form = SuperuserAuthenticationForm

    def has_permission(self, request):
        # Every admin view but login and logout is wrapped by admin_view(), which asks this first: a user it refuses
        # is redirected to the admin's login page before any list, form or save is reached.
        return request.user.is_active and request.user.is_superuser
