from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomingConfig(AppConfig):
    name = "congvu.incoming"
    label = "incoming"
    verbose_name = _("Văn bản đến")

    def ready(self):
        from congvu.events.catalogue import register_type

        from . import policies  # noqa: F401

        # Beside the built-in incoming.* types (events/catalogue.py); exchange sends 05 on it.
        register_type(
            "incoming.in_progress",
            label=_("Bắt đầu xử lý văn bản đến"),
            fields=("document_id",),
            description=_(
                "Văn bản đến bắt đầu được xử lý (chuyển xử lý hoặc cập nhật tiến độ đầu tiên)."
            ),
        )
