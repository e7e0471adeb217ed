"""Leaders' statistics, mounted at /app/thong-ke/."""

from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("excel/", views.export, name="export"),
]
