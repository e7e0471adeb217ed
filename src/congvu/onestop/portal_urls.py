"""Citizens' online public services, mounted at /dich-vu-cong/."""

from django.urls import path

from . import portal_views as views

app_name = "onestop_portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("nop/<str:procedure_code>/", views.submit, name="submit"),
    path("tra-cuu/", views.track, name="track"),
    path("ho-so/", views.my_dossiers, name="my_dossiers"),
    path("ho-so/<str:token>/", views.detail, name="detail"),
    path("ho-so/<str:token>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<str:token>/rut/", views.withdraw, name="withdraw"),
    path("ho-so/<str:token>/danh-gia/", views.rate, name="rate"),
    path("ho-so/<str:token>/ket-qua/<int:file_id>/", views.result_file, name="result_file"),
]
