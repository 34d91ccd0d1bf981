"""Scheduled work (celery beat, settings.CELERY_BEAT_SCHEDULE): the management commands the crontab used to run."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="reports.send_reminders", ignore_result=True)
def send_reminders() -> None:
    call_command("send_reminders")


@shared_task(name="reports.warm_figures", ignore_result=True)
def warm_figures() -> None:
    call_command("warm_figures", quiet=True)
