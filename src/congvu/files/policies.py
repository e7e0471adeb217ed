"""Scope rule for stored files: a file is visible exactly when its owner is.

The rule builds one ``Q`` per owner model present in the table:
``owner_type = label AND owner_id IN (restricted owner ids as text)``, the ids
as a subquery of the owner's own ``restrict()``. Acceptable for now (a handful
of owner models); if it grows, replace it with per-owner file relations.
"""

import threading
import time

from django.apps import apps
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from congvu.core.authz import NONE, Actor, policy

from .models import StoredFile

# A file's "change" or "delete" is a change of its owner.
OWNER_ACTION = {"view": "view", "download": "view"}

# The owner types present in the table, re-read at most every OWNER_TYPES_TTL
# seconds (a DISTINCT over millions of rows is not free). A type first stored by
# another process is therefore invisible for up to that long: it fails closed.
OWNER_TYPES_TTL = 60.0
_owner_types: dict[str, object] = {"labels": frozenset(), "read_at": None}
_owner_types_lock = threading.Lock()


def known_owner_types() -> frozenset[str]:
    now = time.monotonic()
    with _owner_types_lock:
        read_at = _owner_types["read_at"]
        if read_at is not None and now - read_at < OWNER_TYPES_TTL:
            return _owner_types["labels"]
    labels = frozenset(
        StoredFile.objects.order_by().values_list("owner_type", flat=True).distinct()
    )
    with _owner_types_lock:
        _owner_types.update(labels=labels, read_at=now)
    return labels


def remember_owner_type(label: str) -> None:
    """Called when a file is stored, so this process sees a new owner type at once."""
    with _owner_types_lock:
        _owner_types["labels"] = _owner_types["labels"] | {label}


def owner_model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def owner_ids(model, actor, action: str):
    """Subquery of the ids (as text) of ``model`` rows ``actor`` may ``action``, or None."""
    manager = model._default_manager
    if not hasattr(manager, "restrict"):
        return None
    visible = manager.restrict(actor, OWNER_ACTION.get(action, "change"))
    return visible.annotate(_owner_key=Cast("pk", output_field=CharField())).values("_owner_key")


@policy(StoredFile)
def stored_file_policy(actor: Actor, action: str):
    if not actor.is_authenticated:
        return NONE
    rule = Q(pk__in=[])
    for label in sorted(known_owner_types()):
        model = owner_model(label)
        if model is None:
            continue
        ids = owner_ids(model, actor, action)
        if ids is not None:
            rule |= Q(owner_type=label, owner_id__in=ids)
    return rule
