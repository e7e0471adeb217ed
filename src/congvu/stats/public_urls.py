"""Public processing progress without personal data, mounted at /cong-khai/."""

app_name = "stats_public"
urlpatterns: list = []
