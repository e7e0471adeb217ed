"""Attachments (tệp đính kèm) through ``congvu.files``."""

from __future__ import annotations

from django.apps import apps
from django.core.files.base import ContentFile

PURPOSE = "incoming"


def attach_files(*, actor, document, files) -> list:
    """Store ``files`` as attachments of ``document``; returns the stored files.

    Each item is an upload, or a ``StoredFile`` of another record (internal
    delivery: the original's file is copied, so the copy is visible exactly
    when the incoming document is). Without the files app nothing is stored.
    """
    files = [f for f in (files or []) if f]
    if not files or not apps.is_installed("congvu.files"):
        return []
    from congvu.files.models import StoredFile
    from congvu.files.services import file_open_verified, file_store

    stored = []
    for f in files:
        upload = f
        if isinstance(f, StoredFile):
            with file_open_verified(f) as fh:
                upload = ContentFile(fh.read(), name=f.original_name)
        stored.append(file_store(actor=actor, upload=upload, owner=document, purpose=PURPOSE))
    return stored


def document_files(document) -> list:
    """Attachments of ``document`` (already fetched through ``restrict``)."""
    if not apps.is_installed("congvu.files"):
        return []
    from congvu.files.selectors import files_of

    return list(files_of(document))
