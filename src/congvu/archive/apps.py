from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "congvu.archive"
    label = "archive"
    verbose_name = _("Hồ sơ công việc")

    def ready(self):
        from . import policies  # noqa: F401
