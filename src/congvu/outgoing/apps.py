from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutgoingConfig(AppConfig):
    name = "congvu.outgoing"
    label = "outgoing"
    verbose_name = _("Văn bản đi")

    def ready(self):
        from . import policies  # noqa: F401
