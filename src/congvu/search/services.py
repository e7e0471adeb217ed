"""Keeping the search index in step with the documents.

:func:`search_index_update` rebuilds one document's row and
:func:`search_index_update_many` a batch's; the changes of the incoming and outgoing
services (through the ``post_save`` receivers in ``signals.py``) record their
documents as pending, and the indexer (``indexer.py``) applies them in batches after
the commit. It reads the document itself by
primary key, so it never indexes rolled-back or stale data. Index rows are
not audited: they are a derived copy, rebuilt by ``congvu search_reindex``.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from .access import new_row_tokens, row_tokens, rows_tokens
from .backends import get_backend
from .engines.sync import record as record_changes
from .indexer import indexed_in_block, search_index_later, supersede
from .indexer import search_index_in_transaction as search_index_in_transaction
from .models import Kind, SearchDocument
from .ranking import ranked_columns
from .text import index_body, search_fold

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


def _attachment_texts(kind: str, docs) -> dict:
    """The attachment text of each document (its files' extracted texts, newest version
    first, each distinct text once, at most ``MAX_ATTACHMENT_CHARS``), in one query."""
    from congvu.files.models import StoredFile

    if not docs:
        return {}
    rows = (
        StoredFile.objects.filter(
            owner_type=_model(kind)._meta.label_lower, owner_id__in=[str(d.pk) for d in docs]
        )
        .exclude(text="")
        .order_by("owner_id", "-version", "pk")
        .values_list("owner_id", "text")
    )
    texts: dict[str, list[str]] = {}
    sizes: dict[str, int] = {}
    for owner, text in rows:
        got, size = texts.setdefault(owner, []), sizes.get(owner, 0)
        if size >= MAX_ATTACHMENT_CHARS or text in got:
            continue
        got.append(text[: MAX_ATTACHMENT_CHARS - size])
        sizes[owner] = size + len(got[-1])
    return {d.pk: "\n".join(texts.get(str(d.pk), [])) for d in docs}


def _attachment_text(doc) -> str:
    kind = Kind.INCOMING if doc._meta.model is _model(Kind.INCOMING) else Kind.OUTGOING
    return _attachment_texts(kind, [doc])[doc.pk]


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


def _row(kind: str, doc, *, attachments: str, access: str) -> SearchDocument:
    """The unsaved index row of ``doc``."""
    fields = _incoming_fields(doc) if kind == Kind.INCOMING else _outgoing_fields(doc)
    parts = [p for p in fields.pop("parts") if p]
    signer = fields.pop("signer") or ""
    if attachments:
        parts.append(attachments)
    content = "\n".join(parts)
    fields.update(
        content=content,
        body=index_body(content),
        issuer_folded=search_fold(fields["issuer"])[:255],
        **ranked_columns(fields["number_notation"], fields["subject"], fields["issuer"], signer),
        access=access,
    )
    return SearchDocument(kind=kind, object_id=doc.pk, updated_at=timezone.now(), **fields)


#: The columns an upsert rewrites (every field but the key).
_UPDATE_FIELDS = [
    f.name
    for f in SearchDocument._meta.concrete_fields
    if not f.primary_key and f.name not in ("kind", "object_id")
]


def _write_rows(rows: list[SearchDocument]) -> list[SearchDocument]:
    """Upsert ``rows`` in one ``INSERT … ON CONFLICT DO UPDATE … RETURNING id``.

    Where update_or_create needs a SELECT … FOR UPDATE, a write and two savepoints per
    row. Inside a transaction (``search_index_new``) it shares it: no savepoint.
    """
    if not rows:
        return rows
    backend = get_backend()
    with transaction.atomic(savepoint=False):
        SearchDocument.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=_UPDATE_FIELDS,
        )
        missing = [r for r in rows if r.pk is None]  # a database that returns no upsert ids
        if missing:
            ids = dict(
                SearchDocument.objects.filter(
                    kind=rows[0].kind, object_id__in=[r.object_id for r in missing]
                ).values_list("object_id", "pk")
            )
            for r in missing:
                r.pk = ids[r.object_id]
        backend.index_many(rows)
        record_changes([(r.kind, r.object_id) for r in rows])
    return rows


def _write_row(kind: str, doc, *, attachments: str, access: str) -> SearchDocument:
    return _write_rows([_row(kind, doc, attachments=attachments, access=access)])[0]


def _index(kind: str, pks) -> list[SearchDocument]:
    """Rebuild the rows of the documents ``pks`` of ``kind``, set-based; remove the gone."""
    model = _model(kind)
    pks = list(dict.fromkeys(pks))
    related = ["document_type", "unit"] + (["signer"] if kind == Kind.OUTGOING else [])
    docs = list(model._default_manager.select_related(*related).filter(pk__in=pks))
    for gone in set(pks) - {d.pk for d in docs}:
        search_index_remove(kind, gone)
    texts, access = _attachment_texts(kind, docs), rows_tokens(kind, docs)
    return _write_rows([_row(kind, d, attachments=texts[d.pk], access=access[d.pk]) for d in docs])


def search_index_update_many(kind: str, pks) -> int:
    """(Re)index the documents ``pks`` of ``kind``, set-based; returns the rows written.

    The documents, their attachment texts and their access tokens are read in one query
    each (two for outgoing tokens) and the rows written in one upsert, whatever the
    number of documents; the rows of documents that are gone are removed. Used by
    ``search_reindex`` and by anything that indexes many documents at once (issue 12:
    indexing throughput).
    """
    return len(_index(kind, pks))


def search_index_update(kind: str, obj) -> SearchDocument | None:
    """(Re)index the document ``obj`` (instance or primary key) of ``kind``; None if it is gone.

    Call it after the change has committed, e.g.
    ``transaction.on_commit(lambda: search_index_update("incoming", doc.pk))``.
    """
    rows = _index(kind, [getattr(obj, "pk", obj)])
    return rows[0] if rows else None


def search_index_new(kind: str, doc, *, has_attachments: bool = False) -> SearchDocument:
    """Index a document created in the current transaction, from its values in memory.

    For a service that has just saved ``doc`` and changes it no further
    (``incoming_register``): the row is written in the same transaction, so the
    document is searchable exactly when it is committed, without reading it back.
    ``has_attachments`` False: nothing of the document's own that the row reads was
    stored yet besides its row (no files with text, assignments, review steps or
    recipients), so neither the attachment text nor the access tokens need a query.
    The index request that saving ``doc`` recorded in this transaction
    (``signals.py``, ``indexer.py``) is deleted; a later save in this transaction
    records a new one. Saved inside ``search_index_in_transaction(kind)``, the
    document recorded none to delete.
    """
    supersede(kind, doc.pk)
    if has_attachments:
        row = _write_row(kind, doc, attachments=_attachment_text(doc), access=row_tokens(kind, doc))
    else:
        access = " ".join(sorted(new_row_tokens(kind, doc)))
        row = _write_row(kind, doc, attachments="", access=access)
    indexed_in_block(kind, doc.pk)
    return row


def search_index_remove(kind: str, pk) -> None:
    """Drop the index row of a deleted document."""
    backend = get_backend()
    with transaction.atomic():
        for row_id in SearchDocument.objects.filter(kind=kind, object_id=pk).values_list(
            "pk", flat=True
        ):
            backend.remove(row_id)
        SearchDocument.objects.filter(kind=kind, object_id=pk).delete()
        record_changes([(kind, int(pk))])


def search_index_update_on_commit(kind: str, pk) -> None:
    """Have the document reindexed after the current transaction commits.

    Records it as pending in this transaction (``indexer.search_index_later``); the
    indexer applies it after the commit, in batches. Nothing is indexed if the
    transaction rolls back.
    """
    search_index_later(kind, pk)


def search_reindex(*, batch_size: int = 200) -> int:
    """Rebuild the whole index (``congvu search_reindex``); returns the number of documents.

    In batches of ``batch_size`` documents (:func:`search_index_update_many`).
    """
    backend = get_backend()
    with transaction.atomic():
        backend.reset()
        SearchDocument.objects.all().delete()
    count = 0
    for kind in (Kind.INCOMING, Kind.OUTGOING):
        ids = list(_model(kind)._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            count += search_index_update_many(kind, ids[start : start + batch_size])
    return count
