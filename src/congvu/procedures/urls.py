"""Public catalogue pages, mounted at /thu-tuc/."""

app_name = "procedures"
urlpatterns: list = []
