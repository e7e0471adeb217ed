from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Installed only so that ``congvu load_demo`` is found; no models."""

    name = "congvu.demo"
    label = "demo"
    verbose_name = _("Dữ liệu mẫu")
