"""Officials' catalogue and internal-process pages, mounted at /app/thu-tuc/."""

from django.urls import path

from . import manage_views

app_name = "procedures_manage"
urlpatterns = [
    path("", manage_views.procedure_list, name="list"),
    path("<str:code>/", manage_views.procedure_detail, name="detail"),
    path("<str:code>/quy-trinh/<int:unit_id>/", manage_views.process_edit, name="process_edit"),
]
