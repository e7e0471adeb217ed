from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("to-chuc/", views.org_tree, name="org_tree"),
    path("to-chuc/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("danh-ba/", views.directory, name="directory"),
    path("danh-ba/<int:pk>/", views.person_detail, name="person_detail"),
]
