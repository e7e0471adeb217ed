"""Public portal for citizens and businesses, mounted at the site root."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-ky/", views.signup, name="signup"),
    path("dang-ky/da-gui-thu/", views.signup_done, name="signup_done"),
    # Before the token pattern, which would otherwise swallow "gui-lai".
    path("xac-minh/gui-lai/", views.resend_verification, name="resend_verification"),
    path("xac-minh/<str:token>/", views.verify, name="verify"),
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("tai-khoan/", views.profile, name="profile"),
    path(
        "tai-khoan/doi-mat-khau/",
        views.CitizenPasswordChangeView.as_view(),
        name="password_change",
    ),
    path("quen-mat-khau/", views.CitizenPasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        views.CitizenPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "quen-mat-khau/<uidb64>/<token>/",
        views.CitizenPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "quen-mat-khau/xong/",
        views.CitizenPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
