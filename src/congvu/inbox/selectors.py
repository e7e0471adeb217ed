""" "Việc của tôi": what waits for the actor, per category, through the apps' selectors.

Every category is a queryset built by the incoming/outgoing selectors, which
start from ``restrict()``; a count is one ``COUNT`` query with the scope as
subqueries (no per-row work), so :func:`inbox_counts` costs one query per
category plus the actor's facts (resolved once per request).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.core.authz import Actor, as_actor
from congvu.incoming import selectors as incoming
from congvu.incoming.constants import OPEN_STATUSES, AssignmentRole, AssignmentStatus, Status
from congvu.incoming.models import Assignment, IncomingDocument
from congvu.outgoing import selectors as outgoing

INCOMING = "incoming"
OUTGOING = "outgoing"

#: Urgent first (Hỏa tốc … Khẩn), then the nearest deadline, then the oldest arrival.
INCOMING_ORDER = [
    "-urgency",
    F("deadline").asc(nulls_last=True),
    "arrival_date",
    "pk",
]
OUTGOING_ORDER = ["-urgency", "created_at", "pk"]


def _units_with(actor: Actor, roles) -> set[int]:
    return {unit for unit, held in actor.roles.items() if held & set(roles)}


def overdue_documents(actor, today: datetime.date | None = None):
    """Incoming documents past a deadline that concern the actor.

    - handling past the document's deadline, for documents the actor handles
      or directs (``incoming.selectors.overdue``);
    - an open assignment of the actor past its own deadline;
    - for the văn thư: not registered / not presented after the next working
      day (Decree 30 Art. 4(2)(c)).

    Query shape: each arm is a scoped (``restrict``) query narrowed by a
    condition an index answers (unit + status, the assignee); the arms are
    combined with ``UNION ALL`` as the ``IN`` list of one query. The set is the
    one the ``OR`` of the arms gave, but PostgreSQL no longer scans the whole
    table for an ``OR`` of subqueries (docs/benchmarks.md).
    """
    a = as_actor(actor)
    today = today or timezone.localdate()
    leader_units = _units_with(a, LEADER_ROLES)
    clerk_units = _units_with(a, {Role.CLERK})
    visible = IncomingDocument.objects.restrict(a, "view")
    late = visible.filter(status__in=[Status.DIRECTED, Status.IN_PROGRESS], deadline__lt=today)
    mine = (
        Assignment.objects.filter(status=AssignmentStatus.OPEN, document__status__in=OPEN_STATUSES)
        .filter(Q(user_id=a.user_id) | Q(user__isnull=True, unit_id__in=leader_units))
        .exclude(role=AssignmentRole.INFO)
    )
    arms = [
        late.filter(pk__in=mine.values("document_id")),
        visible.filter(pk__in=mine.filter(deadline__lt=today).values("document_id")),
    ]
    if leader_units:
        arms.append(late.filter(unit_id__in=leader_units))
    if clerk_units:
        cutoff = incoming.same_day_cutoff(today)
        # One arm: the (unit, status) index answers the IN list as well.
        arms.append(
            visible.filter(
                unit_id__in=clerk_units,
                arrival_date__lt=cutoff,
                status__in=[Status.PENDING, Status.REGISTERED],
            )
        )
    arms = [arm.order_by().values("pk") for arm in arms]
    ids = arms[0].union(*arms[1:], all=True)
    # Every arm is already scoped by restrict(); scoping the outer query again
    # would bring back the full-table OR.
    return IncomingDocument.objects.select_related("unit", "document_type", "register").filter(
        pk__in=ids
    )


@dataclass(frozen=True)
class Category:
    """One tab of the inbox: which documents, for whom, and where they open."""

    key: str
    label: str | Promise
    kind: str
    queryset: Callable[[Actor], object]
    roles: frozenset[str] | None = None

    def applies_to(self, actor: Actor) -> bool:
        if self.roles is None:
            return True
        return bool(actor.all_roles & self.roles)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "register",
        _("Chờ vào sổ"),
        INCOMING,
        lambda a: incoming.pending_internal(actor=a),
        frozenset({Role.CLERK}),
    ),
    Category(
        "present",
        _("Chờ trình"),
        INCOMING,
        lambda a: incoming.to_present(actor=a),
        frozenset({Role.CLERK}),
    ),
    Category(
        "direct",
        _("Chờ chỉ đạo"),
        INCOMING,
        lambda a: incoming.to_direct(actor=a),
        frozenset(LEADER_ROLES),
    ),
    Category("process", _("Cần xử lý"), INCOMING, lambda a: incoming.to_process(actor=a)),
    Category("review", _("Chờ cho ý kiến"), OUTGOING, lambda a: outgoing.to_review(actor=a)),
    Category(
        "sign",
        _("Chờ duyệt ký"),
        OUTGOING,
        lambda a: outgoing.to_sign(actor=a),
        frozenset(LEADER_ROLES),
    ),
    Category(
        "issue",
        _("Chờ phát hành"),
        OUTGOING,
        lambda a: outgoing.to_issue(actor=a),
        frozenset({Role.CLERK}),
    ),
    Category("overdue", _("Quá hạn"), INCOMING, overdue_documents),
)
CATEGORY_KEYS = tuple(c.key for c in CATEGORIES)
_BY_KEY = {c.key: c for c in CATEGORIES}


def categories_for(actor) -> list[Category]:
    """The tabs that apply to the actor's roles."""
    a = as_actor(actor)
    if not a.is_official:
        return []
    return [c for c in CATEGORIES if c.applies_to(a)]


