"""Celery finds the tasks of each app in its `tasks` module: centers' live with the job machinery."""

from .jobs import run_job, sweep_jobs

__all__ = ["run_job", "sweep_jobs"]
