from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "congvu.registry"
    label = "registry"
    verbose_name = _("Sổ đăng ký và cấp số")

    def ready(self):
        from . import policies  # noqa: F401