def category_queryset(actor, key: str):
    """The ordered queryset of one category (urgent first, then the deadline)."""
    category = _BY_KEY.get(key)
    if category is None:
        raise ValueError(f"Unknown inbox category {key!r}")
    a = as_actor(actor)
    qs = category.queryset(a)
    order = INCOMING_ORDER if category.kind == INCOMING else OUTGOING_ORDER
    return qs.order_by(*order)


def inbox_counts(actor) -> dict[str, int]:
    """Category key → count, for the categories that apply to the actor (one query each)."""
    a = as_actor(actor)
    return {c.key: c.queryset(a).order_by().count() for c in categories_for(a)}


@dataclass(frozen=True)
class InboxItem:
    """One row of an inbox list, the same shape for văn bản đến and văn bản đi."""

    kind: str
    pk: int
    number_notation: str
    subject: str
    unit_name: str
    urgency: int
    urgency_label: str
    secrecy: int
    deadline: datetime.date | None
    date: datetime.date | None
    status_label: str
    url: str
    overdue: bool


def _incoming_item(doc, today) -> InboxItem:
    return InboxItem(
        kind=INCOMING,
        pk=doc.pk,
        number_notation=doc.number_notation,
        subject=doc.subject,
        unit_name=doc.issuer_name,
        urgency=doc.urgency,
        urgency_label=doc.get_urgency_display() if doc.urgency else "",
        secrecy=doc.secrecy,
        deadline=doc.deadline,
        date=doc.arrival_date,
        status_label=doc.get_status_display(),
        url=reverse("incoming:detail", args=[doc.pk]),
        overdue=bool(doc.deadline and doc.deadline < today),
    )


def _outgoing_item(doc, today) -> InboxItem:
    return InboxItem(
        kind=OUTGOING,
        pk=doc.pk,
        number_notation=doc.number_notation,
        subject=doc.subject,
        unit_name=doc.unit.name,
        urgency=doc.urgency,
        urgency_label=doc.get_urgency_display() if doc.urgency else "",
        secrecy=doc.secrecy,
        deadline=None,
        date=timezone.localtime(doc.created_at).date() if doc.created_at else None,
        status_label=doc.get_status_display(),
        url=reverse("outgoing:detail", args=[doc.pk]),
        overdue=False,
    )


def inbox_list(actor, category: str, limit: int = 20, offset: int = 0) -> list[InboxItem]:
    """One page of a category, urgent first then by deadline (one query)."""
    kind = _BY_KEY[category].kind if category in _BY_KEY else None
    qs = category_queryset(actor, category)
    today = timezone.localdate()
    make = _incoming_item if kind == INCOMING else _outgoing_item
    return [make(doc, today) for doc in qs[offset : offset + limit]]
