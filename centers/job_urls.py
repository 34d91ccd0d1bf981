from django.urls import path

from . import job_views

app_name = "jobs"

urlpatterns = [
    path("tep-da-xuat/", job_views.job_list, name="list"),
    path("cong-viec/<uuid:pk>/", job_views.job_detail, name="detail"),
    path("cong-viec/<uuid:pk>/trang-thai/", job_views.job_status, name="status"),
    path("cong-viec/<uuid:pk>/tai-ve/", job_views.job_download, name="download"),
]
