"""Register exports under /app/so-dang-ky/ (e.g. den.pdf?don_vi=…&tu=…&den=…)."""

from django.urls import path

from . import views
from .columns import KINDS

app_name = "registry_exports"
urlpatterns = [
    path("", views.export, name="export"),
    path("khoa-so/<int:pk>/", views.close, name="close"),
]
for _kind in KINDS:
    for _fmt in ("pdf", "xlsx"):
        urlpatterns.append(
            path(
                f"{_kind}.{_fmt}",
                views.download,
                {"kind": _kind, "fmt": _fmt},
                name=f"{_fmt}_{_kind}",
            )
        )
