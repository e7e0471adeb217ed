from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
    path("luot-chuyen/<int:pk>/thu-lai/", views.delivery_retry, name="delivery_retry"),
]
