from importlib import import_module

from django.apps import AppConfig, apps
from django.db.models import fields as model_fields
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

#: The empty choice of every select (Django 6.1's "- Select an option -" has no
#: Vietnamese translation). Set when the app registry imports this module, before
#: any form class is built, as Django documents for BLANK_CHOICE_LABEL.
BLANK_CHOICE_LABEL = _("— Chọn —")
model_fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL


class WebConfig(AppConfig):
    name = "congvu.web"
    label = "web"

    def ready(self):
        # Each congvu app may contribute "Việc của tôi" counters and quick links
        # in its own counters.py (see congvu.web.mywork). Third-party apps are
        # skipped: a "counters" module of theirs would mean something else.
        for config in apps.get_app_configs():
            if config.name.startswith("congvu.") and module_has_submodule(
                config.module, "counters"
            ):
                import_module(f"{config.name}.counters")
        # The event queue page links "Đối tượng" to the documents' pages; the web
        # layer composes the apps, so it names their detail pages here.
        from congvu.events.catalogue import register_object_url

        register_object_url("outgoing.outgoingdocument", "outgoing:detail")
        register_object_url("incoming.incomingdocument", "incoming:detail")
