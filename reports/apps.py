from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo và tổng hợp")

    def ready(self):
        from . import signals  # noqa: F401 -- connects the aggregate refreshes
        from .exporters.base import day_month_year_dates

        day_month_year_dates()
