"""Reads over the organisation tree."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone

from congvu.core.text import vietnamese_tree_sorted

from .models import Unit


def subtree_q(unit_ids, *, prefix: str = "unit__") -> Q:
    """Q for rows whose unit is one of ``unit_ids`` or below them."""
    paths = Unit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True)
    clauses = [Q(**{f"{prefix}path__startswith": p}) for p in paths]
    return reduce(or_, clauses) if clauses else Q(pk__in=[])


def descendant_ids(unit_ids) -> set[int]:
    return set(Unit.objects.filter(subtree_q(unit_ids, prefix="")).values_list("pk", flat=True))


def active_units(day: datetime.date | None = None):
    day = day or timezone.localdate()
    return Unit.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def unit_tree(*, actor, day: datetime.date | None = None) -> list[Unit]:
    """Units valid on ``day`` in tree order, as the actor may see them: each after its
    parent, siblings in Vietnamese order of their names (the database puts "Đ" after "Z")."""
    qs = Unit.objects.restrict(actor, "view").filter(pk__in=active_units(day).values("pk"))
    return vietnamese_tree_sorted(qs, path=lambda u: u.path, name=lambda u: u.name)
