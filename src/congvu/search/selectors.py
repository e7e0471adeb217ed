"""Search reads: scope first (``restrict``), then filters, then the text match."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Window
from django.urls import reverse
from django.utils.safestring import SafeString

from congvu.core.authz import as_actor

from .backends import get_backend
from .models import Kind, SearchDocument
from .ranking import ranked
from .text import highlight, query_terms, search_fold

FILTER_KEYS = (
    "kind",
    "type",
    "issuer",
    "date_from",
    "date_to",
    "register",
    "status",
    "secrecy",
)


def _apply_filters(qs, filters: dict):
    f = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("type"):
        qs = qs.filter(document_type_id=getattr(f["type"], "pk", f["type"]))
    if f.get("issuer"):
        for word in search_fold(f["issuer"]).split():
            qs = qs.filter(issuer_folded__contains=word)
    if f.get("date_from"):
        qs = qs.filter(date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(date__lte=f["date_to"])
    if f.get("register"):
        qs = qs.filter(register_id=getattr(f["register"], "pk", f["register"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if "secrecy" in f:
        qs = qs.filter(secrecy=int(f["secrecy"]))
    return qs


def search_documents(*, actor, query: str = "", filters: dict | None = None):
    """Index rows the actor may see matching ``query`` and ``filters``, best first.

    Nothing without a query or a filter (the box is not a list of everything).
    """
    a = as_actor(actor)
    terms = query_terms(query)
    active = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if not terms and not active:
        return SearchDocument.objects.none()
    qs = _apply_filters(SearchDocument.objects.restrict(a, "view"), active)
    if not terms:
        return qs.order_by("-date", "-pk")
    backend = get_backend()
    found = ranked(backend.match(qs, terms), query)
    loose = backend.fallback(qs, terms, narrowed=not a.is_system_admin)
    if loose is not None and not found.exists():
        return loose
    return found


@dataclass(frozen=True)
class SearchHit:
    """One result: the index row, its link and the highlighted snippet (safe HTML)."""

    kind: str
    kind_label: str
    object_id: int
    number_notation: str
    subject: SafeString
    issuer: str
    date: datetime.date | None
    status: str
    status_label: str
    secrecy: int
    snippet: SafeString
    url: str


def status_choices() -> list[tuple[str, str]]:
    """Statuses of both kinds, for the filter (same key, one entry)."""
    from congvu.incoming.constants import Status as InStatus
    from congvu.outgoing.constants import Status as OutStatus

    seen: dict[str, str] = {}
    for value, label in [*InStatus.choices, *OutStatus.choices]:
        seen.setdefault(value, label)
    return list(seen.items())


def status_label(kind: str, status: str) -> str:
    from congvu.incoming.constants import Status as InStatus
    from congvu.outgoing.constants import Status as OutStatus

    enum = InStatus if kind == Kind.INCOMING else OutStatus
    try:
        return str(enum(status).label)
    except ValueError:
        return status


#: The columns :func:`to_hits` reads.
HIT_FIELDS = (
    "kind",
    "object_id",
    "number_notation",
    "subject",
    "issuer",
    "date",
    "status",
    "secrecy",
    "content",
)
_DETAIL = {Kind.INCOMING: "incoming:detail", Kind.OUTGOING: "outgoing:detail"}


def to_hits(rows, query: str) -> list[SearchHit]:
    terms = query_terms(query)
    return [
        SearchHit(
            kind=row.kind,
            kind_label=str(Kind(row.kind).label),
            object_id=row.object_id,
            number_notation=row.number_notation,
            subject=highlight(row.subject, terms, width=400),
            issuer=row.issuer,
            date=row.date,
            status=row.status,
            status_label=status_label(row.kind, row.status),
            secrecy=row.secrecy,
            snippet=highlight(row.content, terms),
            url=reverse(_DETAIL[row.kind], args=[row.object_id]),
        )
        for row in rows
    ]


def _page(qs, offset: int, limit: int) -> tuple[list, int]:
    """One page and the total in one query: ``COUNT(*) OVER ()`` is computed over every
    matching row before the LIMIT, so the text match and the scope run once, not twice
    (a separate ``count()``). Past the last page there is no row to carry it: count then."""
    # Only what a hit shows: ``body`` (the folded copy) and ``access`` stay in the table.
    qs = qs.only(*HIT_FIELDS)
    rows = list(qs.annotate(total_matches=Window(Count("pk")))[offset : offset + limit])
    if rows:
        return rows, rows[0].total_matches
    return [], (qs.count() if offset else 0)


def search(*, actor, query: str = "", filters: dict | None = None, limit=20, offset=0):
    """``(hits, total)`` of one page of results."""
    terms = query_terms(query)
    if not terms:
        qs = search_documents(actor=actor, query=query, filters=filters)
        rows, total = _page(qs, offset, limit)
    else:
        # As search_documents, but the page's total decides on the fallback: no exists().
        backend, a = get_backend(), as_actor(actor)
        qs = _apply_filters(SearchDocument.objects.restrict(a, "view"), filters)
        loose = backend.fallback(qs, terms, narrowed=not a.is_system_admin)
        rows, total = _page(ranked(backend.match(qs, terms), query), offset, limit)
        if not total and loose is not None:
            rows, total = _page(loose, offset, limit)
    return to_hits(rows, query), total
