from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "congvu.files"
    label = "files"
    verbose_name = _("Tệp đính kèm")

    def ready(self):
        from django.core.signals import request_finished, request_started

        from . import policies, tasks  # noqa: F401

        request_started.connect(
            tasks.request_started_receiver, dispatch_uid="congvu.files.request_started"
        )
        request_finished.connect(
            tasks.request_finished_receiver, dispatch_uid="congvu.files.request_finished"
        )
