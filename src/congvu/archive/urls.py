from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("", views.catalog_list, name="catalog_list"),
    path("danh-muc/tao/", views.catalog_create, name="catalog_create"),
    path("danh-muc/<int:pk>/", views.catalog_detail, name="catalog_detail"),
    path("danh-muc/<int:pk>/them-muc/", views.catalog_item_add, name="catalog_item_add"),
    path("danh-muc/<int:pk>/duyet/", views.catalog_approve, name="catalog_approve"),
    path("muc/<int:pk>/mo-ho-so/", views.work_file_open, name="work_file_open"),
    path("nop-luu/", views.handover_list, name="handover_list"),
    path("<int:pk>/", views.work_file_detail, name="work_file_detail"),
    path("<int:pk>/tim-van-ban/", views.document_search, name="document_search"),
    path("<int:pk>/them-van-ban/", views.document_add, name="document_add"),
    path("<int:pk>/bo-van-ban/<int:entry_pk>/", views.document_remove, name="document_remove"),
    path("<int:pk>/ket-thuc/", views.work_file_close, name="work_file_close"),
    path("<int:pk>/nop-luu/", views.work_file_hand_over, name="work_file_hand_over"),
]
