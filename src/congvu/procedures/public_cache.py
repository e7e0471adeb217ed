"""Cache of the public catalogue's rendered content (danh mục thủ tục hành chính).

The catalogue is public and the same for everyone (the view rule is ``ALL``),
so the content block of ``/thu-tuc/`` and of a procedure's page is rendered
once per language, day and catalogue version, and kept in the cache (locmem
in embedded mode, Redis in production). The page around it (header, the
account's name, messages) is rendered for each request: nothing personal is
cached.

The catalogue version is read from the database, not bumped by the writers:
imports write in bulk (no signals) and may run in another process (the
``import_procedures`` command) whose in-memory cache the server never sees.
Every change an import or a service makes adds a version, closes one
(``valid_to``) or touches the procedure (``updated_at``), and each of these
changes the version below. The time-out bounds anything else (an edit in the
admin site of a paper or fee in place).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone, translation

from congvu.core.authz import ALL

from .models import Procedure, ProcedureVersion
from .policies import catalogue_rule

TIMEOUT = 300


def catalogue_version() -> str:
    """A token that changes whenever the catalogue's content does (two small aggregates)."""
    versions = ProcedureVersion.objects.aggregate(
        n=Count("pk"), last=Max("pk"), closed=Count("valid_to"), end=Max("valid_to")
    )
    procedures = Procedure.objects.aggregate(
        n=Count("pk"), active=Count("pk", filter=Q(active=True)), touched=Max("updated_at")
    )
    return f"{sorted(versions.items())}{sorted(procedures.items())}"


def is_public(actor) -> bool:
    """The actor sees the whole catalogue, as everyone does today (the page is shareable)."""
    return catalogue_rule(actor, "view") is ALL


def cached_content(name: str, parts: dict, build):
    """``build()``'s result, cached under the page ``name``, its ``parts`` and the version.

    ``parts`` are what the content depends on besides the catalogue (the code,
    the query string); the language and today's date (which version is in
    force) are always part of the key.
    """
    raw = repr(
        (
            name,
            sorted(parts.items()),
            translation.get_language(),
            timezone.localdate().isoformat(),
            catalogue_version(),
        )
    )
    key = "procedures:public:" + hashlib.sha256(raw.encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = build()
        cache.set(key, content, TIMEOUT)
    return content
