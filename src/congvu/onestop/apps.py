from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "congvu.onestop"
    label = "onestop"
    verbose_name = _("Một cửa điện tử")

    def ready(self):
        from . import policies  # noqa: F401
