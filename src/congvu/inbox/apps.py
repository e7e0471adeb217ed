from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "congvu.inbox"
    label = "inbox"
    verbose_name = _("Việc của tôi")

    def ready(self):
        from . import policies  # noqa: F401
