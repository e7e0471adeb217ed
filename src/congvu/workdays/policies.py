"""Scope rules for calendar overrides: every official reads them; admins change them."""

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy

from .models import CalendarOverride


@policy(CalendarOverride)
def calendar_override_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    if action == "view":
        return ALL
    # Unit administrators adjust the calendar of the units they administer.
    if actor.admin_unit_ids:
        return Q(unit_id__in=actor.admin_unit_ids)
    return NONE
