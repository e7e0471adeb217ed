"""Who sees received packages and the agency directory.

- packages: the văn thư of the receiving unit, the administrators of its
  subtree and the system administrators; a package no unit could be found for
  (unknown recipient, unreadable) only the system administrators;
- statuses reported back on our documents: whoever sees the document, and the
  văn thư and administrators of the sending unit (also those naming no known
  document);
- the directory: every official reads it; clerks and administrators change it.
"""

from __future__ import annotations

from django.db.models import Q

from congvu.accounts.constants import Role
from congvu.core.authz import ALL, NONE, Actor, policy

from .models import DeliveryStatus, OutsideAgency, ReceivedPackage, SentPackage


@policy(ReceivedPackage)
def received_package_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    clerk_units = {u for u, roles in actor.roles.items() if Role.CLERK in roles}
    units = clerk_units | set(actor.admin_unit_ids)
    return Q(unit_id__in=units) if units else NONE


@policy(DeliveryStatus)
def delivery_status_policy(actor: Actor, action: str):
    """Whoever sees our document sees what its recipients reported; the unit's clerks see all."""
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    from congvu.outgoing.models import OutgoingDocument

    rule = Q(outgoing_document__in=OutgoingDocument.objects.restrict(actor, "view").values("pk"))
    clerk_units = {u for u, roles in actor.roles.items() if Role.CLERK in roles}
    units = clerk_units | set(actor.admin_unit_ids)
    return rule | Q(unit_id__in=units) if units else rule


@policy(OutsideAgency)
def outside_agency_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if action == "view" or actor.is_system_admin:
        return ALL
    if actor.has_role(Role.CLERK) or actor.admin_unit_ids:
        return ALL
    return NONE


@policy(SentPackage)
def sent_package_policy(actor: Actor, action: str):
    """What left through the transport: system administrators (the queue page shows the rest)."""
    return ALL if actor.is_official and actor.is_system_admin else NONE
