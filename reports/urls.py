from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("bao-cao/", views.report_index, name="index"),
    path("bao-cao/<str:unit>/<str:period>/", views.report, name="report"),
    path("bao-cao/<str:unit>/<str:period>/luu/", views.report_save, name="save"),
    path("bao-cao/<str:unit>/<str:period>/duyet/", views.report_approve, name="approve"),
    path("bao-cao/<str:unit>/<str:period>/tra-lai/", views.report_return, name="return"),
    path("bao-cao/<str:unit>/<str:period>/mo-khoa/", views.report_unlock, name="unlock"),
    path("bao-cao/<str:unit>/<str:period>/rut-lai/", views.report_withdraw, name="withdraw"),
    path("bao-cao/<str:unit>/<str:period>/duyet-nhieu/", views.approve_many, name="approve_many"),
    path("bao-cao/<str:unit>/<str:period>/han-nop/", views.deadline_set, name="deadline"),
    path("bao-cao/<str:unit>/<str:period>/nhac/", views.remind, name="remind"),
    path("bao-cao/<str:unit>/<str:period>/lich-su/", views.report_history, name="history"),
    path("nhat-ky/", views.activity, name="activity"),
    path("huong-dan/", views.help_page, name="help"),
    path("nhan-dinh/<str:unit>/<str:period>/", views.briefing_page, name="briefing"),
    path("tong-hop/", views.dashboard_index, name="dashboard_index"),
    path("tong-hop/<str:unit>/<str:period>/", views.dashboard, name="dashboard"),
    path("tong-hop/<str:unit>/<str:period>/xuat.xlsx", views.export_xlsx, name="export_xlsx"),
    path("tong-hop/<str:unit>/<str:period>/xuat.docx", views.export_docx, name="export_docx"),
]
