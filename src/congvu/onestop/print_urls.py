"""Printable forms (Mẫu 01–05) and the Sổ theo dõi hồ sơ, mounted at /app/mot-cua/in/."""

app_name = "onestop_print"
urlpatterns: list = []
