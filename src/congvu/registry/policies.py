"""Scope rules for document types, registers and issued numbers."""

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy

from .models import DocumentType, IssuedNumber, Register, UnitNumberingPolicy


@policy(DocumentType)
def document_type_policy(actor: Actor, action: str):
    if action == "view" and actor.is_official:
        return ALL
    return ALL if actor.is_system_admin else NONE


def _unit_scope(actor: Actor, action: str, prefix: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    units = set(actor.unit_ids) | set(actor.admin_unit_ids)
    if action == "change":
        units = {u for u, roles in actor.roles.items() if "clerk" in roles} | set(
            actor.admin_unit_ids
        )
    rule = Q(**{f"{prefix}unit_id__in": units})
    secret_key = f"{prefix}secrecy__lte"
    return rule & Q(**{secret_key: actor.clearance})


@policy(Register)
def register_policy(actor: Actor, action: str):
    return _unit_scope(actor, action, "")


@policy(IssuedNumber)
def issued_number_policy(actor: Actor, action: str):
    return _unit_scope(actor, action, "register__")


@policy(UnitNumberingPolicy)
def numbering_policy_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    if action == "view":
        return Q(unit_id__in=set(actor.unit_ids) | set(actor.admin_unit_ids))
    return Q(unit_id__in=actor.admin_unit_ids)
