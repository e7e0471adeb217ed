from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "congvu.signatures"
    label = "signatures"
    verbose_name = _("Chữ ký số")

    def ready(self):
        from . import policies  # noqa: F401
