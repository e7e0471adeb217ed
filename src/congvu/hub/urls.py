from django.urls import path

from . import views

app_name = "hub"
urlpatterns = [
    path("goi-tin/", views.packages, name="packages"),
    path("goi-tin/<uuid:pk>/", views.package_content, name="content"),
    path("goi-tin/<uuid:pk>/xac-nhan/", views.package_acknowledge, name="acknowledge"),
]
