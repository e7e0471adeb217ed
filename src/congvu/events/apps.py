from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "congvu.events"
    label = "events"
    verbose_name = _("Sự kiện nghiệp vụ")

    def ready(self):
        from . import policies  # noqa: F401
