from django.urls import path

from . import views, views_signing

app_name = "outgoing"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("soan-thao/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/phien-ban/", views.add_version, name="add_version"),
    path("<int:pk>/trinh/", views.submit, name="submit"),
    path("<int:pk>/dong-y/", views.review_approve, name="approve"),
    path("<int:pk>/tra-lai/", views.review_return, name="return"),
    path("<int:pk>/duyet-ky/", views.approve_for_signing, name="sign"),
    path("<int:pk>/ban-in-thu.pdf", views.preview_pdf, name="preview_pdf"),
    path(
        "<int:pk>/ban-in-thu/<str:digest>/trang-<int:number>.png",
        views.preview_page,
        name="preview_page",
    ),
    path(
        "<int:pk>/tep/<int:file_pk>/trang-<int:number>.png",
        views.preview_file_page,
        name="preview_file_page",
    ),
    path("<int:pk>/phat-hanh/", views.issue, name="issue"),
    path("<int:pk>/ky-so/trang-thai/", views_signing.signing_status, name="signing_status"),
    path("<int:pk>/ky-so/gui-lai/", views_signing.signing_retry, name="signing_retry"),
    path("<int:pk>/ky-so/huy-so/", views_signing.signing_void, name="signing_void"),
    path("<int:pk>/thu-hoi/", views.recall, name="recall"),
    path("<int:pk>/thay-the/", views.replace, name="replace"),
    path("<int:pk>/dinh-chinh/", views.correct, name="correct"),
]
