"""Scope rules for the audit trail: admins see their units, others their own actions."""

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy

from .models import AuditRecord


@policy(AuditRecord)
def audit_policy(actor: Actor, action: str):
    if action != "view" or not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    rule = Q(actor_id=actor.user_id)
    if actor.admin_unit_ids:
        rule |= Q(unit_id__in=actor.admin_unit_ids)
    return rule & Q(confidentiality__lte=actor.clearance)
