from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "congvu.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from congvu.core.authz import register_actor_facts

        from . import policies  # noqa: F401
        from .selectors import actor_facts

        register_actor_facts(actor_facts)
