"""Public catalogue pages, mounted at /thu-tuc/."""

from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/mau/<int:pk>/", views.paper_template, name="paper_template"),
]
