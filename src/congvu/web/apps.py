from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule


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
