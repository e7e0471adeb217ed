"""Files of the online form kept while the form is corrected (PendingUpload).

A valid file is stored at once when the form comes back with an error, so
one bad file (or a forgotten field) never costs the citizen the good ones. At
submission the stored file moves onto the dossier: the same blob, checked
once, now owned by the dossier.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from congvu.audit.services import log_action
from congvu.files.models import StoredFile
from congvu.files.services import file_store, owner_label

from ..uploads import PendingUpload

#: Kept files older than this are dropped by :func:`pending_uploads_purge`.
KEEP_FOR = datetime.timedelta(days=1)


def holder_of(user, session_key: str | None) -> str:
    """Who holds kept files: the citizen's account, else the browser session."""
    if user is not None and getattr(user, "is_authenticated", False):
        return f"u:{user.pk}"
    return f"s:{session_key}" if session_key else ""


@transaction.atomic
def pending_upload_store(*, actor, holder: str, procedure, required_paper, upload):
    """Validate and keep one file of ``required_paper`` for ``holder``; raises ServiceError (field "file")."""
    pending = PendingUpload.objects.create(
        holder=holder, procedure=procedure, required_paper=required_paper
    )
    pending.file = file_store(actor=actor, upload=upload, owner=pending, purpose="paper")
    pending.save(update_fields=["file"])
    log_action(
        actor=actor,
        action="congvu.onestop.pendingupload.create",
        obj=pending,
        after={
            "holder": holder,
            "procedure": procedure.code,
            "required_paper": required_paper.pk,
            "file": pending.file_id,
        },
    )
    return pending


def pending_uploads_kept(*, holder: str, procedure, tokens, lock: bool = False) -> list:
    """The kept files named by ``tokens`` that belong to ``holder`` and ``procedure``.

    Unknown, expired or foreign tokens are left out silently: they attach nothing.
    """
    tokens = [t for t in tokens if isinstance(t, str) and t]
    if not holder or not tokens:
        return []
    qs = PendingUpload.objects.filter(
        holder=holder,
        procedure=procedure,
        token__in=tokens,
        file__isnull=False,
        created_at__gte=timezone.now() - KEEP_FOR,
    )
    if lock:
        qs = qs.select_for_update()
    return list(qs.select_related("file", "required_paper").order_by("pk"))


def pending_upload_take(*, actor, pending: PendingUpload, owner) -> StoredFile:
    """Move a kept file onto ``owner`` (the new dossier) and drop the pending row.

    Runs inside the caller's transaction (the dossier's creation).
    """
    stored = pending.file
    before = {"owner_type": stored.owner_type, "owner_id": stored.owner_id}
    stored.owner_type = owner_label(owner)
    stored.owner_id = str(owner.pk)
    StoredFile.objects.filter(pk=stored.pk).update(
        owner_type=stored.owner_type, owner_id=stored.owner_id
    )
    log_action(
        actor=actor,
        action="congvu.files.storedfile.move",
        obj=stored,
        before=before,
        after={"owner_type": stored.owner_type, "owner_id": stored.owner_id},
    )
    pending.delete()
    return stored


@transaction.atomic
def pending_uploads_purge(*, older_than: datetime.timedelta = KEEP_FOR, now=None) -> int:
    """Drop kept files of forms never sent; their blobs go with the orphan-blob sweep."""
    cutoff = (now or timezone.now()) - older_than
    stale = list(PendingUpload.objects.filter(created_at__lt=cutoff).select_related("file"))
    if not stale:
        return 0
    file_ids = [p.file_id for p in stale if p.file_id]
    PendingUpload.objects.filter(pk__in=[p.pk for p in stale]).delete()
    StoredFile.objects.filter(pk__in=file_ids).delete()
    log_action(
        actor=None,
        action="congvu.onestop.pendingupload.purge",
        after={"count": len(stale), "files": file_ids},
    )
    return len(stale)
