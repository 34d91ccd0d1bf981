from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import schema, views  # noqa: F401 -- schema registers the token scheme

app_name = "api"

urlpatterns = [
    path("v1/don-vi/", views.UnitList.as_view(), name="units"),
    path("v1/don-vi/<str:key>/", views.UnitDetail.as_view(), name="unit"),
    path("v1/chuong-trinh/", views.ProgramList.as_view(), name="programs"),
    path("v1/ky-bao-cao/", views.PeriodList.as_view(), name="periods"),
    path("v1/tong-hop/<str:key>/<str:period>/", views.RollupView.as_view(), name="rollup"),
    path("v1/tinh-hinh-bao-cao/<str:key>/<str:period>/", views.CompletenessView.as_view(), name="completeness"),
    path("v1/lop/", views.CourseList.as_view(), name="courses"),
    path("v1/giay-chung-nhan/<str:code>/", views.CertificateCheck.as_view(), name="certificate"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("tai-lieu/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
