"""Indexing after the commit, in batches (issue 12: indexing throughput).

A change to a searchable document records its key as a ``PendingIndex`` row in the
change's own transaction (:func:`search_index_later`, one INSERT, once per document
and transaction); after the commit an indexer (:func:`search_index_drain`) takes the
pending keys in batches through the set-based ``search_index_update_many`` path and
deletes the rows it applied, in the same transaction as the index rows it wrote.

- Nothing is missed: the pending row commits with the change or not at all; an
  indexer that fails or is killed rolls back and leaves the rows; the periodic job
  ``search-index-pending`` (Celery beat every minute, ``congvu run_periodic`` in
  embedded mode) and ``congvu search_index_pending`` drain whatever is left;
  ``congvu search_reindex`` rebuilds everything.
- When: without a broker (embedded mode, the demo, the tests; Celery eager) the
  drain runs synchronously when the transaction commits, so a document is
  searchable as soon as its change has committed, as before. With a broker the
  commit queues the Celery task ``congvu.search.tasks.drain_index``; the documents
  of all the commits that happen while it runs are indexed by its next batches.
- One indexer at a time (a PostgreSQL advisory lock; a process lock on SQLite,
  which has one writer anyway): a second one would read a document's older state
  and could write it after the first wrote a newer one. An indexer that finds the
  lock taken returns at once; the holder re-checks the queue after releasing it,
  so a commit whose wake-up found it busy is not left waiting for the periodic job.
- A document whose indexing fails does not hold back the others: the batch is
  retried one document at a time; the failing one stays pending (logged) and is
  retried by the next run.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import zlib
from dataclasses import dataclass, field

from django.db import connection, transaction

from .models import PendingIndex

logger = logging.getLogger(__name__)

#: Documents indexed per batch (one read of each kind's documents, one upsert).
BATCH_SIZE = 200

_LOCK_KEY = zlib.crc32(b"congvu.search.indexer")
_process_lock = threading.Lock()


@dataclass
class _InTransaction:
    """A block that indexes the ``kind`` documents it saves (search_index_in_transaction)."""

    kind: str
    savepoints: tuple
    waiting: set[int] = field(default_factory=set)  #: saved in the block, not indexed yet
    indexed: set[int] = field(default_factory=set)  #: indexed in the block


_in_transaction: contextvars.ContextVar[_InTransaction | None] = contextvars.ContextVar(
    "congvu_search_indexed_here", default=None
)


@contextlib.contextmanager
def search_index_in_transaction(kind: str):
    """A block of a transaction that indexes the ``kind`` documents it saves itself.

    For a service that creates a document and writes its index row in the same
    transaction (``services.search_index_new``, ``incoming_register``, ADR 0005): the
    saves of ``kind`` documents in the block record no ``PendingIndex`` row, where one
    would be inserted at the save and deleted again by ``search_index_new`` (two
    statements of every registration). Nothing is left out:

    - a document saved in the block that ``search_index_new`` did not index at the
      block's own savepoint level (not called, or called in an inner savepoint that
      may roll back) gets its pending row when the block ends, in the transaction;
    - a save after the document was indexed in the block records its row as usual;
    - an exception leaving the block marks the transaction for rollback, so a document
      saved without a row cannot commit even if a caller catches the exception.
    """
    if not connection.in_atomic_block:
        raise RuntimeError(
            "search_index_in_transaction() must run inside the transaction of the change"
        )
    block = _InTransaction(kind=kind, savepoints=tuple(connection.savepoint_ids))
    token = _in_transaction.set(block)
    try:
        yield
    except BaseException:
        transaction.set_rollback(True)
        raise
    finally:
        _in_transaction.reset(token)
    if connection.needs_rollback:
        return  # the transaction cannot commit: nothing to owe
    for pk in sorted(block.waiting):
        search_index_later(kind, pk)


def _deferred_to_block(kind: str, pk) -> bool:
    """Whether the save of ``pk`` is left to the search_index_in_transaction block around it."""
    block = _in_transaction.get()
    if block is None or block.kind != kind or int(pk) in block.indexed:
        return False
    block.waiting.add(int(pk))
    return True


def indexed_in_block(kind: str, pk) -> None:
    """``search_index_new`` wrote the row of ``pk``: the enclosing block
    (``search_index_in_transaction``) owes it no pending row, unless the row was
    written in an inner savepoint."""
    block = _in_transaction.get()
    if block is None or block.kind != kind:
        return
    if tuple(connection.savepoint_ids) != block.savepoints:
        return  # an inner savepoint may still roll the row back: keep it owed
    block.waiting.discard(int(pk))
    block.indexed.add(int(pk))


def _markers():
    """The pending-index markers of the current transaction, with their savepoint ids."""
    if not connection.in_atomic_block:
        return []
    return [
        (sids, func)
        for sids, func, _robust in connection.run_on_commit
        if getattr(func, "search_marker", None)
    ]


def search_index_later(kind: str, pk) -> None:
    """Have the document ``pk`` of ``kind`` reindexed after the current transaction commits.

    One ``PendingIndex`` row, once per document and transaction (a row recorded at
    this or an outer savepoint level survives as long as this change does), and one
    wake-up of the indexer per transaction.
    """
    if connection.in_atomic_block and _deferred_to_block(kind, pk):
        return
    current = set(connection.savepoint_ids) if connection.in_atomic_block else set()
    key = (kind, int(pk))
    # The markers of this transaction share one "done" mark, set when the first
    # wake-up runs after the commit (the indexer then takes every pending row).
    markers = [(sids, f) for sids, f in _markers() if not f.shared["done"]]
    shared = markers[0][1].shared if markers else {"done": False}
    if not any(
        f.search_marker == key and not f.superseded and sids <= current for sids, f in markers
    ):
        row = PendingIndex.objects.create(kind=kind, object_id=pk)
        if not connection.in_atomic_block:
            _wake()
            return
        transaction.on_commit(_marker(key, row.pk, shared), robust=True)
    # A wake-up per call (cheap: those after the first return at once). Not one per
    # transaction: one registered at an inner savepoint that rolls back must not take
    # this change's wake-up with it, and a test's captured commit runs only the
    # callbacks registered inside it.
    transaction.on_commit(_marker("wake", None, shared), robust=True)


def _marker(key, row_id, shared):
    def marker():
        if marker.search_marker == "wake" and not (marker.superseded or marker.shared["done"]):
            marker.shared["done"] = True
            _wake()

    marker.search_marker, marker.row_id, marker.superseded = key, row_id, False
    marker.shared = shared
    return marker


def supersede(kind: str, pk) -> None:
    """Drop this transaction's pending rows of the document (it was just indexed in it)."""
    key = (kind, int(pk))
    found = [
        f
        for _sids, f in _markers()
        if f.search_marker == key and not f.superseded and not f.shared["done"]
    ]
    if found:
        PendingIndex.objects.filter(pk__in=[f.row_id for f in found]).delete()
        for f in found:
            f.superseded = True
    live = [f for _sids, f in _markers() if not f.superseded and not f.shared["done"]]
    if not any(f.search_marker != "wake" for f in live):
        for f in live:  # nothing of this transaction's left to index: no wake-up
            f.superseded = True


