"""Scope rules for units (see congvu.core.authz)."""

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy

from .models import Unit


@policy(Unit)
def unit_policy(actor: Actor, action: str):
    # The list of agencies is public: citizens choose where to file.
    if action == "view":
        return ALL
    if actor.is_system_admin:
        return ALL
    if action == "change" and actor.admin_unit_ids:
        return Q(pk__in=actor.admin_unit_ids)
    return NONE
