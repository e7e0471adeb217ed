""" "Việc của tôi": what waits for the actor, per category, through the apps' selectors.

Every category is a condition (``Q``) from the incoming/outgoing selectors on
top of the app's scoped queryset (``documents()``, which starts from
``restrict()``). The list of a category is that queryset filtered by its
condition; :func:`inbox_counts` counts every category of one app in ONE query
(``COUNT(*) FILTER (WHERE condition)`` over the scope narrowed by the ``OR`` of
the conditions), so the page costs two count queries whatever the roles, and
each count has exactly the membership of its list.
"""

from __future__ import annotations

import datetime
import functools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.core.authz import Actor, as_actor
from congvu.core.lookups import in_subquery
from congvu.core.sqlcache import SQLCache
from congvu.incoming import selectors as incoming
from congvu.incoming.constants import Status
from congvu.incoming.models import IncomingDocument
from congvu.outgoing import selectors as outgoing
from congvu.outgoing.constants import SIGNING_PROBLEMS
from congvu.outgoing.models import OutgoingDocument

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
SUBJECT_CHARS = 140

#: The scoped queryset of each kind: every category narrows it.
SCOPES: dict[str, Callable[[Actor], object]] = {
    INCOMING: lambda a: incoming.documents(actor=a),
    OUTGOING: lambda a: outgoing.documents(actor=a),
}

#: The columns a row of the list shows (``InboxItem``); the rest stays in the table.
LIST_FIELDS = {
    INCOMING: (
        "number_notation",
        "subject",
        "issuer_name",
        "urgency",
        "secrecy",
        "deadline",
        "arrival_date",
        "status",
    ),
    OUTGOING: (
        "number_notation",
        "subject",
        "unit__name",
        "urgency",
        "secrecy",
        "created_at",
        "status",
    ),
}


def _units_with(actor: Actor, roles) -> set[int]:
    return {unit for unit, held in actor.roles.items() if held & set(roles)}


def overdue_q(actor, today: datetime.date | None = None) -> Q:
    """The condition of "Quá hạn": incoming documents past a deadline that concern the actor.

    - handling past the document's deadline, for documents the actor handles
      or directs (``incoming.selectors.overdue``);
    - an open assignment of the actor past its own deadline;
    - for the văn thư: not registered / not presented after the next working
      day (Decree 30 Art. 4(2)(c)).

    Query shape: each arm has a condition an index answers (unit + status, or
    the primary key against the actor's assignments written as
    ``= ANY(ARRAY(…))``, see ``congvu.core.lookups``), so PostgreSQL combines
    the arms with a ``BitmapOr`` instead of scanning the table for an ``OR``
    of subqueries (docs/inbox-and-search.md).
    """
    a = as_actor(actor)
    today = today or timezone.localdate()
    leader_units = _units_with(a, LEADER_ROLES)
    clerk_units = _units_with(a, {Role.CLERK})
    late = Q(status__in=[Status.DIRECTED, Status.IN_PROGRESS], deadline__lt=today)
    # One subquery for both of the actor's own arms: an open assignment past its
    # own deadline, or on a document past the document's deadline.
    mine_late = incoming._open_assignments_of(a).filter(
        Q(deadline__lt=today)
        | Q(
            document__status__in=[Status.DIRECTED, Status.IN_PROGRESS],
            document__deadline__lt=today,
        )
    )
    condition = Q(in_subquery("pk", mine_late.values("document_id")))
    if leader_units:
        condition |= late & Q(unit_id__in=leader_units)
    if clerk_units:
        condition |= Q(
            unit_id__in=clerk_units,
            arrival_date__lt=incoming.same_day_cutoff(today),
            status__in=[Status.PENDING, Status.REGISTERED],
        )
    return condition


def overdue_documents(actor, today: datetime.date | None = None):
    """Incoming documents past a deadline that concern the actor (see :func:`overdue_q`)."""
    a = as_actor(actor)
    return incoming.documents(actor=a).filter(overdue_q(a, today))


@dataclass(frozen=True)
class Category:
    """One tab of the inbox: which documents (a condition on its kind's scope), for whom."""

    key: str
    label: str | Promise
    kind: str
    condition: Callable[[Actor], Q]
    roles: frozenset[str] | None = None
    #: Its own order (the queryset ordered, maybe annotated), instead of its kind's.
    order: Callable | None = None
    #: Columns a row reads besides its kind's ``LIST_FIELDS`` (annotations of ``order``).
    extra_fields: tuple[str, ...] = ()

    def applies_to(self, actor: Actor) -> bool:
        if self.roles is None:
            return True
        return bool(actor.all_roles & self.roles)

    def queryset(self, actor: Actor):
        return SCOPES[self.kind](actor).filter(self.condition(actor))


