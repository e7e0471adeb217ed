"""Citizens' online public services, mounted at /dich-vu-cong/."""

app_name = "onestop_portal"
urlpatterns: list = []
