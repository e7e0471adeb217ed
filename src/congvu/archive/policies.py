"""Who sees the catalog and work files (hồ sơ) of a unit.

Members of the unit (any active position, delegated roles included), the
administrators of its subtree and system administrators see the unit's
catalogs and work files. The documents filed inside stay subject to their own
``restrict()``: a member sees that a hồ sơ holds a document, not the document.
"""

from __future__ import annotations

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy

from .models import FileCatalog, FileCatalogItem, WorkFile, WorkFileEntry


def member_unit_ids(actor: Actor) -> set[int]:
    return set(actor.unit_ids) | set(actor.admin_unit_ids)


def _scope(actor: Actor, prefix: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    return Q(**{f"{prefix}unit_id__in": member_unit_ids(actor)})


@policy(FileCatalog)
def catalog_policy(actor: Actor, action: str):
    return _scope(actor, "")


@policy(FileCatalogItem)
def catalog_item_policy(actor: Actor, action: str):
    return _scope(actor, "catalog__")


@policy(WorkFile)
def work_file_policy(actor: Actor, action: str):
    return _scope(actor, "")


@policy(WorkFileEntry)
def work_file_entry_policy(actor: Actor, action: str):
    return _scope(actor, "work_file__")
