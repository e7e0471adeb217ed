"""Officials' catalogue and internal-process pages, mounted at /app/thu-tuc/."""

app_name = "procedures_manage"
urlpatterns: list = []
