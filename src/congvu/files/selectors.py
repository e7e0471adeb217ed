"""Reading stored files: always through the owner's scope."""

from __future__ import annotations

from django.db import models
from django.http import Http404

from congvu.core.authz import as_actor

from .models import StoredFile
from .policies import owner_ids, owner_model


def owner_visible(*, actor, owner_type: str, owner_id: str, action: str = "view") -> bool:
    model = owner_model(owner_type)
    if model is None:
        return False
    ids = owner_ids(model, as_actor(actor), action)
    if ids is None:
        return False
    return ids.filter(_owner_key=str(owner_id)).exists()


def file_for_download(*, actor, pk) -> StoredFile:
    """The stored file ``pk`` if ``actor`` may see its owner; ``Http404`` otherwise."""
    stored = StoredFile.objects.filter(pk=pk).first()
    if stored is None or not owner_visible(
        actor=actor, owner_type=stored.owner_type, owner_id=stored.owner_id
    ):
        raise Http404
    return stored


def files_of(owner: models.Model, purpose: str | None = None):
    """Files attached to ``owner`` (the caller has already fetched ``owner`` through ``restrict``)."""
    qs = StoredFile.objects.filter(owner_type=owner._meta.label_lower, owner_id=str(owner.pk))
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.order_by("purpose", "version", "pk")


def latest_version(owner: models.Model, purpose: str) -> StoredFile | None:
    """The newest version of a versioned file (e.g. ``purpose="draft"``)."""
    return files_of(owner, purpose).order_by("-version", "-pk").first()


def signature_summaries(owners) -> dict[str, str]:
    """``{str(pk): status}`` of the PDF files of ``owners`` (one model), the worst per owner.

    One query for a page of a register; an owner without a PDF is not in the result.
    """
    from .verification import PDF, summary

    if not owners:
        return {}
    found: dict[str, list[str]] = {}
    rows = StoredFile.objects.filter(
        owner_type=owners[0]._meta.label_lower,
        owner_id__in=[str(o.pk) for o in owners],
        content_type=PDF,
    ).values_list("owner_id", "signature_status")
    for owner_id, status in rows:
        found.setdefault(owner_id, []).append(status)
    return {owner_id: summary(statuses) for owner_id, statuses in found.items()}
