"""Printable forms (Mẫu 01–05) and the Sổ theo dõi hồ sơ, mounted at /app/mot-cua/in/."""

from django.urls import path

from .printing import views

app_name = "onestop_print"
urlpatterns = [
    path("phieu/<int:pk>.pdf", views.form, name="form"),
    path("ho-so/<int:pk>/mau-05.pdf", views.control_sheet, name="control_sheet"),
    path("so-theo-doi/", views.book_view, name="book"),
]
