from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the static icon (never a 404 in the log).
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("centers.urls")),
    path("", include("centers.job_urls")),
    path("", include("courses.urls")),
    path("", include("reports.urls")),
    path("api/", include("reports.api.urls")),
    path("admin/", admin.site.urls),
]
