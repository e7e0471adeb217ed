from django.urls import path

from . import views, views_actions

app_name = "incoming"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("vao-so/", views.register, name="register"),
    path("cho-vao-so/", views.pending_list, name="pending"),
    path("co-quan-ngoai/", views.external_orgs, name="external_orgs"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/vao-so/", views_actions.register_pending, name="register_pending"),
    path("<int:pk>/trinh/", views_actions.present, name="present"),
    path("<int:pk>/chi-dao/", views_actions.direct, name="direct"),
    path("<int:pk>/chuyen/", views_actions.forward, name="forward"),
    path("<int:pk>/tien-do/", views_actions.progress, name="progress"),
    path("<int:pk>/van-ban-tra-loi/", views_actions.link_reply, name="link_reply"),
    path("<int:pk>/hoan-thanh/", views_actions.complete, name="complete"),
    path("<int:pk>/tra-lai/", views_actions.return_to_sender, name="return"),
    path("<int:pk>/mo-lai/", views_actions.reopen, name="reopen"),
]
