"""Payment pages and provider callbacks, mounted at /thanh-toan/."""

from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("ho-so/<str:token>/", views.start, name="start"),
    path("sandbox/<str:reference>/", views.sandbox_bank, name="sandbox_bank"),
    path("callback/<str:provider>/", views.callback, name="callback"),
    path("ket-qua/<str:reference>/", views.payment_return, name="return"),
    path("bien-lai/<str:reference>/", views.receipt, name="receipt"),
    path("tien-mat/<int:pk>/", views.cash, name="cash"),
]
