from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def stored_blobs():
    """Every stored file, oldest first: what a backup copies (``congvu backup``)."""
    from .models import StoredFile

    return StoredFile.objects.order_by("pk").iterator(chunk_size=2000)


class FilesConfig(AppConfig):
    name = "congvu.files"
    label = "files"
    verbose_name = _("Tệp đính kèm")

    def ready(self):
        from congvu.core.backup import register_blobs

        from . import policies  # noqa: F401

        register_blobs(stored_blobs)
