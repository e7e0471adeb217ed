from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("viec-cua-toi/", views.home, name="home"),
    path(
        "viec-cua-toi/thong-bao/<int:pk>/da-doc/",
        views.notification_read,
        name="notification_read",
    ),
    path("han-xu-ly/", views.deadlines, name="deadlines"),
]
