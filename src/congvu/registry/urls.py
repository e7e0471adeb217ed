from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.register_list, name="register_list"),
    path("<int:pk>/", views.register_detail, name="register_detail"),
    path("<int:pk>/khoa-so/", views.register_close, name="register_close"),
    path("<int:pk>/mo-lai/", views.register_reopen, name="register_reopen"),
    path("so-da-cap/<int:pk>/huy/", views.number_void, name="number_void"),
    path("cach-danh-so/", views.numbering_policy, name="numbering_policy"),
    path("cach-danh-so/<int:unit_pk>/", views.numbering_policy_set, name="numbering_policy_set"),
]
