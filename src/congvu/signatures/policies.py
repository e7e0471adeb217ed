"""Scope rules: unit administrators manage their units' keys; officials read trust anchors."""

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy

from .models import RemoteSigningRequest, SigningKey, TrustAnchor


@policy(SigningKey)
def signing_key_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    rule = Q(unit_id__in=actor.admin_unit_ids) if actor.admin_unit_ids else Q(pk__in=[])
    if action == "view":
        # Everyone sees their own key (its expiry matters to them).
        rule |= Q(user_id=actor.user_id)
    return rule


@policy(TrustAnchor)
def trust_anchor_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin or action == "view":
        return ALL
    return NONE


@policy(RemoteSigningRequest)
def remote_request_policy(actor: Actor, action: str):
    """Requests are read through their document (its own scope); directly, only administrators."""
    if actor.is_system_admin:
        return ALL
    return NONE
