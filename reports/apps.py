from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo và tổng hợp")

    def ready(self):
        from centers import jobs
        from centers.reorganisation import impact
        from courses.locking import register_lock_reason, register_notice

        from . import certificates, services, signals  # noqa: F401 -- signals connects the aggregate refreshes (bulk writes included)
        from .exporters.base import day_month_year_dates
        from .locking import quarter_lock_reason, submitted_notice
        from .selectors import reorganisation_open_work

        register_lock_reason(quarter_lock_reason)  # an approved quarter locks the center's classes of the quarter
        register_notice(submitted_notice)  # a submitted one warns before a save: the board sees the change

        impact.register(reorganisation_open_work)  # a plan's preview lists the closing centers' open reports

        day_month_year_dates()
        jobs.register("export", services.export_job)  # roster and national exports run in the background
        jobs.register(certificates.JOB_KIND, certificates.certificates_job)  # large certificate PDFs, registers
