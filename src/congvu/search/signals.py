"""Keep the index in step until the document services call the indexer themselves.

A deliberate, documented side effect: ``post_save``/``post_delete`` of
``IncomingDocument`` and ``OutgoingDocument`` schedule an index update after
the transaction commits (nothing runs if it rolls back). Attachments added
without saving their document are picked up by the service hook or by
``congvu search_reindex``.
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


_RECEIVERS = {}


def connect() -> None:
    from congvu.incoming.models import IncomingDocument
    from congvu.outgoing.models import OutgoingDocument

    for model, kind in ((IncomingDocument, Kind.INCOMING), (OutgoingDocument, Kind.OUTGOING)):
        receiver = _RECEIVERS.setdefault(kind, _on_save(kind))
        post_save.connect(receiver, sender=model, dispatch_uid=f"congvu.search.save.{kind}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"congvu.search.delete.{kind}")
