"""Reads about people: actor facts, the staff directory."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q

from congvu.core.lookups import in_subquery

from .constants import Role, UserKind
from .models import Delegation, Position, User


def actor_facts(user) -> dict:
    """Roles per unit, administered subtrees and clearance for ``user``, from active positions.

    An active delegation (ủy quyền) gives the delegate the delegator's roles in
    that unit for its date range, but not the delegator's clearance.
    """
    from congvu.org.selectors import descendant_ids

    roles: dict[int, set[str]] = {}
    clearance = 0
    if getattr(user, "kind", None) != UserKind.OFFICIAL:
        return {"roles": {}, "admin_unit_ids": set(), "clearance": 0}
    # One query: the user's own active positions, and those of the leaders who
    # delegated to them, in the delegation's unit (ủy quyền gives those roles there).
    delegations = Delegation.objects.active().filter(delegate_id=user.pk)
    delegated = Q(in_subquery("user_id", delegations.values("delegator_id"))) & Q(
        Exists(delegations.filter(delegator_id=OuterRef("user_id"), unit_id=OuterRef("unit_id")))
    )
    for holder_id, unit_id, role, level in (
        Position.objects.active()
        .filter(Q(user_id=user.pk) | delegated)
        .order_by()
        .values_list("user_id", "unit_id", "role", "clearance")
    ):
        roles.setdefault(unit_id, set()).add(role)
        # Clearance (độ mật) is personal: granted to the person for state secrets,
        # not to the office, so it never travels with a delegation (docs/security.md).
        if holder_id == user.pk:
            clearance = max(clearance, level)
    admin_roots = {u for u, rs in roles.items() if Role.UNIT_ADMIN in rs}
    admin_unit_ids = descendant_ids(admin_roots) if admin_roots else set()
    return {"roles": roles, "admin_unit_ids": admin_unit_ids, "clearance": clearance}


def staff_directory(*, actor, unit_ids=None, query: str = ""):
    """Danh bạ: active officials the actor may see, with their active positions.

    In Vietnamese order of their full names (the database sorts by code point:
    "Trương" before "Trần", "Đ" after "V"), ties by id.
    """
    from congvu.core.text import fold, vietnamese_sorted

    users = (
        User.objects.restrict(actor, "view")
        .filter(kind=UserKind.OFFICIAL, is_active=True)
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.active().select_related("unit"),
                to_attr="active_positions",
            )
        )
        .order_by("pk")
    )
    if unit_ids:
        users = users.filter(positions__unit_id__in=unit_ids).distinct()
    result = list(users)
    if query:
        q = fold(query)
        result = [u for u in result if q in fold(f"{u.full_name} {u.username} {u.email}")]
    return vietnamese_sorted(result, key=lambda user: user.full_name)
