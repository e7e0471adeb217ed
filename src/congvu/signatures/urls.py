"""Quản lý khóa ký số (mounted at /app/chu-ky-so/)."""

from django.urls import path

from . import views

app_name = "signatures"
urlpatterns = [
    path("", views.key_list, name="key_list"),
    path("dang-ky/", views.key_register, name="key_register"),
    path("dang-ky-token/", views.key_register_token, name="key_register_token"),
    path("dang-ky-tu-xa/", views.key_register_remote, name="key_register_remote"),
    path("<int:pk>/", views.key_detail, name="key_detail"),
    path("<int:pk>/thu-hoi/", views.key_revoke, name="key_revoke"),
]
