"""Who sees which incoming document (văn bản đến).

- the văn thư and the leaders of the receiving unit, and the administrators
  of its subtree, see the unit's documents;
- anyone with an assignment on a document (in person, or as a member of an
  assigned unit) sees that document;
- "Mật" documents only for those with clearance ≥ 1 who are clerk/leader of
  the receiving unit or assigned (unit administrators do not see them by
  virtue of administering).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.core.authz import ALL, NONE, Actor, policy
from congvu.registry.constants import Secrecy

from .models import Assignment, ExternalOrganization, IncomingDocument, ProcessingEntry

DESK_ROLES = {Role.CLERK, *LEADER_ROLES}


def desk_unit_ids(actor: Actor) -> set[int]:
    """Units where the actor is văn thư or lãnh đạo (delegated roles included)."""
    return {unit_id for unit_id, roles in actor.roles.items() if roles & DESK_ROLES}


def document_rule(actor: Actor) -> Q | object:
    if not actor.is_official:
        return NONE
    # EXISTS by document, not ``pk IN (all the actor's assignments)``: PostgreSQL can then
    # probe the document_id index for the few candidate rows of a narrow query instead of
    # hashing every assignment of the actor (docs/benchmarks.md); same rows either way.
    assigned = Q(
        Exists(
            Assignment.objects.filter(document_id=OuterRef("pk")).filter(
                Q(user_id=actor.user_id) | Q(unit_id__in=actor.unit_ids, user__isnull=True)
            )
        )
    )
    if actor.is_system_admin:
        normal = Q()
        desk = Q()
    else:
        desk = Q(unit_id__in=desk_unit_ids(actor))
        normal = desk | Q(unit_id__in=actor.admin_unit_ids) | assigned
    rule = Q(secrecy=Secrecy.NORMAL) & normal
    if actor.clearance >= Secrecy.SECRET:
        rule |= Q(secrecy=Secrecy.SECRET) & (desk | assigned)
    return rule


@policy(IncomingDocument)
def incoming_document_policy(actor: Actor, action: str):
    return document_rule(actor)


def _through_document(actor: Actor):
    rule = document_rule(actor)
    if rule is NONE:
        return NONE
    return Q(document__in=IncomingDocument.objects.filter(rule).values("pk"))


@policy(Assignment)
def assignment_policy(actor: Actor, action: str):
    return _through_document(actor)


@policy(ProcessingEntry)
def processing_entry_policy(actor: Actor, action: str):
    return _through_document(actor)


@policy(ExternalOrganization)
def external_organization_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if action == "view" or actor.is_system_admin:
        return ALL
    # Clerks and administrators maintain the directory.
    if actor.has_role(Role.CLERK) or actor.admin_unit_ids:
        return ALL
    return NONE
