from django.urls import path

from . import certificate_views, views

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
    # Completion decisions, certificates, the master register (reports/certificate_views.py)
    path("lop/<int:pk>/chung-nhan/", certificate_views.course_certificates, name="course_certificates"),
    path("lop/<int:pk>/chung-nhan/quyet-dinh/", certificate_views.decision_save, name="decision_save"),
    path("lop/<int:pk>/chung-nhan/cap/", certificate_views.certificates_issue, name="certificates_issue"),
    path(
        "lop/<int:pk>/chung-nhan/giay-chung-nhan.pdf",
        certificate_views.course_certificates_pdf,
        name="course_certificates_pdf",
    ),
    path("giay-chung-nhan/<int:pk>.pdf", certificate_views.certificate_pdf, name="certificate_pdf"),
    path("giay-chung-nhan/<int:pk>/in-lai/", certificate_views.certificate_reprint, name="certificate_reprint"),
    path("chung-nhan/<str:unit>/", certificate_views.certificates_due, name="certificates_due"),
    path("so-goc/<str:unit>/<int:year>/", certificate_views.register, name="register"),
    path("so-goc/<str:unit>/<int:year>/so-goc.xlsx", certificate_views.register_xlsx, name="register_xlsx"),
    path("so-goc/<str:unit>/<int:year>/so-goc.pdf", certificate_views.register_pdf, name="register_pdf"),
    # The public verification of a certificate (no login).
    path("xac-minh/", certificate_views.verify, name="verify"),
    path("xac-minh/<str:code>/", certificate_views.verify_code, name="verify_code"),
]
