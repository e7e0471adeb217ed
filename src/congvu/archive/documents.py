"""The documents a work file refers to: incoming and outgoing, always read through their restrict().

This module is the only place that knows how to look up, label and search
the two document kinds, so services, selectors and pages stay kind-agnostic.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from congvu.core.text import fold
from congvu.incoming.models import IncomingDocument
from congvu.outgoing.constants import ISSUED_STATES
from congvu.outgoing.models import OutgoingDocument

from .constants import DocumentKind


@dataclass
class DocumentRef:
    """A filed document as shown in a hồ sơ, built only from a document the actor may see."""

    kind: str
    id: int
    notation: str
    date: datetime.date | None
    subject: str
    issuer: str
    pages: int
    secrecy: int

    @property
    def kind_display(self) -> str:
        return str(DocumentKind(self.kind).label)


def incoming_queryset(actor):
    """Registered incoming documents (they carry a số đến) visible to ``actor``."""
    return IncomingDocument.objects.restrict(actor, "view").filter(register__isnull=False)


def outgoing_queryset(actor):
    """Issued outgoing documents visible to ``actor`` (drafts are not filed)."""
    return OutgoingDocument.objects.restrict(actor, "view").filter(status__in=ISSUED_STATES)


def _issued_date(doc: OutgoingDocument) -> datetime.date | None:
    return timezone.localdate(doc.issued_at) if doc.issued_at else None


def ref_of(kind: str, doc) -> DocumentRef:
    if kind == DocumentKind.INCOMING:
        return DocumentRef(
            kind=kind,
            id=doc.pk,
            notation=doc.number_notation,
            date=doc.document_date,
            subject=doc.subject,
            issuer=doc.issuer_name,
            pages=doc.page_count or 0,
            secrecy=doc.secrecy,
        )
    return DocumentRef(
        kind=kind,
        id=doc.pk,
        notation=doc.number_notation,
        date=_issued_date(doc),
        subject=doc.subject,
        issuer=doc.unit.name,
        pages=0,
        secrecy=doc.secrecy,
    )


def queryset_for(kind: str, actor):
    if kind == DocumentKind.INCOMING:
        return incoming_queryset(actor)
    if kind == DocumentKind.OUTGOING:
        return outgoing_queryset(actor).select_related("unit")
    return None


def visible_document(*, actor, kind: str, document_id) -> DocumentRef | None:
    """The document if ``actor`` may see it, else None (absent and hidden look the same)."""
    qs = queryset_for(kind, actor)
    if qs is None:
        return None
    try:
        doc = qs.get(pk=int(document_id))
    except (ValueError, TypeError, IncomingDocument.DoesNotExist, OutgoingDocument.DoesNotExist):
        return None
    return ref_of(kind, doc)


def visible_refs(*, actor, pairs) -> dict[tuple[str, int], DocumentRef]:
    """Resolve (kind, id) pairs to the refs ``actor`` may see; hidden ones are left out."""
    found: dict[tuple[str, int], DocumentRef] = {}
    for kind in (DocumentKind.INCOMING, DocumentKind.OUTGOING):
        ids = [pk for k, pk in pairs if k == kind]
        if not ids:
            continue
        for doc in queryset_for(kind, actor).filter(pk__in=ids):
            found[(kind, doc.pk)] = ref_of(kind, doc)
    return found


def all_refs(pairs) -> list[DocumentRef]:
    """Every referenced document, unrestricted: only for totals computed when a file closes."""
    refs = []
    for kind, model in (
        (DocumentKind.INCOMING, IncomingDocument),
        (DocumentKind.OUTGOING, OutgoingDocument),
    ):
        ids = [pk for k, pk in pairs if k == kind]
        if ids:
            qs = model._default_manager.filter(pk__in=ids)
            if model is OutgoingDocument:
                qs = qs.select_related("unit")
            refs += [ref_of(kind, doc) for doc in qs]
    return refs


def search(*, actor, query: str, limit: int = 20) -> list[DocumentRef]:
    """Documents ``actor`` may see whose số, ký hiệu or trích yếu contains ``query`` (folded)."""
    needle = fold(query or "")
    if len(needle) < 2:
        return []
    results: list[DocumentRef] = []
    words = needle.split()
    incoming = incoming_queryset(actor)
    for word in words:
        incoming = incoming.filter(search_text__contains=word)
    results += [
        ref_of(DocumentKind.INCOMING, d) for d in incoming.order_by("-arrival_date")[:limit]
    ]
    outgoing = outgoing_queryset(actor).select_related("unit")
    for word in words:
        outgoing = outgoing.filter(Q(search_text__contains=word))
    results += [ref_of(DocumentKind.OUTGOING, d) for d in outgoing.order_by("-issued_at")[:limit]]
    return results[:limit]
