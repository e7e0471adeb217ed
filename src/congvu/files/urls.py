from django.urls import path

from . import views

app_name = "files"
urlpatterns = [
    path("<int:pk>/", views.download, name="download"),
    path("<int:pk>/kiem-tra-chu-ky/", views.signatures_recheck, name="signatures_recheck"),
]
