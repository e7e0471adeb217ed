"""URLs of the officials' login, profile and password reset (mounted at /accounts/)."""

from django.urls import path

from . import views, views_profile

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp_view, name="login_otp"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/done/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", views_profile.profile, name="profile"),
    path("profile/delegations/", views_profile.delegation_create_view, name="delegation_create"),
    path(
        "profile/delegations/<int:pk>/revoke/",
        views_profile.delegation_revoke_view,
        name="delegation_revoke",
    ),
    path("2fa/setup/", views_profile.two_factor_setup, name="two_factor_setup"),
    path("2fa/remove/", views_profile.two_factor_remove, name="two_factor_remove"),
    path("2fa/recovery-codes/", views_profile.recovery_codes_create, name="recovery_codes_create"),
]
