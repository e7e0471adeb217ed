from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.package_list, name="list"),
    path("<int:pk>/", views.package_detail, name="detail"),
    path("<int:pk>/tep/<int:index>/", views.attachment_download, name="attachment"),
    path("<int:pk>/vao-so/", views.register, name="register"),
    path("<int:pk>/tra-lai/", views.return_to_sender, name="return"),
    path("<int:pk>/da-xem-cap-nhat/", views.update_reviewed, name="update_reviewed"),
]
