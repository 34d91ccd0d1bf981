from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("Đơn vị và cán bộ")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import jobs
        from .accounts import record_sign_in
        from .reorganisation.applying import apply_job
        from .two_factor import on_login

        user_logged_in.connect(record_sign_in, dispatch_uid="centers.record_sign_in")
        user_logged_in.connect(on_login, dispatch_uid="centers.two_factor_on_login")
        jobs.register("reorganise", apply_job)  # a plan's apply runs in the background (its page, then the result)
