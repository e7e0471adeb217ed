"""Blobs of the exchange under ``exchange/``: the orphan sweep and the purge of sent bytes.

A received package's blob and a ``SentPackage`` blob are written inside the
transaction that creates their row and deleted when it rolls back
(``core.transactions.on_rollback``). A process killed between the write and
the commit leaves a file no row names: :func:`exchange_orphan_blobs_sweep`
removes it after a grace period (the files app's sweep only looks under
``files/``). :func:`sent_packages_purge` deletes the bytes of packages the
transport accepted more than ``EXCHANGE_SENT_RETENTION_DAYS`` ago: they are
never sent again (a retry stops at ``sent_at``), and the row keeps the
SHA-256, size and times as the record.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from congvu.files.maintenance import sweep_orphans

from .models import ReceivedPackage, SentPackage
from .services.common import audit

logger = logging.getLogger(__name__)

ROOT = "exchange"
GRACE = datetime.timedelta(hours=6)


def _known(paths: list[str]) -> set[str]:
    return set(
        ReceivedPackage.objects.filter(storage_name__in=paths).values_list(
            "storage_name", flat=True
        )
    ) | set(
        SentPackage.objects.filter(storage_name__in=paths).values_list("storage_name", flat=True)
    )


def exchange_orphan_blobs_sweep(
    *, older_than: datetime.timedelta = GRACE, now=None, storage=None
) -> int:
    """Delete blobs under ``exchange/`` that no received or sent package names; return how many."""
    return sweep_orphans(ROOT, _known, older_than=older_than, now=now, storage=storage)


def sent_packages_purge(*, days: int | None = None, now=None, storage=None) -> int:
    """Delete the bytes of packages sent more than ``days`` ago (0: keep); return how many."""
    storage = storage or default_storage
    if days is None:
        days = int(getattr(settings, "CONGVU_EXCHANGE_SENT_RETENTION_DAYS", 90))
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    purged = 0
    due = SentPackage.objects.filter(sent_at__lt=cutoff, purged_at__isnull=True).order_by("pk")
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            row = SentPackage.objects.select_for_update().filter(pk=pk, purged_at__isnull=True)
            row = row.first()
            if row is None:
                continue
            row.purged_at = timezone.now()
            row.save(update_fields=["purged_at"])
            audit(None, "sent_package", "purged", row, after={"storage_name": row.storage_name})
            name = row.storage_name
            # The blob goes only once the row says so: a rollback keeps both.
            transaction.on_commit(lambda name=name: storage.delete(name))
        purged += 1
    return purged
