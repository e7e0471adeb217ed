"""Scope rules for accounts, positions and delegations."""

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy

from .constants import UserKind
from .models import Delegation, Position, User


@policy(User)
def user_policy(actor: Actor, action: str):
    if not actor.is_authenticated:
        return NONE
    if actor.is_system_admin:
        return ALL
    own = Q(pk=actor.user_id)
    if actor.is_citizen:
        return own
    if action == "view":
        # Officials see each other (danh bạ); portal accounts stay private.
        return own | Q(kind=UserKind.OFFICIAL)
    if action == "change":
        if actor.admin_unit_ids:
            return own | Q(kind=UserKind.OFFICIAL, positions__unit_id__in=actor.admin_unit_ids)
        return own
    return NONE


@policy(Position)
def position_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    if action == "view":
        return ALL
    if action == "change" and actor.admin_unit_ids:
        return Q(unit_id__in=actor.admin_unit_ids)
    return NONE


@policy(Delegation)
def delegation_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    mine = Q(delegator_id=actor.user_id) | Q(delegate_id=actor.user_id)
    if actor.admin_unit_ids:
        mine |= Q(unit_id__in=actor.admin_unit_ids)
    if action in ("view", "change"):
        return mine
    return NONE
