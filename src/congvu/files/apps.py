from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "congvu.files"
    label = "files"
    verbose_name = _("Tệp đính kèm")

    def ready(self):
        from . import policies  # noqa: F401
