"""Keeping the search index in step with the documents.

:func:`search_index_update` rebuilds one document's row; the incoming and
outgoing services (or, for now, the ``post_save`` receivers in ``signals.py``)
call it after their transaction commits. It reads the document itself by
primary key, so it never indexes rolled-back or stale data. Index rows are
not audited: they are a derived copy, rebuilt by ``congvu search_reindex``.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from .access import new_row_tokens, row_tokens
from .backends import get_backend
from .models import Kind, SearchDocument
from .ranking import ranked_columns
from .text import search_fold

logger = logging.getLogger(__name__)

#: At most this much attachment text is indexed per document.
MAX_ATTACHMENT_CHARS = 200_000


def _model(kind: str):
    if kind == Kind.INCOMING:
        from congvu.incoming.models import IncomingDocument

        return IncomingDocument
    if kind == Kind.OUTGOING:
        from congvu.outgoing.models import OutgoingDocument

        return OutgoingDocument
    raise ValueError(f"Unknown search kind {kind!r}")


def _attachment_text(doc) -> str:
    from congvu.files.models import StoredFile

    texts, seen, size = [], set(), 0
    rows = (
        StoredFile.objects.filter(owner_type=doc._meta.label_lower, owner_id=str(doc.pk))
        .exclude(text="")
        .order_by("-version", "pk")
        .values_list("text", flat=True)
    )
    for text in rows:
        if text in seen:
            continue
        seen.add(text)
        texts.append(text[: MAX_ATTACHMENT_CHARS - size])
        size += len(texts[-1])
        if size >= MAX_ATTACHMENT_CHARS:
            break
    return "\n".join(texts)


def _incoming_fields(doc) -> dict:
    return {
        "unit_id": doc.unit_id,
        "secrecy": doc.secrecy,
        "urgency": doc.urgency,
        "date": doc.document_date,
        "document_type_id": doc.document_type_id,
        "register_id": doc.register_id,
        "status": doc.status,
        "number_notation": doc.number_notation,
        "subject": doc.subject,
        "issuer": doc.issuer_name,
        "signer": doc.signer_name,
        "parts": [
            doc.number_notation,
            doc.document_type.name,
            doc.subject,
            doc.issuer_name,
            doc.signer_name,
        ],
    }


def _outgoing_fields(doc) -> dict:
    signer = doc.signer.full_name if doc.signer_id else ""
    date = doc.issued_at or doc.created_at
    return {
        "unit_id": doc.unit_id,
        "secrecy": doc.secrecy,
        "urgency": doc.urgency,
        # The day in Việt Nam: an aware datetime's own .date() is the UTC day.
        "date": timezone.localdate(date) if date else None,
        "document_type_id": doc.document_type_id,
        "register_id": doc.register_id,
        "status": doc.status,
        "number_notation": doc.number_notation,
        "subject": doc.subject,
        "issuer": doc.unit.name,
        "signer": signer,
        "parts": [
            doc.number_notation,
            doc.document_type.name,
            doc.subject,
            doc.unit.name,
            signer,
            doc.signer_title,
            doc.body,
        ],
    }


def _write_row(kind: str, doc, *, attachments: str, access: str) -> SearchDocument:
    fields = _incoming_fields(doc) if kind == Kind.INCOMING else _outgoing_fields(doc)
    parts = [p for p in fields.pop("parts") if p]
    signer = fields.pop("signer") or ""
    if attachments:
        parts.append(attachments)
    content = "\n".join(parts)
    fields.update(
        content=content,
        body=search_fold(content),
        issuer_folded=search_fold(fields["issuer"])[:255],
        **ranked_columns(fields["number_notation"], fields["subject"], fields["issuer"], signer),
        access=access,
    )
    backend = get_backend()
    # One INSERT … ON CONFLICT DO UPDATE (…RETURNING id) where update_or_create needs a
    # SELECT … FOR UPDATE, a write and two savepoints; this runs once per saved document.
    row = SearchDocument(kind=kind, object_id=doc.pk, updated_at=timezone.now(), **fields)
    # Inside a transaction (search_index_new) it shares it: no savepoint round trips.
    with transaction.atomic(savepoint=False):
        SearchDocument.objects.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=[*fields, "updated_at"],
        )
        if row.pk is None:  # a database that does not return ids from an upsert
            row.pk = SearchDocument.objects.get(kind=kind, object_id=doc.pk).pk
        backend.index(row)
    return row


def search_index_update(kind: str, obj) -> SearchDocument | None:
    """(Re)index the document ``obj`` (instance or primary key) of ``kind``; None if it is gone.

    Call it after the change has committed, e.g.
    ``transaction.on_commit(lambda: search_index_update("incoming", doc.pk))``.
    """
    model = _model(kind)
    pk = getattr(obj, "pk", obj)
    related = ["document_type", "unit"] + (["signer"] if kind == Kind.OUTGOING else [])
    doc = model._default_manager.select_related(*related).filter(pk=pk).first()
    if doc is None:
        search_index_remove(kind, pk)
        return None
    return _write_row(kind, doc, attachments=_attachment_text(doc), access=row_tokens(kind, doc))


def search_index_new(kind: str, doc, *, has_attachments: bool = False) -> SearchDocument:
    """Index a document created in the current transaction, from its values in memory.

    For a service that has just saved ``doc`` and changes it no further
    (``incoming_register``): the row is written in the same transaction, so the
    document is searchable exactly when it is committed, without reading it back.
    ``has_attachments`` False: nothing of the document's own was stored yet besides
    its row (no files, assignments, review steps or recipients), so neither the
    attachment text nor the access tokens need a query. The index request that
    saving ``doc`` scheduled for after the commit (``signals.py``) is dropped; a
    later save in this transaction schedules a new one.
    """
    _supersede_pending(kind, doc.pk)
    if has_attachments:
        return _write_row(
            kind, doc, attachments=_attachment_text(doc), access=row_tokens(kind, doc)
        )
    access = " ".join(sorted(new_row_tokens(kind, doc)))
    return _write_row(kind, doc, attachments="", access=access)


def search_index_remove(kind: str, pk) -> None:
    """Drop the index row of a deleted document."""
    backend = get_backend()
    with transaction.atomic():
        for row_id in SearchDocument.objects.filter(kind=kind, object_id=pk).values_list(
            "pk", flat=True
        ):
            backend.remove(row_id)
        SearchDocument.objects.filter(kind=kind, object_id=pk).delete()


def _supersede_pending(kind: str, pk) -> None:
    """Drop the pending index requests for this document at this or an inner savepoint."""
    key = (kind, pk)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        for sids, func, _robust in connection.run_on_commit:
            if getattr(func, "search_key", None) == key and current <= sids:
                func.superseded = True


def search_index_update_on_commit(kind: str, pk) -> None:
    """Schedule :func:`search_index_update` after the current transaction commits.

    Once per document and transaction: a service that saves a document several times
    (or its assignments, review steps, recipients) reindexes it once, with the last
    request. An earlier pending request is dropped only when the new one is at the
    same or an outer savepoint level, so a savepoint rollback never loses the update.
    ``robust``: a failure to index is logged and never breaks the change itself.
    """
    key = (kind, pk)
    _supersede_pending(kind, pk)

    def update():
        if not update.superseded:
            search_index_update(kind, pk)

    update.search_key, update.superseded = key, False
    transaction.on_commit(update, robust=True)


def search_reindex(*, batch_size: int = 500) -> int:
    """Rebuild the whole index (``congvu search_reindex``); returns the number of documents."""
    backend = get_backend()
    with transaction.atomic():
        backend.reset()
        SearchDocument.objects.all().delete()
    count = 0
    for kind in (Kind.INCOMING, Kind.OUTGOING):
        ids = _model(kind)._default_manager.order_by("pk").values_list("pk", flat=True)
        for pk in ids.iterator(chunk_size=batch_size):
            search_index_update(kind, pk)
            count += 1
    return count
