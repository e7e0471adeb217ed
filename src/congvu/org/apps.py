from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "congvu.org"
    label = "org"
    verbose_name = _("Tổ chức")

    def ready(self):
        from . import policies  # noqa: F401
