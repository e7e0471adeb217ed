from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomingConfig(AppConfig):
    name = "congvu.incoming"
    label = "incoming"
    verbose_name = _("Văn bản đến")

    def ready(self):
        from . import policies  # noqa: F401
