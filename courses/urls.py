from django.urls import path

from . import catalogue_views, views

app_name = "courses"
urlpatterns = [
    path("lop/", views.course_list, name="course_list"),
    path("lop/them/", views.course_create, name="course_create"),
    path("lop/<int:pk>/", views.course_detail, name="course_detail"),
    path("lop/<int:pk>/sua/", views.course_edit, name="course_edit"),
    path("lop/<int:pk>/huy/", views.course_cancel, name="course_cancel"),
    path("lop/<int:pk>/ket-qua/", views.course_results, name="course_results"),
    path("lop/<int:pk>/hoc-vien/them/", views.course_add_learner, name="course_add_learner"),
    path("lop/<int:pk>/nhap-danh-sach/", views.roster_upload, name="roster_upload"),
    path("lop/<int:pk>/lich-su/", views.course_history, name="course_history"),
    path("hoc-vien/", views.learner_list, name="learner_list"),
    path("hoc-vien/<int:pk>/", views.learner_detail, name="learner_detail"),
    path("hoc-vien/<int:pk>/chuyen-trung-tam/", views.learner_transfer, name="learner_transfer"),
    path("luot-hoc/<int:pk>/rut/", views.enrolment_remove, name="enrolment_remove"),
    path("luot-hoc/<int:pk>/hoan-tac/", views.enrolment_restore, name="enrolment_restore"),
    path("nhap-excel/", views.import_workbook, name="import_workbook"),
    path("nhap-excel/mau.xlsx", views.import_template, name="import_template"),
    path("giang-vien/", views.lecturer_list, name="lecturer_list"),
    path("giang-vien/them/", views.lecturer_create, name="lecturer_create"),
    path("giang-vien/<int:pk>/sua/", views.lecturer_edit, name="lecturer_edit"),
    path("giang-vien/<int:pk>/thoi-giang/", views.lecturer_retire, name="lecturer_retire"),
    # The program catalogue and the mapping between its versions (central staff).
    path("chuong-trinh/", catalogue_views.program_list, name="program_list"),
    path("chuong-trinh/them/", catalogue_views.program_create, name="program_create"),
    path("chuong-trinh/<int:pk>/sua/", catalogue_views.program_edit, name="program_edit"),
    path("chuong-trinh/<int:pk>/ket-thuc/", catalogue_views.program_close, name="program_close"),
    path("chuong-trinh/tuong-ung/", catalogue_views.mapping_list, name="mapping_list"),
    path("chuong-trinh/tuong-ung/<int:pk>/bo/", catalogue_views.mapping_retire, name="mapping_retire"),
]
