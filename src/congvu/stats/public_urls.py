"""Public processing progress without personal data, mounted at /cong-khai/."""

from django.urls import path

from . import views

app_name = "stats_public"
urlpatterns = [path("", views.public, name="progress")]
