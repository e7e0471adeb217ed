"""Reads of incoming documents; every queryset starts from ``restrict``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.core.authz import as_actor
from congvu.core.lookups import in_subquery
from congvu.core.text import fold, vietnamese_sort_key

from .calendar import previous_working_day
from .constants import OPEN_STATUSES, AssignmentRole, AssignmentStatus, Status
from .models import Assignment, ExternalOrganization, IncomingDocument, ProcessingEntry

LIST_ORDER = ["-urgency", "-arrival_date", "-arrival_number", "-pk"]


def documents(*, actor, filters: dict | None = None):
    """Documents the actor may see, urgent first, then the newest."""
    qs = (
        IncomingDocument.objects.restrict(actor, "view")
        .select_related("unit", "document_type", "register")
        .order_by(*LIST_ORDER)
    )
    f = filters or {}
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("urgency") not in (None, ""):
        qs = qs.filter(urgency=f["urgency"])
    if f.get("unit"):
        qs = qs.filter(unit_id=f["unit"])
    if f.get("date_from"):
        qs = qs.filter(arrival_date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(arrival_date__lte=f["date_to"])
    if f.get("q"):
        for word in fold(f["q"]).split():
            qs = qs.filter(search_text__contains=word)
    return qs


def document_for_detail(*, actor, pk: int) -> IncomingDocument:
    return get_object_or_404(documents(actor=actor), pk=pk)


def _desk_units(actor, roles) -> set[int]:
    a = as_actor(actor)
    return {u for u, held in a.roles.items() if held & set(roles)}


# The categories of "Việc của tôi" are conditions (``*_q``) on top of ``documents()``,
# so the inbox can count several of them in one query with the same membership.


def pending_internal_q(actor) -> Q:
    return Q(status=Status.PENDING, unit_id__in=_desk_units(actor, {Role.CLERK}))


def pending_internal(*, actor):
    """Delivered inside congvu, waiting for the văn thư (chờ vào sổ)."""
    return documents(actor=actor).filter(pending_internal_q(actor))


def to_present_q(actor) -> Q:
    return Q(status=Status.REGISTERED, unit_id__in=_desk_units(actor, {Role.CLERK}))


def to_present(*, actor):
    """Registered, not yet presented, in units where the actor is văn thư."""
    return documents(actor=actor).filter(to_present_q(actor))


def to_direct_q(actor) -> Q:
    return Q(status=Status.PRESENTED, presented_to_id=as_actor(actor).user_id)


def to_direct(*, actor):
    """Presented to the actor (trình), waiting for the chỉ đạo."""
    return documents(actor=actor).filter(to_direct_q(actor))


def _open_assignments_of(a, base=None):
    """Open assignments the actor handles, from ``base`` (default: NOT scoped, only for use
    inside a query that is itself scoped to visible documents: an assignment is visible
    exactly when its document is, so scoping both only makes the SQL bigger)."""
    base = Assignment.objects.all() if base is None else base
    return (
        base.filter(status=AssignmentStatus.OPEN, document__status__in=OPEN_STATUSES)
        .filter(
            Q(user_id=a.user_id) | Q(user__isnull=True, unit_id__in=_desk_units(a, LEADER_ROLES))
        )
        .exclude(role=AssignmentRole.INFO)
    )


def my_open_assignments(*, actor):
    """Assignments the actor handles (in person, or as leader of the unit), still open."""
    a = as_actor(actor)
    return _open_assignments_of(a, Assignment.objects.restrict(a, "view"))


def to_process_q(actor) -> Q:
    a = as_actor(actor)
    return Q(in_subquery("pk", _open_assignments_of(a).values("document_id")))


def to_process(*, actor):
    return documents(actor=actor).filter(to_process_q(actor))


def overdue(*, actor, today: datetime.date | None = None):
    """Handling past its deadline, for documents the actor handles or directs."""
    today = today or timezone.localdate()
    a = as_actor(actor)
    mine = _open_assignments_of(a).values("document_id")
    return documents(actor=a).filter(
        Q(in_subquery("pk", mine)) | Q(unit_id__in=_desk_units(a, LEADER_ROLES)),
        status__in=[Status.DIRECTED, Status.IN_PROGRESS],
        deadline__lt=today,
    )


def same_day_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Documents that arrived before this date are late for registration/presentation.

    Art. 4(2)(c): a document is registered and presented the day it arrives,
    at the latest the next working day. It is late once that next working
    day has ended, i.e. when it arrived before the last working day before today.
    """
    today = today or timezone.localdate()
    return previous_working_day(today)


