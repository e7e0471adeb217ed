"""Reads for the officials' pages. Every queryset goes through ``restrict``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.accounts.constants import UserKind
from congvu.accounts.models import Delegation, Position, User
from congvu.audit.models import AuditRecord
from congvu.core.authz import as_actor
from congvu.core.text import vietnamese_sorted, vietnamese_tree_sorted
from congvu.org.models import Unit
from congvu.org.selectors import active_units, descendant_ids, unit_tree


def active_delegations(*, actor, received: bool, day: datetime.date | None = None):
    """Ủy quyền in force on ``day``: those the actor received, or those they gave."""
    actor = as_actor(actor)
    qs = Delegation.objects.restrict(actor, "view").active(day)
    mine = Q(delegate_id=actor.user_id) if received else Q(delegator_id=actor.user_id)
    return qs.filter(mine)


def administered_staff(*, actor, without_2fa: bool = False):
    """Active officials holding an active position in a unit the actor administers.

    ``without_2fa`` keeps those without a confirmed TOTP device (django-otp).
    """
    actor = as_actor(actor)
    if not actor.admin_unit_ids:
        return User.objects.none()
    in_units = Position.objects.active().filter(
        user=OuterRef("pk"), unit_id__in=actor.admin_unit_ids
    )
    qs = (
        User.objects.restrict(actor, "view")
        .filter(kind=UserKind.OFFICIAL, is_active=True)
        .filter(Exists(in_units))
    )
    if without_2fa:
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        qs = qs.exclude(Exists(confirmed))
    return qs


def audit_records_today(*, actor):
    """Audit records written since local midnight that the actor may read."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return AuditRecord.objects.restrict(actor, "view").filter(created_at__gte=midnight)


def positions_of(*, actor, user, day: datetime.date | None = None):
    """Chức vụ of ``user`` in force on ``day``, with their units."""
    return (
        Position.objects.restrict(actor, "view")
        .active(day)
        .filter(user=user)
        .select_related("unit")
        .order_by("-is_primary", "unit__path", "role")
    )


# --- Organisation tree --------------------------------------------------------


@dataclass
class TreeNode:
    unit: Unit
    level: int = 0
    children: list[TreeNode] = field(default_factory=list)


def unit_forest(*, actor, day: datetime.date | None = None) -> list[TreeNode]:
    """The units valid on ``day`` as nested nodes.

    A unit whose parent is not valid that day (or not visible) becomes a root,
    so nothing the actor may see disappears from the tree.
    """
    units = unit_tree(actor=actor, day=day)
    nodes: dict[int, TreeNode] = {}
    roots = []
    for unit in units:  # tree order: a parent comes before its children
        parent = nodes.get(unit.parent_id)
        node = TreeNode(unit, level=parent.level + 1 if parent else 0)
        nodes[unit.pk] = node
        (parent.children if parent else roots).append(node)
    return roots


def unit_for_detail(*, actor, pk: int) -> Unit:
    """The unit ``pk`` if the actor may view it, else 404."""
    return get_object_or_404(Unit.objects.restrict(actor, "view").select_related("parent"), pk=pk)


@dataclass
class UnitDetail:
    unit: Unit
    predecessors: list[Unit]
    successors: list[Unit]
    children: list[Unit]
    positions: list[Position]


def unit_detail(*, actor, unit: Unit) -> UnitDetail:
    """What the unit page shows: its history links, sub-units and people in post today."""
    visible = Unit.objects.restrict(actor, "view")
    return UnitDetail(
        unit=unit,
        predecessors=list(visible.filter(successors=unit).order_by("path")),
        successors=list(visible.filter(predecessors=unit).order_by("path")),
        # Those in force first, then the latest closed; the same dates in Vietnamese order.
        children=sorted(
            vietnamese_sorted(visible.filter(parent=unit), key=lambda u: u.name),
            key=lambda u: (u.valid_to is not None, -u.valid_to.toordinal() if u.valid_to else 0),
        ),
        positions=list(
            Position.objects.restrict(actor, "view")
            .active()
            .filter(unit=unit, user__is_active=True)
            .select_related("user")
            .order_by("role", "-is_primary", "user__full_name")
        ),
    )


def unit_choices(*, actor, day: datetime.date | None = None) -> list[tuple[int, str]]:
    """(id, indented name) of the units valid on ``day``, for a filter drop-down."""
    units = (
        Unit.objects.restrict(actor, "view")
        .filter(pk__in=active_units(day).values("pk"))
        .values_list("pk", "name", "depth", "path")
    )
    # The tree's order, siblings in Vietnamese order (the database sorts "Đ" after "Z").
    units = vietnamese_tree_sorted(units, path=lambda row: row[3], name=lambda row: row[1])
    return [(pk, f"{'— ' * depth}{name}") for pk, name, depth, _path in units]


def unit_subtree_ids(unit_id: int) -> set[int]:
    return descendant_ids([unit_id])


# --- People -------------------------------------------------------------------


def official_for_detail(*, actor, pk: int) -> User:
    """The official ``pk`` if the actor may view them (danh bạ), else 404."""
    qs = User.objects.restrict(actor, "view").filter(kind=UserKind.OFFICIAL, is_active=True)
    return get_object_or_404(qs, pk=pk)


def past_positions_of(*, actor, user):
    """Chức vụ of ``user`` no longer in force (ended, or their unit closed), newest first."""
    current = positions_of(actor=actor, user=user).values("pk")
    return (
        Position.objects.restrict(actor, "view")
        .filter(user=user)
        .exclude(pk__in=current)
        .select_related("unit")
        .order_by(F("valid_to").desc(nulls_first=True), "-valid_from")
    )
