from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo và tổng hợp")

    def ready(self):
        from centers import jobs
        from courses.locking import register_lock_reason, register_notice

        from . import services, signals  # noqa: F401 -- signals connects the aggregate refreshes (bulk writes included)
        from .exporters.base import day_month_year_dates
        from .locking import quarter_lock_reason, submitted_notice

        register_lock_reason(quarter_lock_reason)  # an approved quarter locks the center's classes of the quarter
        register_notice(submitted_notice)  # a submitted one warns before a save: the board sees the change

        day_month_year_dates()
        jobs.register("export", services.export_job)  # roster and national exports run in the background
