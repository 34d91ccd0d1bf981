"""The pages of background jobs: a job's page (progress read from a small JSON endpoint by static/js/job.js), the
user's "Tệp đã xuất" list, and the download, each for the job's owner only (centers/jobs.py decides)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import jobs
from .models import Job


@login_required
def job_list(request):
    rows = Job.objects.filter(user=request.user)[:100]
    return render(request, "jobs/list.html", {"jobs": rows, "hours": jobs.file_hours(), "now": timezone.now()})


@login_required
def job_detail(request, pk):
    return render(request, "jobs/detail.html", {"job": jobs.of_user(request.user, pk), "now": timezone.now()})


@login_required
def job_status(request, pk):
    job = jobs.of_user(request.user, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "progress": job.progress,
            "message": job.message,
            "finished": job.finished,
            "download": reverse("jobs:download", args=[job.pk]) if job.has_file() else "",
        }
    )


@login_required
def job_download(request, pk):
    job, content = jobs.open_file(request.user, pk)
    response = HttpResponse(content, content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    return response
