"""Leaders' statistics, mounted at /app/thong-ke/."""

app_name = "stats"
urlpatterns: list = []
