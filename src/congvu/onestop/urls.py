"""Officials' one-stop pages, mounted at /app/mot-cua/."""

app_name = "onestop"
urlpatterns: list = []