CATEGORIES: tuple[Category, ...] = (
    Category(
        "register",
        _("Chờ vào sổ"),
        INCOMING,
        incoming.pending_internal_q,
        frozenset({Role.CLERK}),
    ),
    Category(
        "present",
        _("Chờ trình"),
        INCOMING,
        incoming.to_present_q,
        frozenset({Role.CLERK}),
    ),
    Category(
        "direct",
        _("Chờ chỉ đạo"),
        INCOMING,
        incoming.to_direct_q,
        frozenset(LEADER_ROLES),
    ),
    Category("process", _("Cần xử lý"), INCOMING, incoming.to_process_q),
    Category("review", _("Chờ cho ý kiến"), OUTGOING, outgoing.to_review_q),
    Category(
        "sign",
        _("Chờ duyệt ký"),
        OUTGOING,
        outgoing.to_sign_q,
        frozenset(LEADER_ROLES),
    ),
    Category(
        "issue",
        _("Chờ phát hành"),
        OUTGOING,
        outgoing.to_issue_q,
        frozenset({Role.CLERK}),
    ),
    Category(
        "signing",
        _("Chờ ký số"),
        OUTGOING,
        outgoing.awaiting_signature_q,
        frozenset({Role.CLERK}),
        # Refused or expired first (the văn thư sends again or voids), as the outgoing tab.
        order=outgoing.signing_queue_order,
        extra_fields=("remote_state",),
    ),
    Category("overdue", _("Quá hạn"), INCOMING, overdue_q),
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
    if category.order is not None:
        return category.order(qs)
    order = INCOMING_ORDER if category.kind == INCOMING else OUTGOING_ORDER
    return qs.order_by(*order)


#: The compiled count statements of the inbox, per :func:`_sql_key` (congvu.core.sqlcache).
COUNT_SQL = SQLCache(maxsize=2048)
#: The compiled statement of each page of each category, per :func:`_sql_key`.
LIST_SQL = SQLCache(maxsize=1024)


def actor_key(actor: Actor) -> tuple:
    """Every fact of the actor that the inbox's SQL text depends on (its cache key).

    The scopes (``restrict()`` policies) and the categories' conditions read
    only these: the user and its kind, the roles per unit (delegated roles
    included), the administered subtrees and the clearance. ``Actor`` carries
    nothing else; ``tests/inbox/test_sql_cache.py`` fails when it gains a field.
    """
    user = actor.user
    return (
        actor.user_id,
        getattr(user, "kind", None),
        bool(getattr(user, "is_superuser", False)),
        bool(getattr(user, "is_active", False)),
        tuple(sorted((unit, tuple(sorted(roles))) for unit, roles in actor.roles.items())),
        tuple(sorted(actor.admin_unit_ids)),
        actor.clearance,
    )


def _sql_key(actor: Actor, *what) -> tuple:
    """What the SQL of a count or a page (``what``) depends on: the actor, today, and the
    working-day calendar through the registration cut-off of "Quá hạn" (an override
    changes it)."""
    today = timezone.localdate()
    return (*what, actor_key(actor), today, incoming.same_day_cutoff(today))


def count_categories(actor, categories) -> dict[str, int]:
    """Category key → count for ``categories``: one query per kind (văn bản đến, đi).

    The scope is narrowed by the ``OR`` of the conditions (so the indexes of
    each condition still answer) and each category counts the rows that meet
    its own condition: the same rows as ``category.queryset(actor).count()``.
    Building that query costs more CPU than running it, so its compiled SQL is
    kept per :func:`_sql_key` (``COUNT_SQL``); the counts are always read fresh.
    """
    a = as_actor(actor)
    counts: dict[str, int] = {}
    for kind in (INCOMING, OUTGOING):
        chosen = tuple(c for c in categories if c.kind == kind)
        if not chosen:
            continue
        counts.update(
            COUNT_SQL.fetch_row(
                _sql_key(a, kind, tuple(c.key for c in chosen)),
                lambda kind=kind, chosen=chosen: _count_kind(a, kind, chosen),
            )
        )
    return {c.key: counts[c.key] for c in categories}


def _count_kind(actor: Actor, kind: str, categories) -> dict[str, int]:
    conditions = {c.key: c.condition(actor) for c in categories}
    scope = SCOPES[kind](actor).select_related(None).order_by()
    if len(conditions) == 1:
        ((key, condition),) = conditions.items()
        return scope.filter(condition).aggregate(**{key: Count("pk")})
    return scope.filter(reduce(or_, conditions.values())).aggregate(
        **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
    )


def inbox_counts(actor) -> dict[str, int]:
    """Category key → count, for the categories that apply to the actor (two queries)."""
    a = as_actor(actor)
    return count_categories(a, categories_for(a))


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
    #: A remote signature refused or expired ("refused", "expired"): the văn thư must act.
    signing_problem: str = ""

    # What the row shows, formatted here: a template filter per row and cell
    # costs more than the rest of the row (the page renders 20 at a time).
    @property
    def subject_short(self) -> str:
        """``subject|truncatechars:140``."""
        text = unicodedata.normalize("NFC", self.subject)
        return text if len(text) <= SUBJECT_CHARS else Truncator(text).chars(SUBJECT_CHARS)

    @property
    def deadline_text(self) -> str:
        """``deadline|date:"d/m/Y"``."""
        return self.deadline.strftime("%d/%m/%Y") if self.deadline else ""


@functools.cache
def _choices(model, name: str) -> dict:
    """Value → (lazy) label of a field's choices: ``get_FOO_display()`` without the instance."""
    return dict(model._meta.get_field(name).flatchoices)


def _label(model, name: str, value) -> str:
    return str(_choices(model, name).get(value, value))


def _incoming_item(row, today, url: str) -> InboxItem:
    pk, number_notation, subject, issuer_name, urgency, secrecy, deadline, arrival, status = row
    return InboxItem(
        kind=INCOMING,
        pk=pk,
        number_notation=number_notation,
        subject=subject,
        unit_name=issuer_name,
        urgency=urgency,
        urgency_label=_label(IncomingDocument, "urgency", urgency) if urgency else "",
        secrecy=secrecy,
        deadline=deadline,
        date=arrival,
        status_label=_label(IncomingDocument, "status", status),
        url=url.format(pk=pk),
        overdue=bool(deadline and deadline < today),
    )


def _outgoing_item(row, today, url: str) -> InboxItem:
    pk, number_notation, subject, unit_name, urgency, secrecy, created_at, status, *extra = row
    problem = extra[0] if extra and extra[0] in SIGNING_PROBLEMS else ""
    return InboxItem(
        kind=OUTGOING,
        pk=pk,
        number_notation=number_notation,
        subject=subject,
        unit_name=unit_name,
        urgency=urgency,
        urgency_label=_label(OutgoingDocument, "urgency", urgency) if urgency else "",
        secrecy=secrecy,
        deadline=None,
        date=timezone.localtime(created_at).date() if created_at else None,
        status_label=(
            str(SIGNING_PROBLEMS[problem])
            if problem
            else _label(OutgoingDocument, "status", status)
        ),
        url=url.format(pk=pk),
        overdue=False,
        signing_problem=problem,
    )


def _detail_url(name: str) -> str:
    """The detail URL of ``name`` with a ``{pk}`` slot: one reverse() per list, not per row."""
    marker = 987654321
    return reverse(name, args=[marker]).replace(str(marker), "{pk}")


def inbox_list(actor, category: str, limit: int = 20, offset: int = 0) -> list[InboxItem]:
    """One page of a category, urgent first then by deadline (one query, its SQL kept
    like the counts' in ``LIST_SQL``; the rows are read fresh)."""
    if category not in _BY_KEY:
        raise ValueError(f"Unknown inbox category {category!r}")
    a = as_actor(actor)
    kind = _BY_KEY[category].kind
    fields = (*LIST_FIELDS[kind], *_BY_KEY[category].extra_fields)
    today = timezone.localdate()
    if kind == INCOMING:
        make, url = _incoming_item, _detail_url("incoming:detail")
    else:
        make, url = _outgoing_item, _detail_url("outgoing:detail")

    def build():
        qs = category_queryset(a, category).values_list("pk", *fields)
        return qs[offset : offset + limit]

    rows = LIST_SQL.fetch_rows(_sql_key(a, category, offset, limit), build)
    return [make(row, today, url) for row in rows]