def _wake() -> None:
    from .tasks import drain_index

    if drain_index.app.conf.task_always_eager:
        search_index_drain()
    else:
        drain_index.delay()


@dataclass
class DrainResult:
    """What one run of the indexer did."""

    indexed: int = 0  #: documents (re)indexed or removed
    applied: int = 0  #: pending rows applied and deleted
    failed: int = 0  #: documents left pending after an error
    busy: bool = False  #: another indexer held the lock

    def as_dict(self) -> dict:
        return {
            "indexed": self.indexed,
            "applied": self.applied,
            "failed": self.failed,
            "busy": self.busy,
        }


@contextlib.contextmanager
def _indexer_lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_KEY])
            got = cursor.fetchone()[0]
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])
        return
    got = _process_lock.acquire(blocking=False)
    try:
        yield got
    finally:
        if got:
            _process_lock.release()


def search_index_drain(*, batch_size: int = BATCH_SIZE, max_batches: int | None = None):
    """Index the pending documents in batches until none is left; returns a DrainResult.

    Run it outside a transaction (after the commit, in the task, the command): each
    batch commits on its own, so what is applied stays applied if a later one fails.
    """
    result = DrainResult()
    failed: set[int] = set()
    batches = 0
    while True:
        with _indexer_lock() as got:
            if not got:
                result.busy = True
                return result
            while max_batches is None or batches < max_batches:
                rows = list(
                    PendingIndex.objects.exclude(pk__in=failed)
                    .order_by("pk")
                    .values_list("pk", "kind", "object_id")[:batch_size]
                )
                if not rows:
                    break
                batches += 1
                _apply(rows, result, failed)
        if max_batches is not None and batches >= max_batches:
            return result
        # Rows committed while the lock was held, whose wake-up found it taken.
        if not PendingIndex.objects.exclude(pk__in=failed).exists():
            return result


def _keys(rows) -> dict[tuple[str, int], list[int]]:
    keys: dict[tuple[str, int], list[int]] = {}
    for row_id, kind, object_id in rows:
        keys.setdefault((kind, object_id), []).append(row_id)
    return keys


def _apply(rows, result: DrainResult, failed: set[int]) -> None:
    from .services import search_index_update_many

    keys = _keys(rows)
    try:
        with transaction.atomic():
            for kind in sorted({k for k, _pk in keys}):
                search_index_update_many(kind, [pk for k, pk in keys if k == kind])
            PendingIndex.objects.filter(pk__in=[r[0] for r in rows]).delete()
    except Exception:
        logger.exception("Search indexing of a batch of %d documents failed", len(keys))
    else:
        result.indexed += len(keys)
        result.applied += len(rows)
        return
    # One at a time, so that one document that cannot be indexed holds back no other.
    for (kind, pk), ids in keys.items():
        try:
            with transaction.atomic():
                search_index_update_many(kind, [pk])
                PendingIndex.objects.filter(pk__in=ids).delete()
        except Exception:
            logger.exception("Search indexing of %s %s failed; it stays pending", kind, pk)
            result.failed += 1
            failed.update(ids)
        else:
            result.indexed += 1
            result.applied += len(ids)
