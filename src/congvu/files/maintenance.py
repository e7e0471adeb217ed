"""Backstop for blobs without rows (a process killed between writing a blob and committing).

Rolled-back transactions delete their blobs at once (``congvu.core.transactions.on_rollback``);
this periodic sweep removes what a crash left behind, after a grace period long
enough for any transaction still running to commit.
"""

from __future__ import annotations

import datetime
import logging

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import StoredFile

logger = logging.getLogger(__name__)

ROOT = "files"
GRACE = datetime.timedelta(hours=6)


def _walk(storage, path: str):
    try:
        dirs, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    if files:
        yield path, files
    for name in dirs:
        yield from _walk(storage, f"{path}/{name}")


def orphan_blobs_sweep(*, older_than: datetime.timedelta = GRACE, now=None, storage=None) -> int:
    """Delete blobs under ``files/`` that no ``StoredFile`` row names; return how many."""

    def known(paths: list[str]) -> set[str]:
        rows = StoredFile.objects.filter(storage_name__in=paths)
        return set(rows.values_list("storage_name", flat=True))

    return sweep_orphans(ROOT, known, older_than=older_than, now=now, storage=storage)


def sweep_orphans(
    root: str, known, *, older_than: datetime.timedelta = GRACE, now=None, storage=None
) -> int:
    """Delete blobs under ``root`` older than ``older_than`` that ``known(paths)`` does not name.

    ``known`` returns the subset of the given storage names some row holds; other apps
    that keep blobs of their own (``exchange/``) sweep them through this one loop.
    """
    storage = storage or default_storage
    now = now or timezone.now()
    deleted = 0
    for directory, names in _walk(storage, root):
        paths = [f"{directory}/{name}" for name in names]
        held = known(paths)
        for path in paths:
            if path in held:
                continue
            try:
                modified = storage.get_modified_time(path)
            except (NotImplementedError, OSError):
                continue
            if timezone.is_naive(modified):
                modified = timezone.make_aware(modified)
            if now - modified < older_than:
                continue
            # Re-check just before deleting: a row may have committed meanwhile.
            if known([path]):
                continue
            storage.delete(path)
            deleted += 1
            logger.warning("Deleted orphan blob %s", path)
    return deleted
