"""Values every page of the shell needs."""

import unicodedata

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from congvu.accounts.constants import Role
from congvu.core.authz import as_actor
from congvu.events.selectors import may_view_queue

#: Who gets the "Liên thông" entry of the main navigation: the roles whose "Việc của tôi"
#: counter of waiting packages leads to /app/lien-thong/ (exchange.counters).
EXCHANGE_ROLES = frozenset({Role.CLERK, Role.UNIT_ADMIN})


def _app_nav(request) -> dict:
    actor = as_actor(getattr(request, "user", None))
    if not actor.is_official:
        return {"exchange": False, "events": False}
    return {
        "exchange": actor.is_system_admin or bool(actor.all_roles & EXCHANGE_ROLES),
        "events": may_view_queue(actor),
    }


def _own_names() -> list[tuple[str, str]]:
    """Each language by its own name ("Tiếng Việt", "English"), whatever the page's language.

    Django's ``name_local`` spells Vietnamese decomposed (ê + U+0301); pages are NFC.
    """
    return [
        (code, unicodedata.normalize("NFC", get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


def shell(request):
    # Lazy: public pages never render the officials' navigation, so never resolve the actor.
    return {
        "site_name": settings.CONGVU_SITE_NAME,
        "language_menu": _own_names(),
        "app_nav": SimpleLazyObject(lambda: _app_nav(request)),
    }
