"""The Celery app: Redis as the broker when CELERY_BROKER_URL is set; without it tasks run in the web process
(settings.CELERY_TASK_ALWAYS_EAGER), so the demo needs nothing installed.

    .venv/bin/celery -A config worker -l info       # the workers
    .venv/bin/celery -A config beat -l info         # the schedule (settings.CELERY_BEAT_SCHEDULE)
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("llct")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
