"""Scope rule for stored files: a file is visible exactly when its owner is.

The rule builds one ``Q`` per owner model present in the table:
``owner_type = label AND owner_id IN (restricted owner ids as text)``, the ids
as a subquery of the owner's own ``restrict()``. Acceptable for now (a handful
of owner models); if it grows, replace it with per-owner file relations.
"""

from django.apps import apps
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from congvu.core.authz import NONE, Actor, policy

from .models import StoredFile

# A file's "change" or "delete" is a change of its owner.
OWNER_ACTION = {"view": "view", "download": "view"}


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
    labels = StoredFile.objects.order_by().values_list("owner_type", flat=True).distinct()
    for label in labels:
        model = owner_model(label)
        if model is None:
            continue
        ids = owner_ids(model, actor, action)
        if ids is not None:
            rule |= Q(owner_type=label, owner_id__in=ids)
    return rule
