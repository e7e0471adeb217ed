"""Writes to the organisation tree. Each change logs an audit record in its transaction."""

from __future__ import annotations

from django.db import transaction

from .models import Unit


@transaction.atomic
def unit_tree_path_refresh(*, unit: Unit) -> None:
    """Recompute ``path``/``depth`` of ``unit`` and its subtree (after create or move)."""
    parent_path = unit.parent.path if unit.parent_id else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = unit.path.count("/") - 2
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    for child in Unit.objects.filter(parent=unit):
        unit_tree_path_refresh(unit=child)
