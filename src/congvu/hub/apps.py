from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "congvu.hub"
    label = "hub"
    verbose_name = _("Trục liên thông nội bộ")
