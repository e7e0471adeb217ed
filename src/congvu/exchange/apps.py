from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def package_blobs():
    """The raw bytes of every received package: what a backup copies (``congvu backup``)."""
    from .models import ReceivedPackage

    return ReceivedPackage.objects.order_by("pk").iterator(chunk_size=2000)


class ExchangeConfig(AppConfig):
    name = "congvu.exchange"
    label = "exchange"
    verbose_name = _("Liên thông văn bản")

    def ready(self):
        from congvu.core.backup import register_blobs

        from . import channels, handlers, policies  # noqa: F401

        register_blobs(package_blobs)
        handlers.register()
