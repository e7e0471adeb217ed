"""Keep the index in step until the document services call the indexer themselves.

A deliberate, documented side effect: ``post_save``/``post_delete`` of
``IncomingDocument`` and ``OutgoingDocument``, and of the assignments, review
steps and recipients that decide who sees them (the row's access tokens),
schedule an index update after the transaction commits (nothing runs if it
rolls back; once per document and transaction). Attachments added
without saving their document are picked up by the service hook or by
``congvu search_reindex``; the text of an attachment, extracted after its
upload committed, reindexes its document when it is saved (``text_extracted``).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .models import Kind
from .services import search_index_update_on_commit


def _on_save(kind):
    def receiver(sender, instance, raw=False, **kwargs):
        if not raw:
            search_index_update_on_commit(kind, instance.pk)

    return receiver


def _on_related(kind):
    # Assignments, review steps and recipients change who may see the document: its
    # row's access tokens (access.py) are rebuilt with it.
    def receiver(sender, instance, raw=False, **kwargs):
        if not raw and instance.document_id is not None:
            search_index_update_on_commit(kind, instance.document_id)

    return receiver


def _on_text_extracted(sender, stored, **kwargs):
    kind = _KIND_OF_OWNER.get(stored.owner_type)
    if kind is not None:
        search_index_update_on_commit(kind, int(stored.owner_id))


_RECEIVERS = {}
_KIND_OF_OWNER = {}


def connect() -> None:
    from congvu.incoming.models import IncomingDocument
    from congvu.outgoing.models import OutgoingDocument

    for model, kind in ((IncomingDocument, Kind.INCOMING), (OutgoingDocument, Kind.OUTGOING)):
        _KIND_OF_OWNER[model._meta.label_lower] = kind
        receiver = _RECEIVERS.setdefault(kind, _on_save(kind))
        post_save.connect(receiver, sender=model, dispatch_uid=f"congvu.search.save.{kind}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"congvu.search.delete.{kind}")
    from congvu.incoming.models import Assignment
    from congvu.outgoing.models import Recipient, ReviewStep

    for model, kind in (
        (Assignment, Kind.INCOMING),
        (ReviewStep, Kind.OUTGOING),
        (Recipient, Kind.OUTGOING),
    ):
        receiver = _RECEIVERS.setdefault(f"{kind}.{model.__name__}", _on_related(kind))
        uid = f"congvu.search.{model._meta.model_name}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete")
    from congvu.files.services import text_extracted

    text_extracted.connect(_on_text_extracted, dispatch_uid="congvu.search.text_extracted")
