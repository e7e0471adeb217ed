"""Officials' one-stop pages, mounted at /app/mot-cua/."""

from django.urls import path

from . import action_views, views

app_name = "onestop"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("tiep-nhan/", views.desk_queue, name="desk"),
    path("tiep-nhan/moi/", views.register, name="register"),
    path("viec-cua-toi/", views.my_steps, name="my_steps"),
    path("qua-han/", views.overdue_list, name="overdue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", action_views.dossier_action, name="action"),
]