def overdue_for_registration(*, actor, unit=None, today: datetime.date | None = None):
    qs = documents(actor=actor).filter(
        status=Status.PENDING, arrival_date__lt=same_day_cutoff(today)
    )
    return qs.filter(unit=unit) if unit is not None else qs


def overdue_for_presentation(*, actor, unit=None, today: datetime.date | None = None):
    qs = documents(actor=actor).filter(
        status=Status.REGISTERED, arrival_date__lt=same_day_cutoff(today)
    )
    return qs.filter(unit=unit) if unit is not None else qs


def external_organizations(*, actor, query: str = ""):
    qs = ExternalOrganization.objects.restrict(actor, "view")
    if query:
        for word in fold(query).split():
            qs = qs.filter(search_text__contains=word)
    return qs


class InVietnameseOrder(Sequence):
    """The rows of a queryset in Vietnamese order of ``field``, read a page at a time.

    The database cannot sort Vietnamese ("Đ" after "Z"), so the ids are sorted here
    from ``(pk, field)`` alone and only the rows of the slice asked for are read: a
    ``Paginator`` or the API's limit/offset pages take it like a queryset.
    """

    CHUNK = 500

    def __init__(self, queryset, field: str = "name"):
        self.queryset = queryset.order_by()
        rows = self.queryset.values_list("pk", field)
        self.ids = [
            pk for pk, _text in sorted(rows, key=lambda r: (vietnamese_sort_key(r[1]), r[0]))
        ]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            rows = self.queryset.in_bulk(ids)
            return [rows[pk] for pk in ids if pk in rows]
        return self.queryset.get(pk=self.ids[index])

    def __iter__(self):
        for start in range(0, len(self.ids), self.CHUNK):
            yield from self[start : start + self.CHUNK]


def external_organizations_in_order(*, actor, query: str = "") -> InVietnameseOrder:
    """The danh mục cơ quan bên ngoài as its list pages show it: in Vietnamese order of names."""
    return InVietnameseOrder(external_organizations(actor=actor, query=query), "name")


@dataclass
class TreeNode:
    """One assignment of the processing tree, with its log entries and children."""

    assignment: Assignment
    entries: list = field(default_factory=list)
    children: list = field(default_factory=list)


@dataclass
class ProcessingTree:
    """Document-level entries (received, registered, presented, directed…) and the assignments."""

    entries: list
    roots: list


def processing_tree(*, actor, document: IncomingDocument) -> ProcessingTree:
    assignments = list(
        Assignment.objects.restrict(actor, "view")
        .filter(document=document)
        .select_related("unit", "user", "assigned_by")
        .order_by("pk")
    )
    entries = list(
        ProcessingEntry.objects.restrict(actor, "view")
        .filter(document=document)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    nodes = {a.pk: TreeNode(a) for a in assignments}
    top_entries = []
    for e in entries:
        node = nodes.get(e.assignment_id)
        if node is None:
            top_entries.append(e)
        elif e.action != "assigned":
            # The node itself shows who assigned it and when.
            node.entries.append(e)
    roots = []
    for a in assignments:
        parent = nodes.get(a.parent_id)
        (parent.children if parent else roots).append(nodes[a.pk])
    return ProcessingTree(entries=top_entries, roots=roots)


def assignable_people(*, actor, unit_ids):
    """Officials holding an active position in ``unit_ids`` (pickers)."""
    from congvu.accounts.models import Position, User

    ids = Position.objects.active().filter(unit_id__in=unit_ids).values("user_id")
    return (
        User.objects.restrict(actor, "view")
        .filter(pk__in=ids, is_active=True, kind="official")
        .order_by("full_name")
    )
