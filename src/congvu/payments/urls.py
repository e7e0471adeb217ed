"""Payment pages and provider callbacks, mounted at /thanh-toan/."""

app_name = "payments"
urlpatterns: list = []
