from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Lớp học và học viên")

    def ready(self):
        from centers import jobs

        from . import services

        jobs.register("import", services.import_job)  # uploads above settings.IMPORT_BACKGROUND_ROWS
