from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "congvu.search"
    label = "search"
    verbose_name = _("Tìm kiếm")

    def ready(self):
        from . import policies, signals  # noqa: F401

        signals.connect()
