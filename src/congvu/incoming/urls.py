from django.urls import path

from . import views

app_name = "incoming"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("vao-so/", views.register, name="register"),
    path("cho-vao-so/", views.pending_list, name="pending"),
    path("co-quan-ngoai/", views.external_orgs, name="external_orgs"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/vao-so/", views.register_pending, name="register_pending"),
    path("<int:pk>/trinh/", views.present, name="present"),
    path("<int:pk>/chi-dao/", views.direct, name="direct"),
    path("<int:pk>/chuyen/", views.forward, name="forward"),
    path("<int:pk>/tien-do/", views.progress, name="progress"),
    path("<int:pk>/van-ban-tra-loi/", views.link_reply, name="link_reply"),
    path("<int:pk>/hoan-thanh/", views.complete, name="complete"),
    path("<int:pk>/tra-lai/", views.return_to_sender, name="return"),
    path("<int:pk>/mo-lai/", views.reopen, name="reopen"),
]
