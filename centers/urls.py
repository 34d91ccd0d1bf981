from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("tai-khoan/", views.profile, name="profile"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tai-khoan/ma-truy-cap/tao/", views.api_token_create, name="api_token_create"),
    path("tai-khoan/ma-truy-cap/<int:pk>/thu-hoi/", views.api_token_revoke, name="api_token_revoke"),
    path("tai-khoan/dang-xuat-noi-khac/", views.end_other_sessions, name="end_other_sessions"),
    path("tai-khoan/dang-nhap-hai-buoc/", views.two_factor, name="two_factor"),
    path("dang-nhap/ma-xac-thuc/", views.two_factor_verify, name="two_factor_verify"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-mat-khau/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("dat-mat-khau/xong/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("can-bo/", views.account_list, name="account_list"),
    path("can-bo/them/", views.account_create, name="account_create"),
    path("can-bo/nhap-excel/", views.account_import, name="account_import"),
    path("can-bo/nhap-excel/mau.xlsx", views.account_import_template, name="account_import_template"),
    path("can-bo/<int:pk>/", views.account_detail, name="account_detail"),
    path("can-bo/<int:pk>/sua/", views.account_edit, name="account_edit"),
    path("can-bo/<int:pk>/khoa/", views.account_deactivate, name="account_deactivate"),
    path("can-bo/<int:pk>/mo-lai/", views.account_reactivate, name="account_reactivate"),
    path("can-bo/<int:pk>/go-khoa-dang-nhap/", views.account_unlock, name="account_unlock"),
    path("can-bo/<int:pk>/gui-lien-ket/", views.account_send_link, name="account_send_link"),
    path("can-bo/<int:pk>/tat-hai-buoc/", views.account_two_factor_off, name="account_two_factor_off"),
    path("can-bo/<int:pk>/mat-khau-tam/", views.account_temporary_password, name="account_temporary_password"),
    path("sap-xep-to-chuc/", views.reorganisation, name="reorganisation"),
    path("sap-xep-to-chuc/mau.xlsx", views.reorganisation_template, name="reorganisation_template"),
    path("sap-xep-to-chuc/ap-dung/", views.reorganisation_apply, name="reorganisation_apply"),
    path("sap-xep-to-chuc/<int:pk>/", views.reorganisation_detail, name="reorganisation_detail"),
    path("sap-xep-to-chuc/<int:pk>/tep.xlsx", views.reorganisation_file, name="reorganisation_file"),
    path("don-vi/<str:unit>/", views.unit_detail, name="unit_detail"),
]
